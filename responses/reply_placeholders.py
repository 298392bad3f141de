"""The {placeholders} of a reply template: which ones exist, checking a text for them, and
filling them for a case or for a review without one (a happy customer's thanks)."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

from monitors.models import Mention
from responses.models import Case, Remedy, ReplySettings

PLACEHOLDERS = {
    "author": 'the reviewer\'s name (or "there" when anonymous)',
    "business": "your business name (reply settings)",
    "product": "the product default (reply settings)",
    "remedy": "the latest remedy offered on the case, else the default remedy",
    "contact": "your private contact channel (reply settings)",
    "source": "where the review was posted",
}
ANONYMOUS_AUTHOR = "there"


def placeholders_in(text: str) -> list[str]:
    """Names of the {placeholders} in text; raises ValidationError when one is not known or the
    braces are broken (use {{ and }} for a literal brace)."""
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError as error:
        raise ValidationError(
            f"The braces do not match ({error}). Write {{{{ or }}}} for a literal brace."
        ) from error
    names = [name for name, _, _ in fields]
    if "" in names:
        raise ValidationError("Empty placeholder {}: name it, e.g. {author}.")
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        named = ", ".join("{" + name + "}" for name in unknown)
        raise ValidationError(f"Unknown placeholder {named}. Use one of: {known}.")
    if any(spec or conversion for _, spec, conversion in fields):
        raise ValidationError("Placeholders take no format: write {author}, not {author:>9}.")
    return names


# {remedy} before the owner has said which remedies they offer: a promise they can keep.
NO_REMEDY_CHOSEN = "a solution that works for you"


def placeholder_values(case: Case, reply_settings: ReplySettings) -> dict[str, str]:
    return mention_placeholder_values(case.mention, reply_settings, case.remedies.first())


def mention_placeholder_values(
    mention: Mention, reply_settings: ReplySettings, remedy: Remedy | None = None
) -> dict[str, str]:
    """The placeholders for a reply to this mention (a case's, or a happy review's thanks)."""
    return {
        "author": mention.author.strip() or ANONYMOUS_AUTHOR,
        "business": reply_settings.business_name,
        "product": reply_settings.product_default,
        "remedy": describe_remedy(remedy)
        if remedy
        else reply_settings.remedy_default or NO_REMEDY_CHOSEN,
        "contact": reply_settings.contact,
        "source": mention.source.name,
    }


def describe_remedy(remedy: Remedy) -> str:
    """How a recorded remedy reads inside a reply: "a refund of 25.00", "a replacement"."""
    if remedy.kind == Remedy.Kind.TIPS:
        return remedy.note or "a few tips that should fix it"
    if remedy.kind == Remedy.Kind.OTHER:
        return remedy.note or "something to make up for it"
    noun = remedy.get_kind_display().lower()
    return f"a {noun} of {remedy.amount}" if remedy.amount is not None else f"a {noun}"


def fill(text: str, case: Case, reply_settings: ReplySettings | None = None) -> str:
    """The text with its placeholders filled for this case; ValidationError on unknown ones."""
    placeholders_in(text)
    return text.format(**placeholder_values(case, reply_settings or ReplySettings.current()))


def fill_for_mention(
    text: str, mention: Mention, reply_settings: ReplySettings | None = None
) -> str:
    """The text filled for a reply to a review that has no case (a happy customer's thanks)."""
    placeholders_in(text)
    values = mention_placeholder_values(mention, reply_settings or ReplySettings.current())
    return text.format(**values)
