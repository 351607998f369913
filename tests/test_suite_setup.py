"""How the suite runs: the session never touches a developer's own state (tests/conftest.py),
and the README shows the command CI runs.

Each test process (pytest-xdist's workers each) gets its own user cache folder: hds-iac
writes there (the checkov pointer, the pre-commit hook's checkov venv, the parse cache), and
neither the developer's cache nor the other worker's may leak into what a test sees.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hds_iac import checkov_native


def test_the_user_cache_is_this_session_s_own_temporary_folder() -> None:
    cache = Path(os.environ["XDG_CACHE_HOME"])
    assert cache.is_dir()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    session = cache.parent if worker else cache
    assert session.parent == Path(tempfile.gettempdir())
    assert session.name.startswith("hds-iac-test-cache-")
    assert cache.name == (worker or session.name)
    home = Path(os.path.expanduser("~"))
    assert home / ".cache" not in (cache, *cache.parents)
    # The parse cache's own folder (the session fixture _own_parse_cache), never a
    # developer's.
    moved = Path(os.environ["HDS_IAC_CACHE_DIR"])
    assert moved.is_dir() and home / ".cache" not in (moved, *moved.parents)
    assert Path(checkov_native.cache_root()) == cache / "hds-iac"


def test_a_child_process_gets_the_same_cache() -> None:
    """The commands the tests start (hooks, checkov, `hds-iac` subprocesses) inherit it."""
    code = "from hds_iac import checkov_native; print(checkov_native.cache_root())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == os.path.join(os.environ["XDG_CACHE_HOME"], "hds-iac")


def test_the_readme_and_ci_run_the_same_test_command() -> None:
    """The README's test command is the one .ci/run ends with (CI runs what users read)."""
    repo = Path(__file__).resolve().parents[1]
    ci = [ln.strip() for ln in (repo / ".ci/run").read_text().splitlines()
          if ln.strip() and not ln.lstrip().startswith("#")]
    assert ci[-1].startswith("python -m pytest ")
    readme = (repo / "README.md").read_text().splitlines()
    assert [ln for ln in readme if ln.startswith("python -m pytest ")] == [ci[-1]]
