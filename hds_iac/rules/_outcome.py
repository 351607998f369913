"""How several per-part outcomes (disks, listeners, copies, ingress rules) make one verdict.

A resource passes only when every part passes; one failing part fails it, and an
unresolved part makes it unknown unless another part already fails (a known failure is
worth reporting even when something else is unknown).
"""
from __future__ import annotations

from dataclasses import dataclass

_RANK = {"pass": 0, "unknown": 1, "fail": 2}


@dataclass(frozen=True)
class Outcome:
    """What one part of a resource gives: status, a label for messages, and why."""

    status: str  # "pass" | "fail" | "unknown"
    label: str  # "root_block_device", "listener :80 (HTTP)", "S3 replication: us-east-1"
    why: str = ""  # a rule-specific key (message variant) for this outcome
    reason: str = ""  # the Unknown's reason, for unknown outcomes


def worst(outcomes: list[Outcome]) -> tuple[str, list[Outcome]]:
    """The resource's status and the outcomes that decide it (all of that status)."""
    status = max((o.status for o in outcomes), key=_RANK.__getitem__, default="pass")
    return status, [o for o in outcomes if o.status == status]


def labels(outcomes: list[Outcome]) -> str:
    """Labels joined for a message, without repeats, in order."""
    seen: list[str] = []
    for o in outcomes:
        if o.label not in seen:
            seen.append(o.label)
    return ", ".join(seen)


def reasons(outcomes: list[Outcome]) -> str:
    """The distinct reasons of unknown outcomes, joined for a message."""
    seen: list[str] = []
    for o in outcomes:
        text = f"{o.label}: {o.reason}" if o.label else o.reason
        if o.reason and text not in seen:
            seen.append(text)
    return "; ".join(seen)
