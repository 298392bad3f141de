"""Helpers for Playwright tests: wait until the page's scripts can react to what we do."""

from playwright.sync_api import Page

HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def wait_for_htmx_idle(page: Page) -> None:
    """Wait for the page's scripts to load and htmx to finish swapping and processing content,
    so new elements have their triggers before we type into them."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "selector => window.htmx !== undefined && !document.querySelector(selector)", arg=HTMX_BUSY
    )
