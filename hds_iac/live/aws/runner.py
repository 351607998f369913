"""One live AWS scan: collect, adapt, judge; the same `ScanResult` as `hds-iac scan` gives."""
from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Callable, Iterable

from hds_iac import geography
from hds_iac.live.aws import adapt, collect
from hds_iac.live.aws.session import AwsSession, SessionOptions
from hds_iac.model import Inventory
from hds_iac.scan import ScanResult, judge_inventory
from hds_iac.settings import Settings
from hds_iac.terraform.records import ReadError

log = logging.getLogger("hds_iac.live.aws")


def scan_account(
    options: SessionOptions,
    settings: Settings,
    rule_ids: Iterable[str] | None = None,
    services: Iterable[str] | None = None,
    max_attribute_reads: int = 1000,
    page_size: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    observe: Callable[[Inventory], None] | None = None,
) -> tuple[ScanResult, collect.AccountData]:
    """Scan the account the credentials reach. Raises `SessionError` only when nothing can be
    read at all (no credentials, role not assumable); every other failure is an error entry.
    `observe` sees the account's inventory before it is judged (drift compares it)."""
    started = time.monotonic()
    session = AwsSession(options)
    identity = session.identity()
    plan = session.plan_regions()
    wanted = list(services) if services else list(collect.SERVICES)
    log.debug("account %s, regions %s, services %s", identity["account"], plan.regions, wanted)
    data = collect.collect(session, identity, plan.regions, wanted,
                           max_attribute_reads=max_attribute_reads, page_size=page_size,
                           progress=progress)
    inventory = adapt.to_inventory(data, settings=settings)
    if observe is not None:
        observe(inventory)
    result = ScanResult()
    judge_inventory(result, inventory, settings, rule_ids, f"aws account {data.account}")
    for name in plan.disabled:
        result.errors.append(ReadError(f"aws {name}", "opt-in region not enabled for this"
                                       " account: enable it or leave it out of --regions"))
    for name in plan.unknown:
        result.errors.append(ReadError(f"aws {name}", "no such AWS region (ec2:DescribeRegions"
                                       " does not list it)"))
    # One entry per failed call; throttling/denials repeated in many regions stay readable
    # because each names its region.
    for entry in sorted(data.errors, key=lambda e: (e.region or "", e.call)):
        result.errors.append(ReadError(entry.where, entry.message))
    total_calls = sum(data.calls.values())
    result.notices.append(ReadError(
        f"aws account {data.account}",
        f"covered regions: {', '.join(plan.regions) or 'none'}; services: {', '.join(wanted)};"
        f" {total_calls} API requests in {time.monotonic() - started:.1f} s"))
    result.notices += [ReadError(f"aws account {data.account}", text) for text in data.notices]
    result.notices += _outside_notices(inventory, settings)
    result.inputs.append({
        "path": f"aws account {data.account}", "kind": "aws", "resources": result.resources,
        "account": data.account, "regions": plan.regions, "services": wanted,
        "api_calls": dict(sorted(data.calls.items())),
        "failed_calls": [{"call": e.call, "region": e.region, "kind": e.kind,
                          "permission": e.permission} for e in data.errors],
    })
    return result, data


def _outside_notices(inventory, settings: Settings) -> list[ReadError]:
    """Regions outside the allowed area where anything at all was found (EXI 28/29)."""
    geo = geography.load()
    found: dict[str, Counter] = {}
    for res in inventory:
        if not isinstance(res.region, str) or res.kind == "account-setting":
            continue
        if res.kind == "security-group" and res.facts.get("name") == "default":
            continue  # every region has them
        found.setdefault(res.region, Counter())[
            "storing data" if res.stores_data else "other"] += 1
    out = []
    for region, counts in sorted(found.items()):
        country = geo.country_of("aws", region)
        if isinstance(country, str) and country in settings.allowed_countries:
            continue
        name = geo.country_name(country) if isinstance(country, str) else "unknown country"
        out.append(ReadError(f"aws {region}", (
            f"region in {name}, outside the allowed area ({settings.allowed_label}):"
            f" {counts['storing data']} resource(s) storing data (judged by HDS-LOC-001),"
            f" {counts['other']} other resource(s)")))
    return out
