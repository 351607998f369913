"""HDS-TLS-003: a CDN serves viewers and reaches its origins over HTTPS only.

A distribution sits on the public internet: when it lets viewers use plain HTTP, or
fetches from its origin over plain HTTP, health data crosses the internet readable by
anyone on the path (EXI 05 C). Both legs count: an HTTPS-only viewer side in front of an
HTTP origin still exposes every response.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import encryption_verdicts
from hds_iac.settings import Settings


@rule("HDS-TLS-003", kinds=("cdn",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from encryption_verdicts(inventory.of_kind("cdn"), None, param="flows")
