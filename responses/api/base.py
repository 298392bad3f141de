"""The base of every API view: times and dates in the token's person's own time zone, as the
pages show them to that person."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.views import APIView

from responses.reader_time import reader_zone


class ApiView(APIView):
    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        zone = reader_zone(request.user)
        if zone is not None:
            timezone.activate(zone)

    def finalize_response(self, request, response, *args, **kwargs):
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)
