"""The responses pages, one module per page or concern; the URLconfs (responses/urls*.py) route
to them."""
