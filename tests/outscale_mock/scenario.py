"""Scenario data for the mock: JSON files of tests/data/outscale, with relative dates."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "outscale"
_PLACEHOLDER = re.compile(r"\$\{(DAYS_AGO|DAYS_AHEAD):(\d+)\}|\$\{ACCESS_KEY\}")


def stamp(when: datetime) -> str:
    """The API's date-time format (`2010-10-01T12:34:56.789Z`)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{when.microsecond // 1000:03d}Z"


def days_ago(days: int, now: datetime | None = None) -> str:
    # an hour of margin so that "10 days ago" is still 10 whole days when the scan runs
    return stamp((now or datetime.now(timezone.utc)) - timedelta(days=days, hours=1))


def _expand(value: Any, access_key: str, now: datetime) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, access_key, now) for k, v in value.items() if k != "_comment"}
    if isinstance(value, list):
        return [_expand(v, access_key, now) for v in value]
    if isinstance(value, str) and "${" in value:
        def sub(match: re.Match) -> str:
            if match.group(0) == "${ACCESS_KEY}":
                return access_key
            days = int(match.group(2))
            if match.group(1) == "DAYS_AHEAD":
                return stamp(now + timedelta(days=days))
            return days_ago(days, now)
        return _PLACEHOLDER.sub(sub, value)
    return value


def load(name: str, access_key: str, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as handle:
        raw = json.load(handle)
    return _expand(raw, access_key, now or datetime.now(timezone.utc))


def many_snapshots(count: int, volume: str = "vol-00plain1", account: str = "123456789012",
                   public_every: int = 0) -> list[dict]:
    """`count` completed snapshots of one volume, one a day back from today (the newest is
    today's); every `public_every`-th one shared publicly."""
    now = datetime.now(timezone.utc)
    return [{
        "SnapshotId": f"snap-{i:08x}", "VolumeId": volume, "AccountId": account,
        "State": "completed", "Progress": 100, "VolumeSize": 10,
        "CreationDate": days_ago(i, now),
        "PermissionsToCreateVolume": {
            "GlobalPermission": bool(public_every) and i % public_every == public_every - 1,
            "AccountIds": []},
        "Tags": [],
    } for i in range(count)]
