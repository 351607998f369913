"""Turning an `Unknown` into the reason a message shows."""
from __future__ import annotations

from hds_iac.model import Unknown


def why(value: Unknown) -> str:
    """The reason, else the Terraform objects the value depends on (never an empty text)."""
    if value.reason:
        return value.reason
    if value.refs:
        return "depends on " + ", ".join(value.refs) + ", not known before apply"
    return "the value cannot be resolved"
