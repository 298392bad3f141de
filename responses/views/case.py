"""The case page and its in-page actions (htmx): assign, status, priority, tags, note, merge.

Every action carries the version the person saw. With htmx the answer is the re-rendered case
panel (or inbox row, when `render=row`); without it, a redirect back to the case page.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from monitors.models import Mention
from responses import followups
from responses.cases import Change, StaleCase, add_note, change_case, merge_case
from responses.customer_card import customer_card
from responses.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    StatusForm,
    TagsForm,
    active_people,
)
from responses.models import Case, Event, Tag
from responses.views.inbox import inbox_row, resolve_assignee

OTHER_MENTIONS_SHOWN = 20
# The htmx event that makes the case page's timeline fetch itself again.
CASE_CHANGED = "case-changed"


def load_case(case_id: int) -> Case:
    related = ("mention__source", "assignee", "merged_into__mention")
    return get_object_or_404(Case.objects.select_related(*related), pk=case_id)


def _panel_context(case: Case, notice: str = "", error: str = "", **forms_typed) -> dict:
    """Everything the side panel shows: triage, resolving, remedies, follow-ups, blocking.
    `forms_typed`: a remedy or follow-up form as the person filled it in, errors and all."""
    return {
        "case": case,
        "people": active_people(),
        "statuses": Case.Status.choices,
        "dismiss_reasons": Case.DismissReason.choices,
        "priorities": Case.Priority.choices,
        "outcomes": followups.Outcome.CHOICES,
        "suggested_outcome": followups.suggested_outcome(case),
        "all_tags": Tag.objects.filter(archived=False),
        "case_tag_ids": {tag.pk for tag in case.tags.all()},
        "remedies": case.remedies.select_related("offered_by", "delivered_by"),
        "remedy_form": forms_typed.get("remedy_form") or followups.RemedyForm(),
        "followups": case.followups.select_related("created_by", "done_by"),
        "followup_form": forms_typed.get("followup_form") or followups.FollowUpForm(),
        "author_blocked": followups.is_blocked(case.mention.author),
        "now": timezone.now(),
        "notice": notice,
        "error": error,
    }


def _timeline_context(case: Case, note_error: str = "") -> dict:
    return {
        "case": case,
        "events": case.events.select_related("actor", "note"),
        "note_form": NoteForm(),
        "note_error": note_error,
    }


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    mention = case.mention
    others = Mention.objects.none()
    if mention.author.strip():
        others = (
            Mention.objects.filter(author__iexact=mention.author)
            .exclude(pk=mention.pk)
            .select_related("source", "case")
            .defer("html")
            .order_by("-first_seen_at")[:OTHER_MENTIONS_SHOWN]
        )
    context = {
        **_panel_context(case),
        **_timeline_context(case),
        "nav": "inbox",
        "mention": mention,
        "revisions": mention.revisions.all(),
        "other_mentions": others,
        "related_cases": case.merged_cases.select_related("mention__source"),
        "reopened": case.events.filter(kind=Event.Kind.REOPENED).select_related("actor").last(),
        **customer_card(mention),
    }
    return render(request, "responses/case.html", context)


def answer_with_panel(
    request: HttpRequest, case: Case, notice: str = "", error: str = "", **forms_typed
) -> HttpResponse:
    """htmx: the re-rendered side panel (or inbox row, with `render=row`), telling the page's
    timeline to fetch itself again; otherwise back to the case page with a message."""
    if request.htmx and request.POST.get("render") == "row":
        row = inbox_row(case, timezone.now(), error)
        return render(request, "responses/partials/inbox_row.html", {"row": row})
    if request.htmx:
        context = _panel_context(case, notice, error, **forms_typed)
        response = render(request, "responses/partials/case_panel.html", context)
        response["HX-Trigger"] = CASE_CHANGED
        return response
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("case", case_id=case.pk)


def _stale_message(case: Case) -> str:
    who = case.assignee.email if case.assignee else "nobody"
    return (
        "Someone changed this case while you were looking, so your change was not applied. "
        f"It is now {case.get_status_display()}, assigned to {who}. Check and try again."
    )


def _act(
    request: HttpRequest,
    case_id: int,
    form_class: type[forms.Form],
    to_change: Callable[[dict], Change],
    notice: str,
) -> HttpResponse:
    case = load_case(case_id)
    form = form_class(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return answer_with_panel(request, case, error=error)
    try:
        change_case(
            case.pk, form.cleaned_data["version"], request.user, to_change(form.cleaned_data)
        )
    except StaleCase as stale:
        return answer_with_panel(request, load_case(case_id), error=_stale_message(stale.case))
    return answer_with_panel(request, load_case(case_id), notice=notice)


@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    def to_change(data: dict) -> Change:
        return Change(assignee=resolve_assignee(data["assignee"], request.user))

    return _act(request, case_id, AssignForm, to_change, "Assignee changed.")


@require_POST
def set_status(request: HttpRequest, case_id: int) -> HttpResponse:
    def to_change(data: dict) -> Change:
        if data["status"] == Case.Status.RESOLVED:
            return followups.resolved_with(data["outcome"], data["outcome_note"])
        return Change(status=data["status"], dismiss_reason=data["dismiss_reason"])

    return _act(request, case_id, StatusForm, to_change, "Status changed.")


@require_POST
def set_priority(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        PriorityForm,
        lambda d: Change(priority=d["priority"]),
        "Priority changed.",
    )


@require_POST
def set_tags(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, TagsForm, lambda d: Change(tags=list(d["tags"])), "Tags saved.")


@require_POST
def note(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    form = NoteForm(request.POST)
    error = "" if form.is_valid() else "Write something before adding the note."
    if not error:
        add_note(case, request.user, form.cleaned_data["body"])
    if request.htmx:
        context = _timeline_context(case, note_error=error)
        return render(request, "responses/partials/case_timeline.html", context)
    return answer_with_panel(request, case, notice="" if error else "Note added.", error=error)


@require_GET
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    """The notes and timeline alone: the case page fetches them again after every change."""
    case = load_case(case_id)
    return render(request, "responses/partials/case_timeline.html", _timeline_context(case))


@require_POST
def merge(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return answer_with_panel(request, case, error=error)
    into = form.cleaned_data["into"]
    try:
        merge_case(case.pk, form.cleaned_data["version"], into, request.user)
    except StaleCase as stale:
        return answer_with_panel(request, load_case(case_id), error=_stale_message(stale.case))
    except ValueError as problem:
        return answer_with_panel(request, case, error=str(problem))
    return answer_with_panel(request, load_case(case_id), notice=f"Merged into case {into.pk}.")
