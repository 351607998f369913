"""One escaping function per output kind, so that no value read from an input reaches a
report raw.

Addresses, file names, tags, region names and every message built from them come from
files and accounts an attacker may write. Each report format passes every value through
the function of its kind here, at one place in its renderer, instead of fixing values one
by one:

- `for_terminal`: no control character or escape sequence reaches the terminal (an ESC in
  a plan address would otherwise recolour, move the cursor or retitle the window), nor a
  bidirectional override that shows a different text than the one written;
- `for_csv`: OWASP's CSV injection advice, a cell that a spreadsheet would read as a
  formula (= + - @ tab or carriage return first) is prefixed with a quote;
- `for_xml`: characters XML 1.0 forbids (`\\x01`...) would make the JUnit file unreadable;
- `for_html`: the same, then HTML escaping;
- `for_json`: a whole JSON document, strings made encodable;
- `for_markdown` / `markdown_code`: text and code spans for pull-request comments, where
  HTML and Markdown are both interpreted.

Every function first makes the text encodable: a lone surrogate (a JSON plan may hold
`"\\ud800"`) cannot be written as UTF-8 and would stop every format.
"""
from __future__ import annotations

import re
from typing import Any

from hds_iac.lazy_pattern import LazyPattern

REPLACEMENT = "\ufffd"
_SURROGATE = LazyPattern("[\ud800-\udfff]")
# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), and the
# bidirectional controls of "Trojan Source" (CVE-2021-42574), shown rather than obeyed.
_TERMINAL_UNSAFE = LazyPattern("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 does not allow (its Char production), once surrogates are gone.
_XML_FORBIDDEN = LazyPattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A spreadsheet reads a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# CommonMark lets any ASCII punctuation be backslash-escaped; these can start inline
# markup inside a line (emphasis, code, links, images, table cells, strikethrough, GitHub's
# math). Values never start a line, so block markers (# - + 1.) need no escape.
_MARKDOWN_SPECIAL = LazyPattern(r"([\\`*_\[\]!|~$])")


def encodable(text: object) -> str:
    """`str(text)` with lone surrogates replaced: always writable as UTF-8."""
    return _SURROGATE.sub(REPLACEMENT, str(text))


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object) -> str:
    """One line of terminal text: controls, escape sequences and bidirectional overrides
    are shown as `\\xNN` / `\\uNNNN`, never sent to the terminal."""
    return _TERMINAL_UNSAFE.sub(_visible, encodable(text))


def for_csv(value: object) -> str:
    """A spreadsheet cell that is never read as a formula: a value starting with = + - @,
    a tab or a carriage return gets a leading single quote (OWASP)."""
    text = _XML_FORBIDDEN.sub(_visible, encodable(value)) if value is not None else ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def for_xml(text: object) -> str:
    """Text an XML 1.0 parser accepts: forbidden characters are shown as `\\xNN`.
    (`<`, `&` and quotes are escaped by the XML writer.)"""
    return _XML_FORBIDDEN.sub(_visible, encodable(text))


def for_html(text: object) -> str:
    """Text for HTML content or a quoted attribute: `html.escape(..., quote=True)`, the
    same five replacements, without importing `html` (its table of 2,000 named
    characters costs every command that imports this module, and none needs it)."""
    return for_xml(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;").replace("\'", "&#x27;")


def for_json(doc: Any) -> Any:
    """A JSON-ready document whose every string (keys too) can be written as UTF-8. JSON
    escapes control characters itself."""
    if isinstance(doc, str):
        return encodable(doc)
    if isinstance(doc, dict):
        return {for_json(k): for_json(v) for k, v in doc.items()}
    if isinstance(doc, (list, tuple)):
        return [for_json(v) for v in doc]
    return doc


def _one_line(text: object) -> str:
    return " ".join(for_xml(text).split())


def for_markdown(text: object) -> str:
    """Plain text on one line of Markdown (a table cell, a list item): HTML special
    characters as entities and Markdown punctuation backslash-escaped, so a value can
    neither open a tag, a link or an image nor end a table cell."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_code(text: object, in_table: bool = True) -> str:
    """A code span showing `text` literally: its fence is longer than any run of
    backticks inside. Code spans show HTML, links and mentions as text; only a pipe must
    still be escaped inside a table (GFM splits cells first)."""
    content = _one_line(text)
    if in_table:
        content = content.replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or not content else ""
    return f"{fence}{pad}{content}{pad}{fence}"
