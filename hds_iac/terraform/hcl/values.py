"""HCL values as the evaluator and the function table both handle them: `Unknown`
helpers, conversions (to_str, to_number, to_bool), type names, `LazyObject`, the
`EvalError` Terraform would raise, and the `Context` an expression is evaluated in.

Both `expressions` (the evaluator) and `functions` (the built-in function table) import
this module; neither imports the other's module for these.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from hds_iac.model import Unknown


class EvalError(Exception):
    """An expression that Terraform itself would reject (missing key, bad type...)."""


class LazyObject:
    """An object whose attributes are computed when read (resource, module, namespace)."""

    def describe(self) -> str:
        return "object"

    def get(self, name: str) -> Any:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Any) -> Any:
        if isinstance(key, str):
            return self.get(key)
        raise EvalError(f"{self.describe()} cannot be indexed by {key!r}")

    def materialize(self) -> Any:
        """The whole object as a plain value (most objects are only partly known)."""
        return Unknown(f"{self.describe()} as a whole is not known before apply")


# --- Unknown helpers ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TemplateUnknown(Unknown):
    """A string template with unknown parts (`"${aws_s3_bucket.b.arn}/*"`): still an
    Unknown, but `shape` keeps its known text with `*` for each unknown part (`"*/*"`), so
    that an adapter can tell a bucket's ARN from the ARN of its objects before apply."""

    shape: str = ""

    # Equal to the plain Unknown it refines: the shape is a hint for adapters, not a value.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Unknown):
            return NotImplemented
        return (self.reason, self.refs) == (other.reason, other.refs)

    def __hash__(self) -> int:
        return hash((self.reason, self.refs))


def merge_unknowns(unknowns: Iterable[Unknown]) -> Unknown | None:
    """One Unknown carrying the first reason and every ref, or None when there is none."""
    first: Unknown | None = None
    refs: list[str] = []
    for unknown in unknowns:
        if first is None:
            first = unknown
        for ref in unknown.refs:
            if ref not in refs:
                refs.append(ref)
    if first is None:
        return None
    if tuple(refs) == first.refs:
        return first
    return Unknown(first.reason, tuple(refs))


def shallow_unknown(*values: Any) -> Unknown | None:
    return merge_unknowns(v for v in values if isinstance(v, Unknown))


def _walk_unknowns(value: Any, out: list[Unknown]) -> None:
    if isinstance(value, Unknown):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            _walk_unknowns(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _walk_unknowns(item, out)
    elif isinstance(value, LazyObject):
        _walk_unknowns(value.materialize(), out)


def deep_unknown(*values: Any) -> Unknown | None:
    """The merged Unknown found anywhere inside `values` (lists, maps, lazy objects)."""
    found: list[Unknown] = []
    for value in values:
        _walk_unknowns(value, found)
    return merge_unknowns(found)


def plain(value: Any) -> Any:
    """`value` with every lazy object replaced by what it materializes to."""
    if isinstance(value, LazyObject):
        return plain(value.materialize())
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


# --- value helpers --------------------------------------------------------------------


def norm_number(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, (dict, LazyObject)):
        return "object"
    return type(value).__name__


def to_str(value: Any) -> str:
    """A primitive value as Terraform writes it in a string (EvalError for others)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = norm_number(value)
        return str(value) if isinstance(value, int) else repr(value)
    if value is None:
        raise EvalError("a null value cannot be used in a string")
    raise EvalError(f"a {type_name(value)} cannot be converted to a string")


_NUMBER_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool cannot be used as a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        text = value.strip()
        return norm_number(float(text)) if any(c in text for c in ".eE") else int(text)
    raise EvalError(f"{json.dumps(value) if isinstance(value, str) else type_name(value)}"
                    " is not a number")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError(f"{type_name(value)} value {value!r} is not a bool")


def iter_collection(value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a list (index keys) or a map (sorted keys, as Terraform does)."""
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    if isinstance(value, LazyObject):
        raise EvalError(f"cannot iterate over {value.describe()}")
    raise EvalError(f"cannot iterate over a {type_name(value)}")


class Context:
    """What an expression can see. Subclasses resolve names and know the module folder."""

    base_dir: str = "."

    def lookup(self, name: str) -> Any:
        raise EvalError(f"unknown name {name!r}")

    def working_dir(self) -> str | None:
        """The folder Terraform runs in (the root module), or None where there is none
        (tfvars, command-line values)."""
        return None

    def config_file(self, path: str) -> str | Unknown:
        """The file `path` names, as Terraform resolves it (relative to the working folder),
        when it lies inside the configuration read; an Unknown saying why not otherwise.
        Files elsewhere on the machine are never read: an input cannot make us open them."""
        return Unknown(f"file {path!r} is not read here (no configuration folder)")
