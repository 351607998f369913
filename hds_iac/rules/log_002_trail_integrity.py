"""HDS-LOG-002: CloudTrail log files are validated and encrypted with a customer-managed key.

A trace is evidence only if nobody could change it unnoticed and only the client can read
it: log file validation makes CloudTrail sign a digest of every delivered file (a file
altered or deleted afterwards no longer matches), and SSE-KMS under the client's own key
keeps the logs unreadable to whoever reads the bucket without that key (ISO 27001 8.15 ->
SecNumCloud 12.7, protection of logged information, per HDS Annex 1).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown, first_unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._trail import trail_facet, trails
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-LOG-002", kinds=("trail",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res, trail in trails(inventory):
        if isinstance(trail, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(trail)})
            continue
        if not trail.exists:
            continue  # HDS-LOG-001 says the account has no trail
        params = {"detail": trail.detail}
        unvalidated = trail.validation is False
        plain = trail.customer_key is False
        if unvalidated or plain:
            key = "fail_both" if unvalidated and plain else \
                "fail_validation" if unvalidated else "fail_key"
            yield Verdict(res, "fail", key, params, facets=tuple(
                trail_facet(name) for name, bad in (("validation", unvalidated),
                                                    ("customer_key", plain)) if bad))
            continue
        unresolved = first_unknown(trail.validation, trail.customer_key)
        if unresolved is not None:
            yield Verdict(res, "unknown", "unknown", {"reason": why(unresolved)},
                          facets=tuple(trail_facet(name) for name, value in (
                              ("validation", trail.validation),
                              ("customer_key", trail.customer_key))
                              if isinstance(value, Unknown)))
        else:
            yield Verdict(res, "pass", "pass", params,
                          facets=(trail_facet("validation"), trail_facet("customer_key")))
