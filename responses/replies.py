"""Writing a humble public reply: templates, drafts and their versions (placeholders are filled
by responses/reply_placeholders.py), the owner's approval, and the record of posting it by hand.

ReviewWatch never posts to third-party sites; staff copy the approved text, post it themselves
and mark it posted, which moves the case to "awaiting customer" and stops the response clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from monitors.models import Label, Mention
from responses.approvals import email_after_commit
from responses.cases import Change, change_case
from responses.models import (
    LONGEST_PLATFORM_LIMIT,
    Case,
    Event,
    ReplyDecision,
    ReplyDraft,
    ReplySettings,
    ReplyTemplate,
    ReplyVersion,
)
from responses.reply_placeholders import PLACEHOLDERS, fill, placeholders_in
from responses.tone import ToneReport, check_tone
from reviewwatch.roles import is_owner

log = logging.getLogger(__name__)
STATES_BEING_WRITTEN = (ReplyDraft.State.DRAFT, ReplyDraft.State.RETURNED)


class ReplyError(Exception):
    """A reply action that cannot be done now; the message says why, in plain words."""


# --- Templates -------------------------------------------------------------------------------


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["name", "situation", "body", "position"]
        widgets = {"body": forms.Textarea({"rows": 8})}
        help_texts = {
            "body": "Placeholders: " + ", ".join("{" + name + "}" for name in PLACEHOLDERS) + "."
        }

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > LONGEST_PLATFORM_LIMIT:
            raise ValidationError(
                f"The template has {len(body)} characters; no review site shows more than "
                f"{LONGEST_PLATFORM_LIMIT}. Shorten it."
            )
        placeholders_in(body)
        return body

    def save(self, commit: bool = True) -> ReplyTemplate:
        self.instance.updated_at = timezone.now()
        return super().save(commit)


class ReplySettingsForm(forms.ModelForm):
    class Meta:
        model = ReplySettings
        fields = [
            "business_name",
            "product_default",
            "contact",
            "remedy_default",
            "approval_required",
            "max_length",
        ]


def offered_templates():
    return ReplyTemplate.objects.filter(archived=False)


# --- Tone ------------------------------------------------------------------------------------


def tone_of(text: str, case: Case, reply_settings: ReplySettings | None = None) -> ToneReport:
    return tone_of_reply_to(text, case.mention, reply_settings)


def tone_of_reply_to(
    text: str, mention: Mention, reply_settings: ReplySettings | None = None
) -> ToneReport:
    """The tone check with the owner's RW_TONE_RULES; if that file was removed or broken after
    start-up (it is checked then), the default rules and an error in the log."""
    reply_settings = reply_settings or ReplySettings.current()
    check = partial(
        check_tone,
        text,
        mention_text=mention.text,
        mention_negative=mention.label == Label.NEGATIVE,
        max_length=reply_settings.max_length,
        business_contacts=(reply_settings.contact,),
    )
    if settings.RW_TONE_RULES:
        try:
            return check(extra_rules=settings.RW_TONE_RULES)
        except (OSError, ValueError):
            log.exception("RW_TONE_RULES cannot be read; using the default tone rules")
    return check()


# --- Drafts and versions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    draft: ReplyDraft
    version: ReplyVersion | None  # None when the text did not change
    tone: ToneReport
    started: bool  # a new draft was started


def current_draft(case: Case) -> ReplyDraft | None:
    """The reply being worked on: the newest draft of the case."""
    return case.reply_drafts.select_related("approved_version", "posted_by").first()


def latest_version(draft: ReplyDraft) -> ReplyVersion | None:
    return draft.versions.select_related("author").first()


def add_version(draft: ReplyDraft, text: str, user, tone: ToneReport) -> ReplyVersion:
    """The draft's next version, with its tone check; the caller holds the draft's row lock."""
    number = (draft.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ReplyVersion.objects.create(
        draft=draft, number=number, text=text, author=user, tone_score=tone.score, tone_ok=tone.ok
    )


def save_draft(case: Case, user, text: str, template: ReplyTemplate | None = None) -> Saved:
    """Keep `text` as the newest version of the case's reply (a new reply once the last was
    posted). Changing an approved or pending text sends it back to the draft state."""
    text = text.strip()
    if not text:
        raise ReplyError("Write the reply (or start from a template) before saving.")
    tone = tone_of(text, case)
    with transaction.atomic():
        draft = case.reply_drafts.select_for_update().first()
        started = draft is None or draft.state == ReplyDraft.State.POSTED
        if started:
            draft = ReplyDraft.objects.create(case=case, template=template, created_by=user)
        last = draft.versions.first()
        if last is not None and last.text == text:
            return Saved(draft, None, tone, started)
        version = add_version(draft, text, user, tone)
        if draft.state != ReplyDraft.State.DRAFT or template is not None:
            draft.state = ReplyDraft.State.DRAFT
            draft.approved_version = None
            draft.template = template or draft.template
            draft.save(update_fields=["state", "approved_version", "template"])
    return Saved(draft, version, tone, started)


def start_from_template(case: Case, user, template: ReplyTemplate) -> Saved:
    """A new version filled from the template; ValidationError if it has unknown placeholders."""
    return save_draft(case, user, fill(template.body, case), template=template)


# --- Approval --------------------------------------------------------------------------------


def needs_approval(user, reply_settings: ReplySettings | None = None) -> bool:
    reply_settings = reply_settings or ReplySettings.current()
    return reply_settings.approval_required and not is_owner(user)


def submit(draft: ReplyDraft, user) -> ReplyDraft:
    """Send the newest version for approval; owners' and unchecked replies are approved at once.
    A reply with a tone problem (defensive, sarcastic, private data...) is not sent."""
    if draft.state not in STATES_BEING_WRITTEN:
        raise ReplyError(f"This reply is {draft.get_state_display().lower()}; edit it first.")
    version = latest_version(draft)
    if version is None:
        raise ReplyError("Save the reply before sending it.")
    if not tone_of(version.text, draft.case).ok:
        raise ReplyError(
            "The tone check found a problem that would hurt the business in public. "
            "Use the suggested wording, save, then send it again."
        )
    with transaction.atomic():
        if needs_approval(user):
            decision = ReplyDecision.objects.create(
                draft=draft, version=version, kind=ReplyDecision.Kind.SUBMITTED, actor=user
            )
            draft.state = ReplyDraft.State.PENDING
            draft.save(update_fields=["state"])
            _record_event(decision, Event.Kind.REPLY_SUBMITTED)
            email_after_commit(decision)
        else:
            _approve(draft, version, user)
    return draft


def _record_event(decision: ReplyDecision, kind: str, comment: str = "") -> None:
    """The decision on the case's timeline: "approved the reply (version 2)"."""
    Event.objects.create(
        case_id=decision.draft.case_id,
        actor=decision.actor,
        at=decision.at,
        kind=kind,
        old_value=f"version {decision.version.number}",
        new_value=shorten(comment, Event._meta.get_field("new_value").max_length),
    )


