"""The case page's side panel beyond triage: remedies offered and delivered, follow-ups, and
blocking an author. Each answers like the triage actions (responses/views/case.py): with htmx
the re-rendered side panel, otherwise back to the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from responses import followups
from responses.models import FollowUp, Remedy
from responses.reply_forms import form_error
from responses.views.case import answer_with_panel, load_case
from reviewwatch.roles import owner_required


@require_POST
def remedy_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    form = followups.RemedyForm(request.POST)
    if not form.is_valid():
        return answer_with_panel(request, case, error=form_error(form), remedy_form=form)
    followups.offer_remedy(case, request.user, form)
    return answer_with_panel(request, case, notice="Remedy recorded.")


@require_POST
def remedy_delivered(request: HttpRequest, case_id: int, remedy_id: int) -> HttpResponse:
    case = load_case(case_id)
    followups.deliver_remedy(get_object_or_404(Remedy, pk=remedy_id, case=case), request.user)
    return answer_with_panel(request, case, notice="Marked as delivered.")


@require_POST
def followup_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    form = followups.FollowUpForm(request.POST)
    if not form.is_valid():
        return answer_with_panel(request, case, error=form_error(form), followup_form=form)
    data = form.cleaned_data
    followups.schedule_followup(case, request.user, data["days"], data["note"])
    return answer_with_panel(request, case, notice="Follow-up scheduled.")


@require_POST
def followup_done(request: HttpRequest, case_id: int, followup_id: int) -> HttpResponse:
    case = load_case(case_id)
    followup = get_object_or_404(FollowUp, pk=followup_id, case=case)
    followups.complete_followup(followup, request.user)
    return answer_with_panel(request, case, notice="Follow-up done.")


@require_POST
@owner_required
def block_author(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(case_id)
    try:
        followups.block_author(case, request.user)
    except ValueError as error:
        return answer_with_panel(request, case, error=str(error))
    return answer_with_panel(
        request, case, notice=f"{case.mention.author} is blocked: new reviews open no case."
    )
