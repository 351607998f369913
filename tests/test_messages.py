"""Messages a developer can act on (issue 9 §6): the terminal report keeps one line per
finding and shows each rule's fix once, for the resource's provider only."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run_cli
from hds_iac import catalogue, json_contract

EXAMPLE = FIXTURES / "example"  # AWS and Outscale resources failing the same rules


def test_terminal_one_line_per_finding_and_one_fix_per_rule_and_provider() -> None:
    run = run_cli("scan", str(EXAMPLE))
    findings = run_cli("scan", str(EXAMPLE), "-o", "json").json()["findings"]
    shown = [f for f in findings if f["status"] != "pass"]
    lines = run.stdout.splitlines()
    status_lines = [ln for ln in lines if re.match(r"  (FAIL|UNKNOWN|SKIPPED) ", ln)]
    assert len(status_lines) == len(shown)
    for f in shown:  # the message is on the finding's own line
        assert any(f["resource"]["address"] in ln and f["message"] in ln for ln in status_lines), f

    fixes = [ln for ln in lines if ln.startswith("  fix ")]
    keys = [tuple(re.match(r"  fix (\S+) \((\w+)\):", ln).groups()) for ln in fixes]
    assert len(keys) == len(set(keys))  # once per rule and provider
    expected = {(f["rule_id"], {"aws": "AWS", "outscale": "Outscale"}[f["resource"]["provider"]])
                for f in shown}
    assert set(keys) == expected
    # HDS-ENC-001 fails on an AWS volume and an Outscale volume: each gets its own fix only.
    cat = catalogue.load()
    enc = cat["HDS-ENC-001"]
    aws_fix = next(ln for ln in fixes if ln.startswith("  fix HDS-ENC-001 (AWS)"))
    outscale_fix = next(ln for ln in fixes if ln.startswith("  fix HDS-ENC-001 (Outscale)"))
    assert " ".join(enc.remediation_for("aws").en.split()) in aws_fix
    assert "LUKS" not in aws_fix and "aws_ebs_volume" not in outscale_fix
    # No remediation paragraph repeated under findings.
    assert sum(" ".join(enc.remediation_for("aws").en.split()) in ln for ln in lines) == 1


def test_json_remediation_is_the_resources_provider_fix() -> None:
    doc = run_cli("scan", str(EXAMPLE), "-o", "json").json()
    # Version 2: once per rule and provider; a reader expands it into every finding.
    assert set(doc["rules"]["HDS-ENC-001"]["remediation"]) == {"aws", "outscale"}
    findings = json_contract.expand(doc)["findings"]
    enc = {f["resource"]["provider"]: f["remediation"] for f in findings
           if f["rule_id"] == "HDS-ENC-001"}
    assert "LUKS" in enc["outscale"] and "aws_ebs_volume" not in enc["outscale"]
    assert "aws_ebs_volume" in enc["aws"] and "LUKS" not in enc["aws"]


def test_pre_commit_help_lists_the_modes() -> None:
    run = run_cli("pre-commit", "--help")
    assert run.code == 0, run.stderr
    for mode in ("native", "plan", "checkov"):
        assert mode in run.stdout
    run = run_cli("pre-commit", "nonsense")
    assert run.code == 2 and "--help" in run.stderr


def test_debug_flag_shows_the_traceback_of_an_internal_error(monkeypatch, capsys) -> None:
    from hds_iac import cli

    def broken(args, hook=False):  # a bug of ours, wherever it is
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_scan", broken)
    monkeypatch.delenv("HDS_IAC_DEBUG", raising=False)
    assert cli.main(["scan", str(EXAMPLE)]) == 2
    assert "internal error (RuntimeError)" in capsys.readouterr().err
    for argv in (["scan", str(EXAMPLE), "--debug"], ["--debug", "scan", str(EXAMPLE)]):
        with pytest.raises(RuntimeError, match="boom"):
            cli.main(argv)


def test_negative_days_and_empty_countries_are_usage_errors(tmp_path: Path) -> None:
    run = run_cli("scan", str(EXAMPLE), "--min-backup-retention-days", "-1")
    assert run.code == 2 and "cannot be negative" in run.stderr
    run = run_cli("scan", str(EXAMPLE), "--allowed-countries", " , ")
    assert run.code == 2 and "no country given" in run.stderr
    run = run_cli("live", "aws", "--max-snapshot-age-days", "-3")
    assert run.code == 2 and "cannot be negative" in run.stderr
    for text, words in (("max_snapshot_age_days: -1\n", "max_snapshot_age_days"),
                        ("min_backup_retention_days: -7\n", "cannot be negative"),
                        ("allowed_countries: []\n", "no country given"),
                        ("allowed_countries: ''\n", "no country given")):
        config = tmp_path / ".hds-iac.yaml"
        config.write_text(text)
        run = run_cli("scan", str(EXAMPLE), "--config", str(config))
        assert run.code == 2 and words in run.stderr and str(config) in run.stderr, (text, run)


def test_every_day_setting_of_the_configuration_file_is_applied(tmp_path: Path) -> None:
    # min_log_retention_days was checked for a negative value and then never applied: HDS-LOG-007
    # judged against 180 days whatever the file said.
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-3"\n}\n'
        'resource "aws_cloudwatch_log_group" "app" {\n  name = "app"\n'
        '  retention_in_days = 60\n}\n')
    config = tmp_path / ".hds-iac.yaml"

    def log_007(*config_args: str) -> list[str]:
        found = run_cli("scan", str(tmp_path), "-o", "json", *config_args).json()["findings"]
        return [f["status"] for f in found if f["rule_id"] == "HDS-LOG-007"]

    assert log_007() == ["fail"]
    config.write_text("min_log_retention_days: 30\n")
    assert log_007("--config", str(config)) == ["pass"]


def test_ci_run_installs_system_packages_only_when_ci_asks() -> None:
    """.ci/run says what it installs; apt-get runs only under CI=true."""
    lines = (REPO / ".ci/run").read_text().splitlines()
    apt = [i for i, ln in enumerate(lines) if "apt-get install" in ln]
    assert apt
    for i in apt:
        guard = next(ln for ln in reversed(lines[:i]) if ln.strip().startswith("if "))
        assert '"${CI:-}" = "true"' in guard, guard
        assert any("echo" in ln and "installing" in ln for ln in lines[i - 3:i]), lines[i - 3:i]
