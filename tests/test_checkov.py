"""The checkov front-end (`checks/`) against the real checkov, in its own environment.

Parity: on every fixture (fixtures/example, fixtures/rules/*/*, and the cases below), the
failing (case, address, rule) triples checkov reports with our checks equal those of
`hds-iac scan` for the rules of scope "resource"; for the rules listed in
`checkov_support.PARTIAL` (what one resource cannot show) checkov's failures are a subset
of ours, never a false alarm. checkov runs twice in all (code, then plans): each run costs
about 3 s, so every case is copied into one batch folder first.

checkov comes from $HDS_IAC_CHECKOV, else /tmp/checkov-venv/bin/checkov, else
.ci-venv-checkov/bin/checkov (created by .ci/run). Missing: the tests skip, except under
CI=true where they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, run_cli

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


def _cases() -> list[tuple[str, Path]]:
    """(name, folder) of every fixture case usable by both tools (no extra --var-file)."""
    cases = [("example", FIXTURES / "example")]
    for expect in sorted((FIXTURES / "rules").glob("*/*/expect.yaml")):
        data = yaml.safe_load(expect.read_text()) or {}
        if data.get("var_files"):
            continue  # needs a --var-file for this case alone: not batchable
        case = expect.parent
        cases.append((f"{case.parent.name}--{case.name}", case))
    return cases


def _checkov_json(args: list[str]) -> list[dict]:
    proc = subprocess.run([CHECKOV, *args, "--external-checks-dir", str(CHECKS), "-o", "json",
                           "--skip-download", "--compact"],
                          capture_output=True, text=True, timeout=600, env=CHECKOV_ENV)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Cannot load external check" not in proc.stderr, proc.stderr[-3000:]
    data = json.loads(proc.stdout) if proc.stdout.strip() else []
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if "results" in r]


def _case_of(path: str) -> str:
    return path.strip("/").split("/")[0].removesuffix(".json")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("checkov-batch")
    hcl, plans = root / "hcl", root / "plans"
    hcl.mkdir()
    plans.mkdir()
    for name, case in _cases():
        jsons = sorted(case.glob("*.json"))
        if jsons:
            if jsons[0].name == "plan.json":
                shutil.copy(jsons[0], plans / f"{name}.json")
            continue  # states: checkov does not read them
        if not list(case.glob("*.tf")):
            continue
        shutil.copytree(case, hcl / name, ignore=shutil.ignore_patterns("expect.yaml"))
    for name, files in EXTRA_CASES.items():
        for file, text in files.items():
            (hcl / name).mkdir(exist_ok=True)
            (hcl / name / file).write_text(text.lstrip())

    checkov = _checkov_json(["-d", str(hcl), "--framework", "terraform"])
    plan_files = sorted(plans.glob("*.json"))
    if plan_files:
        args = [a for p in plan_files for a in ("-f", str(p))]
        checkov += _checkov_json([*args, "--framework", "terraform_plan",
                                  "--repo-root-for-plan-enrichment", str(plans)])

    native = run_cli("scan", str(hcl), "-o", "json")
    assert native.code in (0, 1), native.stderr
    findings = [(f, None) for f in native.json()["findings"]]
    for plan in plan_files:
        run = run_cli("scan", str(plan), "-o", "json")
        assert run.code in (0, 1), run.stderr
        findings += [(f, plan.stem) for f in run.json()["findings"]]
    return {"checkov": checkov, "native": findings}


def _checkov_results(batch: dict, kind: str) -> list[dict]:
    return [c for report in batch["checkov"] for c in report["results"].get(kind, [])
            if c["check_id"].startswith("CKV_HDS_")]


def _pairs_checkov(batch: dict, kind: str = "failed_checks") -> set[tuple[str, str, str]]:
    out = set()
    for c in _checkov_results(batch, kind):
        rule = c["check_id"][len("CKV_"):].replace("_", "-")
        out.add((_case_of(c["file_path"]), c["resource"], rule))
    return out


def _pairs_native(batch: dict, rules: set[str], status: str = "fail") -> set[tuple[str, str, str]]:
    out = set()
    for finding, plan in batch["native"]:
        if finding["rule_id"] not in rules or finding["status"] != status:
            continue
        case = plan or _case_of(finding["resource"]["file"] or "")
        out.add((case, finding["resource"]["address"], finding["rule_id"]))
    return out


def test_our_checks_loaded_and_each_shipped_rule_ran(batch):
    results = [c for kind in ("passed_checks", "failed_checks", "skipped_checks")
               for c in _checkov_results(batch, kind)]
    assert len(results) > 0
    seen = {c["check_id"] for c in results}
    shipped = {checkov_id(r) for r in checkov_support.shipped_rules()}
    assert shipped - seen == set()


def test_failures_match_hds_iac_scan(batch):
    shipped = set(checkov_support.shipped_rules())
    exact = shipped - set(checkov_support.PARTIAL)
    ours = _pairs_checkov(batch)
    native = _pairs_native(batch, shipped)
    # The waived listener fails natively too but is reported as skipped there.
    assert {p for p in ours if p[2] in exact} == {p for p in native if p[2] in exact}
    partial_ours = {p for p in ours if p[2] in checkov_support.PARTIAL}
    partial_native = {p for p in native if p[2] in checkov_support.PARTIAL}
    assert partial_ours <= partial_native  # never a false alarm


def test_checkov_never_contradicts_a_pass(batch):
    shipped = set(checkov_support.shipped_rules())
    native_pass = _pairs_native(batch, shipped, "pass")
    assert _pairs_checkov(batch) & native_pass == set()
    native_fail = _pairs_native(batch, shipped, "fail")
    assert _pairs_checkov(batch, "passed_checks") & native_fail == set()


def test_checkov_skip_comment_waives_our_check(batch):
    skipped = [c for c in _checkov_results(batch, "skipped_checks")
               if c["resource"] == "aws_lb_listener.waived"]
    assert [c["check_id"] for c in skipped] == ["CKV_HDS_TLS_001"]
    assert "internal health checks" in skipped[0]["check_result"]["suppress_comment"]
    native = [f for f, _ in batch["native"] if f["resource"]["address"] ==
              "aws_lb_listener.waived" and f["rule_id"] == "HDS-TLS-001"]
    assert [f["status"] for f in native] == ["skipped"]


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


def test_every_resource_rule_is_shipped_or_explained():
    resource = set(checkov_support.resource_rules())
    assert set(checkov_support.shipped_rules()) | set(checkov_support.NATIVE_ONLY) == resource
    assert set(checkov_support.PARTIAL) <= set(checkov_support.shipped_rules())
    for reason in [*checkov_support.PARTIAL.values(), *checkov_support.NATIVE_ONLY.values()]:
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
    only its pure-Python core (no HCL reader, no YAML config, no live SDK code)."""
    python = Path(CHECKOV).parent / "python"
    code = ("import json, sys; sys.path.insert(0, %r); "
            "import hds_iac_checkov_checks as m; import hds_iac; "
            "print(json.dumps([len(m.CHECKS), hds_iac.__file__, "
            "sorted(k for k in sys.modules if k.startswith('hds_iac'))]))"
            % str(CHECKS))
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, env=CHECKOV_ENV)
    assert proc.returncode == 0, proc.stderr[-3000:]
    count, loaded_from, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert count == len(checkov_support.shipped_rules())
    assert Path(loaded_from) == REPO / "hds_iac" / "__init__.py"
    assert "hds_iac.rules" in modules and "hds_iac.checkov_support" in modules
    # These import python-hcl2/lark, PyYAML, boto3 or the Outscale SDK: the `hcl2` module
    # in checkov's environment is bc-python-hcl2, a different package under the same name.
    leaked = [m for m in modules if m.startswith(("hds_iac.terraform.hcl", "hds_iac.config",
                                                  "hds_iac.live", "hds_iac.cli"))]
    assert leaked == []


def test_checkov_dir_points_at_the_checks():
    assert checkov_support.checks_dir() == CHECKS
    proc = subprocess.run([sys.executable, "-m", "hds_iac.checkov_support"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0 and Path(proc.stdout.strip()) == CHECKS


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
