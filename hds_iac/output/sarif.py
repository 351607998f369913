"""SARIF 2.1.0, the format GitHub code scanning and most CI dashboards ingest.

Only what needs attention becomes a result: failures (level from the rule's severity) and
unknowns (kind "review": a human must look, we could not decide). Passing findings are
summarised in the run properties, not listed, so that dashboards show actionable alerts.
"""
from __future__ import annotations

import hashlib
import os
from typing import Iterator
from urllib.parse import quote

from hds_iac import __version__, catalogue
from hds_iac.engine import Finding
from hds_iac.escaping import encodable
from hds_iac.output import completeness
from hds_iac.output.json_findings import attribute_dict
from hds_iac.output.json_stream import Items, chunks as json_chunks
from hds_iac.output.links import PROJECT_URL as INFO_URI, rule_url
from hds_iac.scan import ScanResult, summarize

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub maps security-severity to critical (>= 9), high (>= 7), medium (>= 4), low.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def _rule_descriptor(meta, lang: str, rules_url: str | None) -> dict:
    refs = meta.references
    help_text = (f"{meta.rationale.get(lang)}\n\n{meta.remediation.get(lang)}\n\n"
                 f"HDS: {', '.join(refs.hds)}; ISO 27001:2022: {', '.join(refs.iso27001)}; "
                 f"SecNumCloud 3.2: {', '.join(refs.secnumcloud)}")
    return {
        "id": meta.id,
        "name": meta.id.replace("-", ""),
        "shortDescription": {"text": meta.title.get(lang)},
        "fullDescription": {"text": " ".join(meta.rationale.get(lang).split())},
        "help": {"text": help_text},
        "helpUri": rule_url(meta.id, rules_url),
        "defaultConfiguration": {"level": _LEVEL[meta.severity]},
        "properties": {
            "tags": ["security", "compliance", "HDS", meta.topic, *refs.hds],
            "security-severity": _SECURITY_SEVERITY[meta.severity],
            "precision": "high",
        },
    }


def _uri(path: str) -> str:
    """A file name as a URI reference: percent-encoded, "/" kept."""
    try:
        raw: str | bytes = os.fsencode(path)  # the file's own bytes, when not UTF-8
    except UnicodeEncodeError:
        raw = encodable(path)
    return quote(raw, safe="/")


def _artifact(file: str) -> dict:
    """File names are relative to the repository root (`repository`): a relative URI
    from %SRCROOT%, which GitHub code scanning resolves from the root of the checkout; a
    file outside the repository keeps its absolute `file://` URI, with no base id."""
    if os.path.isabs(file):
        return {"uri": "file://" + _uri(file)}
    return {"uri": _uri(file), "uriBaseId": SRCROOT}


def _result(f: Finding, index: int, lang: str) -> dict:
    origin = f.resource.origin
    location: dict = {"logicalLocations": [{"fullyQualifiedName": f.resource.address,
                                            "kind": "resource"}]}
    if origin.file:
        # The deciding attribute's file and line (another resource's when it holds the
        # value), else the resource's first line.
        line, file = f.line, f.file or origin.file
        physical: dict = {"artifactLocation": _artifact(file)}
        if line:
            physical["region"] = {"startLine": line}
        if origin.line and file == origin.file:
            # The whole resource block, so that a viewer can show the attribute in it.
            context = {"startLine": origin.line}
            if origin.end_line and origin.end_line >= origin.line:
                context["endLine"] = origin.end_line
            if line != origin.line or "endLine" in context:
                physical["contextRegion"] = context
        location["physicalLocation"] = physical
    fingerprint = hashlib.sha256(
        f"{f.rule_id}|{f.resource.address}".encode("utf-8", "surrogatepass")).hexdigest()
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": _LEVEL[f.severity] if f.status == "fail" else "note",
        "kind": "fail" if f.status == "fail" else "review",
        "message": {"text": f"{f.resource.address}{f.attribute_note(lang)}: {f.message(lang)}"},
        "locations": [location],
        "partialFingerprints": {"hdsIacFinding/v1": fingerprint},
    }
    properties: dict = {}
    if f.account:  # live scans of several accounts: which one (SARIF property bag)
        properties["account"] = f.account
    if f.attributes:  # the deciding attributes, with their lines (plans: paths only)
        properties["attributes"] = [attribute_dict(a) for a in f.attributes]
    if properties:
        result["properties"] = properties
    if f.suppression:
        result["kind"] = "fail" if f.verdict.status == "fail" else "review"
        result["level"] = _LEVEL[f.severity] if f.verdict.status == "fail" else "note"
        result["suppressions"] = [{
            "kind": "external" if f.suppression.by == "baseline" else "inSource",
            "justification": f.suppression.reason}]
    return result


def render(result: ScanResult, lang: str = "en", rules_url: str | None = None) -> str:
    return "".join(chunks(result, lang, rules_url))


def chunks(result: ScanResult, lang: str = "en", rules_url: str | None = None) -> Iterator[str]:
    """The log in pieces, one result at a time (json_stream)."""
    metas = list(catalogue.load())
    index = {m.id: i for i, m in enumerate(metas)}
    results = Items(_result(f, index[f.rule_id], lang) for f in result.findings
                    if f.verdict.status in ("fail", "unknown"))
    unread_level = "warning" if result.missing_modules_allowed_by else "error"
    notifications = [{"level": "error", "message": {"text": f"{e.path}: {e.message}"}}
                     for e in result.errors]
    notifications += [{"level": unread_level, "message": {"text": f"{m.path}: {m.message}"}}
                      for m in result.unread_modules]
    notifications += [{"level": "note" if line == completeness.config_line(result, lang)
                       else "warning", "message": {"text": line}}
                      for line in completeness.statements(result, lang)]
    run_base = {}
    if result.display_base:
        root = _uri(os.path.abspath(result.display_base).rstrip("/") + "/")
        run_base = {"originalUriBaseIds": {SRCROOT: {"uri": "file://" + root}}}
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "hds-iac", "version": __version__,
                                "informationUri": INFO_URI,
                                "rules": [_rule_descriptor(m, lang, rules_url)
                                          for m in metas]}},
            "invocations": [{"executionSuccessful": not result.errors and (
                                 not result.unread_modules
                                 or bool(result.missing_modules_allowed_by)),
                             "toolExecutionNotifications": notifications}],
            "results": results,
            **run_base,
            "properties": {"summary": summarize(result), "config_file": result.config_file},
        }],
    }
    yield from json_chunks(doc)
    yield "\n"
