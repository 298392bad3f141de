"""Put an approved reply on the platform the review came from, exactly once.

A click creates one PlatformPost per (draft, action, version) — the database refuses a second —
and queues `responses.tasks.send_platform_post`. The worker claims the post with a conditional
UPDATE and a lease, looks at the platform first (`find_reply`), and only then posts: a retried
task, or one re-run after a worker died between the platform's answer and our commit, finds
its own text already there and records it instead of sending it again. The case's response
time is the platform's own confirmation time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from monitors.credentials import CredentialsUnreadable
from monitors.models import Connection, Mention
from monitors.platforms import client_for, spec_for
from monitors.platforms.base import PlatformError, PublicReply
from responses.cases import Change, change_case
from responses.models import Case, PlatformPost, ReplyDecision, ReplyDraft, ReplyVersion
from responses.replies import add_version, tone_of

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # longer than the task's hard time limit
MAX_ATTEMPTS = 6
_CALLED = (PlatformError, CredentialsUnreadable)


class PostingRefused(Exception):
    """Why a reply cannot be put on the platform now, in words for the person who asked."""


def platform_of(case: Case) -> str | None:
    """The platform a case's review came from, if ReviewWatch can reply there."""
    source = case.mention.source
    return source.kind if source.is_platform else None


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def request(draft: ReplyDraft, user, action: str, version: ReplyVersion) -> PlatformPost:
    """Queue one post, edit or delete; asking twice for the same one returns the first."""
    platform = platform_of(draft.case)
    if platform is None:
        raise PostingRefused("This review's site has no API we can reply through.")
    spec = spec_for(platform)
    if action != PlatformPost.Action.DELETE and not spec.reply_limit.fits(version.text):
        size = spec.reply_limit.measure(version.text)
        raise PostingRefused(
            f"{spec.name} takes replies of at most {spec.reply_limit}; this one has "
            f"{size:,}. Shorten it and save it again."
        )
    try:
        with transaction.atomic():
            post, created = PlatformPost.objects.get_or_create(
                draft=draft, action=action, version=version, defaults={"requested_by": user}
            )
    except IntegrityError:  # the other click won the race
        post, created = PlatformPost.objects.get(draft=draft, action=action, version=version), False
    if not created and post.state == PlatformPost.State.FAILED:
        PlatformPost.objects.filter(pk=post.pk, state=PlatformPost.State.FAILED).update(
            state=PlatformPost.State.QUEUED, error="", retry_at=None, attempts=0
        )
        post.refresh_from_db()
    return post


def request_edit(draft: ReplyDraft, user, text: str) -> PlatformPost:
    """Replace a posted reply's text on the platform: a new version, checked for tone first."""
    text = text.strip()
    if draft.state != ReplyDraft.State.POSTED:
        raise PostingRefused("Only a posted reply can be edited on the platform.")
    tone = tone_of(text, draft.case)
    if not text or not tone.ok:
        raise PostingRefused("The tone check found a problem: fix the wording, then edit again.")
    with transaction.atomic():
        locked = ReplyDraft.objects.select_for_update().get(pk=draft.pk)
        version = add_version(locked, text, user, tone)
    return request(draft, user, PlatformPost.Action.EDIT, version)


def claim(post_id: int, now: datetime) -> PlatformPost | None:
    claimed = (
        PlatformPost.objects.filter(
            pk=post_id, state__in=[PlatformPost.State.QUEUED, PlatformPost.State.SENDING]
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            state=PlatformPost.State.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
        )
    )
    if not claimed:
        return None
    return PlatformPost.objects.select_related(
        "draft__case__mention__source__connection", "version"
    ).get(pk=post_id)


def send(post_id: int) -> PlatformPost | None:
    """The worker's part. Returns the post as it stands, None when another holds it.
    Raises PlatformError when the call should be tried again later (the post stays queued)."""
    post = claim(post_id, timezone.now())
    if post is None:
        return None
    mention = post.draft.case.mention
    try:
        reply = _call_platform(post, mention)
    except _CALLED as error:
        return _failed(post, error)
    return _record(post, reply)


