"""Judging a yes/no facet (multi-AZ, deletion protection, vault lock, MFA switch...).

Several rules ask one question of one facet: True passes, False fails, an `Unknown`
stays unknown with its reason, and None means the question does not apply to the
resource (no verdict at all).
"""
from __future__ import annotations

from typing import Callable, Iterator

from hds_iac.model import Inventory, Maybe, Resource, Unknown, facet_key
from hds_iac.rules import Verdict
from hds_iac.rules._unknown import why


def flag_verdict(res: Resource, value: Maybe[bool] | None, facets: tuple[str, ...],
                 params: dict[str, object]) -> Verdict | None:
    """The verdict for `value`; message keys are "pass", "fail" and "unknown" (with {reason}).
    `facets` names the facet value judged (`hds_iac.model.facet_key`) so that reports point
    at the attribute it came from; `params`, the message's extra values, a new dictionary
    the verdict keeps."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return Verdict(res, "unknown", "unknown", {**params, "reason": why(value)}, facets)
    status = "pass" if value is True else "fail"
    return Verdict(res, status, status, params, facets)


def flag_verdicts(inventory: Inventory, kinds: tuple[str, ...], facet: str, name: str,
                  params: Callable[[Resource], dict] | None = None) -> Iterator[Verdict]:
    """The verdicts of a rule that asks one yes/no question of facet value `facet.name`
    (`backup.final_snapshot`) on the resources of `kinds`: those without the facet, or
    with the value None, are not judged. `params(res)` gives a message's extra values.
    What is the same for every resource (the facet's key) is worked out once."""
    judged = (facet_key(facet, name),)
    for res in inventory.of_kind(*kinds):
        group = getattr(res, facet)
        if group is None:
            continue
        verdict = flag_verdict(res, getattr(group, name), judged,
                               params(res) if params else {})
        if verdict is not None:
            yield verdict
