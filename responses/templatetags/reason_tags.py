"""`{% mention_reason mention case expandable=False %}`: why a mention is listed, in a few
words, with the stored reason as the tooltip or, where `expandable`, in a detail that opens.

Inbox rows use the tooltip: there Enter opens the case (static/js/inbox.js), which shows the
whole reason, so a detail that opens would fight the keyboard.
"""

from __future__ import annotations

from django import template

from monitors.models import Label, Mention
from responses.models import Case
from responses.reasons import reason_says_more, short_reason

register = template.Library()
OPENED_BY_HAND = "opened by hand"


@register.inclusion_tag("responses/partials/mention_reason.html")
def mention_reason(mention: Mention, case: Case | None = None, expandable: bool = False) -> dict:
    """A case a person opened on a mention not flagged negative says so: the classifier's
    reason for not flagging it is not why it is a case."""
    full, short = mention.reason, short_reason(mention.reason)
    says_more = reason_says_more(full)
    if case is not None and case.opened_by_id and mention.label != Label.NEGATIVE:
        read_as = f"{OPENED_BY_HAND}; read as {mention.get_label_display().lower()}"
        full, short, says_more = (f"{read_as}: {full}" if full else read_as), OPENED_BY_HAND, True
    return {"short": short, "full": full, "says_more": says_more, "expandable": expandable}
