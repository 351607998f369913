"""The command-line options of a period over a history store (`--scope`, `--since`,
`--until`), shared by `hds-iac history list|trends|time-to-fix|report` and
`hds-iac report --store`, so that a period is read the same way everywhere."""
from __future__ import annotations

import argparse


def time_value(text: str) -> str:
    """A date or time (ISO 8601), as the store writes it (UTC)."""
    from hds_iac.history.store import parse_time

    value = parse_time(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a date or time (ISO 8601, for example"
                                         f" 2026-01-31 or 2026-01-31T08:00:00Z), got {text!r}")
    return value


def add_period_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--scope", help="only this scope (see `history list`)")
    parser.add_argument("--since", type=time_value, metavar="DATE",
                        help="from this date or time (ISO 8601, UTC), included")
    parser.add_argument("--until", type=time_value, metavar="DATE",
                        help="up to this date or time, excluded (default: now)")


def period_end(args: argparse.Namespace) -> str:
    """The end of the period the options name: `--until`, else the second after now (see
    `store.until_now`), read the same way by every command that takes them."""
    from hds_iac.history.store import until_now

    return args.until or until_now()
