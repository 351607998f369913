"""Markdown for a pull-request comment: the verdict first, then what to fix.

Both HTML and Markdown are interpreted there, so every value passes through
`escaping.for_markdown` (text) or `escaping.markdown_code` (addresses, paths); rule links
are absolute (`output.links`)."""
from __future__ import annotations

from hds_iac.catalogue import TOPICS
from hds_iac.engine import SEVERITY_RANK
from hds_iac.escaping import for_markdown, markdown_code
from hds_iac.output import completeness
from hds_iac.output.links import rule_url
from hds_iac.scan import ScanResult, summarize

_HEAD = {
    "en": ("HDS compliance", "topic", "passed", "failed", "unknown", "Failing findings",
           "Unknown (could not be decided)", "Errors", "No failing finding.", "severity",
           "rule", "resource", "where", "why", "account"),
    "fr": ("Conformité HDS", "thème", "conformes", "en échec", "inconnus", "Non-conformités",
           "Inconnus (impossible à décider)", "Erreurs", "Aucune non-conformité.", "sévérité",
           "règle", "ressource", "où", "pourquoi", "compte"),
}


def render(result: ScanResult, lang: str = "en", rules_url: str | None = None) -> str:
    h = _HEAD[lang]
    s = summarize(result)
    # A success mark only when something was judged and everything was read.
    icon = "❌" if s["failed"] else ("⚠️" if s["unknown"] or result.incomplete
                                     or result.judged_nothing else "✅")
    heading = (completeness.text("nothing_judged", lang) if result.judged_nothing else
               f"{s['failed']} {h[3]}, {s['unknown']} {h[4]}, {s['passed']} {h[2]}")
    lines = [f"### {icon} {h[0]}: {heading}", "",
             f"| {h[1]} | {h[2]} | {h[3]} | {h[4]} |", "|---|---:|---:|---:|"]
    for topic in TOPICS:
        if topic in s["by_topic"]:
            c = s["by_topic"][topic]
            lines.append(f"| {topic} | {c['pass']} | {c['fail']} | {c['unknown']} |")
    accounts = s.get("by_account") or {}
    if len(accounts) > 1:  # several cloud accounts: the same counts per account
        lines += ["", f"| {h[14]} | {h[2]} | {h[3]} | {h[4]} |", "|---|---:|---:|---:|"]
        lines += [f"| {markdown_code(a)} | {c['pass']} | {c['fail']} | {c['unknown']} |"
                  for a, c in accounts.items()]
    for status, title in (("fail", h[5]), ("unknown", h[6])):
        group = sorted((f for f in result.findings if f.status == status),
                       key=lambda f: (f.account or "", -SEVERITY_RANK[f.severity], f.rule_id))
        if not group:
            if status == "fail" and not result.judged_nothing:
                lines += ["", h[8]]
            continue
        lines += ["", f"<details{' open' if status == 'fail' else ''}><summary>{title} "
                      f"({len(group)})</summary>", "",
                  f"| {h[9]} | {h[10]} | {h[11]} | {h[12]} | {h[13]} |", "|---|---|---|---|---|"]
        for f in group:
            o = f.resource.origin
            where = f"{o.file}:{o.line}" if o.file and o.line else (o.file or o.cloud_id or "")
            lines.append(f"| {f.severity} | [{f.rule_id}](<{rule_url(f.rule_id, rules_url)}>) | "
                         f"{markdown_code(f.resource.address)} | {markdown_code(where) if where else ''}"
                         f" | {for_markdown(f.message(lang))} |")
        lines += ["", "</details>"]
    unread_title = completeness.text("modules_not_read", lang)
    for title, entries in ((h[7], result.errors),
                           (unread_title[:1].upper() + unread_title[1:], result.unread_modules)):
        if entries:
            lines += ["", f"**{title}**", ""] + [
                f"- {markdown_code(e.path, in_table=False)}: {for_markdown(e.message)}"
                for e in entries]
    lines += [""] + [f"{for_markdown(line)}  " for line in completeness.statements(result, lang)]
    return "\n".join(lines) + "\n"
