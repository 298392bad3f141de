"""/api/v1/mentions: the Mentions list's filters, newest first in pages; one mention with its
revisions; and a mention submitted by another tool, stored, classified and triaged like any
mention a poll finds."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from monitors.ingest import ingest, stored_id
from monitors.models import Label, Mention, Source, Subject
from monitors.parsers.base import ReviewRecord
from responses.api.base import ApiView
from responses.api.common import ErrorSerializer, checked_query, errors
from responses.api.serializers import MentionDetailSerializer, MentionSerializer
from responses.forms import RATING_CHOICES, MentionFilterForm
from responses.mention_list import mention_page

RATINGS = [value for value, _ in RATING_CHOICES if value]


class MentionQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Text to search for.")
    source = serializers.IntegerField(required=False, help_text="A source's id.")
    subject = serializers.ChoiceField(choices=Subject.choices, required=False)
    rating = serializers.ChoiceField(
        choices=RATINGS, required=False, help_text="At most this many stars, or none."
    )
    label = serializers.ChoiceField(choices=Label.choices, required=False)
    since = serializers.DateField(required=False, help_text="First seen on or after this day.")
    until = serializers.DateField(required=False, help_text="First seen on or before this day.")
    before = serializers.IntegerField(
        required=False, min_value=1, help_text="The `next` of the previous page."
    )


class MentionPage(serializers.Serializer):
    results = MentionSerializer(many=True)
    next = serializers.IntegerField(
        allow_null=True, help_text="Pass as `before` for the next page; null on the last."
    )


class MentionSubmission(serializers.Serializer):
    source = serializers.IntegerField(help_text="The id of the source it belongs to.")
    external_id = serializers.CharField(
        required=False,
        max_length=1000,
        help_text="Your id for it: sending the same id again updates the mention (a revision) "
        "instead of adding another. Made up when left out.",
    )
    author = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    rating = serializers.DecimalField(
        required=False, allow_null=True, max_digits=3, decimal_places=2, min_value=0, max_value=5
    )
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, data: dict) -> dict:
        if not (data["title"].strip() or data["text"].strip() or data.get("rating") is not None):
            raise serializers.ValidationError("Send a title, a text or a rating.")
        return data


class MentionList(ApiView):
    @extend_schema(
        operation_id="mentions_list",
        summary="Mentions, newest first",
        parameters=[MentionQuery],
        responses={200: MentionPage, **errors(400, 401, 429)},
    )
    def get(self, request: Request) -> Response:
        query = MentionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = checked_query(MentionFilterForm, request.query_params).filters()
        page = mention_page(filters, query.validated_data.get("before"))
        data = {"results": MentionSerializer(page.mentions, many=True).data}
        return Response({**data, "next": page.next_before})

    @extend_schema(
        operation_id="mentions_submit",
        summary="Submit a mention from another tool",
        description="Stored on the source, classified and, when negative and about us, given a "
        "case, as if a poll had found it. 201 when new; 200 when the external_id was known.",
        request=MentionSubmission,
        responses={
            201: MentionSerializer,
            200: MentionSerializer,
            409: ErrorSerializer,
            **errors(400, 401, 429),
        },
    )
    def post(self, request: Request) -> Response:
        submission = MentionSubmission(data=request.data)
        submission.is_valid(raise_exception=True)
        data = submission.validated_data
        source = Source.objects.filter(pk=data["source"]).first()
        if source is None:
            raise serializers.ValidationError({"source": ["There is no source with this id."]})
        record = ReviewRecord(
            external_id=data.get("external_id") or f"api-{uuid.uuid4().hex}",
            url=data["url"],
            author=data["author"],
            title=data["title"],
            text=data["text"],
            rating=data.get("rating"),
            published_at=data.get("published_at"),
        )
        # Not seen by a poll: no poll log; the mention's first_seen_poll stays empty.
        counts = ingest(source, [record], poll=None, now=timezone.now())
        mention = Mention.objects.filter(
            source=source, external_id=stored_id(record.external_id)
        ).first()
        if mention is None:  # an owner deleted the mention with this id: it is not taken again
            detail = "A mention with this external_id was deleted from this source."
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        code = status.HTTP_201_CREATED if counts.new else status.HTTP_200_OK
        return Response(MentionSerializer(mention).data, status=code)


class MentionDetail(ApiView):
    @extend_schema(
        operation_id="mentions_retrieve",
        summary="One mention with its revisions",
        responses={200: MentionDetailSerializer, **errors(401, 404, 429)},
    )
    def get(self, request: Request, mention_id: int) -> Response:
        mention = get_object_or_404(Mention.objects.select_related("source"), pk=mention_id)
        return Response(MentionDetailSerializer(mention).data)
