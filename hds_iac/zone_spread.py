"""The zones a workload spans, from the zones of its parts (subnets, instances): one
reading shared by the adapters, which resolve each part's zone, and the zone rules.

A partial answer that already names two different zones is kept: more zones can only widen
the spread, so the unresolved ones cannot change a pass. With fewer than two known zones an
unresolved one decides nothing, so the answer is that Unknown."""
from __future__ import annotations

from collections.abc import Iterable

from hds_iac.model import Maybe, Unknown


def distinct_zones(zones: Iterable[Maybe[str]]) -> Maybe[tuple[str, ...]]:
    """The distinct zones in order, or the Unknown that hides one of them."""
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
