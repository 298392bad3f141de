"""The owners' "Awaiting approval" page: every reply sent for approval, the longest waiting
first, each linking to its case's reply panel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from responses.approvals import waiting_list
from reviewwatch.roles import owner_required


@owner_required
def awaiting_approval(request: HttpRequest) -> HttpResponse:
    context = {"nav": "approvals", "waiting": waiting_list()}
    return render(request, "responses/approvals.html", context)
