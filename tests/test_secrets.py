"""Secrets never reach any output: sensitive variables, passwords, user_data, sensitive plan values."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

SECRET = "S3cr3t-Do-Not-Print-4242"


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "tf"
    root.mkdir()
    (root / "main.tf").write_text(f'''
variable "db_password" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}
provider "aws" {{
  region = "eu-west-2"
}}
resource "aws_db_instance" "db" {{
  identifier = "db-{{var.db_password}}"
  password   = var.db_password
  storage_encrypted = false
}}
resource "aws_instance" "vm" {{
  ami       = "ami-1"
  user_data = "#!/bin/sh\\necho {SECRET}"
}}
resource "outscale_vm" "vm" {{
  image_id  = "ami-1"
  user_data = base64encode("{SECRET}")
}}
''')
    return root


def _plan(tmp_path: Path) -> Path:
    values = {"identifier": "db", "password": SECRET, "storage_encrypted": False}
    plan = {
        "format_version": "1.2", "terraform_version": "1.11.0",
        "planned_values": {"root_module": {"resources": [{
            "address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance",
            "name": "db", "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": values, "sensitive_values": {"password": True}}]}},
        "resource_changes": [{
            "address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance",
            "name": "db", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": values,
                       "after_unknown": {}, "after_sensitive": {"password": True}}}],
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
            "region": {"constant_value": "eu-west-2"}}}}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def test_no_secret_in_any_output(tmp_path: Path) -> None:
    targets = [str(_folder(tmp_path)), str(_plan(tmp_path))]
    for args in (["-o", "json"], ["--show-pass"], ["--lang", "fr", "-o", "json"]):
        run = run_cli("scan", *targets, *args)
        assert run.code == 1, run.stderr
        assert SECRET not in run.stdout and SECRET not in run.stderr
        assert "findings" in run.stdout or "HDS-" in run.stdout


def test_no_secret_when_the_file_is_broken(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    root.mkdir()
    (root / "main.tf").write_text(f'resource "aws_db_instance" "db" {{\n  password = "{SECRET}" "x"\n')
    run = run_cli("scan", str(root))
    assert run.code == 2
    assert SECRET not in run.stdout and SECRET not in run.stderr


# --- issue 9 §3: a sensitive value is judged like any value, and masked in every format ----

FORMATS = ("cli", "json", "sarif", "junitxml", "csv", "markdown", "hds-html", "hds-markdown",
           "hds-json")
ZONE = "eu-west-3c"


def _sensitive_zone_folder(tmp_path: Path) -> Path:
    """Two standalone machines in one zone that a `sensitive` variable names: HDS-AZ-003
    fails, and its message must not print the zone."""
    root = tmp_path / "zone"
    root.mkdir()
    (root / "main.tf").write_text(f'''
variable "zone" {{
  type      = string
  sensitive = true
  default   = "{ZONE}"
}}
provider "aws" {{
  region = "eu-west-3"
}}
resource "aws_instance" "a" {{
  ami               = "ami-1"
  availability_zone = var.zone
}}
resource "aws_instance" "b" {{
  ami               = "ami-1"
  availability_zone = var.zone
}}
''')
    return root


def _plan_doc(resources: list[tuple[str, str, dict, dict]]) -> dict:
    """A plan creating `resources` (address, type, after, after_sensitive) in eu-west-3."""
    planned, changes = [], []
    for address, rtype, after, marks in resources:
        name = address.split(".")[-1]
        planned.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "values": after, "sensitive_values": marks})
        changes.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {}, "after_sensitive": marks}})
    return {
        "format_version": "1.2", "terraform_version": "1.11.0",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
            "region": {"constant_value": "eu-west-3"}}}}},
    }


def test_sensitive_zone_is_judged_and_masked_in_every_format(tmp_path: Path) -> None:
    plan = tmp_path / "zone-plan.json"
    plan.write_text(json.dumps(_plan_doc([
        (f"aws_instance.{n}", "aws_instance", {"ami": "ami-1", "availability_zone": ZONE},
         {"availability_zone": True}) for n in ("a", "b")])))
    for target in (_sensitive_zone_folder(tmp_path), plan):
        verdicts = run_cli("scan", str(target), "-o", "json", "--check", "HDS-AZ-003").json()
        statuses = {(f["resource"]["address"], f["status"]) for f in verdicts["findings"]}
        assert statuses == {("aws_instance.a", "fail"), ("aws_instance.b", "fail")}, target
        assert all("(sensitive value)" in f["message"] for f in verdicts["findings"])
        for lang in ("en", "fr"):
            out = tmp_path / f"{target.stem}-{lang}"
            out.mkdir()
            files = [out / f"report.{fmt}" for fmt in FORMATS]
            outputs = [arg for path in files for arg in ("--output-file", str(path))]
            run = run_cli("scan", str(target), "-o", ",".join(FORMATS), *outputs,
                          "--lang", lang, "--show-pass", "--no-color")
            assert run.code == 1, run.stderr
            assert ZONE not in run.stdout and ZONE not in run.stderr
            for fmt, path in zip(FORMATS, files):
                text = path.read_text(encoding="utf-8")
                assert "aws_instance.a" in text, (fmt, lang)
                assert ZONE not in text, (target, fmt, lang)


def test_sensitive_plan_values_are_judged_like_the_same_hcl(tmp_path: Path) -> None:
    """A sensitive `kms_key_id` is a client key (HDS-ENC-003) and a sensitive retention of 30
    days is 30 days (HDS-BAK-001), as in code; a sensitive value the plan leaves out is
    unknown. None of them is printed."""
    key = "arn:aws:kms:eu-west-3:111122223333:key/secret-key-id-0042"
    volume = {"availability_zone": "eu-west-3a", "size": 10, "encrypted": True,
              "kms_key_id": key}
    db = {"identifier": "db", "engine": "postgres", "storage_encrypted": True,
          "kms_key_id": key, "backup_retention_period": 30, "multi_az": True}
    hidden = dict(db, identifier="hidden")
    del hidden["backup_retention_period"]
    plan = tmp_path / "sensitive-plan.json"
    plan.write_text(json.dumps(_plan_doc([
        ("aws_ebs_volume.v", "aws_ebs_volume", volume, {"kms_key_id": True}),
        ("aws_db_instance.db", "aws_db_instance", db,
         {"kms_key_id": True, "backup_retention_period": True}),
        ("aws_db_instance.hidden", "aws_db_instance", hidden,
         {"backup_retention_period": True}),
    ])))
    root = tmp_path / "hcl"
    root.mkdir()
    (root / "main.tf").write_text(f'''
provider "aws" {{
  region = "eu-west-3"
}}
variable "key" {{
  type      = string
  sensitive = true
  default   = "{key}"
}}
variable "days" {{
  type      = number
  sensitive = true
  default   = 30
}}
resource "aws_ebs_volume" "v" {{
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = true
  kms_key_id        = var.key
}}
resource "aws_db_instance" "db" {{
  identifier              = "db"
  engine                  = "postgres"
  storage_encrypted       = true
  kms_key_id              = var.key
  backup_retention_period = var.days
  multi_az                = true
}}
''')

    def verdicts(target: Path) -> dict[tuple[str, str], str]:
        run = run_cli("scan", str(target), "-o", "json", "--check", "HDS-ENC-003,HDS-BAK-001")
        assert key not in run.stdout and "secret-key-id" not in run.stdout
        return {(f["rule_id"], f["resource"]["address"]): f["status"]
                for f in run.json()["findings"]}

    from_plan, from_code = verdicts(plan), verdicts(root)
    assert from_plan[("HDS-ENC-003", "aws_ebs_volume.v")] == "pass"
    assert from_plan[("HDS-ENC-003", "aws_db_instance.db")] == "pass"
    assert from_plan[("HDS-BAK-001", "aws_db_instance.db")] == "pass"
    assert from_plan[("HDS-BAK-001", "aws_db_instance.hidden")] == "unknown"
    for finding, status in from_code.items():
        assert from_plan[finding] == status, finding


def test_a_resource_with_a_sensitive_value_keeps_its_messages_in_the_report_language(
        tmp_path: Path) -> None:
    """A resource holding a sensitive value has its message params masked; a param written
    in two languages (the country, "EEA"/"EEE") must still print in the report's language,
    not as `Text(en=..., fr=...)`, and the secret must not print."""
    root = tmp_path / "bucket"
    root.mkdir()
    (root / "main.tf").write_text('''
variable "name" {
  type      = string
  sensitive = true
  default   = "patients-s3cr3t"
}
provider "aws" {
  region = "ap-south-1"
}
resource "aws_s3_bucket" "b" {
  bucket = var.name
}
''')
    for lang, country, area in (("en", "India", "EEA"), ("fr", "Inde", "EEE")):
        run = run_cli("scan", str(root), "-o", "json", "--check", "HDS-LOC-001", "--lang", lang)
        [finding] = run.json()["findings"]
        assert finding["status"] == "fail"
        message = finding["message"]
        assert "Text(" not in message and "s3cr3t" not in run.stdout, message
        assert f"ap-south-1 ({country})" in message and f"({area})" in message, message
