"""The period report as one self-contained HTML page: inline CSS (the compliance report's),
inline SVG charts, no script, no external resource; French or English."""
from __future__ import annotations

from typing import TYPE_CHECKING

from hds_iac.escaping import for_html as e
from hds_iac.report.html import CSS
from hds_iac.report.html_parts import table_head
from hds_iac.report.filing_texts import STATES
from hds_iac.report.texts import SEVERITY, colon

if TYPE_CHECKING:  # annotations only: `period` imports this module to render HTML
    from hds_iac.history.period import PeriodReport

RUN_COLOURS = {"complete": "#1f4e8c", "incomplete": "#e0a100"}
OPENED, FIXED = "#c62828", "#2e7d32"
CHART_W, CHART_H = 900, 150

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport HDS de surveillance continue",
        "subtitle": "Exécutions des contrôles, défaillances ouvertes et corrigées, délais de correction et exceptions sur la période",
        "period": "Période",
        "from_to": "du {since} au {until} (exclu)",
        "scope": "Périmètre",
        "all_scopes": "tous les périmètres de l'historique",
        "generated": "Généré le",
        "tool": "Outil",
        "store": "Historique",
        "summary": "Synthèse",
        "runs": "exécutions",
        "runs_incomplete": "dont incomplètes",
        "days_with_runs": "jours avec au moins une exécution",
        "days_without": "jours sans exécution",
        "opened": "défaillances ouvertes",
        "fixed": "défaillances corrigées",
        "runs_title": "Exécutions par {grain}",
        "complete": "complète",
        "incomplete": "incomplète",
        "flow_title": "Défaillances ouvertes et corrigées par {grain}",
        "flow_note": "Une défaillance est ouverte par la première exécution qui la constate et corrigée par la première exécution complète qui ne la constate plus : une exécution incomplète ne corrige jamais rien.",
        "ttf_title": "Délai de correction par sévérité",
        "ttf_note": "En jours, de la première exécution qui constate la défaillance à la première exécution complète qui ne la constate plus ; défaillances corrigées pendant la période. 90e centile interpolé entre les rangs.",
        "severity": "sévérité",
        "fixed_count": "corrigées",
        "median": "médiane (j)",
        "p90": "90e centile (j)",
        "still_open": "encore ouvertes",
        "oldest_open": "plus ancienne ouverte (j)",
        "scopes_title": "Périmètres analysés",
        "scope_col": "périmètre",
        "first_run": "première exécution",
        "last_run": "dernière exécution",
        "failing_end": "défaillances à la fin (crit. / élevée / moy. / faible)",
        "exceptions_title": "Exceptions à la fin de la période",
        "exceptions_note": "Dérogations (suppressions dans le code, entrées de référence) de la dernière exécution de chaque périmètre, avec leur état : une défaillance dérogée reste une défaillance pour l'historique.",
        "rule": "règle",
        "by": "dérogation",
        "reason": "motif",
        "until": "jusqu'au",
        "where": "où",
        "resources": "ressources",
        "since": "en vigueur depuis",
        "none": "aucune",
        "more": "… et {n} autres (voir le rapport JSON).",
        "no_runs": "Aucune exécution enregistrée sur cette période : ce rapport ne montre aucune surveillance.",
        "incomplete_note": "{n} exécution(s) incomplète(s) sur la période : elles n'ont pas pu tout lire et ne comptent pas comme preuve de correction.",
        "day": "jour", "week": "semaine", "month": "mois",
        "yes": "oui", "no": "non", "last_complete": "dernière complète",
        "state": "état", "author": "auteur",
    },
    "en": {
        "title": "HDS continuous monitoring report",
        "subtitle": "Control runs, failures opened and fixed, time to fix and exceptions over the period",
        "period": "Period",
        "from_to": "from {since} to {until} (excluded)",
        "scope": "Scope",
        "all_scopes": "every scope of the history",
        "generated": "Generated",
        "tool": "Tool",
        "store": "History store",
        "summary": "Summary",
        "runs": "runs",
        "runs_incomplete": "incomplete",
        "days_with_runs": "days with at least one run",
        "days_without": "days without a run",
        "opened": "failures opened",
        "fixed": "failures fixed",
        "runs_title": "Runs per {grain}",
        "complete": "complete",
        "incomplete": "incomplete",
        "flow_title": "Failures opened and fixed per {grain}",
        "flow_note": "A failure is opened by the first run that sees it and fixed by the first complete run that no longer does: an incomplete run never fixes anything.",
        "ttf_title": "Time to fix per severity",
        "ttf_note": "In days, from the first run that sees the failure to the first complete run that no longer does; failures fixed during the period. 90th percentile interpolated between ranks.",
        "severity": "severity",
        "fixed_count": "fixed",
        "median": "median (d)",
        "p90": "90th percentile (d)",
        "still_open": "still open",
        "oldest_open": "oldest open (d)",
        "scopes_title": "Scopes scanned",
        "scope_col": "scope",
        "first_run": "first run",
        "last_run": "last run",
        "failing_end": "failures at the end (crit. / high / med. / low)",
        "exceptions_title": "Exceptions at the end of the period",
        "exceptions_note": "Waivers (in-code skips, baseline entries) of the last run of each scope, with their state: a waived failure is still a failure for the history.",
        "rule": "rule",
        "by": "waiver",
        "reason": "reason",
        "until": "until",
        "where": "where",
        "resources": "resources",
        "since": "in force since",
        "none": "none",
        "more": "… and {n} more (see the JSON report).",
        "no_runs": "No run recorded in this period: this report shows no monitoring.",
        "incomplete_note": "{n} incomplete run(s) in the period: they could not read everything and do not count as evidence of a fix.",
        "day": "day", "week": "week", "month": "month",
        "yes": "yes", "no": "no", "last_complete": "last complete",
        "state": "state", "author": "author",
    },
}

