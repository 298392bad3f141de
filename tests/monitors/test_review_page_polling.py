"""Review pages through the poller: robots.txt is obeyed, AggregateRating snapshots are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug import Response

from monitors.models import Mention, RatingSnapshot, Source
from monitors.polling import ROBOTS, poll_source_now

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_pages"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_robots_cache():
    ROBOTS._entries.clear()
    yield
    ROBOTS._entries.clear()


def page_source(httpserver) -> Source:
    return Source.objects.create(
        name="Product page", kind="review_page", url=httpserver.url_for("/product")
    )


def test_robots_txt_disallow_pauses_the_source_with_that_reason(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /product\n", content_type="text/plain"
    )
    source = page_source(httpserver)
    assert poll_source_now(source.pk).status == "paused"
    source.refresh_from_db()
    assert not source.enabled and "robots.txt" in source.paused_reason
    assert all(request.path != "/product" for request, _ in httpserver.log)


def test_aggregate_rating_is_kept_as_a_snapshot_when_it_moves(httpserver):
    page = (FIXTURES / "extruct_schema.org_product.html").read_bytes()
    versions = [page, page + b"<!-- same ratings, new bytes -->", page.replace(b"4.4", b"4.2")]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/product").respond_with_handler(
        lambda request: Response(versions.pop(0), content_type="text/html")
    )
    source = page_source(httpserver)
    for _ in range(3):
        outcome = poll_source_now(source.pk)
        assert outcome.status == "ok", outcome.log.error
    ratings = [(str(s.rating), s.count) for s in RatingSnapshot.objects.order_by("taken_at")]
    assert ratings == [("4.40", 89), ("4.20", 89)]


def test_schema_org_reviews_become_rated_mentions_with_labels(httpserver):
    page = (FIXTURES / "schemaorg" / "eg-0010-json.html").read_bytes()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/product").respond_with_data(page, content_type="text/html")
    source = page_source(httpserver)
    assert poll_source_now(source.pk).log.new_count == 2
    unhappy = Mention.objects.get(title__icontains="happy camper")
    assert unhappy.rating == 1 and unhappy.label == "negative"
    assert unhappy.reason == "rating 1/5"
