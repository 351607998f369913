"""The region a provider configuration's resources prove, for inputs that do not record it.

A plan whose provider block sets no region, and every state file, leave the provider region
of their resources unknown. AWS accepts a resource only in its provider configuration's
region, so an availability zone or an ARN that one resource carries (or the name a
`data "aws_region"` source reads) proves that region for every resource of the same
configuration. When two resources disagree, nothing is proven and the region stays
unknown, with both witnesses in the reason. The plan and state readers share this.
"""
from __future__ import annotations

import dataclasses
from typing import Hashable

from hds_iac.geography import region_from_arn, region_from_zone
from hds_iac.model import Unknown
from hds_iac.terraform.records import TfResource


# Attributes naming the zone (AWS) or subregion (Outscale) a resource sits in.
_ZONE_KEYS = ("availability_zone", "subregion_name", "placement_subregion_name")


class RegionEvidence:
    """Witnesses of each provider configuration's region, and who uses that configuration."""

    def __init__(self, where: str) -> None:
        self.where = where  # "in the plan", "in a state file": for messages
        self.seen: dict[Hashable, dict[str, str]] = {}  # configuration -> region -> witness
        self.members: dict[str, Hashable] = {}  # resource address -> configuration

    def note(self, config: Hashable, address: str, values: dict,
             region_source: bool = False) -> None:
        """Record `address` as a user of `config`, and the region its own values prove."""
        self.members[address] = config
        found = [(region_from_zone(values.get(key)), "zone") for key in _ZONE_KEYS]
        found.append((region_from_arn(values.get("arn")), "ARN"))
        if region_source:
            name = values.get("region") or values.get("name")
            found.append((name if isinstance(name, str) and name else None, "data source"))
        for region, how in found:
            if region:
                self.seen.setdefault(config, {}).setdefault(region, f"{address} ({how})")

    def inferred(self, config: Hashable | None) -> str | Unknown | None:
        """One proven region; None when no resource carries one; Unknown when they disagree."""
        found = self.seen.get(config) if config is not None else None
        if not found:
            return None
        if len(found) > 1:
            return Unknown(f"the provider sets no region {self.where} and its resources "
                           f"carry several ({', '.join(sorted(found))})")
        return next(iter(found))

    def apply(self, records: list[TfResource]) -> None:
        """Give each member whose provider region is unknown the region its configuration's
        resources prove (in place)."""
        if not self.members:
            return  # no resource uses a configuration whose region is unknown
        for i, record in enumerate(records):
            config = self.members.get(record.address)
            if config is None or not isinstance(record.provider_region, Unknown):
                continue
            region = self.inferred(config)
            if region is not None:
                records[i] = dataclasses.replace(record, provider_region=region)
