"""/api/v1/sources: everyone reads them; owners add one (the Add source form's checks, the
address's safety included), pause one and delete one, as on the source pages."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from monitors.forms import SourceForm
from monitors.models import Source, Subject
from monitors.views.sources import apply_state_change, pause
from responses.api.base import ApiView
from responses.api.common import ErrorSerializer, IsOwner, checked_form, errors
from responses.api.serializers import SourceSerializer

READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")


class OwnerChanges(IsOwner):
    """Anyone signed in reads; only owners change."""

    def has_permission(self, request, view) -> bool:
        return request.method in READ_ONLY_METHODS or super().has_permission(request, view)


class SourceIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(
        choices=[
            Source.Kind.FEED.value,
            Source.Kind.REVIEW_PAGE.value,
            Source.Kind.APP_STORE.value,
        ]
    )
    url = serializers.CharField(max_length=2000, help_text="The feed or page address.")
    country = serializers.CharField(required=False, max_length=20, help_text="App Store only.")
    subject = serializers.ChoiceField(choices=Subject.choices, required=False, default="ours")
    competitor_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    poll_interval_minutes = serializers.IntegerField(required=False, default=15)
    history_days = serializers.IntegerField(required=False, allow_null=True)
    enabled = serializers.BooleanField(required=False, default=True)


class SourceList(ApiView):
    permission_classes = [IsAuthenticated, OwnerChanges]

    @extend_schema(
        operation_id="sources_list",
        summary="Every source",
        responses={200: SourceSerializer(many=True), **errors(401, 429)},
    )
    def get(self, request: Request) -> Response:
        return Response(SourceSerializer(Source.objects.order_by("name", "id"), many=True).data)

    @extend_schema(
        operation_id="sources_create",
        summary="Add a source (owners)",
        request=SourceIn,
        responses={201: SourceSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        asked = SourceIn(data=request.data)
        asked.is_valid(raise_exception=True)
        form = checked_form(SourceForm, asked.validated_data)
        with transaction.atomic():
            saved = form.save(commit=False)
            apply_state_change(saved, form)
            saved.save()
        return Response(SourceSerializer(saved).data, status=status.HTTP_201_CREATED)


class SourceDetail(ApiView):
    permission_classes = [IsAuthenticated, OwnerChanges]

    @extend_schema(
        operation_id="sources_retrieve",
        summary="One source",
        responses={200: SourceSerializer, **errors(401, 404, 429)},
    )
    def get(self, request: Request, source_id: int) -> Response:
        return Response(SourceSerializer(get_object_or_404(Source, pk=source_id)).data)

    @extend_schema(
        operation_id="sources_delete",
        summary="Delete a source and its mentions (owners)",
        responses={
            204: None,
            409: OpenApiResponse(ErrorSerializer, description="Cases still refer to it."),
            **errors(401, 403, 404, 429),
        },
    )
    def delete(self, request: Request, source_id: int) -> Response:
        source = get_object_or_404(Source, pk=source_id)
        try:
            with transaction.atomic():
                source.delete()
        except (ProtectedError, RestrictedError):
            detail = (
                "Not deleted: cases in the inbox still refer to its mentions. Pause it instead "
                "to stop checking it."
            )
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SourcePause(ApiView):
    permission_classes = [IsOwner]

    @extend_schema(
        operation_id="sources_pause",
        summary="Pause a source: it is not checked until resumed (owners)",
        request=None,
        responses={200: SourceSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request: Request, source_id: int) -> Response:
        source = get_object_or_404(Source, pk=source_id)
        pause(source)
        return Response(SourceSerializer(source).data)
