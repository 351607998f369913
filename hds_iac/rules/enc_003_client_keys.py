"""HDS-ENC-003: encrypted data uses a customer-managed KMS key, not an AWS-managed one.

With an AWS-managed key the client can neither restrict nor revoke who decrypts through its
own key policy, and cannot schedule the key's deletion to make the data unreadable at the
end of the contract. A customer-managed key gives it that control (its policy, rotation and
deletion), but it still lives in AWS KMS: it is NOT a key the client holds (an external key
store or client-side encryption, which no configuration shows).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import DATA_KINDS, Inventory, Unknown, facet_key
from hds_iac.rules import Verdict, rule
from hds_iac.rules._at_rest import judge
from hds_iac.rules._outcome import Outcome, verdict_of
from hds_iac.settings import Settings


@rule("HDS-ENC-003", kinds=DATA_KINDS)
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory:
        outcomes = []
        for part in res.at_rest:
            if part.customer_key is None:
                continue  # not encrypted, or no key choice on this service
            encrypted = judge(res, part, inventory)
            if encrypted.status == "fail":
                continue  # not encrypted at all: HDS-ENC-001/002 say so, no key to judge
            label = encrypted.label
            key = facet_key("at_rest", "customer_key", part.part)
            if encrypted.status == "unknown":
                # never "encrypted with a provider key" when encryption itself is unknown
                configured = ("a customer-managed key is configured"
                              if part.customer_key is True
                              else "no customer-managed key is configured")
                outcomes.append(Outcome("unknown", label, reason=(
                    f"whether it is encrypted at all is not known ({encrypted.reason}); "
                    f"{configured}"), facet=encrypted.facet))
                continue
            if isinstance(part.customer_key, Unknown):
                outcomes.append(Outcome("unknown", label, reason=part.customer_key.reason,
                                        facet=key))
            else:
                outcomes.append(Outcome("pass" if part.customer_key else "fail", label,
                                        facet=key))
        if not outcomes:
            continue
        yield verdict_of(res, outcomes, "parts")
