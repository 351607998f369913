"""The checkov front-end (`checks/`) against the real checkov, in its own environment.

Parity, on every fixture (fixtures/example, fixtures/rules/*/*, and the cases below), in two
real checkov runs over one batch folder (HCL folders and plan files together: each checkov
run costs 10-20 s here):

- native mode (the checks find `hds-iac` through $HDS_IAC_BIN and answer from its scan of
  each folder or plan): the failing and passing (case, address, rule) triples checkov
  reports equal those of `hds-iac scan`, for every rule judged from code or plans;
- fallback mode (no native engine anywhere: not in the environment, not on PATH, not in the
  cache): for the rules of scope "resource" the failures equal those of `hds-iac scan`, for
  the rules in `checkov_support.PARTIAL` they are a subset (never a false alarm), and the
  native-only rules give no result; one notice says why.

checkov comes from $HDS_IAC_CHECKOV, else /tmp/checkov-venv/bin/checkov, else
.ci-venv-checkov/bin/checkov (created by .ci/run). Missing: the tests skip, except under
CI=true where they fail.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, run_cli
from process_state import ends_within
from rule_helpers import NO_FAIL_FROM_CODE

from hds_iac import catalogue, checkov_support
from hds_iac.suppressions import checkov_id


def _find_checkov() -> str | None:
    for candidate in (os.environ.get("HDS_IAC_CHECKOV"), "/tmp/checkov-venv/bin/checkov",
                      str(REPO / ".ci-venv-checkov" / "bin" / "checkov")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHECKOV = _find_checkov()
if CHECKOV is None:
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError("checkov not found: set HDS_IAC_CHECKOV or let .ci/run create "
                           ".ci-venv-checkov (the checkov parity tests must run in CI)")
    pytest.skip("checkov not installed (set HDS_IAC_CHECKOV)", allow_module_level=True)

CHECKS = REPO / "checks"
# checkov must not phone home during tests (no network here, and no need).
CHECKOV_ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "",
               "LOG_LEVEL": "WARNING"}

# Cases of our own, beside the fixtures: every shipped check gets a definite verdict on at
# least one of them, and the suppression form of checkov is exercised.
EXTRA_CASES: dict[str, dict[str, str]] = {
    "extra-aws": {"main.tf": """
provider "aws" {
  region = "eu-west-3"
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "sealed" {
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = true
  kms_key_id        = "arn:aws:kms:eu-west-3:111122223333:key/abcd"
}

resource "aws_db_instance" "weak" {
  # hds-iac:skip=HDS-ENC-002 scratch database, synthetic data only
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  storage_encrypted       = false
  multi_az                = false
  backup_retention_period = 1
  skip_final_snapshot     = true
  deletion_protection     = false
}

resource "aws_db_instance" "strong" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  storage_encrypted       = true
  kms_key_id              = "arn:aws:kms:eu-west-3:111122223333:key/abcd"
  multi_az                = true
  backup_retention_period = 14
  skip_final_snapshot     = false
  deletion_protection     = true
}

resource "aws_kms_key" "static" {
  description         = "never rotated"
  enable_key_rotation = false
}

resource "aws_lb_listener" "old_tls" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:loadbalancer/app/x/1"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = "arn:aws:acm:eu-west-3:111122223333:certificate/x"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:targetgroup/x/1"
  }
}

resource "aws_lb_listener" "plain" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:loadbalancer/app/x/1"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:targetgroup/x/1"
  }
}

resource "aws_lb_listener" "waived" {
  #checkov:skip=CKV_HDS_TLS_001:internal health checks only, no health data
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:loadbalancer/app/x/1"
  port              = 8080
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-3:111122223333:targetgroup/x/1"
  }
}

resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    domain_name = "origin.example.org"
    origin_id   = "app"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  at_rest_encryption_enabled = false
  transit_encryption_enabled = false
  automatic_failover_enabled = false
  multi_az_enabled           = false
}

resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 21
    to_port     = 23
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cognito_user_pool" "pool" {
  name              = "patients"
  mfa_configuration = "OFF"
}

resource "aws_iam_role" "humans" {
  name = "operators"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
}

resource "aws_iam_access_key" "ci" {
  user = "ci"
}

resource "aws_ebs_snapshot" "shared" {
  volume_id = "vol-0123456789abcdef0"
}

resource "aws_dynamodb_table" "replicated" {
  name         = "records"
  hash_key     = "id"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "id"
    type = "S"
  }
  replica {
    region_name = "us-east-1"
  }
}

resource "aws_s3_bucket" "zurich" {
  region = "eu-central-2"
  bucket = "copies-in-zurich"
}
"""},
    "extra-outscale": {"main.tf": """
provider "outscale" {
  api {
    region = "us-east-2"
  }
}

resource "outscale_volume" "us" {
  subregion_name = "us-east-2a"
  size           = 10
}

resource "outscale_snapshot" "copy" {
  source_snapshot_id = "snap-12345678"
  source_region_name = "us-east-2"
}

resource "outscale_snapshot_attributes" "public" {
  snapshot_id = "snap-12345678"
  permissions_to_create_volume_additions {
    global_permission = true
  }
}

resource "outscale_image_launch_permission" "shared" {
  image_id = "ami-12345678"
  permission_additions {
    account_ids = ["123456789012"]
  }
}

resource "outscale_load_balancer" "web" {
  load_balancer_name = "web"
  subregion_names    = ["eu-west-2a"]
  listeners {
    backend_port           = 80
    backend_protocol       = "HTTP"
    load_balancer_protocol = "HTTP"
    load_balancer_port     = 80
  }
}

resource "outscale_api_access_policy" "policy" {
  max_access_key_expiration_seconds = 0
  require_trusted_env               = false
}
"""},
}


def _cases() -> tuple[list[tuple[str, Path]], list[str]]:
    """(name, folder) of every fixture case both tools read without options of its own,
    and the names of the others (a case that needs its own --var-file: the native scan
    inside checkov reads the folder as `hds-iac scan FOLDER` does, with no var file)."""
    cases, apart = [("example", FIXTURES / "example")], []
    for expect in sorted((FIXTURES / "rules").glob("*/*/expect.yaml")):
        data = yaml.safe_load(expect.read_text()) or {}
        case = expect.parent
        name = f"{case.parent.name}--{case.name}"
        if data.get("var_files"):
            apart.append(name)
            continue
        cases.append((name, case))
    return cases, apart


def _checkov_json(args: list[str], env: dict) -> tuple[list[dict], str]:
    proc = subprocess.run([CHECKOV, *args, "--external-checks-dir", str(CHECKS), "-o", "json",
                           "--skip-download", "--compact"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Cannot load external check" not in proc.stderr, proc.stderr[-3000:]
    text = proc.stdout.strip()
    # --create-baseline prints a line after the JSON report.
    data = json.JSONDecoder().raw_decode(text)[0] if text else []
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if "results" in r], proc.stderr


def _case_of(path: str) -> str:
    """The case a file belongs to: its first folder, or a plan file's name."""
    if path.endswith(".json") and not path.endswith(".tf.json"):
        return Path(path).stem
    return path.strip("/").split("/")[0]


def _native_env() -> dict:
    """checkov finds the native engine through $HDS_IAC_BIN (this checkout's hds-iac)."""
    return {**CHECKOV_ENV, "HDS_IAC_BIN": shlex.join([sys.executable, "-m", "hds_iac.cli"])}


