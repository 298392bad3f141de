"""Following a case through after the reply: remedies, follow-ups, outcomes, the review edited
after our reply, the same author coming back, and authors the owner stopped engaging with."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from monitors.models import BlockedAuthor, Label, Mention, Revision, Subject, stars
from responses.cases import Change, StaleCase, change_case, merge_case, merge_fresh_cases
from responses.models import (
    Case,
    Event,
    FollowUp,
    Remedy,
    ReplyDraft,
    ReviewUpdate,
)
from responses.replies import shorten
from responses.reply_placeholders import describe_remedy
from reviewwatch.roles import is_owner


class Outcome:
    """How a case ended; the label is what Case.outcome stores."""

    SATISFIED = "Customer satisfied"
    REVIEW_UPDATED = "Review updated"
    NO_RESPONSE = "No response"
    COULD_NOT_RESOLVE = "Could not resolve"
    BLOCKED = "Customer blocked"
    CHOICES = [
        (label, label)
        for label in (SATISFIED, REVIEW_UPDATED, NO_RESPONSE, COULD_NOT_RESOLVE, BLOCKED)
    ]


# --- Remedies --------------------------------------------------------------------------------


class RemedyForm(forms.ModelForm):
    class Meta:
        model = Remedy
        fields = ["kind", "amount", "note"]
        labels = {"kind": "Remedy offered", "amount": "Amount (optional)"}

    def clean_amount(self) -> Decimal | None:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError("The amount cannot be negative.")
        return amount


def offer_remedy(case: Case, user, form: RemedyForm) -> Remedy:
    remedy = form.save(commit=False)
    remedy.case, remedy.offered_by = case, user
    with transaction.atomic():
        remedy.save()
        _record(
            case.pk, user, Event.Kind.REMEDY_OFFERED, describe_remedy(remedy), remedy.offered_at
        )
    return remedy


def deliver_remedy(remedy: Remedy, user) -> Remedy:
    """Mark it delivered, once: a second click (or a colleague's) records nothing more."""
    now = timezone.now()
    with transaction.atomic():
        undelivered = Remedy.objects.filter(pk=remedy.pk, delivered_at__isnull=True)
        if undelivered.update(delivered_at=now, delivered_by=user):
            remedy.delivered_at, remedy.delivered_by = now, user
            _record(remedy.case_id, user, Event.Kind.REMEDY_DELIVERED, describe_remedy(remedy), now)
    return remedy


def _record(case_id: int, user, kind: str, what: str, at: datetime, detail: str = "") -> None:
    """A follow-through step on the case's timeline; `what` and `detail` fill its sentence
    (responses/partials/timeline_event.html)."""
    limit = Event._meta.get_field("new_value").max_length
    Event.objects.create(
        case_id=case_id,
        actor=user,
        at=at,
        kind=kind,
        old_value=shorten(detail, limit),
        new_value=shorten(what, limit),
    )


# --- Follow-ups ------------------------------------------------------------------------------


class FollowUpForm(forms.Form):
    days = forms.IntegerField(label="Check back in (days)", min_value=0, max_value=365, initial=3)
    note = forms.CharField(label="What to check", max_length=500, required=False)


def schedule_followup(case: Case, user, days: int, note: str = "") -> FollowUp:
    now = timezone.now()
    with transaction.atomic():
        followup = FollowUp.objects.create(
            case=case, due_at=now + timedelta(days=days), note=note.strip(), created_by=user
        )
        _record(case.pk, user, Event.Kind.FOLLOWUP_SCHEDULED, followup.note, now, str(days))
    return followup


def complete_followup(followup: FollowUp, user) -> FollowUp:
    """Mark it done, once: a second click (or a colleague's) records nothing more."""
    now = timezone.now()
    with transaction.atomic():
        open_one = FollowUp.objects.filter(pk=followup.pk, done_at__isnull=True)
        if open_one.update(done_at=now, done_by=user):
            followup.done_at, followup.done_by = now, user
            _record(followup.case_id, user, Event.Kind.FOLLOWUP_DONE, followup.note, now)
    return followup


def due_followups(now: datetime) -> QuerySet[FollowUp]:
    """Follow-ups that are due and not done, on cases that are not dismissed or merged."""
    return (
        FollowUp.objects.filter(done_at__isnull=True, due_at__lte=now)
        .exclude(case__status=Case.Status.DISMISSED)
        .select_related("case__mention__source", "case__assignee")
    )


def due_followups_for(user, now: datetime) -> QuerySet[FollowUp]:
    """What `user` should check back on: every due follow-up for an owner, else those of the
    cases assigned to them."""
    due = due_followups(now)
    return due if is_owner(user) else due.filter(case__assignee=user)


# --- Outcome ---------------------------------------------------------------------------------


def resolved_with(outcome: str, note: str = "") -> Change:
    """Resolving a case with how it ended: "Customer satisfied: the refund arrived"."""
    text = f"{outcome}: {note.strip()}" if note.strip() else outcome
    return Change(status=Case.Status.RESOLVED, outcome=text)


def suggested_outcome(case: Case) -> str:
    update = case.review_updates.first()
    return update.suggested_outcome if update else ""


# --- The review edited after our reply -------------------------------------------------------


def record_review_update(
    mention: Mention, revision: Revision, old: dict, new: dict
) -> ReviewUpdate | None:
    """Remember an edit to a review we had already answered in public, on its open case (or the
    case it was merged into), suggesting "Review updated" when the rating went up. Returns the
    update when it is new (None for an edit before our reply, or one already recorded)."""
    case = Case.objects.filter(mention=mention).first()
    if case is None:
        return None
    case = case.merged_into or case
    first_posted = ReplyDraft.objects.filter(case=case, posted_at__isnull=False).order_by(
        "posted_at"
    )
    posted = first_posted.values_list("posted_at", flat=True).first()
    if posted is None or revision.seen_at < posted:
        return None
    old_rating, new_rating = old.get("rating"), new.get("rating")
    rose = old_rating is not None and new_rating is not None and new_rating > old_rating
    suggestion = Outcome.REVIEW_UPDATED if rose or mention.label != Label.NEGATIVE else ""
    update, created = ReviewUpdate.objects.get_or_create(
        case=case,
        revision=revision,
        defaults={
            "mention": mention,
            "old_rating": old_rating if "rating" in old else mention.rating,
            "new_rating": mention.rating,
            "new_text": mention.text,
            "suggested_outcome": suggestion,
        },
    )
    return update if created else None


def reopen_for_relapse(update: ReviewUpdate) -> Case | None:
    """A recovered review dropped back to 2★ or less: reopen its case with a new due time and
    the new text as the complaint. None if colleagues kept changing the case meanwhile."""
    complaint = f"Review dropped back to {stars(update.new_rating)}: {update.new_text}"
    reopen = Change(status=Case.Status.NEW, reopen_because=complaint)
    for _ in range(3):  # a colleague's change in between: apply ours on top of theirs
        case = Case.objects.get(pk=update.case_id)
        try:
            return change_case(case.pk, case.version, None, reopen)
        except StaleCase:
            continue
    return None


# --- The same author again -------------------------------------------------------------------


def reopen_for_same_author(mention: Mention, fresh: Case, just_opened: bool) -> Case | None:
    """A new negative mention by the author of an earlier case on the same source: reopen the
    earlier case and merge the new mention's fresh case into it. Returns the reopened case.

    `fresh` is the mention's own case; `just_opened` says it was opened by this announcement,
    so nobody can have worked on it yet."""
    author = mention.author.strip()
    if not author or mention.author_blocked or mention.subject != Subject.OURS:
        return None
    if not just_opened and fresh.events.exclude(kind=Event.Kind.OPENED).exists():
        return None  # a case people already work on: leave it alone
    others = _other_live_cases(mention.source_id, [author]).exclude(pk=fresh.pk)
    if just_opened:  # opened earlier than this one (a poll opens its cases together)
        others = others.filter(pk__lt=fresh.pk)
    earlier = others.order_by("-opened_at", "-pk").first()
    if earlier is None:
        return None
    try:
        with transaction.atomic():
            if earlier.status in (Case.Status.AWAITING, Case.Status.RESOLVED):
                words = " — ".join(part for part in (mention.title, mention.text) if part)
                complaint = f"{author} wrote again: {words}"
                reopen = Change(status=Case.Status.NEW, reopen_because=complaint)
                earlier = change_case(earlier.pk, earlier.version, None, reopen)
            merge_case(fresh.pk, fresh.version, earlier, None)
    except StaleCase:
        return None  # someone is changing one of them right now; both stay as they are
    return earlier


def _other_live_cases(source_id: int, authors: list[str]) -> QuerySet[Case]:
    """Cases on this source, by any of these authors (case-insensitive), neither merged into
    another nor dismissed.

    The authors' mentions are read first (index mention_author_upper_source), then their
    cases: as one join, a planner without statistics yet (a new installation, a busy first
    hour) walked every live case for each of the source's mentions, 0.2–0.4 s a poll."""
    by_author = Q()
    for author in authors:
        by_author |= Q(author__iexact=author)
    authored = Mention.objects.filter(by_author, source_id=source_id).order_by()
    return Case.objects.filter(
        mention_id__in=list(authored.values_list("pk", flat=True)), merged_into__isnull=True
    ).exclude(status=Case.Status.DISMISSED)


def fold_in_same_authors(opened: list[tuple[Mention, Case, bool]]) -> None:
    """`reopen_for_same_author` for a poll's cases, in order, with one query to find the few
    whose author has another case on the same source (or two in this poll). Several fresh
    cases by one author (a blog's posts, say) fold into the first one's in one go."""
    groups: dict[tuple[int, str], list[tuple[Mention, Case, bool]]] = {}
    for item in opened:
        if author := item[0].author.strip():
            groups.setdefault((item[0].source_id, author.casefold()), []).append(item)
    fresh_ids = [case.pk for _, case, _ in opened]
    earlier: set[tuple[int, str]] = set()  # authors with a case from before this poll
    for source_id in {source_id for source_id, _ in groups}:
        names = [
            group[0][0].author.strip()
            for (source, _), group in groups.items()
            if source == source_id
        ]
        found = _other_live_cases(source_id, names).exclude(pk__in=fresh_ids)
        for name in found.values_list("mention__author", flat=True):
            earlier.add((source_id, name.strip().casefold()))
    again = earlier | {key for key, group in groups.items() if len(group) > 1}
    for key in again & groups.keys():
        group = groups[key]
        if all(just_opened for _, _, just_opened in group):
            first_mention, first_case, _ = group[0]
            reopened = key in earlier and reopen_for_same_author(first_mention, first_case, True)
            into = reopened or first_case
            merge_fresh_cases([case for _, case, _ in group[1:]], into)
        else:  # cases opened earlier by hand may be worked on: one at a time
            for mention, case, just_opened in group:
                reopen_for_same_author(mention, case, just_opened)


# --- Blocking an author ----------------------------------------------------------------------


def block_author(case: Case, user, note: str = "") -> BlockedAuthor:
    """Stop engaging with this case's author: their mentions are kept and marked, and future
    ones open no case (monitors checks BlockedAuthor on ingest)."""
    if not is_owner(user):
        raise PermissionError("Only an owner can block an author.")
    author = case.mention.author.strip()
    if not author:
        raise ValueError("This review has no author name to block.")
    with transaction.atomic():
        blocked, created = BlockedAuthor.objects.get_or_create(
            name=author.casefold(), defaults={"note": note or f"Blocked from case {case.pk}"}
        )
        Mention.objects.filter(author__iexact=author).update(author_blocked=True)
        if created:
            _record(case.pk, user, Event.Kind.AUTHOR_BLOCKED, author, timezone.now())
    return blocked


def is_blocked(author: str) -> bool:
    return (
        bool(author.strip())
        and BlockedAuthor.objects.filter(name=author.strip().casefold()).exists()
    )
