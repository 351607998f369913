"""Terraform's JSON syntax (`*.tf.json`, as CDK for Terraform writes it).

The strongest check is a twin: fixtures/json-syntax holds one configuration written in
HCL and in JSON, and the real CLI must give the same findings for both, with lines that
point at the JSON block.
"""
from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli

from hds_iac import precommit
from hds_iac.terraform.hcl import read_folder

TWIN = FIXTURES / "json-syntax"


def scan(path: Path, *extra: str) -> tuple[int, dict]:
    run = run_cli("scan", str(path), "-o", "json", *extra)
    return run.code, run.json()


def verdicts(doc: dict) -> set[tuple[str, str, str]]:
    return {(f["rule_id"], f["resource"]["address"], f["status"]) for f in doc["findings"]}


def test_json_and_hcl_twins_give_the_same_findings() -> None:
    code_hcl, hcl = scan(TWIN / "hcl")
    code_json, doc = scan(TWIN / "json")
    assert code_hcl == code_json == 1
    assert doc["errors"] == [] and doc["notices"] == []
    assert verdicts(doc) == verdicts(hcl)
    got = verdicts(doc)
    # what the twin exercises: provider aliases, variables, locals, references between
    # resources, nested blocks written as objects, a dynamic block, "${...}" values
    assert ("HDS-LOC-001", "aws_ebs_volume.plain", "fail") in got       # provider aws.london
    assert ("HDS-ENC-002", "aws_s3_bucket.docs", "pass") in got          # linked SSE resource
    assert ("HDS-ENC-003", "aws_s3_bucket.docs", "pass") in got          # nested rule block
    assert ("HDS-TLS-006", "aws_security_group.web", "fail") in got      # dynamic ingress
    text = (TWIN / "json" / "main.tf.json").read_text().splitlines()
    for f in doc["findings"]:
        assert f["resource"]["file"] == "fixtures/json-syntax/json/main.tf.json"  # from the root
        name = f["resource"]["address"].split(".")[-1]
        assert text[f["resource"]["line"] - 1].strip().startswith(f'"{name}": {{'), f


def test_values_keep_their_type_and_escapes(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "variable": {"tags": {"type": "map(string)", "default": {"a/b": "x"}}},
        "resource": {"aws_s3_bucket": {"b": {
            "//": "a comment: ignored",
            "bucket": 'quote" back\\slash $${literal}',
            "tags": "${var.tags}",
            "force_destroy": "${1 + 1 == 2}",
        }}},
    }))
    config = read_folder(str(tmp_path), str(tmp_path), (), {}, environ={})
    bucket = config.resources[0]
    assert bucket.values["bucket"] == 'quote" back\\slash ${literal}'
    assert bucket.values["tags"] == {"a/b": "x"}          # the map, not its text
    assert bucket.values["force_destroy"] is True
    assert "//" not in bucket.values
    assert config.errors == []


def test_broken_json_is_one_error_and_the_rest_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "good.tf.json").write_text(json.dumps({"resource": {"aws_ebs_volume": {"v": {
        "availability_zone": "eu-west-3a", "size": 1, "encrypted": True}}}}))
    (tmp_path / "broken.tf.json").write_text('{"resource": {"aws_s3_bucket": {"b": {\n')
    (tmp_path / "list.tf.json").write_text("[1, 2]")
    code, doc = scan(tmp_path)
    assert code == 2
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    assert errors["broken.tf.json"].startswith("invalid JSON at line 2")
    assert errors["list.tf.json"] == "a Terraform JSON file must hold a JSON object"
    assert ("HDS-ENC-001", "aws_ebs_volume.v", "pass") in verdicts(doc)


def test_json_root_calling_a_local_module(tmp_path: Path, monkeypatch) -> None:
    """A CDKTF stack (JSON) calling a hand-written HCL module: the module's resources are
    scanned through the stack, and a change in the module points the hook at the stack."""
    stack, module = tmp_path / "stacks" / "prod", tmp_path / "modules" / "store"
    stack.mkdir(parents=True)
    module.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({
        "provider": {"aws": [{"region": "eu-west-2"}]},
        "module": {"store": {"source": "../../modules/store", "name": "patients"}},
    }, indent=2))
    (module / "main.tf").write_text('variable "name" {}\n'
                                    'resource "aws_s3_bucket" "this" {\n  bucket = var.name\n}\n')
    code, doc = scan(stack, "--check", "HDS-LOC-001")
    assert code == 1
    assert verdicts(doc) == {("HDS-LOC-001", "module.store.aws_s3_bucket.this", "fail")}
    monkeypatch.chdir(tmp_path)
    assert precommit.roots_for(["modules/store/main.tf"]) == ["stacks/prod"]
    assert precommit.roots_for(["stacks/prod/cdk.tf.json"]) == ["stacks/prod"]
