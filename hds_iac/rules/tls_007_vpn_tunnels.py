"""HDS-TLS-007: site-to-site VPN tunnels negotiate only IKEv2 and strong algorithms.

A VPN carries health data between a site and the cloud in the clear inside the tunnel's
encryption: a tunnel that still accepts IKEv1, SHA-1 or a small Diffie-Hellman group can be
made to negotiate it, and the flow is then no better protected than its weakest accepted
option (EXI 05 C). ANSSI's IPsec recommendations ("Recommandations de sécurité relatives à
IPsec pour la protection des flux réseau") ask for IKEv2 and for algorithms fixed in
advance rather than negotiated; the sizes follow ANSSI's cryptographic rules (RGS annex B1,
ANSSI-PA-079): modular Diffie-Hellman groups of at least 2048 bits (14 to 18), elliptic
curves of at least 256 bits (19 to 21), SHA-2 for integrity, AES for encryption. Groups 22
to 24 (RFC 5114, small prime-order subgroups) are left out by hds-iac's own choice. An
option a tunnel does not set takes the provider's defaults, which on AWS allow IKEv1, SHA-1
and groups 2, 5 and 22 to 24: it fails, and the message says it was left to the defaults.
Where the provider's API shows no IPsec option (Outscale), the answer is unknown.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.catalogue import Text
from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import flow_facet
from hds_iac.rules._outcome import Outcome, verdict_of
from hds_iac.settings import Settings

_AES = frozenset({"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"})
_SHA2 = frozenset({"SHA2-256", "SHA2-384", "SHA2-512"})
_GROUPS = frozenset(str(n) for n in range(14, 22))
# Per option, the values accepted (compared without case); any other value fails.
STRONG: dict[str, frozenset[str]] = {
    "IKE versions": frozenset({"IKEV2"}),
    "phase 1 encryption": _AES, "phase 1 integrity": _SHA2, "phase 1 DH groups": _GROUPS,
    "phase 2 encryption": _AES, "phase 2 integrity": _SHA2, "phase 2 DH groups": _GROUPS,
}
# The options as French messages name them.
_FRENCH = {
    "IKE versions": "versions d'IKE", "phase 1 encryption": "chiffrement de phase 1",
    "phase 1 integrity": "intégrité de phase 1", "phase 1 DH groups": "groupes DH de phase 1",
    "phase 2 encryption": "chiffrement de phase 2", "phase 2 integrity": "intégrité de phase 2",
    "phase 2 DH groups": "groupes DH de phase 2",
}


def _weak(tunnel: str, option: str, weak: list[str], defaulted: bool) -> Text:
    values = "/".join(weak)
    return Text(
        en=f"{tunnel} {option} {values}" + (" (not set: the provider's defaults)" if defaulted else ""),
        fr=f"{tunnel} {_FRENCH.get(option, option)} {values}"
           + (" (non réglé : valeurs par défaut du fournisseur)" if defaulted else ""))


@rule("HDS-TLS-007", kinds=("vpn",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("vpn"):
        outcomes = []
        for flow in res.flows:
            if flow.ipsec is None:
                continue
            if isinstance(flow.ipsec, Unknown):
                outcomes.append(Outcome("unknown", flow.name, reason=flow.ipsec.reason,
                                        facet=flow_facet(flow, "ipsec")))
                continue
            for option, values in flow.ipsec.options.items():
                facet = flow_facet(flow, f"ipsec.{option}")
                if isinstance(values, Unknown):
                    outcomes.append(Outcome("unknown", flow.name, reason=values.reason,
                                            facet=facet))
                    continue
                allowed = STRONG.get(option)
                if allowed is None:
                    continue
                weak = [v for v in values if v.upper() not in allowed]
                if weak:
                    outcomes.append(Outcome("fail", _weak(flow.name, option, weak,
                                                          option in flow.ipsec.defaulted),
                                            facet=facet))
                else:
                    outcomes.append(Outcome("pass", flow.name, facet=facet))
        if not outcomes:
            continue
        yield verdict_of(res, outcomes, "tunnels")
