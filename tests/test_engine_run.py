"""What `engine.run` promises whatever the rules are: the order of findings (by file, line,
address and rule, ties in the rule's verdict order) and the contract each verdict keeps
(a known status, a declared kind), with rules swapped for hand-written ones."""
from __future__ import annotations

import pytest

from hds_iac import engine, rules
from hds_iac.model import Inventory, Origin, Resource
from hds_iac.rules import Verdict
from hds_iac.settings import Settings


def make(address: str, file: str, line: int, kind: str = "volume") -> Resource:
    return Resource(address=address, type="aws_ebs_volume", provider="aws", kind=kind,
                    region="eu-west-3", origin=Origin("hcl", file, line))


def swap(monkeypatch, rule_id: str, *verdicts: Verdict) -> None:
    """`rule_id` gives `verdicts`, in that order."""
    rules.registry()  # every real rule registered first, so that the swap is not undone
    monkeypatch.setitem(rules._REGISTRY, rule_id, lambda inventory, settings: list(verdicts))


def test_findings_are_ordered_by_place_then_rule_then_verdict_order(monkeypatch) -> None:
    # two resources at the same place (a file, line and address read twice) keep the order
    # their rule gave, rule by rule; runs asked in any order are reported by rule
    late, twin_a, twin_b = (make("v.z", "b.tf", 1), make("v.a", "a.tf", 5),
                            make("v.a", "a.tf", 5))
    early = make("v.b", "a.tf", 2)
    swap(monkeypatch, "HDS-LOC-001", Verdict(late, "pass", "pass"),
         Verdict(twin_b, "fail", "fail"), Verdict(twin_a, "pass", "pass"),
         Verdict(early, "unknown", "unknown"))
    swap(monkeypatch, "HDS-ENC-003", Verdict(twin_a, "fail", "fail"),
         Verdict(late, "fail", "fail"), Verdict(twin_b, "pass", "pass"))
    inventory = Inventory([late, twin_a, twin_b, early])
    found = engine.run(inventory, Settings(), ["HDS-LOC-001", "HDS-ENC-003"])
    assert [(f.rule_id, f.verdict.resource) for f in found] == [
        ("HDS-LOC-001", early),
        ("HDS-ENC-003", twin_a), ("HDS-ENC-003", twin_b),
        ("HDS-LOC-001", twin_b), ("HDS-LOC-001", twin_a),
        ("HDS-ENC-003", late), ("HDS-LOC-001", late)]
    assert [(f.verdict.resource.address, f.status) for f in found][1:3] == [
        ("v.a", "fail"), ("v.a", "pass")]


def test_a_rule_run_twice_reports_its_findings_twice_in_run_order(monkeypatch) -> None:
    res = make("v.a", "a.tf", 1)
    first, second = Verdict(res, "pass", "pass"), Verdict(res, "fail", "fail")
    results = iter([[first], [second]])
    rules.registry()
    monkeypatch.setitem(rules._REGISTRY, "HDS-LOC-001", lambda inventory, settings: next(results))
    found = engine.run(Inventory([res]), Settings(), ["HDS-LOC-001", "HDS-LOC-001"])
    assert [f.verdict for f in found] == [first, second]


@pytest.mark.parametrize("verdict, words", [
    (Verdict(make("v.a", "a.tf", 1), "passed", "pass"), "status 'passed'"),
    (Verdict(make("u.a", "a.tf", 1, kind="user"), "pass", "pass"), "declares only"),
])
def test_a_verdict_breaking_the_rule_contract_makes_the_rule_an_error(monkeypatch, verdict,
                                                                      words) -> None:
    """A status other than pass/fail/unknown, or a kind the rule does not declare, is a bug
    of the rule: the rule is reported as failed, with none of its findings, and the other
    rules still run."""
    fine = Verdict(make("v.b", "a.tf", 2), "pass", "pass")
    swap(monkeypatch, "HDS-LOC-001", fine, verdict)
    swap(monkeypatch, "HDS-ENC-003", fine)
    errors: list[tuple[str, Exception]] = []
    found = engine.run(Inventory([verdict.resource, fine.resource]), Settings(),
                       ["HDS-LOC-001", "HDS-ENC-003"],
                       on_error=lambda rule_id, exc: errors.append((rule_id, exc)))
    assert [(rule_id, type(exc)) for rule_id, exc in errors] == [("HDS-LOC-001", ValueError)]
    assert words in str(errors[0][1])
    assert [f.rule_id for f in found] == ["HDS-ENC-003"]


def test_a_finding_built_by_the_engine_is_the_one_the_class_call_builds() -> None:
    """`engine._finding` stores a finding's slots itself (cheaper than calling the class):
    every field of `Finding` is set, to what `Finding(...)` would set it."""
    import dataclasses

    from hds_iac import catalogue

    meta = catalogue.load()["HDS-LOC-001"]
    verdict = Verdict(make("v.a", "a.tf", 1), "pass", "pass")
    duties = ("a duty",)
    built = engine._finding(meta, verdict, "plan.json", duties, "123456789012")  # type: ignore[arg-type]
    called = engine.Finding(meta, verdict, None, "plan.json", None, duties, "123456789012")  # type: ignore[arg-type]
    for field in dataclasses.fields(engine.Finding):
        assert getattr(built, field.name) == getattr(called, field.name), field.name
    assert built == called
