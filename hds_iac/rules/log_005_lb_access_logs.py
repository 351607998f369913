"""HDS-LOG-005: load balancers write access logs.

A load balancer in front of a health application sees every request: client address, time,
path, status, TLS version. Its access logs are the trace of who called the application
(EXI 05 D.c), kept outside the servers that could be compromised. Gateway load balancers
have no access logs and are not judged.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._logged import logged_verdicts
from hds_iac.settings import Settings


@rule("HDS-LOG-005", kinds=("load-balancer",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from logged_verdicts(inventory, "load-balancer")
