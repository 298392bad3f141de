"""Refuse to start on an XML parser that entity-expansion documents can blow up.

feedparser parses untrusted feeds with the standard library's expat. Expat gained its
protection against "billion laughs" entity expansion in 2.4.0; 2.4.1 fixed the follow-up
regressions, so it is our minimum.
"""

from __future__ import annotations

import pyexpat

MINIMUM_EXPAT_VERSION = (2, 4, 1)


def assert_xml_parser_safe(expat_version: tuple[int, int, int] | None = None) -> None:
    """Raise RuntimeError if the expat in use (or the given version) predates 2.4.1."""
    version = expat_version if expat_version is not None else pyexpat.version_info
    if tuple(version) < MINIMUM_EXPAT_VERSION:
        found = ".".join(str(part) for part in version)
        minimum = ".".join(str(part) for part in MINIMUM_EXPAT_VERSION)
        raise RuntimeError(
            f"The XML parser in use is expat {found} (pyexpat.EXPAT_VERSION), which lacks "
            'protection against entity-expansion attacks ("billion laughs", added in '
            f"expat 2.4.0). ReviewWatch parses untrusted feeds and needs expat >= {minimum}: "
            "upgrade Python or the system libexpat."
        )
