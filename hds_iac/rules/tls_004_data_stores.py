"""HDS-TLS-004: databases and caches refuse unencrypted client connections.

Applications reach their database or cache across the network, often from many hosts:
unless the store itself refuses plaintext connections, one misconfigured client sends
health data in clear text (EXI 05 C); protecting network traffic is the customer's side of
AWS's shared responsibility model. Enforcing TLS on the server side (RDS `rds.force_ssl` /
`require_secure_transport`, ElastiCache `transit_encryption_enabled`) is the only way to
guarantee it for every client.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import encryption_verdicts
from hds_iac.settings import Settings

KINDS = ("database", "database-cluster", "cache")
FLOW = "in-transit"


@rule("HDS-TLS-004", kinds=KINDS)
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from encryption_verdicts(inventory.of_kind(*KINDS), FLOW, param="detail")
