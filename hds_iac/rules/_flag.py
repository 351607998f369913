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


def flag_verdict(res: Resource, value: Maybe[bool] | None, judged: str = "",
                 **params: object) -> Verdict | None:
    """The verdict for `value`; message keys are "pass", "fail" and "unknown" (with {reason}).
    `judged` names the facet value (`hds_iac.model.facet_key`) so that reports point at
    the attribute it came from."""
    if value is None:
        return None
    facets = (judged,) if judged else ()
    if isinstance(value, Unknown):
        return Verdict(res, "unknown", "unknown", {**params, "reason": why(value)}, facets=facets)
    status = "pass" if value is True else "fail"
    return Verdict(res, status, status, dict(params), facets=facets)


def flag_verdicts(inventory: Inventory, kinds: tuple[str, ...], facet: str, name: str,
                  params: Callable[[Resource], dict] | None = None) -> Iterator[Verdict]:
    """The verdicts of a rule that asks one yes/no question of facet value `facet.name`
    (`backup.final_snapshot`) on the resources of `kinds`: those without the facet, or
    with the value None, are not judged. `params(res)` gives a message's extra values."""
    for res in inventory.of_kind(*kinds):
        group = getattr(res, facet)
        if group is None:
            continue
        verdict = flag_verdict(res, getattr(group, name), facet_key(facet, name),
                               **(params(res) if params else {}))
        if verdict is not None:
            yield verdict
