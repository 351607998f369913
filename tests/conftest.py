"""Shared test helpers: run the real `hds-iac` command as a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "fixtures"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `hds-iac` in a subprocess (the installed console entry point's module)."""
    proc = subprocess.run(
        [sys.executable, "-m", "hds_iac.cli", *args],
        cwd=cwd or REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli
