"""What every HTML page of the reports writes alike: status icons and badges, and the one
escaping every value goes through. The compliance report (`html`) and the filing pages
(`filing_html`) both import this module, so neither imports the other for them."""
from __future__ import annotations

from hds_iac.escaping import for_html
from hds_iac.report import texts

ICONS = {"pass": "✔", "fail": "✘", "unknown": "?", "skipped": "–", "not-evaluated": "∅",
         "manual": "✎", "not-run": "⊘", "not-followed": "◌", "to-assess": "◌", "override": "⚠"}


def e(text: object) -> str:
    """Every value of the page goes through here: HTML-escaped, and characters HTML and
    XML forbid (controls, lone surrogates) replaced (`escaping.for_html`)."""
    return for_html(text)


def badge(status: str, lang: str) -> str:
    return (f'<span class="badge s-{status}" data-status="{status}">{ICONS[status]} '
            f'{e(texts.STATUS[lang][status])}</span>')


def where(res: dict) -> str:
    """Where a finding's resource is, as the reader looks for it: `file:line` for code, else
    the file alone, else the cloud id. Both HTML pages show locations alike through here."""
    if res.get("file") and res.get("line"):
        return f'{res["file"]}:{res["line"]}'
    return res.get("file") or res.get("cloud_id") or ""
