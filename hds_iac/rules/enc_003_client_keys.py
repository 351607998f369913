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
from hds_iac.rules._at_rest import encryption, judge, part_label
from hds_iac.rules._outcome import Outcome, verdict_of
from hds_iac.settings import Settings


@rule("HDS-ENC-003", kinds=DATA_KINDS)
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory:
        outcomes = []
        for part in res.at_rest:
            if part.customer_key is None:
                continue  # not encrypted, or no key choice on this service
            # whether the part is encrypted at all, as HDS-ENC-001/002 judge it (only the
            # status: their outcome's message parts are not needed here)
            encrypted, _, _ = encryption(res, part, inventory)
            if encrypted == "fail":
                continue  # not encrypted at all: HDS-ENC-001/002 say so, no key to judge
            if encrypted == "unknown":
                # never "encrypted with a provider key" when encryption itself is unknown
                unknown = judge(res, part, inventory)  # the reason and the deciding facet
                configured = ("a customer-managed key is configured"
                              if part.customer_key is True
                              else "no customer-managed key is configured")
                outcomes.append(Outcome("unknown", unknown.label, reason=(
                    f"whether it is encrypted at all is not known ({unknown.reason}); "
                    f"{configured}"), facet=unknown.facet))
                continue
            label = part_label(res, part)
            key = facet_key("at_rest", "customer_key", part.part)
            if isinstance(part.customer_key, Unknown):
                outcomes.append(Outcome("unknown", label, reason=part.customer_key.reason,
                                        facet=key))
            else:  # the most common outcome: its fields by position (no keyword dictionary)
                outcomes.append(Outcome("pass" if part.customer_key else "fail", label, "", "",
                                        key))
        if not outcomes:
            continue
        yield verdict_of(res, outcomes, "parts")
