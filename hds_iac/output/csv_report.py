"""CSV: one row per finding, for spreadsheets and audit evidence files. Every cell goes
through `escaping.for_csv`, so no value of an input is read as a formula."""
from __future__ import annotations

import csv
import io
from typing import Iterator

from hds_iac.escaping import for_csv
from hds_iac.output import completeness
from hds_iac.output.json_findings import as_dicts
from hds_iac.scan import ScanResult

COLUMNS = ("rule_id", "topic", "severity", "status", "address", "type", "provider", "region",
           "file", "line", "message", "hds", "iso27001", "secnumcloud", "matrix", "config_file",
           "account")


def render(result: ScanResult, lang: str = "en") -> str:
    return "".join(chunks(result, lang))


def chunks(result: ScanResult, lang: str = "en") -> Iterator[str]:
    """The file in pieces of a few hundred rows: a large scan is never one string."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    # each finding as `Finding.as_dict` gives it, what findings share encoded once
    for n, d in enumerate(as_dicts(result.findings, lang)):
        if n % 500 == 499:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        res, refs = d["resource"], d["references"]
        writer.writerow([for_csv(cell) for cell in (
            d["rule_id"], d["topic"], d["severity"], d["status"], res["address"], res["type"],
            res["provider"], res["region"] or "", res["file"] or "", res["line"] or "",
            d["message"], "; ".join(refs["hds"]), " ".join(refs["iso27001"]),
            " ".join(refs["secnumcloud"]),
            "; ".join(f"§{m['section']} {m['duty']}" for m in refs["matrix"]),
            result.config_file or "", res.get("account") or "",
        )])
    # What was not judged has a row too: a spreadsheet of findings must show its gaps.
    for m in result.unread_modules:
        file, _, line = m.path.rpartition(":")
        if not line.isdigit():
            file, line = m.path, ""
        writer.writerow([for_csv(cell) for cell in (
            "", "", "", "not-read", "", "module", "", "", file, line, m.message,
            "", "", "", "", result.config_file or "", "")])
    if result.judged_nothing:
        writer.writerow([for_csv(cell) for cell in (
            "", "", "", "not-judged", "", "", "", "", "", "",
            completeness.text("nothing_judged", lang), "", "", "", "",
            result.config_file or "", "")])
    yield out.getvalue()
