"""The report as JSON (`hds-iac report -o json`): the merged view with every figure the
HTML shows, for other tools. Texts are in the report's language; ids are stable."""
from __future__ import annotations

import json
from dataclasses import asdict

from hds_iac import catalogue
from hds_iac.escaping import for_json
from hds_iac.report import texts

FORMAT_VERSION = 1


def _finding(f: dict, report) -> dict:
    out = {k: f[k] for k in ("rule_id", "topic", "status", "severity", "message") if k in f}
    shown = report.coverage.shown_status(f)
    if shown != f["status"]:  # a failure that only backs a recommendation of the matrix
        out["reported_as"] = shown
    out["resource"] = f.get("resource") or {}
    out["source"] = report.merged.sources[f["source"]].name
    for key in ("suppression", "expired_waiver", "basis"):
        if key in f:
            out[key] = f[key]
    return out


def _fact(fact, lang: str) -> dict:
    out = {"value": fact.value, "source": fact.source.get(lang) if fact.source else ""}
    if fact.inferred:
        out["inferred"] = True
    if fact.note:
        out["note"] = fact.note.get(lang)
    if fact.countries:
        out["countries"] = list(fact.countries)
    return out


def _filing(report) -> dict:
    """The evidence sections (filing.py): scope, provenance of each result, exceptions
    register, declared passes, rule references and documents to provide."""
    f = report.filing
    lang = report.lang
    if f is None:
        return {}
    return {
        "reference": report.reference,
        "scope": {**asdict(f.scope), "complete": not report.problems},
        "provenance": [{"file": s.name, "result_sha256": s.sha256, "recorded": bool(s.provenance),
                        **(s.provenance or {})} for s in report.merged.sources],
        "rules_not_run": f.not_run,
        "exceptions": f.exceptions,
        "declared": [{"rule_id": g.rule_id, "ask": g.ask.get(lang, ""),
                      "findings": [_finding(x, report) for x in g.findings]} for g in f.declared],
        "rule_references": [{"id": r.id, "title": r.title.get(lang, ""), "hds": list(r.hds),
                             "iso27001": list(r.iso27001), "secnumcloud": list(r.secnumcloud),
                             "run": r.run} for r in f.rules],
        "documents": [{"key": d.key, "title": d.title.get(lang, ""),
                       "requirements": list(d.requirements), "what": d.what.get(lang, ""),
                       "status": d.status, "references": d.references} for d in f.documents],
    }


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
        # countries some merged scan allowed outside the EEA: EXI 28 is then never met
        "allowed_outside_eea": cov.outside_eea,
        "matrix_files": report.matrix_files,
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
            "supporting_evidence": v.requirement.evidence,
            "status": v.status,
            "counts": v.counts,
            "rules": [{"id": r, "title": cat.rules[r].title.get(lang) if r in cat.rules else ""}
                      for r in v.rules],
            "items": [{"id": i.item.id, "title": i.item.title.get(lang), "rules": i.rules,
                       "status": i.status, "counts": i.counts,
                       "reasons": list(i.item.reasons), "automation": i.item.automation,
                       "explain": i.item.explain.get(lang) if i.item.explain else None}
                      for i in v.items],
            "findings": [_finding(f, report) for f in v.findings],
        } for v in cov.requirements],
        "duties": [d.duty.as_dict(lang) | {"rules": d.rules, "status": d.status,
                                            "counts": d.counts} for d in cov.duties],
        # rules with findings on a provider's resources that no duty of THAT provider covers
        "uncovered": [{"provider": u.provider, "rule": u.rule, "counts": u.counts}
                      for u in cov.uncovered],
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
        "accounts": [row.as_dict() for row in report.accounts],
        "errors": report.merged.errors,
        "notices": report.merged.notices,
        "unread": report.merged.unread,
        **_filing(report),
    }


def render(report) -> str:
    return json.dumps(for_json(document(report)), indent=2, ensure_ascii=False) + "\n"
