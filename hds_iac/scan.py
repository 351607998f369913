"""One scan: read every input, adapt it into the model, run the rules.

Each input (a Terraform root folder, a plan or a state) is adapted and judged on its own,
so links between resources and zone groupings never mix two unrelated configurations. A
bad input becomes an error entry and the other inputs are still scanned.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from hds_iac import engine
from hds_iac.adapters.terraform import to_inventory
from hds_iac.engine import Finding
from hds_iac.settings import Settings
from hds_iac.terraform.records import ReadError, TfConfiguration


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    notices: list[ReadError] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)  # {"path", "kind", "resources"}
    resources: int = 0  # model resources judged

    def extend(self, other: "ScanResult") -> None:
        self.findings += other.findings
        self.errors += other.errors
        self.notices += other.notices
        self.inputs += other.inputs
        self.resources += other.resources


def read_inputs(
    paths: Sequence[str], var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None
) -> tuple[list[TfConfiguration], list[ReadError]]:
    """Every configuration found under `paths`; unreadable paths become errors."""
    from hds_iac.terraform import hcl, jsonfile

    configs: list[TfConfiguration] = []
    errors: list[ReadError] = []
    for path in paths:
        if not os.path.exists(path):
            kind = "broken symbolic link" if os.path.islink(path) else "no such file or directory"
            errors.append(ReadError(path, kind))
        elif os.path.isdir(path):
            roots = hcl.find_roots(path)
            if not roots:
                errors.append(ReadError(path, "no Terraform files (*.tf) in this folder"))
            for root in roots:
                configs.append(hcl.read_folder(root, path, var_files, variables or {}))
        elif path.endswith(".tf"):
            folder = os.path.dirname(path) or "."
            configs.append(hcl.read_folder(folder, folder, var_files, variables or {}))
        else:
            configs.append(jsonfile.read_json_input(path, path))
    return configs, errors


def judge(
    configs: Iterable[TfConfiguration], settings: Settings, rule_ids: Iterable[str] | None = None
) -> ScanResult:
    result = ScanResult()
    selected = list(rule_ids) if rule_ids is not None else None
    for config in configs:
        inventory = to_inventory(config)

        def rule_failed(rule_id: str, exc: Exception, path: str = config.path) -> None:
            result.errors.append(ReadError(
                path, f"{rule_id}: internal error ({type(exc).__name__}); please report it"))

        result.findings += engine.run(inventory, settings, selected, on_error=rule_failed)
        result.errors += config.errors
        result.notices += config.notices
        result.resources += len(inventory.resources)
        result.inputs.append(
            {"path": config.path, "kind": config.source, "resources": len(inventory.resources)}
        )
    return result


def scan(
    paths: Sequence[str],
    settings: Settings | None = None,
    var_files: Sequence[str] = (),
    variables: Mapping[str, str] | None = None,
    rule_ids: Iterable[str] | None = None,
) -> ScanResult:
    configs, errors = read_inputs(paths, var_files, variables)
    result = judge(configs, settings or Settings(), rule_ids)
    result.errors = errors + result.errors
    return result


def summarize(result: ScanResult) -> dict:
    """Counts every report prints: per status, per topic and per severity of failures."""
    counts = {"pass": 0, "fail": 0, "unknown": 0}
    by_topic: dict[str, dict[str, int]] = {}
    failed_by_severity = {s: 0 for s in engine.SEVERITY_RANK}
    for f in result.findings:
        counts[f.status] += 1
        by_topic.setdefault(f.meta.topic, {"pass": 0, "fail": 0, "unknown": 0})[f.status] += 1
        if f.status == "fail":
            failed_by_severity[f.meta.severity] += 1
    return {
        "resources": result.resources,
        "findings": len(result.findings),
        **{"passed": counts["pass"], "failed": counts["fail"], "unknown": counts["unknown"]},
        "errors": len(result.errors),
        "by_topic": dict(sorted(by_topic.items())),
        "failed_by_severity": failed_by_severity,
    }
