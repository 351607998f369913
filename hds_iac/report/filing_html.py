"""HTML of the report's evidence sections (scope, provenance, exceptions register,
declared passes, documents to provide, rule references): see filing.py. Every value from
a result file is escaped with `e`."""
from __future__ import annotations

from hds_iac.report import filing as filing_mod
from hds_iac.report.filing_texts import ACTIVITIES, ORIGINS, STATES, activity, flabel
from hds_iac.report.html_parts import badge, e, table_head, where
from hds_iac.report.texts import STATUS, colon

CSS = """
.s-not-run{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:minmax(180px,28%) 1fr;gap:3px 14px;margin:6px 0 12px;font-size:13px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.hash{font:11px/1.3 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;overflow-wrap:anywhere}
tr[data-state=expired] td,tr[data-state=no-reason] td,tr[data-state=invalid-expiry] td{background:#fff4f4}
.st-provided{color:var(--pass)}.st-to-provide{color:var(--fail)}
table.hashes{table-layout:fixed}table.hashes col.h-hash{width:48%}
details summary{cursor:pointer;color:var(--accent);font-size:13px}
@media print{details{display:block}details>summary{display:none}}
"""

TOC = (("scope", "scope"), ("provenance", "provenance"), ("exceptions", "exceptions"),
       ("declared", "declared"), ("documents", "documents"), ("rule-references", "rule_refs"))


def toc(lang: str) -> list[tuple[str, str]]:
    """(anchor, heading) of each section, for the report's table of contents."""
    return [(anchor, flabel(lang, key)) for anchor, key in TOC]


def _open(lang: str, section: str, title: str, intro: str) -> list[str]:
    """A section's start: its heading and its one-line introduction."""
    return [f'<section id="{section}"><h2>{e(flabel(lang, title))}</h2>',
            f'<p class="small">{e(flabel(lang, intro))}</p>']


def _table(table_id: str, lang: str, heads: tuple[str, ...]) -> str:
    """A table's start, up to its body, with the labels `heads` as column headings."""
    return f'<table id="{table_id}">' + table_head(heads, lambda key: flabel(lang, key))


