"""Django admin for every responses model; one module per concern."""

from responses import (  # noqa: F401
    admin_api_tokens,
    admin_cases,
    admin_customers,
    admin_digests,
    admin_incidents,
    admin_notify,
    admin_replies,
)
