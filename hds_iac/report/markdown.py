"""The report as Markdown (a wiki page, a merge-request comment, a PDF through pandoc):
the same sections as the HTML, without the charts and with the evidence limited to the
failing and unknown findings (every finding is in the JSON and HTML reports).

Every value, whether from the scanned inputs, the provider facts file or the catalogue, goes
through `escaping.for_markdown` (`_cell`) or `escaping.markdown_code`: the page may be
posted as a merge-request comment, where HTML and Markdown are both interpreted."""
from __future__ import annotations

from hds_iac import catalogue, provider_registry
from hds_iac.escaping import for_markdown, markdown_code
from hds_iac.report import texts
from hds_iac.report.chapter8 import FACTS
from hds_iac.report.texts import colon, label, percent

ICONS = {"pass": "✅", "fail": "❌", "unknown": "⚠️", "not-evaluated": "∅", "manual": "✎",
         "skipped": "–", "not-run": "⊘", "not-followed": "◌", "to-assess": "◌", "override": "🚫"}
MAX_ROWS = 100


def _cell(text: object) -> str:
    return for_markdown(text)


def _status(status: str, lang: str) -> str:
    return f"{ICONS[status]} {texts.STATUS[lang][status]}"


def _counts(c: dict[str, int]) -> str:
    return f'{c["pass"]} / {c["fail"]} / {c["unknown"]}'


def _fact(fact, lang: str) -> str:
    words = texts.LABELS[lang]
    value = words.get(fact.value, fact.value) if fact.value in (
        "yes", "no", "unknown", "exempt", "host", "subcontractor") else fact.value
    text = f"**{_cell(value)}**" if fact.value != "unknown" else f"_{_cell(value)}_"
    if fact.inferred:
        text += f" ({words['inferred']})"
    if fact.countries:
        text += f" ({_cell(', '.join(fact.countries))})"
    if fact.source:
        text += f" — {label(lang, 'source')}{colon(lang)}{_cell(fact.source.get(lang))}"
    if fact.note:
        text += f" — {_cell(fact.note.get(lang))}"
    return text


def _accounts(report) -> list[str]:
    """The summary by account (live scans of several accounts), when there is one."""
    if not report.accounts:
        return []
    lang = report.lang
    lines = ["", f"## {label(lang, 'accounts')}", "", f"_{label(lang, 'accounts_intro')}_", "",
             f"| {label(lang, 'account')} | {label(lang, 'provider')} | {label(lang, 'counts')} |"
             f" {label(lang, 'account_errors')} |", "|---|---|---:|---|"]
    for row in report.accounts:
        counts = _counts(row.counts) if row.scanned else f"**{label(lang, 'account_not_scanned')}**"
        errors = [_cell(text) for text in row.errors]
        if row.error_count > len(row.errors):
            errors.append(_cell(label(lang, "account_more_errors",
                                      n=row.error_count - len(row.errors))))
        lines.append(f"| {markdown_code(row.account)} |"
                     f" {_cell(provider_registry.label(row.provider))} | {counts} |"
                     f" {'; '.join(errors)} |")
    return lines


def _drift(report, c: str) -> list[str]:
    """The drift section (live scans with --against), when a merged result has one."""
    drift = report.drift
    if drift is None:
        return []
    lang = report.lang
    lines = [f"## {label(lang, 'drift')}", "", f"_{label(lang, 'drift_intro')}_", "",
             f"{label(lang, 'drift_states')}{c}"
             + (", ".join(markdown_code(s, in_table=False) for s in drift.states)
                or label(lang, "drift_none")), ""]
    cat = catalogue.load()
    for rid, counts in drift.counts.items():
        meta = cat.rules.get(rid)
        lines.append(f"- **{rid}** {meta.title.get(lang) if meta else ''}{c}{_counts(counts)}")
    lines.append("")
    for f in drift.findings[:MAX_ROWS]:
        res = f.get("resource") or {}
        why = (f.get("suppression") or {}).get("reason") if f["status"] == "skipped" else None
        lines.append(f"- {_status(f['status'], lang)} {f['rule_id']}"
                     f" {markdown_code(res.get('address', ''), in_table=False)}{c}"
                     f"{_cell(why or f.get('message', ''))}")
    if len(drift.findings) > MAX_ROWS:
        lines.append(f"- {label(lang, 'more_rows', n=len(drift.findings) - MAX_ROWS)}")
    return lines + [""]


