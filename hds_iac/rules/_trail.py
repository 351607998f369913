"""The trails of an inventory, for the CloudTrail rules (HDS-LOG-001 to 003)."""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Maybe, Resource, Trail


def trail_facet(name: str) -> str:
    """The key of a trail's value (`Trail` field `name`) in `Verdict.facets` and
    `Resource.attributes`: "logging.trail.validation"."""
    return f"logging.trail.{name}"


def trails(inventory: Inventory) -> Iterator[tuple[Resource, Maybe[Trail]]]:
    """Each trail resource with its facet (a Trail, or Unknown when it cannot be read)."""
    for res in inventory.of_kind("trail"):
        trail = res.logging.trail if res.logging is not None else None
        if trail is not None:
            yield res, trail
