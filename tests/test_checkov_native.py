"""The native engine behind the CKV_HDS checks (`hds_iac.checkov_native`), without checkov:
how `hds-iac` is found, what a real `hds-iac scan` subprocess gives per (file, address), and
that a missing or failing engine means "fall back", never "pass".

The real checkov runs (both modes, every fixture) are in tests/test_checkov.py.
"""
from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest
from process_state import ends_within

from hds_iac import checkov_native

HDS_IAC = [sys.executable, "-m", "hds_iac.cli"]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No HDS_IAC_BIN, an empty user cache, a PATH without hds-iac."""
    monkeypatch.delenv("HDS_IAC_BIN", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    return tmp_path


def _script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_native_command_order(clean_env, monkeypatch):
    assert checkov_native.native_command() is None
    # The cache written by `hds-iac checkov-dir` and the pre-commit hook.
    checkov_native.record_command(HDS_IAC)
    assert checkov_native.native_command() == HDS_IAC
    # A program on PATH comes before the cache...
    other = _script(clean_env, "hds-iac", "exit 0")
    monkeypatch.setenv("PATH", f"{clean_env}:/usr/bin:/bin")
    assert checkov_native.native_command() == [other]
    # ...and the environment variable before both; `none` switches the engine off.
    monkeypatch.setenv("HDS_IAC_BIN", "/opt/hds/bin/python -m hds_iac.cli")
    assert checkov_native.native_command() == ["/opt/hds/bin/python", "-m", "hds_iac.cli"]
    monkeypatch.setenv("HDS_IAC_BIN", "none")
    assert checkov_native.native_command() is None


def test_an_hds_iac_inside_the_running_environment_is_not_used(clean_env, monkeypatch):
    """Inside checkov that environment holds bc-python-hcl2's `hcl2`."""
    beside = Path(sys.executable).parent
    if not (beside / "hds-iac").exists():
        pytest.skip("no hds-iac script beside this interpreter")
    monkeypatch.setenv("PATH", f"{beside}:/usr/bin:/bin")
    assert checkov_native.native_command() is None


def test_a_corrupt_cache_entry_is_ignored(clean_env):
    path = Path(checkov_native.pointer_path())
    path.parent.mkdir(parents=True)
    for text in ("{", "[]", json.dumps({"command": "rm -rf /"}),
                 json.dumps({"command": ["/nonexistent/hds-iac"]})):
        path.write_text(text)
        assert checkov_native.native_command() is None


def test_the_recorded_command_is_private_and_only_a_private_one_is_run(clean_env):
    """`native.json` names a program checkov's process runs: it is written 0600 in a 0700
    folder, and one that others may write, a link to one, or an oversized one is not
    used."""
    checkov_native.record_command(HDS_IAC)
    path = Path(checkov_native.pointer_path())
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert checkov_native.native_command() == HDS_IAC
    path.chmod(0o622)
    assert checkov_native.native_command() is None
    path.chmod(0o600)
    planted = path.with_name("planted.json")
    path.rename(planted)
    path.symlink_to(planted)
    assert checkov_native.native_command() is None
    path.unlink()
    planted.write_text(json.dumps({"command": HDS_IAC, "pad": "x" * 70_000}))
    planted.chmod(0o600)
    planted.rename(path)
    assert checkov_native.native_command() is None


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    (root / "good" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-2"\n}\n'
        'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-2a"\n  size = 1\n}\n')
    (root / "bad" / "main.tf").write_text('resource "aws_ebs_volume" "x" {\n  size = \n')
    return root


def test_a_real_native_scan_answers_per_file_and_address(tmp_path, capsys):
    root = _folder(tmp_path)
    cache = checkov_native.NativeCache(HDS_IAC)
    scan = cache.scan((str(root),), plan=False)
    assert scan is not None and scan.ok, scan.problem
    good = os.path.realpath(root / "good" / "main.tf")
    verdicts = scan.verdicts(good, "aws_ebs_volume.v")
    # London by the provider block (what a one-resource check never sees), and the
    # cross-resource rules.
    assert verdicts["HDS-LOC-001"].status == "fail"
    assert verdicts["HDS-ENC-001"].status == "fail" and verdicts["HDS-ENC-001"].message
    assert scan.verdicts(good, "aws_ebs_volume.other") == {}  # read, nothing judged
    # The file the native scan could not read: the checks fall back for it.
    assert scan.verdicts(os.path.realpath(root / "bad" / "main.tf"), "aws_ebs_volume.x") is None
    # Cached: the same object, no second run.
    assert cache.scan((str(root),), plan=False) is scan
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("body, problem", [
    ("echo boom >&2; exit 3", "exited 3: boom"),
    ("echo not json; exit 0", "no readable JSON report"),
    ('echo \'{"findings": "x"}\'; exit 0', "no readable JSON report"),
    ("sleep 5", "TimeoutExpired"),
])
def test_a_failing_native_engine_means_fallback_never_pass(tmp_path, capsys, monkeypatch,
                                                           body, problem):
    monkeypatch.setenv("HDS_IAC_NATIVE_TIMEOUT", "1")
    root = _folder(tmp_path)
    broken = _script(tmp_path, "hds-iac", body)
    cache = checkov_native.NativeCache([broken])
    scan = cache.scan((str(root),), plan=False)
    assert scan is not None and not scan.ok and problem in scan.problem
    assert scan.verdicts(os.path.realpath(root / "good" / "main.tf"), "aws_ebs_volume.v") is None
    cache.scan((str(root),), plan=False)
    err = capsys.readouterr().err
    assert err.count("hds-iac checks: the native scan of") == 1, err
    assert "judged one by one" in err


