"""/api/v1/cases/{id}/reply: the case's reply (draft, tone, state), saving a new text, sending
it for approval, and an owner's approval of the version they read."""

from __future__ import annotations

from django.core.exceptions import ValidationError as FormValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from responses import replies, reply_placeholders
from responses.api.base import ApiView
from responses.api.common import ErrorSerializer, IsOwner, checked_form, errors
from responses.api.serializers import ReplySerializer
from responses.api.views.cases import _case
from responses.models import Case, ReplyDraft
from responses.reply_forms import DecisionForm, ReplyTextForm


class ReplyText(serializers.Serializer):
    text = serializers.CharField(help_text="The whole reply; {placeholders} are filled in.")
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Send it for approval (owners: approve it)."
    )


class Decision(serializers.Serializer):
    reply_version = serializers.IntegerField(min_value=1, help_text="The version you read.")


def _draft(case: Case) -> ReplyDraft:
    draft = replies.current_draft(case)
    if draft is None:
        raise Http404("This case has no reply yet.")
    return draft


def _refused(error: replies.ReplyError) -> Response:
    code = status.HTTP_409_CONFLICT if isinstance(error, replies.ReplyChanged) else 400
    return Response({"detail": str(error)}, status=code)


def _answer(case: Case, code: int = status.HTTP_200_OK) -> Response:
    return Response(ReplySerializer(_draft(case)).data, status=code)


class Reply(ApiView):
    @extend_schema(
        operation_id="reply_retrieve",
        summary="The case's reply",
        responses={200: ReplySerializer, **errors(401, 404, 429)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        return _answer(_case(case_id))

    @extend_schema(
        operation_id="reply_save",
        summary="Save a new text of the reply (and send it for approval)",
        description="The tone check runs as on the page; a reply with a tone problem is saved "
        "but not sent (400 says why).",
        request=ReplyText,
        responses={200: ReplySerializer, **errors(400, 401, 404, 429)},
    )
    def put(self, request: Request, case_id: int) -> Response:
        case = _case(case_id)
        asked = ReplyText(data=request.data)
        asked.is_valid(raise_exception=True)
        text = checked_form(ReplyTextForm, {"text": request.data["text"]}).cleaned_data["text"]
        try:
            reply_placeholders.placeholders_in(text)
            saved = replies.save_draft(case, request.user, text)
            if asked.validated_data["submit"]:
                replies.submit(saved.draft, request.user)
        except FormValidationError as error:
            raise serializers.ValidationError({"text": error.messages}) from error
        except replies.ReplyError as error:
            return _refused(error)
        return _answer(case)


class ReplySubmit(ApiView):
    @extend_schema(
        operation_id="reply_submit",
        summary="Send the newest version for approval (owners: approve it)",
        request=None,
        responses={200: ReplySerializer, **errors(400, 401, 404, 429)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = _case(case_id)
        try:
            replies.submit(_draft(case), request.user)
        except replies.ReplyError as error:
            return _refused(error)
        return _answer(case)


class ReplyApprove(ApiView):
    permission_classes = [IsOwner]

    @extend_schema(
        operation_id="reply_approve",
        summary="Approve the version you read (owners)",
        request=Decision,
        responses={
            200: ReplySerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="The reply changed since you read it."
            ),
            **errors(400, 401, 403, 404, 429),
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = _case(case_id)
        form = checked_form(DecisionForm, request.data)
        try:
            replies.approve(_draft(case), request.user, form.cleaned_data["reply_version"])
        except replies.ReplyError as error:
            return _refused(error)
        return _answer(case)
