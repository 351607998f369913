"""What every HTML page of the reports writes alike: status icons and badges, and the one
escaping every value goes through. The compliance report (`html`) and the filing pages
(`filing_html`) both import this module, so neither imports the other for them."""
from __future__ import annotations

from typing import Callable, Container, Iterable

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


def table_head(keys: Iterable[str], text: Callable[[str], str], numeric: Container[str] = ()) -> str:
    """A table's header row and the start of its body, one heading a key: its words from
    `text` (the page's own labels), escaped; a key in `numeric` heads a column of figures
    and is right-aligned like them (class num). The tables of both pages start here."""
    cells = "".join(f'<th class="num">{e(text(key))}</th>' if key in numeric
                    else f"<th>{e(text(key))}</th>" for key in keys)
    return f"<thead><tr>{cells}</tr></thead><tbody>"


def where(res: dict) -> str:
    """Where a finding's resource is, as the reader looks for it: `file:line` for code, else
    the file alone, else the cloud id. Both HTML pages show locations alike through here."""
    if res.get("file") and res.get("line"):
        return f'{res["file"]}:{res["line"]}'
    return res.get("file") or res.get("cloud_id") or ""
