"""`hds-iac live aws` end to end against a real moto_server (boto3 over HTTP).

Scenarios are built through boto3 (tests/aws_moto.py); the real CLI runs in a subprocess
with fake credentials in its environment. A logging proxy in front of moto records every
request the scan sends (the read-only proof) and serves the two read APIs moto 5.2 lacks
(DLM policies, AWS Backup selections). moto's IAM enforcement checks that the shipped
least-privilege policy is enough, and that a missing permission gives a partial scan.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from aws_moto import (  # noqa: E402
    ACCOUNT, FAKE_KEY, FAKE_SECRET, LONDON, PARIS, PASSWORD_POLICY, LiveAccount,
    build_scenario, cli_env, clients, writes,
)

from hds_iac import catalogue  # noqa: E402
from hds_iac.live.aws import adapt, collect  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
POLICY_FILE = REPO / "docs" / "iam" / "hds-iac-readonly.json"
RULES = set(catalogue.load().rules)


CLI = "hds_iac.cli"


class Live(LiveAccount):
    """The account, and which scenario it currently holds."""

    def __init__(self, tmp: Path):
        super().__init__(tmp)
        self.current: str | None = None
        self.scenario = None

    def ensure(self, name: str, build) -> None:
        if self.current != name:
            self.moto.reset()
            self.stubs.clear()
            self.scenario = build(self.moto.url, self.stubs)
            self.current = name


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    env = Live(tmp_path_factory.mktemp("moto"))
    yield env
    env.close()


@pytest.fixture(scope="module")
def main_run(live):
    """The main scenario, scanned once by the CLI (-o json) with the request log on."""
    live.ensure("main", build_scenario)
    live.proxy.start()
    proc = live.run("-o", "json")
    requests = live.proxy.stop_recording()
    assert proc.stdout, proc.stderr
    return proc, json.loads(proc.stdout), requests


@pytest.fixture(scope="module")
def inventory(live, main_run):
    """The same account adapted in-process, to assert the model facet by facet."""
    from hds_iac.live.aws.runner import scan_account
    from hds_iac.live.aws.session import SessionOptions
    from hds_iac.settings import Settings

    live.ensure("main", build_scenario)
    old = dict(os.environ)
    os.environ.update(cli_env())
    try:
        _, data = scan_account(SessionOptions(endpoint_url=live.proxy.url,
                                              regions=[PARIS, LONDON]), Settings())
    finally:
        os.environ.clear()
        os.environ.update(old)
    inv = adapt.to_inventory(data)
    return {r.address: r for r in inv}


def _one(inventory: dict, suffix: str):
    found = [r for a, r in inventory.items() if a.endswith(suffix)]
    assert len(found) == 1, (suffix, [a for a in inventory if suffix in a])
    return found[0]


# --- the CLI run ----------------------------------------------------------------------


def test_cli_reports_findings_and_coverage(main_run):
    proc, report, _ = main_run
    assert report["errors"] == [], report["errors"]
    assert proc.returncode == 1, proc.stderr  # critical failures (data outside the EEA)
    covered = [n["message"] for n in report["notices"] if n["message"].startswith("covered")]
    assert covered and "eu-west-3, eu-west-2" in covered[0]
    for service in collect.SERVICES:
        assert service in covered[0]
    source = report["inputs"][0]
    assert source["kind"] == "aws" and source["account"] == ACCOUNT
    assert source["regions"] == [PARIS, LONDON]
    assert source["failed_calls"] == []
    outside = [n for n in report["notices"] if n["path"] == f"aws {LONDON}"]
    assert outside and "United Kingdom" in outside[0]["message"]
    assert "reading AWS" not in proc.stderr  # no progress line when stderr is not a TTY


# (rule, address suffix, expected status). Rules not yet in the catalogue are skipped, so
# the table turns on by itself as rules land.
EXPECTED = [
    ("HDS-LOC-001", ":::hds-paris", "pass"),
    ("HDS-LOC-001", ":::hds-london", "fail"),
    ("HDS-LOC-001", "backup-vault:copies", "fail"),
    ("HDS-LOC-001", "backup-vault:locked", "pass"),
    ("HDS-LOC-001", "table/patients", "pass"),
    ("HDS-LOC-001", ":db:db-weak", "pass"),
    ("HDS-LOC-002", ":::hds-paris", "fail"),
    ("HDS-LOC-002", "BACKUP_PLAN", "fail"),
    ("HDS-ENC-001", "VOL_ENCRYPTED", "pass"),
    ("HDS-ENC-001", "VOL_PLAIN", "fail"),
    ("HDS-ENC-001", "INSTANCE", "fail"),
    ("HDS-ENC-003", ":::hds-paris", "pass"),
    ("HDS-ENC-003", ":db:db-strong", "pass"),
    ("HDS-TLS-006", "SG_HTTP", "fail"),
    ("HDS-TLS-006", "SG_HTTPS", "pass"),
    ("HDS-TLS-004", ":db:db-weak", "fail"),
    ("HDS-TLS-004", ":db:db-strong", "pass"),
    ("HDS-KEY-001", ":user/ci-bot#access-key-1", "pass"),
    ("HDS-BAK-004", "VOL_ENCRYPTED", "pass"),
    ("HDS-BAK-004", "VOL_PLAIN", "fail"),
    ("HDS-BAK-007", "VOL_ENCRYPTED", "pass"),  # snapshot of today
    ("HDS-AZ-001", "EFS_ONE_ZONE", "fail"),
    ("HDS-AZ-001", "EFS_REGIONAL", "pass"),
    ("HDS-AZ-002", "ALB", "pass"),
    ("HDS-ENC-002", ":db:db-weak", "fail"),
    ("HDS-ENC-002", ":db:db-strong", "pass"),
    ("HDS-ENC-004", "KEY_STALE", "fail"),
    ("HDS-ENC-004", "KEY_ROTATED", "pass"),
    ("HDS-TLS-001", "LISTENER_HTTP", "fail"),
    ("HDS-TLS-001", "LISTENER_REDIRECT", "pass"),
    ("HDS-TLS-001", "LISTENER_HTTPS", "pass"),
    ("HDS-TLS-002", "LISTENER_OLD_TLS", "fail"),
    ("HDS-TLS-002", "LISTENER_HTTPS", "pass"),
    ("HDS-TLS-003", "CDN", "fail"),
    ("HDS-TLS-005", ":::hds-paris", "pass"),
    ("HDS-TLS-005", ":::hds-london", "fail"),
    # each bucket's object reads and writes are data events of a trail of its region
    ("HDS-LOG-009", ":::hds-paris", "pass"),
    ("HDS-LOG-009", ":::hds-london", "pass"),
    ("HDS-MFA-001", ":user/alice", "fail"),
    ("HDS-MFA-001", ":user/bob", "pass"),
    ("HDS-MFA-002", ":role/admin-no-mfa", "fail"),
    ("HDS-MFA-002", ":role/admin-mfa", "pass"),
    ("HDS-AZ-001", ":db:db-weak", "fail"),
    ("HDS-AZ-001", ":db:db-strong", "pass"),
    ("HDS-BAK-001", ":db:db-weak", "fail"),
    ("HDS-BAK-001", ":db:db-strong", "pass"),
    ("HDS-BAK-003", ":db:db-strong", "pass"),
    ("HDS-BAK-005", "backup-vault:unlocked", "fail"),
    ("HDS-BAK-005", "backup-vault:locked", "pass"),
    ("HDS-BAK-006", ":snapshot:db-weak-public", "fail"),
    ("HDS-BAK-006", ":snapshot:db-strong-private", "pass"),
    ("HDS-BAK-006", "SNAP_PUBLIC", "fail"),
    ("HDS-BAK-006", "SNAP_PRIVATE", "pass"),
    ("HDS-BAK-006", "IMAGE_PUBLIC", "fail"),
    # snapshots state their encryption: those of the encrypted volume and database pass,
    # those of the unencrypted ones fail
    ("HDS-ENC-005", "SNAP_PRIVATE", "pass"),
    ("HDS-ENC-005", "SNAP_PUBLIC", "fail"),
    ("HDS-ENC-005", "SNAP_LONDON", "pass"),
    ("HDS-ENC-005", ":snapshot:db-weak-public", "fail"),
    ("HDS-ENC-005", ":snapshot:db-strong-private", "pass"),
    # moto gives no tunnel options: what the tunnels accept cannot be told
    ("HDS-TLS-007", "VPN", "unknown"),
    # moto's credential report has no <root_account> row: the account summary tells
    ("HDS-MFA-001", ":root", "fail"),
    ("HDS-KEY-002", ":root", "pass"),
]


@pytest.mark.parametrize("rule,suffix,status", EXPECTED,
                         ids=[f"{r}-{s.strip(':').lower()}" for r, s, _ in EXPECTED])
def test_finding(live, main_run, rule, suffix, status):
    if rule not in RULES:
        pytest.skip(f"{rule} is not in the catalogue yet")
    if suffix.isupper():  # an id created by the scenario
        suffix = live.scenario[suffix.lower()].split(":")[-1]
    _, report, _ = main_run
    found = [f for f in report["findings"]
             if f["rule_id"] == rule and f["resource"]["address"].endswith(suffix)]
    assert found, f"no {rule} finding for *{suffix}"
    assert {f["status"] for f in found} == {status}, found
    assert found[0]["resource"]["provider"] == "aws"
    assert found[0]["resource"]["cloud_id"] == found[0]["resource"]["address"]


def test_loc_findings_for_london_resources(live, main_run):
    _, report, _ = main_run
    london = [f for f in report["findings"] if f["rule_id"] == "HDS-LOC-001"
              and f["resource"]["region"] == LONDON]
    addresses = {f["resource"]["address"].split("/")[-1] for f in london}
    assert live.scenario["vol_london"] in addresses
    assert live.scenario["snap_london"] in addresses  # a snapshot outside the EEA
    assert all(f["status"] == "fail" and "United Kingdom" in f["message"] for f in london)


# (rule, address suffix, the deciding API fields as the JSON report names them: path, set)
DECIDING_FIELDS = [
    ("HDS-ENC-001", "VOL_PLAIN", [("Encrypted", True)]),
    ("HDS-ENC-002", ":db:db-weak", [("StorageEncrypted", True)]),
    ("HDS-AZ-001", ":db:db-weak", [("MultiAZ", True)]),
    ("HDS-BAK-001", ":db:db-weak", [("BackupRetentionPeriod", True)]),
    ("HDS-ENC-004", "KEY_STALE", [("KeyRotationEnabled", True)]),
    ("HDS-TLS-001", "LISTENER_HTTP", [("Protocol", True)]),
    ("HDS-TLS-002", "LISTENER_OLD_TLS", [("SslPolicy", True)]),
    ("HDS-TLS-004", ":db:db-weak", [("DBParameterGroups", True)]),
    ("HDS-TLS-006", "SG_HTTP", [("IpPermissions[0].IpRanges", True)]),
    ("HDS-BAK-005", "backup-vault:unlocked", [("Locked", True)]),
    ("HDS-MFA-002", ":role/admin-no-mfa", [("AssumeRolePolicyDocument", True)]),
]


@pytest.mark.parametrize("rule,suffix,fields", DECIDING_FIELDS,
                         ids=[f"{r}-{s.strip(':').lower()}" for r, s, _ in DECIDING_FIELDS])
def test_live_findings_name_the_deciding_api_field(live, main_run, rule, suffix, fields):
    """Live findings name the API field that decided (issue 11); the location stays the
    cloud id (no file, no line)."""
    if suffix.isupper():
        suffix = live.scenario[suffix.lower()].split(":")[-1]
    _, report, _ = main_run
    found = [f for f in report["findings"]
             if f["rule_id"] == rule and f["resource"]["address"].endswith(suffix)]
    assert len(found) == 1 and found[0]["status"] == "fail", found
    assert [(a["path"], a["set"]) for a in found[0]["attributes"]] == fields
    assert all("line" not in a for a in found[0]["attributes"])
    assert found[0]["resource"]["line"] is None and found[0]["resource"]["cloud_id"]


# --- the model, facet by facet (independent of which rules exist) -----------------------


def test_ec2_facets(live, inventory):
    sc = live.scenario
    enc = _one(inventory, f"volume/{sc['vol_encrypted']}")
    assert (enc.kind, enc.region, enc.stores_data) == ("volume", PARIS, True)
    assert enc.at_rest[0].enabled is True and enc.at_rest[0].customer_key is True
    assert enc.backup.newest_snapshot_age_days == 0 and enc.backup.snapshot_count == 1
    assert enc.tags == {"backup": "daily"}
    assert enc.origin.source == "aws" and enc.origin.cloud_id == enc.address
    plain = _one(inventory, f"volume/{sc['vol_plain']}")
    assert plain.at_rest[0].enabled is False and plain.backup.snapshot_count == 2
    public = _one(inventory, f"snapshot/{sc['snap_public']}")
    assert public.sharing.public is True
    shared = _one(inventory, f"snapshot/{sc['snap_shared']}")
    assert shared.sharing.public is False and shared.sharing.accounts == ("210987654321",)
    assert _one(inventory, f"snapshot/{sc['snap_private']}").sharing.public is False
    assert _one(inventory, f"image/{sc['image_public']}").sharing.public is True
    assert _one(inventory, f"volume/{sc['vol_london']}").region == LONDON
    inst = _one(inventory, f"instance/{sc['instance']}")
    assert inst.placement.standalone and inst.placement.zones == ("eu-west-3a",)
    assert [d.part for d in inst.at_rest] == ["root_block_device"]
    http = _one(inventory, f"security-group/{sc['sg_http']}")
    assert [(p.protocol, p.from_port, p.to_port, p.sources) for p in http.open_ports] == [
        ("tcp", 80, 80, ("0.0.0.0/0",))]
    settings = {r.region: r.encryption_default for r in inventory.values()
                if r.kind == "account-setting"}
    assert settings == {PARIS: True, LONDON: False}
    # Each VPC's `default` group is the account's own (left out of drift and region notices).
    assert http.account_default is False
    assert any(r.account_default for r in inventory.values()
               if r.kind == "security-group" and r.region == PARIS)


def test_rds_s3_facets(inventory):
    weak, strong = _one(inventory, ":db:db-weak"), _one(inventory, ":db:db-strong")
    assert weak.placement.multi_az is False and weak.backup.retention_days == 0
    assert weak.at_rest[0].enabled is False
    assert weak.flows[0].encrypted is False  # postgres 14 default: rds.force_ssl=0
    assert strong.placement.multi_az is True and strong.backup.retention_days == 14
    assert strong.backup.deletion_protection is True and strong.at_rest[0].customer_key is True
    assert strong.flows[0].encrypted is True  # postgres 16 default: rds.force_ssl=1
    assert weak.backup.final_snapshot is None  # a deletion-time choice, not visible
    assert _one(inventory, ":snapshot:db-weak-public").sharing.public is True
    paris, london = _one(inventory, ":::hds-paris"), _one(inventory, ":::hds-london")
    assert (paris.region, london.region) == (PARIS, LONDON)
    assert paris.flows[0].encrypted is True and london.flows[0].encrypted is False
    assert paris.at_rest[0].customer_key is True
    assert london.at_rest[0].enabled is None and london.at_rest[0].default == "encrypted"
    assert [d.region for d in paris.destinations] == [LONDON]


def test_network_identity_backup_facets(live, inventory):
    sc = live.scenario
    flows = {k: _one(inventory, sc[k].split(":")[-1]).flows[0] for k in (
        "listener_http", "listener_redirect", "listener_https", "listener_old_tls")}
    assert flows["listener_http"].encrypted is False
    assert not flows["listener_http"].redirects_to_https
    assert flows["listener_redirect"].redirects_to_https is True
    assert (flows["listener_https"].min_tls, flows["listener_https"].certificate) == ("1.2", True)
    assert flows["listener_old_tls"].min_tls == "1.0"
    assert _one(inventory, sc["alb"].split(":")[-1]).placement.zones == ("eu-west-3a",
                                                                          "eu-west-3b")
    cdn = _one(inventory, sc["cdn"].split(":")[-1])
    assert cdn.region is None
    assert [(f.name, f.encrypted) for f in cdn.flows] == [("viewer", False), ("origin app", False)]
    alice, bob = _one(inventory, ":user/alice"), _one(inventory, ":user/bob")
    assert (alice.identity.console_access, alice.identity.mfa_enforced) == (True, False)
    assert (bob.identity.console_access, bob.identity.mfa_enforced) == (True, True)
    key = _one(inventory, ":user/ci-bot#access-key-1")
    assert key.kind == "access-key" and key.identity.key_age_days == 0
    assert _one(inventory, ":role/admin-no-mfa").identity.mfa_enforced is False
    assert _one(inventory, ":role/admin-mfa").identity.mfa_enforced is True
    assert _one(inventory, ":role/s3-replication").identity.console_access is False
    assert _one(inventory, sc["key_stale"].split(":")[-1]).key_rotation.enabled is False
    assert _one(inventory, sc["key_rotated"].split(":")[-1]).key_rotation.enabled is True
    assert _one(inventory, "backup-vault:locked").backup.vault_locked is True
    assert _one(inventory, "backup-vault:unlocked").backup.vault_locked is False
    plan = _one(inventory, f"backup-plan:{sc['backup_plan']}")
    assert plan.kind == "copy" and [d.region for d in plan.destinations] == [LONDON]
    selection = _one(inventory, "/selection:sel-tagged")
    assert selection.kind == "backup-plan" and selection.selection.tags == {"backup": "daily"}
    dlm = _one(inventory, "policy/policy-0123456789abcdef0")
    assert dlm.selection.tags == {"snap": "yes"} and dlm.selection.resource_kinds == ("volume",)
    assert [d.region for d in dlm.destinations] == [LONDON]
    assert _one(inventory, f"file-system/{sc['efs_one_zone']}").placement.multi_az is False
    regional = _one(inventory, f"file-system/{sc['efs_regional']}")
    assert regional.placement.multi_az is True and regional.at_rest[0].enabled is True
    table = _one(inventory, "table/patients")
    assert table.at_rest[0].default == "encrypted" and table.stores_data


# --- read-only proof, policy file -----------------------------------------------------------

READ = re.compile(r"^(Describe|List|Get)[A-Za-z]+$")


def test_every_request_is_a_read(main_run):
    _, _, requests = main_run
    assert len(requests) > 40
    assert writes(requests) == []
    operations = {req.operation.split(".")[-1] for req in requests} - {""}
    assert "GenerateCredentialReport" in operations  # the one documented exception
    known = {op for ops in collect.OPERATIONS.values() for op in ops}
    assert operations <= known, operations - known


def test_live_scan_writes_the_hds_report(live, main_run, tmp_path):
    """`live aws -o hds-json`: the auditors' report of the account, with AWS in the
    chapter 8 table and the regions scanned; writing it sends no request of its own."""
    _, findings_doc, main_requests = main_run
    live.ensure("main", build_scenario)
    live.proxy.start()
    page = tmp_path / "report.json"
    proc = live.run("-o", "hds-json,json", "--output-file", str(page))
    requests = live.proxy.stop_recording()
    assert proc.returncode == 1, proc.stderr
    assert len(json.loads(proc.stdout)["findings"]) == len(findings_doc["findings"])
    calls = Counter((r.service, r.operation) for r in requests)
    assert calls == Counter((r.service, r.operation) for r in main_requests)
    doc = json.loads(page.read_text("utf-8"))
    assert doc["lang"] == "fr" and doc["complete"] is True
    assert doc["sources"][0]["file"] == "live aws"
    assert doc["sources"][0]["kinds"] == ["aws"]
    assert doc["coverage"]["findings"]["fail"] == sum(
        f["status"] == "fail" for f in findings_doc["findings"])
    actors = {a["key"]: a for a in doc["chapter8"]["actors"]}
    assert actors["aws"]["regions"] == sorted([PARIS, LONDON])
    exi28 = next(r for r in doc["requirements"] if r["id"] == "EXI 28")
    assert exi28["status"] == "fail"  # the London resources


def test_policy_file_lists_exactly_the_calls():
    policy = json.loads(POLICY_FILE.read_text())
    actions = sorted(a for s in policy["Statement"] for a in (
        s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    assert actions == collect.policy_actions()
    for stmt in policy["Statement"]:
        assert stmt["Effect"] == "Allow" and stmt["Resource"] == "*"
    for action in actions:
        verb = action.split(":")[1]
        assert READ.match(verb) or verb == "GenerateCredentialReport", action


# --- permissions enforced by moto -------------------------------------------------------------


def _scanner(live, actions: list[str]) -> tuple[str, str]:
    """An IAM user allowed exactly `actions`; moto then enforces IAM for every request."""
    iam = clients(live.moto.url)("iam")
    name = f"scanner-{len(actions)}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="scan", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
                                                "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _scan_as(live, actions: list[str]) -> subprocess.CompletedProcess:
    """The main scenario scanned (--services ENFORCED) by a user allowed exactly `actions`,
    with moto enforcing IAM."""
    live.ensure("main", build_scenario)
    key, secret = _scanner(live, actions)
    live.moto.auth(True)
    try:
        return live.run("-o", "json", "--services", ENFORCED, key=key, secret=secret)
    finally:
        live.moto.auth(False)
        live.current = None  # the scanner user changed the account


# moto enforces IAM correctly for query and JSON APIs only: its REST-JSON services (Backup,
# EFS, CloudFront) reject every signed request once enforcement is on, and its S3 maps
# GetBucketEncryption/GetBucketReplication to s3:ListBucket. Those are left out here.
ENFORCED = "ec2,rds,elbv2,elb,elasticache,dynamodb,kms,iam"


def test_scan_succeeds_with_exactly_the_shipped_policy(live):
    actions = [a for s in json.loads(POLICY_FILE.read_text())["Statement"]
               for a in s["Action"]]
    proc = _scan_as(live, actions)
    report = json.loads(proc.stdout)
    assert report["errors"] == [], report["errors"]
    assert proc.returncode == 1
    assert report["summary"]["resources"] > 40


def test_denied_call_gives_partial_scan(live):
    actions = [a for a in collect.policy_actions() if a != "ec2:DescribeSnapshots"]
    proc = _scan_as(live, actions)
    report = json.loads(proc.stdout)
    assert proc.returncode == 2, proc.stderr
    paths = sorted(e["path"] for e in report["errors"])
    assert paths == [f"aws {LONDON} ec2:DescribeSnapshots", f"aws {PARIS} ec2:DescribeSnapshots"]
    for entry in report["errors"]:
        assert "access denied" in entry["message"]
        assert "add the IAM permission ec2:DescribeSnapshots" in entry["message"]
    assert "ec2:DescribeSnapshots" in proc.stderr
    failed = report["inputs"][0]["failed_calls"]
    assert {f["permission"] for f in failed} == {"ec2:DescribeSnapshots"}
    # Everything else is still read and judged.
    assert any(f["rule_id"] == "HDS-LOC-001" and f["resource"]["address"].endswith(
        ":db:db-weak") and f["status"] == "pass" for f in report["findings"])
    assert any(f["rule_id"] == "HDS-LOC-001" and f["resource"]["region"] == LONDON
               and f["status"] == "fail" for f in report["findings"])  # the London volume
    assert report["summary"]["resources"] > 30


def test_wrong_credentials_stop_with_one_clear_line(live):
    live.moto.auth(True)
    try:
        proc = live.run("-o", "json", key="AKIAUNKNOWNKEY000001", secret="whatever-secret")
    finally:
        live.moto.auth(False)
    assert proc.returncode == 2
    assert "credentials rejected" in proc.stderr
    assert "whatever-secret" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


# --- regions, secrets, services ---------------------------------------------------------------


def test_disabled_and_unknown_regions_are_reported(live, main_run):
    proc = live.run("-o", "json", "--services", "ec2", regions=f"{PARIS},me-south-1,xx-nowhere-9")
    report = json.loads(proc.stdout)
    assert proc.returncode == 2
    messages = {e["path"]: e["message"] for e in report["errors"]}
    assert "opt-in region not enabled" in messages["aws me-south-1"]
    assert "no such AWS region" in messages["aws xx-nowhere-9"]
    assert report["inputs"][0]["regions"] == [PARIS]
    assert report["inputs"][0]["services"] == ["ec2"]


def test_no_credential_in_any_output_even_with_debug(live, main_run):
    proc = live.run("--debug", "-o", "cli", "--services", "ec2,iam,s3")
    text = proc.stdout + proc.stderr
    assert "hds-iac debug:" in proc.stderr
    assert FAKE_SECRET not in text and FAKE_KEY not in text
    assert "Authorization" not in text and "Signature=" not in text


# --- unit: errors and facets the moto scenario cannot produce ---------------------------------


def test_error_classification():
    import botocore.exceptions as bexc

    from hds_iac.live.aws.session import SessionOptions

    class FakeSession:
        options = SessionOptions(max_attempts=8, max_workers=4, read_timeout=12)

        def add_hook(self, hook):
            pass

    col = collect.Collector(FakeSession(), ACCOUNT)
    try:
        def client_error(code):
            return bexc.ClientError({"Error": {"Code": code, "Message": "m AKIAABCDEFGHIJKLMNOP"}},
                                    "Op")
        col._fail("ec2", "DescribeVolumes", PARIS, client_error("UnauthorizedOperation"))
        col._fail("rds", "DescribeDBInstances", PARIS, client_error("Throttling"))
        col._fail("ec2", "DescribeVolumes", "ap-east-1", client_error("AuthFailure"))
        col._fail("s3", "ListBuckets", None, client_error("AccessDenied"))
        col._fail("kms", "ListKeys", PARIS, bexc.ReadTimeoutError(endpoint_url="https://x"))
        col._fail("efs", "DescribeFileSystems", PARIS, client_error("Weird"))
        kinds = [(e.kind, e.permission) for e in col.errors]
        assert kinds == [("access-denied", "ec2:DescribeVolumes"),
                         ("throttled", "rds:DescribeDBInstances"),
                         ("region-disabled", "ec2:DescribeVolumes"),
                         ("access-denied", "s3:ListAllMyBuckets"),
                         ("timeout", "kms:ListKeys"),
                         ("error", "elasticfilesystem:DescribeFileSystems")]
        assert "AKIA" not in col.errors[-1].message
        assert "after 8 requests" in col.errors[1].message  # the first one included
        assert "no answer within 12 s (--read-timeout) after 8 requests" in col.errors[4].message
    finally:
        col.close()


# --- pagination (last: it replaces the account's content) --------------------------------------

SNAPSHOTS, ROLES = 1200, 120


def _many(url: str, stubs) -> dict:
    # One request at a time: moto 5.2 creating snapshots from parallel requests sometimes
    # fails with "dictionary changed size during iteration" (HTTP 500).
    c = clients(url)
    ec2, iam = c("ec2"), c("iam")
    volume = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=1)["VolumeId"]
    for _ in range(SNAPSHOTS):
        ec2.create_snapshot(VolumeId=volume)
    for i in range(ROLES):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument="{}")
    return {"volume": volume}


def test_every_page_is_read(live):
    live.ensure("many", _many)
    live.proxy.start()
    proc = live.run("-o", "json", "--services", "ec2,iam", "--page-size", "50",
                    regions=PARIS)
    requests = live.proxy.stop_recording()
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    inputs = report["inputs"][0]
    snapshots = SNAPSHOTS
    # Every snapshot is a resource (LOC-001 judges each one).
    loc = [f for f in report["findings"] if f["rule_id"] == "HDS-LOC-001"
           and f["resource"]["type"] == "AWS::EC2::Snapshot"]
    assert len(loc) == snapshots
    # More than the cap of attribute reads: public sharing from one filtered listing.
    assert any("more than --max-attribute-reads" in n["message"] for n in report["notices"])
    assert inputs["api_calls"].get("ec2:DescribeSnapshotAttribute", 0) == 0
    list_roles = [r for r in requests if r.operation == "ListRoles"]
    assert len(list_roles) == -(-(ROLES + 0) // 50)  # 3 pages of 50 (moto pages IAM)
    assert inputs["api_calls"]["iam:ListRoles"] == len(list_roles)


# --- reads that do not answer: what depends on them is unknown, never pass or fail -------------


def _judged(live, services=None, regions=(PARIS,), **options) -> tuple[dict, list[str]]:
    """The main scenario scanned in-process (boto3 over HTTP to the proxy and moto), in
    Paris only (its DLM policy, Backup plan and volumes are what is at stake):
    (rule, address) -> (status, message), and the paths of the read errors."""
    from hds_iac.live.aws.runner import scan_account
    from hds_iac.live.aws.session import SessionOptions
    from hds_iac.settings import Settings

    live.ensure("main", build_scenario)
    old = dict(os.environ)
    os.environ.update(cli_env())
    try:
        result, _ = scan_account(SessionOptions(endpoint_url=live.proxy.url,
                                                regions=list(regions), **options),
                                 Settings(), services=services)
    finally:
        os.environ.clear()
        os.environ.update(old)
    found = {(f.rule_id, f.resource.address): (f.status, f.message()) for f in result.findings}
    return found, [e.path for e in result.errors]


@pytest.fixture(scope="module")
def full_judged(live):
    found, errors = _judged(live)
    assert errors == []
    return found


def _only_lost_to_unknown(full: dict, degraded: dict) -> list[str]:
    """Each finding of the degraded run is the full run's, or became unknown; none is new."""
    wrong = []
    for key, (status, message) in sorted(degraded.items()):
        if key not in full:
            if status != "unknown":
                wrong.append(f"{key}: {status} only when a read failed ({message})")
        elif status != "unknown" and status != full[key][0]:
            wrong.append(f"{key}: {full[key][0]} -> {status} ({message})")
    return wrong


