"""The responses pages, one module per page or concern; the URLconfs (responses/urls/) route
to them."""
