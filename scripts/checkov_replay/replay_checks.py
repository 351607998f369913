"""The benchmark's reference for checkov's own cost of our results (issue 15, "Measure").

checkov spends time on every result a check gives, whoever computes it: its filter of
which checks run, a Record per result (UNKNOWN included), the censoring of secret values,
the JSON of failed records. To tell that cost from ours, `scripts/benchmark.py` runs
checkov a third way: with checks that have our ids, names, resource types and severities
and give, on the same input, the very results our checks gave (status, evaluated keys,
details, waiver comment), replayed from a table, doing no work at all: no native scan, no
hds-iac import in checkov's process. Then

    checkov + our checks  -  checkov + replayed results  =  what is ours.

One file, two modes, chosen by the environment when checkov loads it (this folder is
given to checkov with `--external-checks-dir`; checkov imports every .py file in it):

- HDS_IAC_REPLAY_RECORD=PATH: load our real checks (checks/hds_iac_checkov_checks.py)
  and record every result they give into PATH (one JSON line per checkov process, at
  exit) with the checks' metadata; this run is untimed.
- HDS_IAC_REPLAY_TABLE=PATH: register replay checks built from that table.

Neither set: nothing is registered (importing this module for its table helpers, as the
tests do, imports no checkov). A result is keyed by (check id, the file checkov names,
resource type, resource name, resource address): the same resource checked twice (a
module called twice) replays its results in the recorded order.
"""
from __future__ import annotations

import atexit
import json
import os
import sys
from collections import deque
from typing import Any, Iterable

Key = tuple  # (check id, scanned file, entity type, entity name, address or None)


def key_of(check_id: str, scanned_file: str, entity_type: str, entity_name: str,
           conf: Any) -> Key:
    address = conf.get("__address__") if isinstance(conf, dict) else None
    return (check_id, str(scanned_file), str(entity_type), str(entity_name),
            address if isinstance(address, str) else None)


def result_of(check_result: dict, details: Iterable[str]) -> dict:
    """What a check's answer carries into checkov's Record, as JSON."""
    result = check_result.get("result")
    out = {"result": getattr(result, "name", str(result)),
           "evaluated_keys": list(check_result.get("evaluated_keys") or []),
           "details": list(details or [])}
    if "suppress_comment" in check_result:
        out["suppress_comment"] = check_result["suppress_comment"]
    return out


def dump(path: str, specs: list[dict], results: list[tuple[Key, dict]]) -> None:
    """Append one process's table to `path` (one JSON line: checkov's parallel runners
    are processes of their own)."""
    line = json.dumps({"checks": specs, "results": [[list(k), r] for k, r in results]})
    with open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def load(path: str) -> tuple[list[dict], dict[Key, deque]]:
    """(the checks' metadata, key -> the results in the order they were given) of every
    process that recorded into `path`."""
    specs: dict[str, dict] = {}
    table: dict[Key, deque] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            part = json.loads(line)
            for spec in part["checks"]:
                specs.setdefault(spec["id"], spec)
            for key, result in part["results"]:
                table.setdefault(tuple(key), deque()).append(result)
    return list(specs.values()), table


def answer(table: dict[Key, deque], key: Key) -> dict | None:
    """The next recorded result of `key` (the last one stays, should checkov ask again);
    None when the table has none."""
    results = table.get(key)
    if not results:
        return None
    return results.popleft() if len(results) > 1 else results[0]


def _spec(check: Any) -> dict:
    return {"id": check.id, "name": check.name,
            "supported_resources": list(check.supported_resources),
            "categories": [c.name for c in check.categories],
            "severity": check.severity.name if check.severity else None,
            "guideline": check.guideline}


def _record(path: str) -> None:
    """Load our real checks and record what they answer."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.join(os.path.dirname(os.path.dirname(here)), "checks",
                          "hds_iac_checkov_checks.py")
    module = sys.modules.get("hds_iac_checkov_checks")
    if module is None:
        spec = importlib.util.spec_from_file_location("hds_iac_checkov_checks", source)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["hds_iac_checkov_checks"] = module
        spec.loader.exec_module(module)
    results: list[tuple[Key, dict]] = []
    # checkov may execute this file once per runner: each check is wrapped once.
    checks = [c for c in module.CHECKS if not getattr(c, "_replay_recorded", False)]

    def wrap(check: Any) -> None:
        run = check.run

        def recorded(scanned_file, entity_configuration, entity_name, entity_type,
                     skip_info):
            got = run(scanned_file=scanned_file, entity_configuration=entity_configuration,
                      entity_name=entity_name, entity_type=entity_type, skip_info=skip_info)
            results.append((key_of(check.id, scanned_file, entity_type, entity_name,
                                   entity_configuration), result_of(got, check.details)))
            return got

        check.run = recorded
        check._replay_recorded = True

    for check in checks:
        wrap(check)
    pid = os.getpid()

    def write() -> None:
        if os.getpid() == pid and checks:
            dump(path, [_spec(c) for c in checks], results)
            checks.clear()  # once, whichever exit hook runs first

    from multiprocessing import util

    atexit.register(write)
    util.Finalize(None, write, exitpriority=100)


def _replay(path: str) -> list:
    """Replay checks from the table at `path`, registered in checkov's resource registry."""
    from checkov.common.bridgecrew.severities import Severities
    from checkov.common.models.enums import CheckCategories, CheckResult
    from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
    from checkov.terraform.checks.resource.registry import resource_registry

    specs, table = load(path)
    # checkov may execute this file once per runner: each id is registered once.
    known = {c.id for checks in resource_registry.checks.values() for c in checks}
    specs = [s for s in specs if s["id"] not in known]
    missed = [0]

    class ReplayCheck(BaseResourceCheck):
        def __init__(self, spec: dict) -> None:
            super().__init__(name=spec["name"], id=spec["id"],
                             categories=[CheckCategories[c] for c in spec["categories"]],
                             supported_resources=spec["supported_resources"],
                             guideline=spec["guideline"])
            self.severity = Severities[spec["severity"]] if spec["severity"] else None

        def run(self, scanned_file, entity_configuration, entity_name, entity_type,
                skip_info):  # type: ignore[override]
            got = answer(table, key_of(self.id, scanned_file, entity_type, entity_name,
                                       entity_configuration))
            if got is None:
                missed[0] += 1
                self.details = []
                return {"result": CheckResult.UNKNOWN, "evaluated_keys": []}
            self.details = list(got["details"])
            out = {"result": CheckResult[got["result"]],
                   "evaluated_keys": list(got["evaluated_keys"])}
            if "suppress_comment" in got:
                out["suppress_comment"] = got["suppress_comment"]
            return out

        def scan_resource_conf(self, conf):  # type: ignore[override]
            return CheckResult.UNKNOWN  # never called: `run` answers

    def say_missed() -> None:
        if missed[0]:
            print(f"replay_checks: {missed[0]} results not in the table {path}",
                  file=sys.stderr, flush=True)

    atexit.register(say_missed)
    return [ReplayCheck(spec) for spec in specs]


if os.environ.get("HDS_IAC_REPLAY_RECORD"):
    _record(os.environ["HDS_IAC_REPLAY_RECORD"])
elif os.environ.get("HDS_IAC_REPLAY_TABLE"):
    CHECKS = _replay(os.environ["HDS_IAC_REPLAY_TABLE"])
