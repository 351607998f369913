"""Evidence an auditor can file (issue 10 §6): scope, provenance, exceptions register with
expiry, declared passes, rule references, documents to provide, SHA-256 manifest.

Everything runs through the real command line on real files: a copy of the example
folder committed in a throwaway git repository (so that the commit, git blame authors and
dates are real), plan and state fixtures, and `sha256sum -c` for the manifest. The live
provenance is tested against the Outscale mock in test_report_filing_live.py; the HTML in
headless Chromium in test_report_html.py.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from hds_iac import catalogue

EXAMPLE = FIXTURES / "example"
PLAN_AWS = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"
OUTSCALE_ATTESTED = FIXTURES / "rules" / "HDS-ENC-001" / "outscale-pass"
PAST = (date.today() - timedelta(days=3)).isoformat()
FUTURE = (date.today() + timedelta(days=60)).isoformat()
AUTHOR = "Alice Auditrice"
AUTHOR_DATE = "2026-02-03T10:00:00+00:00"

CONFIG = """\
scope:
  host: "Clinique Exemple SAS"
  activities: [3, 5, 6]
  accounts: ["123456789012", "210987654321"]
  regions: ["aws:eu-west-3", "eu-central-1"]
  repositories: ["https://git.example.org/infra"]
  documents:
    risk-assessment: "GED/SMSI/analyse-risques-v4.pdf"
    statement-of-applicability-fr: "GED/SMSI/DdA-v2.pdf"
    hds-certificate: false
"""

SKIPS = f"""
resource "aws_ebs_volume" "waived" {{
  availability_zone = "eu-west-3a"
  size              = 10
  # hds-iac:skip=HDS-ENC-001 until={FUTURE} scratch disk, no health data
  # hds-iac:skip=HDS-ENC-003 scratch disk, no health data
}}

resource "aws_ebs_volume" "expired" {{
  availability_zone = "eu-west-3a"
  size              = 10
  #checkov:skip=CKV_HDS_ENC_001:migration planned until={PAST}
}}

resource "aws_ebs_volume" "no_reason" {{
  availability_zone = "eu-west-3a"
  size              = 10
  # hds-iac:skip=HDS-ENC-001
}}