def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list; values are already escaped HTML."""
    return '<dl class="facts">' + "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _list(items: list[str], lang: str) -> str:
    return e(", ".join(items)) if items else f'<span class="small">{e(flabel(lang, "not_declared"))}</span>'


def scope(report) -> list[str]:
    lang = report.lang
    view = report.filing.scope
    out = _open(lang, "scope", "scope", "scope_intro")
    if not view.declared:
        out.append(f'<p class="note" id="no-scope">{e(flabel(lang, "no_scope"))}</p>')
    complete = (flabel(lang, "complete_yes") if not report.problems
                else flabel(lang, "complete_no", n=report.problems))
    code = "<br>".join(
        f'<code>{e(c["path"])}</code> <span class="small">({e(c["source"])})</span>'
        + (f' <span class="hash">{e(c["commit"])}</span>' if c["commit"] else "")
        for c in view.code_scanned)
    acts = "<br>".join(e(activity(lang, a)) for a in view.activities if a in ACTIVITIES[lang])
    rows = [
        (flabel(lang, "host"), _list(view.hosts, lang)),
        (flabel(lang, "activities"), acts or _list([], lang)),
        (flabel(lang, "accounts_declared"), _list(view.accounts, lang)),
        (flabel(lang, "accounts_scanned"), e(", ".join(view.accounts_scanned) or flabel(lang, "none"))),
        (flabel(lang, "regions_declared"), _list(view.regions, lang)),
        (flabel(lang, "regions_scanned"), e(", ".join(view.regions_scanned) or flabel(lang, "none"))),
        (flabel(lang, "repositories"), _list(view.repositories, lang)),
        (flabel(lang, "code_scanned"), code or e(flabel(lang, "none"))),
        (flabel(lang, "complete"),
         f'<span class="{"s-pass" if not report.problems else "s-fail"}" data-complete='
         f'"{"yes" if not report.problems else "no"}">{e(complete)}</span>'),
    ]
    out.append(f'<div id="scope-facts">{_facts(rows)}</div>')
    for key, items in (("missing_accounts", view.accounts_missing),
                       ("missing_regions", view.regions_missing)):
        if items:
            out.append(f'<p class="note" data-gap="{key}">'
                       f'{e(flabel(lang, key, items=", ".join(items)))}</p>')
    out.append("</section>")
    return out


def _settings(facts: dict, lang: str) -> str:
    if facts["allowed_is_eea"]:
        allowed = e(flabel(lang, "eea"))
    else:
        allowed = e(", ".join(facts["allowed_countries"]))
    if facts["allowed_outside_eea"]:
        allowed += (f'<div class="s-fail" data-outside-eea="yes">'
                    f'{e(flabel(lang, "outside_eea", items=", ".join(facts["allowed_outside_eea"])))}</div>')
    return allowed


def _not_run(report, src_name: str) -> str:
    lang = report.lang
    rows = []
    for rid, reasons in sorted(report.filing.not_run.items()):
        for why in reasons:
            if why["source"] == src_name:
                rows.append(f'<li data-not-run="{e(rid)}"><code>{e(rid)}</code>{e(colon(lang))}'
                            + e(flabel(lang, "excluded_by", by=why["by"] or "?",
                                       terms=", ".join(why["terms"]) or "–",
                                       origin=ORIGINS[lang].get(why["from"], why["from"])))
                            + "</li>")
    return f'<ul class="small">{"".join(rows)}</ul>' if rows else ""


def provenance(report) -> list[str]:
    lang = report.lang
    out = _open(lang, "provenance", "provenance", "provenance_intro")
    for index, src in enumerate(report.merged.sources):
        facts = filing_mod.run_facts(src)
        out.append(f'<h3 data-source="{index}"><code>{e(src.name)}</code></h3>')
        rows = [(flabel(lang, "result_sha256"),
                 f'<span class="hash">{e(src.sha256)}</span>' if src.sha256
                 else e(flabel(lang, "in_process")))]
        if not facts:
            out.append(_facts(rows))
            out.append(f'<p class="note">{e(flabel(lang, "no_provenance"))}</p>')
            continue
        git = "<br>".join(
            f'<code>{e(path)}</code>{e(colon(lang))}'
            + (f'<span class="hash">{e(commit)}</span>' if commit else e(flabel(lang, "no_git")))
            + (f' <span class="s-unknown">({e(flabel(lang, "dirty"))})</span>' if dirty is True else "")
            for path, commit, dirty in facts["git"])
        runner = [facts["user"]] if facts["user"] else []
        if facts["ci"]:
            runner.append(flabel(lang, "ci") + colon(lang) + ", ".join(
                f"{k}={v}" for k, v in facts["ci"].items()))
        thresholds = "<br>".join(f'{e(flabel(lang, k))}{e(colon(lang))}<code>{e(v)}</code>'
                                 for k, v in facts["thresholds"].items())
        not_run = _not_run(report, src.name)
        rows += [
            (flabel(lang, "run_reference"), f'<code data-run-reference>{e(facts["reference"])}</code>'),
            (flabel(lang, "tool_version"), e(facts["tool_version"])),
            (flabel(lang, "observed"), e(f'{facts["started"]} → {facts["finished"]}')),
            (flabel(lang, "config_file"),
             (f'<code>{e(facts["config"][0])}</code> <span class="hash">{e(facts["config"][1])}</span>'
              if facts["config"] else e(flabel(lang, "none")))),
            (flabel(lang, "baseline_file"),
             (f'<code>{e(facts["baseline"][0])}</code> <span class="hash">{e(facts["baseline"][1])}</span>'
              if facts["baseline"] else e(flabel(lang, "none")))),
            (flabel(lang, "allowed_countries"), _settings(facts, lang)),
            (flabel(lang, "thresholds"), thresholds),
            (flabel(lang, "rules_not_run"), not_run or e(flabel(lang, "all_rules_run"))),
            (flabel(lang, "git"), git or e(flabel(lang, "no_git"))),
            (flabel(lang, "run_by"), e("; ".join(runner) or flabel(lang, "unknown_runner"))),
        ]
        for entry in src.inputs:
            extra = filing_mod.input_facts(entry)
            if extra:
                rows.append((f'{flabel(lang, "facts")} — {entry.get("path", "")}',
                             e(", ".join(f"{k}={v}" for k, v in extra.items()))))
        out.append(_facts(rows))
        hashes = filing_mod.input_hashes(src)
        if hashes:
            out.append(f'<details open><summary>{e(flabel(lang, "input_hashes"))} ({len(hashes)})'
                       f'</summary><table class="hashes"><colgroup><col><col><col class="h-hash">'
                       f'</colgroup><thead><tr><th>{e(flabel(lang, "input"))}</th>'
                       f'<th>{e(flabel(lang, "file"))}</th><th>SHA-256</th></tr></thead><tbody>')
            out += [f'<tr data-input-file="{e(f)}"><td><code>{e(i)}</code></td><td><code>{e(f)}'
                    f'</code></td><td class="hash">{e(h)}</td></tr>' for i, f, h in hashes]
            out.append("</tbody></table></details>")
        data = facts["data"] + [(f'{flabel(lang, "user_data")} ({k}) {p}', h)
                                for k, p, h in facts["user_data"]]
        if data:
            out.append(f'<details><summary>{e(flabel(lang, "data_hashes"))} ({len(data)})</summary>'
                       '<table class="hashes"><colgroup><col><col class="h-hash"></colgroup><tbody>')
            out += [f'<tr><td><code>{e(f)}</code></td><td class="hash">{e(h)}</td></tr>'
                    for f, h in data]
            out.append("</tbody></table></details>")
    out.append("</section>")
    return out


def exceptions(report) -> list[str]:
    lang = report.lang
    entries = report.filing.exceptions
    out = _open(lang, "exceptions", "exceptions", "exceptions_intro")
    if report.filing.expired:
        out.append(f'<p class="note" id="expired-note">'
                   f'{e(flabel(lang, "expired_note", n=report.filing.expired))}</p>')
    if not entries:
        out.append(f'<p>{e(flabel(lang, "no_exceptions"))}</p></section>')
        return out
    out.append(_table("exceptions-table", lang, ("state", "kind", "rule", "resources", "location",
                                                 "reason", "author", "date", "until", "hidden")))
    for x in entries:
        hidden = ", ".join(f"{STATUS[lang].get(s, s)} {n}" for s, n in sorted(x["statuses"].items()))
        state = STATES[lang].get(x["state"], x["state"])
        out.append(
            f'<tr data-state="{e(x["state"])}" data-rule="{e(x["rule_id"])}">'
            f'<td>{e(state)}</td><td><code>{e(x["by"])}</code></td><td>{e(x["rule_id"])}</td>'
            f'<td>{"<br>".join(f"<code>{e(a)}</code>" for a in x["addresses"][:50])}</td>'
            f'<td><code>{e(x["location"])}</code><div class="small">{e(x["source"])}</div></td>'
            f'<td>{e(x["reason"])}</td><td>{e(x["author"])}</td><td>{e(x["date"])}</td>'
            f'<td>{e(x["until"])}</td><td class="small">{e(hidden)}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def declared(report) -> list[str]:
    lang = report.lang
    groups = report.filing.declared
    out = _open(lang, "declared", "declared", "declared_intro")
    if not groups:
        out.append(f'<p>{e(flabel(lang, "no_declared"))}</p></section>')
        return out
    for g in groups:
        out.append(f'<h3 data-declared-rule="{e(g.rule_id)}">{e(g.rule_id)} '
                   f'<span class="badge s-unknown" data-basis="declared">'
                   f'{e(flabel(lang, "declared_passes"))} {len(g.findings)}</span></h3>')
        if g.ask.get(lang):
            out.append(f'<p><b>{e(flabel(lang, "ask") + colon(lang))}</b>{e(g.ask[lang])}</p>')
        out.append('<ul class="small">')
        for f in g.findings[:200]:
            res = f.get("resource") or {}
            out.append(f'<li data-basis="declared"><code>{e(res.get("address", ""))}</code> '
                       f'<span class="small">{e(where(res))}</span>{e(colon(lang))}'
                       f'{e(f.get("message", ""))}</li>')
        out.append("</ul>")
    out.append("</section>")
    return out


def documents(report) -> list[str]:
    lang = report.lang
    out = _open(lang, "documents", "documents", "documents_intro")
    out.append(_table("documents-table", lang, ("document", "requirements", "what", "status")))
    for d in report.filing.documents:
        refs = "".join(f'<div class="small">{e(flabel(lang, "reference") + colon(lang))}'
                       f'{e(r)}</div>' for r in d.references)
        out.append(f'<tr data-document="{e(d.key)}" data-status="{d.status}">'
                   f'<td>{e(d.title.get(lang, d.key))}</td><td>{e(", ".join(d.requirements))}</td>'
                   f'<td class="small">{e(d.what.get(lang, ""))}</td>'
                   f'<td><span class="badge st-{d.status}">{e(flabel(lang, d.status))}</span>{refs}'
                   f'</td></tr>')
    out.append("</tbody></table></section>")
    return out


def rule_references(report) -> list[str]:
    lang = report.lang
    out = _open(lang, "rule-references", "rule_refs", "rule_refs_intro")
    out.append(_table("rule-references-table", lang, ("rule", "title", "hds", "iso27001",
                                                      "secnumcloud", "executed")))
    for r in report.filing.rules:
        run = (badge("not-run", lang) if r.run == "not-run"
               else e(flabel(lang, r.run)))
        out.append(f'<tr data-rule="{e(r.id)}" data-run="{r.run}"><td class="id">{e(r.id)}</td>'
                   f'<td>{e(r.title.get(lang, ""))}</td><td>{e(", ".join(r.hds))}</td>'
                   f'<td>{e(", ".join(r.iso27001))}</td><td>{e(", ".join(r.secnumcloud))}</td>'
                   f'<td>{run}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def header(report) -> str:
    """The report reference, for the header line."""
    return f'{e(flabel(report.lang, "report_reference"))} <code id="report-reference">{e(report.reference)}</code>'
