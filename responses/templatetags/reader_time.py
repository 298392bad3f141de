"""`{{ moment|when }}`: one format for every time on a page, in the reader's zone, zone named:
<time datetime="2026-12-02T14:05:00+00:00">2026-12-02 15:05 CET</time>."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

register = template.Library()
FORMAT = "Y-m-d H:i T"


@register.filter
def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return format_html(
        '<time datetime="{}">{}</time>', moment.isoformat(), format_date(local, FORMAT)
    )
