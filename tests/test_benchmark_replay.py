"""The benchmark's replay reference (scripts/checkov_replay, issue 15 "Measure"): checks
with our ids that give, with no work, the results our checks gave on the same input. The
table's helpers in-process; then a real checkov run records our checks' results on a
folder with a module call and a replayed run gives back the same CKV_HDS records, and a
tampered table does not (so the benchmark's own comparison could fail)."""
from __future__ import annotations

import importlib
import json
import os
import shlex
import sys
from collections import deque
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import benchmark  # noqa: E402
from checkov_replay import replay_checks  # noqa: E402


class _Status:
    def __init__(self, name: str) -> None:
        self.name = name


def test_table_round_trip_keeps_order_per_resource(tmp_path: Path) -> None:
    assert "checkov" not in sys.modules  # neither mode set: no checkov imported
    table = tmp_path / "t.jsonl"
    key = replay_checks.key_of("CKV_HDS_X", "/main.tf", "aws_ebs_volume", "aws_ebs_volume.v",
                               {"__address__": "module.a.aws_ebs_volume.v"})
    other = replay_checks.key_of("CKV_HDS_X", "/main.tf", "aws_ebs_volume",
                                 "aws_ebs_volume.v", {})
    assert key[-1] == "module.a.aws_ebs_volume.v" and other[-1] is None
    first = replay_checks.result_of({"result": _Status("FAILED"), "evaluated_keys": ["a"]},
                                    ["why"])
    second = replay_checks.result_of({"result": _Status("SKIPPED"), "suppress_comment": "w"},
                                     [])
    spec = {"id": "CKV_HDS_X", "name": "n", "supported_resources": ["aws_ebs_volume"],
            "categories": ["ENCRYPTION"], "severity": "HIGH", "guideline": "g"}
    replay_checks.dump(str(table), [spec], [(key, first), (key, second)])
    replay_checks.dump(str(table), [spec], [(other, second)])  # a second process
    specs, got = replay_checks.load(str(table))
    assert specs == [spec]
    assert got == {key: deque([first, second]), other: deque([second])}
    assert first == {"result": "FAILED", "evaluated_keys": ["a"], "details": ["why"]}
    assert second["suppress_comment"] == "w"
    # Replayed in the recorded order; the last one stays for a further call.
    assert [replay_checks.answer(got, key) for _ in range(3)] == [first, second, second]
    assert replay_checks.answer(got, ("CKV_HDS_Y",) + key[1:]) is None


def test_replay_gives_back_our_checks_records(tmp_path: Path) -> None:
    checkov = benchmark.find_checkov(None)
    if checkov is None:
        pytest.skip("checkov not installed (set HDS_IAC_CHECKOV)")
    benchmark.make_tree(tmp_path / "tree", 10)
    folder = tmp_path / "tree" / "service00"  # a module call: its resources' addresses
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "HDS_IAC_CACHE_DIR": str(tmp_path / "c"),
           "HDS_IAC_BIN": shlex.join([sys.executable, "-m", "hds_iac.cli"])}
    cmd = [checkov, "--compact", "-o", "json", "--skip-download", "-d", str(folder),
           "--framework", "terraform"]
    table = tmp_path / "replay.jsonl"
    # Records our checks' results, replays them, and compares (SystemExit if different).
    count = benchmark.record_replay("(a)", cmd, table, env)
    specs, results = replay_checks.load(str(table))
    assert count == sum(len(r) for r in results.values()) > 0
    statuses = {r["result"] for rs in results.values() for r in rs}
    assert statuses == {"PASSED", "FAILED", "UNKNOWN"}
    assert any(key[-1] == "module.db.aws_db_instance.this" for key in results)
    assert {s["id"] for s in specs} >= {key[0] for key in results}
    # A table that says otherwise gives other records: the comparison can fail.
    lines = table.read_text().splitlines()
    part = json.loads(lines[0])
    for _, result in part["results"]:
        if result["result"] == "FAILED":
            result["result"] = "PASSED"
    table.write_text(json.dumps(part) + "\n")
    tampered = benchmark.subprocess.run(
        cmd + ["--external-checks-dir", str(benchmark.REPLAY_CHECKS)],
        env=benchmark.replay_env(env, table), capture_output=True, check=False)
    kinds = {r[0] for r in benchmark.checkov_records(tampered.stdout)}
    assert kinds == {"passed_checks"}


def test_replay_mode_imports_no_hds_iac() -> None:
    """The replayed run must not do our work: its module names no hds_iac import outside
    the record mode (which loads our real checks)."""
    source = (REPO / "scripts" / "checkov_replay" / "replay_checks.py").read_text()
    replay = source[source.index("def _replay("):]
    assert "hds_iac" not in replay.split("\nif os.environ")[0]
    importlib.reload(replay_checks)  # neither mode: registers nothing, imports no checkov
    assert not hasattr(replay_checks, "CHECKS")
