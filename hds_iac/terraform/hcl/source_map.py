"""Where things are in an HCL file, read off python-hcl2's own syntax tree: the line of
every attribute of a block (so that a finding points at `encrypted = false`, not at the
block's first line), the block's last line, and the comments inside it (so that in-code
suppressions are read through the real parser, never a second lexer: a `#` inside a
string or a heredoc is not a comment, `/* */` is one).

Attribute paths are dotted through nested blocks, each nested block with its index among
the blocks of that name (`root_block_device[0].encrypted`); `records.canonical` turns the
paths adapters write (`root_block_device.encrypted`: the first block) into that form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Comment:
    line: int  # the line of the text's first line
    text: str  # without its markers (`#`, `//`, `/* */`), stripped


@dataclass
class BlockSource:
    """One top-level block (resource, data, module...) as the source writes it."""

    line: int | None
    end_line: int | None = None
    # canonical attribute path -> line ("tags", "root_block_device[0].encrypted")
    attributes: dict[str, int] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()


def _name(node: Any) -> str:
    """The identifier of an attribute or block (`identifier` is its first child)."""
    first = node.children[0] if node.children else ""
    if hasattr(first, "children"):
        return "".join(str(c) for c in first.children)
    return str(first)


def _comment(token: Any) -> Comment | None:
    text = str(token).strip()
    if not text:
        return None
    if text.startswith("#"):
        body = text[1:]
    elif text.startswith("//"):
        body = text[2:]
    elif text.startswith("/*"):
        body = text[2:-2] if text.endswith("*/") else text[2:]
    else:
        return None
    # The line of the text's first line (a `/*` alone on its line starts the text below).
    skipped = body[:len(body) - len(body.lstrip())].count("\n")
    return Comment((getattr(token, "line", 0) or 0) + skipped, body.strip())


def block_source(block: Any) -> BlockSource:
    """The attribute lines and comments of one top-level `block` node (iterative: the
    tree's depth is bounded by the parser's limits, but Python's recursion need not be)."""
    meta = block.meta
    out = BlockSource(None if meta.empty else meta.line, None if meta.empty else meta.end_line)
    attributes: dict[str, int] = {}
    comments: list[Comment] = []
    # (node, attribute path prefix, nested block counters of this body)
    stack: list[tuple[Any, str, dict[str, int] | None]] = [(block, "", None)]
    while stack:
        node, prefix, counters = stack.pop()
        data = getattr(node, "data", None)
        if data is None:  # a token outside a new-line-or-comment: a name, a string...
            continue
        if data == "new_line_or_comment":
            for child in node.children:
                for part in _comment_parts(child):
                    comments.append(part)
            continue
        if data == "attribute" and counters is not None:
            if not node.meta.empty:
                attributes[prefix + _name(node)] = node.meta.line
            # Its value may hold comments between elements (a string or heredoc is one
            # token: what looks like a comment inside it is text).
            stack.extend((child, prefix, None) for child in reversed(node.children))
            continue
        if data == "block" and counters is not None:
            name = _name(node)
            index = counters.get(name, 0)
            counters[name] = index + 1
            inner = f"{prefix}{name}[{index}]."
            body = next((c for c in node.children if getattr(c, "data", None) == "body"), None)
            if body is not None:
                stack.append((body, inner, {}))
            continue
        if data == "body":
            own = counters if counters is not None else {}
            for child in reversed(node.children):
                stack.append((child, prefix, own))
            continue
        for child in reversed(getattr(node, "children", [])):
            stack.append((child, prefix, counters))
    out.attributes = attributes
    out.comments = tuple(sorted(comments, key=lambda c: c.line))
    return out


def _comment_parts(token: Any) -> list[Comment]:
    """The comments of one new-line-or-comment token: it may hold several lines, each of
    which may be a comment (python-hcl2 merges consecutive line comments)."""
    text = str(token)
    if "#" not in text and "/" not in text:
        return []  # new lines and indentation only, as most are: no need to walk them
    line = getattr(token, "line", 0) or 0
    out: list[Comment] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "\n":
            line += 1
            pos += 1
        elif ch == "#" or text.startswith("//", pos):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            found = _comment(_At(text[pos:end], line))
            if found:
                out.append(found)
            pos = end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            end = len(text) if end < 0 else end + 2
            found = _comment(_At(text[pos:end], line))
            if found:
                out.append(found)
            line += text.count("\n", pos, end)
            pos = end
        else:
            pos += 1
    return out


class _At(str):
    """A piece of a token's text with the line it starts on."""

    line: int

    def __new__(cls, text: str, line: int) -> "_At":
        obj = super().__new__(cls, text)
        obj.line = line
        return obj
