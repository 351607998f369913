"""Markdown of the report's evidence sections (see filing.py); values go through the
Markdown renderer's cell escaping."""
from __future__ import annotations

from hds_iac.escaping import for_markdown as _cell
from hds_iac.escaping import markdown_code
from hds_iac.report import filing as filing_mod
from hds_iac.report.filing_texts import ACTIVITIES, ORIGINS, STATES, activity, flabel
from hds_iac.report.texts import STATUS, colon


def _code(text: object) -> str:
    """A value shown literally (a path, a hash, a reference); nothing for an empty one."""
    return markdown_code(text) if str(text) else ""


def header(report) -> list[str]:
    return [f"{flabel(report.lang, 'report_reference')}{colon(report.lang)}{_code(report.reference)}", ""]


def scope(report) -> list[str]:
    lang = report.lang
    c = colon(lang)
    view = report.filing.scope
    none = flabel(lang, "not_declared")
    lines = [f"## {flabel(lang, 'scope')}", "", f"_{flabel(lang, 'scope_intro')}_", ""]
    if not view.declared:
        lines += [f"> {flabel(lang, 'no_scope')}", ""]
    complete = (flabel(lang, "complete_yes") if not report.problems
                else flabel(lang, "complete_no", n=report.problems))
    acts = "; ".join(activity(lang, a) for a in view.activities if a in ACTIVITIES[lang])
    lines += [
        f"- **{flabel(lang, 'host')}**{c}{_cell(', '.join(view.hosts) or none)}",
        f"- **{flabel(lang, 'activities')}**{c}{_cell(acts or none)}",
        f"- **{flabel(lang, 'accounts_declared')}**{c}{_cell(', '.join(view.accounts) or none)}",
        f"- **{flabel(lang, 'accounts_scanned')}**{c}"
        f"{_cell(', '.join(view.accounts_scanned) or flabel(lang, 'none'))}",
        f"- **{flabel(lang, 'regions_declared')}**{c}{_cell(', '.join(view.regions) or none)}",
        f"- **{flabel(lang, 'regions_scanned')}**{c}"
        f"{_cell(', '.join(view.regions_scanned) or flabel(lang, 'none'))}",
        f"- **{flabel(lang, 'repositories')}**{c}{_cell(', '.join(view.repositories) or none)}",
        f"- **{flabel(lang, 'code_scanned')}**{c}" + (", ".join(
            f"{_code(x['path'])}" + (f" @ {_code(x['commit'])}" if x["commit"] else "")
            for x in view.code_scanned) or flabel(lang, "none")),
        f"- **{flabel(lang, 'complete')}**{c}{complete}",
    ]
    for key, items in (("missing_accounts", view.accounts_missing),
                       ("missing_regions", view.regions_missing)):
        if items:
            lines += ["", f"> **{_cell(flabel(lang, key, items=', '.join(items)))}**"]
    return lines + [""]


def exceptions(report) -> list[str]:
    lang = report.lang
    entries = report.filing.exceptions
    lines = [f"## {flabel(lang, 'exceptions')}", "", f"_{flabel(lang, 'exceptions_intro')}_", ""]
    if report.filing.expired:
        lines += [f"> **{flabel(lang, 'expired_note', n=report.filing.expired)}**", ""]
    if not entries:
        return lines + [flabel(lang, "no_exceptions"), ""]
    heads = ("state", "kind", "rule", "resources", "location", "reason", "author", "date",
             "until")
    lines += ["| " + " | ".join(flabel(lang, h) for h in heads) + " |",
              "|" + "---|" * len(heads)]
    for x in entries:
        lines.append("| " + " | ".join((
            _cell(STATES[lang].get(x["state"], x["state"])), _code(x["by"]), _cell(x["rule_id"]),
            ", ".join(_code(a) for a in x["addresses"][:20]), _code(x["location"]),
            _cell(x["reason"]), _cell(x["author"]), _cell(x["date"]), _cell(x["until"]))) + " |")
    return lines + [""]


def declared(report) -> list[str]:
    lang = report.lang
    c = colon(lang)
    lines = [f"## {flabel(lang, 'declared')}", "", f"_{flabel(lang, 'declared_intro')}_", ""]
    if not report.filing.declared:
        return lines + [flabel(lang, "no_declared"), ""]
    for g in report.filing.declared:
        lines.append(f"### {g.rule_id} — {flabel(lang, 'declared_passes')} {len(g.findings)}")
        lines.append("")
        if g.ask.get(lang):
            lines += [f"**{flabel(lang, 'ask')}**{c}{_cell(g.ask[lang])}", ""]
        for f in g.findings[:100]:
            res = f.get("resource") or {}
            lines.append(f"- {_code(res.get('address', ''))}{c}{_cell(f.get('message', ''))}")
        lines.append("")
    return lines


def documents(report) -> list[str]:
    lang = report.lang
    c = colon(lang)
    lines = [f"## {flabel(lang, 'documents')}", "", f"_{flabel(lang, 'documents_intro')}_", "",
             f"| {flabel(lang, 'document')} | {flabel(lang, 'requirements')} | "
             f"{flabel(lang, 'status')} |", "|---|---|---|"]
    for d in report.filing.documents:
        status = flabel(lang, d.status)
        if d.references:
            status += f" ({flabel(lang, 'reference')}{c}{'; '.join(d.references)})"
        lines.append(f"| {_cell(d.title.get(lang, d.key))} | {', '.join(d.requirements)} | "
                     f"{_cell(status)} |")
    return lines + [""]


