"""The history store's own logic, in process on real SQLite files: failure episodes
whatever the order runs are recorded in, schema migrations, bounds, percentiles, and the
store module's imports."""
from __future__ import annotations

import ast
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import REPO
from hds_iac.history import analysis
from hds_iac.history.store import (MIGRATIONS, SCHEMA_VERSION, NewRun, Observed, StoreError,
                                   open_store)


def obs(rule: str, status: str, address: str = "aws_ebs_volume.v") -> Observed:
    doc = {"rule_id": rule, "topic": "encryption-at-rest", "status": status,
           "severity": "high", "title": f"title of {rule}", "message": f"{rule} {status}",
           "resource": {"address": address}, "references": {"hds": ["EXI 05"]},
           "remediation": "fix it", "input": "infra"}
    return Observed(rule, "infra", address, status, status, "encryption-at-rest", "high",
                    None, doc)


def run(uid: str, day: int, statuses: dict[str, str], complete: bool = True,
        rules: list[str] | None = None) -> NewRun:
    return NewRun(uid=uid, scope="infra", started=f"2026-01-{day:02d}T00:00:00Z",
                  command="scan", complete=complete, rules=rules,
                  findings=[obs(rule, status) for rule, status in statuses.items()])


HISTORY = [  # ENC-001 fails on the 1st, passes on the 3rd (incomplete), the 4th (complete)
    run("a", 1, {"HDS-ENC-001": "fail", "HDS-ENC-002": "pass"}),
    run("b", 2, {"HDS-ENC-001": "fail", "HDS-ENC-002": "fail"}),
    run("c", 3, {"HDS-ENC-001": "pass", "HDS-ENC-002": "unknown"}, complete=False),
    run("d", 4, {"HDS-ENC-001": "pass", "HDS-ENC-002": "unknown"}),
    run("e", 6, {"HDS-ENC-001": "fail", "HDS-ENC-002": "pass"}, rules=["HDS-ENC-001"]),
]


def episodes(path: Path) -> list[tuple]:
    with open_store(str(path)) as store:
        return [(e.rule_id, e.opened[:10], e.fixed[:10] if e.fixed else None)
                for e in store.episodes("infra")]


EXPECTED = [
    ("HDS-ENC-001", "2026-01-01", "2026-01-04"),  # the incomplete run of the 3rd fixes nothing
    ("HDS-ENC-002", "2026-01-02", None),  # unknown on the 4th, and its rule did not run on the 6th
    ("HDS-ENC-001", "2026-01-06", None),  # a second episode
]


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]])
def test_episodes_do_not_depend_on_the_order_runs_are_recorded_in(tmp_path, order) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(str(path)) as store:
        for i in order:
            assert store.record(HISTORY[i])[1]
        assert not store.record(HISTORY[order[0]])[1]  # the same run twice: nothing added
    assert sorted(episodes(path)) == sorted(EXPECTED)


def test_first_and_last_seen_and_time_to_fix(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(str(path)) as store:
        for r in reversed(HISTORY):
            store.record(r)
        latest = store.latest("infra")
        seen = {o.rule_id: (o.first_seen[:10], o.last_seen[:10])
                for o in store.observations(latest.id)}
        assert seen == {"HDS-ENC-001": ("2026-01-01", "2026-01-06"),
                        "HDS-ENC-002": ("2026-01-01", "2026-01-06")}
        fix = {f.severity: f for f in analysis.time_to_fix(
            store.episodes(), None, "2026-01-10T00:00:00Z")}
        assert (fix["high"].fixed, fix["high"].median_days, fix["high"].still_open) == (1, 3.0, 2)
        assert fix["high"].oldest_open_days == 8.0
        # the diff of the 4th against the incomplete 3rd names ENC-001 fixed (episode closed)
        fourth = next(r for r in store.runs("infra") if r.started.startswith("2026-01-04"))
        d = analysis.diff(store, fourth, store.previous(fourth))
        assert [f["rule_id"] for f in d.fixed] == ["HDS-ENC-001"]
        assert d.fixed[0]["title"] == "title of HDS-ENC-001"  # the texts, stored once
        assert list(d.fixed[0])[:6] == ["rule_id", "topic", "status", "severity", "title",
                                        "message"]


def test_percentile_interpolates_between_ranks() -> None:
    assert analysis.percentile([], 50) is None
    assert analysis.percentile([4.0], 90) == 4.0
    assert analysis.percentile([1, 2, 3, 4], 50) == 2.5
    assert analysis.percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


def test_a_version_1_store_is_migrated_and_keeps_its_runs(tmp_path) -> None:
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO runs(uid, scope, started, recorded, command, complete) VALUES"
                 " ('old', 'infra', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'scan', 1)")
    conn.execute("INSERT INTO findings(key, rule_id, input, address, first_seen, last_seen)"
                 " VALUES ('k', 'HDS-ENC-001', 'infra', 'aws_ebs_volume.v',"
                 " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO observations(run_id, finding_id, status, shown, doc) VALUES"
                 """ (1, 1, 'fail', 'fail', '{"rule_id": "HDS-ENC-001", "title": "old"}')""")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_store(str(path)) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        old = store.run(1)
        assert [o.doc["title"] for o in store.observations(old.id)] == ["old"]
        new_id, _ = store.record(run("new", 2, {"HDS-ENC-001": "pass"}))
        d = analysis.diff(store, store.run(new_id), old)
        assert [f["title"] for f in d.fixed] == ["old"]


