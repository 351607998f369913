"""Coverage of the HDS référentiel and of the matrix duties, from merged scan results.

Requirements (EXI 01-31) come from `requirements.toml`; which rules evidence each one, and
which matrix duties each rule covers, come from the rule catalogue: a rule evidences
`EXI nn` when its `references.hds` cites it ("EXI 05 B.c" evidences EXI 05, item B).

Status of a requirement, a duty or a topic, as Prowler computes it for a framework
requirement: `fail` when any finding fails, else `unknown` when any is unknown, else
`pass` when some pass; `not-evaluated` when rules exist but no finding does (no resource
concerned in the inputs); `manual` when no rule can judge it. Skipped (suppressed or
baselined) findings are counted but decide nothing.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from hds_iac import catalogue
from hds_iac.catalogue import LANGS, TOPICS, Text

from hds_iac.report.merge import STATUSES, Merged

AUTOMATIONS = ("automated", "partial", "manual")
REASONS = ("contractual", "organisational", "not-visible", "not-yet-checked")
# A responsibility matrix binds its provider and the client for that provider's services:
# only findings on that provider's resources are evidence for its duties.
DOCUMENT_PROVIDER = {"outscale-matrix": "outscale"}
HDS_REF = re.compile(r"^EXI (\d{2})(?: ([A-H])(?:\.[a-z])?)?$")


class RequirementsError(ValueError):
    """requirements.toml is malformed: a developer error, caught by the tests."""


@dataclass(frozen=True)
class Item:
    id: str  # "A"
    title: Text
    reasons: tuple[str, ...] = ()
    explain: Text | None = None


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


@dataclass(frozen=True)
class Duty:
    key: str
    document: str
    section: str
    duty: Text
    cites: str


def _text(raw: object, where: str) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGS) or not all(
            isinstance(raw[k], str) and raw[k].strip() for k in LANGS):
        raise RequirementsError(f"{where}: needs a non-empty 'en' and 'fr' text")
    return Text(en=raw["en"].strip(), fr=raw["fr"].strip())


def _reasons(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or any(r not in REASONS for r in raw):
        raise RequirementsError(f"{where}: reasons must be a list of {', '.join(REASONS)}")
    return tuple(raw)


def parse_requirements(text: str) -> tuple[Requirement, ...]:
    reqs = []
    for raw in tomllib.loads(text).get("requirement", []):
        rid = raw.get("id", "?")
        if raw.get("automation") not in AUTOMATIONS:
            raise RequirementsError(f"{rid}: automation must be one of {', '.join(AUTOMATIONS)}")
        reasons = _reasons(raw.get("reasons", []), rid)
        if raw["automation"] != "automated" and not reasons:
            raise RequirementsError(f"{rid}: a {raw['automation']} requirement says why (reasons)")
        items = tuple(
            Item(id=i["id"], title=_text(i.get("title"), f"{rid} item {i.get('id')}"),
                 reasons=_reasons(i.get("reasons", []), f"{rid} item {i['id']}"),
                 explain=_text(i["explain"], f"{rid} item {i['id']}") if "explain" in i else None)
            for i in raw.get("item", []))
        reqs.append(Requirement(
            id=rid, chapter=str(raw.get("chapter", "")), title=_text(raw.get("title"), rid),
            automation=raw["automation"], reasons=reasons,
            explain=_text(raw.get("explain"), f"{rid} explain"),
            chapter8=bool(raw.get("chapter8", False)), items=items))
    expected = [f"EXI {n:02d}" for n in range(1, 32)]
    if [r.id for r in reqs] != expected:
        raise RequirementsError("requirements.toml must list EXI 01 to EXI 31 in order")
    return tuple(reqs)


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    return parse_requirements(
        resources.files("hds_iac.report").joinpath("requirements.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def duties() -> dict[str, Duty]:
    """The matrix duties, by key, as the catalogue defines them (_duties.toml)."""
    raw = tomllib.loads(
        resources.files("hds_iac.catalogue").joinpath("_duties.toml").read_text("utf-8"))
    return {key: Duty(key=key, document=d["document"], section=str(d["section"]),
                      duty=Text(en=d["duty"]["en"].strip(), fr=d["duty"]["fr"].strip()),
                      cites=d.get("cites", ""))
            for key, d in raw.get("duties", {}).items()}


@lru_cache(maxsize=1)
def rule_duties() -> dict[str, tuple[str, ...]]:
    """Rule id -> keys of the matrix duties it covers, read from the catalogue files (the
    loaded catalogue keeps the duties, not their keys)."""
    folder = resources.files("hds_iac.catalogue")
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(p for p in folder.iterdir() if p.name.endswith(".toml")):
        for rule in tomllib.loads(path.read_text("utf-8")).get("rule", []):
            found[rule["id"]] = tuple(rule.get("references", {}).get("matrix", ()))
    return found


def hds_refs(rule_id: str, finding: dict | None = None) -> tuple[str, ...]:
    """HDS references of a rule: the catalogue's, else (a rule this version does not know)
    those the finding carries."""
    meta = catalogue.load().rules.get(rule_id)
    if meta is not None:
        return meta.references.hds
    return tuple((finding or {}).get("references", {}).get("hds", ()))


def split_ref(ref: str) -> tuple[str, str | None] | None:
    """"EXI 05 B.c" -> ("EXI 05", "B"); "EXI 28" -> ("EXI 28", None)."""
    m = HDS_REF.match(ref.strip())
    return (f"EXI {m.group(1)}", m.group(2)) if m else None


def rules_by_requirement() -> dict[str, dict[str | None, list[str]]]:
    """"EXI 05" -> {None: all rules, "B": rules citing item B, ...}, from the catalogue."""
    found: dict[str, dict[str | None, list[str]]] = {}
    for meta in catalogue.load():
        for ref in meta.references.hds:
            parts = split_ref(ref)
            if parts is None:
                continue
            exi, item = parts
            slot = found.setdefault(exi, {None: []})
            if meta.id not in slot[None]:
                slot[None].append(meta.id)
            if item and meta.id not in slot.setdefault(item, []):
                slot[item].append(meta.id)
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
    duty: Duty
    provider: str | None  # whose resources are evidence (None: any)
    rules: list[str]  # citing rules that judge that provider's resources
    findings: list[dict]
    counts: dict[str, int]
    status: str


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

    def figures(self) -> dict:
        """The headline figures, as Prowler prints them for a framework."""
        reqs = self.requirements
        with_checks = [r for r in reqs if r.requirement.automation != "manual"]
        by_status = {s: sum(r.status == s for r in with_checks)
                     for s in ("pass", "fail", "unknown", "not-evaluated")}
        duties_pass = sum(d.status == "pass" for d in self.duties)
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
                "pass": duties_pass,
                "fail": sum(d.status == "fail" for d in self.duties),
                "unknown": sum(d.status == "unknown" for d in self.duties),
                "not_evaluated": sum(d.status == "not-evaluated" for d in self.duties),
                "share_passing": _share(duties_pass, len(self.duties)),
            },
            "findings": dict(self.totals),
        }


def compute(merged: Merged) -> Coverage:
    reqs = requirements()
    rule_map = rules_by_requirement()
    # Findings of rules this catalogue does not know are placed by their own references.
    extra: dict[str, dict[str | None, list[str]]] = {}
    for f in merged.findings:
        if f["rule_id"] in catalogue.load().rules:
            continue
        for ref in hds_refs(f["rule_id"], f):
            parts = split_ref(ref)
            if parts:
                slot = extra.setdefault(parts[0], {None: []})
                for key in (None, parts[1]) if parts[1] else (None,):
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
        view = RequirementView(req, rules, found, counts,
                               status_of(counts, req.automation != "manual"))
        for item in req.items:
            irules = list(slots.get(item.id, [])) + extra.get(req.id, {}).get(item.id, [])
            icounts = counts_of(gather(irules))
            view.items.append(ItemView(item, irules, icounts, status_of(icounts, bool(irules))))
        views.append(view)

    rule_duty = rule_duties()
    duty_rules: dict[str, list[str]] = {}
    for rid, keys in rule_duty.items():
        for key in keys:
            duty_rules.setdefault(key, []).append(rid)
    all_duties = duties()
    cat = catalogue.load()
    duty_views = []
    for key, rules in sorted(duty_rules.items(),
                             key=lambda kv: (_section_key(all_duties[kv[0]].section), kv[0])):
        duty = all_duties[key]
        provider = DOCUMENT_PROVIDER.get(duty.document)
        rules = sorted(r for r in rules if provider is None or provider in cat.rules[r].providers)
        if not rules:  # cited only by rules for other providers' resources: not covered
            continue
        found = [f for f in gather(rules)
                 if provider is None or (f.get("resource") or {}).get("provider") == provider]
        counts = counts_of(found)
        duty_views.append(DutyView(duty, provider, rules, found, counts,
                                   status_of(counts)))

    topics = []
    for topic in TOPICS:
        rules = [m.id for m in cat if m.topic == topic]
        counts = counts_of([f for f in merged.findings if f.get("topic") == topic])
        topics.append(TopicView(topic, rules, counts, status_of(counts)))
    return Coverage(views, duty_views, topics, counts_of(merged.findings))


def _section_key(section: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in section.split("."))