resource "aws_ebs_volume" "bad_date" {{
  availability_zone = "eu-west-3a"
  size              = 10
  # hds-iac:skip=HDS-ENC-001 until=2026-02-30 waiting for the new cluster
}}
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": AUTHOR, "GIT_AUTHOR_EMAIL": "alice@example.org",
           "GIT_COMMITTER_NAME": AUTHOR, "GIT_COMMITTER_EMAIL": "alice@example.org",
           "GIT_AUTHOR_DATE": AUTHOR_DATE, "GIT_COMMITTER_DATE": AUTHOR_DATE}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The example folder plus a file of skips, committed in a git repository with a
    configuration file that declares a scope."""
    root = tmp_path_factory.mktemp("filing") / "infra"
    shutil.copytree(EXAMPLE, root)
    (root / "waivers.tf").write_text(SKIPS, "utf-8")
    (root / ".hds-iac.yaml").write_text(CONFIG, "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "infra")
    return root


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def code_run(repo, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("code-out")
    files = {fmt: out / name for fmt, name in (("json", "result.json"),
                                               ("hds-json", "report.json"),
                                               ("hds-markdown", "rapport.md"),
                                               ("hds-html", "rapport.html"))}
    env = {"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "4242", "GITHUB_JOB": "hds-gate",
           "GITHUB_REPOSITORY": "clinique/infra", "USER": "ci-runner"}
    run = run_cli("scan", str(repo), "-o", ",".join(files), "--skip-check", "HDS-MFA-003",
                  *[a for f in files.values() for a in ("--output-file", str(f))],
                  cwd=repo, env=env)
    assert run.code == 1, run.stderr  # failing findings (the expired waiver among them)
    return {"run": run, "files": files, "result": json.loads(files["json"].read_text("utf-8")),
            "report": json.loads(files["hds-json"].read_text("utf-8"))}


# --- provenance -------------------------------------------------------------------------


def test_code_scan_provenance(code_run, repo) -> None:
    doc = code_run["result"]
    p = doc["provenance"]
    assert p["reference"].startswith("hds-iac-run-") and len(p["reference"]) > 25
    assert p["tool"]["name"] == "hds-iac" and p["tool"]["version"]
    assert p["started"] <= p["finished"] and p["finished"].endswith("Z")
    # every bundled data file, hashed as installed
    from importlib import resources
    bundled = {d["file"]: d["sha256"] for d in p["data"]["bundled"]}
    for name in ("catalogue/_topics.toml", "rules/bak_001_db_retention.toml",
                 "matrices/outscale.toml", "matrices/aws.toml",
                 "report/requirements.toml",
                 "report/providers.toml", "report/evidence.toml"):
        package, _, file = name.partition("/")
        data = resources.files(f"hds_iac.{package}").joinpath(file).read_bytes()
        assert bundled[name] == hashlib.sha256(data).hexdigest(), name
    # effective settings and rule selection: a rule left out is recorded as not run
    assert p["settings"]["allowed_is_eea"] is True and "FR" in p["settings"]["allowed_countries"]
    assert p["settings"]["min_backup_retention_days"] == 7 and p["settings"]["fail_on"] == "low"
    not_run = {r["id"]: r for r in p["rules"]["not_run"]}
    assert set(not_run) == {"HDS-MFA-003"}
    assert not_run["HDS-MFA-003"]["by"] == "skip_check"
    assert not_run["HDS-MFA-003"]["from"] == "command line"
    assert set(p["rules"]["run"]) == set(catalogue.load().rules) - {"HDS-MFA-003"}
    # configuration file used, and its content hash
    assert p["config"]["path"] == str(repo / ".hds-iac.yaml")
    assert p["config"]["sha256"] == sha(repo / ".hds-iac.yaml")
    # git commit of the scanned code
    head = git(repo, "rev-parse", "HEAD").strip()
    assert p["git"] == [{"path": str(repo), "commit": head, "dirty": False,
                         "root": str(repo.resolve())}]
    # who ran it: the user and the CI job, from the standard variables
    assert p["run_by"]["user"] == "ci-runner"
    assert p["run_by"]["ci"] == {"system": "GitHub Actions", "repository": "clinique/infra",
                                 "job": "hds-gate", "run_id": "4242"}


def test_every_input_file_is_hashed(code_run, repo) -> None:
    [entry] = code_run["result"]["inputs"]
    hashed = {f["path"]: f["sha256"] for f in entry["files"]}
    expected = {str(p.relative_to(repo)): sha(p) for p in repo.rglob("*")
                if p.suffix in (".tf", ".tfvars") and ".git" not in p.parts}
    assert hashed == expected and "modules/database/main.tf" in hashed
    assert entry["truncated"] is False


def test_plan_and_state_provenance(tmp_path) -> None:
    state = tmp_path / "terraform.tfstate"
    state.write_text(json.dumps({
        "version": 4, "terraform_version": "1.9.8", "serial": 17,
        "lineage": "3f1c2e9a-5b7d-4c1e-9a2b-0d4e6f8a1b3c", "outputs": {}, "resources": []}),
        "utf-8")
    run = run_cli("scan", str(PLAN_AWS), str(state), "-o", "json")
    assert run.code in (0, 1), run.stderr
    plan, st = run.json()["inputs"]
    assert plan["sha256"] == sha(PLAN_AWS) and plan["terraform_version"] == "1.11.4"
    assert plan["format_version"] and "serial" not in plan
    assert st["sha256"] == sha(state) and st["serial"] == 17
    assert st["lineage"] == "3f1c2e9a-5b7d-4c1e-9a2b-0d4e6f8a1b3c"
    assert st["terraform_version"] == "1.9.8"
    # outside a repository, no commit is claimed
    outside = run_cli("scan", str(state), "-o", "json", cwd=tmp_path).json()
    assert outside["provenance"]["git"][0]["commit"] is None


def test_results_get_distinct_references(tmp_path) -> None:
    refs = {run_cli("scan", str(PLAN_AWS), "-o", "json").json()["provenance"]["reference"]
            for _ in range(2)}
    assert len(refs) == 2


# --- scope ------------------------------------------------------------------------------


def test_scope_from_the_configuration(code_run, repo) -> None:
    assert code_run["result"]["scope"] == {
        "host": "Clinique Exemple SAS", "activities": [3, 5, 6],
        "accounts": ["123456789012", "210987654321"],
        "regions": ["aws:eu-west-3", "eu-central-1"],
        "repositories": ["https://git.example.org/infra"],
        "documents": {"risk-assessment": "GED/SMSI/analyse-risques-v4.pdf",
                      "statement-of-applicability-fr": "GED/SMSI/DdA-v2.pdf"}}
    scope = code_run["report"]["scope"]
    assert scope["hosts"] == ["Clinique Exemple SAS"] and scope["complete"] is True
    assert "aws:eu-west-3" in scope["regions_scanned"]
    assert "outscale:eu-west-2" in scope["regions_scanned"]
    # declared but absent: both accounts (a code scan reads no account) and eu-central-1
    assert scope["accounts_missing"] == ["123456789012", "210987654321"]
    assert scope["regions_missing"] == ["eu-central-1"]
    assert scope["code_scanned"][0]["commit"] == git(repo, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("scope, words", [
    ("scope:\n  activities: [7]\n", "activities: '7' is not an activity"),
    ("scope:\n  hots: x\n", "unknown scope key(s) hots"),
    ("scope:\n  documents:\n    risk-asessment: x\n", "unknown document 'risk-asessment'"),
    ("scope: [1]\n", "scope must be a"),
    ("scope:\n  accounts: ['12 34']\n", "is not an account id"),
])
def test_bad_scope_is_a_usage_error_naming_the_file(tmp_path, scope, words) -> None:
    (tmp_path / ".hds-iac.yaml").write_text(scope, "utf-8")
    shutil.copy(PLAN_AWS, tmp_path / "plan.json")
    run = run_cli("scan", "plan.json", cwd=tmp_path)
    assert run.code == 2 and words in run.stderr and ".hds-iac.yaml" in run.stderr, run.stderr


def test_documents_provided_or_to_provide(code_run) -> None:
    docs = {d["key"]: d for d in code_run["report"]["documents"]}
    assert docs["risk-assessment"]["status"] == "provided"
    assert docs["risk-assessment"]["references"] == ["GED/SMSI/analyse-risques-v4.pdf"]
    assert docs["risk-assessment"]["requirements"] == ["EXI 05"]
    assert docs["statement-of-applicability-fr"]["requirements"] == ["EXI 08"]
    assert docs["hds-certificate"]["status"] == "to-provide"  # `false`: not yet
    assert docs["chapter8-page"]["status"] == "to-provide"
    assert docs["chapter8-page"]["requirements"] == ["EXI 31"]
    assert {"contract-clauses", "isms-certificate"} <= set(docs)


def test_rule_references_and_rules_not_run(code_run) -> None:
    report = code_run["report"]
    refs = {r["id"]: r for r in report["rule_references"]}
    cat = catalogue.load()
    assert set(refs) == set(cat.rules)
    for rid, meta in cat.rules.items():
        assert refs[rid]["iso27001"] == list(meta.references.iso27001)
        assert refs[rid]["secnumcloud"] == list(meta.references.secnumcloud)
    assert refs["HDS-MFA-003"]["run"] == "not-run" and refs["HDS-MFA-001"]["run"] == "run"
    assert set(report["rules_not_run"]) == {"HDS-MFA-003"}
    # a requirement, item, duty or topic judged only by rules left out is "not run",
    # never "no finding"
    views = report["requirements"] + [i for r in report["requirements"] for i in r["items"]]
    views += report["duties"] + report["topics"]
    for view in views:
        if view["rules"] and all((r["id"] if isinstance(r, dict) else r) == "HDS-MFA-003"
                                 for r in view["rules"]):
            assert view["status"] == "not-run", view
    md = code_run["files"]["hds-markdown"].read_text("utf-8")
    assert "HDS-MFA-003 (exclue par `skip_check` (HDS-MFA-003), ligne de commande)" in md
    assert "non exécuté" in md.split("## Éléments de preuve")[1].split("HDS-MFA-003")[1][:200]


# --- exceptions register ------------------------------------------------------------------


def test_exceptions_register(code_run) -> None:
    doc = code_run["result"]
    entries = {(x["rule_id"], x["location"]): x for x in doc["exceptions"]}
    active = entries[("HDS-ENC-001", "waivers.tf:5")]
    assert active["state"] == "active" and active["until"] == FUTURE
    assert active["reason"] == "scratch disk, no health data"  # until= taken out
    assert active["by"] == "hds-iac:skip" and active["addresses"] == ["aws_ebs_volume.waived"]
    assert active["author"] == AUTHOR and active["date"] == "2026-02-03"
    assert active["statuses"] == {"fail": 1}  # what the waiver hides
    expired = entries[("HDS-ENC-001", "waivers.tf:12")]
    assert expired["state"] == "expired" and expired["until"] == PAST
    assert expired["by"] == "checkov:skip" and expired["reason"] == "migration planned"
    assert entries[("HDS-ENC-001", "waivers.tf:18")]["state"] == "no-reason"
    bad = entries[("HDS-ENC-001", "waivers.tf:24")]
    assert bad["state"] == "invalid-expiry" and bad["author"] == AUTHOR
    findings = {(f["rule_id"], f["resource"]["address"]): f for f in doc["findings"]}
    assert findings[("HDS-ENC-001", "aws_ebs_volume.waived")]["status"] == "skipped"
    assert findings[("HDS-ENC-001", "aws_ebs_volume.waived")]["suppression"]["until"] == FUTURE
    # an expired waiver no longer applies: the finding counts again, and says why
    again = findings[("HDS-ENC-001", "aws_ebs_volume.expired")]
    assert again["status"] == "fail" and "suppression" not in again
    assert again["expired_waiver"]["until"] == PAST
    notices = [n for n in doc["notices"] if n["path"] == "waivers.tf:12"]
    assert len(notices) == 1 and f"expired after {PAST}" in notices[0]["message"]
    assert any("2026-02-30" in n["message"] and "not applied" in n["message"]
               for n in doc["notices"] if n["path"] == "waivers.tf:24")
    assert findings[("HDS-ENC-001", "aws_ebs_volume.bad_date")]["status"] == "fail"
    # the report carries the register, with its source
    report = code_run["report"]
    assert {x["state"] for x in report["exceptions"]} == {"active", "expired", "no-reason",
                                                          "invalid-expiry"}
    md = code_run["files"]["hds-markdown"].read_text("utf-8")
    assert "## Registre des exceptions" in md and "1 exception(s) expirée(s)" in md
    assert AUTHOR in md


def test_git_blame_is_optional(repo, tmp_path) -> None:
    out = tmp_path / "r.json"
    run_cli("scan", str(repo), "-o", "json", "--output-file", str(out), "--no-git-blame",
            cwd=repo)
    entries = json.loads(out.read_text("utf-8"))["exceptions"]
    assert entries and all(x["author"] is None and x["date"] is None for x in entries)


def test_baseline_entries_with_reason_and_expiry(tmp_path) -> None:
    shutil.copy(PLAN_AWS, tmp_path / "plan.json")
    run = run_cli("scan", "plan.json", "--create-baseline", "base.json", cwd=tmp_path,
                  env={"USER": "bob"})
    assert run.code == 1, run.stderr
    base = json.loads((tmp_path / "base.json").read_text("utf-8"))
    assert base["failures"] and all(e["by"] == "bob" and e["added"] == date.today().isoformat()
                                    and e["reason"] == "" for e in base["failures"])
    first, *rest = base["failures"]
    first.update(reason="accepted by the CISO, ticket SEC-12", until=PAST)
    for entry in rest:
        entry.update(reason="legacy, removal planned", until=FUTURE)
    (tmp_path / "base.json").write_text(json.dumps(base), "utf-8")
    run = run_cli("scan", "plan.json", "--baseline", "base.json", "-o", "json", cwd=tmp_path)
    doc = run.json()
    assert run.code == 1, run.stderr  # the expired entry's failure counts again
    failing = [(f["rule_id"], f["resource"]["address"]) for f in doc["findings"]
               if f["status"] == "fail"]
    assert failing == [(first["rule_id"], first["address"])]
    states = {(x["rule_id"], x["addresses"][0]): x for x in doc["exceptions"]}
    gone = states[(first["rule_id"], first["address"])]
    assert gone["state"] == "expired" and gone["reason"] == "accepted by the CISO, ticket SEC-12"
    assert gone["author"] == "bob" and gone["location"] == "base.json"
    assert all(x["state"] == "active" for k, x in states.items() if k != (first["rule_id"],
                                                                        first["address"]))
    assert any("expired after" in n["message"] for n in doc["notices"])
    # a malformed expiry makes the baseline unusable: a usage error naming the file
    first["until"] = "soon"
    (tmp_path / "base.json").write_text(json.dumps(base), "utf-8")
    run = run_cli("scan", "plan.json", "--baseline", "base.json", cwd=tmp_path)
    assert run.code == 2 and "base.json: entry 1: until='soon'" in run.stderr


# --- declared passes ----------------------------------------------------------------------


def test_declared_passes_stand_apart(tmp_path) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", str(OUTSCALE_ATTESTED), "-o", "json,hds-json",
                  "--output-file", str(tmp_path / "result.json"), "--output-file", str(out))
    assert run.code in (0, 1), run.stderr
    result = json.loads((tmp_path / "result.json").read_text("utf-8"))
    enc = [f for f in result["findings"] if f["rule_id"] == "HDS-ENC-001"]
    assert enc and all(f["status"] == "pass" and f["basis"] == "declared" for f in enc)
    verified = [f for f in result["findings"] if f["status"] == "pass"
                and f["rule_id"] != "HDS-ENC-001"]
    assert verified and all("basis" not in f for f in verified)
    report = json.loads(out.read_text("utf-8"))
    [group] = [g for g in report["declared"] if g["rule_id"] == "HDS-ENC-001"]
    assert {f["resource"]["address"] for f in group["findings"]} == {
        "outscale_volume.records", "outscale_vm.app"}
    assert "LUKS" in group["ask"] and "cryptsetup" in group["ask"]


# --- manifest ---------------------------------------------------------------------------


def test_sha256_manifest_beside_each_report(code_run, tmp_path) -> None:
    files = code_run["files"]
    for fmt, path in files.items():
        manifest = Path(str(path) + ".sha256")
        if not fmt.startswith("hds-"):
            assert not manifest.exists()  # findings lists are not the filed report
            continue
        assert manifest.read_text("utf-8") == f"{sha(path)}  {path.name}\n"
        check = subprocess.run(["sha256sum", "-c", manifest.name], cwd=path.parent,
                               capture_output=True, text=True)
        assert check.returncode == 0 and f"{path.name}: OK" in check.stdout
    # `hds-iac report` writes one too, and a changed report no longer checks
    page = tmp_path / "rapport.html"
    run = run_cli("report", str(files["json"]), "--output-file", str(page))
    assert run.code == 0, run.stderr
    page.write_text(page.read_text("utf-8").replace("Clinique", "Clinic"), "utf-8")
    check = subprocess.run(["sha256sum", "-c", "rapport.html.sha256"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert check.returncode != 0 and "FAILED" in check.stdout


def test_report_of_results_records_their_hashes(code_run) -> None:
    result = code_run["files"]["json"]
    run = run_cli("report", str(result), str(PLAN_AWS.parent / "plan.json"), "-o", "json")
    # the plan file is not a result: reported unusable, the result still merged
    assert run.code == 2
    doc = run.json()
    [prov] = doc["provenance"]
    assert prov["result_sha256"] == sha(result) and prov["recorded"] is True
    assert prov["reference"] == code_run["result"]["provenance"]["reference"]
    assert doc["reference"].startswith("hds-iac-report-")


def test_results_of_earlier_versions_say_provenance_was_not_recorded(code_run, tmp_path) -> None:
    old = json.loads(code_run["files"]["json"].read_text("utf-8"))
    for key in ("provenance", "scope", "exceptions"):
        del old[key]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), "utf-8")
    run = run_cli("report", str(path), "-o", "markdown", "--lang", "en")
    assert run.code == 0, run.stderr
    assert "Provenance not recorded: this result was written by an earlier version" in run.stdout
    doc = run_cli("report", str(path), "-o", "json").json()
    assert doc["rules_not_run"] == {}  # unknown: never claimed as "not run"
    assert {r["run"] for r in doc["rule_references"]} == {"unrecorded"}


def test_crafted_result_values_are_escaped(code_run, tmp_path) -> None:
    doc = json.loads(code_run["files"]["json"].read_text("utf-8"))
    evil = "<script>alert(1)</script>"
    doc["scope"]["host"] = evil
    doc["provenance"]["run_by"] = {"user": evil, "ci": {"system": evil}}
    doc["provenance"]["git"] = [{"path": evil, "commit": evil, "dirty": True}]
    doc["exceptions"][0]["reason"] = evil
    doc["provenance"]["settings"] = "not a mapping"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc), "utf-8")
    for fmt in ("html", "markdown"):
        run = run_cli("report", str(path), "-o", fmt)
        assert run.code == 0, run.stderr
        assert "<script>" not in run.stdout.replace("`<script>alert(1)</script>`", "")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in run.stdout


# --- the HTML, rendered in headless Chromium ----------------------------------------------


class Sections(HTMLParser):
    """Text of each <section id=...> of the rendered DOM, and the data-* attributes seen
    inside each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self.attrs: dict[str, list[dict]] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.current = a["id"]
            self.text[self.current] = ""
            self.attrs[self.current] = []
        elif self.current and any(k.startswith("data-") for k in a):
            self.attrs[self.current].append({"tag": tag, **a})

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.text[self.current] += data


