"""Regular expressions compiled on their first use.

A module-level `re.compile(...)` runs when the module is imported, in every run, whether
or not that run ever matches the expression, and compiling one costs more than most of
its matches (0.7 M instructions on average). A scan of a plan imports some twenty it never
uses: Terraform addresses with string keys, suppression comments (code only), ARNs and
zones the plan does not name, markdown and terminal escaping (other formats).
`LazyPattern(pattern, flags)` stands for `re.compile(pattern, flags)` where the
expression stays written at module level, beside the code that reads it.
"""
from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled when one of its attributes (`match`, `sub`,
    `pattern`...) is first asked for. Each attribute asked for is then kept in the
    instance, where Python finds it without calling `__getattr__` again: after its first
    use, `_X.match(text)` costs what it costs on the compiled pattern."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        """Called only for a name the instance does not hold yet."""
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        value = getattr(self._compiled, name)  # AttributeError as the pattern's own
        setattr(self, name, value)  # attributes of a compiled pattern never change
        return value

