"""The owner's classification rules page: always/never flag phrases, a "Try it" box,
classifying every mention again with progress, and the blocked authors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from monitors.classify import classify
from monitors.forms import BlockAuthorForm, RulesForm, TryRulesForm
from monitors.ingest import owner_rules
from monitors.models import BlockedAuthor, ClassificationRules, ReclassifyJob
from monitors.reclassify import mark_progress, start_reclassify
from monitors.tasks import reclassify_mentions
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required


def rules_page(request: HttpRequest, status: int = 200, **overrides) -> HttpResponse:
    """The whole page; `overrides` carry a bound form with errors or a "Try it" verdict."""
    rules = ClassificationRules.current()
    context = {
        "rules_form": RulesForm(
            initial={"always_flag": rules.always_flag, "never_flag": rules.never_flag}
        ),
        "try_form": TryRulesForm(),
        "block_form": BlockAuthorForm(),
        "job": ReclassifyJob.objects.order_by("-started_at").first(),
        "blocked_authors": BlockedAuthor.objects.order_by("name"),
        "nav": "sources",
        **overrides,
    }
    return render(request, "monitors/rules.html", context, status=status)


def back_to(anchor: str) -> HttpResponse:
    return redirect(reverse("classification_rules") + f"#{anchor}")


@owner_required
def classification_rules(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return rules_page(request)
    form = RulesForm(request.POST)
    if not form.is_valid():
        return rules_page(request, status=400, rules_form=form)
    rules = ClassificationRules.current()
    rules.always_flag = form.cleaned_data["always_flag"]
    rules.never_flag = form.cleaned_data["never_flag"]
    rules.save()
    messages.success(
        request,
        "Rules saved. New mentions follow them now; to apply them to the mentions already "
        "found, use “Classify all mentions again”.",
    )
    return back_to("rules")


@owner_required
@require_POST
def reclassify_start(request: HttpRequest) -> HttpResponse:
    job, state = start_reclassify()
    if state == "running":
        messages.info(request, "Mentions are already being classified again; see below.")
    elif not enqueue(reclassify_mentions, job.pk):
        if state == "started":
            job.delete()  # never started: do not leave a job that looks stuck
        messages.error(request, BROKER_DOWN)
    elif state == "resumed":
        mark_progress(job)
        messages.success(
            request, f"Classifying again where it stopped: {job.done} of {job.total} done."
        )
    else:
        messages.success(request, f"Classifying all {job.total} mentions again.")
    return back_to("reclassify")


@owner_required
@require_GET
def reclassify_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second until the job has finished."""
    job = get_object_or_404(ReclassifyJob, pk=pk)
    return render(request, "monitors/_reclassify_progress.html", {"job": job})


@owner_required
@require_POST
def rules_try(request: HttpRequest) -> HttpResponse:
    form = TryRulesForm(request.POST)
    verdict = None
    if form.is_valid():
        verdict = classify(
            form.cleaned_data["text"], form.cleaned_data["rating"], rules=owner_rules()
        )
    if request.htmx:
        return render(request, "monitors/_try_it.html", {"try_form": form, "verdict": verdict})
    return rules_page(request, try_form=form, verdict=verdict)


@owner_required
@require_POST
def blocked_author_add(request: HttpRequest) -> HttpResponse:
    form = BlockAuthorForm(request.POST)
    if not form.is_valid():
        return rules_page(request, status=400, block_form=form)
    BlockedAuthor.objects.create(name=form.cleaned_data["name"], note=form.cleaned_data["note"])
    messages.success(request, f"Blocked {form.cleaned_data['name']}.")
    return back_to("blocked")


@owner_required
@require_POST
def blocked_author_remove(request: HttpRequest, pk: int) -> HttpResponse:
    author = get_object_or_404(BlockedAuthor, pk=pk)
    author.delete()
    messages.success(request, f"Unblocked {author.name}.")
    return back_to("blocked")
