"""A filter that keeps a quoted value from doubling the quotes the page puts around it (<q>)."""

from __future__ import annotations

from django import template

from monitors.classify import unquoted

register = template.Library()
register.filter("unquoted", unquoted)