def _no_native_env(cache: Path) -> dict:
    """No hds-iac anywhere: not named, not on PATH, not in the (empty) user cache."""
    env = {k: v for k, v in CHECKOV_ENV.items() if k not in ("HDS_IAC_BIN", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(Path(CHECKOV).parent), "/usr/bin", "/bin"])
    env["XDG_CACHE_HOME"] = str(cache)
    return env


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("checkov-batch")
    hcl, plans = root / "hcl", root / "plans"
    hcl.mkdir()
    plans.mkdir()
    cases, apart = _cases()
    used, states = [], []
    for name, case in cases:
        jsons = sorted(case.glob("*.json"))
        if jsons:
            if jsons[0].name == "plan.json":
                shutil.copy(jsons[0], plans / f"{name}.json")
                used.append(name)
            else:
                states.append(name)  # states: checkov does not read them
            continue
        if not list(case.glob("*.tf")) and not list(case.glob("*.tf.json")):
            continue
        shutil.copytree(case, hcl / name, ignore=shutil.ignore_patterns("expect.yaml"))
        used.append(name)
    for name, files in EXTRA_CASES.items():
        for file, text in files.items():
            (hcl / name).mkdir(exist_ok=True)
            (hcl / name / file).write_text(text.lstrip())
    plan_files = sorted(plans.glob("*.json"))

    # hds-iac's own answer: one scan of the HCL folder, one of all the plans.
    native = run_cli("scan", str(hcl), "-o", "json", "--no-git-blame")
    assert native.code in (0, 1), native.stderr
    findings = [(f, None) for f in native.json()["findings"]]
    if plan_files:
        run = run_cli("scan", *map(str, plan_files), "-o", "json", "--no-git-blame")
        assert run.code in (0, 1), run.stderr
        findings += [(f, Path(f["input"]).stem) for f in run.json()["findings"]]

    # A baseline made by `hds-iac scan`, honoured inside checkov: one failure of it.
    full = root / "full-baseline.json"
    made = run_cli("scan", str(hcl / "extra-aws"), "--create-baseline", str(full),
                   "--soft-fail", "-o", "json", "--no-git-blame")
    assert made.code == 0, made.stderr
    doc = json.loads(full.read_text())
    doc["failures"] = [e for e in doc["failures"] if e["rule_id"] == "HDS-TLS-003"
                       and e["address"] == "aws_cloudfront_distribution.cdn"]
    assert len(doc["failures"]) == 1
    hds_baseline = root / "hds-baseline.json"
    hds_baseline.write_text(json.dumps(doc))

    args = ["-d", str(hcl), *[a for p in plan_files for a in ("-f", str(p))],
            "--framework", "terraform", "terraform_plan",
            "--repo-root-for-plan-enrichment", str(plans)]
    with_native, native_err = _checkov_json(
        [*args, "--create-baseline"], {**_native_env(), "HDS_IAC_BASELINE": str(hds_baseline)})
    cache = root / "empty-cache"
    cache.mkdir()
    fallback, fallback_err = _checkov_json(args, _no_native_env(cache))
    return {"native_mode": with_native, "native_stderr": native_err,
            "fallback": fallback, "fallback_stderr": fallback_err, "native": findings,
            "hcl": hcl, "used": used, "apart": apart, "states": states,
            "checkov_baseline": hcl / ".checkov.baseline"}


def _checkov_results(batch: dict, kind: str, mode: str = "native_mode") -> list[dict]:
    return [c for report in batch[mode] for c in report["results"].get(kind, [])
            if c["check_id"].startswith("CKV_HDS_")]


def _pairs_checkov(batch: dict, kind: str = "failed_checks",
                   mode: str = "native_mode") -> set[tuple[str, str, str]]:
    out = set()
    for c in _checkov_results(batch, kind, mode):
        rule = c["check_id"][len("CKV_"):].replace("_", "-")
        out.add((_case_of(c["file_path"]), c["resource"], rule))
    return out


def _pairs_native(batch: dict, rules: set[str], status: str = "fail") -> set[tuple[str, str, str]]:
    out = set()
    for finding, plan in batch["native"]:
        if finding["rule_id"] not in rules or finding["status"] != status:
            continue
        file = finding["resource"]["file"] or ""  # relative to the batch folder (no git)
        case = plan or _case_of(file)
        address = finding["resource"]["address"]
        out.add((case, address, finding["rule_id"]))
    return out


