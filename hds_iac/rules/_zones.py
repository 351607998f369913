"""Reading the zones a workload spans (autoscaling groups, load balancers, machines)."""
from __future__ import annotations

from hds_iac.model import Maybe, Unknown
from hds_iac.zone_spread import distinct_zones


# The facet value the zone rules judge (`hds_iac.model.facet_key`): adapters record the
# attribute the zones come from (subnets, availability_zone(s), a subregion name).
ZONES = ("placement.zones",)


def zone_list(zones: Maybe[tuple[Maybe[str], ...]] | None) -> Maybe[tuple[str, ...]] | None:
    """The distinct zones in order, or the Unknown that hides one of them (`zone_spread`)."""
    if zones is None or isinstance(zones, Unknown):
        return zones
    return distinct_zones(zones)


def label(zones: tuple[str, ...]) -> str:
    return ", ".join(zones) if zones else "none"
