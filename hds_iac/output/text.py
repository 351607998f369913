"""The terminal report: findings grouped by topic, worst first, and a summary line.

One line per finding, so that a long run reads (and greps) as a list; the fix and the
references follow each topic, once per rule and provider, with the provider's own fix
only. Every text goes through `escaping.for_terminal` before colour is added: a value read
from an input never sends a control character or an escape sequence to the terminal.
"""
from __future__ import annotations

from hds_iac.catalogue import PROVIDER_LABELS, TOPICS
from hds_iac.engine import SEVERITY_RANK, Finding
from hds_iac.escaping import for_terminal
from hds_iac.output import completeness
from hds_iac.scan import ScanResult, summarize

_COLOURS = {"fail": "31", "unknown": "33", "pass": "32", "skipped": "36", "dim": "2", "bold": "1"}
_LABELS = {
    "en": {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN", "skipped": "SKIPPED", "fix": "fix",
           "refs": "refs", "errors": "errors", "notices": "notices", "account": "account"},
    "fr": {"pass": "CONFORME", "fail": "ÉCHEC", "unknown": "INCONNU", "skipped": "IGNORÉ",
           "fix": "correction",
           "refs": "réf.", "errors": "erreurs", "notices": "avis", "account": "compte"},
}


class _Style:
    """Colours a text made safe first: the only escape sequences printed are ours."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, what: str | None = None) -> str:
        safe = for_terminal(text)
        return f"\033[{_COLOURS[what]}m{safe}\033[0m" if self.colour and what else safe


def _where(f: Finding) -> str:
    """file:line of the deciding attribute (else of the resource), or the cloud id."""
    origin = f.resource.origin
    line, file = f.line, f.file
    if file and line:
        return f"{file}:{line}"
    return origin.file or origin.cloud_id or ""


def _refs(f: Finding) -> str:
    refs = f.meta.references
    parts = ["HDS " + ", ".join(refs.hds)]
    if refs.iso27001:
        parts.append("ISO 27001 " + ", ".join(refs.iso27001))
    if refs.secnumcloud:
        parts.append("SNC " + ", ".join(refs.secnumcloud))
    parts += [f"{m.provider} §{m.section}" if m.section.isdigit() else f"{m.provider}: {m.section}"
              for m in f.duties]
    return " · ".join(parts)


def _finding_line(f: Finding, lang: str, style: _Style) -> str:
    labels = _LABELS[lang]
    where = f"  ({_where(f)})" if _where(f) else ""
    text = f"{f.resource.address}{f.attribute_note(lang)}{where}: {f.message(lang)}"
    if f.suppression:
        text += f" [{f.suppression.by}: {f.suppression.reason}]"
    return ("  " + style(f"{labels[f.status]:<8}", f.status)
            + style(f" {f.rule_id}  {f.severity:<8} {' '.join(text.split())}"))


def _fixes(group: list[Finding], lang: str, style: _Style) -> list[str]:
    """One fix line per (rule, provider) among the findings that need one."""
    labels = _LABELS[lang]
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for f in group:
        key = (f.rule_id, f.resource.provider)
        if f.status in ("pass", "skipped") or key in seen:
            continue
        seen.add(key)
        provider = PROVIDER_LABELS.get(f.resource.provider, f.resource.provider)
        fix = " ".join(f.meta.remediation_for(f.resource.provider).get(lang).split())
        lines.append(style(f"  {labels['fix']} {f.rule_id} ({provider}): {fix} "
                           f"[{labels['refs']}: {_refs(f)}]", "dim"))
    return lines


def by_account(findings: list[Finding]) -> dict[str | None, list[Finding]]:
    """Findings per cloud account (live scans of several accounts), accounts in id order;
    code, plans and states have one group, None."""
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.account, []).append(f)
    return dict(sorted(groups.items(), key=lambda item: item[0] or ""))


def _topics(findings: list[Finding], lang: str, style: _Style) -> list[str]:
    """Findings by topic, worst first, each topic followed by its fixes."""
    lines: list[str] = []
    order = {"fail": 0, "unknown": 1, "skipped": 2, "pass": 3}
    for topic in TOPICS:
        group = [f for f in findings if f.meta.topic == topic]
        if not group:
            continue
        group.sort(key=lambda f: (order[f.status], -SEVERITY_RANK[f.severity], _where(f)))
        lines.append(style(topic, "bold"))
        lines += [_finding_line(f, lang, style) for f in group]
        lines += _fixes(group, lang, style)
        lines.append("")
    return lines


def render(result: ScanResult, lang: str = "en", colour: bool = False, show_pass: bool = False) -> str:
    style = _Style(colour)
    labels = _LABELS[lang]
    lines: list[str] = []
    shown = [f for f in result.findings if show_pass or f.status != "pass"]
    accounts = by_account(shown)
    for account, findings in accounts.items():
        if len(accounts) > 1:
            lines.append(style(f"{labels['account']} {account or '-'}", "bold"))
        lines += _topics(findings, lang, style)
    for title, entries in ((labels["errors"], result.errors),
                           (completeness.text("modules_not_read", lang), result.unread_modules),
                           (labels["notices"], result.notices)):
        if entries:
            lines.append(style(title, "bold"))
            lines += [style(f"  {e.path}: {e.message}") for e in entries]
            lines.append("")
    lines += [style(f"hds-iac: {line}") for line in completeness.statements(result, lang)]
    lines.append(style(summary_line(result, lang)))
    return "\n".join(lines) + "\n"


def summary_line(result: ScanResult, lang: str = "en") -> str:
    s = summarize(result)
    if lang == "fr":
        return (f"hds-iac : {s['resources']} ressources, {s['findings']} contrôles : "
                f"{s['passed']} conformes, {s['failed']} en échec, {s['unknown']} inconnus, "
                f"{s['skipped']} ignorés, {s['errors']} erreur(s)")
    return (f"hds-iac: {s['resources']} resources, {s['findings']} checks: {s['passed']} passed, "
            f"{s['failed']} failed, {s['unknown']} unknown, {s['skipped']} skipped, "
            f"{s['errors']} error(s)")