def test_html_evidence_sections_in_chromium(code_run, repo, tmp_path) -> None:
    """The HTML report as a browser renders it shows the scope, the provenance, the
    exceptions register and the declared passes (and the documents and references)."""
    from test_report_html import browse

    page = code_run["files"]["hds-html"]
    run = browse(page, tmp_path / "profile", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = Sections()
    dom.feed(run.stdout)
    for section in ("scope", "provenance", "exceptions", "declared", "documents",
                    "rule-references"):
        assert section in dom.text, list(dom.text)
    scope = " ".join(dom.text["scope"].split())
    assert "Clinique Exemple SAS" in scope
    assert "3° infrastructure virtuelle du système d'information" in scope
    assert "210987654321" in scope and "aws:eu-west-3" in scope
    assert any(a.get("data-gap") == "missing_accounts" for a in dom.attrs["scope"])
    assert any(a.get("data-complete") == "yes" for a in dom.attrs["scope"])
    prov = " ".join(dom.text["provenance"].split())
    head = git(repo, "rev-parse", "HEAD").strip()
    assert head in prov and str(repo / ".hds-iac.yaml") in prov
    assert code_run["result"]["provenance"]["reference"] in prov
    assert "GitHub Actions" in prov and "ci-runner" in prov
    assert "HDS-MFA-003" in prov and "exclue par skip_check" in prov
    assert sha(repo / "main.tf") in prov
    states = [a["data-state"] for a in dom.attrs["exceptions"] if "data-state" in a]
    assert sorted(states) == sorted(x["state"] for x in code_run["result"]["exceptions"])
    exc = " ".join(dom.text["exceptions"].split())
    assert AUTHOR in exc and "expirée : ne s'applique plus" in exc and FUTURE in exc
    declared = [a for a in dom.attrs["declared"] if a.get("data-basis") == "declared"]
    expected = [f for f in code_run["result"]["findings"] if f.get("basis") == "declared"]
    assert expected and len([a for a in declared if a["tag"] == "li"]) == len(expected)
    assert "cryptsetup" in dom.text["declared"]
    docs = {a["data-document"]: a["data-status"] for a in dom.attrs["documents"]
            if "data-document" in a}
    assert docs["risk-assessment"] == "provided" and docs["chapter8-page"] == "to-provide"
    runs = {a["data-rule"]: a["data-run"] for a in dom.attrs["rule-references"]
            if "data-run" in a}
    assert runs["HDS-MFA-003"] == "not-run" and runs["HDS-ENC-001"] == "run"
    # one report in three formats: one reference
    reference = code_run["report"]["reference"]
    assert f'id="report-reference">{reference}</code>' in page.read_text("utf-8")
    assert f"`{reference}`" in code_run["files"]["hds-markdown"].read_text("utf-8")


def test_evidence_texts_exist_in_both_languages() -> None:
    from hds_iac.report import filing_texts
    from hds_iac.scope import document_kinds

    for table in (filing_texts.LABELS, filing_texts.STATES, filing_texts.ORIGINS,
                  filing_texts.ACTIVITIES):
        assert set(table["fr"]) == set(table["en"])
        assert all(str(v).strip() for lang in ("fr", "en") for v in table[lang].values())
    for kind in document_kinds():
        assert set(kind.title) == set(kind.what) == {"fr", "en"}, kind.key
        assert all(r.startswith("EXI ") for r in kind.requirements)
