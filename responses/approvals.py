"""Replies waiting for an owner's approval: the owners' list and its count in the navigation,
and the emails that tell the owners a reply waits, and its writer that it was approved or
returned.

An email goes out after the decision is committed, through a task that sends each one once
(reviewwatch.emails.send_once, keyed by decision and recipient), so a second copy of the task
or a retry after a mail-server failure mails nobody twice. Each person can switch these emails
off on the Settings page (DigestPreference.approval_emails).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from responses.models import Case, ReplyDecision, ReplyDraft
from reviewwatch.emails import send_email, send_once
from reviewwatch.queue import enqueue
from reviewwatch.roles import OWNER, is_owner

FIRST_LINE_CHARS = 120
EMAIL_FOR = {
    ReplyDecision.Kind.SUBMITTED: "approval_waiting",
    ReplyDecision.Kind.APPROVED: "approval_approved",
    ReplyDecision.Kind.RETURNED: "approval_returned",
}


# --- The waiting list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """One reply waiting for approval, as the owners' list shows it."""

    draft: ReplyDraft
    case: Case
    first_line: str
    writer: str
    submitted_at: datetime | None


def first_line(text: str, limit: int = FIRST_LINE_CHARS) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def waiting_drafts() -> QuerySet[ReplyDraft]:
    """Replies sent for approval and not decided yet, the longest waiting first."""
    submitted = ReplyDecision.objects.filter(
        draft=OuterRef("pk"), kind=ReplyDecision.Kind.SUBMITTED
    ).order_by("-at", "-id")
    return (
        ReplyDraft.objects.filter(state=ReplyDraft.State.PENDING)
        .annotate(
            submitted_at=Subquery(submitted.values("at")[:1]),
            writer=Subquery(submitted.values("actor__email")[:1]),
        )
        .select_related("case__mention__source")
        .order_by("submitted_at", "pk")
    )


def waiting_list() -> list[Waiting]:
    rows = []
    for draft in waiting_drafts():
        mention = draft.case.mention
        line = first_line(mention.title) or first_line(mention.text)
        rows.append(Waiting(draft, draft.case, line, draft.writer or "", draft.submitted_at))
    return rows


def waiting_count() -> int:
    return ReplyDraft.objects.filter(state=ReplyDraft.State.PENDING).count()


def approvals_context(request: HttpRequest) -> dict:
    """`approvals_waiting` for owners' pages: a callable, so the count is one query, made only
    when a page shows it (read it once, with {% with %})."""
    user = getattr(request, "user", None)
    if user is None or not is_owner(user):
        return {}
    return {"approvals_waiting": waiting_count}


# --- Emails ----------------------------------------------------------------------------------


def email_after_commit(decision: ReplyDecision) -> None:
    """Queue the emails about this decision once the transaction that made it is committed."""
    from responses.tasks import send_approval_emails  # tasks imports this module

    transaction.on_commit(lambda: enqueue(send_approval_emails, decision.pk))


def _wants_emails(people: QuerySet) -> QuerySet:
    """Active people with an address who did not switch approval emails off."""
    return (
        people.filter(is_active=True)
        .exclude(email="")
        .exclude(digest_preference__approval_emails=False)
    )


def recipients(decision: ReplyDecision) -> list:
    """The owners for a reply sent for approval (while it still waits); for an approval or a
    return, the person who sent that reply for approval, unless they decided it themselves."""
    users = get_user_model().objects
    if decision.kind == ReplyDecision.Kind.SUBMITTED:
        if decision.draft.state != ReplyDraft.State.PENDING:
            return []  # already decided: nothing waits any more
        owners = users.filter(Q(is_superuser=True) | Q(groups__name=OWNER))
        people = _wants_emails(owners).exclude(pk=decision.actor_id).distinct()
        return list(people.order_by("email"))
    if decision.kind not in EMAIL_FOR:
        return []
    sent_by = (
        decision.draft.decisions.filter(kind=ReplyDecision.Kind.SUBMITTED, pk__lt=decision.pk)
        .order_by("-pk")
        .values("actor_id")[:1]
    )
    writer = _wants_emails(users.filter(pk=Subquery(sent_by))).exclude(pk=decision.actor_id)
    return list(writer)


def send_decision_emails(decision_id: int) -> int:
    """Email everyone this decision concerns, each once; the number sent now.
    A mail-server error propagates (the task retries; what was sent stays sent)."""
    decision = (
        ReplyDecision.objects.select_related(
            "draft__case__mention__source", "version__author", "actor"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    case = decision.draft.case
    context = {
        "decision": decision,
        "case": case,
        "mention": case.mention,
        "version": decision.version,
        "actor": decision.actor.email if decision.actor else "An owner",
    }
    name = EMAIL_FOR[decision.kind]
    sent = 0
    for person in recipients(decision):
        personal = {**context, "recipient": person}
        send = partial(send_email, name, person.email, personal)
        sent += send_once(f"approval:{decision.pk}:{person.pk}", send)
    return sent
