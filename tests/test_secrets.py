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
