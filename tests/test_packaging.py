"""The wheel users install holds everything hds-iac needs.

CI runs from an editable install, which finds every module in the checkout: a subpackage or
data file missing from the wheel would only show on a user's machine. This test builds the
wheel, installs it in a fresh virtual environment and runs the catalogue, a scan and the
checkov folder from outside the checkout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO as ROOT

pytestmark = pytest.mark.skipif(os.environ.get("HDS_IAC_SKIP_PACKAGING") == "1",
                                reason="HDS_IAC_SKIP_PACKAGING=1")


def _run(*cmd: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the bin folder of a fresh venv with the wheel installed)."""
    tmp = tmp_path_factory.mktemp("packaging")
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                 "--disable-pip-version-check", "-w", tmp / "dist", ROOT)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("hds_iac-*.whl"))
    venv = tmp / "venv"
    made = _run(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    got = _run(bin_dir / "python", "-m", "pip", "install", "-q",
               "--disable-pip-version-check", wheel)
    assert got.returncode == 0, got.stderr[-2000:]
    return wheel, bin_dir


def test_every_package_and_data_file_of_the_checkout_is_in_the_wheel(
        installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    mapped = {"providers": "hds_iac/providers", "checks": "hds_iac/checkov_checks"}
    expected = set()
    for top in ("hds_iac", "providers", "checks"):
        for path in (ROOT / top).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix not in (".py", ".toml", ".json", ".yaml"):
                continue
            rel = path.relative_to(ROOT).as_posix()
            head, _, rest = rel.partition("/")
            expected.add(f"{mapped.get(head, head)}/{rest}")
    missing = sorted(expected - names)
    assert not missing, f"left out of the wheel: {missing}"


def test_the_installed_command_lists_rules_and_scans_from_outside_the_checkout(
        installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed
    rules = _run(bin_dir / "hds-iac", "rules", "-o", "json", cwd=tmp_path)
    assert rules.returncode == 0, rules.stderr
    assert len(json.loads(rules.stdout)["rules"]) >= 20

    scan = _run(bin_dir / "hds-iac", "scan", FIXTURES / "example", "-o", "json", cwd=tmp_path)
    # The example fails rules on purpose: 1 is the expected status, and 2 would mean a
    # module or data file of the package could not be read.
    assert scan.returncode == 1, scan.stderr
    result = json.loads(scan.stdout)
    assert result["findings"] and not result.get("errors"), result.get("errors")

    where = _run(bin_dir / "hds-iac", "checkov-dir", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    folder = Path(where.stdout.strip())
    assert str(folder).startswith(str(bin_dir.parent)), folder
    assert (folder / "__init__.py").is_file()
