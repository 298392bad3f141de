"""Django admin for every responses model; one module per concern."""

from responses.admin import (  # noqa: F401
    api_tokens,
    cases,
    customers,
    digests,
    incidents,
    notify,
    replies,
)
