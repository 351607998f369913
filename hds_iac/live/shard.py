"""`--shard I/N`: which (account, region) units of a live scan this worker reads.

A unit's shard depends only on its own account id and region name (a hash), never on the
other units: so N workers of a scheduler (a Kubernetes Indexed Job, a CI matrix) split the
work without talking to each other, and an account that cannot be read, a region enabled
since, or an account added to the organisation never moves another unit to another shard
(which would scan it twice or not at all). Each account also has one `GLOBAL` unit for
what is read once per account (IAM, CloudFront; S3 buckets are placed by their own region).
The union of the N shards' findings is the finding set of one unsharded run.
"""
from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass

# The unit of what an account reads once, not per region.
GLOBAL = "global"
MAX_SHARDS = 10_000


@dataclass(frozen=True)
class Shard:
    index: int  # 0-based, as JOB_COMPLETION_INDEX and CI matrices count
    count: int

    def owns(self, account: str, unit: str) -> bool:
        """True when the unit (`account`, region name or `GLOBAL`) is this shard's."""
        return unit_shard(account, unit, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def unit_shard(account: str, unit: str, count: int) -> int:
    """The shard (0 .. count-1) of one unit: a stable hash, the same on every machine and
    Python version (not `hash()`, which is salted per process)."""
    digest = hashlib.sha256(f"{account}/{unit}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def parse(text: str) -> Shard:
    """`I/N` with 0 <= I < N (argparse type)."""
    index, sep, count = text.strip().partition("/")
    try:
        shard = Shard(int(index), int(count))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected I/N (shard I of N, counted from 0), got {text!r}") from None
    if not sep or not 1 <= shard.count <= MAX_SHARDS or not 0 <= shard.index < shard.count:
        raise argparse.ArgumentTypeError(
            f"expected I/N with 0 <= I < N <= {MAX_SHARDS}, got {text!r}")
    return shard


def label(shard: Shard | None) -> str:
    """For reports: ' (shard 1/4)' or nothing."""
    return f" (shard {shard})" if shard is not None else ""
