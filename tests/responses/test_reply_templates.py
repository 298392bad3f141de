"""The owner's reply-template library and reply settings: list, add, edit, archive, validate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from responses.models import ReplySettings, ReplyTemplate

pytestmark = pytest.mark.django_db


def pages(template: ReplyTemplate) -> list[tuple[str, str]]:
    return [
        ("get", reverse("reply_templates")),
        ("get", reverse("reply_template_add")),
        ("get", reverse("reply_template_edit", args=[template.pk])),
        ("post", reverse("reply_template_archive", args=[template.pk])),
    ]


def test_template_pages_refuse_anonymous_and_staff(client, staff):
    template = ReplyTemplate.objects.first()
    for method, url in pages(template):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(staff)
    for method, url in pages(template):
        assert getattr(client, method)(url).status_code == 403, url
    template.refresh_from_db()
    assert not template.archived


def test_owner_sees_the_seeded_library(owner_client):
    response = owner_client.get(reverse("reply_templates"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Late or lost delivery" in html and "Vague complaint: ask for details" in html
    assert html.count("data-template") == ReplyTemplate.objects.count() == 7


def test_owner_adds_a_template(owner_client):
    data = {
        "name": "Wrong size",
        "situation": "Clothes that did not fit",
        "body": "Hi {author}, thank you, and we're sorry. We'd like to offer {remedy}.",
        "position": 9,
    }
    response = owner_client.post(reverse("reply_template_add"), data)
    assert response.status_code == 302
    assert ReplyTemplate.objects.get(name="Wrong size").body == data["body"]


def test_unknown_placeholder_is_an_error_next_to_the_body_and_the_typed_text_is_kept(
    owner_client,
):
    template = ReplyTemplate.objects.get(name="Billing mistake")
    body = "Hi {author}, your invoice {invoice_no} was wrong."
    data = {"name": template.name, "situation": "", "body": body, "position": 0}
    response = owner_client.post(reverse("reply_template_edit", args=[template.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown placeholder {invoice_no}" in html
    assert body in html
    template.refresh_from_db()
    assert "{invoice_no}" not in template.body


def test_owner_archives_and_restores_a_template(owner_client):
    template = ReplyTemplate.objects.get(name="Billing mistake")
    owner_client.post(reverse("reply_template_archive", args=[template.pk]))
    template.refresh_from_db()
    assert template.archived
    owner_client.post(reverse("reply_template_archive", args=[template.pk]), {"archived": "0"})
    template.refresh_from_db()
    assert not template.archived


def test_archived_templates_are_not_offered_on_the_case(owner_client):
    from responses.replies import offered_templates

    ReplyTemplate.objects.filter(name="Billing mistake").update(archived=True)
    assert "Billing mistake" not in {t.name for t in offered_templates()}


def test_owner_saves_reply_settings_and_bad_values_are_explained(owner_client):
    url = reverse("reply_templates")
    good = {
        "business_name": "Acme Lamps",
        "product_default": "your lamp",
        "contact": "support@acme.example",
        "remedy_default": "a replacement",
        "approval_required": "",
        "max_length": 2000,
    }
    assert owner_client.post(url, good).status_code == 302
    saved = ReplySettings.current()
    assert (saved.business_name, saved.approval_required, saved.max_length) == (
        "Acme Lamps",
        False,
        2000,
    )
    response = owner_client.post(url, {**good, "max_length": 5})
    assert response.status_code == 400
    assert "greater than or equal to 100" in response.content.decode()


def test_approval_is_on_by_default():
    assert ReplySettings.current().approval_required is True
