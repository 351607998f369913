"""Every fixture case under fixtures/rules is scanned by the real CLI and must give
exactly the findings its expect.yaml lists for its rule."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli

CASES = sorted(p.parent for p in (FIXTURES / "rules").glob("*/*/expect.yaml"))


def _target(case: Path) -> Path:
    """A case is a Terraform folder, or a folder holding one plan/state JSON."""
    jsons = sorted(case.glob("*.json")) + sorted(case.glob("*.tfstate"))
    return jsons[0] if jsons else case


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture(case: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text())
    rule = expect["rule"]
    args = ["scan", str(_target(case)), "-o", "json", "--check", rule]
    for var_file in expect.get("var_files", []):
        args += ["--var-file", str(case / var_file)]
    run = run_cli(*args)
    assert run.code in (0, 1), run.stderr
    report = run.json()
    assert report["errors"] == []
    got = sorted((f["resource"]["address"], f["status"]) for f in report["findings"]
                 if f["rule_id"] == rule)
    want = sorted((f["address"], f["status"]) for f in expect["findings"])
    assert got == want
    assert run.code == (1 if any(s == "fail" for _, s in want) else 0)


def test_every_rule_has_a_case_for_each_outcome_it_can_give() -> None:
    """A pass, a fail, and an unknown when the rule has an unknown message: an unknown
    that no fixture reaches end to end is an honest answer nobody has seen given."""
    from hds_iac import catalogue

    outcomes: dict[str, set[str]] = {}
    for case in CASES:
        expect = yaml.safe_load((case / "expect.yaml").read_text())
        outcomes.setdefault(expect["rule"], set()).update(
            f["status"] for f in expect["findings"])
    missing = []
    for meta in catalogue.load():
        if "code" not in meta.sources:
            continue  # live-only rules are covered by tests/test_live_*.py
        wanted = {"pass", "fail"} | ({"unknown"} & set(meta.messages))
        if not wanted <= outcomes.get(meta.id, set()):
            missing.append((meta.id, sorted(wanted - outcomes.get(meta.id, set()))))
    assert missing == []
