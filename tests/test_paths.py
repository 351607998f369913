"""File names resolve from the repository root in every report (issue 9 §6): GitHub code
scanning reads SARIF URIs from the root of the checkout, whatever folder the scan ran in,
and a module called as ../../modules/storage is named modules/storage/main.tf everywhere
(SARIF, JUnit, CSV, JSON, the terminal and error messages)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run_cli

PROD = """
provider "aws" {
  region = "eu-west-3"
}

module "storage" {
  source = "../../modules/storage"
}
"""
STORAGE = """
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-3a"
  size              = 10
}
"""


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "envs/prod").mkdir(parents=True)
    (repo / "modules/storage").mkdir(parents=True)
    (repo / "envs/prod/main.tf").write_text(PROD)
    (repo / "modules/storage/main.tf").write_text(STORAGE)
    (repo / "modules/storage/broken.tf").write_text('resource "aws_s3_bucket" "b" {\n')
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_every_format_names_files_from_the_repository_root(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    prod = repo / "envs/prod"
    files = {"sarif": "r.sarif", "junitxml": "r.xml", "csv": "r.csv", "json": "r.json"}
    args = ["scan", "."]
    for fmt, name in files.items():
        args += ["-o", fmt, "--output-file", name]
    run = run_cli(*args, "-o", "cli", cwd=prod)
    assert run.code == 2, run.stderr  # the broken module file is an error
    out = {fmt: (prod / name).read_text() for fmt, name in files.items()}
    volume = "modules/storage/main.tf"

    sarif = json.loads(out["sarif"])
    runs = sarif["runs"][0]
    assert runs["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in runs["results"]]
    assert locations and all(loc == {"uri": volume, "uriBaseId": "%SRCROOT%"}
                             for loc in locations), locations
    assert (repo / volume).is_file()

    cases = [c for c in ET.fromstring(out["junitxml"]).iter("testcase") if c.get("file")]
    assert cases and {c.get("file") for c in cases} == {volume}
    rows = list(csv.DictReader(io.StringIO(out["csv"])))
    assert {r["file"] for r in rows} == {volume}
    doc = json.loads(out["json"])
    assert {f["resource"]["file"] for f in doc["findings"]} == {volume}
    assert any(e["path"].startswith("modules/storage/broken.tf") for e in doc["errors"]), doc
    assert f"({volume}:2)" in run.stdout
    assert "hds-iac: error: modules/storage/broken.tf" in run.stderr
    for text in (*out.values(), run.stdout, run.stderr):
        assert "../" not in text
