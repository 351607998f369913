"""HDS-LOG-001: a CloudTrail trail records the management events of every region, and logs.

Every API call that reads or changes the account (who opened a bucket, who created an access
key, who stopped a database) is a management event; a trail that records them, read and
write, in every region (multi-region) or in every account (organisation trail) is what makes
access traceable and imputable (EXI 05 D.c). Any other trail (single-region, data events
only, even stopped) passes where a trail of the same scan records every region, and is
unknown where one may (its status, selectors or coverage could not be read): it would pass
if that one does. A stopped trail (live `IsLogging`, Terraform
`enable_logging = false`) records nothing. An account whose trail listings hold no trail at
all fails (live scans; a Terraform root without a trail says nothing about the account).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Resource, Trail, Unknown, first_unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._trail import trail_facet, trails
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


def _covers_all(trail: Trail) -> bool:
    return trail.all_regions is True or trail.organization is True


def _records(trail: Trail) -> bool:
    return trail.exists and trail.management_events is True and trail.logging is True


def _unsettled(trail: Trail) -> Unknown | None:
    """Why `trail` may record every region's management events without it being known
    (None when it surely does, or surely does not)."""
    if not trail.exists:
        return None
    values = (trail.all_regions, trail.organization, trail.management_events, trail.logging)
    if False in (trail.management_events, trail.logging) or \
            (trail.all_regions is False and trail.organization is False):
        return None
    return first_unknown(*values)


@rule("HDS-LOG-001", kinds=("trail",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    found = list(trails(inventory))
    covering: dict[str, Resource] = {}
    maybe: dict[str, list[tuple[Resource, Unknown]]] = {}  # may cover: and why not known
    for res, trail in found:
        if isinstance(trail, Trail) and _covers_all(trail) and _records(trail):
            covering.setdefault(res.provider, res)
        elif isinstance(trail, Trail) and (unsettled := _unsettled(trail)) is not None:
            maybe.setdefault(res.provider, []).append((res, unsettled))
    for res, trail in found:
        other = covering.get(res.provider)
        if isinstance(trail, Trail) and _covers_all(trail) and _records(trail):
            yield Verdict(res, "pass", "pass", {"detail": trail.detail}, facets=_COVERAGE)
        elif other is not None and isinstance(trail, Trail) and trail.exists:
            # A data-event trail, a regional one, even a stopped one: the account's
            # management events are recorded by `other` whatever this one does.
            yield Verdict(res, "pass", "pass_covered",
                          {"detail": trail.detail, "other": other.address})
        elif isinstance(trail, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(trail)})
        else:
            verdict = _judged(res, trail)
            others = [m for m in maybe.get(res.provider, []) if m[0] is not res]
            if verdict.status == "fail" and trail.exists and others:
                # Another trail may record every region: this one would then pass.
                holder, unsettled = others[0]
                verdict = Verdict(res, "unknown", "unknown", {"reason": (
                    f"{holder.address} may record them for it, but {why(unsettled)}")})
            yield verdict


_COVERAGE = (trail_facet("all_regions"), trail_facet("organization"))


def _judged(res: Resource, trail: Trail) -> Verdict:
    """The verdict of a trail that no other trail of the scan makes unneeded, naming the
    trail setting that decided it."""
    params: dict[str, object] = {"detail": trail.detail}
    if not trail.exists:
        return Verdict(res, "fail", "fail_none", params)
    if trail.logging is False:
        return Verdict(res, "fail", "fail_stopped", params, facets=(trail_facet("logging"),))
    if trail.management_events is False:
        return Verdict(res, "fail", "fail_events", params,
                       facets=(trail_facet("management_events"),))
    if trail.all_regions is False and trail.organization is False:
        return Verdict(res, "fail", "fail_region", params, facets=_COVERAGE)
    values = {"logging": trail.logging, "management_events": trail.management_events,
              "all_regions": trail.all_regions, "organization": trail.organization}
    unresolved = first_unknown(*values.values())
    return Verdict(res, "unknown", "unknown",
                   {"reason": why(unresolved if unresolved is not None else Unknown(""))},
                   facets=tuple(trail_facet(name) for name, value in values.items()
                                if isinstance(value, Unknown)))
