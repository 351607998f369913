"""The verdicts of HDS-ENC-001 (volumes and machine disks) and HDS-ENC-005 (snapshots and
images): a snapshot or an image copies disks, so it is judged with the same outcomes and
the same message keys as the disks it copies (the AWS account default, the Outscale
attestation), and the two rules cannot disagree on the same fact."""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict
from hds_iac.rules._at_rest import judge_parts
from hds_iac.rules._outcome import facets, labels, reasons, whys
from hds_iac.settings import Settings


# Verdicts that judge by the account setting's absence: the rules declare them in
# `needs_all`, so a failed read of the setting makes them unknown.
ACCOUNT_DEFAULT_FAILS = ("fail-account-default", "fail-account-default-nowhere")


def disk_verdicts(inventory: Inventory, settings: Settings,
                  kinds: tuple[str, ...]) -> Iterator[Verdict]:
    """One verdict per resource of `kinds` that has stored parts: disks, and the snapshots
    and images that copy them (the same AWS account default and Outscale attestation)."""
    tag = settings.encryption_attestation_tag
    for res in inventory.of_kind(*kinds):
        if not res.at_rest:
            continue
        status, deciding = judge_parts(res, inventory)
        decided_by = facets(deciding)
        variants = whys(deciding)
        parts = labels(deciding)
        region = res.region if isinstance(res.region, str) else "?"
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          decided_by)
        elif status == "fail":
            if "configured" in variants:
                yield Verdict(res, "fail", "fail", {"parts": parts}, decided_by)
            elif "client-side" in variants:
                yield Verdict(res, "fail", "fail-client-side", {"parts": parts, "tag": tag},
                              decided_by)
            elif isinstance(res.region, str):
                yield Verdict(res, "fail", "fail-account-default",
                              {"parts": parts, "region": region}, decided_by)
            else:  # no setting in the input turns it on, whatever the region
                yield Verdict(res, "fail", "fail-account-default-nowhere", {"parts": parts},
                              decided_by)
        elif "attested" in variants:
            yield Verdict(res, "pass", "pass-attested", {"parts": parts, "tag": tag},
                          decided_by, declared=True)
        elif "account-default" in variants:
            yield Verdict(res, "pass", "pass-account-default", {"parts": parts, "region": region},
                          decided_by)
        else:
            yield Verdict(res, "pass", "pass", {"parts": parts}, decided_by)
