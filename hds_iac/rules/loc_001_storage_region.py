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
    # (provider, region) -> its status and country name (or why it is unknown), worked out
    # once per place: a plan's thousands of resources are in a few regions
    places: dict[tuple[str, str], tuple[str, Text | str]] = {}
    for res in inventory:
        if not res.stores_data or res.region is None:
            continue
        if isinstance(res.region, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": res.region.reason}, REGION)
            continue
        place = (res.provider, res.region)
        found = places.get(place)
        if found is None:
            found = places[place] = _judge_place(geo, settings, res.provider, res.region)
        status, shown = found
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": shown}, REGION)
        else:
            yield Verdict(res, status, status,
                          {"region": res.region, "country": shown, "allowed": allowed}, REGION)


def _judge_place(geo: geography.Geography, settings: Settings, provider: str,
                 region: str) -> tuple[str, Text | str]:
    """pass/fail with the country's name in both languages, or unknown with the reason."""
    country = geo.country_of(provider, region)
    if isinstance(country, Unknown):
        return "unknown", country.reason
    return ("pass" if country in settings.allowed_countries else "fail",
            geo.country_text(country))