def rule_references(report) -> list[str]:
    lang = report.lang
    lines = [f"## {flabel(lang, 'rule_refs')}", "", f"_{flabel(lang, 'rule_refs_intro')}_", "",
             f"| {flabel(lang, 'rule')} | {flabel(lang, 'hds')} | {flabel(lang, 'iso27001')} | "
             f"{flabel(lang, 'secnumcloud')} | {flabel(lang, 'executed')} |",
             "|---|---|---|---|---|"]
    for r in report.filing.rules:
        run = STATUS[lang]["not-run"] if r.run == "not-run" else flabel(lang, r.run)
        lines.append(f"| {r.id} | {', '.join(r.hds)} | {', '.join(r.iso27001)} | "
                     f"{', '.join(r.secnumcloud)} | {run} |")
    return lines + [""]


def provenance(report) -> list[str]:
    lang = report.lang
    c = colon(lang)
    lines = [f"## {flabel(lang, 'provenance')}", "", f"_{flabel(lang, 'provenance_intro')}_", ""]
    for src in report.merged.sources:
        facts = filing_mod.run_facts(src)
        lines += [f"### {_code(src.name)}", "",
                  f"- {flabel(lang, 'result_sha256')}{c}"
                  + (_code(src.sha256) if src.sha256 else flabel(lang, "in_process"))]
        if not facts:
            lines += ["", f"> {flabel(lang, 'no_provenance')}", ""]
            continue
        allowed = (flabel(lang, "eea") if facts["allowed_is_eea"]
                   else ", ".join(facts["allowed_countries"]))
        if facts["allowed_outside_eea"]:
            allowed += " — **" + flabel(lang, "outside_eea",
                                        items=", ".join(facts["allowed_outside_eea"])) + "**"
        runner = [facts["user"]] if facts["user"] else []
        if facts["ci"]:
            runner.append(flabel(lang, "ci") + c + ", ".join(f"{k}={v}" for k, v in facts["ci"].items()))
        lines += [
            f"- {flabel(lang, 'run_reference')}{c}{_code(facts['reference'])}",
            f"- {flabel(lang, 'tool_version')}{c}{_cell(facts['tool_version'])}",
            f"- {flabel(lang, 'observed')}{c}{_cell(facts['started'])} → {_cell(facts['finished'])}",
            f"- {flabel(lang, 'config_file')}{c}"
            + (f"{_code(facts['config'][0])} {_code(facts['config'][1])}" if facts["config"]
               else flabel(lang, "none")),
            f"- {flabel(lang, 'baseline_file')}{c}"
            + (f"{_code(facts['baseline'][0])} {_code(facts['baseline'][1])}" if facts["baseline"]
               else flabel(lang, "none")),
            f"- {flabel(lang, 'allowed_countries')}{c}{_cell(allowed)}",
        ]
        lines += [f"- {flabel(lang, k)}{c}{_code(v)}" for k, v in facts["thresholds"].items()]
        not_run = [(rid, why) for rid, reasons in sorted(report.filing.not_run.items())
                   for why in reasons if why["source"] == src.name]
        if not_run:
            lines.append(f"- {flabel(lang, 'rules_not_run')}{c}" + "; ".join(
                f"{rid} ({flabel(lang, 'excluded_by', by=_code(why['by']), terms=_cell(', '.join(why['terms']) or '–'), origin=ORIGINS[lang].get(why['from'], _cell(why['from'])))})"
                for rid, why in not_run))
        else:
            lines.append(f"- {flabel(lang, 'rules_not_run')}{c}{flabel(lang, 'all_rules_run')}")
        for path, commit, dirty in facts["git"]:
            lines.append(f"- {flabel(lang, 'git')}{c}{_code(path)} "
                         + (_code(commit) if commit else flabel(lang, "no_git"))
                         + (f" ({flabel(lang, 'dirty')})" if dirty is True else ""))
        lines.append(f"- {flabel(lang, 'run_by')}{c}"
                     f"{_cell('; '.join(runner) or flabel(lang, 'unknown_runner'))}")
        for entry in src.inputs:
            extra = filing_mod.input_facts(entry)
            if extra:
                lines.append(f"- {flabel(lang, 'facts')} {_code(entry.get('path', ''))}{c}"
                             + _cell(", ".join(f"{k}={v}" for k, v in extra.items())))
        hashes = filing_mod.input_hashes(src)
        if hashes:
            lines += ["", f"| {flabel(lang, 'input')} | {flabel(lang, 'file')} | SHA-256 |",
                      "|---|---|---|"]
            lines += [f"| {_code(i)} | {_code(f)} | {_code(h)} |" for i, f, h in hashes]
        if facts["data"] or facts["user_data"]:
            lines += ["", f"{flabel(lang, 'data_hashes')}{c}", ""]
            lines += [f"- {_code(f)} {_code(h)}" for f, h in facts["data"]]
            lines += [f"- {flabel(lang, 'user_data')} ({_cell(k)}) {_code(p)} {_code(h)}"
                      for k, p, h in facts["user_data"]]
        lines.append("")
    return lines