# Signing names of every service the scan reads (elb and elbv2 share one).
SIGNING = ("ec2", "rds", "elasticloadbalancing", "elasticache", "elasticfilesystem",
           "dynamodb", "backup", "dlm", "kms", "iam", "s3", "cloudfront")


@pytest.mark.parametrize("service", SIGNING)
def test_a_denied_service_turns_verdicts_unknown_never_pass_or_fail(live, full_judged, service):
    live.proxy.faults = {service: (403, "AccessDeniedException")}
    try:
        degraded, errors = _judged(live)
    finally:
        live.proxy.faults = {}
    assert errors, f"denying {service} gave no read error"
    assert _only_lost_to_unknown(full_judged, degraded) == []
    vol_plain = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/{live.scenario['vol_plain']}"
    vol_enc = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/{live.scenario['vol_encrypted']}"
    assert full_judged[("HDS-BAK-004", vol_plain)][0] == "fail"
    assert full_judged[("HDS-BAK-004", vol_enc)][0] == "pass"  # the AWS Backup selection
    if service in ("dlm", "backup"):
        # No plan of the other service selects the plain volume, but this one could have.
        status, message = degraded[("HDS-BAK-004", vol_plain)]
        assert status == "unknown" and f"{service}:" in message, message
    if service == "dlm":
        assert degraded[("HDS-BAK-004", vol_enc)][0] == "pass"  # still selected by Backup


