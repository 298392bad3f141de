"""The "Negative" / "Not negative" control on every mention and case (staff and owners)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from monitors.models import Mention
from responses.labels import correct
from responses.models import Case

CHOICES = {"1": True, "0": False}


@require_POST
def correct_label(request: HttpRequest, mention_id: int) -> HttpResponse:
    get_object_or_404(Mention, pk=mention_id)
    negative = CHOICES.get(request.POST.get("negative", ""))
    if negative is None:
        return HttpResponseBadRequest("Say negative=1 (negative) or negative=0 (not negative).")
    correction = correct(mention_id, negative, request.user)
    mention = Mention.objects.select_related("corrected_by", "source").get(pk=mention_id)
    case = Case.objects.filter(mention_id=mention_id).first()
    if request.htmx:
        context = {"mention": mention, "compact": request.POST.get("compact") == "1"}
        return render(request, "responses/partials/mention_label.html", context)
    notice = "Marked negative" if negative else "Marked not negative"
    if correction.case_opened:
        notice += f" and opened case {case.pk}"
    messages.success(request, notice + ".")
    return redirect("case", case_id=case.pk) if case else redirect("mentions")
