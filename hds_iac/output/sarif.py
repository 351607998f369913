"""SARIF 2.1.0, the format GitHub code scanning and most CI dashboards ingest.

Only what needs attention becomes a result: failures (level from the rule's severity) and
unknowns (kind "review": a human must look, we could not decide). Passing findings are
summarised in the run properties, not listed, so that dashboards show actionable alerts.
"""
from __future__ import annotations

import hashlib
import json

from hds_iac import __version__, catalogue
from hds_iac.engine import Finding
from hds_iac.escaping import for_json
from hds_iac.output.links import PROJECT_URL as INFO_URI, rule_url
from hds_iac.scan import ScanResult, summarize

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
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


def _result(f: Finding, index: int, lang: str) -> dict:
    origin = f.resource.origin
    location: dict = {"logicalLocations": [{"fullyQualifiedName": f.resource.address,
                                            "kind": "resource"}]}
    if origin.file:
        physical: dict = {"artifactLocation": {"uri": origin.file}}
        if origin.line:
            physical["region"] = {"startLine": origin.line}
        location["physicalLocation"] = physical
    fingerprint = hashlib.sha256(
        f"{f.rule_id}|{f.resource.address}".encode("utf-8", "surrogatepass")).hexdigest()
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": _LEVEL[f.severity] if f.status == "fail" else "note",
        "kind": "fail" if f.status == "fail" else "review",
        "message": {"text": f"{f.resource.address}: {f.message(lang)}"},
        "locations": [location],
        "partialFingerprints": {"hdsIacFinding/v1": fingerprint},
    }
    if f.suppression:
        result["kind"] = "fail" if f.verdict.status == "fail" else "review"
        result["level"] = _LEVEL[f.severity] if f.verdict.status == "fail" else "note"
        result["suppressions"] = [{
            "kind": "external" if f.suppression.by == "baseline" else "inSource",
            "justification": f.suppression.reason}]
    return result


def render(result: ScanResult, lang: str = "en", rules_url: str | None = None) -> str:
    metas = list(catalogue.load())
    index = {m.id: i for i, m in enumerate(metas)}
    results = [_result(f, index[f.rule_id], lang) for f in result.findings
               if f.verdict.status in ("fail", "unknown")]
    notifications = [{"level": "error", "message": {"text": f"{e.path}: {e.message}"}}
                     for e in result.errors]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "hds-iac", "version": __version__,
                                "informationUri": INFO_URI,
                                "rules": [_rule_descriptor(m, lang, rules_url)
                                          for m in metas]}},
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
            "properties": {"summary": summarize(result)},
        }],
    }
    return json.dumps(for_json(doc), indent=2, ensure_ascii=False) + "\n"
