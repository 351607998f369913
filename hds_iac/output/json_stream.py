"""JSON documents written piece by piece, byte for byte as `json.dumps(indent=2)` writes them.

A live scan of a large account has tens of thousands of findings: building every finding's
dictionary, then an escaped copy of the whole document, then one string of it held three
copies of the findings at once (most of a 10,000-volume scan's memory). Here a list whose
items are produced one by one (`Items`) is written item after item, each item converted,
escaped and encoded on its own (compact: a batch of `BATCH` items per call of the C
encoder), so the report costs a few hundred findings' dictionaries at a time.
The JSON and SARIF reports use it; their `render` joins the pieces for callers that want
one string.
"""
from __future__ import annotations

import json
from itertools import islice
from typing import Any, Iterable, Iterator

from hds_iac.escaping import for_json
from hds_iac.output.json_findings import writable


class Items:
    """A JSON array whose items are produced only when written (one pass). Compact, they
    are written in batches of `BATCH`, each by one call to the C encoder (checking every
    finding for nested `Items` and encoding it on its own took half of writing a
    17,500-finding report); a batch whose items hold `Items` is written item by item.
    `encoded`: the items are already JSON text (`output.json_findings`), joined as they
    are (`plain` and the indented writer parse them)."""

    __slots__ = ("items", "encoded")

    def __init__(self, items: Iterable[Any], encoded: bool = False):
        self.items = items
        self.encoded = encoded


# Items written per call of the encoder: a few hundred findings' dictionaries at a time.
BATCH = 256


def _batches(items: Items) -> Iterator[list]:
    # islice: the items are drawn in C, not appended and counted one by one here
    produced = iter(items.items)
    while batch := list(islice(produced, BATCH)):
        yield batch


def plain(doc: Any) -> Any:
    """The document `json.loads` of its text would give (strings made writable, tuples as
    lists, `Items` as lists), built without the text: for callers that read a report
    in-process (history recording, the HDS report of a scan)."""
    if isinstance(doc, Items):
        if doc.encoded:
            return [plain(json.loads(v)) for v in doc.items]
        return [plain(v) for v in doc.items]
    if isinstance(doc, dict):
        return {for_json(k): plain(v) for k, v in doc.items()}
    if isinstance(doc, (list, tuple)):
        return [plain(v) for v in doc]
    return for_json(doc)


def _dumps(value: Any, level: int, indent: int | None) -> str:
    if indent is None:
        return compact(value)
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


def compact(value: Any) -> str:
    """`value` as compact JSON (`indent=None` in `chunks`), with the C encoder throughout:
    only a value that cannot be written as UTF-8 (a lone surrogate from a file name, rare)
    is made encodable first (`for_json`, pure Python)."""
    # check_circular off: a report is a tree built here (no container holds itself), and
    # the encoder's marker dictionary of every container cost a tenth of encoding it.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(for_json(value), ensure_ascii=False, separators=(",", ":"),
                          check_circular=False)
    return text


def chunks(doc: Any, indent: int | None = 2, level: int = 0) -> Iterator[str]:
    """The text of `doc` (with `Items` inside) in pieces; joined, they equal
    `json.dumps(for_json(doc), indent=indent, ensure_ascii=False)` of the same document
    with lists in place of the `Items` (`indent=None`: compact, separators "," and ":")."""
    if not _streams(doc):
        yield _dumps(doc, level, indent)
        return
    if indent is None:
        yield from _compact_chunks(doc)
        return
    inner = " " * (indent * (level + 1))
    if isinstance(doc, Items):
        first = True
        for item in doc.items:
            if doc.encoded:
                item = json.loads(item)
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


def _compact_chunks(doc: Any) -> Iterator[str]:
    """`chunks` without indentation: one item of an `Items` converted at a time."""
    if not _streams(doc):
        yield compact(doc)
    elif isinstance(doc, Items):
        yield "["
        for n, batch in enumerate(_batches(doc)):
            if doc.encoded:
                yield ("," if n else "") + writable(",".join(batch))
                continue
            try:
                text = compact(batch)[1:-1]
            except TypeError:  # an item holds `Items`: that batch item by item
                for m, item in enumerate(batch):
                    if n or m:
                        yield ","
                    yield from _compact_chunks(item)
                continue
            yield ("," if n else "") + text
        yield "]"
    elif isinstance(doc, dict):
        yield "{"
        for n, (key, value) in enumerate(doc.items()):
            yield ("," if n else "") + compact(key if isinstance(key, str) else str(key)) + ":"
            yield from _compact_chunks(value)
        yield "}"
    else:
        yield "["
        for n, value in enumerate(doc):
            if n:
                yield ","
            yield from _compact_chunks(value)
        yield "]"
