"""Errors the command line turns into one line on stderr and exit status 2."""
from __future__ import annotations


class UsageError(Exception):
    """A mistake in the command line or configuration that argparse cannot see (an unknown
    rule id, a bad config file, a profile that does not exist)."""
