"""`hds-iac report`: the HDS compliance report for auditors, requirement by requirement.

Merges several JSON scan results (code, plan, state, live AWS, live Outscale) into one
view (merge.py), computes the coverage of the référentiel EXI 01-31 and of the matrix
duties (coverage.py), fills the chapter 8 table from a provider facts file (chapter8.py),
and renders it as one self-contained HTML file (html.py), Markdown or JSON. French by
default (the language of HDS audits), English with lang="en".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from hds_iac import __version__, matrices, provenance
from hds_iac.report import accounts, chapter8, coverage, filing, merge
from hds_iac.report.drift import DriftSection, section as drift_section

if TYPE_CHECKING:
    from hds_iac.scan import ScanResult

FORMATS = ("html", "markdown", "json")
DEFAULT_LANG = "fr"


@dataclass
class Report:
    lang: str
    generated: str  # ISO 8601, UTC
    tool_version: str
    merged: merge.Merged
    coverage: coverage.Coverage
    chapter8: list[chapter8.Row]
    providers_file: str
    # Evidence an auditor can file: scope, provenance, exceptions, declared passes, rule
    # references, documents to provide (filing.py), and this report's unique reference.
    filing: filing.Filing | None = None
    reference: str = ""
    matrix_files: list[str] = field(default_factory=list)
    drift: DriftSection | None = None  # live scans with --against only
    # live scans of several accounts: one row each (accounts.py); empty otherwise
    accounts: list[accounts.AccountRow] = field(default_factory=list)

    @property
    def problems(self) -> int:
        """Result files that could not be used and inputs the scans read incompletely: an
        auditor must know the figures may miss findings before reading them."""
        return len(self.merged.unread) + len(self.merged.errors)

    @property
    def judged_nothing(self) -> bool:
        """No merged result judged any resource: the report must not read as a success."""
        return not any(s.resources for s in self.merged.sources)

    @property
    def other_message_langs(self) -> list[str]:
        """Languages of finding messages that differ from the report's."""
        return sorted({s.message_lang for s in self.merged.sources
                       if s.message_lang and s.message_lang != self.lang})


def build(merged: merge.Merged, lang: str = DEFAULT_LANG,
          facts: tuple[list[chapter8.Actor], str] | None = None,
          matrix_files: tuple[str, ...] = ()) -> Report:
    """The report of already merged results; `facts` is what chapter8.load read (the
    bundled provider facts when None); `matrix_files` replace or extend the bundled
    responsibility matrices."""
    actors, providers_name = facts if facts is not None else chapter8.load()
    matrix_set = matrices.load(tuple(matrix_files))
    cov = coverage.compute(merged, matrix_set)
    filed = filing.compute(merged)
    filing.mark_not_run(cov, filed.not_run)
    return Report(lang=lang, generated=provenance.now(), tool_version=__version__,
                  merged=merged, coverage=cov,
                  chapter8=chapter8.rows(actors, merged.providers()),
                  providers_file=providers_name, filing=filed,
                  reference=provenance.new_reference("hds-iac-report"),
                  matrix_files=matrix_set.files(), drift=drift_section(merged),
                  accounts=accounts.rows(merged))


def from_scan_result(result: "ScanResult", name: str, lang: str = DEFAULT_LANG,
                     facts: tuple[list[chapter8.Actor], str] | None = None,
                     matrix_files: tuple[str, ...] = ()) -> Report:
    """The report of one in-process scan (for `scan`/`live` writing the report directly):
    goes through the JSON result, the same contract `hds-iac report` reads."""
    from hds_iac.output import json_report

    merged = merge.Merged()
    merge.add(merged, name, json_report.document(result, lang))
    return build(merged, lang, facts, matrix_files)


def renderers() -> dict[str, Callable[[Report], str]]:
    from hds_iac.report import html, json, markdown

    return {"html": html.render, "markdown": markdown.render, "json": json.render}


def render(report: Report, fmt: str) -> str:
    return renderers()[fmt](report)

