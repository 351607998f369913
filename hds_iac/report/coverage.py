"""Coverage of the HDS référentiel and of the matrix duties, from merged scan results.

Requirements (EXI 01-31) come from `requirements.toml`; which rules evidence each one comes
from the rule catalogue: a rule evidences `EXI nn` when its `references.hds` cites it
("EXI 05 B.c" evidences EXI 05, item B). Which client duties a rule evidences comes from the
responsibility matrix of the finding's OWN provider (hds_iac/matrices, or --matrix FILE): a
finding on an AWS resource is never evidence for Outscale's matrix, and the other way round.

Status of a requirement, a duty or a topic, as Prowler computes it for a framework
requirement: `fail` when any finding fails, else `unknown` when any is unknown, else
`pass` when some pass; `not-evaluated` when rules exist but no finding does (no resource
concerned in the inputs); `manual` when no rule can judge it. Skipped (suppressed or
baselined) findings are counted but decide nothing.

Three limits keep the statuses from saying more than the sources:
- a manual requirement with `evidence = true` (EXI 05) shows its rules' findings per event
  as supporting evidence, with counts but no status of its own;
- a duty whose modality is a recommendation (or "if needed") is never `fail`: a failing
  finding shows it `not-followed` (or `to-assess`), as the matrix's wording allows;
- EXI 28 (storage in the EEA) is never `pass` when a merged scan allowed countries outside
  the EEA (`--allowed-countries EEA,GB`): the override is stated and the status is
  `override`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from hds_iac import catalogue, geography, matrices
from hds_iac.catalogue import LANGS, TOPICS, Text

from hds_iac.report.merge import STATUSES, Merged

AUTOMATIONS = ("automated", "partial", "manual")
REASONS = ("contractual", "organisational", "not-visible", "not-yet-checked")
# The status a failing finding gives a duty, by the duty's modality: only an obligation
# can be broken; a recommendation is not followed; an "if needed" duty is for the client
# to assess.
FAILED_DUTY = {"obligation": "fail", "recommendation": "not-followed", "if-needed": "to-assess"}
LOCATION_REQUIREMENT = "EXI 28"
HDS_REF = re.compile(r"^EXI (\d{2})(?: ([A-H])(?:\.([a-z]))?)?$")


class RequirementsError(ValueError):
    """requirements.toml is malformed: a developer error, caught by the tests."""


@dataclass(frozen=True)
class Item:
    id: str  # "A", or a sub-item the report classifies apart ("D.c")
    title: Text
    reasons: tuple[str, ...] = ()
    explain: Text | None = None
    # How far hds-iac judges a sub-item its rules cite (EXI 05 D.c: partial): the
    # requirement stays unscored, the sub-item says what the scan covers and why not all.
    automation: str | None = None


@dataclass(frozen=True)
class Requirement:
    id: str  # "EXI 05"
    chapter: str
    title: Text
    automation: str
    reasons: tuple[str, ...]
    explain: Text
    chapter8: bool
    items: tuple[Item, ...]
    evidence: bool = False  # manual, but its rules are shown as supporting evidence


def _text(raw: object, where: str) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGS) or not all(
            isinstance(raw[k], str) and raw[k].strip() for k in LANGS):
        raise RequirementsError(f"{where}: needs a non-empty 'en' and 'fr' text")
    return Text(en=raw["en"].strip(), fr=raw["fr"].strip())


def _reasons(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or any(r not in REASONS for r in raw):
        raise RequirementsError(f"{where}: reasons must be a list of {', '.join(REASONS)}")
    return tuple(raw)


def _item(rid: str, raw: dict) -> Item:
    where = f"{rid} item {raw.get('id')}"
    automation = raw.get("automation")
    if automation is not None and automation not in AUTOMATIONS:
        raise RequirementsError(f"{where}: automation must be one of {', '.join(AUTOMATIONS)}")
    reasons = _reasons(raw.get("reasons", []), where)
    if automation not in (None, "automated") and not (reasons and "explain" in raw):
        raise RequirementsError(f"{where}: a {automation} item says why (reasons, explain)")
    return Item(id=raw["id"], title=_text(raw.get("title"), where), reasons=reasons,
                explain=_text(raw["explain"], where) if "explain" in raw else None,
                automation=automation)


def parse_requirements(text: str) -> tuple[Requirement, ...]:
    reqs = []
    for raw in tomllib.loads(text).get("requirement", []):
        rid = raw.get("id", "?")
        if raw.get("automation") not in AUTOMATIONS:
            raise RequirementsError(f"{rid}: automation must be one of {', '.join(AUTOMATIONS)}")
        reasons = _reasons(raw.get("reasons", []), rid)
        if raw["automation"] != "automated" and not reasons:
            raise RequirementsError(f"{rid}: a {raw['automation']} requirement says why (reasons)")
        items = tuple(_item(rid, i) for i in raw.get("item", []))
        reqs.append(Requirement(
            id=rid, chapter=str(raw.get("chapter", "")), title=_text(raw.get("title"), rid),
            automation=raw["automation"], reasons=reasons,
            explain=_text(raw.get("explain"), f"{rid} explain"),
            chapter8=bool(raw.get("chapter8", False)), items=items,
            evidence=bool(raw.get("evidence", False))))
    expected = [f"EXI {n:02d}" for n in range(1, 32)]
    if [r.id for r in reqs] != expected:
        raise RequirementsError("requirements.toml must list EXI 01 to EXI 31 in order")
    return tuple(reqs)


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    return parse_requirements(
        resources.files("hds_iac.report").joinpath("requirements.toml").read_text("utf-8"))


def hds_refs(rule_id: str, finding: dict | None = None) -> tuple[str, ...]:
    """HDS references of a rule: the catalogue's, else (a rule this version does not know)
    those the finding carries."""
    meta = catalogue.load().rules.get(rule_id)
    if meta is not None:
        return meta.references.hds
    return tuple((finding or {}).get("references", {}).get("hds", ()))


def slots_of(ref: str) -> tuple[str, tuple[str | None, ...]] | None:
    """The requirement a reference evidences and the slots of its rules there: the whole
    requirement (None), its item, and its sub-item: "EXI 05 D.c" -> ("EXI 05", (None, "D",
    "D.c")). A sub-item slot shows in the report only where requirements.toml lists it."""
    m = HDS_REF.match(ref.strip())
    if not m:
        return None
    item, sub = m.group(2), m.group(3)
    keys: tuple[str | None, ...] = (None,) + ((item,) if item else ()) + \
        ((f"{item}.{sub}",) if item and sub else ())
    return f"EXI {m.group(1)}", keys


def rules_by_requirement() -> dict[str, dict[str | None, list[str]]]:
    """"EXI 05" -> {None: all rules, "B": rules citing item B, ...}, from the catalogue."""
    found: dict[str, dict[str | None, list[str]]] = {}
    for meta in catalogue.load():
        for ref in meta.references.hds:
            parts = slots_of(ref)
            if parts is None:
                continue
            slot = found.setdefault(parts[0], {None: []})
            for key in parts[1]:
                if meta.id not in slot.setdefault(key, []):
                    slot[key].append(meta.id)
    return found


# --- computing ------------------------------------------------------------------------


def counts_of(findings: list[dict]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for f in findings:
        counts[f["status"]] += 1
    return counts


def status_of(counts: dict[str, int], has_rules: bool = True) -> str:
    if not has_rules:
        return "manual"
    if counts["fail"]:
        return "fail"
    if counts["unknown"]:
        return "unknown"
    if counts["pass"]:
        return "pass"
    return "not-evaluated"


@dataclass
class ItemView:
    item: Item
    rules: list[str]
    counts: dict[str, int]
    status: str


@dataclass
class RequirementView:
    requirement: Requirement
    rules: list[str]
    findings: list[dict]
    counts: dict[str, int]
    status: str
    items: list[ItemView] = field(default_factory=list)


@dataclass
class DutyView:
    duty: matrices.Duty
    rules: list[str]  # rules that evidence it (all judge the duty's provider)
    findings: list[dict]  # findings of those rules on that provider's resources only
    counts: dict[str, int]
    status: str


@dataclass
class Uncovered:
    """A rule with findings on a provider's resources that no duty of that provider's
    matrix covers: said in the report, never filled with another provider's duty."""

    provider: str
    rule: str
    counts: dict[str, int]


