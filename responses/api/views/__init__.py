"""The API's views, one module per resource: mentions, cases (and their notes), replies, sources
and reports; responses/api/urls.py routes /api/v1/ to them."""
