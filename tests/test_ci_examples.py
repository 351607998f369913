"""The copy-paste CI jobs in docs/ci/ are valid YAML of the right shape, and the hds-iac
command each runs works as written (same flags, same files) on a Terraform folder and plan."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO
from hds_iac import __version__
from hds_iac.output.links import PROJECT_URL

DOCS = REPO / "docs" / "ci"
# A plan in the repository (not ../shared), so that the jobs' command always runs here.
PLAN = FIXTURES / "rules/HDS-ENC-001/outscale-plan-fail/plan.json"


def _hds_command(doc: object) -> str:
    """The one `hds-iac scan` command line in a workflow document."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.strip().startswith("hds-iac scan"):
            found.append(" ".join(node.split()))

    walk(doc)
    assert len(found) == 1, found
    return found[0]


def test_github_actions_workflow_shape() -> None:
    doc = yaml.safe_load((DOCS / "github-actions.yml").read_text())
    steps = doc["jobs"]["hds"]["steps"]
    assert all(("uses" in s) != ("run" in s) for s in steps)
    uses = [s["uses"] for s in steps if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)
    assert doc["permissions"]["security-events"] == "write"
    runs = " ".join(s.get("run", "") for s in steps)
    assert "terraform show -json tfplan > plan.json" in runs


def test_gitlab_job_shape() -> None:
    doc = yaml.safe_load((DOCS / "gitlab-ci.yml").read_text())
    assert doc["stages"] == ["plan", "compliance"]
    job = doc["hds-iac"]
    assert job["needs"] == ["terraform-plan"]
    assert job["artifacts"]["reports"]["junit"] == "infra/hds-iac.xml"


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_install_step_pins_the_repository_at_the_release_tag(name: str) -> None:
    """hds-iac is not on PyPI: the jobs install it from its git repository at a tag, and say
    so; a bare `pip install hds-iac` would fetch nothing (or someone else's package)."""
    text = (DOCS / name).read_text()
    installs = [ln.strip() for ln in text.splitlines() if "pip install" in ln]
    assert installs == [f'{"run: " if "github" in name else "- "}pip install '
                        f'"hds-iac @ git+{PROJECT_URL}@v{__version__}"'], installs
    assert "not published on PyPI" in text


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_documented_command_runs(name: str, tmp_path: Path) -> None:
    """In the job's working directory (infra/ of a repository), and the file names of the
    SARIF and JUnit reports resolve from the repository root, as GitHub and GitLab read them."""
    command = _hds_command(yaml.safe_load((DOCS / name).read_text()))
    infra = tmp_path / "infra"
    shutil.copytree(FIXTURES / "example", infra)
    shutil.copy(PLAN, infra / "plan.json")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    args = shlex.split(command)
    proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", *args[1:]], cwd=infra,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # the example fails some high-severity rules
    files = [args[i + 1] for i, a in enumerate(args) if a == "--output-file"]
    for produced in files:
        assert (infra / produced).stat().st_size > 0
    assert "hds-iac:" in proc.stdout  # the cli report went to the job log
    for produced in files:
        if produced.endswith(".sarif"):
            sarif = json.loads((infra / produced).read_text())
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in sarif["runs"][0]["results"]
                    if "physicalLocation" in r["locations"][0]}
        elif produced.endswith(".xml"):
            uris = {c.get("file") for c in ET.parse(infra / produced).iter("testcase")
                    if c.get("file")}
        else:
            continue
        assert uris and all(u.startswith("infra/") and (tmp_path / u).is_file()
                            for u in uris), uris