@pytest.mark.parametrize("service", ["dlm", "backup", "kms"])
def test_a_service_left_out_turns_verdicts_unknown(live, full_judged, service):
    degraded, errors = _judged(live, services=[s for s in collect.SERVICES if s != service])
    assert errors == []
    assert _only_lost_to_unknown(full_judged, degraded) == []
    vol_plain = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/{live.scenario['vol_plain']}"
    status, message = degraded[("HDS-BAK-004", vol_plain)]
    if service == "kms":
        assert status == "fail"  # KMS lists no backup plan
    else:
        assert status == "unknown" and f"{service} was not read in this scan" in message


def test_attempts_are_requests_and_timeouts_are_options(live):
    """--max-attempts 2 sends 2 requests of a throttled call (botocore's own max_attempts
    would send 3) and the error says so; the timeouts reach botocore as given."""
    from hds_iac.live.aws.session import AwsSession, SessionOptions

    live.ensure("main", build_scenario)
    live.proxy.faults = {"ec2:DescribeVolumes": (503, "RequestLimitExceeded")}
    live.proxy.start()
    try:
        _, errors = _judged(live, services=["ec2"], regions=(PARIS, LONDON),
                            retry_mode="standard", max_attempts=2)
        sent = live.proxy.stop_recording()
    finally:
        live.proxy.faults = {}
    volumes = [r for r in sent if r.operation == "DescribeVolumes"]
    assert len(volumes) == 2 * 2  # two regions, two requests each
    assert sorted(errors) == [f"aws {LONDON} ec2:DescribeVolumes", f"aws {PARIS} ec2:DescribeVolumes"]
    old = dict(os.environ)
    os.environ.update(cli_env())
    try:
        config = AwsSession(SessionOptions(endpoint_url=live.proxy.url, max_attempts=2,
                                           read_timeout=7, connect_timeout=3)).config
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert config.retries["total_max_attempts"] == 2
    assert (config.read_timeout, config.connect_timeout) == (7, 3)


