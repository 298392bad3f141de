"""Deleting a mention (owner only): a confirmation page, then the mention, its case and all on
it are gone, and the next poll of its source will not bring it back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from monitors.models import Mention
from responses.deletion import delete_mention
from responses.models import Case
from reviewwatch.roles import owner_required


@owner_required
def mention_delete(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = get_object_or_404(Mention.objects.select_related("source"), pk=mention_id)
    case = Case.objects.filter(mention=mention).first()
    if request.method == "POST":
        delete_mention(mention)
        messages.success(
            request,
            f"Deleted the mention{' and its case' if case else ''}. "
            f"It will not come back when “{mention.source.name}” is checked again.",
        )
        return redirect("mentions")
    context = {"nav": "inbox", "mention": mention, "case": case}
    return render(request, "responses/mention_confirm_delete.html", context)
