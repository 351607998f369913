"""`hds-iac live aws --against STATE`: drift of a real moto_server account from its state.

The account (built with boto3) and the Terraform state written for it differ on purpose:
one volume created outside Terraform (unmanaged), one bucket whose encryption changed from
the state's customer-managed key to SSE-S3 (changed), one database deleted (missing), and
the bucket holding the state itself, outside Terraform and allow-listed in .hds-iac.yaml.
The state is read from a local file and from moto's S3 (`s3://`), through the logging proxy
that proves every request read-only.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from hds_iac import json_contract

pytest.importorskip("boto3")
pytest.importorskip("moto")

from aws_moto import (  # noqa: E402
    ACCOUNT, FAKE_KEY, PARIS, LiveAccount, clients, writes,
)

AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
STATE_BUCKET, STATE_KEY = "tf-states", "prod/terraform.tfstate"
DB_PASSWORD = "state-secret-Pa55word-never-printed"


def _resource(rtype: str, name: str, attributes: dict, sensitive: list | None = None) -> dict:
    instance = {"schema_version": 0, "attributes": attributes}
    if sensitive:
        instance["sensitive_attributes"] = sensitive
    return {"mode": "managed", "type": rtype, "name": name, "provider": AWS,
            "instances": [instance]}


def build(url: str) -> dict:
    """The account, and the ids the state and the assertions need."""
    c = clients(url)
    ec2, kms, s3, rds = c("ec2"), c("kms"), c("s3"), c("rds")
    key = kms.create_key(Description="documents")["KeyMetadata"]
    managed = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=8, Encrypted=True,
                                KmsKeyId=key["Arn"])["VolumeId"]
    unmanaged = ec2.create_volume(AvailabilityZone="eu-west-3b", Size=8,
                                  Encrypted=False)["VolumeId"]
    where = {"LocationConstraint": PARIS}
    s3.create_bucket(Bucket="hds-docs", CreateBucketConfiguration=where)
    # The state says aws:kms with the customer key; someone switched it to SSE-S3.
    s3.put_bucket_encryption(Bucket="hds-docs", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.create_bucket(Bucket=STATE_BUCKET, CreateBucketConfiguration=where)
    rds.create_db_instance(DBInstanceIdentifier="db-kept", Engine="postgres",
                           EngineVersion="16.1", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="not-a-real-pass1",
                           AllocatedStorage=20, MultiAZ=True, BackupRetentionPeriod=14,
                           StorageEncrypted=True, KmsKeyId=key["Arn"], DeletionProtection=True)
    ids = {"key": key["Arn"], "key_id": key["KeyId"], "managed": managed,
           "unmanaged": unmanaged}
    state = _state(ids)
    s3.put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=json.dumps(state).encode())
    return {**ids, "state": state}


def _state(ids: dict) -> dict:
    vol_arn = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/{ids['managed']}"
    db = {"identifier": "db-kept", "engine": "postgres", "engine_version": "16.1",
          "instance_class": "db.t3.micro", "allocated_storage": 20, "username": "admin",
          "password": DB_PASSWORD, "multi_az": True, "backup_retention_period": 14,
          "storage_encrypted": True, "kms_key_id": ids["key"], "deletion_protection": True,
          "skip_final_snapshot": False, "availability_zone": "eu-west-3a",
          "parameter_group_name": "default.postgres16"}
    resources = [
        _resource("aws_kms_key", "docs", {"id": ids["key_id"], "key_id": ids["key_id"],
                                          "arn": ids["key"], "enable_key_rotation": False,
                                          "customer_master_key_spec": "SYMMETRIC_DEFAULT"}),
        _resource("aws_ebs_volume", "data", {
            "id": ids["managed"], "arn": vol_arn, "availability_zone": "eu-west-3a", "size": 8,
            "encrypted": True, "kms_key_id": ids["key"], "tags": None}),
        _resource("aws_s3_bucket", "docs", {"id": "hds-docs", "bucket": "hds-docs",
                                            "arn": "arn:aws:s3:::hds-docs", "region": PARIS}),
        _resource("aws_s3_bucket_server_side_encryption_configuration", "docs", {
            "id": "hds-docs", "bucket": "hds-docs", "rule": [{
                "apply_server_side_encryption_by_default": [{
                    "sse_algorithm": "aws:kms", "kms_master_key_id": ids["key"]}],
                "bucket_key_enabled": False}]}),
        _resource("aws_db_instance", "kept", {
            **db, "id": "db-KEPT0000000000000000000001",
            "arn": f"arn:aws:rds:{PARIS}:{ACCOUNT}:db:db-kept"},
            [[{"type": "get_attr", "value": "password"}]]),
        _resource("aws_db_instance", "gone", {
            **db, "identifier": "db-gone", "id": "db-GONE0000000000000000000001",
            "arn": f"arn:aws:rds:{PARIS}:{ACCOUNT}:db:db-gone"},
            [[{"type": "get_attr", "value": "password"}]]),
    ]
    return {"version": 4, "terraform_version": "1.11.4", "serial": 7,
            "lineage": "0d1f7e2a-0000-4000-8000-000000000016", "outputs": {},
            "resources": resources}


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drift-aws")
    acct = LiveAccount(tmp)
    try:
        built = build(acct.url)
        state_file = tmp / "terraform.tfstate"
        state_file.write_text(json.dumps(built["state"]), "utf-8")
        config = tmp / ".hds-iac.yaml"
        config.write_text(
            "drift_allow:\n"
            f"  - id: \"arn:aws:s3:::{STATE_BUCKET}\"\n"
            "    reason: the Terraform state bucket, created by the bootstrap script\n"
            "    until: 2999-12-31\n"
            f"  - id: {built['unmanaged']}\n"
            "    reason: scratch volume of the migration\n"
            "    until: 2020-01-31\n",
            "utf-8")
        yield {**built, "account": acct, "tmp": tmp, "state": state_file, "config": config}
    finally:
        acct.close()


def run(account: dict, *args: str) -> subprocess.CompletedProcess:
    return account["account"].run("--config", str(account["config"]), "-o", "json", *args,
                                  regions=PARIS, cwd=account["tmp"], timeout=180)


def drift(doc: dict) -> dict[tuple[str, str], dict]:
    doc = json_contract.expand(doc)  # each finding with its rule's references
    return {(f["rule_id"], f["resource"]["address"]): f for f in doc["findings"]
            if f["topic"] == "drift"}


def _one(found: dict, rule: str, suffix: str) -> dict:
    hits = [f for (r, a), f in found.items() if r == rule and a.endswith(suffix)]
    assert len(hits) == 1, (rule, suffix, sorted(a for r, a in found if r == rule))
    return hits[0]


@pytest.fixture(scope="module")
def remote(account):
    """The scan against the state in moto's S3, with the request log on."""
    account["account"].proxy.start()
    proc = run(account, "--against", f"s3://{STATE_BUCKET}/{STATE_KEY}")
    requests = account["account"].proxy.stop_recording()
    assert proc.stdout, proc.stderr
    return proc, json.loads(proc.stdout), requests


