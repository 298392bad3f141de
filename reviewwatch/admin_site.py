"""The Django admin site, open to the Owner role only (whatever a stale `is_staff` says)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from reviewwatch.roles import is_owner


class OwnerAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return is_owner(request.user)
