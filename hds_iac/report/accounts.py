"""The per-account summary of the HDS report: one row per cloud account of the merged live
scans (an AWS organisation, several Outscale profiles), with its pass/fail/unknown/skipped
counts and the read errors met in it, an account whose role could not be assumed
included.

An account with errors and no finding was not read at all: the report must show it as not
scanned, never as an account with nothing to fix. Shown only when the merged results hold
more than one account (one account's figures are the report's own summary).

Errors name their account by the path live scans give them: `aws account ID ...` (an
organisation member, or its role not assumed), `outscale:REGION account ID`, `outscale
profile NAME` (a profile that could not be used); an error of a single-account result
(`aws REGION call`) belongs to the one account of that result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

STATUSES = ("pass", "fail", "unknown", "skipped")
MAX_ERRORS_SHOWN = 5  # error messages listed per account (all are counted)
_NAMED = (
    ("aws", re.compile(r"^aws account (\d{12})(?:\s|$)")),
    ("outscale", re.compile(r"^outscale:\S+ account (\S+)")),
    ("outscale", re.compile(r"^outscale profile (\S+)")),
)


@dataclass
class AccountRow:
    provider: str
    account: str  # account id (or "profile NAME" when no id could be read)
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    errors: list[str] = field(default_factory=list)  # "path: message", the first few
    error_count: int = 0

    @property
    def scanned(self) -> bool:
        """Something was judged in it: an account with only errors was not read."""
        return sum(self.counts.values()) > 0

    def as_dict(self) -> dict:
        return {"provider": self.provider, "account": self.account, "counts": self.counts,
                "scanned": self.scanned, "error_count": self.error_count,
                "errors": self.errors}


def _single_accounts(merged) -> dict[tuple[int, str], str]:
    """(source index, provider) -> its account, for results of exactly one account."""
    found: dict[tuple[int, str], set[str]] = {}
    for f in merged.findings:
        res = f.get("resource") or {}
        if res.get("account") and res.get("provider"):
            found.setdefault((f.get("source", -1), str(res["provider"])), set()).add(
                str(res["account"]))
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def _owner(path: str, source: int, single: dict[tuple[int, str], str]) -> tuple[str, str] | None:
    for provider, pattern in _NAMED:
        match = pattern.match(path)
        if match:
            name = match.group(1)
            return provider, name if "profile" not in pattern.pattern else f"profile {name}"
    for provider, prefix in (("aws", "aws "), ("outscale", "outscale:")):
        if path.startswith(prefix) and (source, provider) in single:
            return provider, single[(source, provider)]
    return None


def rows(merged) -> list[AccountRow]:
    """One row per account, worst first (not scanned, then most failures); empty when the
    merged results hold fewer than two accounts."""
    table: dict[tuple[str, str], AccountRow] = {}
    for f in merged.findings:
        res = f.get("resource") or {}
        account = res.get("account")
        if not account or f.get("status") not in STATUSES:
            continue
        key = (str(res.get("provider") or ""), str(account))
        row = table.get(key) or table.setdefault(key, AccountRow(*key))
        row.counts[f["status"]] += 1
    single = _single_accounts(merged)
    for entry in merged.errors:
        owner = _owner(str(entry.get("path", "")), entry.get("source", -1), single)
        if owner is None:
            continue
        row = table.get(owner) or table.setdefault(owner, AccountRow(*owner))
        row.error_count += 1
        if len(row.errors) < MAX_ERRORS_SHOWN:
            row.errors.append(f"{entry.get('path', '')}: {entry.get('message', '')}")
    if len(table) < 2:
        return []
    return sorted(table.values(), key=lambda r: (r.scanned, -r.counts["fail"],
                                                 -r.error_count, r.provider, r.account))