def test_three_kinds_of_drift_from_the_remote_state(account, remote):
    proc, doc, _ = remote
    assert doc["errors"] == [], doc["errors"]
    assert proc.returncode == 1, proc.stderr
    found = drift(doc)
    unmanaged = _one(found, "HDS-DRIFT-001", f"volume/{account['unmanaged']}")
    assert unmanaged["status"] == "fail" and unmanaged["severity"] == "medium"
    assert unmanaged["references"]["hds"] == ["EXI 04"]
    assert _one(found, "HDS-DRIFT-001", f"volume/{account['managed']}")["status"] == "pass"
    changed = _one(found, "HDS-DRIFT-002", ":::hds-docs")
    assert changed["status"] == "fail"
    assert "customer-managed key: state true, live false" in changed["message"]
    assert "aws_s3_bucket.docs" in changed["message"]
    missing = _one(found, "HDS-DRIFT-003", "aws_db_instance.gone")
    assert missing["status"] == "fail"
    assert "db-gone" in missing["message"] or "db-GONE" in missing["message"]
    assert missing["resource"]["file"] == f"s3://{STATE_BUCKET}/{STATE_KEY}"
    assert _one(found, "HDS-DRIFT-003", "aws_db_instance.kept")["status"] == "pass"
    kept = _one(found, "HDS-DRIFT-002", ":db:db-kept")
    assert kept["status"] in ("pass", "unknown"), kept["message"]
    assert "multi-AZ" in kept["message"] or kept["status"] == "unknown"