@dataclass
class TopicView:
    topic: str
    rules: list[str]
    counts: dict[str, int]
    status: str


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Coverage:
    requirements: list[RequirementView]
    duties: list[DutyView]
    topics: list[TopicView]
    totals: dict[str, int]
    uncovered: list[Uncovered] = field(default_factory=list)
    # countries some merged scan allowed outside the EEA (EXI 28 cannot pass then)
    outside_eea: list[str] = field(default_factory=list)
    # (provider, rule) whose duties in that provider's matrix are all recommendations or
    # "if needed": a failing finding there is shown as such, never as a failure
    softened: dict[tuple[str, str], str] = field(default_factory=dict)

    def shown_status(self, finding: dict) -> str:
        """The status a report shows for one finding: a failure that only backs a
        recommendation reads "recommendation not followed" (or "to assess")."""
        status = finding["status"]
        if status != "fail":
            return status
        provider = str((finding.get("resource") or {}).get("provider") or "")
        return self.softened.get((provider, finding["rule_id"]), status)

    def figures(self) -> dict:
        """The headline figures, as Prowler prints them for a framework."""
        reqs = self.requirements
        with_checks = [r for r in reqs if r.requirement.automation != "manual"]
        by_status = {s: sum(r.status == s for r in with_checks)
                     for s in ("pass", "fail", "unknown", "not-evaluated")}
        checked = [d for d in self.duties if d.duty.modality == "obligation"]
        return {
            "requirements": {
                "total": len(reqs),
                "automated": sum(r.requirement.automation == "automated" for r in reqs),
                "partial": sum(r.requirement.automation == "partial" for r in reqs),
                "manual": sum(r.requirement.automation == "manual" for r in reqs),
                "with_checks": len(with_checks),
                "share_with_checks": _share(len(with_checks), len(reqs)),
                **{s.replace("-", "_"): n for s, n in by_status.items()},
                "share_passing": _share(by_status["pass"], len(with_checks)),
            },
            "duties": {
                "covered": len(self.duties),
                "obligations": len(checked),
                "pass": sum(d.status == "pass" for d in checked),
                "fail": sum(d.status == "fail" for d in checked),
                "unknown": sum(d.status == "unknown" for d in self.duties),
                "not_evaluated": sum(d.status == "not-evaluated" for d in self.duties),
                "not_followed": sum(d.status in ("not-followed", "to-assess")
                                    for d in self.duties),
                "share_passing": _share(sum(d.status == "pass" for d in checked), len(checked)),
            },
            "findings": dict(self.totals),
        }


