"""HDS-LOC-002: copies and replicas of health data stay in allowed (EEA) regions.

EXI 28 forbids storing health data outside the EEA, and a copy is stored data: an S3
replication rule, a DynamoDB global-table replica, an AWS Backup copy action, a
cross-region snapshot or image copy or an RDS read replica in another region moves the
data as surely as the primary's own region would. Copies are easy to miss because they
are declared on another resource than the one holding the data.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac import geography
from hds_iac.catalogue import Text, translate
from hds_iac.model import Inventory, Unknown, facet_key
from hds_iac.rules import Verdict, rule
from hds_iac.rules._outcome import Outcome, facets, labels, reasons, worst
from hds_iac.settings import Settings


@rule("HDS-LOC-002", kinds=("copy", "backup-plan", "bucket", "table", "database",
                            "database-cluster", "snapshot", "image"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    geo = geography.load()
    for res in inventory:
        if not res.destinations:
            continue
        outcomes = []
        for i, dest in enumerate(res.destinations):
            provider = dest.provider or res.provider
            # The i-th destination's region, where the adapter recorded its attribute.
            facet = facet_key("destinations", "region", str(i))
            if isinstance(dest.region, Unknown):
                outcomes.append(Outcome("unknown", dest.what, reason=dest.region.reason,
                                        facet=facet))
                continue
            country = geo.country_of(provider, dest.region)
            if isinstance(country, Unknown):
                outcomes.append(Outcome("unknown", f"{dest.what} ({dest.region})",
                                        reason=country.reason, facet=facet))
                continue
            status = "pass" if country in settings.allowed_countries else "fail"
            name = geo.country_text(country)
            outcomes.append(Outcome(status, Text(en=f"{dest.what} -> {dest.region} ({name.en})",
                                                 fr=f"{translate(dest.what, 'fr')} -> {dest.region} ({name.fr})"),
                                    facet=facet))
        status, deciding = worst(outcomes)
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          facets=facets(deciding))
        else:
            yield Verdict(res, status, status,
                          {"copies": labels(deciding), "allowed": settings.allowed_text},
                          facets=facets(deciding))
