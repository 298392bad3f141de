"""The two pages around the API: a person's tokens on Settings (made, shown once, revoked),
and the readable reference built from the same OpenAPI description the API serves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from responses.api.tokens import create_token as make_token
from responses.api.tokens import revoke_token
from responses.models import ApiToken

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, such as “Spreadsheet” or “Help desk”.",
    )
    expires_on = forms.DateField(
        label="Expires after (optional)",
        required=False,
        widget=forms.DateInput({"type": "date"}),
        help_text="The last day it works, in your time zone. Leave empty for no expiry.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if ApiToken.objects.filter(user=self.user, name=name, revoked_at__isnull=True).exists():
            raise forms.ValidationError("You already have a token with this name.")
        return name

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        return day

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the person's zone."""
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        return datetime.combine(
            day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )


def _tokens_page(request: HttpRequest, form: ApiTokenForm, secret: str = "", status: int = 200):
    context = {
        "nav": "settings",
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "secret": secret,
        "now": timezone.now(),
        "api_root": request.build_absolute_uri("/api/v1/"),
    }
    return render(request, "responses/api_tokens.html", context, status=status)


@never_cache  # the answer that shows a new secret must not be kept by a browser or proxy
def api_tokens(request: HttpRequest) -> HttpResponse:
    """GET: the person's tokens. POST: a new one, whose secret this answer shows once."""
    if request.method != "POST":
        return _tokens_page(request, ApiTokenForm(user=request.user))
    form = ApiTokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _tokens_page(request, form, status=400)
    _, secret = make_token(request.user, form.cleaned_data["name"], form.expires_at())
    return _tokens_page(request, ApiTokenForm(user=request.user), secret=secret)


@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if revoke_token(request.user, token_id):
        messages.success(request, "Token revoked: it no longer works.")
    else:
        messages.error(request, "That token was already revoked, or is not yours.")
    return redirect("api_tokens")


def api_reference(request: HttpRequest) -> HttpResponse:
    """Every endpoint with its parameters and answers, from the OpenAPI description."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, operations in schema["paths"].items():
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            endpoints.append(_endpoint(path, method, operation, schema))
    context = {
        "nav": "settings",
        "endpoints": endpoints,
        "api_root": request.build_absolute_uri("/api/v1/"),
        "schema_url": reverse("api_schema"),
        "per_minute": settings.RW_API_REQUESTS_PER_MINUTE,
    }
    return render(request, "responses/api_reference.html", context)


def _endpoint(path: str, method: str, operation: dict, schema: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return {
        "id": operation["operationId"],
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": with_code(operation.get("description", "")),
        "parameters": [
            {
                "name": p["name"],
                "where": p["in"],
                "required": p.get("required", False),
                "type": _type_of(p.get("schema", {}), schema),
                "description": with_code(p.get("description", "")),
            }
            for p in operation.get("parameters", [])
        ],
        "body": _fields_of(body.get("schema", {}), schema),
        "answers": [
            {"code": code, "description": answer.get("description", "")}
            for code, answer in operation.get("responses", {}).items()
        ],
    }


def with_code(text: str) -> SafeString:
    """The description's `names` as code, everything else as escaped text."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: plain text
        return escape(text)
    shown = (escape(p) if i % 2 == 0 else f"<code>{escape(p)}</code>" for i, p in enumerate(parts))
    return mark_safe("".join(shown))  # every part is escaped above


def _resolved(part: dict, schema: dict) -> dict:
    ref = part.get("$ref")
    if ref:
        return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return part


def _type_of(part: dict, schema: dict) -> str:
    part = _resolved(part, schema)
    if "enum" in part:
        return "one of " + ", ".join(str(value) for value in part["enum"] if value != "")
    if "oneOf" in part or "allOf" in part:
        options = [_type_of(p, schema) for p in part.get("oneOf", part.get("allOf", []))]
        return " or ".join(o for o in options if o)
    if part.get("type") == "array":
        return f"list of {_type_of(part.get('items', {}), schema)}"
    return part.get("format") or part.get("type", "")


def _fields_of(body: dict, schema: dict) -> list[dict]:
    body = _resolved(body, schema)
    required = set(body.get("required", []))
    return [
        {
            "name": name,
            "required": name in required,
            "type": _type_of(field, schema),
            "description": with_code(
                field.get("description") or _resolved(field, schema).get("description", "")
            ),
        }
        for name, field in body.get("properties", {}).items()
    ]
