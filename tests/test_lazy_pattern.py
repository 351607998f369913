"""`LazyPattern`: a regular expression compiled on its first use answers as the compiled
one does, and keeps what it was asked for."""
from __future__ import annotations

import re

import pytest

from hds_iac.lazy_pattern import LazyPattern


def test_answers_as_the_compiled_pattern() -> None:
    lazy, compiled = LazyPattern(r"(?P<word>ab+)", re.I), re.compile(r"(?P<word>ab+)", re.I)
    assert lazy.match("ABBc").group("word") == compiled.match("ABBc").group("word") == "ABB"
    assert lazy.sub("-", "xabyab") == compiled.sub("-", "xabyab") == "x-y-"
    assert lazy.pattern == compiled.pattern and lazy.flags == compiled.flags
    assert lazy.groupindex == compiled.groupindex


def test_compiles_once_on_first_use_and_keeps_each_attribute() -> None:
    lazy = LazyPattern(r"a(")  # not valid: nothing is compiled until it is used
    with pytest.raises(re.error):
        lazy.match("a")
    lazy = LazyPattern(r"\d+")
    assert "match" not in vars(lazy)
    assert lazy.findall("a1b22") == ["1", "22"]
    first = lazy._compiled
    assert lazy.search("x7").group() == "7" and lazy._compiled is first
    assert {"findall", "search"} <= set(vars(lazy))  # found without __getattr__ from now on


def test_an_attribute_a_pattern_has_not_is_refused() -> None:
    with pytest.raises(AttributeError):
        LazyPattern("a").no_such_method  # noqa: B018
