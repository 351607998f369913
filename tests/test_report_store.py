"""`hds-iac report --store`: the HDS report of the last run of each scope recorded in a
history store, each run read back as the JSON result it recorded (history/record.py
`result_of`), over the period of `--since/--until` (the options of `history report`)."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, run_cli

EXAMPLE = FIXTURES / "example"
PLAN = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-store")
    path = folder / "h.sqlite"
    results = {}
    for name, target in (("code", EXAMPLE), ("plan", PLAN)):
        results[name] = folder / f"{name}.json"
        run = run_cli("scan", str(target), "-o", "json", "--output-file", str(results[name]),
                      "--lang", "fr", "--store", str(path))
        assert run.code in (0, 1), run.stderr
    return folder, path, results


def _report(*args: str) -> dict:
    run = run_cli("report", *args, "-o", "json")
    assert run.code == 0, run.stderr
    return run.json()


def _figures(doc: dict) -> dict:
    return {r["id"]: (r["status"], r["counts"]) for r in doc["requirements"]}


def test_report_of_a_store_equals_the_report_of_the_same_results(store) -> None:
    folder, path, results = store
    from_store = _report("--store", str(path))
    from_files = _report(str(results["code"]), str(results["plan"]))
    assert len(from_store["sources"]) == 2
    assert all(str(path) in s["file"] and "run " in s["file"] for s in from_store["sources"])
    assert _figures(from_store) == _figures(from_files)
    assert from_store["coverage"] == from_files["coverage"]
    assert from_store["errors"] == [] and from_store["unread"] == []
    # one scope only
    scope = run_cli("history", "list", "--store", str(path), "-o", "json").json()["runs"]
    code_scope = next(r["scope"] for r in scope if "example" in r["scope"])
    one = _report("--store", str(path), "--scope", code_scope)
    assert _figures(one) == _figures(_report(str(results["code"])))


def test_the_last_run_of_each_scope_in_the_period_is_reported(store, tmp_path) -> None:
    folder, path, results = store
    # An older run of the code scope, imported with a date: the report of a period that
    # ends before the scans shows that run, where every finding is marked failing.
    older = json.loads(results["code"].read_text("utf-8"))
    for f in older["findings"]:
        f["status"] = "fail"
    older["provenance"]["reference"] = "hds-iac-run-20260101-000000000000"
    old_file = tmp_path / "older.json"
    old_file.write_text(json.dumps(older), "utf-8")
    run = run_cli("history", "import", str(old_file), "--store", str(path),
                  "--started", "2026-01-10T08:00:00Z")
    assert run.code == 0, run.stderr
    january = _report("--store", str(path), "--since", "2026-01-01", "--until", "2026-02-01")
    assert len(january["sources"]) == 1 and "2026-01-10" in january["sources"][0]["file"]
    fails = sum(r["counts"].get("fail", 0) for r in january["requirements"])
    now = _report("--store", str(path))
    assert fails > sum(r["counts"].get("fail", 0) for r in now["requirements"])
    assert len(now["sources"]) == 2  # the later scans of both scopes


def test_incomplete_run_makes_an_incomplete_report(store, tmp_path) -> None:
    folder, path, results = store
    own = tmp_path / "own.sqlite"
    run = run_cli("history", "import", str(results["plan"]), str(tmp_path / "missing.json"),
                  "--store", str(own))
    assert run.code == 2 and "incomplete" in run.stderr
    doc = _report("--store", str(own))
    assert any("missing.json" in e["path"] or "missing.json" in e["message"]
               for e in doc["errors"]), doc["errors"]
    html = run_cli("report", "--store", str(own), "--lang", "en")
    assert html.code == 0 and 'id="incomplete"' in html.stdout


@pytest.mark.parametrize("args, words", [
    ((), "give JSON result files, or --store"),
    (("--since", "2026-01-01"), "need --store"),
    (("--store", "{missing}"), "no such store"),
    (("--store", "{store}", "--since", "2999-01-01"), "no run recorded"),
    (("--store", "{store}", "--scope", "no such scope"), "no run recorded for scope"),
    (("--store", "{store}", "--until", "yesterday"), "expected a date or time"),
])
def test_store_errors_are_one_line_and_exit_2(store, args, words) -> None:
    folder, path, _ = store
    args = tuple(a.format(store=path, missing=folder / "nope.sqlite") for a in args)
    run = run_cli("report", *args)
    assert run.code == 2 and words in run.stderr, run.stderr
    assert run.stdout == ""
