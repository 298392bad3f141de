"""The REST API under /api/v1/ (Django REST Framework, OpenAPI 3 by drf-spectacular).

Every view reads its input through the same forms the pages use and changes things through the
same service functions (responses.cases, responses.replies, responses.inbox, monitors.ingest...),
so the API has no rules of its own: a token acts with its person's role, and nothing more.
"""