def test_throttled_message_counts_requests(live):
    live.ensure("main", build_scenario)
    live.proxy.faults = {"ec2:DescribeVolumes": (503, "RequestLimitExceeded")}
    try:
        proc = live.run("-o", "json", "--services", "ec2", "--max-attempts", "2",
                        "--retry-mode", "standard", "--read-timeout", "7",
                        "--connect-timeout", "3", regions=PARIS)
    finally:
        live.proxy.faults = {}
    assert proc.returncode == 2, proc.stderr
    (error,) = json.loads(proc.stdout)["errors"]
    assert error["path"] == f"aws {PARIS} ec2:DescribeVolumes"
    assert "throttled (RequestLimitExceeded) after 2 requests" in error["message"]


def test_timeout_options_are_checked_and_documented():
    proc = subprocess.run([sys.executable, "-m", CLI, "live", "aws", "--help"],
                          capture_output=True, text=True, cwd=REPO)
    text = " ".join(proc.stdout.split())
    assert "--read-timeout SECONDS" in text and "(default: 30)" in text
    assert "--connect-timeout SECONDS" in text and "(default: 10)" in text
    assert "--max-attempts N" in text and "the first one included" in text
    bad = subprocess.run([sys.executable, "-m", CLI, "live", "aws", "--read-timeout", "0"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "--read-timeout" in bad.stderr


# --- the account password policy (HDS-MFA-005) ------------------------------------------------

PASSWORD_POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:account-password-policy"


def _password_findings(proc: subprocess.CompletedProcess) -> list[tuple[str, str, str]]:
    report = json.loads(proc.stdout)
    return [(f["resource"]["address"], f["status"], f["message"]) for f in report["findings"]
            if f["rule_id"] == "HDS-MFA-005"]


@pytest.mark.parametrize("policy, status, words", [
    (None, "fail", "no password policy"),  # NoSuchEntity: IAM's default applies
    ({"MinimumPasswordLength": 14, "PasswordReusePrevention": 24, "RequireSymbols": True},
     "pass", "minimum length 14, last 24 passwords remembered"),
    ({"MinimumPasswordLength": 12, "PasswordReusePrevention": 1}, "pass", "minimum length 12"),
    ({"MinimumPasswordLength": 11, "PasswordReusePrevention": 24}, "fail", "shorter than 12"),
    ({"MinimumPasswordLength": 16, "MaxPasswordAge": 90}, "fail", "reuse a previous password"),
])
def test_password_policy_read_from_the_account(live, policy, status, words):
    live.ensure("main", build_scenario)
    iam = clients(live.moto.url)("iam")
    iam.delete_account_password_policy()  # UpdateAccountPasswordPolicy keeps no old field
    try:
        if policy is not None:
            iam.update_account_password_policy(**policy)
        proc = live.run("-o", "json", "--services", "iam")
    finally:
        iam.update_account_password_policy(**PASSWORD_POLICY)  # the main scenario's
    assert json.loads(proc.stdout)["errors"] == [], proc.stderr
    [(address, got, message)] = _password_findings(proc)
    assert (address, got) == (PASSWORD_POLICY_ARN, status)
    assert words in message, message


def test_denied_password_policy_read_is_unknown_and_names_the_call(live):
    live.ensure("main", build_scenario)
    key, secret = _scanner(live, [a for a in collect.policy_actions()
                                  if a != "iam:GetAccountPasswordPolicy"])
    live.moto.auth(True)
    try:
        proc = live.run("-o", "json", "--services", "iam", key=key, secret=secret)
    finally:
        live.moto.auth(False)
        live.current = None  # the scanner user changed the account
    report = json.loads(proc.stdout)
    assert proc.returncode == 2, proc.stderr
    assert [e["path"] for e in report["errors"]] == ["aws global iam:GetAccountPasswordPolicy"]
    [(address, status, message)] = _password_findings(proc)
    assert (address, status) == (PASSWORD_POLICY_ARN, "unknown")
    assert "iam:GetAccountPasswordPolicy" in message and "access denied" in message, message
