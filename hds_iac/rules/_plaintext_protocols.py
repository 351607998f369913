"""Protocols that carry data (or credentials) in clear text, by port: the one list that
HDS-TLS-006 checks. Add a protocol here and the rule, its messages and its tests follow.

Each entry: (name, first port, last port, transport protocols it runs on).
"""
from __future__ import annotations

PLAINTEXT_PROTOCOLS: tuple[tuple[str, int, int, frozenset[str]], ...] = (
    ("FTP", 20, 21, frozenset({"tcp"})),
    ("Telnet", 23, 23, frozenset({"tcp"})),
    ("HTTP", 80, 80, frozenset({"tcp"})),
    ("POP3", 110, 110, frozenset({"tcp"})),
    ("IMAP", 143, 143, frozenset({"tcp"})),
    ("SNMP", 161, 161, frozenset({"udp", "tcp"})),
    ("LDAP", 389, 389, frozenset({"tcp", "udp"})),
    ("rsh/rlogin/rexec", 512, 514, frozenset({"tcp"})),
    ("rsync", 873, 873, frozenset({"tcp"})),
    ("NFS", 2049, 2049, frozenset({"tcp", "udp"})),
    ("VNC", 5900, 5900, frozenset({"tcp"})),
    ("Redis", 6379, 6379, frozenset({"tcp"})),
    ("Memcached", 11211, 11211, frozenset({"tcp", "udp"})),
)

# Sources meaning "anyone on the internet".
INTERNET = frozenset({"0.0.0.0/0", "::/0"})


def exposed(protocol: str, from_port: int, to_port: int) -> list[str]:
    """The plaintext protocols an ingress rule on `protocol` ("tcp", "udp", "all") and the
    port range [from_port, to_port] lets through, as "Telnet 23/tcp"."""
    found = []
    for name, first, last, transports in PLAINTEXT_PROTOCOLS:
        if protocol != "all" and protocol not in transports:
            continue
        if from_port <= last and to_port >= first:
            ports = str(first) if first == last else f"{first}-{last}"
            shown = "/".join(sorted(transports)) if protocol == "all" else protocol
            found.append(f"{name} {ports}/{shown}")
    return found
