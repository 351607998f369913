"""The JSON report: a stable contract that other tools read (`hds_iac.json_contract`:
version 2 keeps each rule's texts once, in `rules`, and is written compact)."""
from __future__ import annotations

import functools
from typing import Iterator

from hds_iac import __version__, json_contract
from hds_iac.baseline import input_key
from hds_iac.engine import Finding
from hds_iac.output.json_findings import FindingText
from hds_iac.output.json_stream import Items, chunks as json_chunks, plain
from hds_iac.scan import ScanResult, TallyKey, summarize, tally
from hds_iac.waivers import register

FORMAT_VERSION = json_contract.VERSION


def rules(tallied: dict[TallyKey, list], lang: str) -> dict[str, dict]:
    """Each rule's shared texts, once, for the rules and providers of the findings
    (`scan.tally` of them), in the order they first appear there."""
    # a tally's keys are in order of first appearance: the first key of a (rule, provider)
    # is its first finding's, and holds that finding
    first: dict[tuple[str, str], Finding] = {}
    for (rule_id, _, _, provider, _), (_, f) in tallied.items():
        if (rule_id, provider) not in first:
            first[rule_id, provider] = f
    out: dict[str, dict] = {}
    for (rule_id, provider), f in first.items():
        shared = f.shared_dict(lang)
        entry = out.get(rule_id)
        if entry is None:
            entry = out[rule_id] = {"title": shared["title"],
                                    "references": {k: v for k, v in shared["references"].items()
                                                   if k != "matrix"},
                                    "remediation": {}, "matrix": {}}
        entry["remediation"][provider] = shared["remediation"]
        entry["matrix"][provider] = shared["references"]["matrix"]
    return out


def render(result: ScanResult, lang: str = "en") -> str:
    return "".join(chunks(result, lang))


def chunks(result: ScanResult, lang: str = "en") -> Iterator[str]:
    """The report in pieces, one finding at a time (json_stream): a scan of tens of
    thousands of findings never holds them all as dictionaries or as one string."""
    yield from json_chunks(_document(result, lang), indent=None)  # compact
    yield "\n"


def document(result: ScanResult, lang: str = "en") -> dict:
    """What `json.loads(render(result))` gives, without the text (one copy of the
    findings, not three): the contract read in-process by `--store` and the hds-* reports."""
    return plain(_document(result, lang))


def _findings(findings: list[Finding], lang: str, keys) -> Iterator[str]:
    """Each finding's JSON text (version 2), `input` last: what findings share is encoded
    once (`json_findings.FindingText`)."""
    return FindingText(lang, keys).texts(findings)


def _document(result: ScanResult, lang: str) -> dict:
    keys = functools.lru_cache(maxsize=None)(input_key)
    tallied = tally(result.findings)  # for the rules' texts and the summary: one walk
    doc = {
        "version": FORMAT_VERSION,
        "tool": {"name": "hds-iac", "version": __version__},
        # `key`/`input`: the input as a baseline and the history store name it (relative
        # to the repository root, or the live account), the same on every machine.
        "inputs": [{**i, "key": keys(i.get("path", ""))} for i in result.inputs],
        "settings": {"allowed_countries": result.allowed_countries},
        "rules": rules(tallied, lang),
        "findings": Items(_findings(result.findings, lang, keys), encoded=True),
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "notices": [{"path": n.path, "message": n.message} for n in result.notices],
        # Module calls not read: the scan is incomplete (exit 2 unless allowed, and by whom).
        "modules_not_read": [{"path": m.path, "message": m.message}
                             for m in result.unread_modules],
        "missing_modules_allowed_by": result.missing_modules_allowed_by,
        # Provenance: the configuration file that shaped the verdicts (None: none).
        "config_file": result.config_file,
        "summary": summarize(result, tallied),
        # Evidence for auditors (docs/evidence.md): where the result comes from, what the
        # configuration declares in scope, and every waiver with its state.
        "provenance": result.provenance,
        "scope": result.scope,
        "exceptions": register(result.findings, result.unapplied_waivers),
        # Live scans with --shard I/N: which part of the scan this file holds.
        **({"shard": result.shard} if result.shard is not None else {}),
    }
    return doc
