"""Source pages: the list with health and the detail for everyone; add (after a test fetch),
edit, pause, resume, poll now, open cases for imported history and delete for the owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, ProtectedError, QuerySet, RestrictedError, Subquery
from django.db.models.functions import Now
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.views.decorators.http import require_GET, require_POST

from monitors import scheduling
from monitors.announce import announce_history, announce_pending_negatives, unannounced_negatives
from monitors.fetch import FetchError
from monitors.forms import SourceForm
from monitors.models import (
    HostState,
    Label,
    PollLog,
    RatingSnapshot,
    Source,
    Subject,
    host_name,
    stars,
)
from monitors.netguard import UnsafeURL
from monitors.parsers.base import ParseError
from monitors.polling import RobotsDisallowed
from monitors.preview import Preview, preview
from monitors.tasks import poll_source
from monitors.views.connections import platform_source_edit
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required

POLL_LOG_ROWS = 50
LATEST_MENTIONS = 20
PREVIEW_ROWS = 20
OUTCOME_WORDS = {
    "ok": "read",
    "not_modified": "no change (304)",
    "unchanged": "no change",
    "deferred": "waiting: the site asked us to slow down",
    "retry": "network error, retrying",
    "failed": "failed",
    "paused": "paused",
    "running": "running",
}


def outcome_in_words(outcome: str | None) -> str:
    return OUTCOME_WORDS.get(outcome or "", outcome or "")


def rating_summary(rating: Decimal | None, count: int | None, previous: Decimal | None) -> str:
    """ "4.4★ from 89, was 4.3" for a review page's latest AggregateRating snapshot."""
    if rating is None:
        return ""
    text = stars(rating) + (f" from {count}" if count is not None else "")
    if previous is not None and previous != rating:
        text += f", was {previous.normalize():f}"
    return text


def waiting_words(host: str, until: datetime, now: datetime) -> str:
    """ "Waiting until 07:47 because example.com asked us to" (with the date if not today)."""
    until, today = timezone.localtime(until), timezone.localtime(now).date()
    when = f"{until:%H:%M}" if until.date() == today else f"{until:%Y-%m-%d %H:%M}"
    return f"Waiting until {when} because {host_name(host)} asked us to"


def sources_with_health() -> QuerySet[Source]:
    """Sources with what the list shows, in one query whatever their number."""
    polls = PollLog.objects.filter(source=OuterRef("pk")).order_by("-started_at")
    snapshots = RatingSnapshot.objects.filter(source=OuterRef("pk")).order_by("-taken_at")
    deferrals = HostState.objects.filter(host=OuterRef("host"), deferred_until__gt=Now())
    return Source.objects.annotate(
        deferred_until=Subquery(deferrals.values("deferred_until")[:1]),
        mention_count=Count("mentions"),
        last_outcome=Subquery(polls.values("outcome")[:1]),
        rating_now=Subquery(snapshots.values("rating")[:1]),
        rating_count=Subquery(snapshots.values("count")[:1]),
        rating_before=Subquery(snapshots.values("rating")[1:2]),
    )


def health_summary(source: Source, last_outcome: str | None) -> str:
    """The source's state in one line a person can act on."""
    now = timezone.now()
    if not source.enabled:
        return f"Paused: {source.paused_reason or 'paused by the owner.'}"
    if source.consecutive_failures:
        plural = "s" if source.consecutive_failures > 1 else ""
        return (
            f"Failing: {source.consecutive_failures} failed poll{plural} in a row. "
            f"Last error: {source.last_error or 'unknown'}"
        )
    until = scheduling.deferred_until(source.host, now)
    if until is not None:
        return waiting_words(source.host, until, now) + "."
    if source.last_polled_at is None:
        line = "Not polled yet"
    else:
        line = f"Last polled {timesince(source.last_polled_at, now)} ago"
        if last_outcome:
            line += f" ({outcome_in_words(last_outcome)})"
    if source.next_poll_at > now:
        return f"{line}; next poll in {timeuntil(source.next_poll_at, now)}."
    return f"{line}; next poll due now."


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources, now = list(sources_with_health()), timezone.now()
    for source in sources:
        source.outcome_words = outcome_in_words(source.last_outcome)
        if source.deferred_until:
            source.waiting = waiting_words(source.host, source.deferred_until, now)
        source.rating_line = rating_summary(
            source.rating_now, source.rating_count, source.rating_before
        )
    context = {"sources": sources, "now": now, "nav": "sources"}
    return render(request, "monitors/source_list.html", context)


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    polls = list(source.polls.all()[:POLL_LOG_ROWS])
    for poll in polls:
        poll.outcome_words = outcome_in_words(poll.outcome)
    context = {
        "source": source,
        "health": health_summary(source, polls[0].outcome if polls else None),
        "polls": polls,
        "snapshots": source.rating_snapshots.all()[:POLL_LOG_ROWS],
        "mentions": source.mentions.order_by("-first_seen_at")[:LATEST_MENTIONS],
        "mention_count": source.mentions.count(),
        "history": history_summary(source),
        "nav": "sources",
    }
    return render(request, "monitors/source_detail.html", context)


