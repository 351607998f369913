"""Errors every part of hds-iac reports, in one neutral module that imports nothing of
hds-iac: readers (HCL, plans, states), live scans, the engine and the command line all
name them from here, so none of them imports another only for an error type.
"""
from __future__ import annotations

from dataclasses import dataclass


class UsageError(Exception):
    """A mistake in the command line or configuration that argparse cannot see (an unknown
    rule id, a bad config file, a profile that does not exist)."""


@dataclass
class ReadError:
    """An input that could not be read completely: one line for the user, the scan goes on.
    `path` names the file, folder or API call."""

    path: str
    message: str


class ParseFailure(Exception):
    """A Terraform file (HCL or JSON syntax) that cannot be parsed; the message is one line
    for the user."""
