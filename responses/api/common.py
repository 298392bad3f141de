"""What every API view shares: JSON bodies read through the pages' own forms, the owner check,
and the shapes of errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission

from reviewwatch.roles import is_owner


def as_form_data(data: Any) -> QueryDict:
    """A JSON object as the form data a page would post: lists as repeated values, true/false
    as a checkbox sends them, null as left out."""
    query = QueryDict(mutable=True)
    if not isinstance(data, dict):
        raise ValidationError({"detail": "Send a JSON object."})
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        query.setlist(name, [_as_text(v) for v in values if v is not None])
    return query


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def checked_form(form_class: type[forms.BaseForm], data: Any, **kwargs) -> forms.BaseForm:
    """The page's form bound to the request's values; 400 with its messages when invalid."""
    form = form_class(as_form_data(data), **kwargs)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    return form


def checked_query(form_class: type[forms.BaseForm], query: QueryDict, **kwargs):
    """A filter form over the query string; 400 naming each value it could not read (the pages
    leave such a filter out instead, which would silently widen an API answer)."""
    form = form_class(query, **kwargs)
    form.is_valid()
    if form.errors:
        raise ValidationError(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    return form


class IsOwner(BasePermission):
    message = "Only an owner can do this."

    def has_permission(self, request, view) -> bool:
        return is_owner(request.user)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Each value not understood, in words."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or one not valid."),
    403: OpenApiResponse(ErrorSerializer, description="The token's person may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="Nothing with this id."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests with this token."),
}


def errors(*codes: int) -> dict:
    """The documented error answers of an endpoint."""
    return {code: ERRORS[code] for code in codes}
