"""Messages a developer can act on (issue 9 §6): the terminal report keeps one line per
finding and shows each rule's fix once, for the resource's provider only."""
from __future__ import annotations

import re

from conftest import FIXTURES, run_cli
from hds_iac import catalogue

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
    findings = run_cli("scan", str(EXAMPLE), "-o", "json").json()["findings"]
    enc = {f["resource"]["provider"]: f["remediation"] for f in findings
           if f["rule_id"] == "HDS-ENC-001"}
    assert "LUKS" in enc["outscale"] and "aws_ebs_volume" not in enc["outscale"]
    assert "aws_ebs_volume" in enc["aws"] and "LUKS" not in enc["aws"]
