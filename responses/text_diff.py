"""What changed between two versions of a reply, word by word, for the owner who read one."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Change = tuple[Literal["same", "removed", "added"], str]
_TOKENS = re.compile(r"\S+|\s+")


def word_changes(old: str, new: str) -> list[Change]:
    """Runs of text that stayed, were removed from `old` or were added in `new`, in order."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    changes: list[Change] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            changes.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            changes.append(("added", "".join(after[j1:j2])))
    return changes
