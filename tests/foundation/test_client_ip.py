"""Which address log-in throttling counts, with and without trusted reverse proxies."""

import pytest
from django.test import RequestFactory

from reviewwatch.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "1.2.3.4", "10.0.0.9"),  # no proxy: a client's own header is ignored
        (1, "8.8.4.4", "8.8.4.4"),
        (1, "1.2.3.4, 8.8.4.4", "8.8.4.4"),  # the forged left entry is never used
        (2, "1.2.3.4, 8.8.4.4, 172.18.0.2", "8.8.4.4"),
        (2, "8.8.4.4", "10.0.0.9"),  # fewer hops than proxies: fall back to the peer
    ],
)
def test_client_ip_is_the_entry_appended_by_the_outermost_trusted_proxy(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
