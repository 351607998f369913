"""HDS-AZ-002: autoscaling groups and load balancers span at least two zones.

An autoscaling group or a load balancer confined to one zone goes down with it, together
with every machine behind it. The responsibility matrix (§4) makes it the client's job to
run its system on the availability zones of its region, and §15 to spread its application
over machines on independent sites (HDS EXI 05 G; ISO 27001 8.14).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.rules._zones import ZONES, label, zone_list
from hds_iac.settings import Settings


@rule("HDS-AZ-002", kinds=("autoscaling-group", "load-balancer"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("autoscaling-group", "load-balancer"):
        if res.placement is None:
            continue
        zones = zone_list(res.placement.zones)
        if zones is None:
            continue
        if isinstance(zones, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(zones)}, facets=ZONES)
            continue
        status = "pass" if len(zones) >= 2 else "fail"
        yield Verdict(res, status, status, {"count": len(zones), "zones": label(zones)},
                      facets=ZONES)
