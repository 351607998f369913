"""HDS-MFA-006: connecting to an AWS Client VPN endpoint takes two authentication factors.

A Client VPN endpoint lets people's devices into the networks where health data lives,
from anywhere on the internet. Its connections are always TLS (OpenVPN) with protocol
versions and ciphers AWS chooses, so what the client decides is who gets in: a client
certificate alone is one factor (a key copied with the device's files opens the network),
a certificate together with an Active Directory or SAML sign-in is two (HDS EXI 05 D.b,
distribution of electronic identification means; ISO 27001 8.5). A directory or SAML
sign-in alone is as strong as that directory's or identity provider's own MFA setting,
which the endpoint does not show: unknown, never a guess.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Resource
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-MFA-006", kinds=("vpn",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    # Site-to-site connections have no identity facet: gateways, not people, authenticate.
    yield from flag_verdicts(inventory, ("vpn",), "identity", "mfa_enforced", _params)


def _params(res: Resource) -> dict:
    transport = next((f.detail for f in res.flows if f.name == "client connections"), "")
    return {"detail": res.identity.detail, "transport": transport}
