"""Report formats. Each module renders a ScanResult to text: `render(result, lang) -> str`.
The formats a large scan makes large (JSON, SARIF, CSV) also give their text in pieces,
`chunks(result, lang) -> Iterator[str]`, which `scan` and `live` write to the file as they
come instead of building one string."""
from __future__ import annotations

import importlib
from typing import Callable, Iterable, Iterator, Mapping


class _Writers(Mapping[str, Callable]):
    """format -> a function of its writer module, the module imported on first use: a scan
    written as JSON (the one behind every checkov run) imports no other writer."""

    def __init__(self, table: dict[str, tuple[str, str]]):
        self._table = table

    def __getitem__(self, fmt: str) -> Callable:
        module, name = self._table[fmt]
        return getattr(importlib.import_module(f"hds_iac.output.{module}"), name)

    def __contains__(self, fmt: object) -> bool:
        return fmt in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


RENDERERS: Mapping[str, Callable[..., str]] = _Writers({
    "json": ("json_report", "render"),
    "sarif": ("sarif", "render"),
    "junitxml": ("junit", "render"),
    "csv": ("csv_report", "render"),
    "markdown": ("markdown", "render"),
})

STREAMS: Mapping[str, Callable[..., Iterable[str]]] = _Writers({
    "json": ("json_report", "chunks"),
    "sarif": ("sarif", "chunks"),
    "csv": ("csv_report", "chunks"),
})
