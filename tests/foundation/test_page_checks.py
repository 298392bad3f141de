"""The page checks themselves catch what they are meant to, so a passing page means something."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.page_checks import assert_accessible, assert_fits_phone

FLAWED_PAGE = """<!doctype html><html lang="en"><head><title>Flawed</title></head><body><main>
<h1>Flawed</h1>
<input type="text" name="q">
<p style="color:#ccc">Faint text</p>
<div style="width:600px">Too wide for a phone</div>
<p><a href="/alone">Alone</a></p>
<p>Read <a href="/sentence">this link</a> inside a sentence.</p>
</main></body></html>"""


@pytest.mark.browser
def test_the_checks_catch_an_unlabelled_field_faint_text_sideways_scroll_and_a_small_link(
    page: Page,
):
    page.set_content(FLAWED_PAGE)
    with pytest.raises(AssertionError) as accessibility:
        assert_accessible(page)
    assert "label (critical)" in str(accessibility.value)
    assert "color-contrast (serious)" in str(accessibility.value)

    with pytest.raises(AssertionError, match="scrolls sideways on a phone: 6\\d\\d px"):
        assert_fits_phone(page)

    page.locator("div").evaluate("wide => wide.remove()")
    with pytest.raises(AssertionError) as small:
        assert_fits_phone(page)
    assert 'a "Alone"' in str(small.value)
    assert 'input "q"' in str(small.value)
    assert "this link" not in str(small.value)  # a link inside a sentence is not a tap target
