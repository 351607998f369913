"""One live AWS scan: collect, adapt, judge; the same `ScanResult` as `hds-iac scan` gives."""
from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Callable, Iterable

from hds_iac import geography
from hds_iac.live.aws import adapt, collect
from hds_iac.live.aws.session import AwsSession, SessionOptions
from hds_iac.live.shard import GLOBAL, Shard, label
from hds_iac.model import Inventory
from hds_iac.scan import ScanResult, judge_inventory
from hds_iac.settings import Settings
from hds_iac.errors import ReadError

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
    session: AwsSession | None = None,
    shard: Shard | None = None,
    name_account: bool = False,
) -> tuple[ScanResult, collect.AccountData | None]:
    """Scan the account the credentials reach (or `session`'s: an organisation member).
    Raises `SessionError` only when nothing can be read at all (no credentials, role not
    assumable); every other failure is an error entry.
    `observe` sees the account's inventory before it is judged (drift compares it).

    With `shard`, only the (account, region) units of that shard are read, and the
    account's global services only if the shard owns its global unit; the data is None
    when the shard owns no unit of the account (nothing read, nothing reported).
    `name_account`: error and notice entries say `aws account ID REGION` instead of
    `aws REGION` (several accounts in one report)."""
    started = time.monotonic()
    session = session or AwsSession(options)
    identity = session.identity()
    plan = session.plan_regions()
    account = identity["account"]
    where = f"aws account {account} " if name_account else "aws "
    wanted = list(services) if services else list(collect.SERVICES)
    global_unit = True
    if shard is not None:
        plan.regions = [r for r in plan.regions if shard.owns(account, r)]
        plan.disabled = [r for r in plan.disabled if shard.owns(account, r)]
        plan.unknown = [r for r in plan.unknown if shard.owns(account, r)]
        global_unit = shard.owns(account, GLOBAL)
        if not global_unit:
            wanted = [s for s in wanted if s in collect.REGIONAL_SERVICES or s == "s3"]
        if not plan.regions and not global_unit:
            result = ScanResult()
            _region_errors(result, plan, where)
            return result, None
    log.debug("account %s, regions %s, services %s", account, plan.regions, wanted)
    data = collect.collect(session, identity, plan.regions, wanted,
                           max_attribute_reads=max_attribute_reads, page_size=page_size,
                           progress=progress, global_unit=global_unit)
    inventory = adapt.to_inventory(data, settings=settings)
    if observe is not None:
        observe(inventory)
    result = ScanResult()
    judge_inventory(result, inventory, settings, rule_ids, f"aws account {data.account}",
                    account=data.account)
    _region_errors(result, plan, where)
    # One entry per failed call; throttling/denials repeated in many regions stay readable
    # because each names its region.
    for entry in sorted(data.errors, key=lambda e: (e.region or "", e.call)):
        result.errors.append(ReadError(f"{where}{entry.region or 'global'} {entry.call}",
                                       entry.message))
    total_calls = sum(data.calls.values())
    result.notices.append(ReadError(
        f"aws account {data.account}",
        f"covered regions{label(shard)}: {', '.join(plan.regions) or 'none'};"
        f" services: {', '.join(wanted)};"
        f" {total_calls} API requests in {time.monotonic() - started:.1f} s"))
    result.notices += [ReadError(f"aws account {data.account}", text) for text in data.notices]
    result.notices += _outside_notices(inventory, settings, where)
    result.inputs.append({
        "path": f"aws account {data.account}", "kind": "aws", "resources": result.resources,
        "account": data.account, "regions": plan.regions, "services": wanted,
        "api_calls": dict(sorted(data.calls.items())),
        "failed_calls": [{"call": e.call, "region": e.region, "kind": e.kind,
                          "permission": e.permission} for e in data.errors],
        **({"shard": str(shard)} if shard is not None else {}),
    })
    return result, data


def _region_errors(result: ScanResult, plan, where: str) -> None:
    for name in plan.disabled:
        result.errors.append(ReadError(f"{where}{name}", "opt-in region not enabled for this"
                                       " account: enable it or leave it out of --regions"))
    for name in plan.unknown:
        result.errors.append(ReadError(f"{where}{name}", "no such AWS region (ec2:DescribeRegions"
                                       " does not list it)"))


def _outside_notices(inventory, settings: Settings, where: str = "aws ") -> list[ReadError]:
    """Regions outside the allowed area where anything at all was found (EXI 28/29)."""
    geo = geography.load()
    found: dict[str, Counter] = {}
    for res in inventory:
        if not isinstance(res.region, str) or res.kind == "account-setting":
            continue
        if res.account_default:
            continue  # every region has them
        found.setdefault(res.region, Counter())[
            "storing data" if res.stores_data else "other"] += 1
    out = []
    for region, counts in sorted(found.items()):
        country = geo.country_of("aws", region)
        if isinstance(country, str) and country in settings.allowed_countries:
            continue
        name = geo.country_name(country) if isinstance(country, str) else "unknown country"
        out.append(ReadError(f"{where}{region}", (
            f"region in {name}, outside the allowed area ({settings.allowed_label}):"
            f" {counts['storing data']} resource(s) storing data (judged by HDS-LOC-001),"
            f" {counts['other']} other resource(s)")))
    return out
