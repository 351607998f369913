"""Several JSON scan results (`hds-iac scan -o json`, `hds-iac live aws|outscale -o json`)
into one view: every finding keeps the result it came from.

Findings are not de-duplicated: the same resource judged from its code, its plan and the
live account is three pieces of evidence, and an auditor wants to see all three.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Iterable

from hds_iac import catalogue, json_contract, provider_registry
from hds_iac.terraform.limits import MAX_JSON_FILE_BYTES, size_text

SUPPORTED_VERSIONS = json_contract.READABLE
STATUSES = ("pass", "fail", "unknown", "skipped")


class MergeError(ValueError):
    """A result file cannot be used: unreadable, not JSON, not an hds-iac result."""


@dataclass
class Source:
    """One merged result file."""

    name: str  # the file as given on the command line
    kinds: list[str]  # input kinds inside it: hcl, plan, state, aws, outscale
    inputs: list[dict]
    findings: int
    resources: int
    tool_version: str
    message_lang: str | None  # language the scan wrote its messages in, when recognisable
    # Evidence for auditors (None / empty in results of older hds-iac versions): where the
    # result comes from, the scope its configuration declares, its waivers, and the
    # SHA-256 of the result file itself.
    provenance: dict | None = None
    scope: dict | None = None
    exceptions: list[dict] = field(default_factory=list)
    sha256: str | None = None
    # the countries the scan allowed for storage (empty: not recorded, i.e. the EEA)
    allowed_countries: list[str] = field(default_factory=list)


@dataclass
class Merged:
    sources: list[Source] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # finding dicts + "source": index
    errors: list[dict] = field(default_factory=list)  # {"path", "message", "source"}
    notices: list[dict] = field(default_factory=list)
    unread: list[dict] = field(default_factory=list)  # result files that could not be used

    def providers(self) -> dict[str, set[str]]:
        """Provider -> regions seen, from the findings and the live inputs."""
        found: dict[str, set[str]] = {}
        for f in self.findings:
            res = f.get("resource") or {}
            if res.get("provider"):
                regions = found.setdefault(res["provider"], set())
                if res.get("region"):
                    regions.add(res["region"])
        for src in self.sources:
            for entry in src.inputs:
                if entry.get("kind") in provider_registry.IDS:
                    regions = found.setdefault(entry["kind"], set())
                    if entry.get("region"):
                        regions.add(entry["region"])
                    regions.update(r for r in entry.get("regions") or () if isinstance(r, str))
        return found


def _message_lang(findings: list[dict]) -> str | None:
    """The scan's language, from the finding titles (the catalogue has both)."""
    cat = catalogue.load()
    for f in findings:
        meta = cat.rules.get(f.get("rule_id", ""))
        if meta is None:
            continue
        if f.get("title") == meta.title.fr:
            return "fr"
        if f.get("title") == meta.title.en:
            return "en"
    return None


def _allowed(doc: dict) -> list[str]:
    settings = doc.get("settings")
    raw = settings.get("allowed_countries") if isinstance(settings, dict) else None
    if not isinstance(raw, list):
        return []
    return sorted({c.strip().upper() for c in raw if isinstance(c, str) and c.strip()})[:300]


def _check(doc: object, name: str) -> dict:
    if not isinstance(doc, dict) or "findings" not in doc or "version" not in doc:
        raise MergeError(f"{name}: not an hds-iac JSON result (write one with"
                         " `hds-iac scan -o json` or `hds-iac live ... -o json`)")
    if doc["version"] not in SUPPORTED_VERSIONS:
        raise MergeError(f"{name}: JSON result version {doc['version']!r} is not supported"
                         f" (this hds-iac reads version {', '.join(map(str, SUPPORTED_VERSIONS))})")
    if not isinstance(doc["findings"], list):
        raise MergeError(f"{name}: 'findings' is not a list")
    for i, f in enumerate(doc["findings"]):
        if not isinstance(f, dict) or f.get("status") not in STATUSES or not f.get("rule_id"):
            raise MergeError(f"{name}: finding {i} has no rule_id or an unknown status")
    # Version 2 keeps the rules' texts once: every finding gets its own again.
    return json_contract.expand(doc)


def _mapping(value: object) -> dict | None:
    return value if isinstance(value, dict) else None


def add(merged: Merged, name: str, doc: dict, sha256: str | None = None) -> None:
    """Add one parsed JSON result to the merged view (`sha256`: of the result file)."""
    doc = _check(doc, name)
    index = len(merged.sources)
    inputs = [i for i in doc.get("inputs") or [] if isinstance(i, dict)]
    kinds = sorted({str(i.get("kind")) for i in inputs if i.get("kind")})
    summary = doc.get("summary") or {}
    merged.sources.append(Source(
        name=name, kinds=kinds, inputs=inputs, findings=len(doc["findings"]),
        resources=int(summary.get("resources") or sum(int(i.get("resources") or 0)
                                                       for i in inputs)),
        tool_version=str((doc.get("tool") or {}).get("version", "")),
        message_lang=_message_lang(doc["findings"]),
        provenance=_mapping(doc.get("provenance")), scope=_mapping(doc.get("scope")),
        exceptions=[x for x in doc.get("exceptions") or [] if isinstance(x, dict)]
        if isinstance(doc.get("exceptions"), list) else [],
        sha256=sha256,
        allowed_countries=_allowed(doc),
    ))
    for f in doc["findings"]:
        merged.findings.append({**f, "source": index})
    # Module calls a scan did not read make the report incomplete, as read errors do.
    for key, target in (("errors", merged.errors), ("modules_not_read", merged.errors),
                        ("notices", merged.notices)):
        for entry in doc.get(key) or []:
            if isinstance(entry, dict):
                target.append({"path": str(entry.get("path", "")),
                               "message": str(entry.get("message", "")), "source": index})


# A result file is read whole and parsed (about 10 bytes of memory per byte): the limit of
# plans and states, far above the largest real result (a 30,000-resource live scan writes
# about 150 MiB), refused before anything is read.
MAX_RESULT_BYTES = MAX_JSON_FILE_BYTES


def read_bounded(path: str) -> bytes:
    """The bytes of a result file, refused (MergeError naming it) when over
    MAX_RESULT_BYTES; `hds-iac report` and `hds-iac history import` read through here.
    The read itself stops at the limit, so a file that grows or a device (/dev/zero)
    costs no more."""
    try:
        size = os.path.getsize(path)
        if size <= MAX_RESULT_BYTES:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_RESULT_BYTES + 1)
            size = len(raw)
    except OSError as exc:
        raise MergeError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_RESULT_BYTES:
        raise MergeError(f"{path}: {size_text(size)}{' or more' if size == MAX_RESULT_BYTES + 1 else ''}"
                         f" is over the limit of {size_text(MAX_RESULT_BYTES)} for a result"
                         " file: not read")
    return raw


def parse(name: str, raw: bytes) -> dict:
    """A checked JSON result from its bytes (MergeError naming `name` otherwise)."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MergeError(f"{name}: not UTF-8 text") from None
    except RecursionError:
        raise MergeError(f"{name}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise MergeError(f"{name}: not JSON ({exc.msg}, line {exc.lineno})") from None
    return _check(doc, name)


def load(paths: Iterable[str]) -> Merged:
    """Read every result file; one that cannot be used is recorded in `unread`, the others
    are still merged."""
    merged = Merged()
    for path in paths:
        try:
            raw = read_bounded(path)
            add(merged, path, parse(path, raw), hashlib.sha256(raw).hexdigest())
        except MergeError as exc:
            merged.unread.append({"path": path, "message": str(exc).removeprefix(f"{path}: ")})
    return merged
