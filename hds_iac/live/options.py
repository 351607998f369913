"""Command-line options that every live scan takes the same way (timeouts).

Kept apart from `hds_iac.live.cli` so that each provider's command line can import it
without importing the other providers' commands.
"""
from __future__ import annotations

import argparse
import math


def seconds(text: str) -> float:
    """A duration in seconds, more than 0 and finite (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def add_timeouts(parser: argparse.ArgumentParser, connect: float, read: float,
                 retried: str) -> None:
    """`--connect-timeout` and `--read-timeout`, with the provider's defaults and what
    happens to a call that times out (`retried`, for the help)."""
    parser.add_argument("--connect-timeout", type=seconds, default=connect, metavar="SECONDS",
                        help=f"give up connecting to the API after this long (default:"
                             f" {connect:g}); {retried}")
    parser.add_argument("--read-timeout", type=seconds, default=read, metavar="SECONDS",
                        help=f"give up waiting for an answer after this long (default:"
                             f" {read:g}); {retried}")
