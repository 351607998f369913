"""Drift in a live scan: states read first, live inventories collected, then judged.

`hds-iac live aws|outscale --against STATE` reads every state before the scan starts (a
state that cannot be read is reported at once, and the scan still runs), watches the
inventories the scan adapts (`observe`), and once the scan is done compares them with the
states and runs the drift rules on the result (`judge`). The findings join the scan's like
any other; an allow-listed unmanaged resource is reported as skipped, with its entry.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Sequence

from hds_iac import catalogue as catalogue_mod
from hds_iac import engine, provider_registry
from hds_iac.drift import allow as allow_mod
from hds_iac.drift import states as states_mod
from hds_iac.drift.compare import TOPIC, compare, no_collection
from hds_iac.engine import Suppression
from hds_iac.scan import expiry_notice
from hds_iac.model import Inventory
from hds_iac.settings import Settings
from hds_iac.errors import ReadError

ALLOWED_BY = "drift_allow"


def drift_rules(rule_ids: Iterable[str] | None) -> list[str]:
    """The selected rules of the drift topic (all of them when no selection)."""
    cat = catalogue_mod.load()
    ids = list(rule_ids) if rule_ids is not None else list(cat.rules)
    return [r for r in ids if r in cat.rules and cat[r].topic == TOPIC]


class DriftRun:
    def __init__(self, sources: Sequence[str], settings: Settings,
                 rule_ids: Iterable[str] | None, allow: allow_mod.AllowList,
                 s3_reader: states_mod.S3Reader | None = None):
        self.settings = settings
        self.rules = drift_rules(rule_ids)
        self.allow = allow
        started = time.monotonic()
        with no_collection():
            self.states, self.errors, self.notices = states_mod.read(sources, settings,
                                                                     s3_reader)
        self.read_seconds = time.monotonic() - started
        self.live = Inventory()

    def observe(self, inventory: Inventory) -> None:
        """Called by the scan with each inventory it adapted (one per account or region)."""
        self.live.resources += inventory.resources
        self.live.gaps += inventory.gaps

    def judge(self, result: Any) -> None:
        """Compare and judge into `result` (a `ScanResult`)."""
        result.errors += self.errors
        result.notices += self.notices
        where = _where(result)
        if not self.rules:
            result.notices.append(ReadError(where, "--against given, but no drift rule is "
                                                   "selected (--check/--skip-check)"))
            return
        if not self.states:
            return  # every state failed: the errors say why; nothing can be told
        account, scanned = _account_and_regions(result)
        outcome = compare(self.live, self.states, self.allow, account, scanned)

        def failed(rule_id: str, exc: Exception) -> None:
            result.errors.append(ReadError(
                where, f"{rule_id}: internal error ({type(exc).__name__}); please report it"))

        started = time.monotonic()
        with no_collection():
            findings = engine.run(outcome.inventory, self.settings, self.rules,
                                  on_error=failed)
        for finding in findings:
            drift = finding.resource.drift
            finding.input = drift.state if drift.side == "state" else where
            entry = outcome.allowed.get(id(finding.resource))
            if entry is not None and finding.rule_id == "HDS-DRIFT-001" and \
                    finding.verdict.status == "fail":
                waiver = Suppression(ALLOWED_BY, entry.reason, entry.location, entry.until)
                if entry.expired():
                    finding.expired_waiver = waiver
                    result.notices.append(ReadError(entry.location, expiry_notice(
                        finding.rule_id, entry.until, finding.resource.address)))
                else:
                    finding.suppression = waiver
        judged = time.monotonic() - started
        result.findings += findings
        result.resources += sum(1 for r in outcome.inventory if r.drift.side == "state")
        result.notices += [ReadError(where, text) for text in outcome.notices]
        counts = outcome.counts
        result.notices.append(ReadError(where, (
            f"drift against {len(self.states)} state(s): {counts['managed']} managed "
            f"({counts['changed']} changed), {counts['unmanaged']} unmanaged "
            f"({counts['allowed']} allowed by {ALLOWED_BY}), {counts['missing']} missing, "
            f"{counts['unknown']} unknown; states read in {self.read_seconds:.2f} s, compared in"
            f" {outcome.seconds:.2f} s ({outcome.cpu_seconds:.2f} s CPU), drift rules run in"
            f" {judged:.2f} s")))
        for state in self.states:
            result.inputs.append({"path": state.name, "kind": "state", "role": "drift",
                                  "resources": len(state.inventory.resources)})


def _where(result: Any) -> str:
    for entry in result.inputs:
        if entry.get("kind") in provider_registry.IDS:
            return str(entry.get("path"))
    return "live scan"


def _account_and_regions(result: Any) -> tuple[str | None, list[str]]:
    account, regions = None, []
    for entry in result.inputs:
        if entry.get("kind") == "aws":
            account = entry.get("account") or account
            regions += list(entry.get("regions") or [])
        elif entry.get("kind") == "outscale" and entry.get("status") != "not scanned":
            regions.append(entry.get("region"))
    return account, [r for r in regions if isinstance(r, str)]


def start(sources: Sequence[str], settings: Settings, rule_ids: Iterable[str] | None,
          config: Any, s3_client: Callable[[], Any] | None) -> DriftRun:
    """Allow-list from the configuration file, then every state read. Raises
    `allow.AllowError` for a bad `drift_allow`."""
    where = str(config.path) if getattr(config, "path", None) else ".hds-iac.yaml"
    allow = allow_mod.parse(config.get(allow_mod.KEY), where)
    reader = None
    if s3_client is not None:
        from hds_iac.drift.s3 import reader as s3_reader
        reader = s3_reader(s3_client)
    return DriftRun(sources, settings, rule_ids, allow, reader)