# --- native mode: checkov reports what `hds-iac scan` reports ----------------------------------

BASELINED = ("extra-aws", "aws_cloudfront_distribution.cdn", "HDS-TLS-003")


def test_every_rule_and_every_fixture_reach_checkov(batch):
    results = [c for kind in ("passed_checks", "failed_checks", "skipped_checks")
               for c in _checkov_results(batch, kind)]
    seen = {c["check_id"] for c in results}
    shipped = {checkov_id(r) for r in checkov_support.shipped_rules()}
    assert shipped - seen == set()
    failing = {c["check_id"] for c in _checkov_results(batch, "failed_checks")}
    # Every rule shows at least one failure through checkov, but those code cannot fail.
    assert shipped - failing == {checkov_id(r) for r in NO_FAIL_FROM_CODE}
    cases = {_case_of(c["file_path"]) for c in results}
    # A case whose every finding is `unknown` has nothing to show: checkov drops UNKNOWN.
    answered = {case for case, _, _ in _pairs_native(batch, set(checkov_support.shipped_rules()),
                                                     "pass") |
                _pairs_native(batch, set(checkov_support.shipped_rules()), "fail")}
    assert answered - cases == set()
    assert len(answered) > 100
    # What stays outside: states (checkov reads no state) and cases with their own var file.
    assert all("state" in name for name in batch["states"]), batch["states"]
    assert len(batch["apart"]) <= 3, batch["apart"]


def test_native_mode_failures_and_passes_equal_hds_iac_scan(batch):
    rules = set(checkov_support.shipped_rules())
    for kind, status in (("failed_checks", "fail"), ("passed_checks", "pass"),
                         ("skipped_checks", "skipped")):
        ours = _pairs_checkov(batch, kind)
        native = _pairs_native(batch, rules, status)
        # The hds-iac baseline ($HDS_IAC_BASELINE) is given to the checkov run only.
        (ours if kind == "skipped_checks" else native).discard(BASELINED)
        assert ours - native == set(), (kind, sorted(ours - native)[:20])
        assert native - ours == set(), (kind, sorted(native - ours)[:20])


def test_native_mode_reports_region_and_cross_resource_rules(batch):
    """What a one-resource check cannot see: the provider block's region (London for the
    Outscale case's provider: us-east-2), EBS encryption by default, backup coverage."""
    failed = _pairs_checkov(batch)
    assert ("extra-outscale", "outscale_snapshot.copy", "HDS-LOC-001") in failed
    assert {r for _, _, r in failed} >= {"HDS-ENC-001", "HDS-BAK-004", "HDS-TLS-005",
                                          "HDS-AZ-002", "HDS-MFA-001"}
    fallback = _pairs_checkov(batch, mode="fallback")
    assert {r for _, _, r in fallback} & set(checkov_support.native_only_rules()) == set()


def test_waivers_work_both_ways_in_native_mode(batch):
    skipped = {(c["resource"], c["check_id"]): c["check_result"].get("suppress_comment", "")
               for c in _checkov_results(batch, "skipped_checks")}
    # checkov's own comment, applied by checkov, honoured by hds-iac scan.
    assert "internal health checks" in skipped[("aws_lb_listener.waived", "CKV_HDS_TLS_001")]
    # hds-iac's comment, applied by the native scan, shown by checkov with its reason.
    assert "scratch database" in skipped[("aws_db_instance.weak", "CKV_HDS_ENC_002")]
    # hds-iac's baseline ($HDS_IAC_BASELINE), applied by the native scan.
    assert "baseline" in skipped[("aws_cloudfront_distribution.cdn", "CKV_HDS_TLS_003")]
    native = {(f["resource"]["address"], f["rule_id"]): f["status"] for f, _ in batch["native"]}
    assert native[("aws_lb_listener.waived", "HDS-TLS-001")] == "skipped"
    assert native[("aws_db_instance.weak", "HDS-ENC-002")] == "skipped"


