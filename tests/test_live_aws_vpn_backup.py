"""Client VPN endpoints (HDS-MFA-006) and AWS Backup recovery points (HDS-ENC-005) read
from a live account: a real moto_server over HTTP behind the logging proxy, scanned by the
CLI. moto 5.2 implements neither `DescribeClientVpnEndpoints` nor
`ListRecoveryPointsByBackupVault`: the proxy serves them in the API's own format (EC2 XML,
Backup JSON pages), and one test lets moto answer itself to show that the scan then says
unknown, naming the call."""
from __future__ import annotations

import json
import subprocess

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from aws_moto import (  # noqa: E402
    ACCOUNT, FAKE_KEY, FAKE_SECRET, PARIS, LiveAccount, cli_env, clients, writes,
)

from hds_iac.live.aws import collect  # noqa: E402

CERT = "certificate-authentication"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with LiveAccount(tmp_path_factory.mktemp("moto-vpn-backup")) as env:
        yield env


@pytest.fixture()
def account(live):
    """An empty account for each test, with the proxy's answers back to empty listings."""
    live.moto.reset()
    live.stubs.clear()
    live.proxy.faults.clear()
    return clients(live.url)


def _scan(live, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    proc = live.run("--services", "ec2,backup", "-o", "json", *args, regions=PARIS)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


def _verdicts(report: dict, rule: str) -> dict[str, tuple[str, str]]:
    return {f["resource"]["address"]: (f["status"], f["message"])
            for f in report["findings"] if f["rule_id"] == rule}


def _endpoint(ident: str, *types: str, **extra: object) -> dict:
    return {"ClientVpnEndpointId": ident, "Status": {"Code": "available"},
            "AuthenticationOptions": [{"Type": t} for t in types], "VpnProtocol": "openvpn",
            "TransportProtocol": "udp", "VpnPort": 443, **extra}


def _arn(ident: str) -> str:
    return f"arn:aws:ec2:{PARIS}:{ACCOUNT}:client-vpn-endpoint/{ident}"


def test_client_vpn_endpoints_are_judged_on_their_factors(live, account):
    live.stubs.client_vpn[PARIS] = [
        _endpoint("cvpn-endpoint-two", CERT, "federated-authentication"),
        _endpoint("cvpn-endpoint-cert", CERT, TransportProtocol="tcp", VpnPort=1194),
        _endpoint("cvpn-endpoint-ad", "directory-service-authentication"),
        {**_endpoint("cvpn-endpoint-gone", CERT), "Status": {"Code": "deleted"}},
    ]
    live.proxy.start()
    report, proc = _scan(live)
    requests = live.proxy.stop_recording()
    assert report["errors"] == [], report["errors"]
    assert writes(requests) == []
    got = _verdicts(report, "HDS-MFA-006")
    assert set(got) == {_arn("cvpn-endpoint-two"), _arn("cvpn-endpoint-cert"),
                        _arn("cvpn-endpoint-ad")}, got
    status, message = got[_arn("cvpn-endpoint-two")]
    assert status == "pass" and "client certificate + SAML identity provider" in message
    finding = next(f for f in report["findings"] if f["rule_id"] == "HDS-MFA-006")
    assert [a["path"] for a in finding["attributes"]] == ["AuthenticationOptions"]
    status, message = got[_arn("cvpn-endpoint-cert")]
    assert status == "fail" and "tcp:1194" in message, message
    status, message = got[_arn("cvpn-endpoint-ad")]
    assert status == "unknown" and "RADIUS" in message, message
    # Client VPN endpoints are not site-to-site tunnels: HDS-TLS-007 says nothing of them.
    assert not any(a.startswith(_arn("")) for a in _verdicts(report, "HDS-TLS-007"))
    assert proc.returncode == 1


def _point(arn: str, resource_type: str, encrypted: object = None) -> dict:
    point = {"RecoveryPointArn": arn, "ResourceType": resource_type, "Status": "COMPLETED",
             "ResourceArn": f"arn:aws:elasticfilesystem:{PARIS}:{ACCOUNT}:file-system/fs-1",
             "BackupVaultName": "daily", "BackupSizeInBytes": 1024}
    if encrypted is not None:
        point["IsEncrypted"] = encrypted
    return point


def _point_arn(name: str) -> str:
    return f"arn:aws:backup:{PARIS}:{ACCOUNT}:recovery-point:{name}"


def test_recovery_points_are_judged_on_is_encrypted_page_by_page(live, account):
    account("backup").create_backup_vault(BackupVaultName="daily")
    live.stubs.recovery_points["daily"] = [
        _point(_point_arn("efs"), "EFS", True),
        _point(f"arn:aws:rds:{PARIS}:{ACCOUNT}:snapshot:awsbackup:job-1", "RDS", False),
        _point(_point_arn("unstated"), "DynamoDB"),
    ] + [_point(_point_arn(f"more-{n}"), "EFS", True) for n in range(3)]
    live.proxy.start()
    report, proc = _scan(live, "--page-size", "2")
    requests = live.proxy.stop_recording()
    assert report["errors"] == [], report["errors"]
    listed = [r for r in requests if r.service == "backup" and "/recovery-points" in r.path]
    # 6 points in pages of 5 (the smallest page hds-iac asks for outside RDS/ElastiCache)
    assert len(listed) == 2 and "maxResults=5" in listed[0].path
    got = _verdicts(report, "HDS-ENC-005")
    assert got[_point_arn("efs")][0] == "pass"
    finding = next(f for f in report["findings"] if f["rule_id"] == "HDS-ENC-005"
                   and f["resource"]["address"] == _point_arn("unstated"))
    assert finding["attributes"] == [{"path": "IsEncrypted", "set": False}], finding
    status, message = got[f"arn:aws:rds:{PARIS}:{ACCOUNT}:snapshot:awsbackup:job-1"]
    assert status == "fail" and "recovery point of RDS in vault daily" in message, message
    status, message = got[_point_arn("unstated")]
    assert status == "unknown" and "IsEncrypted" in message, message
    assert sum(a.startswith(_point_arn("more-")) for a in got) == 3
    assert proc.returncode == 1


def test_reads_moto_does_not_implement_are_unknown_naming_the_call(live, account):
    """moto answers DescribeClientVpnEndpoints with an HTML error page and
    ListRecoveryPointsByBackupVault with a 404: each is one read error naming the call and
    the permission, the vault's recovery points are unknown, the scan goes on (exit 2)."""
    account("backup").create_backup_vault(BackupVaultName="daily")
    live.stubs.client_vpn = None
    live.stubs.recovery_points = None
    report, proc = _scan(live, "--max-attempts", "1")
    messages = {e["path"]: e["message"] for e in report["errors"]}
    assert set(messages) == {f"aws {PARIS} ec2:DescribeClientVpnEndpoints",
                             f"aws {PARIS} backup:ListRecoveryPointsByBackupVault"}, messages
    assert "not in the API's format" in messages[f"aws {PARIS} ec2:DescribeClientVpnEndpoints"]
    assert "404" in messages[f"aws {PARIS} backup:ListRecoveryPointsByBackupVault"]
    got = _verdicts(report, "HDS-ENC-005")
    vault = f"arn:aws:backup:{PARIS}:{ACCOUNT}:backup-vault:daily#recovery-points"
    status, message = got[vault]
    assert status == "unknown" and "ListRecoveryPointsByBackupVault" in message, message
    assert proc.returncode == 2
    assert "<html" not in proc.stdout + proc.stderr


def test_recovery_points_beyond_the_bound_are_left_out_with_a_notice(live, account,
                                                                     monkeypatch):
    """At most `max_recovery_points` per vault are read, and no page more than needed."""
    from hds_iac.live.aws.session import AwsSession, SessionOptions

    account("backup").create_backup_vault(BackupVaultName="daily")
    live.stubs.recovery_points["daily"] = [_point(_point_arn(f"p{n}"), "EFS", True)
                                           for n in range(7)]
    for name, value in cli_env(FAKE_KEY, FAKE_SECRET).items():
        monkeypatch.setenv(name, value)
    session = AwsSession(SessionOptions(endpoint_url=live.proxy.url, regions=[PARIS]))
    collector = collect.Collector(session, ACCOUNT, max_recovery_points=3)
    try:
        got = collector.backup(PARIS)
    finally:
        collector.close()
    assert [p["RecoveryPointArn"] for p in got["recovery_points"]["daily"]] == [
        _point_arn(f"p{n}") for n in range(3)]
    # Pages of 4 (the bound and one more, to see that there are more): one request.
    assert collector.calls["backup:ListRecoveryPointsByBackupVault"] == 1
    assert any("daily" in n and "more than 3" in n for n in collector.notices)
    # Only the fields the adapter reads are kept.
    assert set(got["recovery_points"]["daily"][0]) <= set(collect.RECOVERY_POINT_FIELDS)
