"""Value types of the command-line options that take a number (argparse `type=`).

One place so that every command refuses a bad number with the same kind of message
("expected a whole number of days, got 'x'", "--limit must be 1 or more") and so that a
bound is written once. A neutral module: the command modules import it, it imports none
of them (tests/test_import_graph.py).
"""
from __future__ import annotations

import argparse
from typing import Callable


def whole_number(minimum: int, maximum: int | None = None,
                 unit: str = "") -> Callable[[str], int]:
    """An argparse type accepting a whole number in [minimum, maximum]; `unit` ("days")
    names what is counted in the messages."""
    what = f"a whole number of {unit}" if unit else "a whole number"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            if minimum == 0 and maximum is None and unit:
                raise argparse.ArgumentTypeError(
                    f"a number of {unit} cannot be negative, got {value}")
            bound = (f"between {minimum} and {maximum}" if maximum is not None
                     else f"{minimum} or more")
            raise argparse.ArgumentTypeError(f"expected {what} {bound}, got {value}")
        return value

    parse.__name__ = f"whole_number_{unit or 'value'}"
    return parse


days_value = whole_number(0, unit="days")
"""A number of days: zero or more (retentions, ages)."""