def test_a_checkov_baseline_is_honoured_by_hds_iac_scan(batch):
    """`checkov --create-baseline` (native mode) recorded every CKV_HDS failure of the HCL
    cases; `hds-iac scan --baseline .checkov.baseline` then waives exactly those."""
    path = batch["checkov_baseline"]
    assert path.is_file()
    run = run_cli("scan", str(batch["hcl"]), "-o", "json", "--no-git-blame", "--baseline",
                  str(path))
    assert run.code in (0, 1), run.stderr
    findings = run.json()["findings"]
    waived = {(f["resource"]["address"], f["rule_id"]) for f in findings
              if f["status"] == "skipped" and (f.get("suppression") or {}).get("by") ==
              "baseline"}
    still = [(f["resource"]["file"], f["resource"]["address"], f["rule_id"])
             for f in findings if f["status"] == "fail"]
    assert ("aws_ebs_volume.sealed", "HDS-BAK-004") in waived
    # Only the failure the hds-iac baseline waived inside checkov is left.
    assert [(a, r) for _, a, r in still] == [("aws_cloudfront_distribution.cdn",
                                              "HDS-TLS-003")]


# --- fallback: no native engine ----------------------------------------------------------------


def test_fallback_says_so_once(batch):
    assert batch["fallback_stderr"].count("the native engine (hds-iac) was not found") == 1
    assert "was not found" not in batch["native_stderr"]
    assert "native scan of" not in batch["native_stderr"]


def test_fallback_failures_match_hds_iac_scan(batch):
    judged = set(checkov_support.fallback_rules())
    exact = judged - set(checkov_support.PARTIAL)
    ours = _pairs_checkov(batch, mode="fallback")
    native = _pairs_native(batch, judged)
    # The waived listener and database fail natively too but are reported as skipped there.
    assert {p for p in ours if p[2] in exact} == {p for p in native if p[2] in exact}
    partial_ours = {p for p in ours if p[2] in checkov_support.PARTIAL}
    partial_native = {p for p in native if p[2] in checkov_support.PARTIAL}
    assert partial_ours <= partial_native  # never a false alarm
    assert partial_ours  # but something


def test_fallback_never_contradicts_a_pass(batch):
    rules = set(checkov_support.shipped_rules())
    native_pass = _pairs_native(batch, rules, "pass")
    assert _pairs_checkov(batch, mode="fallback") & native_pass == set()
    native_fail = _pairs_native(batch, rules, "fail")
    assert _pairs_checkov(batch, "passed_checks", "fallback") & native_fail == set()


def test_fallback_honours_both_skip_comments(batch):
    skipped = {(c["resource"], c["check_id"]): c["check_result"].get("suppress_comment", "")
               for c in _checkov_results(batch, "skipped_checks", "fallback")}
    assert "internal health checks" in skipped[("aws_lb_listener.waived", "CKV_HDS_TLS_001")]
    assert "scratch database" in skipped[("aws_db_instance.weak", "CKV_HDS_ENC_002")]


def test_checks_carry_severity_guideline_and_name(batch):
    metas = {checkov_id(m.id): m for m in catalogue.load()}
    for c in _checkov_results(batch, "failed_checks"):
        meta = metas[c["check_id"]]
        assert c["severity"] == meta.severity.upper()
        assert c["guideline"].endswith(f"{meta.id}.md")
        assert meta.title.en in c["check_name"]


def test_hard_fail_on_uses_our_severities(tmp_path):
    (tmp_path / "main.tf").write_text(EXTRA_CASES["extra-outscale"]["main.tf"])
    base = [CHECKOV, "-d", str(tmp_path), "--external-checks-dir", str(CHECKS), "--framework",
            "terraform", "--skip-download", "--quiet", "--compact", "--check",
            "CKV_HDS_KEY_001,CKV_HDS_LOC_001"]
    # KEY-001 is medium: failing at or above critical only -> exit 0 unless LOC-001 fails.
    strict = subprocess.run([*base, "--hard-fail-on", "MEDIUM"], capture_output=True,
                            text=True, env=CHECKOV_ENV, timeout=300)
    assert strict.returncode == 1, strict.stdout[-2000:]
    lenient = subprocess.run([*base, "--check", "CKV_HDS_KEY_001", "--hard-fail-on",
                              "CRITICAL"], capture_output=True, text=True, env=CHECKOV_ENV,
                             timeout=300)
    assert lenient.returncode == 0, lenient.stdout[-2000:]


