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

# The facet values this rule judges (`hds_iac.model.facet_key`): rotation itself, and
# whether the key can rotate (its spec) when that is what leaves the answer open.
ENABLED = "key_rotation.enabled"
POSSIBLE = "key_rotation.possible"


@rule("HDS-ENC-004", kinds=("key",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("key"):
        if res.key_rotation is None:
            continue
        # Keys the provider cannot rotate (asymmetric, HMAC) are not judged. With rotation
        # off and a spec that is not known, the key may be one of those: unknown, not a
        # failure guessed from "most keys are symmetric".
        possible = res.key_rotation.possible
        if possible is False:
            continue
        rotation = res.key_rotation.enabled
        facets = (ENABLED,)
        if isinstance(rotation, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": rotation.reason}, facets=facets)
        elif rotation is True:
            yield Verdict(res, "pass", "pass", {}, facets=facets)
        elif rotation is False and isinstance(possible, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": (
                "rotation is off, and whether this key can rotate (only symmetric keys can) "
                f"is not known: {possible.reason}")}, facets=(POSSIBLE, ENABLED))
        elif rotation is False:
            yield Verdict(res, "fail", "fail", {}, facets=facets)
        else:
            yield Verdict(res, "unknown", "unknown",
                          {"reason": f"unexpected value for key rotation ({rotation!r})"},
                          facets=facets)
