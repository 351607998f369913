"""What the three drift rules share: the resources of one side that carry a drift facet.

Only the drift inventory of a live scan with `--against` holds such resources
(`hds_iac.drift.compare`): on any other inventory the drift rules yield nothing.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Resource


def drifted(inventory: Inventory, side: str) -> Iterator[Resource]:
    for res in inventory:
        if res.drift is not None and res.drift.side == side:
            yield res
