"""The JSON report: a stable contract (version 1) that other tools read."""
from __future__ import annotations

import json

from hds_iac import __version__
from hds_iac.escaping import for_json
from hds_iac.scan import ScanResult, summarize

FORMAT_VERSION = 1


def render(result: ScanResult, lang: str = "en") -> str:
    doc = {
        "version": FORMAT_VERSION,
        "tool": {"name": "hds-iac", "version": __version__},
        "inputs": result.inputs,
        "settings": {"allowed_countries": result.allowed_countries},
        "findings": [f.as_dict(lang) for f in result.findings],
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "notices": [{"path": n.path, "message": n.message} for n in result.notices],
        "summary": summarize(result),
    }
    return json.dumps(for_json(doc), indent=2, ensure_ascii=False) + "\n"
