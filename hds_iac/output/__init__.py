"""Report formats. Each module renders a ScanResult to text: `render(result, lang) -> str`."""
from __future__ import annotations

from typing import Callable

from hds_iac.output import csv_report, json_report, junit, markdown, sarif

RENDERERS: dict[str, Callable[..., str]] = {
    "json": json_report.render,
    "sarif": sarif.render,
    "junitxml": junit.render,
    "csv": csv_report.render,
    "markdown": markdown.render,
}