def shorten(text: str, limit: int) -> str:
    """The text, cut to `limit` characters with an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ReplyChanged(ReplyError):
    """The reply changed after the owner read it, so nothing was decided."""

    def __init__(self, read: ReplyVersion | None, current: ReplyVersion, verb: str):
        self.read, self.current = read, current
        who = current.author.email if current.author else "Someone"
        was = f"you read version {read.number}, " if read else ""
        super().__init__(
            f"{who} changed the reply after you read it ({was}it is now version "
            f"{current.number}), so nothing was {verb}d. Read the new text and decide again."
        )


def _lock_for_decision(draft: ReplyDraft, user, seen: int, verb: str) -> ReplyVersion:
    """Lock the draft row and check it still waits for approval with the text the owner read
    (version number `seen`); the lock holds off a save until the decision is committed.
    Returns that version; raises ReplyChanged or ReplyError otherwise."""
    if not is_owner(user):
        raise ReplyError(f"Only an owner can {verb} a reply.")
    locked = ReplyDraft.objects.select_for_update().get(pk=draft.pk)
    draft.state = locked.state
    current = latest_version(draft)
    if current is not None and current.number != seen:
        raise ReplyChanged(draft.versions.filter(number=seen).first(), current, verb)
    if draft.state != ReplyDraft.State.PENDING or current is None:
        raise ReplyError(f"Only a reply waiting for approval can be {verb}d.")
    return current


def approve(draft: ReplyDraft, user, seen: int) -> ReplyDraft:
    """Approve version `seen`, the one the owner read; nothing is approved if it is no longer
    the newest (ReplyChanged)."""
    with transaction.atomic():
        version = _lock_for_decision(draft, user, seen, "approve")
        email_after_commit(_approve(draft, version, user))
    return draft


def _approve(draft: ReplyDraft, version: ReplyVersion, user) -> ReplyDecision:
    decision = ReplyDecision.objects.create(
        draft=draft, version=version, kind=ReplyDecision.Kind.APPROVED, actor=user
    )
    draft.state = ReplyDraft.State.APPROVED
    draft.approved_version = version
    draft.save(update_fields=["state", "approved_version"])
    _record_event(decision, Event.Kind.REPLY_APPROVED)
    return decision


def return_for_changes(draft: ReplyDraft, user, seen: int, comment: str) -> ReplyDraft:
    """Return version `seen` with a comment; like approve(), only if it is still the newest."""
    comment = comment.strip()
    if not comment:
        raise ReplyError("Say what should change, so the writer knows what to fix.")
    with transaction.atomic():
        version = _lock_for_decision(draft, user, seen, "return")
        decision = ReplyDecision.objects.create(
            draft=draft,
            version=version,
            kind=ReplyDecision.Kind.RETURNED,
            actor=user,
            comment=comment,
        )
        draft.state = ReplyDraft.State.RETURNED
        draft.save(update_fields=["state"])
        _record_event(decision, Event.Kind.REPLY_RETURNED, comment)
        email_after_commit(decision)
    return draft


# --- Posting record --------------------------------------------------------------------------


def mark_posted(draft: ReplyDraft, user, seen_version: int, url: str = "") -> Case:
    """Record that the approved reply was posted by hand; the case then awaits the customer and
    has its first-response time (only a posted reply counts as an answer).
    Raises StaleCase (nothing recorded) when the case changed since `seen_version`."""
    if draft.state != ReplyDraft.State.APPROVED:
        raise ReplyError("Only an approved reply can be marked as posted.")
    at = timezone.now()
    with transaction.atomic():
        posted = Change(status=Case.Status.AWAITING, answered=True)
        case = change_case(draft.case_id, seen_version, user, posted)
        ReplyDecision.objects.create(
            draft=draft, version=draft.approved_version, kind=ReplyDecision.Kind.POSTED, actor=user
        )
        draft.state = ReplyDraft.State.POSTED
        draft.posted_at, draft.posted_by, draft.posted_url = at, user, url
        draft.save(update_fields=["state", "posted_at", "posted_by", "posted_url"])
    return case
