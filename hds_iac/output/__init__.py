"""Report formats. Each module renders a ScanResult to text: `render(result, lang) -> str`.
The formats a large scan makes large (JSON, SARIF, CSV) also give their text in pieces,
`chunks(result, lang) -> Iterator[str]`, which `scan` and `live` write to the file as they
come instead of building one string."""
from __future__ import annotations

from typing import Callable, Iterable

from hds_iac.output import csv_report, json_report, junit, markdown, sarif

RENDERERS: dict[str, Callable[..., str]] = {
    "json": json_report.render,
    "sarif": sarif.render,
    "junitxml": junit.render,
    "csv": csv_report.render,
    "markdown": markdown.render,
}

STREAMS: dict[str, Callable[..., Iterable[str]]] = {
    "json": json_report.chunks,
    "sarif": sarif.chunks,
    "csv": csv_report.chunks,
}
