"""Checks any browser test can run on the page it has open: accessible (axe-core) and phone-sized.

axe-core comes from the pinned test dependency axe-playwright-python, which bundles axe.min.js
(MPL-2.0); the script is injected into the page from that file, so nothing is downloaded at test
time and the page's CSP does not apply to it (Playwright evaluates it through the DevTools
protocol, not as a page script).
"""

from __future__ import annotations

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

PHONE = {"width": 390, "height": 844}
MIN_TAP_PX = 44
BLOCKING_IMPACTS = ("serious", "critical")

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """Every axe-core violation on the page as {id, impact, help, targets}."""
    page.evaluate(AXE_SCRIPT)
    return page.evaluate(RUN_AXE)


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
        for v in blocking
    ]
    assert not blocking, f"accessibility violations on {page.url}:\n" + "\n".join(lines)


# A tap target is something a finger aims at: a control, or a link that stands on its own (in a
# menu, a table cell, a list of actions). A link inside a sentence is read, not aimed at, and
# exempt, as in WCAG 2.5.8. Elements not rendered (in a closed <details>, hidden), clipped to 1 px
# (visually hidden) or off screen (the skip link until it has focus) are not seen, so not
# measured. A checkbox or radio is measured with its label, which a tap toggles too.
SMALL_TAP_TARGETS = """minimum => {
  const controls = `a[href], button, input:not([type=hidden]), select, textarea, summary,
    [role=button]`;
  const inRunningText = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    return [...el.parentElement.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  };
  const box = el => {
    let r = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
      r = {left, top, width: Math.max(r.right, l.right) - left,
           height: Math.max(r.bottom, l.bottom) - top, right: Math.max(r.right, l.right)};
    }
    return r;
  };
  const describe = el => {
    const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.value || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const classes = el.classList.length ? '.' + [...el.classList].join('.') : '';
    return `${el.tagName.toLowerCase()}${id}${classes} "${name}"`;
  };
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const r = box(el);
    if (r.width <= 1 || r.height <= 1 || r.right <= 0) continue;
    if (inRunningText(el)) continue;
    if (r.width < minimum || r.height < minimum) {
      small.push(`${describe(el)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
    }
  }
  return small;
}"""


def assert_fits_phone(page: Page) -> None:
    """At 390×844 the page scrolls only vertically, and every tap target is at least 44×44 px."""
    page.set_viewport_size(PHONE)
    page.wait_for_function("width => window.innerWidth === width", arg=PHONE["width"])
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} scrolls sideways on a phone: {widths[0]} px wide in a {widths[1]} px window"
    )
    small = page.evaluate(SMALL_TAP_TARGETS, MIN_TAP_PX)
    assert not small, f"tap targets under {MIN_TAP_PX} px on {page.url}:\n" + "\n".join(small)
