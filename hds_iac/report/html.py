"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script,
no CDN, no external font or image, readable on screen and printed (A4, print CSS)."""
from __future__ import annotations

import math

from hds_iac import catalogue, provider_registry
from hds_iac.report import texts
from hds_iac.report.html_parts import ICONS, badge, e, table_head, where  # noqa: F401 - the page's helpers
from hds_iac.report.texts import colon, label, percent

MAX_ROWS = 200  # findings listed per rule in the evidence section (all are in the JSON)
COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "unknown": "#e0a100", "skipped": "#8a8a8a"}
CSS = """
:root{--ink:#1d2430;--muted:#5b6573;--line:#d5dae1;--bg:#f6f7f9;--pass:#2e7d32;--fail:#c62828;
--unknown:#b07d00;--accent:#1f4e8c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
color:var(--ink);background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
header.top{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:18px}
h1{font-size:26px;margin:0 0 4px;color:var(--accent)}
h2{font-size:20px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line);color:var(--accent)}
h3{font-size:16px;margin:22px 0 6px}
h4{font-size:14px;margin:14px 0 4px}
h5{font-size:13px;margin:10px 0 4px}
p.sub{margin:0;color:var(--muted)}
.meta{color:var(--muted);font-size:12.5px;margin-top:6px}
.note{background:#fff8e1;border-left:4px solid #e0a100;padding:8px 12px;margin:12px 0;font-size:13px}
nav.toc{background:var(--bg);padding:8px 14px;border-radius:6px;font-size:13px}
nav.toc a{color:var(--accent);margin-right:14px;text-decoration:none}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 7px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;font-size:12.5px}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
th.num{white-space:normal}
tr.item td{background:#fbfbfc;font-size:12.5px}
tr.item td.id{padding-left:22px;color:var(--muted)}
td.id{white-space:nowrap;font-weight:600}
#requirements-table{table-layout:fixed}
#requirements-table col.c-id{width:74px}#requirements-table col.c-auto{width:150px}
#requirements-table .badge{white-space:normal}
table.findings,table.duties{table-layout:fixed}
table.duties col.d-rules{width:150px}table.duties col.d-status{width:130px}
table.duties col.d-counts{width:110px}table.duties col.d-chart{width:166px}
table.findings col.f-status{width:122px}table.findings col.f-sev{width:78px}
table.findings col.f-res{width:24%}table.findings col.f-where{width:15%}table.findings col.f-src{width:12%}
#requirements-table col.c-status{width:130px}#requirements-table col.c-counts{width:120px}
#requirements-table col.c-chart{width:166px}
.small{font-size:12px;color:var(--muted)}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;white-space:nowrap;
border:1px solid currentColor}
.s-pass{color:var(--pass)}.s-fail{color:var(--fail)}.s-unknown{color:var(--unknown)}
.s-not-evaluated,.s-manual,.s-skipped{color:var(--muted)}
.s-not-followed,.s-to-assess{color:var(--unknown)}.s-override{color:var(--fail)}
.a-automated{color:var(--pass)}.a-partial{color:var(--accent)}.a-manual{color:var(--muted)}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0 6px}
.card{flex:1 1 250px;border:1px solid var(--line);border-radius:8px;padding:12px 14px;display:flex;
gap:12px;align-items:center}
.card .big{font-size:24px;font-weight:700}
.card .what{font-size:13px;color:var(--muted)}
code{font:12px/1.3 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;overflow-wrap:anywhere}
.fact .v{font-weight:600}
sup.ref{font-size:10px;color:var(--accent)}
ol.sources{font-size:12px;color:var(--muted);padding-left:22px}
ol.sources li{word-break:break-word}
svg{vertical-align:middle}
.legend span{margin-right:14px;white-space:nowrap}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:baseline}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{font-size:10.5pt}
 main{max-width:none;padding:0}
 nav.toc{display:none}
 h2{break-after:avoid;page-break-after:avoid}
 h3,h4{break-after:avoid}
 tr,.card{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 section.evidence,section.chapter8{break-before:page}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
 #requirements-table col.c-id{width:54px}#requirements-table col.c-auto{width:92px}
 #requirements-table col.c-status{width:96px}#requirements-table col.c-counts{width:66px}
 #requirements-table col.c-chart{width:92px}
 table.duties col.d-rules{width:100px}table.duties col.d-status{width:96px}
 table.duties col.d-counts{width:66px}table.duties col.d-chart{width:92px}
 table.findings col.f-status{width:92px}table.findings col.f-sev{width:60px}
 .badge{white-space:normal}
 td svg.bar{width:100%}
 table{font-size:9pt}
}
"""


def bar(counts: dict[str, int], lang: str, width: int = 150, height: int = 12) -> str:
    """A stacked horizontal bar: pass, fail, unknown, skipped."""
    total = sum(counts.get(s, 0) for s in COLOURS)
    names = texts.STATUS[lang]
    summary = ", ".join(f"{names[s]} {counts.get(s, 0)}" for s in COLOURS if counts.get(s, 0))
    title = summary or names["not-evaluated"]
    parts = [f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
             ' preserveAspectRatio="none"'
             f' role="img" aria-label="{e(title)}"><title>{e(title)}</title>',
             f'<rect x="0" y="0" width="{width}" height="{height}" rx="2" fill="#eceff3"/>']
    x = 0.0
    for status, colour in COLOURS.items():
        n = counts.get(status, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{colour}"/>')
        x += w
    parts.append("</svg>")
    return "".join(parts)


def donut(share: float | None, colour: str, lang: str, size: int = 64) -> str:
    """A ring showing a share (0-100)."""
    r = size / 2 - 6
    circumference = 2 * math.pi * r
    value = share or 0.0
    dash = circumference * value / 100
    text = percent(share, lang)
    short = f"{value:.0f}" + ("\u202f%" if lang == "fr" else "%")
    c = size / 2
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img"'
            f' aria-label="{e(text)}"><title>{e(text)}</title>'
            f'<circle cx="{c}" cy="{c}" r="{r:.2f}" fill="none" stroke="#eceff3" stroke-width="9"/>'
            f'<circle cx="{c}" cy="{c}" r="{r:.2f}" fill="none" stroke="{colour}" stroke-width="9"'
            f' stroke-dasharray="{dash:.2f} {circumference:.2f}" transform="rotate(-90 {c} {c})"/>'
            f'<text x="{c}" y="{c + 4}" text-anchor="middle" font-size="12" font-weight="700"'
            f' fill="#1d2430">{e(short)}</text></svg>')


# Headings of columns of figures: right-aligned, like the figures under them.
NUMERIC_HEADS = ("counts", "resources", "findings")


def _head(lang: str, *keys: str) -> str:
    """The header row of one of this page's tables, headings from its labels."""
    return table_head(keys, lambda key: label(lang, key), NUMERIC_HEADS)


