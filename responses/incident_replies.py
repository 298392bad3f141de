"""One message, every channel: a reply written once for an incident, approved once by an owner,
then posted to every linked case that has no public answer yet.

Each case gets the text filled for it ({author}...) as its own reply, tone-checked and approved
as the owner who approved the incident reply; where the review's platform has a connection the
reply is queued for it (responses/posting.py), elsewhere it waits, approved, for someone to
post it by hand. Each case's outcome is one IncidentPosting row, unique per reply and case and
written in the same transaction as the case's reply, so the task that does this work can run
twice, or die halfway and run again, and each case is answered once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from responses import posting
from responses.incidents import IncidentError, linked_cases
from responses.models import (
    Case,
    Incident,
    IncidentEvent,
    IncidentPosting,
    IncidentReply,
    PlatformPost,
    ReplyDraft,
)
from responses.replies import (
    ReplyError,
    current_draft,
    latest_version,
    save_draft,
    shorten,
    submit,
    tone_of,
)
from responses.reply_placeholders import fill
from responses.tone import ToneReport
from reviewwatch.queue import enqueue
from reviewwatch.roles import is_owner

WAITING = (ReplyDraft.State.PENDING, ReplyDraft.State.APPROVED)


def cases_to_answer(incident: Incident):
    """Linked cases still without a public answer, neither dismissed nor resolved."""
    return (
        linked_cases(incident)
        .filter(responded=False)
        .exclude(status__in=[Case.Status.DISMISSED, Case.Status.RESOLVED])
    )


def tone_for_incident(incident: Incident, text: str) -> tuple[ToneReport | None, str]:
    """The tone check of `text` as the first case to answer would get it, and that filled text;
    (None, "") when no linked case waits for an answer. ValidationError on a bad placeholder."""
    case = cases_to_answer(incident).order_by("pk").first()
    if case is None:
        return None, ""
    filled = fill(text, case)
    return tone_of(filled, case), filled


def propose(incident: Incident, user, text: str) -> IncidentReply:
    """Write the reply for all linked cases; an owner's is approved (and posted) at once, a
    staff member's waits for an owner. A reply with a tone problem is not accepted."""
    text = text.strip()
    if not incident.is_open:
        raise IncidentError("This incident is resolved: answer its cases one by one.")
    if not text:
        raise IncidentError("Write the reply (or start from the script) first.")
    if incident.replies.filter(state=IncidentReply.State.PENDING).exists():
        raise IncidentError("A reply for these cases already waits for an owner's approval.")
    tone, _ = tone_for_incident(incident, text)
    if tone is None:
        raise IncidentError("No linked case is waiting for an answer.")
    if not tone.ok:
        raise IncidentError(
            "The tone check found a problem that would hurt the business in public. "
            "Use the suggested wording, then send it again."
        )
    with transaction.atomic():
        reply = IncidentReply.objects.create(incident=incident, text=text, written_by=user)
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.REPLY_SUBMITTED,
            actor=user,
            message=shorten(text, 300),
        )
        if is_owner(user):
            approve(reply, user)
    return reply


def approve(reply: IncidentReply, user) -> IncidentReply:
    """An owner approves the reply for every linked case; it is posted by the worker. Approving
    twice (a double click, a colleague) approves and posts once."""
    if not is_owner(user):
        raise IncidentError("Only an owner can approve a reply for every linked case.")
    from responses.tasks import post_incident_reply  # tasks imports this module

    now = timezone.now()
    with transaction.atomic():
        waiting = IncidentReply.objects.filter(pk=reply.pk, state=IncidentReply.State.PENDING)
        if not waiting.update(
            state=IncidentReply.State.APPROVED, approved_by=user, approved_at=now
        ):
            raise IncidentError("This reply was already approved.")
        answering = cases_to_answer(reply.incident).count()
        IncidentEvent.objects.create(
            incident=reply.incident,
            kind=IncidentEvent.Kind.REPLY_APPROVED,
            actor=user,
            at=now,
            message=shorten(reply.text, 300),
            count=answering,
        )
        transaction.on_commit(lambda: enqueue(post_incident_reply, reply.pk))
    reply.refresh_from_db()
    return reply


def posting_counts(incident: Incident) -> dict[str, int]:
    """How the incident's approved replies went, per outcome: {"platform": 12, "manual": 18}."""
    rows = (
        IncidentPosting.objects.filter(reply__incident=incident)
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def post_to_cases(reply_id: int) -> int:
    """The worker's part: answer every linked case not yet answered by this reply; the number
    of cases recorded now (0 when a first run already did them all)."""
    reply = (
        IncidentReply.objects.select_related("incident", "approved_by").filter(pk=reply_id).first()
    )
    if reply is None or reply.state != IncidentReply.State.APPROVED:  # deleted, or not approved
        return 0
    done = IncidentPosting.objects.filter(reply=reply).values("case_id")
    recorded = 0
    for case in cases_to_answer(reply.incident).exclude(pk__in=done).order_by("pk"):
        try:
            with transaction.atomic():
                posting_row = IncidentPosting.objects.create(
                    reply=reply, case=case, outcome=IncidentPosting.Outcome.SKIPPED
                )
                _answer(posting_row, case, reply)
        except IntegrityError:
            continue  # another run of the task recorded this case meanwhile
        recorded += 1
    if recorded:
        IncidentEvent.objects.create(
            incident=reply.incident,
            kind=IncidentEvent.Kind.REPLIES_POSTED,
            actor=reply.approved_by,
            count=recorded,
        )
    return recorded


def _answer(row: IncidentPosting, case: Case, reply: IncidentReply) -> None:
    """Answer one case with the reply, recording the outcome on `row` (in its transaction)."""
    from responses.tasks import send_platform_post  # tasks imports this module

    approver, text = reply.approved_by, fill(reply.text, case)
    draft = current_draft(case)
    if draft is not None and draft.state in WAITING:
        version = latest_version(draft)
        if version is None or version.text != text:
            _finish(row, IncidentPosting.Outcome.SKIPPED, "It has its own reply waiting.", draft)
            return
    draft = save_draft(case, approver, text).draft
    if draft.state != ReplyDraft.State.APPROVED:
        try:
            submit(draft, approver)
        except ReplyError as error:
            _finish(row, IncidentPosting.Outcome.SKIPPED, str(error), draft)
            return
    draft.refresh_from_db()
    if posting.platform_of(case) is None or case.mention.source.connection_id is None:
        _finish(row, IncidentPosting.Outcome.MANUAL, "", draft)
        return
    try:
        post = posting.request(draft, approver, PlatformPost.Action.POST, draft.approved_version)
    except posting.PostingRefused as error:
        _finish(row, IncidentPosting.Outcome.MANUAL, str(error), draft)
        return
    transaction.on_commit(lambda: enqueue(send_platform_post, post.pk))
    _finish(row, IncidentPosting.Outcome.PLATFORM, "", draft)


def _finish(row: IncidentPosting, outcome: str, detail: str, draft: ReplyDraft) -> None:
    row.outcome, row.detail, row.draft = outcome, shorten(detail, 500), draft
    row.version_id = draft.approved_version_id
    row.save(update_fields=["outcome", "detail", "draft", "version"])
