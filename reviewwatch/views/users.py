"""The owner's Users page: invite, re-send an invitation, change role, deactivate."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviewwatch.forms import InviteForm, RoleForm
from reviewwatch.invitations import is_invited
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required, role_of, set_role
from reviewwatch.tasks import send_invitation


@owner_required
def users(request: HttpRequest) -> HttpResponse:
    people = get_user_model().objects.order_by("-is_active", "email").prefetch_related("groups")
    rows = [{"user": u, "role": role_of(u)} for u in people]
    return render(request, "accounts/users.html", {"rows": rows, "form": InviteForm()})


@owner_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        people = get_user_model().objects.order_by("-is_active", "email")
        rows = [{"user": u, "role": role_of(u)} for u in people]
        return render(request, "accounts/users.html", {"rows": rows, "form": form}, status=400)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=email, email=email)
        user.set_unusable_password()
        user.save()
        set_role(user, role)
    _queue_invitation(request, user)
    return redirect("users")


@owner_required
@require_POST
def resend_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not is_invited(user):
        messages.error(request, f"{user.email} has already chosen a password or is deactivated.")
    else:
        _queue_invitation(request, user)
    return redirect("users")


def _queue_invitation(request: HttpRequest, user) -> None:
    """The email goes from a task: a mail server that is down never fails the page."""
    if enqueue(send_invitation, user.pk, request.user.pk, uuid.uuid4().hex):
        messages.success(request, f"Invitation to {user.email} is on its way.")
    else:
        messages.error(request, f"The invitation to {user.email} was not sent. {BROKER_DOWN}")


@owner_required
@require_POST
def change_role(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner or staff.")
    elif user == request.user:
        messages.error(request, "You cannot change your own role.")
    else:
        set_role(user, form.cleaned_data["role"])
        messages.success(request, f"{user.email} is now {form.cleaned_data['role']}.")
    return redirect("users")


@owner_required
@require_POST
def toggle_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user == request.user:
        messages.error(request, "You cannot deactivate yourself.")
    else:
        user.is_active = not user.is_active
        user.save(update_fields=["is_active"])
        state = "reactivated" if user.is_active else "deactivated"
        messages.success(request, f"{user.email} {state}.")
    return redirect("users")
