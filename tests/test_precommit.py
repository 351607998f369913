"""The pre-commit hooks with the real `pre-commit` (from PyPI, in the test extras).

pre-commit installs the hook repository's committed tree, so the hook repository here is a
fresh git copy of this working tree: the test sees exactly the files on disk, committed or
not. The tests run `pre-commit run HOOK --files ...` with a config naming that repository at
its commit (`-c`, outside the Terraform repository), as a user's `.pre-commit-config.yaml`
does. pre-commit builds the hook's environment once per PRE_COMMIT_HOME (pip install of
hds-iac, ~30 s), and PRE_COMMIT_HOME is shared by the tests of this module, so it is built
once (`pre-commit try-repo` would build it again at each call, in a store of its own).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

from hds_iac import precommit

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or \
    shutil.which("pre-commit")
if PRE_COMMIT is None:  # pragma: no cover - in the test extras
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError("pre-commit is not installed (pip install -e '.[test]')")
    pytest.skip("pre-commit not installed", allow_module_level=True)

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
# setup.py: package discovery (hds_iac subpackages, providers/ and checks/) lives there.
HOOK_FILES = ("pyproject.toml", "setup.py", "README.md", ".pre-commit-hooks.yaml", "hds_iac",
              "providers", "checks")

PROVIDERS = """
provider "aws" {
  region = "%s"
}
"""
ROOT = """
module "store" {
  source = "../../modules/store"
  name   = "patient-documents"
}
"""
MODULE = """
variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """A git repository holding this working tree's hook files, committed."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in HOOK_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "hooks")
    return repo


@pytest.fixture(scope="module")
def hook_config(hook_repo: Path, tmp_path_factory) -> Path:
    """A pre-commit config naming the hook repository at its commit, outside the
    repositories the hooks check."""
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, check=True,
                         capture_output=True, text=True).stdout.strip()
    config = tmp_path_factory.mktemp("pre-commit-config") / "pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n"
                      "      - id: hds-iac\n      - id: hds-iac-plan\n")
    return config


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _terraform_repo(root: Path, region: str) -> Path:
    files = {
        "infra/prod/providers.tf": PROVIDERS % region,
        "infra/prod/main.tf": ROOT,
        "modules/store/main.tf": MODULE,
        # Another root, in London: never scanned, since no staged file belongs to it.
        "infra/legacy/providers.tf": PROVIDERS % "eu-west-2",
        "infra/legacy/main.tf": 'resource "aws_ebs_volume" "old" {\n'
                                '  availability_zone = "eu-west-2a"\n  size = 1\n}\n',
        # The team's choices: only the data-location topic in this repository.
        ".hds-iac.yaml": "check: [data-location]\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text.lstrip())
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "infra")
    return root


def _run_hook(hook_config: Path, home: Path, cwd: Path, hook: str, *files: str,
              verbose: bool = True):
    """`pre-commit run HOOK --files FILES` in the Terraform repository `cwd`."""
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1",
           "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([PRE_COMMIT, "run", hook, "-c", str(hook_config),
                           *(["--verbose"] if verbose else []),
                           "--color", "never", "--files", *files],
                          cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


def test_native_hook_passes_then_fails(hook_config, pre_commit_home, tmp_path):
    repo = _terraform_repo(tmp_path, "eu-west-3")
    # A change inside the local module: the root that calls it (Paris) is scanned; the
    # London root is not touched, so not scanned; the config limits to data-location.
    ok = _run_hook(hook_config, pre_commit_home, repo, "hds-iac", "modules/store/main.tf")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout
    assert "infra/prod" in ok.stdout and "infra/legacy" not in ok.stdout

    (repo / "infra/prod/providers.tf").write_text(PROVIDERS % "eu-west-2")
    _git(repo, "add", "-A")
    bad = _run_hook(hook_config, pre_commit_home, repo, "hds-iac", "infra/prod/providers.tf")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "HDS-LOC-001" in bad.stdout and "module.store.aws_s3_bucket.this" in bad.stdout
    assert "HDS-ENC" not in bad.stdout  # .hds-iac.yaml honoured


def test_native_hook_reads_json_syntax_and_the_plan_hook_leaves_it(hook_config, pre_commit_home,
                                                                  tmp_path):
    """A staged `cdk.tf.json` (CDK for Terraform) is scanned by the native hook; the plan
    hook, which takes *.json, does not even run on it."""
    repo = tmp_path
    _git(repo, "init", "-q")
    (repo / "stack").mkdir()
    (repo / "stack/cdk.tf.json").write_text(json.dumps({
        "provider": {"aws": [{"region": "eu-west-2"}]},
        "resource": {"aws_ebs_volume": {"disk": {
            "availability_zone": "eu-west-2a", "size": 1, "encrypted": True}}},
    }, indent=2))
    _git(repo, "add", "-A")
    bad = _run_hook(hook_config, pre_commit_home, repo, "hds-iac", "stack/cdk.tf.json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "HDS-LOC-001" in bad.stdout and "aws_ebs_volume.disk" in bad.stdout
    assert "(stack/cdk.tf.json:11)" in bad.stdout  # from the repository root, line of "disk"
    plan = _run_hook(hook_config, pre_commit_home, repo, "hds-iac-plan", "stack/cdk.tf.json")
    assert plan.returncode == 0 and "no files to check" in plan.stdout.lower(), plan.stdout


def test_native_hook_accepts_modules_not_downloaded_and_says_so(hook_config, pre_commit_home,
                                                               tmp_path):
    """Before `terraform init` (the usual state at commit time) a registry module is not
    read: the hook passes by default, and its output (shown without --verbose) says that
    the module call was not read and that the hook's default accepted it. The team can
    refuse it in .hds-iac.yaml: then the hook fails with the incomplete-scan status."""
    repo = tmp_path
    _git(repo, "init", "-q")
    (repo / "infra").mkdir()
    (repo / "infra/main.tf").write_text(PROVIDERS % "eu-west-3" + """
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
""")
    (repo / ".hds-iac.yaml").write_text("check: [data-location]\n")
    _git(repo, "add", "-A")
    ok = _run_hook(hook_config, pre_commit_home, repo, "hds-iac", "infra/main.tf", verbose=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout
    assert "module.vpc" in ok.stdout
    assert "accepted by the pre-commit hook's default (--allow-missing-modules)" in ok.stdout
    assert "nothing was judged" in ok.stdout  # the root holds no resource of its own

    (repo / ".hds-iac.yaml").write_text("check: [data-location]\nallow_missing_modules: false\n")
    _git(repo, "add", "-A")
    refused = _run_hook(hook_config, pre_commit_home, repo, "hds-iac", "infra/main.tf",
                        verbose=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr  # pre-commit's own status
    assert "Failed" in refused.stdout and "exit code: 2" in refused.stdout and "the scan is incomplete (exit status 2)" in \
        refused.stdout


def test_plan_hook_scans_plans_and_ignores_other_json(hook_config, pre_commit_home, tmp_path):
    repo = tmp_path
    _git(repo, "init", "-q")
    plan = next(iter(sorted((FIXTURES / "rules" / "HDS-LOC-001").glob("*plan-fail*/plan.json"))))
    shutil.copy(plan, repo / "plan.json")
    (repo / "package.json").write_text('{"name": "not-terraform"}\n')
    _git(repo, "add", "-A")
    other = _run_hook(hook_config, pre_commit_home, repo, "hds-iac-plan", "package.json")
    assert other.returncode == 0, other.stdout + other.stderr
    bad = _run_hook(hook_config, pre_commit_home, repo, "hds-iac-plan", "plan.json",
                    "package.json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "HDS-LOC-001" in bad.stdout


# --- the hook logic without pre-commit (fast) ----------------------------------------------


def test_roots_for_module_files(tmp_path, monkeypatch):
    repo = _terraform_repo(tmp_path, "eu-west-3")
    (repo / "infra/dev").mkdir()
    (repo / "infra/dev/main.tf").write_text(ROOT)
    (repo / "envs").mkdir()
    (repo / "envs/prod.tfvars").write_text('region = "eu-west-3"\n')
    monkeypatch.chdir(repo)
    assert precommit.roots_for(["modules/store/main.tf"]) == ["infra/dev", "infra/prod"]
    assert precommit.roots_for(["infra/legacy/main.tf", "infra/legacy/providers.tf"]) == \
        ["infra/legacy"]
    assert precommit.roots_for(["envs/prod.tfvars"]) == []


def test_split_keeps_scan_options(tmp_path):
    from hds_iac import cli

    options, files = precommit._split(["--fail-on", "high", "-o", "json", "a.tf", "b/c.tf"],
                                      lambda argv: cli.build_parser().parse_args(["scan", *argv]))
    assert options == ["--fail-on", "high", "-o", "json"] and files == ["a.tf", "b/c.tf"]


def test_checkov_hook_uses_checkov_from_its_own_environment(tmp_path, monkeypatch, capfd):
    """...and its checks answer from this hds-iac's native scan: the bucket of the module is
    in London by its caller's provider block, which a one-resource check never sees."""
    from test_checkov import CHECKOV  # skips when checkov is not installed

    repo = _terraform_repo(tmp_path / "work", "eu-west-2")
    (repo / "infra/prod/lb.tf").write_text(
        'resource "aws_lb_listener" "plain" {\n  load_balancer_arn = "arn:aws:elasticloadbalancing'
        ':eu-west-3:1:loadbalancer/app/x/1"\n  port = 80\n  protocol = "HTTP"\n'
        '  default_action {\n    type = "forward"\n    target_group_arn = "arn:aws:elastic'
        'loadbalancing:eu-west-3:1:targetgroup/x/1"\n  }\n}\n')
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HDS_IAC_CHECKOV", CHECKOV)
    monkeypatch.delenv("HDS_IAC_BIN", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from hds_iac import checkov_native, cli

    code = cli.main(["pre-commit", "checkov", "--compact", "--check",
                     "CKV_HDS_TLS_001,CKV_HDS_LOC_001", "-o", "json", "infra/prod/lb.tf"])
    captured = capfd.readouterr()
    assert code == 1, captured.out[-3000:]
    report = json.JSONDecoder().raw_decode(captured.out.strip())[0]
    failed = {(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]}
    assert ("CKV_HDS_TLS_001", "aws_lb_listener.plain") in failed
    assert ("CKV_HDS_LOC_001", "module.store.aws_s3_bucket.this") in failed
    assert "native engine" not in captured.err
    # The hook remembers this hds-iac for checkov runs outside it.
    assert checkov_native.native_command() == checkov_native.this_command()
