"""The JSON result contract (`hds-iac scan|live ... -o json`): its versions, and how a
reader gets the same finding objects from any of them.

Version 2 (hds-iac writes it since issue 11) keeps each rule's shared texts once, in a
top-level `rules` object, instead of repeating them in every finding (a 5,000-resource
plan gave 17,500 findings and 26 MB, two thirds of the scan's time spent encoding them):

    "rules": {"HDS-ENC-001": {"title": "...",
                              "references": {"hds": [...], "iso27001": [...], "secnumcloud": [...]},
                              "remediation": {"aws": "...", "outscale": "..."},
                              "matrix": {"aws": [{duty}, ...]}}}

A finding keeps `rule_id`, `topic`, `status`, `severity`, `message`, `resource` and the
rest; its `title`, `references` (with `references.matrix`: the duties of the finding's
provider) and `remediation` (its provider's) are in `rules[rule_id]`. The file is written
compact (no indentation). Version 1 carried them in every finding; `expand` gives a reader
version 1's finding objects from either version, so the readers in this repository (report
merge, history import, checkov's native answers) read both.
"""
from __future__ import annotations

from typing import Any

VERSION = 2
READABLE = (1, 2)
# What version 2 moves from the findings to `rules[rule_id]`.
SHARED = ("title", "references", "remediation")


def expand(doc: dict) -> dict:
    """`doc` with every finding carrying its rule's texts as in version 1 (a version 1
    document, or anything not shaped like version 2, is returned as it is). A rule the
    `rules` object does not describe leaves its findings without those keys."""
    if not isinstance(doc, dict) or doc.get("version") != 2:
        return doc
    rules = doc.get("rules")
    findings = doc.get("findings")
    if not isinstance(rules, dict) or not isinstance(findings, list):
        return doc
    out = []
    for finding in findings:
        rule = rules.get(finding.get("rule_id")) if isinstance(finding, dict) else None
        if not isinstance(rule, dict):
            out.append(finding)
            continue
        provider = (finding.get("resource") or {}).get("provider") \
            if isinstance(finding.get("resource"), dict) else None
        out.append({**finding, **_shared(rule, provider)})
    return {**doc, "findings": out}


def _shared(rule: dict, provider: Any) -> dict:
    """One finding's version 1 texts from its rule's entry."""
    shared: dict = {}
    if "title" in rule:
        shared["title"] = rule["title"]
    references = rule.get("references")
    matrix = rule.get("matrix")
    if isinstance(references, dict):
        duties = matrix.get(provider) if isinstance(matrix, dict) else None
        shared["references"] = {**references,
                                "matrix": duties if isinstance(duties, list) else []}
    remediation = rule.get("remediation")
    if isinstance(remediation, dict):
        shared["remediation"] = remediation.get(provider, "")
    return shared
