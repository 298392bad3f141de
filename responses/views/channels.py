"""Notification channels: each person's own (the alerts they want there, as well as or instead
of email) and, for owners, the team channels; a test message for any of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from responses.models import Channel
from responses.notify.channels import ChannelError, send_test
from responses.notify.forms import ChannelForm
from reviewwatch.roles import is_owner


def channel_list(request: HttpRequest) -> HttpResponse:
    owner = is_owner(request.user)
    adding_team = request.method == "POST" and "team-name" in request.POST
    if adding_team and not owner:
        raise PermissionDenied("Only an owner can add a team channel.")
    posted = request.POST if request.method == "POST" else None
    own_form = ChannelForm(None if adding_team else posted, owner=owner)
    team_form = ChannelForm(posted if adding_team else None, team=True, prefix="team")
    form = team_form if adding_team else own_form
    if posted is not None and form.is_valid():
        channel = form.save(request.user)
        messages.success(request, f"Added {channel.name}: send it a test message to check it.")
        return redirect("channels")
    context = {
        "nav": "settings",
        "is_owner": owner,
        "own_form": own_form,
        "team_form": team_form,
        "own_channels": Channel.objects.filter(user=request.user),
        "team_channels": Channel.objects.filter(user__isnull=True),
    }
    return render(request, "responses/channels.html", context)


def _channel_for(request: HttpRequest, channel_id: int) -> Channel:
    """A person's own channel, or a team channel for an owner; 404 for anybody else's."""
    channel = get_object_or_404(Channel, pk=channel_id)
    if channel.user_id == request.user.pk or (channel.is_team and is_owner(request.user)):
        return channel
    raise PermissionDenied("This is not your channel.")


@require_POST
def channel_test(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = _channel_for(request, channel_id)
    try:
        send_test(channel)
    except ChannelError as error:
        Channel.objects.filter(pk=channel.pk).update(last_error=str(error)[:300])
        messages.error(request, f"The test message to {channel.name} failed: {error}")
    else:
        messages.success(request, f"Test message sent to {channel.name}.")
    return redirect("channels")


@require_POST
def channel_delete(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = _channel_for(request, channel_id)
    channel.delete()
    messages.success(request, f"Removed {channel.name}.")
    return redirect("channels")
