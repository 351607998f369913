"""The trails of an inventory, for the CloudTrail rules (HDS-LOG-001 to 003)."""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Maybe, Resource, Trail


def trails(inventory: Inventory) -> Iterator[tuple[Resource, Maybe[Trail]]]:
    """Each trail resource with its facet (a Trail, or Unknown when it cannot be read)."""
    for res in inventory.of_kind("trail"):
        trail = res.logging.trail if res.logging is not None else None
        if trail is not None:
            yield res, trail
