"""Posting an approved reply to the review's platform, and editing or deleting it there.

Anyone who may see the case may post its approved reply (approval is the owner's control);
editing and deleting what is already public are the owner's. The work runs on the worker
(responses.tasks.send_platform_post); the panel polls the post's state until it settles.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from monitors.platforms import spec_for
from responses import posting, replies
from responses.models import Case, PlatformPost, ReplyDraft
from responses.posting import PostingRefused
from responses.tasks import send_platform_post
from responses.views.replies import _case, _panel
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required


def _queue(request: HttpRequest, case: Case, post: PlatformPost, notice: str) -> HttpResponse:
    if post.in_flight and not enqueue(send_platform_post, post.pk):
        return _panel(request, case, error=BROKER_DOWN)
    return _panel(request, case, notice=notice)


def _posted_draft(case: Case) -> ReplyDraft:
    draft = replies.current_draft(case)
    if draft is None or draft.state != ReplyDraft.State.POSTED:
        raise PostingRefused("There is no posted reply on this case.")
    return draft


@require_POST
def platform_post(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    draft = replies.current_draft(case)
    try:
        if draft is None or draft.state != ReplyDraft.State.APPROVED:
            raise PostingRefused("Only an approved reply can be posted.")
        post = posting.request(
            draft, request.user, PlatformPost.Action.POST, draft.approved_version
        )
    except PostingRefused as error:
        return _panel(request, case, error=str(error))
    name = spec_for(case.mention.source.kind).name
    return _queue(request, case, post, f"Sending the reply to {name}…")


@owner_required
@require_POST
def platform_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    text = request.POST.get("text", "")[: replies.LONGEST_PLATFORM_LIMIT + 1]
    try:
        post = posting.request_edit(_posted_draft(case), request.user, text)
    except PostingRefused as error:
        return _panel(request, case, error=str(error))
    return _queue(request, case, post, "Sending the new wording…")


@owner_required
@require_POST
def platform_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    try:
        draft = _posted_draft(case)
        if not spec_for(case.mention.source.kind).can_delete_reply:
            raise PostingRefused("This platform offers no way to delete a reply through its API.")
        post = posting.request(
            draft, request.user, PlatformPost.Action.DELETE, draft.approved_version
        )
    except PostingRefused as error:
        return _panel(request, case, error=str(error))
    return _queue(request, case, post, "Deleting the reply on the platform…")


@require_GET
def platform_post_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """The htmx poll of a post in flight: its state line, until it settles (then the panel)."""
    case = get_object_or_404(Case.objects.select_related("mention__source"), pk=case_id)
    post = PlatformPost.objects.filter(draft__case=case).order_by("-pk").first()
    if post is None or not post.in_flight:
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect("case", case_id=case.pk)
    context = {"case": case, "post": post, "platform": spec_for(case.mention.source.kind)}
    return render(request, "responses/partials/platform_post_status.html", context)
