"""The summary by account of the HDS report (report/accounts.py), unit by unit: which
account an error belongs to, from the names live scans give their error entries (AWS
organisation members, Outscale accounts and profiles, a single-account result's own
errors), and when the section is shown at all. The organisation case end to end against
moto is in test_live_aws_org.py."""
from __future__ import annotations

from hds_iac.report import accounts, merge


def _finding(provider: str, account: str, status: str, rule: str = "HDS-ENC-001") -> dict:
    return {"rule_id": rule, "status": status, "severity": "high", "topic": "x",
            "resource": {"address": f"{account}/r-{status}", "provider": provider,
                         "account": account}}


def _result(findings: list[dict], errors: list[tuple[str, str]]) -> dict:
    return {"version": 1, "inputs": [], "findings": findings,
            "errors": [{"path": p, "message": m} for p, m in errors]}


def test_errors_go_to_the_account_their_path_names() -> None:
    merged = merge.Merged()
    merge.add(merged, "org.json", _result(
        [_finding("aws", "111111111111", "fail"), _finding("aws", "111111111111", "pass"),
         _finding("aws", "222222222222", "unknown")],
        [("aws account 333333333333", "role not assumed: add the trust policy"),
         ("aws account 222222222222 eu-west-3 ec2:DescribeVolumes", "access denied"),
         ("aws organization (caller 999999999999)", "not an account's error")]))
    merge.add(merged, "outscale.json", _result(
        [_finding("outscale", "OSC-1", "pass")],
        [("outscale:eu-west-2 account OSC-1 ReadVolumes", "throttled"),
         ("outscale profile backup", "profile not scanned: no such profile")]))
    rows = {(r.provider, r.account): r for r in accounts.rows(merged)}
    assert set(rows) == {("aws", "111111111111"), ("aws", "222222222222"),
                         ("aws", "333333333333"), ("outscale", "OSC-1"),
                         ("outscale", "profile backup")}
    assert rows[("aws", "111111111111")].counts == {"pass": 1, "fail": 1, "unknown": 0,
                                                    "skipped": 0}
    assert rows[("aws", "222222222222")].error_count == 1
    assert not rows[("aws", "333333333333")].scanned
    assert "trust policy" in rows[("aws", "333333333333")].errors[0]
    assert rows[("outscale", "OSC-1")].error_count == 1 and rows[("outscale", "OSC-1")].scanned
    assert not rows[("outscale", "profile backup")].scanned
    # not scanned first, then the most failures
    order = [(r.provider, r.account) for r in accounts.rows(merged)]
    assert order[:2] == [("aws", "333333333333"), ("outscale", "profile backup")]
    assert order[2] == ("aws", "111111111111")


def test_a_single_account_result_owns_its_unnamed_errors() -> None:
    merged = merge.Merged()
    merge.add(merged, "a.json", _result([_finding("aws", "111111111111", "pass")],
                                        [("aws eu-west-3 ec2:DescribeSnapshots", "timeout")]))
    merge.add(merged, "b.json", _result([_finding("aws", "222222222222", "fail")],
                                        [("aws global iam:GetCredentialReport", "denied")]))
    rows = {r.account: r for r in accounts.rows(merged)}
    assert rows["111111111111"].errors == ["aws eu-west-3 ec2:DescribeSnapshots: timeout"]
    assert rows["222222222222"].error_count == 1


def test_one_account_gives_no_section_and_errors_are_capped() -> None:
    merged = merge.Merged()
    merge.add(merged, "a.json", _result([_finding("aws", "111111111111", "fail")], []))
    assert accounts.rows(merged) == []
    many = [(f"aws account 222222222222 eu-west-3 call{n}", "denied") for n in range(12)]
    merge.add(merged, "b.json", _result([], many))
    row = next(r for r in accounts.rows(merged) if r.account == "222222222222")
    assert row.error_count == 12 and len(row.errors) == accounts.MAX_ERRORS_SHOWN
