"""Whether one stored part (a disk, a table, a bucket...) is encrypted at rest.

Shared by HDS-ENC-001 (volumes and machine disks), HDS-ENC-002 (managed data stores) and
HDS-ENC-005 (snapshots and images): all read `AtRest` the same way and differ only in the
kinds they look at (HDS-ENC-001 and HDS-ENC-005 also share their verdicts: `_disks`). The `why` of
each outcome names the message variant the rules use:

- "configured": the configuration turns encryption on (or off, for a failure);
- "service-default": the service always encrypts (S3 since 2023, DynamoDB, Backup vaults);
- "account-default": AWS EBS with `encrypted` omitted, decided by the account/region
  setting (kind "account-setting", `encryption_default`);
- "attested": client-side encryption declared by the user's tag;
- "client-side": the provider has no encryption feature and nothing attests it.
"""
from __future__ import annotations

from hds_iac.model import AtRest, Inventory, Resource, Unknown, facet_key
from hds_iac.rules._outcome import Outcome, worst


def part_label(res: Resource, part: AtRest) -> str:
    return part.part or res.kind


def judge_parts(res: Resource, inventory: Inventory) -> tuple[str, list[Outcome]]:
    """The worst outcome over every stored part of `res` and the parts that decide it: a
    resource is as encrypted as its least encrypted part."""
    outcomes = []
    for part in res.at_rest:  # a plain loop: a comprehension is one more call per resource
        outcomes.append(judge(res, part, inventory))
    return worst(outcomes)


def judge(res: Resource, part: AtRest, inventory: Inventory) -> Outcome:
    """The part's outcome, naming the facet value that decided it (`enabled`, whose
    absence lets the default decide, or the attestation)."""
    status, why, reason = encryption(res, part, inventory)
    name = "attested" if why == "attested" else "enabled"
    return Outcome(status, part_label(res, part), why, reason, facet_key("at_rest", name, part.part))


def encryption(res: Resource, part: AtRest, inventory: Inventory) -> tuple[str, str, str]:
    """The part's status, why (the message variant) and, when unknown, the reason: `judge`
    builds the one `Outcome` of a part from them (tens of thousands on a large plan), and
    HDS-ENC-003, which needs only whether the part is encrypted, reads them as they are."""
    if isinstance(part.enabled, Unknown):
        return "unknown", "configured", part.enabled.reason
    if part.enabled is True:
        return "pass", "configured", ""
    if part.enabled is False:
        return "fail", "configured", ""
    # The configuration is silent: the provider's default decides.
    if part.attested is True:
        return "pass", "attested", ""
    if isinstance(part.attested, Unknown):
        return "unknown", "attested", part.attested.reason
    if part.default == "encrypted":
        return "pass", "service-default", ""
    if part.default == "account-default":
        return _account_default(res, inventory)
    if part.default == "client-side":
        return "fail", "client-side", ""
    return "fail", "configured", ""  # "unencrypted" by default


def _account_default(res: Resource, inventory: Inventory) -> tuple[str, str, str]:
    """AWS EBS: encrypted when EBS encryption by default is on in the resource's region.

    The region matters only if some account setting in the input could turn encryption
    on: with none anywhere, the disk is unencrypted whatever its region (an unknown
    region must not make that answer unknown)."""
    settings = [s for s in inventory.of_kind("account-setting")
                if s.provider == res.provider and s.encryption_default is not None
                and s.encryption_default is not False]
    if not settings:
        return "fail", "account-default", ""
    if isinstance(res.region, Unknown):
        return ("unknown", "account-default",
                f"EBS encryption by default depends on the region, which is unknown "
                f"({res.region.reason})")
    if res.region is None:
        return ("unknown", "account-default",
                "EBS encryption by default depends on the region, which is not set")
    unresolved: Unknown | None = None
    for setting in settings:
        if isinstance(setting.region, Unknown):
            unresolved = unresolved or Unknown(
                f"the region of {setting.address} is unknown ({setting.region.reason})")
            continue
        if setting.region != res.region:
            continue
        enabled = setting.encryption_default
        if enabled is True:
            return "pass", "account-default", ""
        if isinstance(enabled, Unknown):
            unresolved = unresolved or Unknown(f"{setting.address}: {enabled.reason}")
    if unresolved is not None:
        return "unknown", "account-default", unresolved.reason
    return "fail", "account-default", ""

