"""Terraform type constraints of variables, and the conversion Terraform applies to a value.

A module variable declared `type = object({ ssl_policy = optional(string), port =
optional(number, 443) })` receives what its caller passes converted to that type: absent
optional attributes become `null` or their default, extra attributes are dropped, numbers
given as strings become numbers, and so on through nested lists, sets, maps and tuples.
Without this a reader sees "object has no attribute" where Terraform sees `null`.

`parse_type(text)` turns the constraint text into a small tree; `convert(value, type)`
applies it. A value Terraform would reject becomes an `Unknown` naming the mismatch (never
the value: it may be secret). Unknown parts stay unknown; known parts are converted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hds_iac.model import Unknown
from hds_iac.terraform.hcl.expressions import (
    Context,
    EvalError,
    LazyObject,
    ParseError,
    evaluate,
    parse,
    to_bool,
    to_number,
    to_str,
    type_name,
)
from hds_iac.terraform.hcl.functions import as_set

_PRIMITIVES = ("string", "number", "bool", "any")


@dataclass(frozen=True)
class Attr:
    """One attribute of an object type: its type, whether it is optional, its default."""

    type: Any
    optional: bool = False
    default: Any = None


class TypeSyntaxError(Exception):
    """A type constraint hds-iac cannot read (the value is then taken as given)."""


def parse_type(text: str) -> Any:
    """`"list(object({a = optional(string)}))"` -> `("list", ("object", {"a": Attr(...)}))`.

    Primitive types are their names; collections are tuples `(kind, element)`; objects are
    `("object", {name: Attr})`; tuples are `("tuple", [types])`."""
    try:
        return _type_of(parse(text))
    except ParseError as exc:
        raise TypeSyntaxError(str(exc)) from None


def _type_of(node: tuple) -> Any:
    kind = node[0]
    if kind == "paren":
        return _type_of(node[1])
    if kind == "var" and node[1] in _PRIMITIVES:
        return node[1]
    if kind == "call":
        name, args = node[1], node[2]
        if name in ("list", "set", "map") and len(args) == 1:
            return (name, _type_of(args[0]))
        if name == "tuple" and len(args) == 1 and args[0][0] == "list":
            return ("tuple", [_type_of(a) for a in args[0][1]])
        if name == "object" and len(args) == 1 and args[0][0] == "obj":
            attrs: dict[str, Attr] = {}
            for key_node, value_node in args[0][1]:
                if key_node[0] != "lit" or not isinstance(key_node[1], str):
                    raise TypeSyntaxError("an object attribute name must be a plain name")
                attrs[key_node[1]] = _attr_of(value_node)
            return ("object", attrs)
    raise TypeSyntaxError("not a type constraint")


def _attr_of(node: tuple) -> Attr:
    if node[0] == "call" and node[1] == "optional" and 1 <= len(node[2]) <= 2:
        attr_type = _type_of(node[2][0])
        default = None
        if len(node[2]) == 2:
            try:
                default = evaluate(node[2][1], Context())
            except EvalError as exc:
                raise TypeSyntaxError(f"optional() default: {exc}") from None
            default = convert(default, attr_type)
        return Attr(attr_type, True, default)
    return Attr(_type_of(node))


def describe(type_: Any) -> str:
    """The type as Terraform writes it (for messages)."""
    if isinstance(type_, str):
        return type_
    kind = type_[0]
    if kind == "object":
        return "object({" + ", ".join(type_[1]) + "})"
    if kind == "tuple":
        return "tuple([" + ", ".join(describe(t) for t in type_[1]) + "])"
    return f"{kind}({describe(type_[1])})"


def convert(value: Any, type_: Any) -> Any:
    """`value` converted to `type_` as Terraform converts a variable's value; a mismatch
    raises EvalError (the caller turns it into an Unknown naming the variable)."""
    if type_ is None or type_ == "any" or value is None or isinstance(value, Unknown):
        return value
    if isinstance(type_, str):
        return _primitive(value, type_)
    kind = type_[0]
    if kind in ("list", "set"):
        if isinstance(value, LazyObject):
            value = value.materialize()
            if isinstance(value, Unknown):
                return value
        if not isinstance(value, list):
            raise EvalError(f"a {type_name(value)} is not a {describe(type_)}")
        items = [convert(item, type_[1]) for item in value]
        if kind == "set" and not any(isinstance(i, Unknown) for i in items):
            items = as_set(items)
        return items
    if kind == "tuple":
        if not isinstance(value, list) or len(value) != len(type_[1]):
            raise EvalError(f"a {type_name(value)} is not a {describe(type_)}")
        return [convert(item, t) for item, t in zip(value, type_[1])]
    if kind == "map":
        if isinstance(value, LazyObject):
            return value  # a module or resource object: its attributes stay lazy
        if not isinstance(value, dict):
            raise EvalError(f"a {type_name(value)} is not a {describe(type_)}")
        return {key: convert(item, type_[1]) for key, item in value.items()}
    if kind == "object":
        return _object(value, type_[1])
    raise EvalError(f"unsupported type {kind}")


def _primitive(value: Any, type_: str) -> Any:
    if isinstance(value, LazyObject) or isinstance(value, (list, dict)):
        raise EvalError(f"a {type_name(value)} is not a {type_}")
    try:
        if type_ == "string":
            return to_str(value)
        if type_ == "number":
            return to_number(value)
        return to_bool(value)
    except EvalError:  # its message may quote the value, which may be secret
        raise EvalError(f"a {type_name(value)} value is not a {type_}") from None


def _object(value: Any, attrs: dict[str, Attr]) -> Any:
    lazy = isinstance(value, LazyObject)
    if not lazy and not isinstance(value, dict):
        raise EvalError(f"a {type_name(value)} is not an object")
    out: dict[str, Any] = {}
    for name, attr in attrs.items():
        if lazy:
            try:
                given = value.get(name)
                present = True
            except EvalError:
                given, present = None, False
        else:
            present = name in value
            given = value.get(name)
        if not present and not attr.optional:
            raise EvalError(f"attribute {name!r} is required")
        if given is None and attr.optional:
            out[name] = attr.default
            continue
        out[name] = convert(given, attr.type)
    return out


__all__ = ["Attr", "TypeSyntaxError", "convert", "describe", "parse_type"]
