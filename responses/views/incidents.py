"""Incident pages: the list, declaring one (the owner's; a spike alert links here with its
proposal filled in), and the incident page with its linked mentions (refreshed live), status
updates, the reply for every linked case, the timeline and the post-incident review.

Everyone signed in sees incidents and may write the reply for every linked case; declaring,
updating, linking and approving are the owner's. Actions answer with a redirect back to the
incident page and a message (htmx boosts nothing here: the page is one coherent state).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from monitors.models import Label, Mention, Subject
from responses import incident_replies, incidents
from responses.incident_forms import (
    DeclareForm,
    IncidentReplyForm,
    LearnedForm,
    UpdateForm,
)
from responses.incidents import IncidentError
from responses.models import Incident, IncidentReply
from responses.reply_forms import form_error
from responses.reports.incidents import MAX_LISTED, incident_row
from reviewwatch.request_values import whole_number
from reviewwatch.roles import is_owner, owner_required

NEARBY_SHOWN = 20  # negative mentions since the start, not linked, offered to add


def incident_list(request: HttpRequest) -> HttpResponse:
    found = Incident.objects.order_by("-started_at", "-pk")[:MAX_LISTED]
    rows = [incident_row(incident) for incident in found]
    context = {
        "nav": "incidents",
        "open": [row for row in rows if row.status != Incident.Status.RESOLVED],
        "past": [row for row in rows if row.status == Incident.Status.RESOLVED],
    }
    return render(request, "responses/incidents/list.html", context)


@owner_required
def declare(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DeclareForm(request.POST)
        if form.is_valid():
            incident = incidents.declare(
                form.save(commit=False), form.cleaned_data["sources"], request.user
            )
            linked = incident.links.count()
            messages.success(request, f"Incident declared: {linked} mention(s) linked.")
            return redirect("incident", incident_id=incident.pk)
    else:
        form = DeclareForm.proposed(request.GET)
    return render(request, "responses/incidents/declare.html", {"nav": "incidents", "form": form})


def _load(incident_id: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("script", "declared_by"), pk=incident_id
    )


def _nearby(incident: Incident):
    """Negative mentions of our business since the start that are not part of it (never linked,
    or removed), newest first: what the owner may add by hand."""
    since = Mention.objects.filter(
        first_seen_at__gte=incident.started_at, label=Label.NEGATIVE, subject=Subject.OURS
    )
    if incident.resolved_at:
        since = since.filter(first_seen_at__lte=incident.resolved_at)
    linked = incidents.linked_mentions(incident).values("pk")
    return (
        since.exclude(pk__in=linked)
        .select_related("source")
        .defer("html")
        .order_by("-first_seen_at")[:NEARBY_SHOWN]
    )


def _mentions_context(incident: Incident) -> dict:
    return {"incident": incident, "mentions": incidents.linked_mentions(incident)}


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _load(incident_id)
    script_text = incident.script.body if incident.script else ""
    context = {
        **_mentions_context(incident),
        "nav": "incidents",
        "row": incident_row(incident),
        "events": incident.events.select_related("actor"),
        "statuses": Incident.Status.choices,
        "update_form": UpdateForm(
            initial={"status": incident.status, "staff_note": incident.staff_note}
        ),
        "reply_form": IncidentReplyForm(initial={"text": script_text}),
        "learned_form": LearnedForm(
            initial={"learned": incident.learned, "followup_text": incident.followup_text}
        ),
        "waiting_reply": incident.replies.filter(state=IncidentReply.State.PENDING)
        .select_related("written_by")
        .first(),
        "to_answer": incident_replies.cases_to_answer(incident).count(),
        "postings": incident_replies.posting_counts(incident),
        "manual": incidents.waiting_replies(incident),
        "nearby": _nearby(incident) if is_owner(request.user) else [],
    }
    return render(request, "responses/incidents/detail.html", context)


@require_GET
def incident_mentions(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The linked mentions alone: the incident page fetches them every few seconds."""
    context = _mentions_context(_load(incident_id))
    return render(request, "responses/incidents/partials/mentions.html", context)


def _back(request: HttpRequest, incident: Incident, notice: str = "", error: str = ""):
    """Back to the incident page with a message, or to the case page the action came from."""
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    case_id = whole_number(request.POST.get("case", ""))
    if case_id is not None:
        return redirect("case", case_id=case_id)
    return redirect("incident", incident_id=incident.pk)


def _mention(request: HttpRequest) -> Mention | None:
    mention_id = whole_number(request.POST.get("mention", ""))
    return Mention.objects.filter(pk=mention_id).first() if mention_id is not None else None


@require_POST
@owner_required
def link(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident, mention = _load(incident_id), _mention(request)
    if mention is None:
        return _back(request, incident, error="That mention no longer exists.")
    incidents.link_mention(incident, mention, request.user)
    return _back(request, incident, "Mention added to the incident.")


@require_POST
@owner_required
def unlink(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident, mention = _load(incident_id), _mention(request)
    if mention is None:
        return _back(request, incident, error="That mention no longer exists.")
    incidents.unlink_mention(incident, mention, request.user)
    return _back(request, incident, "Mention removed from the incident.")


@require_POST
@owner_required
def update(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _load(incident_id)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _back(request, incident, error=form_error(form))
    data = form.cleaned_data
    try:
        with transaction.atomic():  # the note and the update, or neither
            incidents.change_note(incident, request.user, data["staff_note"])
            incidents.post_update(
                incident, request.user, data["status"], data["message"], timezone.now()
            )
    except IncidentError as error:
        return _back(request, incident, error=str(error))
    return _back(request, incident, "Status updated.")


@require_POST
@owner_required
def review(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _load(incident_id)
    form = LearnedForm(request.POST)
    if not form.is_valid():
        return _back(request, incident, error=form_error(form))
    data = form.cleaned_data
    incidents.save_review(incident, request.user, data["learned"], data["followup_text"])
    return _back(request, incident, "Saved.")


@require_POST
def reply(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Write the reply for every linked case: an owner's is approved and posted at once."""
    incident = _load(incident_id)
    form = IncidentReplyForm(request.POST)
    if not form.is_valid():
        return _back(request, incident, error=form_error(form))
    try:
        written = incident_replies.propose(incident, request.user, form.cleaned_data["text"])
    except IncidentError as error:
        return _back(request, incident, error=str(error))
    if written.state == IncidentReply.State.APPROVED:
        return _back(request, incident, "Approved: the reply is being posted to the linked cases.")
    return _back(request, incident, "Sent to an owner for approval.")


@require_POST
@owner_required
def reply_approve(request: HttpRequest, incident_id: int, reply_id: int) -> HttpResponse:
    incident = _load(incident_id)
    waiting = get_object_or_404(IncidentReply, pk=reply_id, incident=incident)
    try:
        incident_replies.approve(waiting, request.user)
    except IncidentError as error:
        return _back(request, incident, error=str(error))
    return _back(request, incident, "Approved: the reply is being posted to the linked cases.")
