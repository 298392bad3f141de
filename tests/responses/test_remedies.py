"""Remedies: what was offered, whether it was delivered, and how it reads in a reply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from responses.models import Remedy
from responses.reply_placeholders import fill
from tests.responses.test_replies import make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_staff_record_a_remedy_and_mark_it_delivered(staff_client, staff):
    case = make_case()
    url = reverse("remedy_add", args=[case.pk])
    data = {"kind": "refund", "amount": "25.00", "note": "to the card used"}
    response = staff_client.post(url, data, **HTMX)
    assert "Remedy recorded." in response.content.decode()
    remedy = Remedy.objects.get()
    assert (remedy.kind, remedy.amount, remedy.offered_by) == ("refund", Decimal("25.00"), staff)
    assert remedy.delivered_at is None
    staff_client.post(reverse("remedy_delivered", args=[case.pk, remedy.pk]), **HTMX)
    remedy.refresh_from_db()
    assert remedy.delivered_at is not None and remedy.delivered_by == staff


def test_a_bad_remedy_is_explained_and_what_was_typed_is_kept(staff_client):
    case = make_case()
    url = reverse("remedy_add", args=[case.pk])
    response = staff_client.post(url, {"kind": "refund", "amount": "-5", "note": "oops"}, **HTMX)
    html = response.content.decode()
    assert "The amount cannot be negative." in html and 'value="oops"' in html
    assert not Remedy.objects.exists()


def test_remedy_of_another_case_is_not_found(staff_client):
    case, other = make_case(), make_case()
    remedy = Remedy.objects.create(case=other, kind="credit")
    url = reverse("remedy_delivered", args=[case.pk, remedy.pk])
    assert staff_client.post(url).status_code == 404


@pytest.mark.parametrize(
    ("kind", "amount", "note", "reads"),
    [
        ("refund", Decimal("25.00"), "", "a refund of 25.00"),
        ("replacement", None, "", "a replacement"),
        ("tips", None, "two quick steps that fix the flicker", "two quick steps that fix"),
        ("credit", Decimal("10"), "", "a credit of 10"),
    ],
)
def test_the_latest_remedy_fills_the_remedy_placeholder(kind, amount, note, reads):
    case = make_case()
    Remedy.objects.create(case=case, kind=kind, amount=amount, note=note)
    assert reads in fill("We would like to offer {remedy}.", case)
