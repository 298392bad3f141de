"""Owner pages for sources: list with health, add (after a test fetch), edit, pause, delete."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitors.models import Source


def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.annotate(mention_count=Count("mentions"))
    return render(request, "monitors/source_list.html", {"sources": sources, "nav": "sources"})
