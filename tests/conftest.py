"""Shared test helpers: run the real `hds-iac` command as a user would.

Keeping the suite fast (the whole of it must stay well under 15 minutes on CI; measure a
file with `python -m pytest -q -p no:cacheprovider --durations=0 tests/test_x.py`):

- `run_cli(...)` runs `hds_iac.cli.main` in this process (the function the console entry
  point calls), with the call's own working directory, environment, standard output and
  error, and a cold per-process cache: the same arguments, exit status, stdout and stderr
  as the command, without the ~0.5 s of imports a new Python process costs. Use it for what
  a command answers. `run_cli_process(...)` is the real program in a subprocess: keep it for
  what only a separate process shows (the entry point itself, a crash, the process
  environment, `live` commands whose SDKs read $HOME when imported). `live ...` arguments
  always go to a subprocess. HDS_IAC_TEST_SUBPROCESS=1 sends every run_cli call to a
  subprocess (to check that both ways give the same results).
- A real checkov run costs 10-20 s: add a case to the one batch of tests/test_checkov.py
  (EXTRA_CASES, or a fixture under fixtures/rules, which the batch picks up) rather than
  starting checkov per test.
- A real moto_server costs a few seconds: one `LiveAccount` per module (scope="module")
  and a moto reset between scenarios (tests/aws_moto.py), never one server per test.
  The same holds for the Outscale mock (Prism) and pre-commit's hook environment.
- Generated inputs: the smallest size that still shows what the test is about; speed is
  measured with scripts/benchmark.py, never by a timed test.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "fixtures"

# Commands that stay in a subprocess: the live SDKs settle paths from $HOME when imported
# (osc_sdk_python's config file), which an in-process call could not change per test.
_SUBPROCESS_COMMANDS = {"live"}


_SESSION_CACHE: str | None = None  # the folder this process made (and removes)
_SESSION_VARIABLE = "HDS_IAC_TEST_SESSION_CACHE"


def pytest_configure(config: pytest.Config) -> None:
    """A user cache folder of this test process alone, for it and every child it starts.

    hds-iac keeps files in the user cache (`$XDG_CACHE_HOME/hds-iac`: the checkov pointer
    `native.json`, the pre-commit hook's checkov venv, the parse cache): the tests must
    neither read a developer's cache nor write into it, and two pytest-xdist workers must
    not share one (one test's pointer would be another's surprise). pip keeps its own cache
    where it was (the packaging test installs from it). A developer's HDS_IAC_CACHE_DIR is
    dropped; the session fixture `_own_parse_cache` sets one of the session's."""
    global _SESSION_CACHE
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    session = os.environ.get(_SESSION_VARIABLE)
    if worker and session and os.path.isdir(session):
        # A worker: a folder of its own inside the session's, which the controller removes
        # (a worker's own unconfigure may not run to the end).
        cache = os.path.join(session, worker)
        os.makedirs(cache, exist_ok=True)
    else:
        previous = os.environ.get("XDG_CACHE_HOME") or os.path.join(
            os.path.expanduser("~"), ".cache")
        os.environ.setdefault("PIP_CACHE_DIR", os.path.join(previous, "pip"))
        cache = _SESSION_CACHE = tempfile.mkdtemp(prefix="hds-iac-test-cache-")
        os.environ[_SESSION_VARIABLE] = cache
    os.environ["XDG_CACHE_HOME"] = cache
    os.environ.pop("HDS_IAC_CACHE_DIR", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_CACHE:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


# The modules that take longest (a real checkov, pre-commit, pip, moto_server or Prism
# behind them), longest first: under pytest-xdist (`-n 2 --dist loadfile
# --no-loadscope-reorder`, the command of .ci/run) they are handed out first, so that the
# workers end together instead of one of them starting the packaging test at the end.
# Measured with `--durations=0`; a module left out only runs later, nothing else changes.
SLOWEST_FIRST = (
    "test_live_outscale.py", "test_live_aws.py", "test_live_aws_org.py",
    "test_live_aws_logging.py", "test_precommit.py", "test_checkov.py", "test_packaging.py",
    "test_live_aws_vpn_backup.py", "test_live_aws_benchmark.py", "test_history_live.py",
    "test_drift_aws.py", "test_fuzz.py", "test_consistency.py", "test_drift_outscale.py",
    "test_report_filing_live.py", "test_tfparse_oracle.py", "test_report_html.py",
    "test_corpus.py", "test_hcl_folders.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist only: the slowest modules first (a stable sort: every module keeps
    its own order of tests, and a plain `pytest` run keeps the usual order)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli_process(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `hds-iac` in a subprocess (the installed console entry point's module)."""
    proc = subprocess.run(
        [sys.executable, "-m", "hds_iac.cli", *args],
        cwd=cwd or REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def _stream(errors: str) -> io.TextIOWrapper:
    """A standard stream as a child process with its output piped gets it (UTF-8 under the
    C.UTF-8 locale the suite runs in; not a terminal)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)


def _read_back(stream: io.TextIOWrapper) -> str:
    """What `subprocess.run(..., text=True)` would read from that stream: decoded, with
    universal newlines ("\\r\\n" and "\\r" become "\\n")."""
    stream.flush()
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None).read()


def _forget_per_process_state() -> None:
    """What a new process would not have: caches keyed by paths or by the environment (the
    same path may hold another folder, git repository or file in the next call)."""
    from hds_iac import checkov_support, repository
    from hds_iac.terraform.hcl import files, parse_cache

    files._PARSE_CACHE.clear()
    parse_cache.forget()
    repository._top.cache_clear()
    repository._real_folder.cache_clear()
    checkov_support._CACHE.clear()


@contextlib.contextmanager
def _process_like(cwd: Path, env: dict | None):
    """The working directory, environment, logging and standard streams of one call,
    restored afterwards."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    loggers = {name: (lg.level, list(lg.handlers), lg.propagate)
               for name, lg in logging.Logger.manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    root = logging.getLogger()
    root_state = (root.level, list(root.handlers))
    out, err = _stream("surrogateescape"), _stream("backslashreplace")
    saved_streams = sys.stdout, sys.stderr, sys.argv
    try:
        os.environ.update(env or {})
        os.chdir(cwd)
        sys.stdout, sys.stderr = out, err
        sys.argv = [sys.executable, "-m", "hds_iac.cli"]
        _forget_per_process_state()
        yield out, err
    finally:
        sys.stdout, sys.stderr, sys.argv = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for name, lg in logging.Logger.manager.loggerDict.items():
            if not isinstance(lg, logging.Logger):
                continue
            level, handlers, propagate = loggers.get(name, (logging.NOTSET, [], True))
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate = propagate
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `hds-iac ARGS` and return its exit status, stdout and stderr (see the module
    docstring: in this process, unless the command must have one of its own)."""
    if os.environ.get("HDS_IAC_TEST_SUBPROCESS") == "1" or args[:1] and \
            args[0] in _SUBPROCESS_COMMANDS:
        return run_cli_process(*args, cwd=cwd, env=env)
    from hds_iac import cli

    with _process_like(cwd or REPO, env) as (out, err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse: --help, usage errors
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 - what the interpreter does with an uncaught one
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
    return Run(code, _read_back(out), _read_back(err))


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session", autouse=True)
def _own_parse_cache(tmp_path_factory):
    """The cache of parsed HCL files in a folder of this test session (of this worker,
    under pytest-xdist): tests never read a developer's cache, nor each other's sessions.
    Every command the tests run, in this process or in a subprocess, inherits it."""
    saved = os.environ.get("HDS_IAC_CACHE_DIR")
    os.environ["HDS_IAC_CACHE_DIR"] = str(tmp_path_factory.mktemp("hds-iac-cache"))
    yield
    if saved is None:
        os.environ.pop("HDS_IAC_CACHE_DIR", None)
    else:
        os.environ["HDS_IAC_CACHE_DIR"] = saved
