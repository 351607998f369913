"""Reading the zones a workload spans (autoscaling groups, load balancers, machines)."""
from __future__ import annotations

from hds_iac.model import Maybe, Unknown


def zone_list(zones: Maybe[tuple[Maybe[str], ...]] | None) -> Maybe[tuple[str, ...]] | None:
    """The distinct zones in order, or the Unknown that hides one of them.

    A partial answer that already names two different zones is kept: more zones can only
    widen the spread, so the unresolved ones cannot change a pass."""
    if zones is None or isinstance(zones, Unknown):
        return zones
    known: list[str] = []
    missing: Unknown | None = None
    for zone in zones:
        if isinstance(zone, Unknown):
            missing = zone if missing is None else missing
        elif zone not in known:
            known.append(zone)
    if missing is not None and len(known) < 2:
        return missing
    return tuple(known)


def label(zones: tuple[str, ...]) -> str:
    return ", ".join(zones) if zones else "none"
