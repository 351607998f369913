"""The JSON report version 2 (issue 11, speed and size): each rule's texts once in `rules`,
compact encoding, and every reader in the repository (report merge, history import) gets
the same finding objects as from version 1."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from hds_iac import json_contract, scan
from hds_iac.history import record
from hds_iac.output import json_report
from hds_iac.report import merge

EXAMPLE = FIXTURES / "example"  # AWS and Outscale resources failing the same rules


@pytest.fixture(scope="module")
def result():
    return scan.scan([str(EXAMPLE)])


def _version1(result) -> list[dict]:
    """The findings as version 1 wrote them (every text in every finding)."""
    keys = json.loads(json_report.render(result))["findings"]
    return [{**f.as_dict("en"), "input": k["input"]} for f, k in zip(result.findings, keys)]


def test_version_2_expands_to_version_1_findings(result):
    doc = json.loads(json_report.render(result))
    assert doc["version"] == json_contract.VERSION == 2
    assert all(set(json_contract.SHARED).isdisjoint(f) for f in doc["findings"])
    assert json_contract.expand(doc)["findings"] == _version1(result)


def test_rule_texts_are_written_once(result):
    text = json_report.render(result)
    assert "\n" not in text.rstrip("\n")  # compact
    doc = json.loads(text)
    enc = doc["rules"]["HDS-ENC-001"]
    assert set(enc["remediation"]) == set(enc["matrix"]) == {"aws", "outscale"}
    remediation = enc["remediation"]["aws"]
    assert text.count(json.dumps(remediation, ensure_ascii=False)) == 1
    failing = sum(1 for f in doc["findings"] if f["rule_id"] == "HDS-ENC-001")
    assert failing > 1


def test_merge_and_history_read_both_versions(result, tmp_path):
    v2 = json.loads(json_report.render(result))
    v1 = {**v2, "version": 1, "findings": _version1(result)}
    v1.pop("rules")
    merged = merge.Merged()
    merge.add(merged, "v1.json", v1)
    merge.add(merged, "v2.json", v2)
    first = [{k: v for k, v in f.items() if k != "source"} for f in merged.findings
             if f["source"] == 0]
    second = [{k: v for k, v in f.items() if k != "source"} for f in merged.findings
              if f["source"] == 1]
    assert first == second and first[0]["title"] and "matrix" in first[0]["references"]
    run = record.parse_result("v2.json", json.dumps(v2).encode())
    assert run.doc["findings"] == _version1(result)
    with pytest.raises(merge.MergeError, match="version 3"):
        merge.add(merged, "v3.json", {**v2, "version": 3})


def test_expand_never_trusts_the_document():
    hostile = {"version": 2, "rules": {"HDS-ENC-001": "not an object", "X": {"matrix": 3}},
               "findings": [7, {"rule_id": "HDS-ENC-001"},
                            {"rule_id": "X", "resource": "nowhere"}]}
    out = json_contract.expand(hostile)
    assert out["findings"][:2] == [7, {"rule_id": "HDS-ENC-001"}]
    assert out["findings"][2] == {"rule_id": "X", "resource": "nowhere"}
    assert json_contract.expand({"version": 2, "rules": [], "findings": []})["rules"] == []


def test_a_value_that_is_not_utf8_is_still_written(result):
    finding = result.findings[0]
    original = finding.input
    finding.input = "envs/\udcff"  # a file name's undecodable byte
    try:
        text = json_report.render(result)
    finally:
        finding.input = original
    text.encode("utf-8")
    assert "\ufffd" in text
