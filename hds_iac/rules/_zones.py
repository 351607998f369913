"""Reading the zones a workload spans (autoscaling groups, load balancers, machines)."""
from __future__ import annotations

from hds_iac.model import Maybe, Unknown
from hds_iac.zone_spread import distinct_zones


def zone_list(zones: Maybe[tuple[Maybe[str], ...]] | None) -> Maybe[tuple[str, ...]] | None:
    """The distinct zones in order, or the Unknown that hides one of them (`zone_spread`)."""
    if zones is None or isinstance(zones, Unknown):
        return zones
    return distinct_zones(zones)


def label(zones: tuple[str, ...]) -> str:
    return ", ".join(zones) if zones else "none"
