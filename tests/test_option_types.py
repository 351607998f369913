"""The numeric option types every command shares refuse what is out of bounds."""
import argparse

import pytest

from hds_iac.option_types import days_value, whole_number


def test_bounds_are_inclusive_and_named_in_the_message():
    attempts = whole_number(1, 50)
    assert attempts("1") == 1 and attempts("50") == 50
    for bad in ("0", "51"):
        with pytest.raises(argparse.ArgumentTypeError, match="between 1 and 50"):
            attempts(bad)


def test_open_upper_bound_and_text():
    retries = whole_number(0)
    assert retries("0") == 0 and retries("1000") == 1000
    with pytest.raises(argparse.ArgumentTypeError, match="0 or more, got -1"):
        retries("-1")
    with pytest.raises(argparse.ArgumentTypeError, match="expected a whole number, got '2.5'"):
        retries("2.5")


def test_days_say_what_is_counted():
    assert days_value("0") == 0
    with pytest.raises(argparse.ArgumentTypeError, match="number of days cannot be negative"):
        days_value("-7")
    with pytest.raises(argparse.ArgumentTypeError, match="whole number of days, got 'x'"):
        days_value("x")
