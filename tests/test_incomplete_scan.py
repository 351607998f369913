"""A scan never looks clean when parts were not read (issue 9 §1, code scans).

Module calls that were not read (registry or git modules before `terraform init`, a local
folder that is missing) are named by every format and make the exit status 2 unless the
user accepts them explicitly; a scan that judged no resource never shows a success mark.
The real command line runs (conftest.run_cli); the hook behaviour is in test_precommit.py.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli

DATA = Path(__file__).parent / "data" / "hcl"

ROOT = """
provider "aws" {
  region = "eu-west-3"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "db" {
  source = "git::https://example.org/db.git?ref=v1"
}

module "local_gone" {
  source = "./modules/gone"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
"""
UNREAD = ("module.vpc", "module.db", "module.local_gone")
ALL_FORMATS = ("cli", "json", "sarif", "junitxml", "csv", "markdown", "hds-markdown",
               "hds-json", "hds-html")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    # a repository: the configuration file at its top is found from infra/
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull,
                        "GIT_CONFIG_NOSYSTEM": "1"})
    folder = tmp_path / "infra"
    folder.mkdir()
    (folder / "main.tf").write_text(ROOT.lstrip())
    return folder


def _reports(root: Path, tmp_path: Path, *options: str) -> tuple[int, dict[str, str], str]:
    """Every format of one run, written to files: (exit status, format -> text, stderr)."""
    files = [tmp_path / f"report.{fmt}" for fmt in ALL_FORMATS]
    args = ["scan", str(root), "-o", ",".join(ALL_FORMATS)]
    for path in files[:-1]:
        args += ["--output-file", str(path)]
    run = run_cli(*args, *options, "--lang", "en", cwd=tmp_path)
    texts = {fmt: path.read_text(encoding="utf-8") for fmt, path in zip(ALL_FORMATS, files)
             if path.exists()}
    texts[ALL_FORMATS[-1]] = run.stdout
    return run.code, texts, run.stderr


def _named_everywhere(texts: dict[str, str]) -> None:
    for fmt in ALL_FORMATS:
        shown = texts[fmt].replace("\\", "")  # Markdown escapes `_` as `\_`
        for address in UNREAD:
            assert address in shown, (fmt, address)


def test_module_calls_not_read_are_in_every_format_and_exit_2(root, tmp_path):
    code, texts, stderr = _reports(root, tmp_path)
    assert code == 2, stderr
    _named_everywhere(texts)
    doc = json.loads(texts["json"])
    assert sorted(m["message"].split(":")[0] for m in doc["modules_not_read"]) == sorted(UNREAD)
    assert doc["missing_modules_allowed_by"] is None
    assert doc["summary"]["modules_not_read"] == 3
    assert "module call(s) not read: the scan is incomplete (exit status 2)" in texts["cli"]
    assert "✅" not in texts["markdown"]
    sarif = json.loads(texts["sarif"])["runs"][0]["invocations"][0]
    assert sarif["executionSuccessful"] is False
    assert sum(n["level"] == "error" for n in sarif["toolExecutionNotifications"]) == 3
    suite = ET.fromstring(texts["junitxml"]).find("testsuite[@name='inputs']")
    assert suite is not None and suite.get("errors") == "3"
    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    assert [r["status"] for r in rows].count("not-read") == 3
    report = json.loads(texts["hds-json"])
    assert report["complete"] is False
    assert "Incomplete report" in texts["hds-html"] or "Rapport incomplet" in texts["hds-html"]


def test_allow_missing_modules_keeps_them_reported_and_says_who_allowed(root, tmp_path):
    code, texts, _ = _reports(root, tmp_path, "--allow-missing-modules")
    assert code == 0  # the one role passes; the three calls were accepted, not judged
    _named_everywhere(texts)
    assert "accepted by --allow-missing-modules" in texts["cli"]
    assert json.loads(texts["json"])["missing_modules_allowed_by"] == "--allow-missing-modules"
    assert json.loads(texts["hds-json"])["complete"] is False  # the auditor still sees the gap
    assert "✅" not in texts["markdown"]


def test_the_configuration_file_can_allow_them_and_the_flag_can_refuse(root, tmp_path):
    (tmp_path / ".hds-iac.yaml").write_text("allow_missing_modules: true\n")
    run = run_cli("scan", str(root), "-o", "json", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.json()["missing_modules_allowed_by"] == "allow_missing_modules in .hds-iac.yaml"
    assert "accepted by allow_missing_modules in .hds-iac.yaml" in run.stderr
    refused = run_cli("scan", str(root), "--no-allow-missing-modules", cwd=tmp_path)
    assert refused.code == 2 and "module.vpc" in refused.stdout


def test_a_downloaded_module_is_read_from_modules_json(tmp_path):
    """After `terraform init`, .terraform/modules/modules.json leads to the module: read,
    judged, and nothing reported as not read."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(DATA / "downloaded", tmp_path / "downloaded")
    (tmp_path / "downloaded" / "dot-terraform").rename(tmp_path / "downloaded" / ".terraform")
    run = run_cli("scan", str(tmp_path / "downloaded"), "-o", "json", cwd=tmp_path)
    doc = run.json()
    assert doc["modules_not_read"] == [] and run.code != 2, run.stderr
    assert any(f["resource"]["address"] == "module.store.aws_s3_bucket.this"
               for f in doc["findings"])


def test_nothing_judged_never_shows_a_success_mark(tmp_path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "vars-only"
    folder.mkdir()
    (folder / "variables.tf").write_text('variable "region" {\n  default = "eu-west-3"\n}\n')
    code, texts, _ = _reports(folder, tmp_path)
    assert code == 0  # nothing failed and everything was read: only, nothing was judged
    assert "✅" not in texts["markdown"] and "No failing finding" not in texts["markdown"]
    for fmt in ("cli", "markdown", "sarif", "junitxml", "csv"):
        assert "nothing was judged" in texts[fmt], fmt
    assert json.loads(texts["json"])["summary"]["nothing_judged"] is True
    assert "Nothing was judged" in texts["hds-markdown"] or "Rien n'a été jugé" in \
        texts["hds-markdown"]
    assert "nothing-judged" in texts["hds-html"]


def test_something_judged_keeps_its_success_mark(tmp_path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "ok"
    folder.mkdir()
    (folder / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-3"\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "x"\n  assume_role_policy = jsonencode({'
        'Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = '
        '"ec2.amazonaws.com"}}]})\n}\n')
    run = run_cli("scan", str(folder), "-o", "markdown", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout.startswith("### ✅") and "nothing was judged" not in run.stdout


def test_a_merged_result_keeps_every_list_its_parts_carry() -> None:
    # Live scans of several accounts or profiles merge one result per part (`extend`): an
    # error, a module not read or a waiver that waives nothing must not vanish in the merge.
    from dataclasses import fields

    from hds_iac.scan import ScanResult

    part = ScanResult()
    # allowed_countries is the run's setting, written once by the command line: not merged
    lists = [f.name for f in fields(ScanResult) if isinstance(getattr(part, f.name), list)
             and f.name != "allowed_countries"]
    for name in lists:
        getattr(part, name).append(name)
    part.resources = 3
    merged = ScanResult()
    merged.extend(part)
    merged.extend(part)
    assert {name: getattr(merged, name) for name in lists} == {
        name: [name, name] for name in lists}
    assert merged.resources == 6
    assert "unapplied_waivers" in lists
