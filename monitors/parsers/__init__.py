"""Parsers: one pure function per source kind, bytes and headers in, ParseResult out."""
