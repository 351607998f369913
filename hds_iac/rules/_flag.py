"""Judging a yes/no facet (multi-AZ, deletion protection, vault lock, MFA switch...).

Several rules ask one question of one facet: True passes, False fails, an `Unknown`
stays unknown with its reason, and None means the question does not apply to the
resource (no verdict at all).
"""
from __future__ import annotations

from hds_iac.model import Maybe, Resource, Unknown
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