def history_summary(source: Source) -> dict[str, int]:
    """What the source's first poll imported as history, and how many of its negatives about
    us still wait for the owner to open cases."""
    negatives = unannounced_negatives(source).filter(imported_history=True)
    return {
        "imported": source.mentions.filter(imported_history=True).count(),
        "negative": source.mentions.filter(
            imported_history=True, label=Label.NEGATIVE, subject=Subject.OURS, author_blocked=False
        ).count(),
        "waiting": negatives.count(),
    }


@owner_required
@require_POST
def source_open_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Open cases for the negative history of a source; their response clocks start now."""
    source = get_object_or_404(Source, pk=pk)
    opened = announce_history(source)
    messages.success(
        request, f"Opened cases for {opened} older negative mention{pluralize(opened)}."
    )
    return redirect("source_detail", pk)


@dataclass
class TestRun:
    """What "Test this source" found: the preview, or why the test failed."""

    result: Preview | None = None
    failure: str = ""


def run_preview(form: SourceForm) -> TestRun:
    """Fetch the form's address now; a problem becomes an error on the address field."""
    if not form.is_valid():
        return TestRun()
    kind = form.cleaned_data["kind"]
    try:
        return TestRun(result=preview(form.cleaned_data["url"], kind))
    except ParseError as error:
        label = Source.Kind(kind).label
        # A plain message stands alone; a parser's own words need to be told what was expected.
        failure = (
            str(error) if error.detail else f"The address answered, but not as “{label}”: {error}"
        )
    except (UnsafeURL, RobotsDisallowed, FetchError) as error:
        failure = str(error)
    form.add_error("url", failure)
    return TestRun(failure=failure)


def tested_address(data: QueryDict) -> str:
    """The kind and address as typed, to tell whether a failed test was of what is saved."""
    return f"{data.get('kind', '')} {data.get('url', '').strip()}"


def failed_test_to_confirm(request: HttpRequest) -> str:
    """Why the last test of this very address failed, unless the owner said "Save anyway"."""
    data = request.POST
    if data.get("action") == "save_anyway" or not data.get("failed_test"):
        return ""
    if data.get("failed_test_address") != tested_address(data):
        return ""  # the address changed since: that test says nothing about it
    failure = data["failed_test"].strip()
    return failure if failure.endswith((".", "?", "!")) else failure + "."


def preview_rows(result: Preview) -> list[dict]:
    rows = []
    for item in result.items[:PREVIEW_ROWS]:
        record = item.record
        first_line = next((line for line in record.text.splitlines() if line.strip()), "")
        rows.append(
            {
                "author": record.author,
                "stars": stars(record.rating),
                "headline": record.title or first_line,
                "label": item.label,
                "reason": item.reason,
            }
        )
    return rows


def preview_aggregate(result: Preview) -> str:
    aggregate = result.parsed.aggregate
    return rating_summary(aggregate.rating, aggregate.count, None) if aggregate else ""


def form_context(
    form: SourceForm, source: Source | None, test: TestRun | None = None, confirm: str = ""
) -> dict:
    test = test or TestRun()
    result, failure = test.result, test.failure or confirm
    if source is None:
        action, test_action = reverse("source_add"), reverse("source_preview")
    else:
        action = reverse("source_edit", args=[source.pk])
        test_action = reverse("source_edit_preview", args=[source.pk])
    return {
        "form": form,
        "source": source,
        "form_action": action,
        "preview_action": test_action,
        "preview": result,
        "preview_rows": preview_rows(result) if result else [],
        "preview_aggregate": preview_aggregate(result) if result else "",
        # A failed test is carried along, so "Save source" can ask before saving anyway.
        "failed_test": failure,
        "failed_test_address": tested_address(form.data) if failure else "",
        "confirm_failed_test": confirm,
        "nav": "sources",
    }


