"""HDS-TLS-006: no clear-text protocol is reachable from the whole internet.

FTP, Telnet, HTTP, POP3/IMAP, SNMP, LDAP, the r-commands, rsync, NFS, VNC, Redis and
Memcached send data and often credentials in clear text. Opened to 0.0.0.0/0 or ::/0 they
expose health data and the means to reach it to anyone (EXI 05 C and D); the Outscale
matrix (§16) asks the client to limit access to what is functionally needed and to use
encrypted links. A rule opening every port (protocol "-1"/"all") opens these too.
"""
from __future__ import annotations

import functools
from typing import Iterator

from hds_iac.model import Inventory, OpenPort, Unknown, facet_key
from hds_iac.rules import Verdict, rule
from hds_iac.rules._outcome import Outcome, facets, labels, reasons, worst
from hds_iac.rules._plaintext_protocols import INTERNET, exposed
from hds_iac.settings import Settings


def port_facet(index: int, name: str) -> str:
    """The key of the `index`-th ingress rule's "sources" (who may reach it) or "ports"
    (its range) in `Verdict.facets` and `Resource.attributes`."""
    return facet_key("open_ports", name, str(index))


@functools.lru_cache(maxsize=1024)
def _services(protocol: str, from_port: int, to_port: int) -> tuple[str, ...]:
    """`exposed`, worked out once per protocol and port range: a plan repeats the same
    few ingress rules on thousands of groups."""
    return tuple(exposed(protocol, from_port, to_port))


def _judge(index: int, port: OpenPort) -> Outcome | None:
    """fail/unknown for an ingress rule exposing a plaintext protocol; None when it is
    harmless (not from the internet, or no plaintext port in its range). A failure points
    at the rule's sources (the internet is what makes it one), an unknown at the value
    that is not known."""
    if port.protocol not in ("tcp", "udp", "all"):
        return None
    sources = port.sources
    internet = None if isinstance(sources, Unknown) else INTERNET.intersection(sources)
    if internet is not None and not internet:
        return None
    if isinstance(port.from_port, Unknown) or isinstance(port.to_port, Unknown):
        unknown = port.from_port if isinstance(port.from_port, Unknown) else port.to_port
        return Outcome("unknown", f"{port.protocol} ports", reason=unknown.reason,
                       facet=port_facet(index, "ports"))
    services = _services(port.protocol, port.from_port, port.to_port)
    if not services:
        return None
    if internet is None:
        return Outcome("unknown", ", ".join(services), reason=sources.reason,
                       facet=port_facet(index, "sources"))
    cidrs = ", ".join(sorted(internet))
    return Outcome("fail", f"{', '.join(services)} from {cidrs}", "", "",
                   port_facet(index, "sources"))


@rule("HDS-TLS-006", kinds=("security-group",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("security-group"):
        outcomes = []
        for index, port in enumerate(res.open_ports):  # a plain loop: once per group
            outcome = _judge(index, port)
            if outcome is not None:
                outcomes.append(outcome)
        status, deciding = worst(outcomes)
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          facets(deciding))
        elif status == "fail":
            yield Verdict(res, "fail", "fail", {"exposed": labels(deciding)},
                          facets(deciding))
        else:
            yield Verdict(res, "pass", "pass", {})