def _call_platform(post: PlatformPost, mention: Mention) -> PublicReply | None:
    source = mention.source
    client, target, review_id = (
        client_for(source.connection),
        source.platform_target,
        mention.external_id,
    )
    there = client.find_reply(target, review_id)
    if post.action == PlatformPost.Action.DELETE:
        if there is not None:
            client.delete_reply(target, review_id, there)
        return None
    if there is not None and same_text(there.text, post.version.text):
        return there  # sent before the worker stopped, or written the same way elsewhere
    if there is not None:
        return client.edit_reply(target, review_id, there, post.version.text)
    return client.post_reply(target, review_id, post.version.text)


def _failed(post: PlatformPost, error: Exception) -> PlatformPost:
    kind = getattr(error, "kind", "credentials")
    message = getattr(error, "message", str(error))
    retry = kind in {"transient", "quota"} and post.attempts < MAX_ATTEMPTS
    if kind == "not_found":
        name = spec_for(post.draft.case.mention.source.kind).name
        message = (
            f"{name} no longer has this review (its author may have deleted it), so nothing "
            f"was posted. {message}"
        )
    values = {"lease_until": None, "error": message[:1000]}
    if retry:
        retry_at = getattr(error, "retry_at", None) or timezone.now() + timedelta(
            seconds=min(900, 30 * 2**post.attempts)
        )
        values |= {"state": PlatformPost.State.QUEUED, "retry_at": retry_at}
    else:
        values |= {"state": PlatformPost.State.FAILED, "retry_at": None}
    if kind in {"credentials", "permission"}:
        Connection.objects.filter(pk=post.draft.case.mention.source.connection_id).update(
            status=Connection.Status.BROKEN, status_message=message[:1000]
        )
    PlatformPost.objects.filter(pk=post.pk).update(**values)
    post.refresh_from_db()
    return post


def _record(post: PlatformPost, reply: PublicReply | None) -> PlatformPost:
    now = timezone.now()
    with transaction.atomic():
        if reply is None:
            state, confirmed = PlatformPost.State.DELETED, now
        else:
            pending = reply.state == "pending"
            state = PlatformPost.State.PENDING if pending else PlatformPost.State.PUBLISHED
            confirmed = reply.updated_at or now
        PlatformPost.objects.filter(pk=post.pk).update(
            state=state, confirmed_at=confirmed, lease_until=None, error="", retry_at=None
        )
        if post.action == PlatformPost.Action.POST:
            _mark_answered(post, confirmed)
        elif post.action == PlatformPost.Action.EDIT:  # the reply as it now reads in public
            ReplyDraft.objects.filter(pk=post.draft_id).update(approved_version=post.version)
    post.refresh_from_db()
    return post


def _mark_answered(post: PlatformPost, confirmed: datetime) -> None:
    draft = ReplyDraft.objects.select_for_update().get(pk=post.draft_id)
    if draft.state == ReplyDraft.State.POSTED:
        return
    case = Case.objects.get(pk=draft.case_id)
    posted = Change(status=Case.Status.AWAITING, answered=True, answered_at=confirmed)
    change_case(case.pk, case.version, post.requested_by, posted)
    ReplyDecision.objects.create(
        draft=draft, version=post.version, kind=ReplyDecision.Kind.POSTED, actor=post.requested_by
    )
    draft.state, draft.posted_at, draft.posted_by = (
        ReplyDraft.State.POSTED,
        confirmed,
        post.requested_by,
    )
    draft.save(update_fields=["state", "posted_at", "posted_by"])


def note_platform_reply(mention: Mention) -> None:
    """A poll saw the business's public reply on a review: confirm our post is live, or count a
    reply written elsewhere as the answer, at the platform's time."""
    case = Case.objects.filter(mention=mention).first()
    if case is None or not mention.platform_reply:
        return
    now = timezone.now()
    live = PlatformPost.objects.filter(
        draft__case=case,
        action__in=[PlatformPost.Action.POST, PlatformPost.Action.EDIT],
        state__in=[PlatformPost.State.PUBLISHED, PlatformPost.State.PENDING],
    ).select_related("version")
    for post in live:
        if same_text(post.version.text, mention.platform_reply):
            published = mention.platform_reply_state != "pending"
            PlatformPost.objects.filter(pk=post.pk).update(
                live_seen_at=now,
                state=PlatformPost.State.PUBLISHED if published else post.state,
            )
    if not case.responded:
        answered = Change(answered=True, answered_at=mention.platform_reply_at or now)
        change_case(case.pk, case.version, None, answered)
