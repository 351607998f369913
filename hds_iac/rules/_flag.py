"""Judging a yes/no facet (multi-AZ, deletion protection, vault lock, MFA switch...).

Several rules ask one question of one facet: True passes, False fails, an `Unknown`
stays unknown with its reason, and None means the question does not apply to the
resource (no verdict at all).
"""
from __future__ import annotations

from hds_iac.model import Maybe, Resource, Unknown
from hds_iac.rules import Verdict
from hds_iac.rules._unknown import why


def flag_verdict(res: Resource, value: Maybe[bool] | None, **params: object) -> Verdict | None:
    """The verdict for `value`; message keys are "pass", "fail" and "unknown" (with {reason})."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return Verdict(res, "unknown", "unknown", {**params, "reason": why(value)})
    status = "pass" if value is True else "fail"
    return Verdict(res, status, status, dict(params))
