"""The exceptions register: every waiver of a finding, for the auditor.

A waiver is an in-code skip (`# hds-iac:skip=ID reason`, `#checkov:skip=ID:reason`) or a
baseline entry. HDS auditors ask, for each exception to a control: what is waived, where,
why, who decided it and when, and until when. The register answers from the code itself
and, when the code is in git, from `git blame` of the skip line (best effort, bounded: at
most MAX_BLAMES lines per run, a timeout per call, never required).

States of an entry:
- `active`: it waives its findings (they are reported as skipped);
- `expired`: its `until` date has passed: it no longer applies, its findings count again;
- `no-reason`: a skip without a reason is not applied;
- `invalid-expiry`: an `until=` that is not a date: not applied (a gate must not guess).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from hds_iac.engine import Finding, Suppression
from hds_iac.provenance import git_output

MAX_BLAMES = 200
STATES = ("active", "expired", "no-reason", "invalid-expiry")


@dataclass
class Unapplied:
    """A waiver that waives nothing: no reason, or a malformed expiry."""

    by: str
    rule_id: str
    location: str
    state: str  # "no-reason" | "invalid-expiry"
    reason: str = ""
    until: str | None = None
    author: str | None = None
    date: str | None = None


class Blame:
    """`git blame` of single lines, bounded and cached: author and date of a skip line."""

    def __init__(self, enabled: bool = True, limit: int = MAX_BLAMES):
        self.enabled = enabled
        self.limit = limit
        self.calls = 0
        self.cache: dict[tuple[str, int], tuple[str | None, str | None]] = {}

    def __call__(self, path: str, line: int) -> tuple[str | None, str | None]:
        """(author, date YYYY-MM-DD) of `line` of `path`; (None, None) when git cannot tell
        (no repository, an uncommitted line, the limit reached)."""
        key = (os.path.realpath(path), line)
        if not self.enabled:
            return None, None
        if key in self.cache:
            return self.cache[key]
        if self.calls >= self.limit:
            return None, None
        self.calls += 1
        folder, name = os.path.split(key[0])
        out = git_output(folder, "blame", "--porcelain", "-L", f"{line},{line}", "--", name)
        found: tuple[str | None, str | None] = (None, None)
        if out:
            fields = {}
            for row in out.splitlines()[1:]:
                if row.startswith("\t"):
                    break
                name_, _, value = row.partition(" ")
                fields[name_] = value
            commit = out.split(" ", 1)[0]
            if commit.strip("0") and fields.get("author-time", "").isdigit():
                when = datetime.fromtimestamp(int(fields["author-time"]), timezone.utc)
                author = "".join(c for c in fields.get("author", "") if c.isprintable())[:200]
                found = (author or None, when.date().isoformat())
        self.cache[key] = found
        return found


def _entry(by: str, rule_id: str, location: str | None, state: str, reason: str,
           until: str | None, author: str | None, date: str | None) -> dict:
    return {"by": by, "rule_id": rule_id, "location": location, "state": state,
            "reason": reason, "until": until, "author": author, "date": date,
            "addresses": [], "findings": 0, "statuses": {}}


def register(findings: Iterable[Finding], unapplied: Iterable[Unapplied] = ()) -> list[dict]:
    """One entry per waiver (a skip line, a baseline entry), with the resources and
    findings it covers and the verdicts it hides (`statuses`: what the findings would be
    without it)."""
    entries: dict[tuple, dict] = {}

    def add(waiver: Suppression, state: str, finding: Finding) -> None:
        key = (waiver.by, waiver.location, finding.rule_id,
               finding.resource.address if waiver.by == "baseline" else None)
        entry = entries.setdefault(key, _entry(
            waiver.by, finding.rule_id, waiver.location, state, waiver.reason, waiver.until,
            waiver.author, waiver.date))
        if finding.resource.address not in entry["addresses"]:
            entry["addresses"].append(finding.resource.address)
        entry["findings"] += 1
        status = finding.verdict.status
        entry["statuses"][status] = entry["statuses"].get(status, 0) + 1

    for finding in findings:
        if finding.suppression is not None:
            add(finding.suppression, "active", finding)
        if finding.expired_waiver is not None:
            add(finding.expired_waiver, "expired", finding)
    for u in unapplied:
        key = (u.by, u.location, u.rule_id, None)
        entries.setdefault(key, _entry(u.by, u.rule_id, u.location, u.state, u.reason,
                                       u.until, u.author, u.date))
    return sorted(entries.values(), key=lambda e: (STATES.index(e["state"]) if e["state"] in
                                                   STATES else 9, e["location"] or "",
                                                   e["rule_id"]))
