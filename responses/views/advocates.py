"""The Advocates page: happy customers to thank and to ask for a reference, testimonial or
referral."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from monitors.models import Mention
from responses import advocates
from responses.customer_forms import AnswerForm, AskForm, ThankForm
from responses.customers import record_for_mention
from responses.models import AdvocateAsk, Customer, HealthSettings, ReplySettings


def advocate_list(request: HttpRequest) -> HttpResponse:
    body, reply_settings = advocates.thank_you_body(), ReplySettings.current()
    rows = [
        {
            "advocate": advocate,
            "thank_text": ""
            if advocate.thanked
            else advocates.thank_you_text(advocate.review, body, reply_settings),
        }
        for advocate in advocates.advocates()
    ]
    context = {
        "nav": "customers",
        "rows": rows,
        "settings": HealthSettings.current(),
        "ask_kinds": AdvocateAsk.Kind.choices,
    }
    return render(request, "responses/customers/advocates.html", context)


def _back() -> HttpResponse:
    return redirect("advocates")


@require_POST
def advocate_thank(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = get_object_or_404(Mention.objects.select_related("source"), pk=mention_id)
    record = record_for_mention(mention)
    form = ThankForm(request.POST)
    if record is None or not form.is_valid():
        messages.error(request, "Write the thank-you first.")
        return _back()
    try:
        thanks, tone = advocates.thank(
            record.customer, mention, form.cleaned_data["text"], request.user
        )
    except advocates.AdvocateError as error:
        messages.error(request, str(error))
        return _back()
    if thanks is None:
        found = "; ".join(f.message for f in tone.findings if f.severity == "problem")
        messages.error(request, f"The tone check stopped this thank-you: {found}")
        return _back()
    messages.success(
        request,
        f"Thanks to {record.customer.name} recorded (tone {tone.score}/100). "
        f"Post it on {mention.source.name}.",
    )
    return _back()


@require_POST
def advocate_ask(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to ask for.")
        return _back()
    try:
        asked = advocates.ask(customer, form.cleaned_data["kind"], request.user)
    except advocates.AdvocateError as error:
        messages.error(request, str(error))
        return _back()
    messages.success(request, f"Asked {customer.name} for a {asked.get_kind_display().lower()}.")
    return _back()


@require_POST
def advocate_answer(request: HttpRequest, ask_id: int) -> HttpResponse:
    asked = get_object_or_404(AdvocateAsk.objects.select_related("customer"), pk=ask_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose their answer.")
        return _back()
    advocates.answer(asked, form.cleaned_data["answer"], form.cleaned_data["note"], request.user)
    messages.success(request, f"{asked.customer.name} said {asked.get_answer_display().lower()}.")
    return _back()