def render(report) -> str:
    from hds_iac.report import filing_markdown

    lang = report.lang
    cov = report.coverage
    fig = cov.figures()
    req, duties = fig["requirements"], fig["duties"]
    cat = catalogue.load()
    of = label(lang, "of")
    c = colon(lang)
    lines = [f"# {label(lang, 'title')}", "", f"_{label(lang, 'subtitle')}_", "",
             f"{label(lang, 'generated')} {texts.moment(report.generated, lang)} · {label(lang, 'tool')} hds-iac "
             f"{report.tool_version}", ""] + filing_markdown.header(report)
    if report.problems:
        lines += [f"> **{label(lang, 'incomplete_note', n=report.problems)}**", ""]
    if report.judged_nothing:
        lines += [f"> **{label(lang, 'nothing_judged_note')}**", ""]
    if report.coverage.outside_eea:
        lines += [f"> 🚫 **{label(lang, 'override_note', countries=', '.join(report.coverage.outside_eea))}**", ""]
    if report.other_message_langs:
        lines += [f"> {label(lang, 'lang_note', langs=_cell(', '.join(report.other_message_langs)), target=lang)}", ""]
    lines += [f"## {label(lang, 'summary')}", "",
              f"- **{label(lang, 'req_with_checks')}**{c}{req['with_checks']} {of} {req['total']}"
              f" ({percent(req['share_with_checks'], lang)})",
              f"- **{label(lang, 'req_passing')}**{c}{req['pass']} {of} {req['with_checks']}"
              f" ({percent(req['share_passing'], lang)})",
              f"- **{label(lang, 'duties_passing')}**{c}{duties['pass']} {of} {duties['obligations']}"
              f" ({percent(duties['share_passing'], lang)})",
              f"- **{label(lang, 'findings_by_status')}**{c}"
              + ", ".join(f"{texts.STATUS[lang][s]} {fig['findings'][s]}"
                          for s in ("pass", "fail", "unknown", "skipped")),
              "", f"_{label(lang, 'coverage_note')}_", "",
              f"| {label(lang, 'topic')} | {label(lang, 'status')} | {label(lang, 'counts')} |",
              "|---|---|---:|"]
    for t in cov.topics:
        lines.append(f"| {texts.TOPICS[lang][t.topic]} | {_status(t.status, lang)} | {_counts(t.counts)} |")
    lines += [""] + filing_markdown.scope(report)
    lines += ["", f"## {label(lang, 'sources')}", "",
              f"| {label(lang, 'source_file')} | {label(lang, 'source_kind')} | "
              f"{label(lang, 'resources')} | {label(lang, 'findings')} |", "|---|---|---:|---:|"]
    for s in report.merged.sources:
        kinds = ", ".join(texts.KINDS[lang].get(k, k) for k in s.kinds)
        lines.append(f"| {markdown_code(s.name)} | {_cell(kinds)} | {s.resources} | {s.findings} |")
    lines += _accounts(report)
    lines += ["", f"## {label(lang, 'requirements')}", "",
              f"| {label(lang, 'requirement')} | {label(lang, 'req_title')} | "
              f"{label(lang, 'automation')} | {label(lang, 'status')} | {label(lang, 'counts')} | "
              f"{label(lang, 'why_manual')} |", "|---|---|---|---|---:|---|"]
    for v in cov.requirements:
        r = v.requirement
        why = ", ".join(texts.REASONS[lang][x] for x in r.reasons)
        counts = _counts(v.counts) if r.automation != "manual" else "–"
        lines.append(f"| {r.id} | {_cell(r.title.get(lang))} | {texts.AUTOMATION[lang][r.automation]}"
                     f" | {_status(v.status, lang)} | {counts} | {_cell(why)} |")
        for i in v.items:
            auto = texts.AUTOMATION[lang][i.item.automation] if i.item.automation else ""
            lines.append(f"| {r.id} {i.item.id} | {_cell(i.item.title.get(lang))} | {auto} | "
                         f"{_status(i.status, lang)} | {_counts(i.counts) if i.rules else '–'} | "
                         f"{_cell(', '.join(texts.REASONS[lang][x] for x in i.item.reasons))} |")
    lines += ["", f"_{label(lang, 'legend')}{c}{label(lang, 'legend_text')}_", "",
              f"## {label(lang, 'evidence')}", ""]
    def rule_lines(rid: str, findings: list[dict], indent: str = "") -> list[str]:
        found = [f for f in findings if f["rule_id"] == rid]
        meta = cat.rules.get(rid)
        counts = {s: sum(f["status"] == s for f in found) for s in ("pass", "fail", "unknown")}
        shown = (_status("not-run", lang) if not found and report.filing
                 and rid in report.filing.not_run else _counts(counts))  # left out: say so
        out = [f"{indent}- **{rid}** {meta.title.get(lang) if meta else ''}{c}{shown}"]
        bad = sorted((f for f in found if f["status"] in ("fail", "unknown")),
                     key=lambda f: str((f.get("resource") or {}).get("account") or ""))
        for f in bad[:MAX_ROWS]:
            res = f.get("resource") or {}
            src = report.merged.sources[f["source"]].name
            account = (f" {markdown_code(str(res['account']), in_table=False)}"
                       if res.get("account") else "")
            out.append(f"{indent}  - {_status(cov.shown_status(f), lang)}{account}"
                       f" {markdown_code(res.get('address', ''), in_table=False)}"
                       f" ({_cell(src)}){c}{_cell(f.get('message', ''))}")
        if len(bad) > MAX_ROWS:
            out.append(f"{indent}  - {label(lang, 'more_rows', n=len(bad) - MAX_ROWS)}")
        return out

    for v in cov.requirements:
        req_ = v.requirement
        if req_.automation == "manual" and not (req_.evidence and v.rules):
            continue
        lines += [f"### {req_.id} — {req_.title.get(lang)}: {_status(v.status, lang)}", ""]
        if req_.evidence:  # supporting evidence per event, never a score
            lines += [f"_{label(lang, 'supporting')}_", ""]
            for item in v.items:
                if item.rules:
                    lines.append(f"- {label(lang, 'item').capitalize()} {item.item.id} — "
                                 f"{_cell(item.item.title.get(lang))}")
                    for rid in item.rules:
                        lines += rule_lines(rid, v.findings, "  ")
        else:
            for rid in v.rules:
                lines += rule_lines(rid, v.findings)
        lines.append("")
    lines += filing_markdown.declared(report) + filing_markdown.exceptions(report)
    lines += _drift(report, c)
    lines += [f"## {label(lang, 'duties')}", "", f"_{label(lang, 'duties_intro')}_", ""]
    current = None
    for d in cov.duties:
        doc = d.duty.document
        if doc.provider != current:
            current = doc.provider
            version = f" ({doc.version})" if doc.version else ""
            lines += ["", f"### {doc.title.get(lang)}{version}", "",
                      f"_{_cell(doc.where.get(lang))}_", "",
                      f"| {label(lang, 'section')} | {label(lang, 'duty')} | {label(lang, 'modality')} |"
                      f" {label(lang, 'rules')} | {label(lang, 'status')} | {label(lang, 'counts')} |",
                      "|---|---|---|---|---|---:|"]
        name = d.duty.heading.get(lang)
        section = f"§ {name}" if name[:1].isdigit() else name
        cites = ""
        if d.duty.cites:
            what = label(lang, "cites_hds_2018") if d.duty.cites_hds_2018 else label(lang, "cites")
            cites = f" ({what}{c}{d.duty.cites})"
        lines.append(f"| {_cell(section)} | {_cell(d.duty.duty.get(lang) + cites)} | "
                     f"{texts.MODALITY[lang][d.duty.modality]} | {', '.join(d.rules)}"
                     f" | {_status(d.status, lang)} | {_counts(d.counts)} |")
    if cov.uncovered:
        lines += ["", f"## {label(lang, 'uncovered')}", "", f"_{label(lang, 'uncovered_intro')}_", "",
                  f"| {label(lang, 'provider')} | {label(lang, 'rule')} | {label(lang, 'counts')} |",
                  "|---|---|---:|"]
        for u in cov.uncovered:
            meta = cat.rules.get(u.rule)
            title = f" — {meta.title.get(lang)}" if meta else ""
            lines.append(f"| {texts.PROVIDERS.get(u.provider, u.provider)} | "
                         f"{_cell(u.rule + title)} | {_counts(u.counts)} |")
    lines += ["", f"## {label(lang, 'chapter8')}", "",
              f"_{label(lang, 'chapter8_intro', file=_cell(report.providers_file))}_", ""]
    if not report.chapter8:
        lines.append(label(lang, "no_actor"))
    for row in report.chapter8:
        name = row.actor.facts["actor"].value
        lines += [f"### {_cell(name)}", ""]
        if row.regions:
            lines.append(f"- {label(lang, 'regions_found')}{c}{_cell(', '.join(row.regions))}")
        for fact in FACTS:
            lines.append(f"- {label(lang, fact)}{c}{_fact(row.actor.facts[fact], lang)}")
        for region, facts in row.overrides.items():
            for fact, value in facts.items():
                lines.append(f"- {_cell(region)} — {label(lang, fact)}{c}{_fact(value, lang)}")
        lines.append("")
    lines += (filing_markdown.documents(report) + filing_markdown.rule_references(report)
              + filing_markdown.provenance(report))
    problems = report.merged.unread + report.merged.errors
    if problems:
        lines += [f"## {label(lang, 'errors')}", "", f"_{label(lang, 'errors_intro')}_", ""]
        lines += [f"- {markdown_code(p['path'], in_table=False)}{c}{_cell(p['message'])}"
                  for p in problems]
        lines.append("")
    lines += [f"## {label(lang, 'method')}", "", label(lang, "method_text")]
    return "\n".join(lines) + "\n"
