"""HDS-LOG-008: the access logs of Outscale VMs are collected, as the user declares.

Outscale's API shows nothing of the logs written inside a VM (who logged in over SSH, what
the application recorded) nor of where they are sent, and its matrix (§3) leaves the logs
of the client's system to the client. So the scan cannot see them: only the user's logging
attestation tag (`Settings.logging_attestation_tag`) can answer, as a declared pass that
reports show apart with the evidence to ask for; a tag set to false/no/0 declares they are
not collected (fail); no tag is unknown, never a pass. The API logs Outscale keeps of the
account's own calls are Outscale's duty (matrix §15), not judged here.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-LOG-008", kinds=("instance",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    tag = settings.logging_attestation_tag
    for res in inventory.of_kind("instance"):
        if res.logging is None:  # only the adapters that can take the declaration give the facet
            continue
        declared = res.logging.attested
        facets = ("logging.attested",)  # the tag, where the adapter found it
        if declared is None:
            yield Verdict(res, "unknown", "unknown_undeclared", {"tag": tag}, facets=facets)
        elif isinstance(declared, Unknown):
            yield Verdict(res, "unknown", "unknown", {"tag": tag, "reason": why(declared)},
                          facets=facets)
        elif declared:
            yield Verdict(res, "pass", "pass", {"tag": tag}, declared=True, facets=facets)
        else:
            yield Verdict(res, "fail", "fail", {"tag": tag}, facets=facets)
