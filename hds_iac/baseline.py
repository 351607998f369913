"""Baselines: adopt hds-iac on an existing estate and gate only what is new.

`--create-baseline FILE` records today's failures; `--baseline FILE` waives exactly those
(reported as skipped "in baseline", never hidden) so the gate fails only on new ones.
A failure is identified by rule and Terraform address, not by line: editing a file above a
resource must not resurrect its baselined finding.
"""
from __future__ import annotations

import json
from pathlib import Path

from hds_iac.engine import Finding

FORMAT_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names it."""


def write(findings: list[Finding], path: str) -> int:
    entries = sorted({(f.rule_id, f.resource.address) for f in findings
                      if f.verdict.status == "fail"})
    doc = {"version": FORMAT_VERSION, "tool": "hds-iac",
           "failures": [{"rule_id": r, "address": a} for r, a in entries]}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read(path: str) -> set[tuple[str, str]]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except ValueError:
        raise BaselineError(f"{path}: the baseline is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("tool") != "hds-iac" or not isinstance(
            doc.get("failures"), list):
        raise BaselineError(f"{path}: not an hds-iac baseline (create one with --create-baseline)")
    try:
        return {(e["rule_id"], e["address"]) for e in doc["failures"]}
    except (TypeError, KeyError):
        raise BaselineError(f"{path}: malformed baseline entry") from None
