"""Terraform's JSON syntax (`*.tf.json`, written by CDK for Terraform and other generators).

A `.tf.json` file says the same thing as a `.tf` file, so it is turned into the very shape
python-hcl2 gives for HCL (labels and string literals quoted, `${...}` kept as written):
the folder reader, the evaluator and the adapters then see no difference. Two rules of
the JSON syntax matter here:

- every JSON string is a template: `"${var.size}"` is the variable's value, `"disk-${x}"`
  a string;
- a JSON object is either an attribute's map or a nested block, which only the provider
  schema tells apart. Both are kept as plain objects; the adapters read a nested block
  written as one object or as a list of objects alike.

Lines are found by looking for each block's labels as JSON keys, in file order.
"""
from __future__ import annotations

import json
import re
from typing import Any

from hds_iac.terraform import limits
from hds_iac.errors import ParseFailure

# Block type -> number of labels. Other top-level types (moved, import, check...) say
# nothing about what is deployed.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1,
           "provider": 1, "locals": 0, "terraform": 0}
# Attributes whose JSON string is an expression, not a template (Terraform's JSON spec).
_EXPRESSIONS = {"variable": {"type"}}
_BARE_KEY = re.compile(r"^[A-Za-z_][\w-]*$")
_COMMENT = "//"


def _template(text: str) -> str:
    """A JSON string as python-hcl2 writes an HCL string: quoted, escapes kept."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def _key(text: str) -> str:
    return text if _BARE_KEY.match(text) else _template(text)


def _value(raw: Any) -> Any:
    if isinstance(raw, str):
        return _template(raw)
    if isinstance(raw, list):
        return [_value(item) for item in raw]
    if isinstance(raw, dict):
        return {_key(k): _value(v) for k, v in raw.items() if k != _COMMENT}
    return raw  # numbers, booleans, null


def _body(kind: str, raw: Any, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ParseFailure(f"{where}: a block body must be a JSON object")
    expressions = _EXPRESSIONS.get(kind, set())
    body: dict[str, Any] = {}
    for name, value in raw.items():
        if name == _COMMENT:
            continue
        if name in expressions and isinstance(value, str):
            body[name] = "${" + value + "}"
        elif kind == "terraform" and name == "required_providers" and isinstance(value, dict):
            body[name] = [_value(value)]  # python-hcl2 writes this block as a list
        elif name == "dynamic" and isinstance(value, dict):
            body[name] = [{_template(label): _dynamic(spec)} for label, spec in value.items()
                          if label != _COMMENT]
        else:
            body[name] = _value(value)
    body["__is_block__"] = True
    return body


def _dynamic(spec: Any) -> Any:
    """`dynamic "x" { for_each, iterator, content {} }`: content is a block."""
    if not isinstance(spec, dict):
        return _value(spec)
    out = {k: _value(v) for k, v in spec.items() if k not in (_COMMENT, "content", "iterator")}
    if isinstance(spec.get("iterator"), str):
        out["iterator"] = "${" + spec["iterator"] + "}"
    content = spec.get("content")
    if isinstance(content, dict):
        out["content"] = [{**_value(content), "__is_block__": True}]
    return out


class _Lines:
    """Line of each block, found by searching its labels as JSON keys in file order."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def find(self, key: str, start: int) -> int:
        pattern = re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:"
        match = re.compile(pattern).search(self.text, start)
        if match is None:
            match = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(self.text, start)
        return match.start() if match else -1

    def line(self, pos: int) -> int | None:
        if pos < 0:
            return None
        low, high = 0, len(self.starts)
        while low + 1 < high:
            mid = (low + high) // 2
            if self.starts[mid] <= pos:
                low = mid
            else:
                high = mid
        return low + 1


def parse_json_config(text: str) -> tuple[dict, dict[str, list[int | None]]]:
    """(python-hcl2-shaped body, line of each block by block type, in file order)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseFailure(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ParseFailure(limits.json_too_deep()) from None
    if limits.json_depth_over(data):
        raise ParseFailure(limits.json_too_deep())
    if not isinstance(data, dict):
        raise ParseFailure("a Terraform JSON file must hold a JSON object")
    finder = _Lines(text)
    body: dict[str, list] = {}
    lines: dict[str, list[int | None]] = {}
    for kind, raw in data.items():
        depth = _LABELS.get(kind)
        if depth is None:
            continue
        cursor = finder.find(kind, 0)
        for entry in raw if isinstance(raw, list) else [raw]:
            for labels, block, pos in _walk(entry, depth, [], finder, max(cursor, 0)):
                cursor = max(cursor, pos)
                if isinstance(block, list):  # `"provider": {"aws": [{...}, {...}]}`
                    blocks = block
                else:
                    blocks = [block]
                for item in blocks:
                    where = " ".join([kind, *labels])
                    node: Any = _body(kind, item, where)
                    for label in reversed(labels):
                        node = {_template(label): node}
                    body.setdefault(kind, []).append(node)
                    lines.setdefault(kind, []).append(finder.line(pos))
    return body, lines


def _walk(node: Any, depth: int, labels: list[str], finder: _Lines,
          pos: int) -> list[tuple[list[str], Any, int]]:
    if len(labels) == depth:
        return [(labels, node, pos)]
    if not isinstance(node, dict):
        raise ParseFailure(f"{' '.join(labels) or 'block'}: expected a JSON object of labels")
    out = []
    cursor = pos
    for key, value in node.items():
        if key == _COMMENT:
            continue
        found = finder.find(key, cursor)
        cursor = found if found >= 0 else cursor
        out += _walk(value, depth, labels + [key], finder, cursor)
    return out
