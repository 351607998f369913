"""HDS-ENC-001: block volumes and machine disks are encrypted at rest.

Health data on a disk is exposed whenever the storage medium leaves the provider's control
or is reallocated to someone else (EXI 05 B.c). The Outscale matrix (§13) leaves disk
encryption to the client: Outscale exposes no volume encryption, so the client encrypts
inside the VM (LUKS) and nothing in the API can show it; only the user's attestation tag
can. On AWS, a disk whose `encrypted` is omitted is encrypted only when EBS encryption by
default is enabled for its account and region.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._at_rest import judge
from hds_iac.rules._outcome import facets, labels, reasons, worst
from hds_iac.settings import Settings

KINDS = ("volume", "instance", "launch-template")


@rule("HDS-ENC-001", needs_all={"account-setting": ("fail-account-default",
                                                     "fail-account-default-nowhere")})
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    tag = settings.encryption_attestation_tag
    for res in inventory.of_kind(*KINDS):
        if not res.at_rest:
            continue
        outcomes = [judge(res, part, inventory) for part in res.at_rest]
        status, deciding = worst(outcomes)
        decided_by = facets(deciding)
        whys = {o.why for o in deciding}
        parts = labels(deciding)
        region = res.region if isinstance(res.region, str) else "?"
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          facets=decided_by)
        elif status == "fail":
            if "configured" in whys:
                yield Verdict(res, "fail", "fail", {"parts": parts}, facets=decided_by)
            elif "client-side" in whys:
                yield Verdict(res, "fail", "fail-client-side", {"parts": parts, "tag": tag},
                              facets=decided_by)
            elif isinstance(res.region, str):
                yield Verdict(res, "fail", "fail-account-default",
                              {"parts": parts, "region": region}, facets=decided_by)
            else:  # no setting in the input turns it on, whatever the region
                yield Verdict(res, "fail", "fail-account-default-nowhere", {"parts": parts},
                              facets=decided_by)
        elif "attested" in whys:
            yield Verdict(res, "pass", "pass-attested", {"parts": parts, "tag": tag},
                          declared=True, facets=decided_by)
        elif "account-default" in whys:
            yield Verdict(res, "pass", "pass-account-default", {"parts": parts, "region": region},
                          facets=decided_by)
        else:
            yield Verdict(res, "pass", "pass", {"parts": parts}, facets=decided_by)
