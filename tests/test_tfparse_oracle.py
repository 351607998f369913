"""tfparse (Cloud Custodian's wrapper of defsec/Trivy's Terraform evaluator) as a second
opinion on evaluation, in tests only: on every HCL fixture, each attribute value tfparse
resolves and hds-iac leaves unknown, or resolves differently, is listed; each is either
fixed or explained below (the list must match exactly, so a new difference fails the test
and a fixed one must leave the list).

tfparse is not a dependency of hds-iac (the design chose python-hcl2, and tfparse loses the
reasons behind unknowns); the test is skipped when it is not installed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from hds_iac.model import Unknown
from hds_iac.terraform.hcl import read_folder

tfparse = pytest.importorskip("tfparse", reason="tfparse is not installed (pip install tfparse)")

# tfparse's block kinds that are not resources.
NOT_RESOURCES = {"provider", "variable", "module", "locals", "output", "terraform", "data"}
META = {"__tfmeta", "id", "count", "for_each", "depends_on", "lifecycle", "provider",
        "dynamic", "provisioner", "connection"}

# (case, address, attribute) -> why hds-iac's answer is the right one.
_S3_IDS = ("defsec fills in what AWS computes (an S3 bucket's id and ARN from its name); "
            "Terraform knows them only after apply: hds-iac keeps the reference (refs) and "
            "its adapters link the bucket through it")
_CWD = ("tfparse takes path.cwd from the Python process's working folder; Terraform runs "
        "in the root module's folder, which hds-iac uses")
EXPLAINED = {
    ("evaluation/partly-unknown", "aws_db_instance.db", "storage_encrypted"):
        "`aws_kms_key.ebs.arn != null`: an attribute known only after apply may still be "
        "null (the AWS provider refines nothing), so Terraform does not know the result; "
        "tfparse compares the generated id it puts in place of the reference",
    ("evaluation/partly-unknown", "aws_db_instance.db", "multi_az"):
        "`var.create ? true : aws_instance.app.id`: Terraform unifies the branches to "
        "string, tfparse gives \"true\"; the provider converts it back to the bool true, "
        "which hds-iac keeps",
    ("evaluation/paths-templates-network", "aws_instance.web", "tags.Name"): _CWD,
    ("evaluation/paths-templates-network", "module.app.aws_s3_bucket.this", "bucket"): _CWD,
    ("rules/HDS-TLS-004/aws-engine-defaults", "aws_db_instance.named", "parameter_group_name"):
        "uuid() gives a new value on every run: Terraform knows it only at apply",
    ("rules/HDS-ENC-003/aws-pass",
     "aws_s3_bucket_server_side_encryption_configuration.documents", "bucket"): _S3_IDS,
    ("rules/HDS-LOC-002/aws-pass", "aws_s3_bucket_replication_configuration.records",
     "bucket"): _S3_IDS,
    ("rules/HDS-LOC-002/aws-pass", "aws_s3_bucket_replication_configuration.records",
     "rule.destination.bucket"): _S3_IDS,
    ("rules/HDS-LOG-003/aws-pass", "aws_cloudtrail.main", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-003/aws-pass", "aws_cloudtrail.default_block", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-003/aws-pass", "aws_s3_bucket_public_access_block.trail", "bucket"):
        _S3_IDS,
    ("rules/HDS-LOG-003/aws-fail", "aws_cloudtrail.to_london", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-003/aws-fail", "aws_cloudtrail.to_open", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-003/aws-fail", "aws_s3_bucket_public_access_block.open", "bucket"):
        _S3_IDS,
    ("rules/HDS-LOG-009/aws-pass", "aws_cloudtrail.objects",
     "event_selector.data_resource.values[0]"): _S3_IDS,
    ("rules/HDS-LOG-009/aws-pass", "aws_cloudtrail.objects", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-009/aws-pass", "aws_cloudtrail.split", "s3_bucket_name"): _S3_IDS,
    ("rules/HDS-LOG-009/aws-pass", "aws_s3_bucket_logging.records", "bucket"): _S3_IDS,
    ("rules/HDS-LOG-009/aws-pass", "aws_s3_bucket_logging.records", "target_bucket"): _S3_IDS,
    ("rules/HDS-LOG-009/aws-unknown-prefix", "aws_s3_bucket_logging.logged", "bucket"):
        _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail", "aws_s3_bucket_policy.reports", "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-pass", "aws_s3_bucket_policy.documents", "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-pass", "aws_s3_bucket_policy.images", "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-pass-jsonencode", "aws_s3_bucket_policy.p", "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-pass-jsonencode", "aws_s3_bucket_policy.p", "policy"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "data.aws_iam_policy_document.one_role",
     "statement.resources[0]"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "data.aws_iam_policy_document.one_role",
     "statement.resources[1]"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.get_only",
     "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.get_only",
     "policy"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.one_role",
     "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.other",
     "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.prefix",
     "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-fail-partial-deny", "aws_s3_bucket_policy.prefix",
     "policy"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-unknown", "aws_s3_bucket_policy.b",
     "bucket"): _S3_IDS,
    ("rules/HDS-TLS-005/aws-unknown", "aws_s3_bucket_policy.b",
     "policy"): _S3_IDS,
}
# Fixed with issue 12 (tfparse gave them, hds-iac did not): optional() attributes and their
# defaults (evaluation/optional-attributes), the keys of a partly-unknown map and `!= null`
# on it (evaluation/partly-unknown), cidrsubnet and regex (evaluation/paths-templates-network).


def _cases() -> list[Path]:
    folders = sorted(p.parent for p in (FIXTURES / "evaluation").glob("*/expect.yaml"))
    folders += sorted({p.parent for p in (FIXTURES / "rules").glob("*/*/*.tf")})
    return folders


def _unresolved(value: Any, ids: set[str]) -> bool:
    """tfparse's marks of what it could not resolve: `{"__attribute__": ...}` objects, raw
    `${...}` interpolations, null (what it gives when evaluation fails), and the generated
    ids it puts for references to other blocks."""
    if value is None:
        return True
    if isinstance(value, dict):
        return "__attribute__" in value
    if isinstance(value, str):
        return "${" in value or any(i in value for i in ids)
    return False


def _diff(ours: Any, theirs: Any, path: str, ids: set[str], out: dict[str, str]) -> None:
    """Leaf by leaf: where tfparse has a resolved value, hds-iac's is unknown or different."""
    if isinstance(theirs, dict) and "__attribute__" not in theirs:
        if isinstance(ours, list) and len(ours) == 1 and isinstance(ours[0], dict):
            ours = ours[0]  # one nested block: hds-iac keeps blocks as lists
        if isinstance(ours, Unknown):
            if any(not _unresolved(v, ids) and not isinstance(v, (dict, list))
                   for k, v in theirs.items() if k not in META):
                out[path] = "hds-iac leaves it unknown"
            return
        if not isinstance(ours, dict):
            out[path] = f"hds-iac {ours!r} vs tfparse object"
            return
        for key, value in theirs.items():
            if key not in META and key in ours:
                _diff(ours[key], value, f"{path}.{key}", ids, out)
        return
    if isinstance(theirs, list):
        if isinstance(ours, Unknown):
            if any(not _unresolved(v, ids) for v in theirs):
                out[path] = "hds-iac leaves it unknown"
            return
        if not isinstance(ours, list) or len(ours) != len(theirs):
            if not any(_unresolved(v, ids) for v in theirs):
                out[path] = f"hds-iac {ours!r} vs tfparse {theirs!r}"
            return
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _diff(a, b, f"{path}[{i}]", ids, out)
        return
    if _unresolved(theirs, ids):
        return
    if isinstance(ours, Unknown):
        out[path] = "hds-iac leaves it unknown"
    elif not _same(ours, theirs):
        out[path] = f"hds-iac {ours!r} vs tfparse {theirs!r}"


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return ours == theirs
    return ours == theirs


