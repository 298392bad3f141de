"""The two roles, Owner and Staff, as Django groups with permissions.

Owner manages sources, users, templates and settings and can do all Staff can; Staff triage,
draft replies and resolve. Views check roles with `owner_required`; templates read `is_owner`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

OWNER = "Owner"
STAFF = "Staff"
ROLES = {"owner": OWNER, "staff": STAFF}

# Staff get change/view on the triage side; Owner gets every permission of our apps.
STAFF_APPS = ("responses",)
OWNER_APPS = ("monitors", "responses", "auth")
STAFF_ACTIONS = ("view", "add", "change")


def ensure_role_groups(**kwargs) -> None:
    """Create or refresh the role groups after every migrate (idempotent)."""
    owner, _ = Group.objects.get_or_create(name=OWNER)
    staff, _ = Group.objects.get_or_create(name=STAFF)
    owner.permissions.set(Permission.objects.filter(content_type__app_label__in=OWNER_APPS))
    staff_perms = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    staff.permissions.set(
        [p for p in staff_perms if p.codename.split("_", 1)[0] in STAFF_ACTIONS]
        + list(
            Permission.objects.filter(
                content_type__app_label="monitors", codename__startswith="view_"
            )
        )
    )


def is_owner(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_rw_is_owner", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=OWNER).exists()
        user._rw_is_owner = cached
    return cached


def role_of(user: AbstractBaseUser) -> str:
    return "owner" if is_owner(user) else "staff"


def set_role(user: AbstractBaseUser, role: str) -> None:
    """Give the user exactly one of the two roles."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: use owner or staff.")
    groups = Group.objects.filter(name__in=ROLES.values())
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=ROLES[role]))
    user.__dict__.pop("_rw_is_owner", None)


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_owner(request.user):
            raise PermissionDenied("Only the owner can do this.")
        return view(request, *args, **kwargs)

    return wrapped


def role_context(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"is_owner": bool(user and is_owner(user))}
