"""/api/v1/cases: the inbox (its filters, most urgent first, pages after a cursor), one case
with its timeline, a change of status / assignee / priority / tags carrying the version the
client read (409 with the case as it now is when someone was faster), and notes."""

from __future__ import annotations

from dataclasses import fields

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from monitors.models import Subject
from responses import followups
from responses.api.base import ApiView
from responses.api.common import checked_form, checked_query, errors
from responses.api.serializers import CaseDetailSerializer, CaseSerializer
from responses.cases import Change, StaleCase, add_note, change_case
from responses.forms import (
    RATING_CHOICES,
    STATUS_FILTER_CHOICES,
    AssignForm,
    InboxFilterForm,
    NoteForm,
    PriorityForm,
    StatusForm,
    TagsForm,
    active_people,
)
from responses.inbox import inbox_page
from responses.models import Case, Event, Health, Note
from responses.views.inbox import resolve_assignee

RELATED = ("mention__source", "assignee")


class CaseQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=[v for v, _ in STATUS_FILTER_CHOICES], required=False)
    q = serializers.CharField(required=False, max_length=200)
    source = serializers.IntegerField(required=False)
    subject = serializers.ChoiceField(choices=Subject.choices, required=False)
    assignee = serializers.CharField(required=False, help_text="mine, unassigned or a person's id.")
    rating = serializers.ChoiceField(choices=[v for v, _ in RATING_CHOICES if v], required=False)
    tag = serializers.IntegerField(required=False)
    health = serializers.ChoiceField(choices=Health.choices, required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    after = serializers.CharField(required=False, help_text="The `next` of the previous page.")


class CasePage(serializers.Serializer):
    results = CaseSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Pass as `after`; null on the last.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Cases per status under the other filters."
    )
    breached = serializers.IntegerField(help_text="Open, unanswered and past due.")


class CaseChange(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The case's version you read.")
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    dismiss_reason = serializers.ChoiceField(choices=Case.DismissReason.choices, required=False)
    outcome = serializers.ChoiceField(
        choices=followups.Outcome.CHOICES, required=False, help_text="When resolving."
    )
    outcome_note = serializers.CharField(required=False, allow_blank=True, max_length=400)
    assignee = serializers.CharField(required=False, help_text="me, nobody or a person's id.")
    priority = serializers.ChoiceField(choices=Case.Priority.choices, required=False)
    tags = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Tag ids: all the case has."
    )


class StaleAnswer(serializers.Serializer):
    detail = serializers.CharField()
    case = CaseSerializer(help_text="The case as it is now: read it and decide again.")


class NoteIn(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class NoteOut(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = ["id", "case", "author", "body", "created_at"]
        read_only_fields = fields

    def get_author(self, note: Note) -> str | None:
        return note.author.email if note.author else None


def _case(case_id: int) -> Case:
    """The case with what its detail shows, in four queries however long its timeline."""
    timeline = Prefetch("events", queryset=Event.objects.select_related("actor", "note"))
    cases = Case.objects.select_related(*RELATED).prefetch_related("tags", timeline)
    return get_object_or_404(cases, pk=case_id)


class CaseList(ApiView):
    @extend_schema(
        operation_id="cases_list",
        summary="The inbox: cases, most urgent first",
        parameters=[CaseQuery],
        responses={200: CasePage, **errors(400, 401, 429)},
    )
    def get(self, request: Request) -> Response:
        CaseQuery(data=request.query_params).is_valid(raise_exception=True)
        people = list(active_people())
        filters = checked_query(InboxFilterForm, request.query_params, people=people).filters()
        page = inbox_page(filters, request.user, after=request.query_params.get("after", ""))
        return Response(
            {
                "results": CaseSerializer(page.cases, many=True).data,
                "next": page.next_cursor,
                "counts": page.counts,
                "breached": page.breached,
            }
        )


def requested_change(data: dict, user) -> Change:
    """The change asked for, each part read by the form the case page posts."""
    version = {"version": data["version"]}
    parts: list[Change] = []
    if "status" in data:
        form = checked_form(StatusForm, {**data, **version})
        chosen = form.cleaned_data
        if chosen["status"] == Case.Status.RESOLVED:
            parts.append(followups.resolved_with(chosen["outcome"], chosen["outcome_note"]))
        else:
            parts.append(Change(status=chosen["status"], dismiss_reason=chosen["dismiss_reason"]))
    if "assignee" in data:
        form = checked_form(AssignForm, {"assignee": data["assignee"], **version})
        parts.append(Change(assignee=resolve_assignee(form.cleaned_data["assignee"], user)))
    if "priority" in data:
        form = checked_form(PriorityForm, {"priority": data["priority"], **version})
        parts.append(Change(priority=form.cleaned_data["priority"]))
    if "tags" in data:
        form = checked_form(TagsForm, {"tags": data["tags"], **version})
        parts.append(Change(tags=list(form.cleaned_data["tags"])))
    if not parts:
        nothing = "Send at least one of status, assignee, priority, tags."
        raise serializers.ValidationError({"detail": [nothing]})
    return _combined(parts)


def _combined(parts: list[Change]) -> Change:
    values = {}
    for part in parts:
        for field in fields(Change):
            value = getattr(part, field.name)
            if value != field.default:
                values[field.name] = value
    return Change(**values)


class CaseDetail(ApiView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case with its mention and timeline",
        responses={200: CaseDetailSerializer, **errors(401, 404, 429)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        return Response(CaseDetailSerializer(_case(case_id)).data)

    @extend_schema(
        operation_id="cases_change",
        summary="Change status, assignee, priority or tags",
        description="Send the `version` you read. When someone changed the case since, nothing "
        "is applied and the answer is 409 with the case as it now is.",
        request=CaseChange,
        responses={
            200: CaseDetailSerializer,
            409: OpenApiResponse(StaleAnswer, description="The case changed since you read it."),
            **errors(400, 401, 404, 429),
        },
    )
    def patch(self, request: Request, case_id: int) -> Response:
        case = _case(case_id)
        asked = CaseChange(data=request.data)
        asked.is_valid(raise_exception=True)
        raw = {name: request.data[name] for name in asked.validated_data}
        change = requested_change(raw, request.user)
        try:
            change_case(case.pk, asked.validated_data["version"], request.user, change)
        except StaleCase as stale:
            now = _case(stale.case.pk)
            detail = (
                f"The case changed since you read version {asked.validated_data['version']}; "
                f"it is now version {now.version}. Nothing was applied: read it and try again."
            )
            answer = {"detail": detail, "case": CaseSerializer(now).data}
            return Response(answer, status=status.HTTP_409_CONFLICT)
        return Response(CaseDetailSerializer(_case(case_id)).data)


class CaseNotes(ApiView):
    @extend_schema(
        operation_id="cases_note",
        summary="Add an internal note (@name emails a colleague)",
        request=NoteIn,
        responses={201: NoteOut, **errors(400, 401, 404, 429)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = _case(case_id)
        form = checked_form(NoteForm, request.data)
        note = add_note(case, request.user, form.cleaned_data["body"])
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)