def differences(case: Path) -> dict[tuple[str, str, str], str]:
    name = case.relative_to(FIXTURES).as_posix()
    blocks = tfparse.load_from_path(str(case))
    ids = {b.get("id") for kind in blocks.values() for b in kind
           if isinstance(b, dict) and isinstance(b.get("id"), str)}
    ours = {r.address: r for r in read_folder(str(case), str(case), environ={}).resources}
    found: dict[tuple[str, str, str], str] = {}
    for kind, items in blocks.items():
        if kind in NOT_RESOURCES:
            continue
        for block in items:
            address = block.get("__tfmeta", {}).get("path", "")
            record = ours.get(address)
            if record is None:
                continue  # instances tfparse expands differently (unknown count...)
            out: dict[str, str] = {}
            for attr, theirs in block.items():
                if attr not in META and attr in record.values:
                    _diff(record.values[attr], theirs, attr, ids, out)
            for path, what in out.items():
                found[(name, address, path)] = what
    return found


def test_every_difference_with_tfparse_is_fixed_or_explained(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # path.cwd: see _CWD
    found: dict[tuple[str, str, str], str] = {}
    for case in _cases():
        found.update(differences(case))
    unexplained = {k: v for k, v in found.items() if k not in EXPLAINED}
    assert unexplained == {}, "\n".join(f"{k}: {v}" for k, v in unexplained.items())
    stale = set(EXPLAINED) - set(found)
    assert stale == set(), f"explained differences that no longer occur: {stale}"
