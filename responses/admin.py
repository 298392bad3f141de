"""Django admin for every responses model; one module per concern."""

from responses import admin_cases, admin_digests, admin_incidents, admin_replies  # noqa: F401
