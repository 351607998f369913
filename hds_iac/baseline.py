"""Baselines: adopt hds-iac on an existing estate and gate only what is new.

`--create-baseline FILE` records today's failures; `--baseline FILE` waives exactly those
(reported as skipped "in baseline", never hidden) so the gate fails only on new ones.
A failure is identified by rule, Terraform address and input, not by line: editing a file
above a resource must not resurrect its baselined finding, and `prod/` and `staging/`
both holding `aws_ebs_volume.v` are two resources, so a baselined failure of prod must
not hide a new one in staging. The input is the root folder or plan/state file relative
to the repository's top folder (the working folder outside a repository), so that the
baseline means the same from any working folder; for live scans, the account or region.

Version 1 baselines (rule and address only) are still read, with a notice: they cannot
tell inputs apart, so each of their entries waives that address in every input.

A checkov baseline (`checkov --create-baseline` writes `.checkov.baseline` in the scanned
folder) is read too: its CKV_HDS entries waive the same rule on the same resource of the
same file (checkov names files relative to the baseline's folder), so a team that adopted
hds-iac through checkov keeps its baseline when it runs `hds-iac scan`.

Each entry may say why and until when (`"reason"`, `"until": "YYYY-MM-DD"`); hds-iac writes
when it was recorded and by whom (`"added"`, `"by"`). They go to the exceptions register of
the reports. An entry past its `until` date no longer waives anything: the failure counts
again, with a notice.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hds_iac import repository
from hds_iac.adapters.terraform_index import base_address
from hds_iac.engine import Finding
from hds_iac.suppressions import ExpiryError, from_checkov_id, parse_until, today

FORMAT_VERSION = 2


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names it."""


@dataclass(frozen=True)
class Entry:
    """What the exceptions register shows of one baseline entry."""

    reason: str = ""
    until: str | None = None  # checked YYYY-MM-DD
    added: str | None = None
    by: str | None = None


@dataclass
class Entries:
    """What a baseline waives: (rule, address, input), and (rule, address) from a version 1
    baseline, which holds no input."""

    keyed: dict[tuple[str, str, str], Entry] = field(default_factory=dict)
    any_input: dict[tuple[str, str], Entry] = field(default_factory=dict)
    # From a checkov baseline: (rule, address without instance keys) -> real paths of the
    # files it failed in (checkov records files, not inputs, and no instance keys).
    by_file: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    notice: str | None = None  # one line for the user (an old format), else None

    def __bool__(self) -> bool:
        return bool(self.keyed or self.any_input or self.by_file)


def input_key(finding_input: str) -> str:
    """The input of a finding as a baseline names it: a scanned path relative to its
    repository (see `repository.relative_key`), a live account/region as it is."""
    if finding_input and os.path.exists(finding_input):
        return repository.relative_key(finding_input)
    return finding_input


def lookup(entries: Entries, finding: Finding, file: str | None = None) -> Entry | None:
    """The baseline entry that records this finding's failure, if any; `file` is the path
    of the finding's file (for checkov baselines, which key failures by file)."""
    key = (finding.rule_id, finding.resource.address)
    if key in entries.any_input:
        return entries.any_input[key]
    found = entries.keyed.get((*key, input_key(finding.input)))
    if found is None and file and entries.by_file:
        files = entries.by_file.get((finding.rule_id, base_address(finding.resource.address)))
        if files and os.path.realpath(file) in files:
            return Entry()
    return found


def _read_checkov(doc: dict, path: str) -> Entries:
    """The CKV_HDS entries of a checkov baseline (`{"failed_checks": [{"file": "/main.tf",
    "findings": [{"resource": ADDRESS, "check_ids": [...]}]}]}`); other checks are
    checkov's own business."""
    folder = os.path.dirname(os.path.abspath(path))
    entries = Entries()
    for i, item in enumerate(doc["failed_checks"]):
        try:
            file = item["file"]
            real = os.path.realpath(os.path.join(folder, file.lstrip("/\\")))
            for found in item["findings"]:
                address, ids = found["resource"], found["check_ids"]
                if not isinstance(address, str) or not isinstance(ids, list):
                    raise TypeError
                for check_id in ids:
                    if isinstance(check_id, str) and check_id.upper().startswith("CKV_HDS_"):
                        key = (from_checkov_id(check_id), base_address(address))
                        entries.by_file.setdefault(key, set()).add(real)
        except (TypeError, KeyError, AttributeError):
            raise BaselineError(f"{path}: malformed checkov baseline entry {i + 1}") from None
    return entries


def _text(value: object, limit: int = 500) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return "".join(c for c in value if c.isprintable())[:limit]


def write(findings: list[Finding], path: str, by: str | None = None) -> int:
    entries = sorted({(f.rule_id, f.resource.address, input_key(f.input)) for f in findings
                      if f.verdict.status == "fail"})
    stamp = {"added": today().isoformat(), **({"by": by} if by else {})}
    doc = {"version": FORMAT_VERSION, "tool": "hds-iac",
           "failures": [{"rule_id": r, "address": a, "input": i, "reason": "", **stamp}
                        for r, a, i in entries]}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read(path: str) -> Entries:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except ValueError:
        raise BaselineError(f"{path}: the baseline is not valid JSON") from None
    if isinstance(doc, dict) and isinstance(doc.get("failed_checks"), list) and \
            "tool" not in doc:
        return _read_checkov(doc, path)
    if not isinstance(doc, dict) or doc.get("tool") != "hds-iac" or not isinstance(
            doc.get("failures"), list):
        raise BaselineError(f"{path}: not an hds-iac or checkov baseline (create one with "
                            "--create-baseline)")
    version = doc.get("version")
    if version not in (1, FORMAT_VERSION):
        raise BaselineError(f"{path}: baseline version {version!r} is not supported (this "
                            f"hds-iac reads versions 1 and {FORMAT_VERSION})")
    entries = Entries()
    for i, e in enumerate(doc["failures"]):
        try:
            rule, address = e["rule_id"], e["address"]
            if not isinstance(rule, str) or not isinstance(address, str):
                raise TypeError
            if version != 1 and not isinstance(e["input"], str):
                raise TypeError
            until = e.get("until")
            if until is not None:
                if not isinstance(until, str):
                    raise ExpiryError(f"until={until!r} is not a date YYYY-MM-DD")
                parse_until(until)
        except (TypeError, KeyError, AttributeError):
            raise BaselineError(f"{path}: malformed baseline entry {i + 1}") from None
        except ExpiryError as exc:
            raise BaselineError(f"{path}: entry {i + 1}: {exc}") from None
        entry = Entry(reason=_text(e.get("reason")) or "", until=until,
                      added=_text(e.get("added"), 40), by=_text(e.get("by"), 200))
        if version == 1:
            entries.any_input[(rule, address)] = entry
        else:
            entries.keyed[(rule, address, e["input"])] = entry
    if version == 1:
        entries.notice = (f"{path}: old baseline format (version 1, rule and address only): "
                          "it cannot tell inputs apart, so each entry is waived in every "
                          "scanned folder and plan; regenerate it with --create-baseline "
                          f"{path}")
    return entries
