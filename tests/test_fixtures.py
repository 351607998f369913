"""Every fixture case under fixtures/rules is scanned by the real CLI and must give
exactly the findings its expect.yaml lists for its rule (tests/test_fixture_verdicts.py
checks the same verdicts in-process, fast enough for mutation testing)."""
from __future__ import annotations

import pytest

from conftest import run_cli
from rule_fixtures import CASES, Case, missing_texts
from rule_helpers import NO_FAIL_FROM_CODE


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    args = ["scan", str(case.target), "-o", "json", "--check", case.rule]
    for var_file in case.var_files:
        args += ["--var-file", var_file]
    run = run_cli(*args)
    assert run.code in (0, 1), run.stderr
    report = run.json()
    assert report["errors"] == []
    got = sorted((f["resource"]["address"], f["status"]) for f in report["findings"]
                 if f["rule_id"] == case.rule)
    assert got == list(case.want)
    assert missing_texts(case, {f["resource"]["address"]: f["message"] for f in report["findings"]
                                if f["rule_id"] == case.rule}) == []
    assert run.code == (1 if any(s == "fail" for _, s in case.want) else 0)


def test_every_rule_has_a_case_for_each_outcome_it_can_give() -> None:
    """A pass, a fail, and an unknown when the rule has an unknown message: an unknown
    that no fixture reaches end to end is an honest answer nobody has seen given."""
    from hds_iac import catalogue

    outcomes: dict[str, set[str]] = {}
    for case in CASES:
        outcomes.setdefault(case.rule, set()).update(s for _, s in case.want)
    missing = []
    for meta in catalogue.load():
        if "code" not in meta.sources:
            continue  # live-only rules are covered by tests/test_live_*.py
        wanted = {"pass", "fail"} | ({"unknown"} & set(meta.messages))
        if meta.id in NO_FAIL_FROM_CODE:
            wanted.discard("fail")
            assert "fail" not in outcomes.get(meta.id, set()), meta.id
        if not wanted <= outcomes.get(meta.id, set()):
            missing.append((meta.id, sorted(wanted - outcomes.get(meta.id, set()))))
    assert missing == []
