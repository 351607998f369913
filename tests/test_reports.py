"""Report formats written by the real CLI: SARIF (validated against the official 2.1.0
schema), JUnit XML, CSV, Markdown, several at once."""
from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, REPO, run_cli

EXAMPLE = FIXTURES / "example"
SARIF_SCHEMA = REPO / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"


def _sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI"):
            pytest.fail("the SARIF schema is missing: .ci/run installs it with npm")
        pytest.skip("run `npm install` for the SARIF schema")
    return json.loads(SARIF_SCHEMA.read_text())


def test_several_reports_in_one_run(tmp_path: Path) -> None:
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "sarif", "junitxml", "csv",
                                                         "markdown")}
    args = ["scan", str(EXAMPLE), "-o", "cli"]
    for fmt, path in files.items():
        args += ["-o", fmt]
    args += ["--output-file", str(tmp_path / "report.txt")]
    args += [arg for path in files.values() for arg in ("--output-file", str(path))]
    run = run_cli(*args)
    assert run.code == 1, run.stderr
    assert run.stdout == ""  # everything went to files
    report = json.loads(files["json"].read_text())
    failed = [f for f in report["findings"] if f["status"] == "fail"]
    assert failed

    sarif = json.loads(files["sarif"].read_text())
    jsonschema.validate(sarif, _sarif_schema())
    results = sarif["runs"][0]["results"]
    assert {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
            for r in results if r["kind"] == "fail"} == {
        (f["rule_id"], f["resource"]["address"]) for f in failed}
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1 and not loc["artifactLocation"]["uri"].startswith("/")

    suites = ET.fromstring(files["junitxml"].read_text())
    failures = sum(int(s.get("failures")) for s in suites.iter("testsuite"))
    assert failures == len(failed)

    rows = list(csv.DictReader(io.StringIO(files["csv"].read_text())))
    assert len(rows) == len(report["findings"])
    assert {r["status"] for r in rows} >= {"pass", "fail"}
    # a rule no EXI fits (key rotation: ISO 27001 8.24 only) has an empty hds column
    assert all(r["hds"].startswith("EXI") or r["rule_id"] == "HDS-ENC-004" for r in rows)

    md = files["markdown"].read_text()
    assert md.startswith("### ❌") and "| topic |" in md
    assert (tmp_path / "report.txt").read_text().rstrip().splitlines()[-1].startswith("hds-iac:")


def test_two_formats_on_stdout_is_a_usage_error() -> None:
    run = run_cli("scan", str(EXAMPLE), "-o", "json,sarif")
    assert run.code == 2 and "standard output" in run.stderr


def test_unwritable_output_file_exits_2(tmp_path: Path) -> None:
    run = run_cli("scan", str(EXAMPLE), "-o", "json", "--output-file",
                  str(tmp_path / "missing-dir" / "r.json"))
    assert run.code == 2 and "cannot write" in run.stderr


def test_french_report() -> None:
    run = run_cli("scan", str(EXAMPLE), "--lang", "fr")
    assert "ÉCHEC" in run.stdout and "correction" in run.stdout
    assert run.stdout.rstrip().splitlines()[-1].startswith("hds-iac : ")
