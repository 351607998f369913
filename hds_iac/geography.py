"""Which country hosts a region, and whether that country is in the EEA.

A region name alone says nothing: AWS `eu-west-2` is London while Outscale `eu-west-2`
is France. Every look-up therefore takes the provider. The tables live in `providers/`
as data so that a new region is a one-line change.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hds_iac import bundled_toml, provider_registry
from hds_iac.catalogue import Text
from hds_iac.lazy_pattern import LazyPattern
from hds_iac.model import Maybe, Unknown

_ARN = LazyPattern(r"^arn:aws[\w-]*:([\w-]+):([a-z]{2}(?:-[a-z]+)+-\d+)?:")
_ZONE = LazyPattern(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")


def region_from_arn(arn: object) -> str | None:
    """The region an AWS ARN names (None for global ARNs and other values)."""
    if isinstance(arn, str):
        match = _ARN.match(arn)
        if match and match.group(2):
            return match.group(2)
    return None


def region_from_zone(zone: object) -> str | None:
    """The region of an availability zone / subregion name (`eu-west-3a` -> `eu-west-3`)."""
    if isinstance(zone, str):
        match = _ZONE.match(zone)
        if match:
            return match.group(1)
    return None


@dataclass(frozen=True)
class Geography:
    """The EEA, country names, and each provider's region -> country table."""

    eea: frozenset[str]
    country_names: dict[str, str]
    country_names_fr: dict[str, str]
    regions: dict[str, dict[str, str]]  # provider -> region -> ISO country code

    def country_of(self, provider: str, region: str) -> Maybe[str]:
        """ISO code of the country hosting `region` of `provider`, or Unknown with the reason."""
        table = self.regions.get(provider)
        if table is None:
            return Unknown(f"no region table for provider {provider!r}")
        if region in table:
            return table[region]
        # AWS and Outscale zones are "<region><letter>": accept them too.
        if region and region[-1].isalpha() and region[:-1] in table:
            return table[region[:-1]]
        return Unknown(f"{provider} region {region!r} is not in the region table")

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def country_text(self, code: str) -> Text:
        """The country's name in both languages, for messages rendered in either."""
        return Text(en=self.country_names.get(code, code),
                    fr=self.country_names_fr.get(code, self.country_names.get(code, code)))

    def area_text(self, countries: frozenset[str]) -> Text:
        """An allowed area as a reader says it: "EEA" / "EEE", "EEA + GB", or the codes."""
        if countries == self.eea:
            return Text(en="EEA", fr="EEE")
        if countries > self.eea:
            extra = ", ".join(sorted(countries - self.eea))
            return Text(en=f"EEA + {extra}", fr=f"EEE + {extra}")
        codes = ", ".join(sorted(countries))
        return Text(en=codes, fr=codes)


def _read(name: str) -> dict:
    return bundled_toml.table("hds_iac.providers", name)


@lru_cache(maxsize=1)
def load() -> Geography:
    base = _read("geography.toml")
    regions = {p.id: dict(_read(p.region_table)["regions"])
               for p in provider_registry.PROVIDERS}
    return Geography(
        eea=frozenset(base["eea"]), country_names=dict(base["countries"]),
        country_names_fr=dict(base.get("countries_fr", {})), regions=regions
    )
