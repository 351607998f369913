"""The CI-gate controls: config file, in-code suppressions, baselines, soft fail."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
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


# --- nothing outside the repository switches the gate off (issue 9 §2) ----------------------

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
SKIP_ALL = "skip_check: [data-location, encryption-at-rest, encryption-in-transit, mfa, " \
           "access-keys, multi-az, backup]\n"
VOLUME = ('provider "aws" {\n  region = "eu-west-3"\n}\n'
          'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-3a"\n  size = 1\n'
          '  encrypted = %s\n}\n')


def _git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True,
                   env={**os.environ, **GIT_ENV})


def test_a_config_file_in_a_shared_parent_is_not_used(tmp_path: Path) -> None:
    """Outside a repository only the scanned folder's own file counts: a file that skips
    every rule in a shared parent (a runner's workspace, /tmp) must not turn the gate into
    exit 0; a planted empty `.git` folder does not make the parent a repository either."""
    shared = tmp_path / "shared"
    (shared / "job" / "stack").mkdir(parents=True)
    (shared / ".hds-iac.yaml").write_text(SKIP_ALL)
    (shared / ".git").mkdir()  # not a repository to git
    stack = shared / "job" / "stack"
    (stack / "main.tf").write_text(VOLUME % "false")
    for cwd in (tmp_path, stack):
        run = run_cli("scan", str(stack), "-o", "json", cwd=cwd)
        assert run.code == 1, run.stdout + run.stderr
        assert run.json()["config_file"] is None
        assert run.json()["summary"]["failed"] > 0
    # in the scanned folder itself, it is used (and named)
    (stack / ".hds-iac.yaml").write_text(SKIP_ALL)
    run = run_cli("scan", str(stack), "-o", "json", cwd=stack)
    assert run.code == 0 and run.json()["config_file"] == ".hds-iac.yaml"


def test_config_discovery_stops_at_the_repository_root_and_names_the_file(
        tmp_path: Path) -> None:
    (tmp_path / ".hds-iac.yaml").write_text(SKIP_ALL)  # above the repository: never read
    repo = tmp_path / "repo"
    (repo / "infra" / "prod").mkdir(parents=True)
    _git_init(repo)
    prod = repo / "infra" / "prod"
    (prod / "main.tf").write_text(VOLUME % "false")
    run = run_cli("scan", "infra/prod", "-o", "json", cwd=repo)
    assert run.code == 1 and run.json()["config_file"] is None
    assert "configuration file: none" in run_cli("scan", "infra/prod", cwd=repo).stdout
    (repo / ".hds-iac.yaml").write_text("check: [data-location]\n")  # the repository's own
    for fmt, named in (("cli", "configuration file: .hds-iac.yaml"),
                       ("markdown", "configuration file: .hds-iac.yaml"),
                       ("junitxml", 'name="config_file" value=".hds-iac.yaml"'),
                       ("csv", ",.hds-iac.yaml,"),  # then the account column
                       ("sarif", '"config_file": ".hds-iac.yaml"'),
                       ("json", '"config_file":".hds-iac.yaml"')):  # compact
        run = run_cli("scan", "infra/prod", "-o", fmt, cwd=repo)
        assert run.code == 0, (fmt, run.stdout + run.stderr)
        assert named in run.stdout, fmt


def _two_environments(repo: Path) -> None:
    for env in ("prod", "staging"):
        (repo / "infra" / env).mkdir(parents=True)
        (repo / "infra" / env / "main.tf").write_text(VOLUME % ("false" if env == "prod"
                                                                 else "true"))
    _git_init(repo)


def test_a_baseline_of_prod_does_not_hide_a_new_failure_in_staging(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _two_environments(repo)
    baseline = repo / "baseline.json"
    first = run_cli("scan", "infra", "--check", "HDS-ENC-001", "--create-baseline",
                    str(baseline), "-o", "json", cwd=repo)
    assert first.code == 1
    assert [{k: e[k] for k in ("rule_id", "address", "input")}
            for e in json.loads(baseline.read_text())["failures"]] == [
        {"rule_id": "HDS-ENC-001", "address": "aws_ebs_volume.v", "input": "infra/prod"}]
    # the same baseline, from another working folder and another path spelling
    again = run_cli("scan", "prod", "staging", "--check", "HDS-ENC-001", "--baseline",
                    str(baseline), "-o", "json", cwd=repo / "infra")
    assert again.code == 0, again.stdout + again.stderr
    # staging's volume loses its encryption: a NEW failure, not the baselined one of prod
    (repo / "infra" / "staging" / "main.tf").write_text(VOLUME % "false")
    new = run_cli("scan", "infra", "--check", "HDS-ENC-001", "--baseline", str(baseline),
                  "-o", "json", cwd=repo)
    assert new.code == 1, new.stdout
    statuses = {(f["resource"]["file"], f["status"]) for f in new.json()["findings"]}
    # file names are relative to the repository root (SARIF, CLI, JSON alike)
    assert statuses == {("infra/prod/main.tf", "skipped"), ("infra/staging/main.tf", "fail")}


def test_an_old_baseline_is_read_with_a_notice(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _two_environments(repo)
    old = repo / "old-baseline.json"
    old.write_text(json.dumps({"version": 1, "tool": "hds-iac", "failures": [
        {"rule_id": "HDS-ENC-001", "address": "aws_ebs_volume.v"}]}))
    run = run_cli("scan", "infra", "--check", "HDS-ENC-001", "--baseline", str(old),
                  "-o", "json", cwd=repo)
    assert run.code == 0, run.stdout + run.stderr  # still honoured, for every input
    [notice] = [n for n in run.json()["notices"] if n["path"] == str(old)]
    assert "cannot tell inputs apart" in notice["message"]
    assert f"--create-baseline {old}" in notice["message"]
    cli_run = run_cli("scan", "infra", "--check", "HDS-ENC-001", "--baseline", str(old),
                      cwd=repo)
    assert sum("cannot tell inputs apart" in line for line in cli_run.stdout.splitlines()) == 1
