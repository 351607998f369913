"""scripts/benchmark_live_aws.py at a small size (the full size, 10,000 volumes and 20,000
snapshots, is run by hand: its figures are in docs/live-aws.md): it measures the peak RSS
of the scanning process and its API requests, and with small pages the listing calls grow
by exactly one per page while the other calls stay the same."""
from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from conftest import REPO

pytest.importorskip("moto")


def test_benchmark_calls_grow_with_pages_not_resources() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark_live_aws.py"), "--volumes", "40",
         "--snapshots", "80", "--page-size", "10", "--max-attribute-reads", "0"],
        capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    sizes = re.findall(r"== (\d+) volumes, (\d+) snapshots, -o json, pages of 10 ", out)
    assert sizes == [("4", "8"), ("40", "80")], out
    peaks = [int(p) for p in re.findall(r"peak RSS of the scan process (\d+) MiB", out)]
    assert len(peaks) == 2 and all(20 < p < 1000 for p in peaks), out
    assert "READ ERRORS" not in out
    findings = [int(n) for n in re.findall(r"; findings: (\d+)", out)]
    assert findings[1] > findings[0] > 0
    grown = ast.literal_eval(out.split("calls that grew by more than 2 between the two"
                                       " sizes:")[1].splitlines()[0].strip())
    assert set(grown) == {"ec2:DescribeSnapshots", "ec2:DescribeVolumes"}, out
    # 40 volumes in pages of 10: 4 pages against 1.
    assert grown["ec2:DescribeVolumes"] == (1, 4)
    # 72 more snapshots: 8 more pages at most in each of the two listings (all snapshots,
    # then the public ones: --max-attribute-reads 0). moto ignores OwnerIds=self and lists
    # the snapshots of its built-in images too, the same number at both sizes.
    small, large = grown["ec2:DescribeSnapshots"]
    assert 14 <= large - small <= 16, out
