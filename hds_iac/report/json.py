"""The report as JSON (`hds-iac report -o json`): the merged view with every figure the
HTML shows, for other tools. Texts are in the report's language; ids are stable."""
from __future__ import annotations

import json

from hds_iac import catalogue
from hds_iac.escaping import for_json
from hds_iac.report import texts

FORMAT_VERSION = 1


def _finding(f: dict, report) -> dict:
    out = {k: f[k] for k in ("rule_id", "topic", "status", "severity", "message") if k in f}
    out["resource"] = f.get("resource") or {}
    out["source"] = report.merged.sources[f["source"]].name
    if "suppression" in f:
        out["suppression"] = f["suppression"]
    return out


def _fact(fact, lang: str) -> dict:
    out = {"value": fact.value, "source": fact.source}
    if fact.note:
        out["note"] = fact.note.get(lang)
    if fact.countries:
        out["countries"] = list(fact.countries)
    return out


def document(report) -> dict:
    lang = report.lang
    cov = report.coverage
    cat = catalogue.load()
    return {
        "version": FORMAT_VERSION,
        "kind": "hds-iac-report",
        "tool": {"name": "hds-iac", "version": report.tool_version},
        "lang": lang,
        "generated": report.generated,
        "referential": "HDS v2.0",
        "complete": not report.problems,
        "sources": [{"file": s.name, "kinds": s.kinds, "inputs": s.inputs,
                     "resources": s.resources, "findings": s.findings,
                     "tool_version": s.tool_version, "message_lang": s.message_lang}
                    for s in report.merged.sources],
        "coverage": cov.figures(),
        "requirements": [{
            "id": v.requirement.id,
            "chapter": v.requirement.chapter,
            "title": v.requirement.title.get(lang),
            "automation": v.requirement.automation,
            "reasons": list(v.requirement.reasons),
            "explain": v.requirement.explain.get(lang),
            "chapter8": v.requirement.chapter8,
            "status": v.status,
            "counts": v.counts,
            "rules": [{"id": r, "title": cat.rules[r].title.get(lang) if r in cat.rules else ""}
                      for r in v.rules],
            "items": [{"id": i.item.id, "title": i.item.title.get(lang), "rules": i.rules,
                       "status": i.status, "counts": i.counts,
                       "reasons": list(i.item.reasons)} for i in v.items],
            "findings": [_finding(f, report) for f in v.findings],
        } for v in cov.requirements],
        "duties": [{
            "key": d.duty.key, "document": d.duty.document, "section": d.duty.section,
            "duty": d.duty.duty.get(lang), "cites": d.duty.cites, "rules": d.rules,
            "status": d.status, "counts": d.counts,
        } for d in cov.duties],
        "topics": [{"topic": t.topic, "title": texts.TOPICS[lang][t.topic], "rules": t.rules,
                    "status": t.status, "counts": t.counts} for t in cov.topics],
        "chapter8": {
            "facts_file": report.providers_file,
            "actors": [{
                "key": row.actor.key, "provider": row.actor.provider, "regions": row.regions,
                "facts": {name: _fact(f, lang) for name, f in row.actor.facts.items()},
                "region_facts": {r: {n: _fact(f, lang) for n, f in facts.items()}
                                 for r, facts in row.overrides.items()},
            } for row in report.chapter8],
        },
        "drift": None if report.drift is None else {
            **report.drift.as_dict(),
            "findings": [_finding(f, report) for f in report.drift.findings]},
        "errors": report.merged.errors,
        "notices": report.merged.notices,
        "unread": report.merged.unread,
    }


def render(report) -> str:
    return json.dumps(for_json(document(report)), indent=2, ensure_ascii=False) + "\n"