def _counts_cell(counts: dict[str, int]) -> str:
    text = f'{counts["pass"]} / {counts["fail"]} / {counts["unknown"]}'
    if counts.get("skipped"):
        text += f' <span class="small">(+{counts["skipped"]})</span>'
    return text


class _Sources:
    """Numbered footnotes for the chapter 8 facts."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, source: str) -> str:
        if not source:
            return ""
        if source not in self.items:
            self.items.append(source)
        n = self.items.index(source) + 1
        return f'<sup class="ref"><a href="#src-{n}">[{n}]</a></sup>'


def _summary(report) -> list[str]:
    lang = report.lang
    fig = report.coverage.figures()
    req, duties = fig["requirements"], fig["duties"]
    out = [f'<section id="summary"><h2>{e(label(lang, "summary"))}</h2>', '<div class="cards">']
    cards = (
        ("req-with-checks", req["share_with_checks"], "#1f4e8c",
         f'{req["with_checks"]} {label(lang, "of")} {req["total"]}', label(lang, "req_with_checks")),
        ("req-passing", req["share_passing"], COLOURS["pass"],
         f'{req["pass"]} {label(lang, "of")} {req["with_checks"]}', label(lang, "req_passing")),
        ("duties-passing", duties["share_passing"], COLOURS["pass"],
         f'{duties["pass"]} {label(lang, "of")} {duties["obligations"]}', label(lang, "duties_passing")),
    )
    for key, share, colour, figure, what in cards:
        out.append(f'<div class="card" id="card-{key}">{donut(share, colour, lang)}<div>'
                   f'<div class="big">{e(figure)}</div><div class="what">{e(what)} · '
                   f'{e(percent(share, lang))}</div></div></div>')
    out.append("</div>")
    out.append(f'<p class="small">{e(label(lang, "coverage_note"))}</p>')
    totals = fig["findings"]
    names = texts.STATUS[lang]
    out.append(f'<h3>{e(label(lang, "findings_by_status"))}</h3><p class="legend" id="totals">')
    for s in ("pass", "fail", "unknown", "skipped"):
        out.append(f'<span><i class="sw" style="background:{COLOURS[s]}"></i>{e(names[s])} '
                   f'<b data-count="{s}">{totals[s]}</b></span>')
    out.append(f'</p>{bar(totals, lang, width=520, height=16)}')
    out.append(f'<h3>{e(label(lang, "by_topic"))}</h3><table id="topics">'
               + _head(lang, "topic", "status", "counts", "chart", "rules"))
    for t in report.coverage.topics:
        out.append(f'<tr data-topic="{e(t.topic)}"><td>{e(texts.TOPICS[lang][t.topic])}</td>'
                   f'<td>{badge(t.status, lang)}</td><td class="num">{_counts_cell(t.counts)}</td>'
                   f'<td>{bar(t.counts, lang)}</td><td class="small">{e(", ".join(t.rules))}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def _sources(report) -> list[str]:
    lang = report.lang
    m = report.merged
    out = [f'<section id="sources"><h2>{e(label(lang, "sources"))}</h2><table>'
           + _head(lang, "source_file", "source_kind", "inputs", "resources", "findings")]
    for s in m.sources:
        kinds = ", ".join(texts.KINDS[lang].get(k, k) for k in s.kinds)
        inputs = "<br>".join(f'<code>{e(i.get("path", ""))}</code>' for i in s.inputs)
        out.append(f'<tr><td><code>{e(s.name)}</code></td><td>{e(kinds)}</td><td>{inputs}</td>'
                   f'<td class="num">{s.resources}</td><td class="num">{s.findings}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def _requirements(report) -> list[str]:
    lang = report.lang
    auto, reasons = texts.AUTOMATION[lang], texts.REASONS[lang]
    out = [f'<section id="requirements"><h2>{e(label(lang, "requirements"))}</h2>',
           '<table id="requirements-table"><colgroup><col class="c-id"><col><col class="c-auto">'
           '<col class="c-status"><col class="c-counts"><col class="c-chart"></colgroup>'
           + _head(lang, "requirement", "req_title", "automation", "status", "counts", "chart")]
    for v in report.coverage.requirements:
        r = v.requirement
        why = ""
        if r.reasons:
            why = f'<div class="small"><b>{e(label(lang, "why_manual") + colon(lang))}</b>'
            why += e(", ".join(reasons[x] for x in r.reasons)) + "</div>"
        rules = f'<div class="small">{e(label(lang, "rules") + colon(lang))}'
        rules = rules + e(", ".join(v.rules)) + "</div>" if v.rules else ""
        counts = _counts_cell(v.counts) if r.automation != "manual" else "–"
        chart = bar(v.counts, lang) if r.automation != "manual" else ""
        out.append(
            f'<tr class="req" id="{e(r.id.replace(" ", "-"))}" data-requirement="{e(r.id)}"'
            f' data-automation="{r.automation}" data-status="{v.status}">'
            f'<td class="id">{e(r.id)}</td><td>{e(r.title.get(lang))}'
            f'<div class="small">{e(r.explain.get(lang))}</div>{why}{rules}</td>'
            f'<td><span class="badge a-{r.automation}">{e(auto[r.automation])}</span></td>'
            f'<td>{badge(v.status, lang)}</td><td class="num">{counts}</td><td>{chart}</td></tr>')
        for i in v.items:
            why_not = ((i.item.explain.get(lang) if i.item.explain else "")
                       + (" (" + ", ".join(reasons[x] for x in i.item.reasons) + ")"
                          if i.item.reasons else ""))
            # a classified sub-item (EXI 05 D.c) shows its rules and why not all is judged
            detail = e(", ".join(i.rules) + (" — " + why_not if i.item.automation else "")) \
                if i.rules else e(why_not)
            classified = (f'<span class="badge a-{e(i.item.automation)}">'
                          f'{e(auto[i.item.automation])}</span>' if i.item.automation else "")
            out.append(
                f'<tr class="item" data-item="{e(r.id)} {e(i.item.id)}" data-status="{i.status}">'
                f'<td class="id">{e(i.item.id)}</td><td>{e(i.item.title.get(lang))}'
                f'<div class="small">{detail}</div></td><td>{classified}</td><td>{badge(i.status, lang)}</td>'
                f'<td class="num">{_counts_cell(i.counts) if i.rules else "–"}</td>'
                f'<td>{bar(i.counts, lang) if i.rules else ""}</td></tr>')
    out.append("</tbody></table>")
    legend = label(lang, "legend") + colon(lang)
    out.append(f'<p class="small"><b>{e(legend)}</b>{e(label(lang, "legend_text"))}</p></section>')
    return out


def _findings_table(findings: list[dict], report) -> list[str]:
    lang = report.lang
    sev = texts.SEVERITY[lang]
    out = ['<table class="findings"><colgroup><col class="f-status"><col class="f-sev">'
           '<col class="f-res"><col class="f-where"><col class="f-src"><col></colgroup>'
           + _head(lang, "status", "severity", "resource", "where", "source", "message")]
    order = {"fail": 0, "unknown": 1, "skipped": 2, "pass": 3}
    # Live scans of several accounts: grouped by account within each status.
    ranked = sorted(findings, key=lambda f: (order[f["status"]],
                                             str((f.get("resource") or {}).get("account") or ""),
                                             (f.get("resource") or {}).get("address", "")))
    for f in ranked[:MAX_ROWS]:
        res = f.get("resource") or {}
        place = " · ".join(str(p) for p in (res.get("account"), res.get("region")) if p)
        region = f' <span class="small">{e(place)}</span>' if place else ""
        src = report.merged.sources[f["source"]]
        shown = report.coverage.shown_status(f)
        out.append(f'<tr data-status="{f["status"]}"><td>{badge(shown, lang)}</td>'
                   f'<td>{e(sev.get(f.get("severity", ""), f.get("severity", "")))}</td>'
                   f'<td><code>{e(res.get("address", ""))}</code>{region}</td>'
                   f'<td><code>{e(where(res))}</code></td><td><code>{e(src.name)}</code></td>'
                   f'<td>{e(f.get("message", ""))}</td></tr>')
    out.append("</tbody></table>")
    if len(ranked) > MAX_ROWS:
        out.append(f'<p class="small">{e(label(lang, "more_rows", n=len(ranked) - MAX_ROWS))}</p>')
    return out


def _rule_evidence(rid: str, findings: list[dict], report, tag: str = "h4") -> list[str]:
    lang = report.lang
    meta = catalogue.load().rules.get(rid)
    found = [f for f in findings if f["rule_id"] == rid]
    title = meta.title.get(lang) if meta else (found[0].get("title", "") if found else "")
    counts = {s: sum(f["status"] == s for f in found) for s in COLOURS}
    out = [f'<{tag}>{e(rid)} — {e(title)} {bar(counts, lang, 110, 10)} '
           f'<span class="small">{_counts_cell(counts)}</span></{tag}>']
    if found:
        out += _findings_table(found, report)
    elif report.filing and rid in report.filing.not_run:  # left out: say so
        out.append(f'<p class="small" data-not-run="{e(rid)}">{badge("not-run", lang)}</p>')
    else:
        out.append(f'<p class="small">{e(label(lang, "no_evidence"))}</p>')
    return out


def _evidence(report) -> list[str]:
    lang = report.lang
    out = [f'<section id="evidence" class="evidence"><h2>{e(label(lang, "evidence"))}</h2>',
           f'<p class="small">{e(label(lang, "evidence_intro"))}</p>']
    for v in report.coverage.requirements:
        req = v.requirement
        if req.automation == "manual" and not (req.evidence and v.rules):
            continue
        out.append(f'<h3 id="evidence-{e(req.id.replace(" ", "-"))}">'
                   f'{e(req.id)} — {e(req.title.get(lang))} {badge(v.status, lang)}</h3>')
        if req.evidence:
            # supporting evidence per event, never a score of the requirement
            out.append(f'<p class="note">{e(label(lang, "supporting"))}</p>')
            for item in v.items:
                if not item.rules:
                    continue
                out.append(f'<h4 data-item="{e(req.id)} {e(item.item.id)}">'
                           f'{e(label(lang, "item").capitalize())} {e(item.item.id)} — '
                           f'{e(item.item.title.get(lang))}</h4>')
                for rid in item.rules:
                    out += _rule_evidence(rid, v.findings, report, "h5")
            continue
        for rid in v.rules:
            out += _rule_evidence(rid, v.findings, report)
    out.append("</section>")
    return out


def _cites(duty, lang: str) -> str:
    if not duty.cites:
        return ""
    what = label(lang, "cites_hds_2018") if duty.cites_hds_2018 else label(lang, "cites")
    return f'<div class="small">{e(what + colon(lang))}{e(duty.cites)}</div>'


def _accounts(report) -> list[str]:
    """The summary by account (live scans of several accounts), when there is one."""
    if not report.accounts:
        return []
    lang = report.lang
    out = [f'<section id="accounts"><h2>{e(label(lang, "accounts"))}</h2>',
           f'<p class="small">{e(label(lang, "accounts_intro"))}</p><table>'
           + _head(lang, "account", "provider", "counts", "chart", "account_errors")]
    for row in report.accounts:
        errors = "".join(f'<div class="small">{e(text)}</div>' for text in row.errors)
        if row.error_count > len(row.errors):
            errors += (f'<div class="small">'
                       f'{e(label(lang, "account_more_errors", n=row.error_count - len(row.errors)))}'
                       "</div>")
        counts = (_counts_cell(row.counts) if row.scanned
                  else f'<b>{e(label(lang, "account_not_scanned"))}</b>')
        out.append(f'<tr data-account="{e(row.account)}"'
                   f' data-scanned="{str(row.scanned).lower()}"><td><code>{e(row.account)}</code></td>'
                   f'<td>{e(provider_registry.label(row.provider))}</td>'
                   f'<td class="num">{counts}</td><td>{bar(row.counts, lang, 110, 10)}</td>'
                   f'<td>{errors}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def _drift(report) -> list[str]:
    """The drift section (live scans with --against), when a merged result has one."""
    drift = report.drift
    if drift is None:
        return []
    lang = report.lang
    cat = catalogue.load()
    out = [f'<section id="drift"><h2>{e(label(lang, "drift"))}</h2>',
           f'<p class="small">{e(label(lang, "drift_intro"))}</p>',
           f'<p><strong>{e(label(lang, "drift_states"))}</strong>{e(colon(lang))} '
           + (", ".join(f"<code>{e(s)}</code>" for s in drift.states)
              or e(label(lang, "drift_none"))) + "</p>"]
    for rid, counts in drift.counts.items():
        meta = cat.rules.get(rid)
        title = meta.title.get(lang) if meta else ""
        out.append(f'<h4>{e(rid)} — {e(title)} {bar(counts, lang, 110, 10)} '
                   f'<span class="small">{_counts_cell(counts)}</span></h4>')
    # An allowed resource shows the allow-list entry and its reason, not the failure.
    shown = [{**f, "message": f["suppression"]["reason"]}
             if f["status"] == "skipped" and (f.get("suppression") or {}).get("reason") else f
             for f in drift.findings]
    if shown:
        out += _findings_table(shown, report)
    out.append("</section>")
    return out


def _duties(report) -> list[str]:
    lang = report.lang
    out = [f'<section id="duties"><h2>{e(label(lang, "duties"))}</h2>',
           f'<p class="small">{e(label(lang, "duties_intro"))}</p>']
    current = None
    modality = texts.MODALITY[lang]
    for d in report.coverage.duties:
        doc = d.duty.document
        name = d.duty.heading.get(lang)
        section = f"§ {name}" if name[:1].isdigit() else name
        version = f" ({doc.version})" if doc.version else ""
        heading = f'{doc.title.get(lang)}{version} — {section}'
        if heading != current:
            if current is not None:
                out.append("</tbody></table>")
            current = heading
            out.append(f'<h3 data-provider="{e(d.duty.provider)}">{e(heading)}</h3>'
                       f'<p class="small">{e(doc.where.get(lang))}</p>'
                       '<table class="duties"><colgroup><col><col class="d-rules">'
                       '<col class="d-status"><col class="d-counts"><col class="d-chart"></colgroup>'
                       + _head(lang, "duty", "rules", "status", "counts", "chart"))
        out.append(f'<tr data-duty="{e(d.duty.key)}" data-provider="{e(d.duty.provider)}"'
                   f' data-modality="{e(d.duty.modality)}" data-status="{d.status}">'
                   f'<td>{e(d.duty.duty.get(lang))}<div class="small"><b>'
                   f'{e(label(lang, "modality") + colon(lang))}</b>{e(modality[d.duty.modality])}</div>'
                   f'{_cites(d.duty, lang)}</td>'
                   f'<td class="small">{e(", ".join(d.rules) or "–")}</td><td>{badge(d.status, lang)}</td>'
                   f'<td class="num">{_counts_cell(d.counts)}</td><td>{bar(d.counts, lang)}</td></tr>')
    if current is not None:
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _uncovered(report) -> list[str]:
    lang = report.lang
    if not report.coverage.uncovered:
        return []
    cat = catalogue.load()
    out = [f'<section id="uncovered"><h2>{e(label(lang, "uncovered"))}</h2>',
           f'<p class="small">{e(label(lang, "uncovered_intro"))}</p><table>'
           + _head(lang, "provider", "rule", "counts")]
    for u in report.coverage.uncovered:
        meta = cat.rules.get(u.rule)
        title = f" — {meta.title.get(lang)}" if meta else ""
        out.append(f'<tr data-uncovered="{e(u.provider)} {e(u.rule)}">'
                   f'<td>{e(texts.PROVIDERS.get(u.provider, u.provider))}</td>'
                   f'<td>{e(u.rule + title)}</td><td class="num">{_counts_cell(u.counts)}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def _fact_cell(fact, lang: str, sources: _Sources) -> str:
    words = texts.LABELS[lang]
    value = words.get(fact.value, fact.value) if fact.value in (
        "yes", "no", "unknown", "exempt", "host", "subcontractor") else fact.value
    cls = "s-unknown" if fact.value == "unknown" else ""
    text = f'<span class="v {cls}" data-value="{e(fact.value)}">{e(value)}</span>'
    if fact.inferred:
        text += f' <span class="small" data-inferred="1">({e(words["inferred"])})</span>'
    if fact.countries:
        text += f' <span class="small">({e(", ".join(fact.countries))})</span>'
    text += sources.ref(fact.source.get(lang) if fact.source else "")
    if fact.note:
        text += f'<div class="small">{e(fact.note.get(lang))}</div>'
    return text


def _chapter8(report) -> list[str]:
    from hds_iac.report.chapter8 import FACTS

    lang = report.lang
    sources = _Sources()
    out = [f'<section id="chapter8" class="chapter8"><h2>{e(label(lang, "chapter8"))}</h2>',
           f'<p class="small">{e(label(lang, "chapter8_intro", file=report.providers_file))}</p>']
    if not report.chapter8:
        out.append(f'<p>{e(label(lang, "no_actor"))}</p></section>')
        return out
    out.append('<table id="chapter8-table">' + _head(lang, *FACTS))
    for row in report.chapter8:
        cells = [_fact_cell(row.actor.facts[name], lang, sources) for name in FACTS]
        if row.regions:
            cells[0] += f'<div class="small">{e(label(lang, "regions_found") + colon(lang))}'
            cells[0] += e(", ".join(row.regions)) + "</div>"
        provider = row.actor.provider or ""
        out.append(f'<tr data-actor="{e(row.actor.key)}" data-provider="{e(provider)}">'
                   + "".join(f'<td class="fact">{c}</td>' for c in cells) + "</tr>")
        for region, facts in row.overrides.items():
            cells = [f'<span class="small">{e(region)}</span>'] + [
                _fact_cell(facts[name], lang, sources) if name in facts else ""
                for name in FACTS[1:]]
            out.append(f'<tr class="item" data-region="{e(region)}">'
                       + "".join(f'<td class="fact">{c}</td>' for c in cells) + "</tr>")
    out.append("</tbody></table>")
    if sources.items:
        out.append(f'<h3>{e(label(lang, "sources_list"))}</h3><ol class="sources">')
        out += [f'<li id="src-{n}">{e(s)}</li>' for n, s in enumerate(sources.items, 1)]
        out.append("</ol>")
    out.append("</section>")
    return out


def _problems(report) -> list[str]:
    lang = report.lang
    m = report.merged
    out = []
    if m.unread or m.errors:
        out.append(f'<section id="errors"><h2>{e(label(lang, "errors"))}</h2>'
                   f'<p class="small">{e(label(lang, "errors_intro"))}</p><ul>')
        out += [f'<li><code>{e(u["path"])}</code>{e(colon(lang))}{e(u["message"])}</li>' for u in m.unread]
        out += [f'<li><code>{e(x["path"])}</code>{e(colon(lang))}{e(x["message"])}</li>' for x in m.errors]
        out.append("</ul></section>")
    if m.notices:
        out.append(f'<section id="notices"><h2>{e(label(lang, "notices"))}</h2><ul class="small">')
        out += [f'<li><code>{e(x["path"])}</code>{e(colon(lang))}{e(x["message"])}</li>' for x in m.notices]
        out.append("</ul></section>")
    return out


def render(report) -> str:
    from hds_iac.report import filing_html

    lang = report.lang
    toc = [("summary", "summary"), ("sources", "sources"), ("requirements", "requirements"),
           ("evidence", "evidence"), ("duties", "duties"), ("chapter8", "chapter8")]
    if report.drift is not None:
        toc.insert(4, ("drift", "drift"))
    if report.accounts:
        toc.insert(2, ("accounts", "accounts"))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="hds-iac {e(report.tool_version)}">',
        f"<title>{e(label(lang, 'title'))}</title>",
        f"<style>{CSS}{filing_html.CSS}</style></head><body><main>",
        f'<header class="top"><h1>{e(label(lang, "title"))}</h1>'
        f'<p class="sub">{e(label(lang, "subtitle"))}</p>'
        f'<div class="meta">{e(label(lang, "generated"))} {e(texts.moment(report.generated, lang))} · '
        f'{e(label(lang, "tool"))} hds-iac {e(report.tool_version)} · '
        f'{filing_html.header(report)}</div></header>',
        f'<nav class="toc" aria-label="{e(label(lang, "toc"))}">'
        + "".join(f'<a href="#{anchor}">{e(label(lang, key))}</a>' for anchor, key in toc)
        + "".join(f'<a href="#{anchor}">{e(text)}</a>' for anchor, text in filing_html.toc(lang))
        + "</nav>",
    ]
    if report.problems:
        out.append(f'<p class="note" id="incomplete" role="alert">'
                   f'{e(label(lang, "incomplete_note", n=report.problems))}</p>')
    if report.judged_nothing:
        out.append(f'<p class="note" id="nothing-judged" role="alert">'
                   f'{e(label(lang, "nothing_judged_note"))}</p>')
    if report.coverage.outside_eea:
        out.append(f'<p class="note" id="override" role="alert"><b>'
                   f'{e(label(lang, "override_note", countries=", ".join(report.coverage.outside_eea)))}'
                   '</b></p>')
    if report.other_message_langs:
        out.append(f'<p class="note">{e(label(lang, "lang_note", langs=", ".join(report.other_message_langs), target=lang))}</p>')
    out += _summary(report)
    out += filing_html.scope(report)
    out += _sources(report)
    out += _accounts(report)
    out += _requirements(report)
    out += _evidence(report)
    out += filing_html.declared(report)
    out += filing_html.exceptions(report)
    out += _drift(report)
    out += _duties(report)
    out += _uncovered(report)
    out += _chapter8(report)
    out += filing_html.documents(report)
    out += filing_html.rule_references(report)
    out += filing_html.provenance(report)
    out += _problems(report)
    out.append(f'<footer><h2>{e(label(lang, "method"))}</h2>'
               f'<p class="small">{e(label(lang, "method_text"))}</p></footer>')
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
