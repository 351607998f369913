"""Live scan of Outscale accounts: read every region with the API, judge with the same rules.

`session` finds credentials and regions, `collect` reads (every page, read-only, each call
wrapped), `adapt` turns the answers into the model through the Terraform adapter. `scan`
ties them: one inventory per region (zone groupings never mix regions), judged by the
engine, with an error entry per call that failed and a coverage line per region.
"""
from __future__ import annotations

from typing import Callable, Iterable


from hds_iac.live.outscale import adapt, collect
from hds_iac.live.outscale.session import OutscaleSession, SessionOptions
from hds_iac.live.shard import Shard
from hds_iac.model import Inventory
from hds_iac.scan import ScanResult, judge_inventory
from hds_iac.settings import Settings
from hds_iac.errors import ReadError

__all__ = ["scan", "SessionOptions"]

# Plural nouns for coverage lines.
_NOUNS = {
    "ReadVolumes": "volumes", "ReadVms": "VMs", "ReadSnapshots": "snapshots",
    "ReadImages": "images", "ReadLoadBalancers": "load balancers",
    "ReadSecurityGroups": "security groups", "ReadSubnets": "subnets",
    "ReadVpnConnections": "VPN connections", "ReadUsers": "EIM users",
    "ReadAccessKeys": "access keys", "ReadApiAccessRules": "API access rules",
    "ReadSubregions": "subregions",
}


def scan(
    options: SessionOptions,
    settings: Settings | None = None,
    rule_ids: Iterable[str] | None = None,
    debug: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int, str], None] | None = None,
    observe: Callable[[Inventory], None] | None = None,
    name_account: bool = False,
    shard: Shard | None = None,
) -> ScanResult:
    """Read every planned region and judge it. Raises session.SessionError when the scan
    cannot start at all (no credentials, unknown profile). `observe` sees each region's
    inventory before it is judged (drift compares them). `name_account` (several accounts
    in one report): inputs, errors and notices say `outscale:REGION account ID`, so that
    two accounts of one region never share an input name (baselines, history). `shard`:
    only the regions whose (profile, region) unit is the shard's."""
    settings = settings or Settings()
    selected = list(rule_ids) if rule_ids is not None else None
    result = ScanResult()
    session = OutscaleSession(options)
    plan = session.plan
    if shard is not None:
        unit = options.profile or "default"
        plan.regions = [r for r in plan.regions if shard.owns(unit, r)]
    steps = len(collect.READ_ACTIONS)
    scanned = 0
    refusals: list[tuple[str, collect.CallError]] = []
    try:
        for number, region in enumerate(plan.regions):
            session.use(region)

            def step(action: str, region: str = region) -> None:
                if progress is not None:
                    done = len(collector.data.records)
                    progress(region, number * steps + done, len(plan.regions) * steps, action)

            collector = collect.Collector(session, region, debug)
            data = collector.collect(step)
            where = _where(region, data.account_id or options.profile, name_account)
            if data.refused is not None:
                refusals.append((region, data.refused))
                result.inputs.append(_input(data, 0, session, where))
                continue
            scanned += 1
            inventory, adapt_errors = adapt.to_inventory(data, settings)
            if observe is not None:
                observe(inventory)
            judge_inventory(result, inventory, settings, selected, where,
                            account=data.account_id)
            result.errors += adapt_errors
            result.errors += [ReadError(f"{where} {e.action}", e.message()) for e in data.errors]
            result.inputs.append(_input(data, len(inventory.resources), session, where))
            result.notices.append(ReadError(where, coverage_line(data)))
    finally:
        session.close()
    for region, error in refusals:
        where = _where(region, options.profile, name_account)
        if error.kind == "auth" and not plan.explicit and scanned:
            result.notices.append(ReadError(where, (
                f"{error.message()}: region not scanned (an Outscale account lives in one "
                "region; give --region to choose the regions)")))
        else:
            result.errors.append(ReadError(where, f"{error.message()}: region not scanned"))
    return result


def coverage_line(data: collect.RegionData) -> str:
    """What was read (and what was not) in one region, for the report."""
    read, missing = [], []
    for action, record in data.records.items():
        if record.status != "ok":
            missing.append(f"{action} ({record.status})")
        elif action in _NOUNS:
            read.append(f"{record.items:,} {_NOUNS[action]}")
    if data.got("ReadApiAccessPolicy"):
        read.append("the API access policy")
    text = (f"read {', '.join(read) or 'nothing'} "
            f"in {data.requests} requests ({data.seconds:.1f} s)")
    if data.account_id:
        text += f", account {data.account_id}"
    if missing:
        text += f"; not read: {', '.join(missing)}"
    return text


def _where(region: str, account: str | None, name_account: bool) -> str:
    return f"outscale:{region} account {account}" if name_account and account else \
        f"outscale:{region}"


def _input(data: collect.RegionData, resources: int, session: OutscaleSession,
           where: str) -> dict:
    if data.refused is not None:
        status = "not scanned"
    elif data.errors:
        status = "partial"
    else:
        status = "complete"
    return {
        "path": where,
        "kind": "outscale",
        "resources": resources,
        "region": data.region,
        "status": status,
        "account_id": data.account_id,
        "subregions": adapt.subregions(data),
        "requests": data.requests,
        "calls": {action: {"status": r.status, "pages": r.pages, "items": r.items}
                  for action, r in data.records.items()},
    }
