"""The history store through the real command line: `scan --store`, `history list/diff/
trends/time-to-fix/import`, `--fail-on-new`, concurrent writers, incomplete runs, hostile
stores and result files."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli

VOLUME = """
provider "aws" {
  region = "eu-west-3"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = %s
}
"""
BUCKET = """
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
"""


def infra(folder: Path, encrypted: bool = False, bucket: bool = False) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(VOLUME % ("true" if encrypted else "false"))
    extra = folder / "bucket.tf"
    if bucket:
        extra.write_text(BUCKET)
    elif extra.exists():
        extra.unlink()
    return folder


def failing(doc: dict) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["resource"]["address"]) for f in doc}


@pytest.fixture
def stack(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / ".git").mkdir()  # config discovery stops here
    return infra(tmp_path / "infra"), tmp_path / "hds.sqlite"


def test_scan_records_runs_and_diff_shows_new_fixed_open(stack) -> None:
    folder, store = stack
    first = run_cli("scan", str(folder), "--store", str(store), "-o", "json")
    assert first.code == 1, first.stderr
    assert "recorded run 1" in first.stderr and "no previous run" in first.stderr
    enc = ("HDS-ENC-001", "aws_ebs_volume.data")
    assert enc in failing(f for f in first.json()["findings"] if f["status"] == "fail")

    infra(folder, encrypted=True, bucket=True)  # fixes ENC-001, adds bucket findings
    second = run_cli("scan", str(folder), "--store", str(store), "-o", "json")
    assert second.code in (0, 1), second.stderr
    now_failing = failing(f for f in second.json()["findings"] if f["status"] == "fail")

    diff = run_cli("history", "diff", "--store", str(store), "-o", "json")
    assert diff.code == 0, diff.stderr
    doc = diff.json()
    assert {"new", "fixed", "open"} <= set(doc)
    assert doc["run"]["id"] == 2 and doc["previous"]["id"] == 1
    assert enc in failing(doc["fixed"])
    assert failing(doc["new"]) | failing(doc["open"]) == now_failing
    # the bucket's failures, and the volume's provider-managed key (it is encrypted now)
    assert {("HDS-TLS-005", "aws_s3_bucket.logs"), ("HDS-ENC-003", "aws_ebs_volume.data")} <= \
        failing(doc["new"])
    assert not failing(doc["open"]) & failing(doc["new"])
    # the usual finding objects, with their history dates
    fixed = next(f for f in doc["fixed"] if (f["rule_id"], f["resource"]["address"]) == enc)
    assert fixed["severity"] and fixed["references"]["hds"] and fixed["message"]
    assert fixed["history"]["fixed_at"] == doc["run"]["started"]
    assert fixed["history"]["first_seen"] == doc["previous"]["started"]

    listing = run_cli("history", "list", "--store", str(store), "-o", "json").json()["runs"]
    assert [r["id"] for r in listing] == [2, 1]
    assert listing[0]["scope"] == listing[1]["scope"] and all(r["complete"] for r in listing)
    assert "FR" in listing[0]["settings"]["allowed_countries"]
    assert listing[0]["settings"]["fail_on"] == "low" and "HDS-ENC-001" in listing[0]["rules"]
    assert listing[0]["catalogue"] and listing[0]["tool_version"]

    text = run_cli("history", "diff", "--store", str(store))
    assert "fixed (1):" in text.stdout and "HDS-ENC-001" in text.stdout


def test_fail_on_new_gates_only_on_new_failures(stack) -> None:
    folder, store = stack
    args = ("scan", str(folder), "--store", str(store), "--fail-on-new")
    assert run_cli(*args).code == 1  # no previous run: every failure is new
    assert run_cli(*args).code == 0  # the same failures again: nothing new
    infra(folder, bucket=True)  # new failures, all below critical: --fail-on applies to them
    assert run_cli(*args, "--fail-on", "critical").code == 0
    infra(folder, encrypted=True, bucket=True)  # a new one: the volume's provider key
    run = run_cli(*args)
    assert run.code == 1 and "1 new" in run.stderr


def test_fail_on_new_needs_a_store(stack) -> None:
    folder, _ = stack
    run = run_cli("scan", str(folder), "--fail-on-new")
    assert run.code == 2 and "--fail-on-new needs a history store" in run.stderr


def test_store_from_the_configuration_file(stack) -> None:
    folder, _ = stack
    (folder / ".hds-iac.yaml").write_text("store: runs/hds.sqlite\n")
    (folder / "runs").mkdir()
    assert run_cli("scan", str(folder)).code == 1
    assert (folder / "runs" / "hds.sqlite").is_file()
    listing = run_cli("history", "list", "-o", "json", cwd=folder)
    assert listing.code == 0, listing.stderr
    assert len(listing.json()["runs"]) == 1


def test_the_pre_commit_hook_does_not_record_the_configured_store(stack) -> None:
    folder, _ = stack
    (folder / ".hds-iac.yaml").write_text("store: hds.sqlite\n")
    run = run_cli("pre-commit", "native", "infra/main.tf", cwd=folder.parent)
    assert run.code == 1, run.stderr
    assert not (folder / "hds.sqlite").exists() and "recorded" not in run.stderr


def test_without_store_nothing_is_written(stack) -> None:
    folder, store = stack
    run = run_cli("scan", str(folder))
    assert run.code == 1 and "recorded" not in run.stderr
    assert not store.exists()


def test_an_incomplete_run_never_marks_a_finding_fixed(stack) -> None:
    folder, store = stack
    assert run_cli("scan", str(folder), "--store", str(store)).code == 1
    infra(folder, encrypted=True)
    (folder / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n')
    run = run_cli("scan", str(folder), "--store", str(store))
    assert run.code == 2 and "incomplete" in run.stderr
    doc = run_cli("history", "diff", "--store", str(store), "-o", "json").json()
    enc = ("HDS-ENC-001", "aws_ebs_volume.data")
    assert not doc["fixed"] and enc in failing(doc["unconfirmed"])
    assert "incomplete" in doc["unconfirmed"][0]["history"]["why"]
    ttf = run_cli("history", "time-to-fix", "--store", str(store), "-o", "json").json()
    high = next(r for r in ttf["severities"] if r["severity"] == "high")
    assert high["fixed"] == 0 and high["still_open"] >= 1
    (folder / "broken.tf").unlink()
    assert run_cli("scan", str(folder), "--store", str(store)).code in (0, 1)
    doc = run_cli("history", "diff", "--store", str(store), "-o", "json").json()
    # the first complete run without the failure closes it, even though the incomplete run
    # before already showed it passing
    assert enc in failing(doc["fixed"])
    fixed = next(f for f in doc["fixed"] if f["rule_id"] == "HDS-ENC-001")
    assert fixed["history"]["fixed_at"] == doc["run"]["started"]
    ttf = run_cli("history", "time-to-fix", "--store", str(store), "-o", "json").json()
    high = next(r for r in ttf["severities"] if r["severity"] == "high")
    assert high["fixed"] == 1 and high["median_days"] is not None


def result_file(folder: Path, out: Path, **variant) -> Path:
    infra(folder, **variant)
    run = run_cli("scan", str(folder), "-o", "json", "--output-file", str(out))
    assert run.code in (0, 1), run.stderr
    return out


def test_eight_parallel_writers_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    files = []
    scanned = result_file(folder, tmp_path / "base.json").read_text()
    for i in range(8):
        # distinct results: the same scan with a different scope name in each file
        base = json.loads(scanned)
        base["inputs"][0]["key"] = f"team-{i}/infra"
        for f in base["findings"]:
            f["input"] = f"team-{i}/infra"
        if base.get("provenance"):  # eight runs: eight unique run references
            base["provenance"]["reference"] += f"-{i}"
        path = tmp_path / f"r{i}.json"
        path.write_text(json.dumps(base))
        files.append(path)
    store = tmp_path / "shared.sqlite"
    shared = files[0]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "hds_iac.cli", "history", "import", str(path), "--store",
         str(store)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in files]
    # and every writer's twin imports the same file again at the same time
    procs += [subprocess.Popen(
        [sys.executable, "-m", "hds_iac.cli", "history", "import", str(shared), "--store",
         str(store)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    runs = conn.execute("SELECT scope, counts FROM runs").fetchall()
    assert len(runs) == 8
    assert sorted(s for s, _ in runs) == sorted(f"team-{i}/infra" for i in range(8))
    per_run = json.loads(files[0].read_text())["findings"]
    assert conn.execute("SELECT count(*) FROM observations").fetchone()[0] == 8 * len(per_run)
    assert conn.execute("SELECT count(DISTINCT key) FROM findings").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 8 * len(per_run)


def test_import_merges_shards_into_one_run(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    whole = json.loads(result_file(folder, tmp_path / "whole.json", bucket=True).read_text())
    shards = []
    for i in range(2):
        part = dict(whole, findings=whole["findings"][i::2], shard={"index": i, "count": 2})
        path = tmp_path / f"shard{i}.json"
        path.write_text(json.dumps(part))
        shards.append(path)
    store = tmp_path / "s.sqlite"
    run = run_cli("history", "import", *map(str, shards), "--store", str(store))
    assert run.code == 0, run.stderr
    assert "from 2 file(s)" in run.stderr and "complete" in run.stderr
    listing = run_cli("history", "list", "--store", str(store), "-o", "json").json()["runs"]
    assert len(listing) == 1 and listing[0]["counts"]["findings"] == len(whole["findings"])
    assert listing[0]["complete"]
    # one shard of two: recorded, but incomplete
    single = run_cli("history", "import", str(shards[0]), "--store", str(store))
    assert single.code == 0 and "incomplete" in single.stderr
    again = run_cli("history", "import", *map(str, shards), "--store", str(store))
    assert "already recorded" in again.stderr


def test_import_of_an_unusable_file_names_it_and_records_the_rest_as_incomplete(tmp_path) -> None:
    good = result_file(tmp_path / "infra", tmp_path / "good.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    store = tmp_path / "s.sqlite"
    run = run_cli("history", "import", str(good), str(bad), "--store", str(store))
    assert run.code == 2 and "bad.json: not JSON" in run.stderr
    assert "incomplete" in run.stderr


def test_hostile_store_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00garbage" * 1000)
    run = run_cli("history", "list", "--store", str(junk))
    assert run.code == 2 and "junk.sqlite" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    run = run_cli("history", "list", "--store", str(other))
    assert run.code == 2 and "not an hds-iac history store" in run.stderr
    newer = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    run = run_cli("history", "list", "--store", str(newer))
    assert run.code == 2 and "newer" in run.stderr
    missing = run_cli("history", "list", "--store", str(tmp_path / "none.sqlite"))
    assert missing.code == 2 and "no such store" in missing.stderr
    folder = infra(tmp_path / "infra")
    unwritable = run_cli("scan", str(folder), "--store", str(tmp_path / "no" / "s.sqlite"))
    assert unwritable.code == 2 and "cannot open the store" in unwritable.stderr
    assert len(unwritable.stderr.strip().splitlines()) == 1  # before any scan


def test_values_are_escaped_in_every_history_output(tmp_path: Path) -> None:
    doc = json.loads(result_file(tmp_path / "infra", tmp_path / "r.json").read_text())
    evil = "aws_ebs_volume.\x1b]0;pwned\x07\x1b[31mred\u202e"
    for f in doc["findings"]:
        f["resource"]["address"] = evil
        f["message"] = "\x1b[2J" + f["message"]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc))
    store = tmp_path / "s.sqlite"
    assert run_cli("history", "import", str(path), "--store", str(store)).code == 0
    for action in ("diff", "list", "trends"):
        out = run_cli("history", action, "--store", str(store))
        assert out.code == 0, out.stderr
        assert "\x1b" not in out.stdout and "\u202e" not in out.stdout
    diff = run_cli("history", "diff", "--store", str(store))
    assert "\\x1b]0;pwned" in diff.stdout
    assert run_cli("history", "diff", "--store", str(store), "-o", "json").json()["new"][0][
        "resource"]["address"] == evil


def test_importing_the_result_of_a_recorded_run_adds_nothing(stack) -> None:
    """A run recorded with --store and its JSON result imported later are one run (the
    result's provenance reference is the run's id)."""
    folder, store = stack
    out = folder.parent / "result.json"
    run = run_cli("scan", str(folder), "--store", str(store), "-o", "json", "--output-file",
                  str(out))
    assert run.code == 1, run.stderr
    again = run_cli("history", "import", str(out), "--store", str(store))
    assert again.code == 0 and "already recorded as run 1" in again.stderr
    other_day = run_cli("history", "import", str(out), "--store", str(store), "--started",
                        "2026-01-01")
    assert other_day.code == 0 and "recorded run 2" in other_day.stderr


def test_trends_heads_each_topic_column_with_its_catalogue_short_name(tmp_path: Path) -> None:
    from hds_iac import catalogue

    store = tmp_path / "s.sqlite"
    path = result_file(tmp_path / "infra", tmp_path / "r.json")
    assert run_cli("history", "import", str(path), "--store", str(store)).code == 0
    out = run_cli("history", "trends", "--store", str(store))
    assert out.code == 0, out.stderr
    head = out.stdout.splitlines()[0].split()
    shorts = [catalogue.topic(t).short for t in catalogue.TOPICS]
    assert head[-len(shorts) - 1:] == [*shorts, "scope"]
    assert "rest" in shorts and "encryption-at-rest" not in head
