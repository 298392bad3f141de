"""Load the JSON-LD found in <script type="application/ld+json"> blocks, repairing what is safe.

Real pages ship JSON-LD that strict JSON rejects. Only repairs that cannot change the meaning
of valid data are made: JS comments outside strings are removed (and a comma they leave dangling
before a closing brace or bracket), raw control characters inside strings are escaped, HTML
comment or CDATA wrappers are dropped, and closing braces or brackets left over after one
complete value are ignored. Anything else is reported as unrepairable, and so is a block
nested deeper than MAX_JSON_DEPTH.
"""

from __future__ import annotations

import json
import re
from typing import Any

from monitors.parsers.limits import MAX_JSON_DEPTH, TooDeep, check_depth, load_json

_WRAPPER_START = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)")
_WRAPPER_END = re.compile(r"(?:-->|\]\]>)\s*$")
_LEFTOVER_CLOSERS = re.compile(r"[\s}\];]*")
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class JsonLdRepairError(ValueError):
    """The block is not JSON and none of the safe repairs make it JSON."""


def load_jsonld(block: str) -> Any:
    """Parse one JSON-LD script block, repairing it if needed; raise JsonLdRepairError if not."""
    try:
        return load_json(block)
    except TooDeep as error:
        raise JsonLdRepairError(str(error)) from error
    except ValueError:
        pass
    repaired = _strip_wrappers(_repair(block))
    try:
        value, end = json.JSONDecoder().raw_decode(repaired)
        check_depth(value)
    except RecursionError:
        raise JsonLdRepairError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as error:
        raise JsonLdRepairError(f"invalid JSON-LD even after repair: {error}") from error
    leftover = repaired[end:]
    if not _LEFTOVER_CLOSERS.fullmatch(leftover):
        raise JsonLdRepairError(f"unexpected data after JSON-LD value: {leftover.strip()[:40]!r}")
    return value


def _strip_wrappers(text: str) -> str:
    return _WRAPPER_END.sub("", _WRAPPER_START.sub("", text)).strip()


def _drop_trailing_comma(out: list[str]) -> None:
    """Remove a comma left right before a closing brace, e.g. once a commented-out last
    property is gone."""
    position = len(out) - 1
    while position >= 0 and out[position].isspace():
        position -= 1
    if position >= 0 and out[position] == ",":
        del out[position]


def _repair(text: str) -> str:
    """One pass that knows whether it is inside a JSON string: comments outside strings go,
    commas before a closing brace or bracket go, raw control characters in strings are escaped."""
    out: list[str] = []
    in_string = False
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if in_string:
            if char == "\\" and index + 1 < length:
                out.append(text[index : index + 2])
                index += 2
                continue
            if char == '"':
                in_string = False
            elif ord(char) < 0x20:
                char = _CONTROL_ESCAPES.get(char, f"\\u{ord(char):04x}")
            out.append(char)
            index += 1
            continue
        if char == '"':
            in_string = True
        elif char in "}]":
            _drop_trailing_comma(out)
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = length if newline == -1 else newline
            continue
        elif text.startswith("/*", index):
            close = text.find("*/", index + 2)
            index = length if close == -1 else close + 2
            continue
        out.append(char)
        index += 1
    return "".join(out)
