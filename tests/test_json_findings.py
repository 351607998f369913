"""The findings' JSON text written for a whole report (`FindingText.texts`, issue 11) is what
each finding written alone gives: what the writer keeps from one finding to the next (the
head of a rule's last finding, a resource's attributes numbered while the next resources
hold equal ones) never leaks into a finding it does not fit."""
from __future__ import annotations

import dataclasses
import json
import sys

import pytest

from conftest import REPO
from hds_iac import scan
from hds_iac.engine import Suppression
from hds_iac.model import SourceAttribute
from hds_iac.output.json_findings import FindingText

sys.path.insert(0, str(REPO / "scripts"))
import benchmark  # noqa: E402


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    benchmark.make_plan(path, 60)  # resources of each kind, in runs of one type
    return scan.scan([str(path)]).findings


def _alone(findings) -> list[str]:
    """Each finding written by a writer of its own: nothing kept from another finding."""
    return [FindingText("en")(f) for f in findings]


def test_a_report_s_findings_are_each_finding_written_alone(findings):
    assert len({f.rule_id for f in findings}) > 10
    assert list(FindingText("en").texts(findings)) == _alone(findings)
    assert list(FindingText("fr").texts(findings, with_input=False)) == [
        FindingText("fr")(f, with_input=False) for f in findings]


def _with_params(f, **params):
    return dataclasses.replace(f, verdict=dataclasses.replace(f.verdict, params=params))


def test_equal_params_of_another_type_are_not_the_last_finding_s(findings):
    short = next(f for f in findings if f.verdict.message == "fail_short")
    # 1 == True == 1.0, but they print differently: the rule's last head must not serve
    alike = [_with_params(short, days=1, min=7), _with_params(short, days=True, min=7),
             _with_params(short, days=1.0, min=7), _with_params(short, days=1, min=7)]
    texts = list(FindingText("en").texts(alike))
    assert texts == _alone(alike)
    assert len({json.loads(t)["message"] for t in texts}) == 3


def test_a_rule_s_next_finding_with_other_params_or_status(findings):
    short = next(f for f in findings if f.verdict.message == "fail_short")
    passed = next(f for f in findings if f.rule_id == short.rule_id and f.status == "pass")
    disabled = next(f for f in findings if f.verdict.message == "fail_disabled")
    waived = dataclasses.replace(short, suppression=Suppression("baseline", "accepted"))
    alike = [_with_params(short, days=2, min=7), _with_params(short, days=3, min=7),
             passed, _with_params(short, days=2, min=7), waived, short, waived,
             _with_params(disabled, **short.verdict.params), short]
    assert list(FindingText("en").texts(alike)) == _alone(alike)


def test_a_rule_s_next_finding_on_another_provider(findings):
    # HDS-ENC-001 weighs less on Outscale: the head of its last AWS finding must not serve
    aws = next(f for f in findings if f.rule_id == "HDS-ENC-001" and f.status == "fail")
    outscale = _on(aws, dataclasses.replace(aws.resource, provider="outscale"))
    run = [aws, outscale, aws]
    texts = list(FindingText("en").texts(run))
    assert texts == _alone(run)
    assert [json.loads(t)["severity"] for t in texts] == ["high", "low", "high"]


def test_resources_whose_attributes_differ_follow_one_another(findings):
    # every finding of a resource with attributes, then the same findings in the reverse
    # order: resources of different kinds alternate, their attributes' shapes too
    mixed = [f for f in findings if f.verdict.facets]
    assert len({id(f.resource.attributes) for f in mixed}) > 10
    both = mixed + mixed[::-1]
    assert list(FindingText("en").texts(both)) == _alone(both)


def _on(f, resource):
    return dataclasses.replace(f, verdict=dataclasses.replace(f.verdict, resource=resource))


def test_the_next_resource_s_attributes_differ(findings):
    f = next(f for f in findings if f.verdict.facets and f.verdict.attributes)
    res = f.resource
    other = {k: SourceAttribute(f"{a.path}.other", set=not a.set)
             for k, a in res.attributes.items()}
    equal = {k: dataclasses.replace(a) for k, a in res.attributes.items()}  # new, equal
    run = [f, _on(f, dataclasses.replace(res, address="b", attributes=other)),
           _on(f, dataclasses.replace(res, address="c", attributes=other)),
           _on(f, dataclasses.replace(res, address="d", attributes=equal)), f]
    texts = list(FindingText("en").texts(run))
    assert texts == _alone(run)
    assert texts[0].count(".other") == texts[3].count(".other") == 0 < texts[1].count(".other")


def test_one_resource_in_two_accounts(findings):
    f = findings[0]
    run = [dataclasses.replace(f, account="111111111111"),
           dataclasses.replace(f, account="222222222222"), f]
    texts = list(FindingText("en").texts(run))
    assert texts == _alone(run)
    assert [json.loads(t)["resource"].get("account") for t in texts] == [
        "111111111111", "222222222222", None]
