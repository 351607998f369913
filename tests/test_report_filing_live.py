"""Provenance and scope of a live scan (issue 10 §6), through the real command line against
the spec-validating Outscale mock (tests/outscale_mock): the account id and the region
come from the API's answers, the observation period from the run, and no git commit is
claimed for a cloud account; the attested volumes of the scenario are declared passes."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from test_live_outscale import ACCESS_KEY, FAST, REGION, SECRET_KEY, clean_env, live

from outscale_mock import scenario  # noqa: E402
from outscale_mock.server import OutscaleMock  # noqa: E402

ACCOUNT_ID = "123456789012"  # the scenario's account (tests/data/outscale/account.json)


@pytest.fixture
def account() -> dict:
    return scenario.load("account.json", ACCESS_KEY)


def test_live_scan_provenance_scope_and_declared_passes(tmp_path: Path, account: dict) -> None:
    (tmp_path / ".hds-iac.yaml").write_text(
        "scope:\n"
        "  host: Clinique Exemple\n"
        "  activities: [5]\n"
        f"  accounts: ['{ACCOUNT_ID}', '999999999999']\n"
        f"  regions: ['outscale:{REGION}', 'cloudgouv-eu-west-1']\n", "utf-8")
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION,
                   "-o", "json,hds-json,hds-html", "--output-file", "result.json",
                   "--output-file", "report.json", "--output-file", "rapport.html", *FAST,
                   env=clean_env(tmp_path, GITLAB_CI="true", CI_JOB_ID="77",
                                 CI_JOB_NAME="hds-live", CI_PROJECT_PATH="clinique/ops",
                                 USER="ops"))
    assert run.code in (0, 1), run.stderr
    assert mock.violations == [] and all(e.action.startswith("Read") for e in mock.log)
    result = json.loads((tmp_path / "result.json").read_text("utf-8"))
    p = result["provenance"]
    assert p["git"] == []  # a cloud account has no commit: none is claimed
    assert p["started"] <= p["finished"]
    assert p["config"]["path"].endswith(".hds-iac.yaml")
    assert p["run_by"] == {"user": "ops", "ci": {"system": "GitLab CI",
                                                 "repository": "clinique/ops", "job": "hds-live",
                                                 "run_id": "77"}}
    [entry] = result["inputs"]
    assert entry["account_id"] == ACCOUNT_ID and entry["region"] == REGION
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    scope = report["scope"]
    assert scope["accounts_scanned"] == [ACCOUNT_ID]
    assert scope["accounts_missing"] == ["999999999999"]
    assert f"outscale:{REGION}" in scope["regions_scanned"]
    assert scope["regions_missing"] == ["cloudgouv-eu-west-1"]
    [prov] = report["provenance"]
    assert prov["reference"] == p["reference"] and prov["result_sha256"] is None
    # passes resting on the attestation tags are declared, apart from verified ones
    declared = {g["rule_id"]: g for g in report["declared"]}
    assert "HDS-ENC-001" in declared
    declared_ids = {f["resource"]["address"] for f in declared["HDS-ENC-001"]["findings"]}
    attested = {f["resource"]["address"] for f in result["findings"]
                if f["rule_id"] == "HDS-ENC-001" and f["status"] == "pass"}
    assert declared_ids == attested and attested
    html = (tmp_path / "rapport.html").read_text("utf-8")
    assert "999999999999" in html and ACCOUNT_ID in html and "GitLab CI" in html
    check = subprocess.run(["sha256sum", "-c", "rapport.html.sha256", "report.json.sha256"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
