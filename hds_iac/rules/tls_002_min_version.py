"""HDS-TLS-002: encrypted endpoints refuse TLS versions older than 1.2.

TLS 1.0 and 1.1 are deprecated (RFC 8996) and ANSSI's TLS recommendations require 1.2 or
later: a flow that still accepts them can be downgraded and read, which defeats the
encryption of health data in transit (EXI 05 C). On AWS the lowest version comes from the
load balancer's security policy or CloudFront's minimum protocol version; an HTTPS
listener without `ssl_policy` gets ELBSecurityPolicy-2016-08, which accepts TLS 1.0.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import flow_facet, flow_label
from hds_iac.rules._outcome import Outcome, verdict_of
from hds_iac.settings import Settings

MINIMUM = (1, 2)


def _version(text: str) -> tuple[int, int] | None:
    parts = text.split(".")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


@rule("HDS-TLS-002", kinds=("listener", "load-balancer", "cdn"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory:
        outcomes = []
        for flow in res.flows:
            if flow.min_tls is None:
                continue
            label = flow_label(flow)
            facet = flow_facet(flow, "min_tls")
            if isinstance(flow.min_tls, Unknown):
                outcomes.append(Outcome("unknown", label, reason=flow.min_tls.reason,
                                        facet=facet))
                continue
            version = _version(str(flow.min_tls))
            if version is None:
                outcomes.append(Outcome("unknown", label, facet=facet,
                                        reason=f"unexpected TLS version {flow.min_tls!r}"))
                continue
            status = "pass" if version >= MINIMUM else "fail"
            outcomes.append(Outcome(status, f"{label}: TLS {flow.min_tls}", facet=facet))
        if not outcomes:
            continue
        yield verdict_of(res, outcomes, "flows")
