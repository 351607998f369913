"""Baselines: adopt hds-iac on an existing estate and gate only what is new.

`--create-baseline FILE` records today's failures; `--baseline FILE` waives exactly those
(reported as skipped "in baseline", never hidden) so the gate fails only on new ones.
A failure is identified by rule and Terraform address, not by line: editing a file above a
resource must not resurrect its baselined finding.

Each entry may say why and until when (`"reason"`, `"until": "YYYY-MM-DD"`); hds-iac writes
when it was recorded and by whom (`"added"`, `"by"`). They go to the exceptions register of
the reports. An entry past its `until` date no longer waives anything: the failure counts
again, with a notice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hds_iac.engine import Finding
from hds_iac.suppressions import ExpiryError, parse_until, today

FORMAT_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names it."""


@dataclass(frozen=True)
class Entry:
    """What the exceptions register shows of one baseline entry."""

    reason: str = ""
    until: str | None = None  # checked YYYY-MM-DD
    added: str | None = None
    by: str | None = None


def _text(value: object, limit: int = 500) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return "".join(c for c in value if c.isprintable())[:limit]


def write(findings: list[Finding], path: str, by: str | None = None) -> int:
    entries = sorted({(f.rule_id, f.resource.address) for f in findings
                      if f.verdict.status == "fail"})
    stamp = {"added": today().isoformat(), **({"by": by} if by else {})}
    doc = {"version": FORMAT_VERSION, "tool": "hds-iac",
           "failures": [{"rule_id": r, "address": a, "reason": "", **stamp}
                        for r, a in entries]}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read(path: str) -> dict[tuple[str, str], Entry]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except ValueError:
        raise BaselineError(f"{path}: the baseline is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("tool") != "hds-iac" or not isinstance(
            doc.get("failures"), list):
        raise BaselineError(f"{path}: not an hds-iac baseline (create one with --create-baseline)")
    out: dict[tuple[str, str], Entry] = {}
    for i, e in enumerate(doc["failures"]):
        try:
            key = (e["rule_id"], e["address"])
            if not all(isinstance(k, str) for k in key):
                raise TypeError(key)
            until = e.get("until")
            if until is not None:
                if not isinstance(until, str):
                    raise ExpiryError(f"until={until!r} is not a date YYYY-MM-DD")
                parse_until(until)
        except (TypeError, KeyError, AttributeError):
            raise BaselineError(f"{path}: malformed baseline entry {i + 1}") from None
        except ExpiryError as exc:
            raise BaselineError(f"{path}: entry {i + 1}: {exc}") from None
        out[key] = Entry(reason=_text(e.get("reason")) or "", until=until,
                         added=_text(e.get("added"), 40), by=_text(e.get("by"), 200))
    return out
