"""The two roles, Owner and Staff, as Django groups; the role also decides who may use the admin.

Owner manages sources, users, templates and settings and can do all Staff can; Staff triage,
draft replies and resolve. Views check roles with `owner_required`; templates read `is_owner`.
The Django admin is the owner's tool: `set_role` keeps `is_staff` equal to "is an owner", the
admin site itself asks `is_owner`, and only the Owner group holds model permissions (the app's
own views never consult them).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

OWNER = "Owner"
STAFF = "Staff"
ROLES = {"owner": OWNER, "staff": STAFF}
# Django's own bookkeeping, which nobody edits by hand (the admin's log included).
NOT_EDITABLE = ("admin", "contenttypes", "sessions")


def ensure_role_groups(**kwargs) -> None:
    """Create or refresh the role groups and the admin flag after every migrate (idempotent)."""
    owner, _ = Group.objects.get_or_create(name=OWNER)
    staff, _ = Group.objects.get_or_create(name=STAFF)
    owner.permissions.set(Permission.objects.exclude(content_type__app_label__in=NOT_EDITABLE))
    staff.permissions.clear()
    users = get_user_model().objects
    users.filter(groups=owner).exclude(is_staff=True).update(is_staff=True)
    users.filter(is_staff=True, is_superuser=False).exclude(groups=owner).update(is_staff=False)


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
    """Give the user exactly one of the two roles, and the admin exactly when it is Owner.

    Demoting a superuser also drops the superuser flag, which would otherwise keep them owner.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: use owner or staff.")
    groups = Group.objects.filter(name__in=ROLES.values())
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=ROLES[role]))
    user.is_staff = role == "owner"
    if role != "owner":
        user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser"])
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
