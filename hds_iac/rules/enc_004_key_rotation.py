"""HDS-ENC-004: customer-managed KMS keys rotate their key material.

A key that protects health data for years multiplies what a single compromised key
material exposes. Yearly automatic rotation (ANSSI's recommendations on key lifetime,
SecNumCloud 10.5 key management, ISO 27001 8.24) bounds that exposure without re-encrypting
anything.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.settings import Settings

ROTATION_FACT = "key_rotation"
# AWS rotates automatically only symmetric encryption keys; asymmetric and HMAC keys
# cannot rotate, so the rule does not judge them (when the adapter tells the key spec).
ROTATABLE_SPECS = ("SYMMETRIC_DEFAULT",)
SPEC_FACT = "key_spec"


@rule("HDS-ENC-004")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("key"):
        if ROTATION_FACT not in res.facts:
            continue
        spec = res.facts.get(SPEC_FACT)
        if isinstance(spec, str) and spec.upper() != "UNKNOWN" and spec not in ROTATABLE_SPECS:
            continue
        rotation = res.facts[ROTATION_FACT]
        if isinstance(rotation, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": rotation.reason})
        elif rotation is True:
            yield Verdict(res, "pass", "pass", {})
        elif rotation is False:
            yield Verdict(res, "fail", "fail", {})
        else:
            yield Verdict(res, "unknown", "unknown",
                          {"reason": f"unexpected value for key rotation ({rotation!r})"})
