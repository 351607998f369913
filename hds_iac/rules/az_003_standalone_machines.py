"""HDS-AZ-003: standalone machines of one region are not all in the same zone.

Machines outside any autoscaling group are the application servers people set up by hand
(or with `count`): if all of them sit in one zone, one zone failure stops the service, and
a machine alone in its region has no redundancy at all. The responsibility matrix makes
the client spread its system over the zones of a region (§4) and over machines on
independent sites (§15) (HDS EXI 05 G; ISO 27001 8.14).

The machines of one provider and region are judged together, and the verdict is reported
on each of them so that every address carries its finding.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Resource, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._provider_names import provider_name
from hds_iac.rules._unknown import why
from hds_iac.rules._zones import ZONES, label, zone_list
from hds_iac.settings import Settings


@rule("HDS-AZ-003", kinds=("instance",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    machines = [r for r in inventory.of_kind("instance")
                if r.placement is not None and r.placement.standalone]
    groups: dict[tuple[str, str], list[Resource]] = {}
    # Providers having a machine whose region is unknown: that machine may belong to any
    # group of its provider, so a group it could rescue cannot be failed.
    unplaced: dict[str, Resource] = {}
    for res in machines:
        if isinstance(res.region, Unknown) or res.region is None:
            reason = why(res.region) if isinstance(res.region, Unknown) else "the machine has no region"
            unplaced.setdefault(res.provider, res)
            yield Verdict(res, "unknown", "unknown_region", {"reason": reason},
                          ("region",))
            continue
        groups.setdefault((res.provider, res.region), []).append(res)

    for (provider, region), members in groups.items():
        yield from _judge_group(provider_name(provider), region, members, unplaced.get(provider))


def _judge_group(provider: str, region: str, members: list[Resource],
                 unplaced: Resource | None) -> Iterator[Verdict]:
    zones: list[str] = []
    for res in members:
        got = zone_list(res.placement.zones if res.placement else None)
        if got is None or got == ():
            got = Unknown("the machine's zone is not known")
        if isinstance(got, Unknown):
            params = {"provider": provider, "region": region, "member": res.address, "reason": why(got)}
            for each in members:
                yield Verdict(each, "unknown", "unknown_zone", params, ZONES)
            return
        for zone in got:  # a plain loop: a generator is one more call per machine
            if zone not in zones:
                zones.append(zone)
    count = len(members)
    if len(zones) >= 2:
        params = {"provider": provider, "region": region, "count": count,
                  "zones": label(tuple(zones))}
        for each in members:
            yield Verdict(each, "pass", "pass", params, ZONES)
        return
    if unplaced is not None:
        params = {"provider": provider, "region": region, "member": unplaced.address}
        for each in members:
            yield Verdict(each, "unknown", "unknown_unplaced", params, ZONES)
        return
    zone = label(tuple(zones))
    if count == 1:
        for each in members:
            yield Verdict(each, "fail", "fail_alone",
                          {"provider": provider, "region": region, "zone": zone},
                          ZONES)
    else:
        for each in members:
            yield Verdict(each, "fail", "fail_one_zone",
                          {"provider": provider, "region": region, "zone": zone,
                           "count": count}, ZONES)
