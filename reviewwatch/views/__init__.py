"""The site's own pages, one module per concern: the health check and robots.txt, the owner's
Users page, and the error pages; reviewwatch/urls.py and the settings (CSRF_FAILURE_VIEW, the
405 middleware) point at them."""