EXTRA_CSS = """
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.kpi b{display:block;font-size:22px}
svg.chart{width:100%;height:auto;max-width:900px}
@media print{section.flow{break-before:page}}
"""


def t(lang: str, key: str, **params: object) -> str:
    text = TEXTS[lang][key]
    return text.format(**params) if params else text


# The time-to-fix table's columns of figures, after its severity column.
FIX_FIGURES = ("fixed_count", "median", "p90", "still_open", "oldest_open")


def _head(lang: str, *keys: str, numeric: tuple[str, ...] = ()) -> str:
    """The header row of one of this report's tables, headings from its texts."""
    return table_head(keys, lambda key: t(lang, key), numeric)


def when(text: str | None, lang: str) -> str:
    """A stored UTC time in the report's language: 30/11/2026 09:31 UTC or
    2026-11-30 09:31 UTC."""
    if not text:
        return "–"
    day, _, clock = text.rstrip("Z").partition("T")
    if lang == "fr" and len(day) == 10:
        day = f"{day[8:10]}/{day[5:7]}/{day[:4]}"
    return f"{day} {clock[:5]} UTC" if clock else day


def days(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def bucket_label(report: PeriodReport, index: int) -> str:
    """A bar's day, week (its Monday) or month, French form in French."""
    start = report.buckets[index].start
    if report.grain == "month":
        return f"{start.month:02d}/{start.year}" if report.lang == "fr" else start.isoformat()[:7]
    return start.strftime("%d/%m/%Y") if report.lang == "fr" else start.isoformat()


def _axis(report: PeriodReport, top: int, bottom: int) -> str:
    """First, middle and last bucket labels under a chart."""
    if not report.buckets:
        return ""
    picks = sorted({0, len(report.buckets) // 2, len(report.buckets) - 1})
    step = CHART_W / len(report.buckets)
    out = []
    for i in picks:
        x = min(max(step * (i + 0.5), 30), CHART_W - 30)
        out.append(f'<text x="{x:.1f}" y="{bottom}" text-anchor="middle" font-size="11"'
                   f' fill="#5b6573">{e(bucket_label(report, i))}</text>')
    return "".join(out)


def runs_chart(report: PeriodReport) -> str:
    lang = report.lang
    peak = max((b.runs_complete + b.runs_incomplete for b in report.buckets), default=0) or 1
    step = CHART_W / max(1, len(report.buckets))
    plot = CHART_H - 20
    title = t(lang, "runs_title", grain=t(lang, report.grain))
    parts = [f'<svg id="chart-runs" class="chart" data-bars="{len(report.buckets)}"'
             f' viewBox="0 0 {CHART_W} {CHART_H + 16}" role="img" aria-label="{e(title)}">'
             f'<title>{e(title)}</title>',
             f'<line x1="0" y1="{plot}" x2="{CHART_W}" y2="{plot}" stroke="#d5dae1"/>',
             f'<text x="2" y="11" font-size="11" fill="#5b6573">{peak}</text>']
    for i, b in enumerate(report.buckets):
        y = plot
        for kind, n in (("complete", b.runs_complete), ("incomplete", b.runs_incomplete)):
            if not n:
                continue
            h = (plot - 14) * n / peak
            y -= h
            label = f"{bucket_label(report, i)}{colon(lang)}{n} {t(lang, 'runs')} ({t(lang, kind)})"
            parts.append(f'<rect class="bar-{kind}" x="{step * i + step * 0.1:.2f}" y="{y:.2f}"'
                         f' width="{max(step * 0.8, 0.5):.2f}" height="{h:.2f}"'
                         f' fill="{RUN_COLOURS[kind]}"><title>{e(label)}</title></rect>')
    parts.append(_axis(report, plot, CHART_H + 12))
    parts.append("</svg>")
    return "".join(parts)


def flow_chart(report: PeriodReport) -> str:
    """Failures opened (above the axis) and fixed (below) per bucket."""
    lang = report.lang
    peak = max((max(b.opened, b.fixed) for b in report.buckets), default=0) or 1
    step = CHART_W / max(1, len(report.buckets))
    mid = CHART_H / 2
    title = t(lang, "flow_title", grain=t(lang, report.grain))
    parts = [f'<svg id="chart-flow" class="chart" viewBox="0 0 {CHART_W} {CHART_H + 16}"'
             f' role="img" aria-label="{e(title)}"><title>{e(title)}</title>',
             f'<line x1="0" y1="{mid}" x2="{CHART_W}" y2="{mid}" stroke="#d5dae1"/>']
    for i, b in enumerate(report.buckets):
        x, w = step * i + step * 0.1, max(step * 0.8, 0.5)
        if b.opened:
            h = (mid - 6) * b.opened / peak
            label = f"{bucket_label(report, i)}{colon(lang)}{b.opened} {t(lang, 'opened')}"
            parts.append(f'<rect class="bar-opened" x="{x:.2f}" y="{mid - h:.2f}" width="{w:.2f}"'
                         f' height="{h:.2f}" fill="{OPENED}"><title>{e(label)}</title></rect>')
        if b.fixed:
            h = (mid - 6) * b.fixed / peak
            label = f"{bucket_label(report, i)}{colon(lang)}{b.fixed} {t(lang, 'fixed')}"
            parts.append(f'<rect class="bar-fixed" x="{x:.2f}" y="{mid:.2f}" width="{w:.2f}"'
                         f' height="{h:.2f}" fill="{FIXED}"><title>{e(label)}</title></rect>')
    parts.append(_axis(report, int(mid), CHART_H + 12))
    parts.append("</svg>")
    return "".join(parts)


def fix_chart(report: PeriodReport) -> str:
    """Median and 90th percentile of the time to fix, one pair of bars per severity."""
    lang = report.lang
    values = [v for f in report.fix_times for v in (f.median_days, f.p90_days) if v]
    peak = max(values, default=0) or 1
    row, left, width = 26, 90, 560
    height = row * len(report.fix_times) + 8
    title = t(lang, "ttf_title")
    parts = [f'<svg id="chart-ttf" class="chart" viewBox="0 0 {left + width + 90} {height}"'
             f' role="img" aria-label="{e(title)}"><title>{e(title)}</title>']
    for i, f in enumerate(report.fix_times):
        y = 4 + i * row
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#1d2430">'
                     f'{e(SEVERITY[lang][f.severity])}</text>')
        for j, (key, value, colour) in enumerate((("median", f.median_days, "#1f4e8c"),
                                                  ("p90", f.p90_days, "#8fb0dd"))):
            if value is None:
                continue
            w = max(width * value / peak, 1)
            label = f"{SEVERITY[lang][f.severity]}{colon(lang)}{t(lang, key)} {days(value, lang)}"
            parts.append(f'<rect class="bar-{key}" x="{left}" y="{y + j * 10}" width="{w:.2f}"'
                         f' height="9" fill="{colour}"><title>{e(label)}</title></rect>')
            parts.append(f'<text x="{left + w + 4:.2f}" y="{y + j * 10 + 8}" font-size="10"'
                         f' fill="#5b6573">{e(days(value, lang))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _kpi(key: str, value: object, text: str) -> str:
    return f'<div class="kpi"><b data-count="{key}">{e(value)}</b>{e(text)}</div>'


def render(report: PeriodReport) -> str:
    lang = report.lang
    c = colon(lang)
    period = t(lang, "from_to", since=when(report.since, lang), until=when(report.until, lang))
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<title>{e(t(lang, "title"))}</title><style>{CSS}{EXTRA_CSS}</style></head>'
           '<body><main>',
           f'<header class="top"><h1>{e(t(lang, "title"))}</h1>'
           f'<p class="sub">{e(t(lang, "subtitle"))}</p>'
           f'<p class="meta">{e(t(lang, "period") + c)}<span id="period">{e(period)}</span>'
           f' · {e(t(lang, "scope") + c)}{e(report.scope or t(lang, "all_scopes"))}<br>'
           f'{e(t(lang, "generated"))} {e(when(report.generated, lang))} · {e(t(lang, "tool"))}'
           f' hds-iac {e(report.tool_version)} · {e(t(lang, "store") + c)}'
           f'<code>{e(report.store)}</code></p></header>']
    if "no_runs" in report.notes:
        out.append(f'<p class="note" id="no-runs">{e(t(lang, "no_runs"))}</p>')
    if report.runs_incomplete:
        out.append(f'<p class="note" id="incomplete">'
                   f'{e(t(lang, "incomplete_note", n=report.runs_incomplete))}</p>')
    out.append(f'<section id="summary"><h2>{e(t(lang, "summary"))}</h2><div class="kpis">')
    out += [_kpi("runs", report.runs, t(lang, "runs")),
            _kpi("runs-incomplete", report.runs_incomplete, t(lang, "runs_incomplete")),
            _kpi("days-with-runs", f"{report.days_with_runs} / {report.days}",
                 t(lang, "days_with_runs")),
            _kpi("opened", report.opened, t(lang, "opened")),
            _kpi("fixed", report.fixed, t(lang, "fixed"))]
    out.append("</div></section>")
    grain = t(lang, report.grain)
    legend = " ".join(f'<span><i class="sw" style="background:{c}"></i>{e(t(lang, k))}</span>'
                      for k, c in RUN_COLOURS.items())
    out.append(f'<section id="runs"><h2>{e(t(lang, "runs_title", grain=grain))}</h2>'
               f'{runs_chart(report)}<p class="legend small">{legend} · '
               f'{e(t(lang, "days_without") + c)}<b data-count="days-without">'
               f'{report.days - report.days_with_runs}</b></p></section>')
    legend = (f'<span><i class="sw" style="background:{OPENED}"></i>{e(t(lang, "opened"))}</span>'
              f'<span><i class="sw" style="background:{FIXED}"></i>{e(t(lang, "fixed"))}</span>')
    out.append(f'<section id="flow" class="flow"><h2>{e(t(lang, "flow_title", grain=grain))}</h2>'
               f'{flow_chart(report)}<p class="legend small">{legend}</p>'
               f'<p class="small">{e(t(lang, "flow_note"))}</p></section>')
    out.append(f'<section id="time-to-fix"><h2>{e(t(lang, "ttf_title"))}</h2>{fix_chart(report)}'
               '<table id="ttf-table">'
               + _head(lang, "severity", *FIX_FIGURES, numeric=FIX_FIGURES))
    for f in report.fix_times:
        out.append(f'<tr data-severity="{e(f.severity)}" data-fixed="{f.fixed}"'
                   f' data-open="{f.still_open}"><td>{e(SEVERITY[lang][f.severity])}</td>'
                   f'<td class="num">{f.fixed}</td><td class="num">{e(days(f.median_days, lang))}</td>'
                   f'<td class="num">{e(days(f.p90_days, lang))}</td>'
                   f'<td class="num">{f.still_open}</td>'
                   f'<td class="num">{e(days(f.oldest_open_days, lang))}</td></tr>')
    out.append(f'</tbody></table><p class="small">{e(t(lang, "ttf_note"))}</p></section>')
    out.append(f'<section id="scopes"><h2>{e(t(lang, "scopes_title"))}</h2><table>'
               + _head(lang, "scope_col", "runs", "first_run", "last_run", "last_complete",
                       "failing_end"))
    for s in report.scopes:
        failing = " / ".join(str(s.failing_at_end.get(k, 0))
                             for k in ("critical", "high", "medium", "low"))
        out.append(f'<tr data-scope="{e(s.scope)}"><td><code>{e(s.scope)}</code></td>'
                   f'<td class="num">{s.runs} ({s.complete} {e(t(lang, "complete"))})</td>'
                   f'<td>{e(when(s.first, lang))}</td><td>{e(when(s.last, lang))}</td>'
                   f'<td>{e(t(lang, "yes" if s.last_complete else "no"))}</td>'
                   f'<td class="num">{failing}</td></tr>')
    out.append("</tbody></table></section>")
    out.append(f'<section id="exceptions"><h2>{e(t(lang, "exceptions_title"))}</h2>'
               f'<p class="small">{e(t(lang, "exceptions_note"))}</p>')
    if report.exceptions:
        out.append("<table>" + _head(lang, "scope_col", "rule", "by", "state", "reason", "until",
                                     "where", "author", "resources", "since"))
        for x in report.exceptions:
            state = STATES[lang].get(x.state, x.state)
            out.append(f'<tr data-exception="{e(x.rule_id)}" data-state="{e(x.state)}">'
                       f'<td><code>{e(x.scope)}</code></td>'
                       f'<td>{e(x.rule_id)}</td><td>{e(x.by)}</td><td>{e(state)}</td>'
                       f'<td>{e(x.reason)}</td><td>{e(x.until or "–")}</td>'
                       f'<td><code>{e(x.location or "")}</code></td><td>{e(x.author or "")}</td>'
                       f'<td class="num">{x.resources}</td><td>{e(when(x.since, lang))}</td></tr>')
        out.append("</tbody></table>")
        if report.exceptions_total > len(report.exceptions):
            out.append(f'<p class="small">'
                       f'{e(t(lang, "more", n=report.exceptions_total - len(report.exceptions)))}</p>')
    else:
        out.append(f'<p id="no-exceptions">{e(t(lang, "none"))}</p>')
    out.append("</section></main></body></html>\n")
    return "".join(out)