def test_no_native_engine_says_so_once(clean_env, capsys):
    cache = checkov_native.NativeCache()
    assert cache.scan(("a",), plan=False) is None
    assert cache.scan(("b",), plan=True) is None
    assert capsys.readouterr().err.count("was not found") == 1


def test_native_scan_of_plans_in_one_run(tmp_path):
    from conftest import FIXTURES

    plans = sorted(FIXTURES.glob("rules/HDS-AZ-001/*/plan.json"))[:1] + sorted(
        FIXTURES.glob("rules/HDS-AZ-003/*/plan.json"))[:1]
    assert len(plans) == 2
    calls = tmp_path / "calls"
    counting = _script(tmp_path, "hds-iac", f'echo x >> {shlex.quote(str(calls))}; exec '
                       + " ".join(shlex.quote(a) for a in HDS_IAC) + ' "$@"')
    cache = checkov_native.NativeCache([counting])
    scan = cache.scan(tuple(map(str, plans)), plan=True)
    assert scan.ok, scan.problem
    assert calls.read_text().count("x") == 1
    for plan in plans:
        answered = [key for key in scan.exact if key[0] == os.path.realpath(plan)]
        assert answered, plan


def test_deciding_attributes_become_checkov_evaluated_keys(tmp_path):
    """When the report names the deciding attributes (issue 11), checkov highlights them."""
    (tmp_path / "main.tf").write_text("")
    report = {"inputs": [{"files": [{"path": "main.tf"}]}], "findings": [
        {"rule_id": "HDS-ENC-001", "status": "fail", "message": "not encrypted",
         "resource": {"address": "aws_instance.a", "file": "main.tf", "line": 3},
         "attributes": [{"path": "root_block_device.encrypted", "set": True, "line": 5}]},
        {"rule_id": "HDS-LOC-001", "status": "pass",
         "resource": {"address": "aws_instance.a", "file": "main.tf", "line": 1}}]}
    scan = checkov_native.NativeScan((str(tmp_path),))
    checkov_native.index(scan, report, plan=False)
    verdicts = scan.verdicts(os.path.realpath(tmp_path / "main.tf"), "aws_instance.a")
    assert verdicts["HDS-ENC-001"].keys == ("root_block_device/[0]/encrypted",)
    assert verdicts["HDS-LOC-001"].keys == ()


def test_each_check_runs_only_on_the_types_its_rule_can_name():
    """supported_resources: the types whose adapter makes a kind the rule judges, not every
    type of the provider (issue 15's overhead). Cross-resource rules run on the resource
    their finding names, not on the ones they read (a volume's backup selection, a user's
    group policy, a bucket's policy)."""
    from hds_iac import checkov_support

    specs = {s.rule_id: set(s.supported_resources) for s in checkov_support.check_specs()}
    every = set(checkov_support.supported_types())
    assert all(types and types <= every for types in specs.values())
    assert specs["HDS-MFA-001"] == {"aws_iam_user"}
    assert specs["HDS-BAK-004"] == {"aws_ebs_volume", "outscale_volume"}
    assert specs["HDS-TLS-005"] == {"aws_s3_bucket"}
    assert specs["HDS-ENC-001"] >= {"aws_ebs_volume", "aws_instance", "aws_launch_template"}
    assert "aws_ebs_encryption_by_default" not in specs["HDS-ENC-001"]
    assert "aws_s3_bucket" in specs["HDS-LOC-001"] and "aws_iam_user" not in specs["HDS-LOC-001"]
    # Types read only through others never get a check.
    linked = {"aws_s3_bucket_policy", "aws_iam_group_policy", "aws_backup_vault_lock_configuration"}
    assert not linked & set().union(*specs.values())
    pairs = sum(len(t) for t in specs.values())
    assert pairs < len(specs) * len(every) / 5


