"""The command line as users meet it: help, catalogue listing, exit statuses, bad input.

Every call here starts the real program in its own process (`run_cli_process`): this file
is where the entry point itself is tested; the other files call it in-process (conftest)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED
from conftest import run_cli_process as run_cli

EXAMPLE = FIXTURES / "example"


def test_help_explains_inputs_and_exit_status() -> None:
    run = run_cli("scan", "--help")
    assert run.code == 0
    for words in ("terraform show -json", "exit status", "unknown", "--fail-on", "--var-file"):
        assert words in run.stdout


def test_no_command_prints_help_and_exits_2() -> None:
    run = run_cli()
    assert run.code == 2
    assert "scan" in run.stdout


def test_rules_json_lists_the_whole_catalogue_with_references() -> None:
    run = run_cli("rules", "-o", "json")
    assert run.code == 0
    rules = run.json()["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) >= 20
    assert {r["topic"] for r in rules} >= {"data-location", "encryption-at-rest",
                                            "encryption-in-transit", "mfa", "multi-az", "backup"}
    for r in rules:
        assert r["references"]["hds"] or r["references"]["note"], r["id"]
        # client duties per provider, each from that provider's own matrix
        assert set(r["matrix"]) == set(r["providers"])
        for provider, duties in r["matrix"].items():
            assert all(d["provider"] == provider for d in duties), r["id"]


def test_rules_in_french() -> None:
    run = run_cli("rules", "--lang", "fr")
    assert run.code == 0
    assert "données" in run.stdout


def test_example_scan_fails_with_the_expected_findings() -> None:
    run = run_cli("scan", str(EXAMPLE), "-o", "json")
    assert run.code == 1, run.stderr
    report = run.json()
    assert report["version"] == 2 and report["errors"] == []
    failed = {(f["rule_id"], f["resource"]["address"]) for f in report["findings"]
              if f["status"] == "fail"}
    # London replica: AWS eu-west-2 is not in the EEA.
    assert ("HDS-LOC-001", "aws_s3_bucket.documents_replica") in failed
    # Replication to London: reported on the source bucket whose data leaves the EEA.
    assert ("HDS-LOC-002", "aws_s3_bucket.documents") in failed
    assert ("HDS-ENC-001", "aws_ebs_volume.scratch") in failed
    assert ("HDS-TLS-001", "aws_lb_listener.http") in failed
    assert ("HDS-MFA-004", "outscale_api_access_policy.account") in failed
    assert ("HDS-AZ-003", "aws_instance.app[0]") in failed
    assert ("HDS-AZ-003", "aws_instance.app[1]") in failed
    passed = {(f["rule_id"], f["resource"]["address"]) for f in report["findings"]
              if f["status"] == "pass"}
    assert ("HDS-LOC-001", "module.records_db.aws_db_instance.this") in passed
    assert ("HDS-AZ-001", "module.records_db.aws_db_instance.this") in passed
    assert ("HDS-ENC-001", "outscale_vm.imaging") in passed
    # Every finding names its file and line.
    for f in report["findings"]:
        assert f["resource"]["file"] and f["resource"]["line"], f


def test_cli_report_groups_by_topic_and_ends_with_a_summary() -> None:
    run = run_cli("scan", str(EXAMPLE))
    assert run.code == 1
    lines = run.stdout.rstrip().splitlines()
    assert lines[-1].startswith("hds-iac: ") and "failed" in lines[-1]
    assert "data-location" in run.stdout and "HDS-LOC-001" in run.stdout
    assert "\033[" not in run.stdout  # no colour when not a terminal


def test_fail_on_threshold_and_check_selection() -> None:
    # Only a low-or-medium rule selected, threshold critical: failures do not fail the run.
    run = run_cli("scan", str(EXAMPLE), "--check", "multi-az", "--fail-on", "critical", "-o", "json")
    assert run.code == 0, run.stderr
    topics = {f["topic"] for f in run.json()["findings"]}
    assert topics == {"multi-az"}


def test_unknown_check_is_a_usage_error() -> None:
    run = run_cli("scan", str(EXAMPLE), "--check", "HDS-NOPE-999")
    assert run.code == 2
    assert "HDS-NOPE-999" in run.stderr


def test_allowed_countries_france_only() -> None:
    run = run_cli("scan", str(EXAMPLE), "--check", "HDS-LOC-001", "--allowed-countries", "FR",
                  "-o", "json")
    statuses = {f["resource"]["address"]: f["status"] for f in run.json()["findings"]}
    assert statuses["aws_s3_bucket.documents"] == "pass"  # Paris
    assert statuses["aws_s3_bucket.documents_replica"] == "fail"


def test_bad_inputs_are_reported_and_the_rest_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = \n')
    (tmp_path / "notplan.json").write_text(json.dumps({"hello": "world"}))
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "binary.json").write_bytes(bytes(range(256)))
    (tmp_path / "notf").mkdir()
    (tmp_path / "notf" / "readme.txt").write_text("nothing here")
    loop = tmp_path / "loop"
    loop.mkdir()
    os.symlink(loop, loop / "self")
    paths = ["broken", "notplan.json", "empty.json", "binary.json", "notf", "missing.json"]
    run = run_cli("scan", *[str(tmp_path / p) for p in paths], str(EXAMPLE), str(loop),
                  "-o", "json")
    assert run.code == 2
    report = run.json()
    errored = {Path(e["path"]).name for e in report["errors"]}
    assert {"notplan.json", "empty.json", "binary.json", "notf", "missing.json"} <= errored
    assert any("main.tf" in e["path"] for e in report["errors"])
    for e in report["errors"]:
        assert "\n" not in e["message"] and e["message"]
    # The example was still scanned.
    assert any(f["resource"]["address"] == "aws_ebs_volume.scratch" for f in report["findings"])
    # Each error also went to stderr, one line each.
    assert len([l for l in run.stderr.splitlines() if l.startswith("hds-iac: error:")]) == len(
        report["errors"])


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus not present")
def test_utf16_plan_from_the_corpus_is_scanned() -> None:
    plan = SHARED / "corpus/plans-checkov/tests_terraform_parser_resources_plan_encodings_tfplan_win_utf16.json"
    run = run_cli("scan", str(plan), "-o", "json")
    assert run.code in (0, 1), run.stderr
    assert run.json()["errors"] == []
