"""`hds-iac report`: the HDS compliance report for auditors, requirement by requirement.

Merges several JSON scan results (code, plan, state, live AWS, live Outscale) into one
view (merge.py), computes the coverage of the référentiel EXI 01-31 and of the matrix
duties (coverage.py), fills the chapter 8 table from a provider facts file (chapter8.py),
and renders it as one self-contained HTML file (html.py), Markdown or JSON. French by
default (HDS EXI 07/08), English with lang="en".
"""
from __future__ import annotations

import json as _json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from hds_iac import __version__
from hds_iac.report import chapter8, coverage, merge
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
    drift: DriftSection | None = None  # live scans with --against only

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


def _now() -> str:
    # SOURCE_DATE_EPOCH: reproducible reports (the usual convention of build tools).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit()
              else datetime.now(timezone.utc))
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build(merged: merge.Merged, lang: str = DEFAULT_LANG,
          facts: tuple[list[chapter8.Actor], str] | None = None) -> Report:
    """The report of already merged results; `facts` is what chapter8.load read (the
    bundled provider facts when None)."""
    actors, providers_name = facts if facts is not None else chapter8.load()
    return Report(lang=lang, generated=_now(), tool_version=__version__, merged=merged,
                  coverage=coverage.compute(merged),
                  chapter8=chapter8.rows(actors, merged.providers()),
                  providers_file=providers_name, drift=drift_section(merged))


def from_scan_result(result: "ScanResult", name: str, lang: str = DEFAULT_LANG,
                     facts: tuple[list[chapter8.Actor], str] | None = None) -> Report:
    """The report of one in-process scan (for `scan`/`live` writing the report directly):
    goes through the JSON result, the same contract `hds-iac report` reads."""
    from hds_iac.output import json_report

    merged = merge.Merged()
    merge.add(merged, name, _json.loads(json_report.render(result, lang)))
    return build(merged, lang, facts)


def renderers() -> dict[str, Callable[[Report], str]]:
    from hds_iac.report import html, json, markdown

    return {"html": html.render, "markdown": markdown.render, "json": json.render}


def render(report: Report, fmt: str) -> str:
    return renderers()[fmt](report)

