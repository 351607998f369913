"""The network readings every adapter shares (hds_iac/adapters/network.py): one rule
written the AWS way, the Outscale way or by the EC2 API gives the same OpenPort."""
from __future__ import annotations

import pytest

from hds_iac.adapters.network import listener_encrypted, open_port
from hds_iac.model import Unknown

WORLD = ("0.0.0.0/0",)


@pytest.mark.parametrize("protocol, low, high, expected", [
    ("tcp", 22, 22, ("tcp", 22, 22)),
    ("tcp", 0, 0, ("tcp", 0, 0)),                     # port 0 is a port, not every port
    ("tcp", "0", "0", ("tcp", 0, 0)),                 # ... written as a string too
    ("6", "443", "443", ("tcp", 443, 443)),           # protocol number, ports as strings
    ("-1", 0, 0, ("all", 0, 65535)),                  # every protocol: every port
    ("udp", -1, -1, ("udp", 0, 65535)),               # -1: every port
    (None, None, None, ("all", 0, 65535)),            # omitted protocol: all
    ("TCP", None, None, ("tcp", 0, 65535)),           # omitted bounds: the edges
])
def test_rules_read_the_same_whatever_their_spelling(protocol, low, high, expected) -> None:
    port = open_port(protocol, low, high, WORLD)
    assert (port.protocol, port.from_port, port.to_port) == expected
    assert port.sources == WORLD


@pytest.mark.parametrize("protocol", ["icmp", "1", "icmpv6", "58"])
def test_icmp_opens_no_port(protocol) -> None:
    assert open_port(protocol, -1, -1, WORLD) is None


def test_masked_and_unknown_values_stay_unknown() -> None:
    port = open_port("####", 22, 22, WORLD)
    assert port.protocol == "all" and isinstance(port.from_port, Unknown)
    port = open_port("tcp", "####", 22, WORLD, names=("from_port_range", "to_port_range"))
    assert isinstance(port.from_port, Unknown) and "from_port_range" in port.from_port.reason
    assert port.to_port == 22
    ref = Unknown("known after apply", refs=("var.protocol",))
    assert open_port(ref, 22, 22, WORLD).from_port is ref


@pytest.mark.parametrize("protocol, expected", [
    ("HTTPS", True), ("tls", True), ("SSL", True),
    ("HTTP", False), ("udp", False), ("TCP_UDP", False), ("GENEVE", False),
])
def test_listener_protocols(protocol, expected) -> None:
    assert listener_encrypted(protocol) is expected


def test_tcp_passthrough_is_unknown_with_the_reason() -> None:
    # TLS may run end to end through a TCP listener and end on the targets (issue 12)
    for protocol in ("TCP", "tcp"):
        value = listener_encrypted(protocol)
        assert isinstance(value, Unknown) and "TLS may end on the targets" in value.reason


def test_unset_or_odd_listener_protocol_is_unknown() -> None:
    assert "is not set" in listener_encrypted(None).reason
    odd = listener_encrypted("QUIC", "load_balancer_protocol")
    assert isinstance(odd, Unknown) and "load_balancer_protocol (QUIC)" in odd.reason


@pytest.mark.parametrize("protocol, low, high, expected", [
    ("17", 53, 53, ("udp", 53, 53)),                  # UDP by number (HDS-TLS-006)
    ("all", "####", "####", ("all", 0, 65535)),       # every protocol: masked ports do not matter
    ("", 5, 6, ("all", 0, 65535)),                    # an empty protocol is every protocol
    (" Tcp ", -5, 70000, ("tcp", 0, 70000)),          # any negative bound is every port
    ("gre", 0, 0, ("gre", 0, 0)),                     # a protocol hds-iac does not name is kept
    (47, 0, 0, ("47", 0, 0)),
    ("tcp", 0, 0, ("tcp", 0, 0)),
])
def test_more_spellings(protocol, low, high, expected) -> None:
    port = open_port(protocol, low, high, WORLD)
    assert (port.protocol, port.from_port, port.to_port) == expected


@pytest.mark.parametrize("protocol", ["ICMP", " icmpv6 "])
def test_icmp_in_any_case_opens_no_port(protocol) -> None:
    assert open_port(protocol, 0, 0, WORLD) is None


def test_one_unknown_bound_stays_unknown_the_other_is_read() -> None:
    ref = Unknown("known after apply", refs=("var.port",))
    port = open_port("tcp", 22, ref, WORLD)
    assert port.from_port == 22 and port.to_port is ref
    port = open_port("udp", 11211, "####", WORLD)
    assert port.from_port == 11211 and "to_port is masked" in port.to_port.reason
    port = open_port("tcp", "x", 22, WORLD)
    assert port.from_port == Unknown("unexpected value for from_port")
    masked = open_port("####", 22, 22, WORLD)
    assert masked.to_port == masked.from_port == Unknown("the protocol is masked in this input")
    assert open_port("tcp", 22, 22, Unknown("s")).sources == Unknown("s")
