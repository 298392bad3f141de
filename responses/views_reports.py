"""Reports: what the world said, counted by source and label."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitors.models import Label, Source


def reports(request: HttpRequest) -> HttpResponse:
    by_source = Source.objects.annotate(
        total=Count("mentions"),
        negative=Count("mentions", filter=Q(mentions__label=Label.NEGATIVE)),
        positive=Count("mentions", filter=Q(mentions__label=Label.POSITIVE)),
    ).order_by("name")
    return render(request, "responses/reports.html", {"nav": "reports", "by_source": by_source})
