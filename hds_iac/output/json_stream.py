"""JSON documents written piece by piece, byte for byte as `json.dumps(indent=2)` writes them.

A live scan of a large account has tens of thousands of findings: building every finding's
dictionary, then an escaped copy of the whole document, then one string of it held three
copies of the findings at once (most of a 10,000-volume scan's memory). Here a list whose
items are produced one by one (`Items`) is written item after item, each item converted,
escaped and encoded on its own, so the report costs one finding's dictionary at a time.
The JSON and SARIF reports use it; their `render` joins the pieces for callers that want
one string.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from hds_iac.escaping import for_json


class Items:
    """A JSON array whose items are produced only when written (one pass)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]):
        self.items = items


def plain(doc: Any) -> Any:
    """The document `json.loads` of its text would give (strings made writable, tuples as
    lists, `Items` as lists), built without the text: for callers that read a report
    in-process (history recording, the HDS report of a scan)."""
    if isinstance(doc, Items):
        return [plain(v) for v in doc.items]
    if isinstance(doc, dict):
        return {for_json(k): plain(v) for k, v in doc.items()}
    if isinstance(doc, (list, tuple)):
        return [plain(v) for v in doc]
    return for_json(doc)


def _dumps(value: Any, level: int, indent: int) -> str:
    text = json.dumps(for_json(value), indent=indent, ensure_ascii=False)
    # json.dumps escapes line breaks inside strings: every "\n" is between tokens.
    return text.replace("\n", "\n" + " " * (indent * level)) if level else text


def _streams(value: Any) -> bool:
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_streams(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_streams(v) for v in value)
    return False


def chunks(doc: Any, indent: int = 2, level: int = 0) -> Iterator[str]:
    """The text of `doc` (with `Items` inside) in pieces; joined, they equal
    `json.dumps(for_json(doc), indent=indent, ensure_ascii=False)` of the same document
    with lists in place of the `Items`."""
    if not _streams(doc):
        yield _dumps(doc, level, indent)
        return
    inner = " " * (indent * (level + 1))
    if isinstance(doc, Items):
        first = True
        for item in doc.items:
            yield ("[\n" if first else ",\n") + inner
            first = False
            yield from chunks(item, indent, level + 1)
        yield "[]" if first else "\n" + " " * (indent * level) + "]"
        return
    if isinstance(doc, dict):
        pairs = list(doc.items())
        yield "{" if pairs else "{}"
        for n, (key, value) in enumerate(pairs):
            yield ("\n" if n == 0 else ",\n") + inner + json.dumps(
                for_json(key) if isinstance(key, str) else str(key), ensure_ascii=False) + ": "
            yield from chunks(value, indent, level + 1)
        if pairs:
            yield "\n" + " " * (indent * level) + "}"
        return
    yield "["
    for n, value in enumerate(doc):
        yield ("\n" if n == 0 else ",\n") + inner
        yield from chunks(value, indent, level + 1)
    yield "\n" + " " * (indent * level) + "]"