def test_crafted_json_columns_do_not_break_reading(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(str(path)) as store:
        store.record(HISTORY[0])
        store.conn.execute("UPDATE runs SET counts = '[1,2', rules = '{\"x\": 1}',"
                           " inputs = ?", ("x" * 20_000_000,))
        store.conn.execute("UPDATE observations SET doc = '\"a string\"'")
        r = store.latest()
        # an unreadable list of rules proves no rule ran: it can fix nothing
        assert r.counts == {} and r.rules == [] and r.inputs == []
        assert all(o.doc.get("title") for o in store.observations(r.id, ("fail",)))


def test_a_run_over_the_limit_is_refused(tmp_path, monkeypatch) -> None:
    from hds_iac.history import store as store_mod

    monkeypatch.setattr(store_mod, "MAX_RUN_FINDINGS", 1)
    with open_store(str(tmp_path / "s.sqlite")) as store:
        with pytest.raises(StoreError, match="over the store's limit"):
            store.record(HISTORY[0])
        assert store.runs() == []


def test_the_store_module_imports_only_the_standard_library() -> None:
    tree = ast.parse((REPO / "hds_iac" / "history" / "store.py").read_text("utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
             for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree)
              if isinstance(n, ast.ImportFrom) and n.module}
    assert names - {"__future__"} <= set(sys.stdlib_module_names), names


def test_long_periods_are_charted_by_week_then_month(tmp_path) -> None:
    from hds_iac.history import period

    with open_store(str(tmp_path / "s.sqlite")) as store:
        for i, day in enumerate(("2025-01-01", "2025-03-15", "2025-07-01")):
            r = run(f"r{i}", 1, {"HDS-ENC-001": "fail" if i < 2 else "pass"})
            r.started = f"{day}T00:00:00Z"
            store.record(r)
        weekly = period.build(store, "2025-01-01T00:00:00Z", "2025-07-02T00:00:00Z", None, "fr")
        assert weekly.grain == "week" and len(weekly.buckets) <= period.MAX_BUCKETS
        assert all(b.start.weekday() == 0 for b in weekly.buckets)
        assert sum(b.runs_complete for b in weekly.buckets) == 3
        assert sum(b.fixed for b in weekly.buckets) == 1 and weekly.fixed == 1
        yearly = period.build(store, "2023-01-01T00:00:00Z", "2026-01-01T00:00:00Z", None, "en")
        assert yearly.grain == "month" and len(yearly.buckets) == 36
        assert yearly.days_with_runs == 3 and yearly.days == 1096


def test_the_period_report_reads_the_exceptions_register_of_the_results(tmp_path) -> None:
    """Results that carry an exceptions register (every waiver with its state) are shown
    with it; `since` is the first run of the scope whose register had the entry."""
    from hds_iac.history import period

    entry = {"by": "hds-iac:skip", "rule_id": "HDS-ENC-001", "location": "main.tf:3",
             "state": "active", "reason": "scratch", "until": "2026-06-30",
             "author": "Alice", "date": "2025-12-01", "addresses": ["aws_ebs_volume.v"],
             "findings": 1, "statuses": {"fail": 1}}
    expired = dict(entry, rule_id="HDS-BAK-004", state="expired", until="2026-01-02")
    with open_store(str(tmp_path / "s.sqlite")) as store:
        for uid, day, register in (("a", 1, [entry]), ("b", 3, [entry, expired])):
            r = run(uid, day, {"HDS-ENC-001": "fail"})
            r.exceptions = register
            store.record(r)
        report = period.build(store, "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z", None, "en")
        rows = {x.rule_id: x for x in report.exceptions}
        assert (rows["HDS-ENC-001"].state, rows["HDS-ENC-001"].since[:10],
                rows["HDS-ENC-001"].author, rows["HDS-ENC-001"].resources) == \
            ("active", "2026-01-01", "Alice", 1)
        assert (rows["HDS-BAK-004"].state, rows["HDS-BAK-004"].since[:10]) == \
            ("expired", "2026-01-03")
        html = period.render(report, "html")
        assert 'data-state="expired"' in html and "Alice" in html
