"""JSON results (the `-o json` contract) into a run of the history store.

One path for every way in: `scan`/`live --store` record the JSON result of the run they
just made, and `history import` records result files written elsewhere (shards of one
scan, several machines) merged into one run. So a run recorded directly and the same run
imported later get the same scope and the same finding identities.

- **Scope**: what the run covered, so that runs of the same thing are compared: the
  Terraform inputs (root folders, plan and state files, relative to the repository root)
  and the live accounts with their regions, merged over the files; `--history-scope NAME`
  names it instead.
- **Identity** of a finding: rule, input (as above) and address (Terraform address, or
  cloud id / ARN).
- **Complete**: no read error and no module call left unread in any file, and, when the
  files say they are shards, every shard present. Only a complete run can mark a
  finding fixed.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

from hds_iac import provider_registry
from hds_iac.history.store import (MAX_RUN_FINDINGS, NewRun, Observation, Observed, Run,
                                   STATUSES, Store, parse_time, utc)
from hds_iac.report.merge import STATUSES as SHOWN_STATUSES, MergeError, parse, read_bounded

LIVE_KINDS = provider_registry.IDS  # a live input is named by its provider
MAX_SCOPE_CHARS = 400  # a longer scope is cut and ends with a hash of the whole
MAX_PROBLEMS = 1000  # error entries kept per run


class ResultError(ValueError):
    """A result file cannot be recorded; the message names it."""


@dataclass
class Result:
    """One JSON result: where it came from and the parsed document."""

    name: str
    doc: dict
    digest: str  # SHA-256 of the file's bytes (or of the rendered text)
    mtime: str | None = None  # the file's modification time, when read from a file


def read_result(path: str) -> Result:
    """A JSON result file, bounded in size and checked like `hds-iac report` checks it
    (the same reader: `merge.read_bounded`)."""
    try:
        raw = read_bounded(path)
        mtime = utc(datetime.fromtimestamp(os.path.getmtime(path), timezone.utc))
    except MergeError as exc:
        raise ResultError(str(exc)) from None
    except OSError as exc:
        raise ResultError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_result(path, raw, mtime)


def parse_result(name: str, raw: bytes, mtime: str | None = None) -> Result:
    try:
        doc = parse(name, raw)
    except MergeError as exc:
        raise ResultError(str(exc)) from None
    if len(doc["findings"]) > MAX_RUN_FINDINGS:
        raise ResultError(f"{name}: {len(doc['findings'])} findings is over the store's"
                          f" limit of {MAX_RUN_FINDINGS} per run")
    return Result(name, doc, hashlib.sha256(raw).hexdigest(), mtime)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def input_name(entry: dict) -> str:
    """An input entry's stable name: its `key` (relative to the repository root), else its
    path as written."""
    return _text(entry.get("key")) or _text(entry.get("path"))


def scope_of(results: list[Result]) -> str:
    """What the run covered: live accounts with their regions (merged over shards), then
    Terraform inputs, sorted."""
    live: dict[str, set[str]] = {}
    code: set[str] = set()
    for result in results:
        for entry in _list(result.doc.get("inputs")):
            if not isinstance(entry, dict):
                continue
            name = input_name(entry)
            if entry.get("kind") in LIVE_KINDS:
                regions = live.setdefault(name, set())
                regions.update(r for r in _list(entry.get("regions")) if isinstance(r, str))
                if isinstance(entry.get("region"), str):
                    regions.add(entry["region"])
            elif name:
                code.add(name)
    parts = [f"{name} [{','.join(sorted(regions))}]" if regions else name
             for name, regions in sorted(live.items())] + sorted(code)
    return bounded_scope("; ".join(parts) or "(no input)")


def bounded_scope(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_SCOPE_CHARS:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
    return f"{text[:MAX_SCOPE_CHARS - 30]}… sha256:{digest}"


def _verdict(finding: dict) -> str:
    """The verdict before any waiver: a skipped finding's JSON keeps it in
    `suppression.status`."""
    shown = finding["status"]
    if shown != "skipped":
        return shown
    status = _dict(finding.get("suppression")).get("status")
    return status if status in STATUSES else "unknown"


def observed(finding: dict, result_name: str) -> Observed:
    resource = _dict(finding.get("resource"))
    name = (_text(finding.get("input")) or _text(finding.get("account"))
            or _text(resource.get("account")) or result_name)
    address = _text(resource.get("address")) or _text(resource.get("cloud_id"))
    suppression = finding.get("suppression")
    return Observed(
        rule_id=str(finding["rule_id"]), input=name, address=address,
        status=_verdict(finding), shown=finding["status"], topic=_text(finding.get("topic")),
        severity=_text(finding.get("severity")),
        suppression=suppression if isinstance(suppression, dict) else None, doc=finding)


def _shards(results: list[Result]) -> str | None:
    """A problem with the shards the files say they are (`"shard": {"index", "count"}`),
    or None: all present, or no shard information."""
    seen: dict[int, set[int]] = {}
    for result in results:
        shard = _dict(result.doc.get("shard"))
        count, index = shard.get("count"), shard.get("index")
        if isinstance(count, int) and isinstance(index, int):
            seen.setdefault(count, set()).add(index)
    if not seen:
        return None
    if len(seen) > 1:
        return f"the files are shards of different splits ({', '.join(map(str, sorted(seen)))})"
    count, indexes = next(iter(seen.items()))
    if len(indexes) < count or len([r for r in results if r.doc.get("shard")]) < len(results):
        return f"{len(indexes)} of {count} shards"
    return None


# The provenance entries that are catalogue data (package-relative names).
CATALOGUE_DATA = ("catalogue/", "rules/")


def catalogue_digest(results: list[Result] | None = None) -> str:
    """Which catalogue judged: SHA-256 over the hashes of its data files (the topic-level
    files of hds_iac/catalogue/ and each rule's file in hds_iac/rules/), from the results'
    provenance when they carry it, else of the catalogue installed here."""
    for result in results or ():
        bundled = _list(_dict(_dict(result.doc.get("provenance")).get("data")).get("bundled"))
        rows = sorted(f"{_text(e.get('file'))}={_text(e.get('sha256'))}" for e in bundled
                      if isinstance(e, dict) and _text(e.get("file")).startswith(CATALOGUE_DATA))
        if rows:
            return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    if results:
        return ""  # written elsewhere without provenance: not known
    rows = []
    for package in ("catalogue", "rules"):
        for entry in resources.files(f"hds_iac.{package}").iterdir():
            if entry.name.endswith(".toml"):
                rows.append(f"{package}/{entry.name}="
                            f"{hashlib.sha256(entry.read_bytes()).hexdigest()}")
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()[:16]


def _provenance_time(results: list[Result], key: str) -> list[str]:
    return [t for t in (parse_time(_dict(r.doc.get("provenance")).get(key)) for r in results)
            if t]


def to_run(results: list[Result], command: str, *, scope: str | None = None,
           started: str | None = None, uid: str | None = None,
           rules: list[str] | None = None, settings: dict | None = None,
           local_catalogue: bool = False) -> NewRun:
    """The run that merges `results` (one file, or the shards of one scan).

    `started`: when the run began (the caller's clock for a scan it just made); else the
    provenance of the files, else their modification time. `uid`: the run's unique id;
    else the files' provenance references, else their content hashes, so importing the
    same files twice records one run (unless `started` is given: the same files imported
    for another date are another run)."""
    findings = [observed(f, r.name) for r in results for f in r.doc["findings"]]
    problems: list[dict] = []
    for result in results:
        for key in ("errors", "modules_not_read"):
            for entry in _list(result.doc.get(key)):
                if isinstance(entry, dict) and len(problems) < MAX_PROBLEMS:
                    problems.append({"kind": key, "path": _text(entry.get("path")),
                                     "message": _text(entry.get("message")),
                                     "file": result.name})
    shard_problem = _shards(results)
    if shard_problem:
        problems.append({"kind": "shards", "path": "", "message": shard_problem, "file": ""})
    starts = _provenance_time(results, "started")
    ends = _provenance_time(results, "finished")
    explicit = started
    if started is None:
        started = min(starts) if starts else min(
            (r.mtime for r in results if r.mtime), default=None) or utc()
    references = sorted(_text(_dict(r.doc.get("provenance")).get("reference"))
                        for r in results)
    if uid is None:
        if all(references):
            # an explicit --started makes another run of the same files, as below
            uid = reference_uid(references) + (f"@{explicit}" if explicit else "")
        else:
            # the same files imported for another date are another run
            uid = "sha256:" + hashlib.sha256("\n".join(
                sorted(r.digest for r in results) + [explicit or ""]).encode()).hexdigest()
    if rules is None:
        lists = [_list(_dict(_dict(r.doc.get("provenance")).get("rules")).get("run"))
                 for r in results]
        if lists and all(lists):  # a rule counts as run only when every file ran it
            rules = sorted(set.intersection(*(set(map(str, x)) for x in lists)))
    versions = sorted({_text(_dict(r.doc.get("tool")).get("version")) for r in results})
    counts = {"findings": len(findings),
              "failed": sum(1 for f in findings if f.status == "fail"),
              "files": len(results)}
    exceptions = [e for r in results for e in _list(r.doc.get("exceptions"))
                  if isinstance(e, dict)][:MAX_PROBLEMS]
    prov_settings = next((_dict(_dict(r.doc.get("provenance")).get("settings"))
                          for r in results if _dict(r.doc.get("provenance")).get("settings")),
                         {})
    return NewRun(
        uid=uid, scope=bounded_scope(scope) if scope else scope_of(results), started=started,
        finished=max(ends) if ends else None, command=command,
        complete=not problems, findings=findings, tool_version=",".join(versions),
        catalogue=catalogue_digest(None if local_catalogue else results), rules=rules,
        settings=settings or prov_settings,
        inputs=[{**e, "file": r.name} for r in results for e in _list(r.doc.get("inputs"))
                if isinstance(e, dict)][:MAX_PROBLEMS],
        problems=problems, exceptions=exceptions, counts=counts)


def result_of(store: Store, run: Run) -> dict:
    """The JSON result (version 1) a recorded run stands for, rebuilt from the store, so
    that `hds-iac report --store` reads runs through the same contract as result files:
    its findings as recorded, its inputs, its problems as read errors (an incomplete run
    makes an incomplete report), its exceptions register and what provenance the store
    kept (when, which rules ran)."""
    errors, unread = [], []
    for problem in run.problems:
        if not isinstance(problem, dict):
            continue
        entry = {"path": _text(problem.get("path")) or _text(problem.get("file")) or run.scope,
                 "message": _text(problem.get("message"))}
        (unread if problem.get("kind") == "modules_not_read" else errors).append(entry)
    provenance: dict = {"reference": run.uid, "started": run.started,
                        "finished": run.finished, "recorded_in": store.path}
    if run.rules is not None:  # rules not run stay "not run" in the report
        ran = set(run.rules)
        provenance["rules"] = {"run": sorted(ran), "not_run": [
            {"id": rid, "by": "selection", "terms": [], "from": f"run {run.id} of the store"}
            for rid in sorted(catalogue_ids()) if rid not in ran]}
    allowed = run.settings.get("allowed_countries") if isinstance(run.settings, dict) else None
    return {
        "version": 1, "tool": {"name": "hds-iac", "version": run.tool_version},
        "inputs": [i for i in run.inputs if isinstance(i, dict)],
        "settings": {"allowed_countries": allowed if isinstance(allowed, list) else []},
        "findings": [_finding_of(obs) for obs in store.observations(run.id)
                     if obs.shown in SHOWN_STATUSES],
        "errors": errors, "notices": [], "modules_not_read": unread,
        "provenance": provenance,
        "exceptions": [x for x in run.exceptions if isinstance(x, dict)],
    }


def _finding_of(obs: Observation) -> dict:
    """The finding object of an observation: as recorded, or, for a pass (the store keeps
    only its identity, status and where its resource is), rebuilt from those."""
    if obs.doc.get("rule_id") and obs.doc.get("status") in SHOWN_STATUSES:
        return obs.doc
    resource = obs.doc.get("resource") if isinstance(obs.doc.get("resource"), dict) else {}
    return {"rule_id": obs.rule_id, "topic": obs.topic, "status": obs.shown,
            "severity": obs.severity, "message": "",
            "resource": {"address": obs.address, **resource}, "input": obs.input}


def catalogue_ids() -> list[str]:
    from hds_iac import catalogue

    return [meta.id for meta in catalogue.load()]


def reference_uid(references: list[str]) -> str:
    """The id of a run whose results carry provenance references."""
    return "ref:" + "+".join(sorted(references))


def new_uid() -> str:
    return f"run:{uuid.uuid4().hex}"