def test_each_input_is_scanned_once_early_and_an_unneeded_scan_is_stopped(tmp_path):
    """Two `-d` folders in one checkov run (checkov executes the checks file once per
    folder): each is scanned natively once, from the moment checkov loads the checks; a
    folder with none of our resources never waits for its scan, which checkov's exit stops
    (no orphan left running)."""
    with_resources, without = tmp_path / "app", tmp_path / "vars"
    with_resources.mkdir()
    without.mkdir()
    (with_resources / "main.tf").write_text(EXTRA_CASES["extra-outscale"]["main.tf"])
    (without / "variables.tf").write_text('variable "region" {\n  default = "eu-west-3"\n}\n')
    calls, child = tmp_path / "calls", tmp_path / "child.pid"
    native = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "hds_iac.cli"])
    wrapper = tmp_path / "hds-iac"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {shlex.quote(str(calls))}\n'
        f'case "$*" in *{without.name}*) sleep 120 & echo $! > {shlex.quote(str(child))}; wait;;\n'
        f'*) exec {native} "$@";; esac\n')
    wrapper.chmod(0o755)
    proc = subprocess.run(
        [CHECKOV, "-d", str(with_resources), "-d", str(without), "--framework", "terraform",
         "--external-checks-dir", str(CHECKS), "-o", "json", "--skip-download", "--compact"],
        capture_output=True, text=True, timeout=110,
        env={**CHECKOV_ENV, "HDS_IAC_BIN": str(wrapper)})
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    lines = calls.read_text().splitlines()
    assert sum(str(with_resources) in line for line in lines) == 1, lines
    assert sum(str(without) in line for line in lines) == 1, lines
    # The native engine's answer, which a one-resource check cannot give (the provider
    # block's region).
    # (checkov prints one report per folder; its second run checks the first folder's
    # resources again: they get the first scan's verdicts, with no fallback.)
    text, reports, decoder = proc.stdout.strip(), [], json.JSONDecoder()
    while text:
        report, end = decoder.raw_decode(text)
        reports.append(report)
        text = text[end:].strip()
    failed = {(c["resource"], c["check_id"]) for r in reports
              for c in r["results"]["failed_checks"]}
    assert ("outscale_snapshot.copy", "CKV_HDS_LOC_001") in failed
    assert "hds-iac checks:" not in proc.stderr  # no fallback notice
    if child.exists() and child.read_text().strip():  # else stopped before it began
        assert ends_within(int(child.read_text()), 10.0, zombie_counts=True), \
            "the unneeded native scan outlived checkov"


