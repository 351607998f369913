"""Terraform's type conversion of variable values (hds_iac/terraform/hcl/types.py)."""
from __future__ import annotations

import pytest

from hds_iac.model import Unknown
from hds_iac.terraform.hcl.expressions import EvalError
from hds_iac.terraform.hcl.types import TypeSyntaxError, convert, parse_type

LATER = Unknown("aws_kms_key.k.arn is known only after apply", ("aws_kms_key.k",))


def test_optional_attributes_take_null_or_their_default_and_extras_are_dropped():
    type_ = parse_type('object({a = optional(string), b = optional(number, 3), '
                       'c = list(object({d = optional(bool, true)})), e = map(any), '
                       'f = optional(object({g = optional(string, "x")}), {})})')
    assert convert({"c": [{}], "e": {"k": 1}, "b": "5", "extra": 1}, type_) == {
        "a": None, "b": 5, "c": [{"d": True}], "e": {"k": 1}, "f": {"g": "x"}}
    # a null given for an optional attribute takes its default too
    assert convert({"c": [], "e": {}, "b": None}, type_)["b"] == 3


def test_primitive_collection_and_tuple_conversions():
    assert convert({"a": [1, True]}, parse_type("map(list(string))")) == {"a": ["1", "true"]}
    assert convert(["b", "a", "b"], parse_type("set(string)")) == ["a", "b"]
    assert convert(["1", "x"], parse_type("tuple([number, string])")) == [1, "x"]
    assert convert({"k": LATER}, parse_type("map(string)")) == {"k": LATER}
    assert convert(LATER, parse_type("object({a = string})")) is LATER
    assert convert({"x": [1]}, parse_type("any")) == {"x": [1]}


def test_mismatches_raise_without_quoting_the_value():
    with pytest.raises(EvalError, match="required"):
        convert({}, parse_type("object({port = number})"))
    with pytest.raises(EvalError) as caught:
        convert("hunter2-secret", parse_type("number"))
    assert "hunter2" not in str(caught.value)
    with pytest.raises(EvalError):
        convert(["a"], parse_type("map(string)"))


def test_unreadable_constraints_are_reported():
    for text in ("object(1)", "list(string, number)", "banana"):
        with pytest.raises(TypeSyntaxError):
            parse_type(text)
