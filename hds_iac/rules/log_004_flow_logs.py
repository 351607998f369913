"""HDS-LOG-004: every network records its flow logs.

VPC flow logs record which address reached which address and port, and whether it was let
in: the network side of the traceability of access (EXI 05 D.c), the trace that remains
when a machine's own logs are gone. A flow log that records only REJECT traffic misses
every access that succeeded. The flow log is linked to its VPC by the adapters (Terraform
`aws_flow_log` naming the VPC, live `DescribeFlowLogs`), so the rule reads one switch.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._logged import logged_verdicts
from hds_iac.settings import Settings


@rule("HDS-LOG-004", kinds=("network",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from logged_verdicts(inventory, "network")
