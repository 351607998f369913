"""HDS-LOC-001: data is stored only in an allowed (EEA) region of its provider."""
from __future__ import annotations

from typing import Iterator

from hds_iac import geography
from hds_iac.catalogue import Text
from hds_iac.model import DATA_KINDS, Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.settings import Settings


# The resource's region: adapters record the attribute only when the resource itself names
# it (AWS provider 6.x `region`); a provider block's region is not in the resource, whose
# own line is then where the finding points.
REGION = ("region",)


@rule("HDS-LOC-001", kinds=DATA_KINDS)
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    geo = geography.load()
    allowed = settings.allowed_text  # the same for every resource: worked out once
    names: dict[str, Text] = {}  # each country's name in both languages, built once
    for res in inventory:
        if not res.stores_data or res.region is None:
            continue
        if isinstance(res.region, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": res.region.reason},
                          facets=REGION)
            continue
        country = geo.country_of(res.provider, res.region)
        if isinstance(country, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": country.reason},
                          facets=REGION)
            continue
        name = names.get(country)
        if name is None:
            name = names[country] = geo.country_text(country)
        params = {"region": res.region, "country": name, "allowed": allowed}
        status = "pass" if country in settings.allowed_countries else "fail"
        yield Verdict(res, status, status, params, facets=REGION)
