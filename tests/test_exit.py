"""The `hds-iac` program's exit (`cli.console`, `cli.exit_now`): the process ends without
the interpreter freeing every object, and nothing anyone can see changes: the exit
status, every byte written to the standard streams, the `atexit` handlers; with another
thread still running, or a stream that cannot be flushed, the interpreter's own exit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run_cli, run_cli_process


def _python(code: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def test_exit_now_runs_the_atexit_handlers_then_flushes_the_streams() -> None:
    done = _python(
        "import atexit, sys\n"
        "from hds_iac.cli import exit_now\n"
        "atexit.register(lambda: print('handler', file=sys.stderr))\n"
        "atexit.register(lambda: sys.stdout.write(' at exit'))\n"
        "sys.stdout.write('buffered')\n"
        "exit_now(3)\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered at exit", "handler\n")


def test_exit_now_waits_for_a_running_thread_as_the_interpreter_does() -> None:
    done = _python(
        "import threading, time, sys\n"
        "from hds_iac.cli import exit_now\n"
        "def late():\n"
        "    time.sleep(0.2); sys.stdout.write('thread done')\n"
        "threading.Thread(target=late).start()\n"
        "exit_now(1)\n")
    assert (done.returncode, done.stdout) == (1, "thread done")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_stream_that_cannot_be_flushed_gets_the_interpreters_own_exit() -> None:
    def status(last: str) -> tuple[int, str]:
        with open("/dev/full", "w") as full:
            done = _python("import sys\nfrom hds_iac.cli import exit_now\n"
                           f"sys.stdout.write('x' * 10)\n{last}\n", stdout=full)
        return done.returncode, done.stderr.splitlines()[-1]

    assert status("exit_now(0)") == status("sys.exit(0)")
    assert status("exit_now(0)")[0] != 0  # the interpreter says the flush failed


def test_the_program_gives_what_main_gives(tmp_path: Path) -> None:
    plan = FIXTURES / "rules" / "HDS-ENC-002" / "aws-plan-fail" / "plan.json"
    for args in (["scan", str(plan), "-o", "cli"], ["scan", str(plan), "-o", "csv"],
                 ["scan", str(tmp_path / "missing")], ["rules"]):
        process, in_process = run_cli_process(*args), run_cli(*args)
        assert (process.code, process.stdout, process.stderr) == \
            (in_process.code, in_process.stdout, in_process.stderr), args


def test_only_the_program_keeps_the_scan_result_until_its_exit() -> None:
    from hds_iac import cli

    assert cli._kept_until_exit is None
    run_cli("scan", str(FIXTURES / "rules" / "HDS-ENC-002" / "aws-plan-fail" / "plan.json"),
            "-o", "json")
    assert cli._kept_until_exit is None
