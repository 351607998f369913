"""Verdicts on a resource's own log switch (flow logs of a network, access logs of a load
balancer, log exports of a database): one reading of `Logging.enabled` for the rules that
judge it."""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict
from hds_iac.rules._unknown import why


ENABLED = ("logging.enabled",)  # the facet value judged (`hds_iac.model.facet_key`)


def logged_verdicts(inventory: Inventory, *kinds: str) -> Iterator[Verdict]:
    """pass/fail/unknown on `logging.enabled` of every resource of `kinds` that has one."""
    for res in inventory.of_kind(*kinds):
        logging = res.logging
        if logging is None or logging.enabled is None:
            continue
        if isinstance(logging.enabled, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(logging.enabled)},
                          ENABLED)
        elif logging.enabled:
            yield Verdict(res, "pass", "pass", {"detail": logging.detail}, ENABLED)
        else:
            yield Verdict(res, "fail", "fail", {"detail": logging.detail}, ENABLED)
