"""The drift section of the HDS report: what the live scans found outside the Terraform
states they were compared with (`live ... --against`).

Built from the merged JSON results like the rest of the report: the states each live
result was compared with (its inputs with `"role": "drift"`), the counts of the three
drift rules, and the findings an auditor acts on (fail, unknown, and the allow-listed ones
with their reason). None when no merged result compared anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hds_iac import catalogue

TOPIC = "drift"  # the section counts the rules of this catalogue topic
STATUSES = ("pass", "fail", "unknown", "skipped")


@dataclass
class DriftSection:
    states: list[str] = field(default_factory=list)  # "state (live result file)"
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> status -> n
    findings: list[dict] = field(default_factory=list)  # not passing, worst first

    def as_dict(self) -> dict:
        return {"states": self.states, "counts": self.counts}


def section(merged) -> DriftSection | None:
    states = [f"{entry.get('path')} ({src.name})" for src in merged.sources
              for entry in src.inputs if entry.get("role") == "drift"]
    rules = sorted(m.id for m in catalogue.load() if m.topic == TOPIC)
    found = [f for f in merged.findings if f.get("rule_id") in rules]
    if not states and not found:
        return None
    counts = {rid: {s: 0 for s in STATUSES} for rid in rules}
    for f in found:
        if f.get("status") in STATUSES:
            counts[f["rule_id"]][f["status"]] += 1
    order = {"fail": 0, "unknown": 1, "skipped": 2}
    shown = sorted((f for f in found if f.get("status") in order),
                   key=lambda f: (order[f["status"]], f["rule_id"],
                                  (f.get("resource") or {}).get("address", "")))
    return DriftSection(states=states, counts=counts, findings=shown)
