"""The "Negative" / "Not negative" control on every mention and case (staff and owners)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from monitors.models import Mention
from responses.labels import correct

CHOICES = {"1": True, "0": False}


@require_POST
def correct_label(request: HttpRequest, mention_id: int) -> HttpResponse:
    negative = CHOICES.get(request.POST.get("negative", ""))
    if negative is None:
        if not Mention.objects.filter(pk=mention_id).exists():
            raise Http404("No such mention.")
        return HttpResponseBadRequest("Say negative=1 (negative) or negative=0 (not negative).")
    try:
        correction, case = correct(mention_id, negative, request.user)
    except Mention.DoesNotExist:
        raise Http404("No such mention.") from None
    if request.htmx:
        context = {"mention": correction.mention, "compact": request.POST.get("compact") == "1"}
        return render(request, "responses/partials/mention_label.html", context)
    notice = "Marked negative" if negative else "Marked not negative"
    if correction.case_opened:
        notice += f" and opened case {case.pk}"
    messages.success(request, notice + ".")
    return redirect("case", case_id=case.pk) if case else redirect("mentions")
