"""The replies panel of the case page (draft, tone, approval, posting) and the owner's
reply-template library. Remedies, follow-ups and blocking live in the side panel
(responses/views/case_care.py).

With htmx an action answers with the re-rendered panel; an action that changes the case itself
(posted, resolved) asks htmx to reload the page, so the triage panel's version stays current.
Without htmx: a redirect to the case page, or on an error the panel on a page of its own with
everything typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from monitors.platforms import spec_for
from responses import posting, replies, reply_placeholders
from responses.cases import StaleCase
from responses.models import (
    Case,
    PlatformPost,
    ReplyDraft,
    ReplySettings,
    ReplyTemplate,
)
from responses.reply_forms import DecisionForm, PostedForm, ReplyTextForm, StartForm, form_error
from responses.text_diff import word_changes
from responses.views.case import CASE_CHANGED
from reviewwatch.roles import is_owner, owner_required

STALE = (
    "Someone changed this case while you were looking, so nothing was recorded. "
    "The page now shows the case as it is; check and try again."
)


def _case(case_id: int) -> Case:
    related = ("mention__source", "assignee", "merged_into")
    return get_object_or_404(Case.objects.select_related(*related), pk=case_id)


def panel_context(case: Case, user, **extra) -> dict:
    """Everything partials/reply_panel.html shows; `extra` keeps what the person typed."""
    reply_settings = ReplySettings.current()
    draft = replies.current_draft(case)
    version = replies.latest_version(draft) if draft else None
    text = extra.pop("text", None)
    if text is None:
        text = version.text if version and draft.state != ReplyDraft.State.POSTED else ""
    tone = replies.tone_of(text, case, reply_settings) if text.strip() else None
    writing = draft is None or draft.state in (
        *replies.STATES_BEING_WRITTEN,
        ReplyDraft.State.POSTED,
    )
    decisions = list(draft.decisions.select_related("actor", "version")) if draft else []
    platform = posting.platform_of(case)
    posts = PlatformPost.objects.filter(draft__case=case).select_related("version", "requested_by")
    context = {
        "platform": spec_for(platform) if platform else None,
        "platform_posts": list(posts[:5]),
        "case": case,
        "mention": case.mention,
        "reply_settings": reply_settings,
        "draft": draft,
        "version": version,
        "text": text,
        "tone": tone,
        "writing": writing,
        "versions": draft.versions.select_related("author") if draft else [],
        "decisions": decisions,
        "approval": next((d for d in reversed(decisions) if d.kind == "approved"), None),
        "templates": replies.offered_templates(),
        "can_decide": bool(draft) and draft.state == ReplyDraft.State.PENDING and is_owner(user),
        "is_owner": is_owner(user),
        "review_updates": case.review_updates.all(),
        "changed_from": None,  # the version an owner read before staff changed the reply
        "notice": "",
        "error": "",
        **extra,
    }
    if context["changed_from"] and version:
        context["changes"] = word_changes(context["changed_from"].text, version.text)
    return context


def _panel(request: HttpRequest, case: Case, notice: str = "", error: str = "", **extra):
    context = panel_context(case, request.user, notice=notice, error=error, **extra)
    if request.htmx:
        response = render(request, "responses/partials/reply_panel.html", context)
        response["HX-Trigger"] = CASE_CHANGED  # the timeline shows what the reply went through
        return response
    if error:
        return render(request, "responses/partials/reply_page.html", context, status=400)
    messages.success(request, notice)
    return redirect(reverse("case", args=[case.pk]) + "#replies-heading")


def _reload(request: HttpRequest, case: Case, notice: str) -> HttpResponse:
    messages.success(request, notice)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("case", case_id=case.pk)


# --- Draft, tone, approval, posting ----------------------------------------------------------


def reply_workspace(request: HttpRequest, case_id: int) -> HttpResponse:
    """The replies panel on a page of its own, for writing a reply with the review beside it."""
    context = panel_context(_case(case_id), request.user, nav="inbox")
    return render(request, "responses/partials/reply_page.html", context)


@require_POST
def reply_tone(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    form = ReplyTextForm(request.POST)
    if not form.is_valid():
        context = {"tone": None, "tone_error": form_error(form)}
        return render(request, "responses/partials/reply_tone.html", context)
    text = form.cleaned_data["text"]
    tone = replies.tone_of(text, case) if text.strip() else None
    return render(request, "responses/partials/reply_tone.html", {"tone": tone, "text": text})


@require_POST
def reply_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _panel(request, case, error=form_error(form))
    template = form.cleaned_data["template"]
    try:
        replies.start_from_template(case, request.user, template)
    except ValidationError as error:
        return _panel(request, case, error=f"Template “{template.name}”: {error.messages[0]}")
    return _panel(request, case, notice=f"Started from “{template.name}”. Edit it freely.")


@require_POST
def reply_save(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    form = ReplyTextForm(request.POST)
    if not form.is_valid():
        typed = request.POST.get("text", "").replace("\x00", "")
        return _panel(request, case, error=form_error(form), text=typed)
    text = form.cleaned_data["text"]
    try:
        reply_placeholders.placeholders_in(text)
        saved = replies.save_draft(case, request.user, text)
        if request.POST.get("action") == "submit":
            draft = replies.submit(saved.draft, request.user)
            notice = (
                "Approved: copy it and post it."
                if draft.state == "approved"
                else "Sent to the owner for approval."
            )
            return _panel(request, case, notice=notice)
    except ValidationError as error:
        message = f"{error.messages[0]} Fill it in by hand, or remove it."
        return _panel(request, case, error=message, text=text)
    except replies.ReplyError as error:
        return _panel(request, case, error=str(error), text=text)
    return _panel(request, case, notice="Draft saved." if saved.version else "No changes.")


@require_POST
@owner_required
def reply_approve(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    draft = replies.current_draft(case)
    form = DecisionForm(request.POST)
    try:
        if draft is None:
            raise replies.ReplyError("There is no reply to approve.")
        if not form.is_valid():
            raise replies.ReplyError(form_error(form))
        replies.approve(draft, request.user, form.cleaned_data["reply_version"])
    except replies.ReplyChanged as changed:
        return _panel(request, case, error=str(changed), changed_from=changed.read)
    except replies.ReplyError as error:
        return _panel(request, case, error=str(error))
    return _panel(request, case, notice="Approved.")


@require_POST
@owner_required
def reply_return(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    draft = replies.current_draft(case)
    form = DecisionForm(request.POST)
    comment = request.POST.get("comment", "").replace("\x00", "")
    try:
        if draft is None:
            raise replies.ReplyError("There is no reply to return.")
        if not form.is_valid():
            raise replies.ReplyError(form_error(form))
        seen = form.cleaned_data["reply_version"]
        replies.return_for_changes(draft, request.user, seen, form.cleaned_data["comment"])
    except replies.ReplyChanged as changed:
        return _panel(
            request, case, error=str(changed), changed_from=changed.read, return_comment=comment
        )
    except replies.ReplyError as error:
        return _panel(request, case, error=str(error), return_comment=comment)
    return _panel(request, case, notice="Returned with your comment.")


@require_POST
def reply_posted(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    draft = replies.current_draft(case)
    form = PostedForm(request.POST)
    if not form.is_valid():
        return _panel(request, case, error=form_error(form))
    try:
        if draft is None:
            raise replies.ReplyError("There is no approved reply to mark as posted.")
        data = form.cleaned_data
        replies.mark_posted(draft, request.user, data["version"], data["posted_url"])
    except replies.ReplyError as error:
        return _panel(request, case, error=str(error))
    except StaleCase:
        return _panel(request, _case(case_id), error=STALE)
    return _reload(request, case, "Marked as posted. The case now awaits the customer.")


# --- Template library (owner) ----------------------------------------------------------------


@owner_required
def reply_templates(request: HttpRequest) -> HttpResponse:
    reply_settings = ReplySettings.current()
    form = replies.ReplySettingsForm(request.POST or None, instance=reply_settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Reply settings saved.")
        return redirect("reply_templates")
    context = {
        "nav": "settings",
        "templates": ReplyTemplate.objects.all(),
        "settings_form": form,
        "placeholders": reply_placeholders.PLACEHOLDERS,
    }
    status = 400 if form.errors else 200
    return render(request, "responses/reply_templates.html", context, status=status)


@owner_required
def reply_template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=template_id) if template_id else None
    form = replies.ReplyTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Template “{saved.name}” saved.")
        return redirect("reply_templates")
    context = {
        "nav": "settings",
        "form": form,
        "template": template,
        "placeholders": reply_placeholders.PLACEHOLDERS,
    }
    status = 400 if form.errors else 200
    return render(request, "responses/reply_templates_form.html", context, status=status)


@require_POST
@owner_required
def reply_template_archive(request: HttpRequest, template_id: int) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=template_id)
    template.archived = request.POST.get("archived") != "0"
    template.updated_at = timezone.now()
    template.save(update_fields=["archived", "updated_at"])
    state = "archived" if template.archived else "offered again"
    messages.success(request, f"Template “{template.name}” {state}.")
    return redirect("reply_templates")