def test_a_verdict_or_resource_of_an_undeclared_kind_is_refused():
    """The declarations the narrowing rests on cannot drift from the code: a rule's
    verdict on a kind it does not declare, an adapter's resource of a kind its type does
    not declare, are errors (the engine reports the rule as failed), never a finding
    checkov silently misses."""
    from hds_iac.adapters.terraform_index import Handlers, TfIndex
    from hds_iac.model import Resource, Unknown
    from hds_iac.rules import Verdict, undeclared_kind
    from hds_iac.terraform.records import TfResource

    rec = TfResource(address="aws_s3_bucket.b", mode="managed", type="aws_s3_bucket", name="b",
                     provider="aws", provider_region=Unknown("x"), values={}, source="hcl")
    handlers = Handlers("aws")

    @handlers.handles("aws_s3_bucket", kinds=("volume",))
    def wrong(rec, index):
        from hds_iac.adapters.terraform_aws_common import resource
        return [resource(rec, "bucket")]

    with pytest.raises(ValueError, match="declares only"):
        handlers.adapt(rec, TfIndex([rec]))
    handlers.kinds["aws_s3_bucket"] = frozenset({"bucket"})
    (bucket,) = handlers.adapt(rec, TfIndex([rec]))
    assert isinstance(bucket, Resource)
    assert undeclared_kind("HDS-TLS-005", Verdict(bucket, "pass", "pass")) is None
    assert "declares only" in undeclared_kind("HDS-TLS-006", Verdict(bucket, "pass", "pass"))


# --- when the native scan starts, and what is left of it when checkov ends ------------------


@pytest.mark.parametrize("argv, expected", [
    # one framework: what this process scans is on the command line
    (["checkov", "-d", "{a}", "--framework", "terraform"], [(("{a}",), False)]),
    (["checkov", "--directory={a}", "-d", "{b}", "--framework=terraform"],
     [(("{a}",), False), (("{b}",), False)]),
    (["checkov", "-f", "{a}/main.tf", "--framework", "terraform"], [(("{a}",), False)]),
    (["checkov", "-f", "{b}/p2.json", "-f", "{b}/p1.json", "--framework", "terraform_plan"],
     [(("{b}/p1.json", "{b}/p2.json"), True)]),
    # several frameworks (one runner process each) or none named: each runner says its own
    (["checkov", "-d", "{a}"], []),
    (["checkov", "-d", "{a}", "--framework", "terraform", "terraform_plan"], []),
    (["checkov", "-d", "{a}", "--framework", "terraform,terraform_plan"], []),
    # a plan runner given a folder finds its plans itself; a file that is no plan: unsure
    (["checkov", "-d", "{a}", "--framework", "terraform_plan"], []),
    (["checkov", "-f", "{b}/p1.json", "-f", "{a}/main.tf", "--framework", "terraform_plan"], []),
    # a folder that does not exist is not scanned
    (["checkov", "-d", "{a}/missing", "--framework", "terraform"], []),
])
def test_inputs_from_checkov_command_line(tmp_path, argv, expected):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()

    def fill(text: str) -> str:
        return text.format(a=a, b=b)

    want = [(tuple(fill(t) for t in targets), plan) for targets, plan in expected]
    assert checkov_native.inputs_from_argv([fill(x) for x in argv]) == want


def test_one_shared_cache_per_process():
    """checkov executes the checks file once per `-d` folder: every execution must use the
    same cache, or an input prefetched by one would be scanned again by the other."""
    assert checkov_native.shared() is checkov_native.shared()


def _wait_for(path: Path) -> int:
    import time

    for _ in range(200):
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def test_a_prefetched_scan_nobody_waits_for_is_stopped_and_reaped(tmp_path):
    """A background scan still running when checkov's process ends (no check needed it):
    the scan and what it started are killed and the scan reaped (no orphan, no zombie)."""
    child = tmp_path / "child.pid"
    slow = _script(tmp_path, "hds-iac",
                   f"sleep 60 & echo $! > {shlex.quote(str(child))}; wait")
    cache = checkov_native.NativeCache([slow])
    cache.prefetch((str(tmp_path),), plan=False)
    grandchild = _wait_for(child)
    with checkov_native._RUNNING_LOCK:
        running = list(checkov_native._RUNNING)
    assert len(running) == 1 and running[0].poll() is None
    checkov_native.stop_running()
    assert running[0].returncode is not None  # reaped
    assert ends_within(grandchild, 5.0)


def test_a_timeout_stops_what_the_native_engine_started(tmp_path, monkeypatch):
    monkeypatch.setenv("HDS_IAC_NATIVE_TIMEOUT", "1")
    child = tmp_path / "child.pid"
    slow = _script(tmp_path, "hds-iac",
                   f"sleep 60 & echo $! > {shlex.quote(str(child))}; wait")
    scan = checkov_native.run_native([slow], (str(tmp_path),), plan=False)
    assert not scan.ok and "TimeoutExpired" in scan.problem
    assert ends_within(_wait_for(child), 5.0)
    assert not checkov_native._RUNNING


def test_a_file_the_native_scan_could_not_read_is_said_once(tmp_path, capsys):
    root = _folder(tmp_path)
    cache = checkov_native.NativeCache(HDS_IAC)
    scan = cache.scan((str(root),), plan=False)
    bad = os.path.realpath(root / "bad" / "main.tf")
    good = os.path.realpath(root / "good" / "main.tf")
    cache.say_unread(scan, good)  # read: nothing to say
    assert capsys.readouterr().err == ""
    cache.say_unread(scan, bad)
    cache.say_unread(scan, bad)
    err = capsys.readouterr().err
    assert err.count("could not read") == 1 and bad in err, err
