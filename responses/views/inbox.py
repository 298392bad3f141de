"""The inbox (home page), its bulk actions, and the mentions list to open a case by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitors.models import Mention, Source
from responses.cases import (
    UNASSIGN,
    Change,
    StaleCase,
    change_case,
    open_case,
    short_duration,
)
from responses.forms import BulkForm, InboxFilterForm, MentionFilterForm, active_people
from responses.inbox import inbox_page
from responses.mention_list import mention_page
from responses.models import OPEN_STATUSES, Case
from reviewwatch.request_values import whole_number

NOTHING_SELECTED = "Select at least one case."


def _inbox_context(request: HttpRequest, query: QueryDict, notice: str = "") -> dict:
    people = list(active_people())
    form = InboxFilterForm(query, people=people)
    filters = form.filters()
    page = inbox_page(filters, request.user, after=query.get("after", ""))
    now = timezone.now()
    base_query = query.copy()
    base_query.pop("after", None)
    without_status = base_query.copy()
    without_status.pop("status", None)
    return {
        "nav": "inbox",
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [inbox_row(case, now) for case in page.cases],
        "people": people,
        "status_tabs": _status_tabs(page.counts, page.breached, filters.status),
        "query": base_query.urlencode(),
        "status_query": without_status.urlencode(),
        "is_first_page": not query.get("after"),
        "dismiss_reasons": Case.DismissReason.choices,
        "notice": notice,
        # An empty inbox right after sources were added: say they are still being read.
        "never_polled": 0 if page.cases else sources_never_polled(),
    }


def sources_never_polled() -> int:
    return Source.objects.filter(enabled=True, last_polled_at__isnull=True).count()


def first_line(mention: Mention, limit: int = 140) -> str:
    """The first non-empty line of the review (its title when the text is empty), shortened."""
    line = next((line.strip() for line in mention.text.splitlines() if line.strip()), "")
    line = line or mention.title or "(no text)"
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def inbox_row(case: Case, now, error: str = "") -> dict:
    return {
        "case": case,
        "first_line": first_line(case.mention),
        "age": short_duration(now - case.mention.first_seen_at),
        "error": error,
    }


def _status_tabs(counts: dict[str, int], breached: int, current: str) -> list[dict]:
    open_total = sum(counts.get(status, 0) for status in OPEN_STATUSES)
    tabs = [
        {"value": "open", "label": "Open", "count": open_total},
        {"value": "breached", "label": "Breached", "count": breached},
    ]
    tabs += [
        {"value": v, "label": label, "count": counts.get(v, 0)} for v, label in Case.Status.choices
    ]
    tabs.append({"value": "all", "label": "All", "count": sum(counts.values())})
    for tab in tabs:
        tab["current"] = tab["value"] == current
    return tabs


def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "responses/inbox.html", _inbox_context(request, request.GET))


def resolve_assignee(value: str, user):
    """ "me", "nobody" or a user id (already validated by the form) as a Change.assignee."""
    if value == "me":
        return user
    if value == "nobody":
        return UNASSIGN
    return active_people().get(pk=int(value))


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Assign, resolve or dismiss the selected cases; a case changed meanwhile is left alone."""
    filters = QueryDict(request.POST.get("filters", ""))
    if not any(request.POST.getlist("cases")):
        return _bulk_answer(request, filters, NOTHING_SELECTED)
    form = BulkForm(request.POST)
    if not form.is_valid():
        notice = " ".join(e for errors in form.errors.values() for e in errors)
        return _bulk_answer(request, filters, notice or NOTHING_SELECTED)
    data = form.cleaned_data
    if data["action"] == "assign":
        change = Change(assignee=resolve_assignee(data["assignee"], request.user))
    elif data["action"] == "resolve":
        change = Change(status=Case.Status.RESOLVED)
    else:
        change = Change(status=Case.Status.DISMISSED, dismiss_reason=data["dismiss_reason"])
    done, stale = 0, 0
    for case_id, version in data["cases"]:
        try:
            change_case(case_id, version, request.user, change)
            done += 1
        except (StaleCase, Case.DoesNotExist):
            stale += 1
    notice = f"{done} case{'s' if done != 1 else ''} updated."
    if stale:
        notice += f" {stale} changed meanwhile and were left as they are: check them again."
    return _bulk_answer(request, filters, notice)


def _bulk_answer(request: HttpRequest, filters: QueryDict, notice: str) -> HttpResponse:
    if request.htmx:
        context = _inbox_context(request, filters, notice)
        return render(request, "responses/partials/inbox_results.html", context)
    messages.info(request, notice)
    return redirect(f"{reverse('home')}?{filters.urlencode()}")


def mentions(request: HttpRequest) -> HttpResponse:
    """Every mention, newest first, under the filters in the URL, with why it is flagged and
    its case or a button to open one."""
    form = MentionFilterForm(request.GET)
    before = whole_number(request.GET.get("before", ""))
    page = mention_page(form.filters(), before)
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "nav": "inbox",
        "form": form,
        "ignored": form.ignored_values(),
        "mentions": page.mentions,
        "before": page.next_before,
        "query": query.urlencode(),
        "is_first_page": before is None,
        "more_filters_open": any(query.get(name) for name in form.fields if name != "q"),
    }
    return render(request, "responses/case_mentions.html", context)


@require_POST
def open_case_by_hand(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = get_object_or_404(Mention, pk=mention_id)
    case, created = open_case(mention, actor=request.user, clock_from=timezone.now())
    if not created:
        messages.info(request, "This mention already has a case.")
    return redirect("case", case_id=case.pk)
