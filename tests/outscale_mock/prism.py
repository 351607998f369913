"""Prism (npm `@stoplight/prism-cli`) serving the official spec with a scenario as examples.

Prism validates each request against the spec (path, security header, body schema) and, in
static mode, answers with the operation's first example. `write_spec` copies the SDK's spec
with each Read* operation's 200 example replaced by the scenario's answer, and its paths
moved under `/api/v1` (the real endpoint's base path, which Prism does not take from
`servers`). The copy is written at test time: it is generated bulk, never committed.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from . import spec as spec_mod
from .server import ANSWER_KEYS

REPO = Path(__file__).resolve().parents[2]


def find() -> str | None:
    """The prism executable: HDS_IAC_PRISM, the repository's node_modules, or PATH."""
    for candidate in (os.environ.get("HDS_IAC_PRISM"),
                      str(REPO / "node_modules" / ".bin" / "prism")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("prism")


def write_spec(path: Path, region_data: dict[str, Any]) -> Path:
    spec = copy.deepcopy(spec_mod.load())
    for action, key in ANSWER_KEYS.items():
        operation = spec["paths"][f"/{action}"]["post"]
        content = operation["responses"]["200"]["content"]["application/json"]
        got = region_data.get(action)
        if action == "ReadApiAccessPolicy":
            value = got or {}
        else:
            value = [{k: v for k, v in item.items() if not k.startswith("_")}
                     for item in got or []]
        answer: dict[str, Any] = {key: value, "ResponseContext": {"RequestId": "prism-scenario"}}
        if action == "ReadUsers":
            answer["HasMoreItems"] = False
        content["examples"] = {"scenario": {"value": answer}}
    spec["paths"] = {f"/api/v1{p}": v for p, v in spec["paths"].items()}
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Prism:
    def __init__(self, executable: str, spec: Path, log: Path):
        self.port = free_port()
        self.log_path = log
        self._log = open(log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [executable, "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port), str(spec)],
            stdout=self._log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/api/v1"

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prism exited: {self.log()}")
            if "Prism is listening" in self.log():
                return
            time.sleep(0.1)
        raise RuntimeError(f"prism did not start in {timeout} s: {self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()
