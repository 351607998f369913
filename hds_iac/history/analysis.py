"""What the history says: the diff of two runs, trends, time to fix.

A *failure* is a finding whose verdict is `fail`, waived or not: a waiver (skip, baseline)
hides a failure from the gate, it does not fix it; the finding objects keep the waiver.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hds_iac.catalogue import SEVERITIES, TOPICS
from hds_iac.history.store import Episode, Observation, Run, Store


@dataclass
class Diff:
    run: Run
    previous: Run | None
    new: list[dict] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    open: list[dict] = field(default_factory=list)
    # Failing before, not failing now, but not proven fixed: the run is incomplete, the
    # finding is unknown now, or its rule did not run.
    unconfirmed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"new": self.new, "fixed": self.fixed, "open": self.open,
                "unconfirmed": self.unconfirmed, "run": self.run.as_dict(),
                "previous": self.previous.as_dict() if self.previous else None}


def _finding(obs: Observation, **extra) -> dict:
    """The finding object of the JSON result, with its history dates."""
    history = {"first_seen": obs.first_seen, "last_seen": obs.last_seen, **extra}
    return {**obs.doc, "history": history}


def _rule_ran(run: Run, rule_id: str) -> bool:
    return run.rules is None or rule_id in run.rules


def diff(store: Store, run: Run, previous: Run | None) -> Diff:
    """New, fixed and still-open failures of `run` against `previous` (same scope)."""
    out = Diff(run, previous)
    now = {o.finding_id: o for o in store.observations(run.id, ("fail", "unknown"))}
    present = store.present(run.id)
    before = ({o.finding_id: o for o in store.observations(previous.id, ("fail",))}
              if previous else {})
    listed: set[int] = set()  # identities already in `fixed`
    for fid, obs in now.items():
        if obs.status != "fail":
            continue
        (out.open if fid in before else out.new).append(_finding(obs))
    for fid, old in before.items():
        current = now.get(fid)
        if current is not None and current.status == "fail":
            continue
        if not run.complete:
            why = "the run is incomplete: it cannot prove the failure is gone"
        elif current is not None and current.status == "unknown":
            why = "the finding is unknown in this run"
        elif not _rule_ran(run, old.rule_id):
            why = f"{old.rule_id} did not run in this run"
        else:
            why = None
        if why is None:
            listed.add(fid)
            out.fixed.append(_finding(old, fixed_at=run.started,
                                      now=present.get(fid, "absent")))
        else:
            out.unconfirmed.append(_finding(old, why=why))
    # Failures this run proved fixed although the previous run no longer showed them
    # failing (it was incomplete, or said unknown): this is the run that closes them.
    for fid, opened_run in store.closed_by(run):
        old = None if fid in listed else store.observation(opened_run, fid)
        if old is None:
            continue
        out.fixed.append(_finding(old, fixed_at=run.started, now=present.get(fid, "absent")))
    return out


def gate_new(diff_: Diff, threshold: int, rank: dict[str, int]) -> list[dict]:
    """New failures that fail the gate: not waived, at or above the threshold."""
    return [f for f in diff_.new if f.get("status") == "fail"
            and rank.get(str(f.get("severity")), 0) >= threshold]


@dataclass
class TrendRow:
    run: Run
    failed: int
    by_topic: dict[str, int]
    by_severity: dict[str, int]


def trends(store: Store, runs: list[Run]) -> list[TrendRow]:
    """Failures of each run by topic and by severity."""
    rows = []
    for run in runs:
        by_topic = {t: 0 for t in TOPICS}
        by_severity = {s: 0 for s in SEVERITIES}
        failed = 0
        for topic, severity, count in store.conn.execute(
                "SELECT topic, severity, count(*) FROM observations WHERE run_id = ? AND"
                " status = 'fail' GROUP BY topic, severity", (run.id,)):
            failed += count
            by_topic[topic] = by_topic.get(topic, 0) + count
            by_severity[severity] = by_severity.get(severity, 0) + count
        rows.append(TrendRow(run, failed, by_topic, by_severity))
    return rows


def days_between(start: str, end: str) -> float:
    a = datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    return max(0.0, (b - a).total_seconds() / 86400)


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation between closest ranks (the
    default of numpy and of spreadsheets' PERCENTILE.INC); None for no value."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class FixTimes:
    severity: str
    fixed: int
    median_days: float | None
    p90_days: float | None
    still_open: int
    oldest_open_days: float | None

    def as_dict(self) -> dict:
        def r(v):
            return None if v is None else round(v, 2)
        return {"severity": self.severity, "fixed": self.fixed,
                "median_days": r(self.median_days), "p90_days": r(self.p90_days),
                "still_open": self.still_open, "oldest_open_days": r(self.oldest_open_days)}


def time_to_fix(episodes: list[Episode], since: str | None, until: str,
                ) -> list[FixTimes]:
    """Per severity: failures fixed in [since, until) with the median and 90th percentile
    of their time to fix (days from the first run that saw them failing to the first
    complete run that no longer did), and failures still open at `until`."""
    out = []
    for severity in SEVERITIES:
        durations, open_ages = [], []
        for e in episodes:
            if e.severity != severity or e.opened >= until:
                continue
            if e.fixed is not None and e.fixed < until:
                if since is None or e.fixed >= since:
                    durations.append(days_between(e.opened, e.fixed))
            else:
                open_ages.append(days_between(e.opened, until))
        out.append(FixTimes(severity, len(durations), percentile(durations, 50),
                            percentile(durations, 90), len(open_ages),
                            max(open_ages) if open_ages else None))
    return out