def apply_state_change(source: Source, form: SourceForm) -> None:
    """What switching automatic checks on or off, or moving the address, means for polling."""
    if "url" in form.changed_data or "kind" in form.changed_data:
        source.etag = source.last_modified = source.content_hash = ""
    if "enabled" in form.changed_data:
        if source.enabled:
            resume(source)
        else:
            source.paused_reason = "Paused by the owner."


def pause(source: Source) -> None:
    """Stop checking a source until an owner resumes it (the page and the API)."""
    source.enabled = False
    source.paused_reason = "Paused by the owner."
    source.save(update_fields=["enabled", "paused_reason"])


def resume(source: Source) -> None:
    source.enabled = True
    source.paused_reason = ""
    source.consecutive_failures = 0
    source.next_poll_at = timezone.now()


def edit_source(request: HttpRequest, source: Source | None) -> HttpResponse:
    """Add (source is None) or edit: "Test this source" fetches without saving; else save."""
    if request.method != "POST":
        form = SourceForm(instance=source)
        return render(request, "monitors/source_form.html", form_context(form, source))
    form = SourceForm(request.POST, instance=source)
    if request.POST.get("action") == "test":
        test = run_preview(form)
        return render(request, "monitors/source_form.html", form_context(form, source, test))
    if not form.is_valid():
        context = form_context(form, source)
        return render(request, "monitors/source_form.html", context, status=400)
    confirm = failed_test_to_confirm(request)
    if confirm:
        context = form_context(form, source, confirm=confirm)
        return render(request, "monitors/source_form.html", context)
    with transaction.atomic():
        saved = form.save(commit=False)
        apply_state_change(saved, form)
        saved.save()
        if source is not None and "subject" in form.changed_data:
            # Mentions carry their source's subject, which decides whether negatives open cases.
            saved.mentions.update(subject=saved.subject)
            announce_pending_negatives(saved)
    messages.success(request, f"Saved “{saved.name}”.")
    return redirect("source_detail", saved.pk)


@owner_required
def source_add(request: HttpRequest) -> HttpResponse:
    return edit_source(request, None)


@owner_required
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    if source.is_platform:
        return platform_source_edit(request, source)
    return edit_source(request, source)


@owner_required
@require_POST
def source_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The htmx half of "Test this source": the form again, with what would be extracted."""
    source = get_object_or_404(Source, pk=pk) if pk is not None else None
    form = SourceForm(request.POST, instance=source)
    test = run_preview(form)
    return render(request, "monitors/_source_form.html", form_context(form, source, test))


@owner_required
@require_POST
def source_pause(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    pause(source)
    messages.success(request, f"Paused “{source.name}”. It will not be checked until resumed.")
    return redirect("source_detail", pk)


@owner_required
@require_POST
def source_resume(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    resume(source)
    source.save(update_fields=["enabled", "paused_reason", "consecutive_failures", "next_poll_at"])
    messages.success(request, f"Resumed “{source.name}”. It will be checked within a minute.")
    return redirect("source_detail", pk)


@owner_required
@require_POST
def source_poll_now(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    if enqueue(poll_source, source.pk):
        messages.success(request, "Polling now. Reload this page in a moment to see the result.")
    else:
        messages.error(request, BROKER_DOWN)
    return redirect("source_detail", pk)


@owner_required
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    mention_count = source.mentions.count()
    if request.method == "POST":
        try:
            with transaction.atomic():
                source.delete()
        except (ProtectedError, RestrictedError) as error:
            in_use = getattr(error, "protected_objects", None) or error.restricted_objects
            messages.error(
                request,
                f"“{source.name}” was not deleted: {len(in_use)} record(s) elsewhere, such as "
                "cases in the inbox, still refer to its mentions. Pause the source instead to "
                "stop checking it.",
            )
            return redirect("source_detail", pk)
        messages.success(request, f"Deleted “{source.name}” and its {mention_count} mentions.")
        return redirect("sources")
    context = {"source": source, "mention_count": mention_count, "nav": "sources"}
    return render(request, "monitors/source_confirm_delete.html", context)
