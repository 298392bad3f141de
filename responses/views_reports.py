"""Reports: what the world said, counted by source and label, and how fast we answered."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from monitors.models import Label, Source
from responses.response_times import WINDOW, response_times


def reports(request: HttpRequest) -> HttpResponse:
    by_source = Source.objects.annotate(
        total=Count("mentions"),
        negative=Count("mentions", filter=Q(mentions__label=Label.NEGATIVE)),
        positive=Count("mentions", filter=Q(mentions__label=Label.POSITIVE)),
    ).order_by("name")
    context = {
        "nav": "reports",
        "by_source": by_source,
        "times": response_times(timezone.now()),
        "window_days": WINDOW.days,
    }
    return render(request, "responses/reports.html", context)
