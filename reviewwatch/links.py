"""Absolute links to ReviewWatch's own pages, for emails and console messages.

SITE_URL is the one source of the address; when it is unset, settings derive it from HOST and
PORT, where `make run` listens. Password-reset emails are the exception: Django builds those from
the address the request came in on.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args: object, **kwargs: object) -> str:
    """SITE_URL plus the path of the named page, e.g. absolute_url("case", case_id=7)."""
    return settings.SITE_URL + reverse(viewname, args=args or None, kwargs=kwargs or None)
