"""The HDS report over a period (`hds-iac history report --since --until`): the evidence of
continuous monitoring an auditor asks for.

From the history store, for the period [since, until): runs per day (complete or not) and
days without any run, failures opened and fixed per day, time to fix per severity, the
failures still open at the end and the exceptions (waivers) in force at the end of the
period, per scope. Texts in French and English; rendered as one self-contained HTML page
(period_html.py) or JSON.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from hds_iac import __version__
from hds_iac.catalogue import SEVERITIES
from hds_iac.escaping import for_json
from hds_iac.history import analysis
from hds_iac.history.store import MAX_RUN_FINDINGS, Run, Store, utc

FORMATS = ("html", "json")
MAX_BUCKETS = 120  # bars per chart: beyond, days are grouped by week, then by month
MAX_EXCEPTIONS = 500  # waivers listed (all are counted)


def _day(text: str) -> date:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).date()


@dataclass
class Bucket:
    """One bar of the charts: a day, a week or a month."""

    start: date
    runs_complete: int = 0
    runs_incomplete: int = 0
    opened: int = 0
    fixed: int = 0


@dataclass
class ScopeRow:
    scope: str
    runs: int
    complete: int
    first: str
    last: str
    last_complete: bool
    failing_at_end: dict[str, int]  # severity -> failures in the scope's last run


@dataclass
class Exception_:
    scope: str
    rule_id: str
    by: str
    reason: str
    until: str | None
    location: str | None
    resources: int
    since: str  # first run of the scope with this waiver
    state: str = "active"  # active | expired | no-reason | invalid-expiry (the register's)
    author: str | None = None


@dataclass
class PeriodReport:
    lang: str
    since: str
    until: str
    scope: str | None
    generated: str
    grain: str  # day | week | month
    buckets: list[Bucket]
    days: int
    days_with_runs: int
    runs: int
    runs_incomplete: int
    opened: int
    fixed: int
    fix_times: list[analysis.FixTimes]
    scopes: list[ScopeRow]
    exceptions: list[Exception_]
    exceptions_total: int
    tool_version: str = __version__
    store: str = ""
    notes: list[str] = field(default_factory=list)


def _grain(first: date, last: date) -> str:
    days = (last - first).days + 1
    if days <= MAX_BUCKETS:
        return "day"
    if days <= MAX_BUCKETS * 7:
        return "week"
    return "month"


def _bucket_start(day: date, grain: str) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def _buckets(first: date, last: date, grain: str) -> dict[date, Bucket]:
    out: dict[date, Bucket] = {}
    day = _bucket_start(first, grain)
    while day <= last:
        out[day] = Bucket(day)
        if grain == "day":
            day += timedelta(days=1)
        elif grain == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, (str, int)) and str(value) else None


def _register(store: Store, run: Run) -> list[Exception_]:
    """The exceptions register the run's JSON result carried (every waiver with its state:
    active, expired, without a reason, with a malformed expiry), each with the first run of
    the scope whose register already had it."""
    def key(entry: dict) -> tuple:
        return tuple(str(entry.get(k)) for k in ("by", "rule_id", "location", "reason"))

    first: dict[tuple, str] = {}
    for earlier in store.runs(run.scope, until=run.started):
        for entry in earlier.exceptions:
            if isinstance(entry, dict):
                first.setdefault(key(entry), earlier.started)
    out = []
    for entry in run.exceptions:
        if not isinstance(entry, dict):
            continue
        addresses = entry.get("addresses")
        out.append(Exception_(
            run.scope, _text(entry.get("rule_id")) or "", _text(entry.get("by")) or "",
            _text(entry.get("reason")) or "", _text(entry.get("until")),
            _text(entry.get("location")),
            len(addresses) if isinstance(addresses, list) else 0,
            first.get(key(entry), run.started), _text(entry.get("state")) or "active",
            _text(entry.get("author"))))
    return out


def _exceptions(store: Store, run: Run) -> list[Exception_]:
    """Waivers in force in `run` (the last run of its scope in the period): the run's
    exceptions register when its result carried one, else the waivers of its findings,
    grouped by waiver, with the first run of the scope that already had each."""
    if run.exceptions:
        return _register(store, run)
    groups: dict[tuple, Exception_] = {}
    for obs in store.observations(run.id):
        if not obs.suppression:
            continue
        s = obs.suppression
        key = (obs.rule_id, str(s.get("by", "")), str(s.get("reason", "")),
               s.get("until"), s.get("location"))
        if key not in groups:
            row = store.conn.execute(
                "SELECT min(r.started) FROM observations o JOIN runs r ON r.id = o.run_id"
                " WHERE o.finding_id = ? AND r.scope = ? AND o.suppression IS NOT NULL",
                (obs.finding_id, run.scope)).fetchone()
            groups[key] = Exception_(run.scope, obs.rule_id, key[1], key[2],
                                     str(key[3]) if key[3] else None,
                                     str(key[4]) if key[4] else None, 0, row[0] or run.started,
                                     author=_text(s.get("author")))
        groups[key].resources += 1
    return list(groups.values())


def scope_ends(runs: list[Run]) -> dict[str, Run]:
    """Scope -> its last run among `runs` (oldest first, as `Store.runs` gives them): the
    state of each scope at the end of a period. The period report's figures at the end and
    `hds-iac report --store` (the HDS report of those runs) both start from here."""
    last_of: dict[str, Run] = {}
    for r in runs:
        last_of[r.scope] = r
    return dict(sorted(last_of.items()))


def build(store: Store, since: str | None, until: str, scope: str | None,
          lang: str) -> PeriodReport:
    runs = store.runs(scope, since, until)
    notes = []
    if since is None:
        since = runs[0].started if runs else until
    first = _day(since)
    # `until` is excluded: the last day is the one of the second before it
    last = max(first, (datetime.fromisoformat(until.replace("Z", "+00:00"))
                       - timedelta(seconds=1)).astimezone(timezone.utc).date())
    grain = _grain(first, last)
    buckets = _buckets(first, last, grain)

    def bucket(text: str) -> Bucket | None:
        return buckets.get(_bucket_start(_day(text), grain))

    run_days = set()
    for r in runs:
        run_days.add(_day(r.started))
        b = bucket(r.started)
        if b:
            if r.complete:
                b.runs_complete += 1
            else:
                b.runs_incomplete += 1
    episodes = store.episodes(scope)
    opened = fixed = 0
    for ep in episodes:
        if since <= ep.opened < until:
            opened += 1
            b = bucket(ep.opened)
            if b:
                b.opened += 1
        if ep.fixed and since <= ep.fixed < until:
            fixed += 1
            b = bucket(ep.fixed)
            if b:
                b.fixed += 1
    last_of = scope_ends(runs)
    per_scope: dict[str, list[Run]] = {}
    for r in runs:
        per_scope.setdefault(r.scope, []).append(r)
    scopes, exceptions = [], []
    for name, rs in sorted(per_scope.items()):
        end = last_of[name]
        failing = {s: 0 for s in SEVERITIES}
        for severity, count in store.conn.execute(
                "SELECT severity, count(*) FROM observations WHERE run_id = ? AND status ="
                " 'fail' GROUP BY severity LIMIT ?", (end.id, MAX_RUN_FINDINGS)):
            failing[severity] = failing.get(severity, 0) + count
        scopes.append(ScopeRow(name, len(rs), sum(r.complete for r in rs), rs[0].started,
                               end.started, end.complete, failing))
        exceptions += _exceptions(store, end)
    exceptions.sort(key=lambda x: (x.until or "9999", x.scope, x.rule_id))
    if not runs:
        notes.append("no_runs")
    days = (last - first).days + 1
    return PeriodReport(
        lang=lang, since=since, until=until, scope=scope, generated=utc(), grain=grain,
        buckets=list(buckets.values()), days=days,
        days_with_runs=len({d for d in run_days if first <= d <= last}), runs=len(runs),
        runs_incomplete=sum(not r.complete for r in runs), opened=opened, fixed=fixed,
        fix_times=analysis.time_to_fix(episodes, since, until), scopes=scopes,
        exceptions=exceptions[:MAX_EXCEPTIONS], exceptions_total=len(exceptions),
        store=store.path, notes=notes)


def document(report: PeriodReport) -> dict:
    return {
        "version": 1, "kind": "hds-iac-period-report",
        "tool": {"name": "hds-iac", "version": report.tool_version},
        "lang": report.lang, "generated": report.generated, "store": report.store,
        "period": {"since": report.since, "until": report.until, "days": report.days},
        "scope": report.scope,
        "runs": {"total": report.runs, "incomplete": report.runs_incomplete,
                 "days_with_runs": report.days_with_runs,
                 "days_without_runs": report.days - report.days_with_runs},
        "failures": {"opened": report.opened, "fixed": report.fixed},
        "grain": report.grain,
        "series": [{"start": b.start.isoformat(), "runs_complete": b.runs_complete,
                    "runs_incomplete": b.runs_incomplete, "opened": b.opened,
                    "fixed": b.fixed} for b in report.buckets],
        "time_to_fix": [f.as_dict() for f in report.fix_times],
        "scopes": [{"scope": s.scope, "runs": s.runs, "complete": s.complete,
                    "first": s.first, "last": s.last, "last_complete": s.last_complete,
                    "failing_at_end": s.failing_at_end} for s in report.scopes],
        "exceptions": [{"scope": x.scope, "rule_id": x.rule_id, "by": x.by,
                        "reason": x.reason, "until": x.until, "location": x.location,
                        "resources": x.resources, "since": x.since, "state": x.state,
                        "author": x.author}
                       for x in report.exceptions],
        "exceptions_total": report.exceptions_total,
    }


def render(report: PeriodReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(for_json(document(report)), indent=2, ensure_ascii=False) + "\n"
    from hds_iac.history import period_html

    return period_html.render(report)