def outside_eea(merged: Merged) -> list[str]:
    """Countries a merged scan allowed for storage that are not in the EEA."""
    eea = geography.load().eea
    return sorted({c for s in merged.sources for c in s.allowed_countries if c not in eea})


def compute(merged: Merged, matrix_set: matrices.Matrices | None = None) -> Coverage:
    matrix_set = matrix_set or matrices.load()
    reqs = requirements()
    rule_map = rules_by_requirement()
    # Findings of rules this catalogue does not know are placed by their own references.
    extra: dict[str, dict[str | None, list[str]]] = {}
    for f in merged.findings:
        if f["rule_id"] in catalogue.load().rules:
            continue
        for ref in hds_refs(f["rule_id"], f):
            parts = slots_of(ref)
            if parts:
                slot = extra.setdefault(parts[0], {None: []})
                for key in parts[1]:
                    if f["rule_id"] not in slot.setdefault(key, []):
                        slot[key].append(f["rule_id"])
    by_rule: dict[str, list[dict]] = {}
    for f in merged.findings:
        by_rule.setdefault(f["rule_id"], []).append(f)

    def gather(rule_ids: list[str]) -> list[dict]:
        return [f for rid in rule_ids for f in by_rule.get(rid, [])]

    views = []
    for req in reqs:
        slots = rule_map.get(req.id, {None: []})
        rules = list(slots[None]) + [r for r in extra.get(req.id, {}).get(None, [])
                                     if r not in slots[None]]
        found = gather(rules)
        counts = counts_of(found)
        scored = req.automation != "manual"
        view = RequirementView(req, rules, found, counts, status_of(counts, scored))
        for item in req.items:
            irules = list(slots.get(item.id, [])) + extra.get(req.id, {}).get(item.id, [])
            icounts = counts_of(gather(irules))
            view.items.append(ItemView(item, irules, icounts,
                                       status_of(icounts, scored and bool(irules))))
        views.append(view)
    beyond = outside_eea(merged)
    for view in views:
        if view.requirement.id == LOCATION_REQUIREMENT and beyond and view.status != "fail":
            view.status = "override"

    def provider_of(f: dict) -> str:
        return str((f.get("resource") or {}).get("provider") or "")

    cat = catalogue.load()
    found_providers = merged.providers()
    duty_views = []
    for duty in sorted(matrix_set.all_duties(),
                       key=lambda d: (d.provider, _section_key(d.section), d.key)):
        # a duty no rule evidences, or of a provider absent from the results, is not listed
        if not duty.rules or duty.provider not in found_providers:
            continue
        found = [f for f in gather(list(duty.rules)) if provider_of(f) == duty.provider]
        counts = counts_of(found)
        status = status_of(counts)
        if status == "fail":
            status = FAILED_DUTY[duty.modality]
        duty_views.append(DutyView(duty, sorted(duty.rules), found, counts, status))
    uncovered: dict[tuple[str, str], list[dict]] = {}
    softened: dict[tuple[str, str], str] = {}
    for f in merged.findings:
        provider = provider_of(f)
        found_duties = matrix_set.duties_for(provider, f["rule_id"]) if provider else ()
        if provider and not found_duties:
            uncovered.setdefault((provider, f["rule_id"]), []).append(f)
        modalities = {d.modality for d in found_duties}
        if modalities and "obligation" not in modalities:
            softened[(provider, f["rule_id"])] = FAILED_DUTY[
                "recommendation" if "recommendation" in modalities else "if-needed"]

    topics = []
    for topic in TOPICS:
        rules = [m.id for m in cat if m.topic == topic]
        counts = counts_of([f for f in merged.findings if f.get("topic") == topic])
        topics.append(TopicView(topic, rules, counts, status_of(counts)))
    return Coverage(views, duty_views, topics, counts_of(merged.findings),
                    [Uncovered(p, r, counts_of(fs)) for (p, r), fs in sorted(uncovered.items())],
                    beyond, softened)


def _section_key(section: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in section.split("."))