def test_the_checks_hold_nothing_of_checkovs_run_at_exit(tmp_path):
    """checkov's report and parsed plan are freed before the interpreter shuts down, as in a
    run without our checks: the checks drop the `run_block` frame they keep (its locals hold
    the report) at exit. Held to the end, every collection of the shutdown went over them
    (+2.3 s CPU on the 5,000-resource plan)."""
    python = Path(CHECKOV).parent / "python"
    code = ("import atexit, gc, runpy, sys; atexit.register(lambda: print('RECORDS', sum("
            "type(o).__name__ == 'Record' for o in gc.get_objects()))); "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    plan = FIXTURES / "rules" / "HDS-AZ-001" / "aws-plan-fail" / "plan.json"
    proc = subprocess.run([str(python), "-c", code, CHECKOV, "-f", str(plan), "--framework",
                           "terraform_plan", "--external-checks-dir", str(CHECKS), "-o", "json",
                           "--quiet", "--compact", "--skip-download"],
                          capture_output=True, text=True, timeout=300, env=_native_env(),
                          cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert '"check_id": "CKV_HDS_AZ_001"' in proc.stdout  # our checks ran, natively
    assert proc.stdout.rstrip().splitlines()[-1] == "RECORDS 0"


def test_every_rule_is_shipped_and_the_fallback_gaps_explained():
    shipped = set(checkov_support.shipped_rules())
    assert {m.id for m in catalogue.load() if {"code", "plan"} & set(m.sources)} == shipped
    native_only = checkov_support.native_only_rules()
    assert set(checkov_support.fallback_rules()) | set(native_only) == shipped
    assert set(checkov_support.fallback_rules()) & set(native_only) == set()
    assert set(checkov_support.PARTIAL) <= set(checkov_support.fallback_rules())
    for reason in [*checkov_support.PARTIAL.values(), *native_only.values()]:
        assert len(reason) > 40


def test_core_imports_no_third_party_package():
    code = ("import sys; import hds_iac.checkov_support as c; c.check_specs(); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('yaml', 'hcl2', 'lark', 'boto3', 'osc_sdk_python')); print(bad)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_checks_load_from_a_checkout_without_hds_iac_installed(tmp_path):
    """checkov's environment has no hds_iac: the checks load it from beside themselves, and
    only its pure-Python core (no HCL reader, no YAML config, no live SDK code). The first
    load computes the checks' table from the catalogue and rules; the next ones read it
    from the user cache and import neither."""
    python = Path(CHECKOV).parent / "python"
    code = ("import json, sys; sys.path.insert(0, %r); "
            "import hds_iac_checkov_checks as m; import hds_iac; "
            "print(json.dumps([len(m.CHECKS), hds_iac.__file__, "
            "sorted(k for k in sys.modules if k.startswith('hds_iac'))]))"
            % str(CHECKS))
    env = {**CHECKOV_ENV, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for first in (True, False):
        proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        count, loaded_from, modules = json.loads(proc.stdout.strip().splitlines()[-1])
        assert count == len(checkov_support.shipped_rules())
        assert Path(loaded_from) == REPO / "hds_iac" / "__init__.py"
        core = {"hds_iac.rules", "hds_iac.checkov_support", "hds_iac.catalogue"}
        assert core <= set(modules) if first else not core & set(modules), modules
        # These import python-hcl2/lark, PyYAML, boto3 or the Outscale SDK: the `hcl2`
        # module in checkov's environment is bc-python-hcl2, a different package under the
        # same name.
        leaked = [m for m in modules if m.startswith((
            "hds_iac.terraform.hcl", "hds_iac.config", "hds_iac.live", "hds_iac.cli"))]
        assert leaked == []


def test_checkov_dir_points_at_the_checks_and_remembers_this_hds_iac(tmp_path):
    assert checkov_support.checks_dir() == CHECKS
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "hds_iac.checkov_support"], env=env,
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0 and Path(proc.stdout.strip()) == CHECKS
    # For checkov runs that find hds-iac nowhere else (hds_iac.checkov_native).
    recorded = json.loads((tmp_path / "hds-iac" / "native.json").read_text())
    assert recorded == {"command": [sys.executable, "-m", "hds_iac.cli"]}


def test_unwrap_checkov_values():
    conf = {
        "__start_line__": 1, "__end_line__": 9, "__address__": "module.m.aws_instance.a[0]",
        "ami": ["ami-1"], "tags": [{"env": "prod"}], "empty_tags": [{}],
        "root_block_device": [{"encrypted": [True], "kms_key_id": ["aws_kms_key.k.arn"]}],
        "ebs_block_device": [{"device_name": ["/dev/sdb"]}, {"device_name": ["/dev/sdc"]}],
        "cidr_blocks": [["0.0.0.0/0"]], "subnet_id": ["var.subnet"],
        "user_data": ["${base64encode(var.x)}"],
    }
    rec = checkov_support.record(conf, "aws_instance", "a")
    v = rec.values
    assert rec.address == "module.m.aws_instance.a[0]" and rec.module == "module.m"
    assert rec.provider == "aws" and rec.source == "hcl"
    assert v["ami"] == "ami-1" and v["tags"] == {"env": "prod"}
    assert v["root_block_device"][0]["encrypted"] is True
    assert v["root_block_device"][0]["kms_key_id"].refs == ("aws_kms_key.k",)
    assert [b["device_name"] for b in v["ebs_block_device"]] == ["/dev/sdb", "/dev/sdc"]
    assert v["cidr_blocks"] == ["0.0.0.0/0"]
    assert v["subnet_id"].refs == ("var.subnet",)
    assert not isinstance(v["user_data"], str)
    assert "__address__" not in v and "__start_line__" not in v and rec.line == 1


def test_evaluated_keys_name_the_deciding_attribute(batch):
    """checkov (and the Bridgecrew/Prisma views) highlight the attribute that decided."""
    def keys(mode: str) -> dict:
        return {(c["resource"], c["check_id"]): c["check_result"].get("evaluated_keys")
                for c in _checkov_results(batch, "failed_checks", mode)}

    native = keys("native_mode")
    assert native[("aws_ebs_volume.plain", "CKV_HDS_ENC_001")] == ["encrypted"]
    assert native[("aws_db_instance.weak", "CKV_HDS_BAK_001")] == ["backup_retention_period"]
    assert native[("aws_elasticache_replication_group.cache", "CKV_HDS_ENC_002")] == \
        ["at_rest_encryption_enabled"]
    fallback = keys("fallback")
    assert fallback[("aws_db_instance.weak", "CKV_HDS_BAK_003")] == ["deletion_protection"]


# (fixture case, resource, check): the evaluated_keys checkov shows, one row per rule family
# (tests/test_finding_attribute_rules.py asserts the lines of the same findings).
FAMILY_KEYS = [
    ("HDS-TLS-001--aws-fail", "aws_lb_listener.http", "CKV_HDS_TLS_001", ["protocol"]),
    ("HDS-TLS-006--aws-fail", "aws_security_group.legacy", "CKV_HDS_TLS_006",
     ["ingress/[0]/cidr_blocks"]),
    ("HDS-TLS-007--aws-fail-weak", "aws_vpn_connection.lab", "CKV_HDS_TLS_007",
     ["tunnel2_phase2_integrity_algorithms", "tunnel2_phase2_dh_group_numbers"]),
    ("HDS-ENC-004--aws-fail", "aws_kms_key.logs", "CKV_HDS_ENC_004", ["enable_key_rotation"]),
    ("HDS-LOC-002--aws-fail", "aws_backup_plan.daily", "CKV_HDS_LOC_002",
     ["rule/[0]/copy_action/[0]/destination_vault_arn"]),
    ("HDS-LOG-002--aws-fail", "aws_cloudtrail.unvalidated", "CKV_HDS_LOG_002",
     ["enable_log_file_validation"]),
    ("HDS-LOG-007--aws-fail", "aws_cloudwatch_log_group.app", "CKV_HDS_LOG_007",
     ["retention_in_days"]),
    ("HDS-AZ-002--aws-fail", "aws_autoscaling_group.worker", "CKV_HDS_AZ_002",
     ["vpc_zone_identifier"]),
    ("HDS-MFA-005--aws-fail-short", "aws_iam_account_password_policy.short", "CKV_HDS_MFA_005",
     ["minimum_password_length"]),
]


def test_evaluated_keys_of_every_rule_family(batch):
    keys = {(_case_of(c["file_path"]), c["resource"], c["check_id"]):
            c["check_result"].get("evaluated_keys")
            for c in _checkov_results(batch, "failed_checks", "native_mode")}
    got = {(case, res, check): keys.get((case, res, check)) for case, res, check, _ in FAMILY_KEYS}
    assert got == {(case, res, check): want for case, res, check, want in FAMILY_KEYS}
