"""Every page shows times in the reader's own time zone (the one their digests use), named."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from responses.models import DigestPreference


def reader_zone(user) -> ZoneInfo | None:
    """The zone a signed-in person chose on Settings; None (the server's) for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    name = DigestPreference.objects.filter(user=user).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


class ReaderTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = reader_zone(getattr(request, "user", None))
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
