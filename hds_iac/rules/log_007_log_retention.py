"""HDS-LOG-007: log groups keep their logs at least the minimum retention.

A trace deleted before anyone looks at it proves nothing: an intrusion is often found
months after it began. The minimum is a setting (`Settings.min_log_retention_days`, 180
days by default: the low end of the six months to one year the CNIL recommends for
logging data, deliberation 2021-122); a group whose logs never expire keeps them.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-LOG-007", kinds=("log-group",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    minimum = settings.min_log_retention_days
    for res in inventory.of_kind("log-group"):
        days = res.logging.retention_days if res.logging is not None else None
        if days is None:
            continue
        facets = ("logging.retention_days",)
        if isinstance(days, Unknown):
            yield Verdict(res, "unknown", "unknown", {"min": minimum, "reason": why(days)},
                          facets=facets)
        elif days == 0:
            yield Verdict(res, "pass", "pass_forever", {"min": minimum}, facets=facets)
        elif days >= minimum:
            yield Verdict(res, "pass", "pass", {"days": days, "min": minimum}, facets=facets)
        else:
            yield Verdict(res, "fail", "fail", {"days": days, "min": minimum}, facets=facets)
