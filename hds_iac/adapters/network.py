"""Network facts every provider writes alike: ingress rules and listener protocols.

AWS security groups (Terraform and the EC2 API) and Outscale security groups all write a
rule as a protocol ("tcp", "6", "-1" for all...) and a port range where -1 or an omitted
bound means every port; AWS and Outscale load balancers name their listener protocols
the same way (HTTP, HTTPS, TCP, SSL...). One reading serves the four sources, so a rule
open to the world or a plaintext listener is judged the same whichever way it was found.
"""
from __future__ import annotations

from typing import Any

from hds_iac.adapters.terraform_values import as_int, fully_masked
from hds_iac.model import Maybe, OpenPort, Unknown

PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp"}
# ICMP carries no port and no health data: such rules are not listed.
SKIPPED = {"icmp", "icmpv6", "1", "58"}


def _port(protocol: str, raw: Any, name: str, edge: int) -> Maybe[int]:
    if protocol == "all":
        return edge
    if raw.__class__ is int:  # most rules: a number, taken as it is (-1: every port)
        return raw if raw >= 0 else edge
    if fully_masked(raw):
        return Unknown(f"{name} is masked in this input")
    port = as_int(raw, name, edge)
    if isinstance(port, int) and port < 0:  # -1: every port
        return edge
    return port if port is not None else edge


def open_port(protocol_raw: Any, from_raw: Any, to_raw: Any, sources: Maybe[tuple[str, ...]],
              names: tuple[str, str] = ("from_port", "to_port")) -> OpenPort | None:
    """The rule as an OpenPort, or None for a rule that opens no port (ICMP). `names` are
    the attribute names the Unknown reasons cite."""
    if isinstance(protocol_raw, Unknown) or fully_masked(protocol_raw):
        unknown = (protocol_raw if isinstance(protocol_raw, Unknown)
                   else Unknown("the protocol is masked in this input"))
        return OpenPort("all", unknown, unknown, sources)
    text = str(protocol_raw).strip().lower() if protocol_raw not in (None, "") else "-1"
    if text in SKIPPED:
        return None
    protocol = PROTOCOLS.get(text, text)
    return OpenPort(protocol, _port(protocol, from_raw, names[0], 0),
                    _port(protocol, to_raw, names[1], 65535), sources)


# Listener protocols of load balancers (AWS ALB/NLB/Classic, Outscale LBU). HTTP is parsed
# by the load balancer, so it is plaintext; UDP (and TCP_UDP, which also takes UDP) carries
# no TLS; a TCP listener forwards the bytes it receives untouched, so TLS may run end to end
# and end on the targets: the configuration cannot tell (docs/model-contract.md).
PLAIN_LISTENERS = {"HTTP", "UDP", "TCP_UDP", "GENEVE"}
PASSTHROUGH_LISTENERS = {"TCP"}
TLS_LISTENERS = {"HTTPS", "TLS", "SSL"}
PASSTHROUGH_REASON = ("a TCP listener passes the bytes through: TLS may end on the targets, "
                      "which the load balancer's configuration does not show (use a TLS "
                      "listener to make it visible)")


def listener_encrypted(protocol: Maybe[str] | None, name: str = "the listener protocol") -> Maybe[bool]:
    """Whether a listener protocol encrypts the flow; Unknown for an unset or unexpected one."""
    if isinstance(protocol, Unknown):
        return protocol
    if protocol is None:
        return Unknown(f"{name} is not set")
    upper = protocol.upper()
    if upper in TLS_LISTENERS:
        return True
    if upper in PLAIN_LISTENERS:
        return False
    if upper in PASSTHROUGH_LISTENERS:
        return Unknown(PASSTHROUGH_REASON)
    return Unknown(f"unexpected value for {name} ({protocol})")
