"""`hds-iac live outscale --against STATE`: drift of the Outscale mock account from its state.

The account is tests/data/outscale/account.json, served by the spec-validating mock
(tests/outscale_mock); the state written for it differs on purpose: VM i-0000000b and its
boot disk vol-0000btb1 were made outside Terraform (unmanaged), the state attests LUKS on
vol-00plain1 but the live volume lost its encryption tag (changed), the state's volume
vol-0000gone no longer exists (missing), and the load balancer lb-nocert is allow-listed.
The state is read from a local file and from moto's S3 (`--state-endpoint-url`, the AWS
default credential chain), as a state kept in an S3-compatible store would be.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hds_iac import json_contract

pytest.importorskip("osc_sdk_python")
pytest.importorskip("moto")

from aws_moto import MotoServer, clients, cli_env  # noqa: E402
from outscale_mock import scenario  # noqa: E402
from outscale_mock.server import OutscaleMock  # noqa: E402
from test_live_outscale import (  # noqa: E402
    ACCESS_KEY, FAST, SECRET_KEY, clean_env, policy_actions,
)

OUTSCALE = 'provider["registry.terraform.io/outscale/outscale"]'
STATE_BUCKET, STATE_KEY = "outscale-states", "hds/terraform.tfstate"


def _resource(rtype: str, name: str, attributes: dict) -> dict:
    return {"mode": "managed", "type": rtype, "name": name, "provider": OUTSCALE,
            "instances": [{"schema_version": 0, "attributes": attributes}]}


def _volume(name: str, vid: str, zone: str, tags: list[dict]) -> dict:
    return _resource("outscale_volume", name, {
        "id": vid, "volume_id": vid, "subregion_name": zone, "size": 100,
        "volume_type": "gp2", "state": "available", "tags": tags})


def state() -> dict:
    luks = [{"key": "hds-iac:encryption", "value": "luks"}]
    resources = [
        _volume("documents", "vol-0000enc1", "eu-west-2a",
                luks + [{"key": "hds-iac:backup", "value": "daily"}]),
        # The state attests LUKS; someone removed the tag (or rebuilt the disk plain).
        _volume("dossiers", "vol-00plain1", "eu-west-2a",
                [{"key": "Name", "value": "dossiers"}] + luks),
        _volume("archive", "vol-0000gone", "eu-west-2b", luks),
        _resource("outscale_vm", "app", {
            "id": "i-0000000a", "vm_id": "i-0000000a", "vm_type": "tinav5.c2r4p2",
            "placement_subregion_name": "eu-west-2a", "root_device_name": "/dev/sda1",
            "block_device_mappings_created": [{"device_name": "/dev/sda1", "bsu": [{
                "volume_id": "vol-0000bta1", "delete_on_vm_deletion": True,
                "link_date": "2026-01-01T00:00:00.000Z", "state": "attached"}]}],
            "tags": luks}),
    ]
    return {"version": 4, "terraform_version": "1.11.4", "serial": 2,
            "lineage": "0d1f7e2a-0000-4000-8000-00000000051a", "outputs": {},
            "resources": resources}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drift-outscale")
    (tmp / "terraform.tfstate").write_text(json.dumps(state()), "utf-8")
    (tmp / ".hds-iac.yaml").write_text(
        "drift_allow:\n  - id: lb-nocert\n    reason: test load balancer of the"
        " supplier, outside our Terraform\n", "utf-8")
    moto = MotoServer(tmp)
    try:
        s3 = clients(moto.url)("s3")
        s3.create_bucket(Bucket=STATE_BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        s3.put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=json.dumps(state()).encode())
        yield {"tmp": tmp, "moto": moto}
    finally:
        moto.stop()


def live(setup: dict, *args: str) -> subprocess.CompletedProcess:
    account = scenario.load("account.json", ACCESS_KEY)
    env = {**clean_env(setup["tmp"]), **{k: v for k, v in cli_env().items()
                                          if k.startswith("AWS_")}}
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY,
                      allowed_actions=policy_actions()) as mock:
        proc = subprocess.run(
            [sys.executable, "-m", "hds_iac.cli", "live", "outscale", "--endpoint", mock.url,
             "--region", "eu-west-2", "-o", "json", *FAST, *args],
            cwd=setup["tmp"], capture_output=True, text=True, timeout=120, env=env)
    assert mock.violations == []
    assert set(mock.actions()) <= {a.removeprefix("api:") for a in policy_actions()}
    return proc


def drift(doc: dict) -> dict[tuple[str, str], dict]:
    doc = json_contract.expand(doc)  # each finding with its rule's references
    return {(f["rule_id"], f["resource"]["address"]): f for f in doc["findings"]
            if f["topic"] == "drift"}


def _expectations(found: dict) -> None:
    assert found[("HDS-DRIFT-001", "vol-0000btb1")]["status"] == "fail"
    assert found[("HDS-DRIFT-001", "i-0000000b")]["status"] == "fail"
    assert found[("HDS-DRIFT-001", "vol-0000enc1")]["status"] == "pass"
    assert found[("HDS-DRIFT-001", "vol-0000bta1")]["status"] == "pass"  # the VM's disk
    assert "outscale_vm.app" in found[("HDS-DRIFT-001", "vol-0000bta1")]["message"]
    changed = found[("HDS-DRIFT-002", "vol-00plain1")]
    assert changed["status"] == "fail"
    assert "encryption at rest: state true, live false" in changed["message"]
    assert found[("HDS-DRIFT-002", "vol-0000enc1")]["status"] == "pass"
    assert found[("HDS-DRIFT-003", "outscale_volume.archive")]["status"] == "fail"
    assert found[("HDS-DRIFT-003", "outscale_vm.app")]["status"] == "pass"
    allowed = found[("HDS-DRIFT-001", "lb-nocert")]
    assert allowed["status"] == "skipped" and allowed["suppression"]["by"] == "drift_allow"
    assert "supplier" in allowed["suppression"]["reason"]
    matrix = allowed["references"]["matrix"]
    assert matrix and all(m["section"] == "17" or "17" in m["section"] for m in matrix)


def test_drift_against_a_local_state(setup):
    proc = live(setup, "--against", "terraform.tfstate")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["errors"] == []
    _expectations(drift(doc))


def test_drift_against_a_state_in_an_s3_compatible_store(setup):
    proc = live(setup, "--against", f"s3://{STATE_BUCKET}/{STATE_KEY}",
                "--state-endpoint-url", setup["moto"].url, "--state-region", "eu-west-3")
    doc = json.loads(proc.stdout)
    assert doc["errors"] == [], doc["errors"]
    found = drift(doc)
    _expectations(found)
    missing = found[("HDS-DRIFT-003", "outscale_volume.archive")]
    assert missing["resource"]["file"] == f"s3://{STATE_BUCKET}/{STATE_KEY}"