def test_allow_listed_resource_is_skipped_and_in_the_exceptions_register(account, remote):
    _, doc, _ = remote
    found = drift(doc)
    allowed = _one(found, "HDS-DRIFT-001", f":::{STATE_BUCKET}")
    assert allowed["status"] == "skipped"
    assert allowed["suppression"]["by"] == "drift_allow"
    assert allowed["suppression"]["reason"] == ("the Terraform state bucket, created by the"
                                                " bootstrap script")
    assert allowed["suppression"]["status"] == "fail"
    config = str(account["config"])
    register = {e["location"]: e for e in doc["exceptions"] if e["by"] == "drift_allow"}
    entry = register[f"{config}: drift_allow entry 1"]
    assert entry["state"] == "active" and entry["until"] == "2999-12-31"
    assert entry["addresses"] == [f"arn:aws:s3:::{STATE_BUCKET}"]
    assert entry["statuses"] == {"fail": 1}
    # An entry past its day no longer applies: the volume is unmanaged again, and said so.
    expired = register[f"{config}: drift_allow entry 2"]
    assert expired["state"] == "expired" and expired["until"] == "2020-01-31"
    volume = _one(found, "HDS-DRIFT-001", f"volume/{account['unmanaged']}")
    assert volume["status"] == "fail" and volume["expired_waiver"]["by"] == "drift_allow"
    assert any("expired after 2020-01-31" in n["message"] for n in doc["notices"])


def test_remote_state_read_is_one_get_and_the_scan_stays_read_only(remote):
    _, _, requests = remote
    assert writes(requests) == []
    s3 = [(r.method, r.path) for r in requests if r.service == "s3"
          and STATE_KEY in r.path]
    assert s3 == [("GET", f"/{STATE_BUCKET}/{STATE_KEY}")]


def test_local_state_gives_the_same_drift_and_no_secret(account, remote):
    _, remote_doc, _ = remote
    proc = run(account, "--against", str(account["state"]))
    doc = json.loads(proc.stdout)
    assert doc["errors"] == []
    assert {k: f["status"] for k, f in drift(doc).items()
            if k[0] != "HDS-DRIFT-003"} == {
        k: f["status"] for k, f in drift(remote_doc).items() if k[0] != "HDS-DRIFT-003"}
    for text in (proc.stdout, proc.stderr, json.dumps(remote_doc)):
        assert DB_PASSWORD not in text
    assert FAKE_KEY not in proc.stdout + proc.stderr


def test_unreadable_states_are_errors_and_the_scan_goes_on(account, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.11.4",
                                "planned_values": {"root_module": {}},
                                "resource_changes": []}), "utf-8")
    proc = run(account, "--against", f"s3://{STATE_BUCKET}/no/such.tfstate",
               "--against", str(plan), "--against", str(account["state"]))
    doc = json.loads(proc.stdout)
    assert proc.returncode == 2, proc.stderr
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    assert "NoSuchKey" in errors[f"s3://{STATE_BUCKET}/no/such.tfstate"]
    assert "a plan, not a state" in errors[str(plan)]
    assert _one(drift(doc), "HDS-DRIFT-003", "aws_db_instance.gone")["status"] == "fail"


def test_bad_allow_list_is_a_usage_error(account, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("drift_allow:\n  - id: 'vol-*'\n", "utf-8")
    proc = account["account"].run("--config", str(config), "--against", str(account["state"]),
                                  regions=PARIS, timeout=60)
    assert proc.returncode == 2
    assert "drift_allow entry 1: a reason is required" in proc.stderr


def test_hds_report_has_a_drift_section(account, tmp_path):
    page = tmp_path / "rapport.md"
    proc = account["account"].run(
        "--config", str(account["config"]), "--against", str(account["state"]),
        "-o", "hds-markdown,hds-json", "--output-file", str(page),
        "--output-file", str(tmp_path / "rapport.json"),
        regions=PARIS, cwd=account["tmp"], timeout=180)
    assert proc.returncode == 1, proc.stderr
    text = page.read_text("utf-8")
    assert "## Dérive par rapport à Terraform" in text
    section = text.split("## Dérive par rapport à Terraform", 1)[1].split("\n## ", 1)[0]
    assert str(account["state"]) in section
    assert "HDS-DRIFT-003" in section and "aws_db_instance.gone" in section
    assert "bootstrap script" in section  # the allowed bucket, with its reason
    doc = json.loads((tmp_path / "rapport.json").read_text("utf-8"))
    counts = doc["drift"]["counts"]
    assert counts["HDS-DRIFT-001"]["fail"] == 1 and counts["HDS-DRIFT-001"]["skipped"] == 1
    assert counts["HDS-DRIFT-002"]["fail"] == 1 and counts["HDS-DRIFT-003"]["fail"] == 1
    exi04 = next(r for r in doc["requirements"] if r["id"] == "EXI 04")
    assert exi04["automation"] == "partial" and exi04["counts"]["fail"] == 3
