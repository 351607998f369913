"""The CI-gate controls: config file, in-code suppressions, baselines, soft fail."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli

EXAMPLE = FIXTURES / "example"


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    target = tmp_path / "stack"
    shutil.copytree(EXAMPLE, target)
    (tmp_path / ".git").mkdir()  # config discovery stops at the repository root
    return target


def _statuses(run) -> dict[tuple[str, str], str]:
    return {(f["rule_id"], f["resource"]["address"]): f["status"] for f in run.json()["findings"]}


def test_suppression_with_reason_is_reported_as_skipped(stack: Path) -> None:
    main = stack / "main.tf"
    main.write_text(main.read_text().replace(
        'resource "aws_ebs_volume" "scratch" {',
        'resource "aws_ebs_volume" "scratch" {\n  # hds-iac:skip=HDS-ENC-001 scratch space, no health data'))
    run = run_cli("scan", str(stack), "-o", "json")
    finding = next(f for f in run.json()["findings"]
                   if f["rule_id"] == "HDS-ENC-001" and f["resource"]["address"] == "aws_ebs_volume.scratch")
    assert finding["status"] == "skipped"
    assert finding["suppression"] == {"by": "hds-iac:skip", "reason": "scratch space, no health data",
                                      "status": "fail", "location": "main.tf:33"}


def test_checkov_style_suppression_is_honoured(stack: Path) -> None:
    main = stack / "main.tf"
    main.write_text(main.read_text().replace(
        'resource "aws_lb_listener" "http" {',
        'resource "aws_lb_listener" "http" {\n  #checkov:skip=CKV_HDS_TLS_001:internal health checks only'))
    assert _statuses(run_cli("scan", str(stack), "-o", "json"))[
        ("HDS-TLS-001", "aws_lb_listener.http")] == "skipped"


def test_suppression_without_reason_is_not_applied_and_is_reported(stack: Path) -> None:
    main = stack / "main.tf"
    main.write_text(main.read_text().replace(
        'resource "aws_ebs_volume" "scratch" {',
        'resource "aws_ebs_volume" "scratch" {\n  # hds-iac:skip=HDS-ENC-001'))
    run = run_cli("scan", str(stack), "-o", "json")
    assert _statuses(run)[("HDS-ENC-001", "aws_ebs_volume.scratch")] == "fail"
    assert any("has no reason" in n["message"] for n in run.json()["notices"])


def test_baseline_gates_only_new_failures(stack: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = run_cli("scan", str(stack), "--create-baseline", str(baseline), "-o", "json")
    assert first.code == 1
    recorded = json.loads(baseline.read_text())["failures"]
    assert len(recorded) == first.json()["summary"]["failed"] > 0
    again = run_cli("scan", str(stack), "--baseline", str(baseline), "-o", "json")
    assert again.code == 0, again.stdout
    assert again.json()["summary"]["failed"] == 0
    assert again.json()["summary"]["skipped"] == len(recorded)
    (stack / "new.tf").write_text('resource "aws_ebs_volume" "new" {\n'
                                  '  availability_zone = "eu-west-3a"\n  size = 1\n}\n')
    new = run_cli("scan", str(stack), "--baseline", str(baseline), "-o", "json")
    assert new.code == 1
    assert {f["resource"]["address"] for f in new.json()["findings"] if f["status"] == "fail"} == {
        "aws_ebs_volume.new"}


def test_config_file_settings_and_cli_override(stack: Path) -> None:
    (stack / ".hds-iac.yaml").write_text(
        "allowed_countries: [FR]\nskip_check: [multi-az]\nfail_on: critical\n")
    run = run_cli("scan", str(stack), "-o", "json")
    report = run.json()
    assert "multi-az" not in {f["topic"] for f in report["findings"]}
    statuses = _statuses(run)
    assert statuses[("HDS-LOC-001", "aws_s3_bucket.documents")] == "pass"
    assert run.code == 1  # the London replica is a critical failure
    assert run_cli("scan", str(stack), "--fail-on", "critical", "--check", "multi-az",
                   "-o", "json").code == 0


def test_unknown_config_key_is_an_error_naming_the_file(stack: Path) -> None:
    (stack / ".hds-iac.yaml").write_text("allowed_regions: [eu-west-3]\n")
    run = run_cli("scan", str(stack))
    assert run.code == 2
    assert ".hds-iac.yaml" in run.stderr and "allowed_regions" in run.stderr


def test_soft_fail(stack: Path) -> None:
    assert run_cli("scan", str(stack), "--soft-fail").code == 0
