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
    return worst([judge(res, part, inventory) for part in res.at_rest])


def judge(res: Resource, part: AtRest, inventory: Inventory) -> Outcome:
    """The part's outcome, naming the facet value that decided it (`enabled`, whose
    absence lets the default decide, or the attestation)."""
    outcome = _judge(res, part, inventory)
    name = "attested" if outcome.why == "attested" else "enabled"
    # a new Outcome, not `dataclasses.replace`: that one copies field by field through
    # `fields()`, a tenth of the encryption rules' time on a 5,000-resource plan
    return Outcome(outcome.status, outcome.label, outcome.why, outcome.reason,
                   facet_key("at_rest", name, part.part))


def _judge(res: Resource, part: AtRest, inventory: Inventory) -> Outcome:
    label = part_label(res, part)
    if isinstance(part.enabled, Unknown):
        return Outcome("unknown", label, "configured", part.enabled.reason)
    if part.enabled is True:
        return Outcome("pass", label, "configured")
    if part.enabled is False:
        return Outcome("fail", label, "configured")
    # The configuration is silent: the provider's default decides.
    if part.attested is True:
        return Outcome("pass", label, "attested")
    if isinstance(part.attested, Unknown):
        return Outcome("unknown", label, "attested", part.attested.reason)
    if part.default == "encrypted":
        return Outcome("pass", label, "service-default")
    if part.default == "account-default":
        return _account_default(res, label, inventory)
    if part.default == "client-side":
        return Outcome("fail", label, "client-side")
    return Outcome("fail", label, "configured")  # "unencrypted" by default


def _account_default(res: Resource, label: str, inventory: Inventory) -> Outcome:
    """AWS EBS: encrypted when EBS encryption by default is on in the resource's region.

    The region matters only if some account setting in the input could turn encryption
    on: with none anywhere, the disk is unencrypted whatever its region (an unknown
    region must not make that answer unknown)."""
    settings = [s for s in inventory.of_kind("account-setting")
                if s.provider == res.provider and s.encryption_default is not None
                and s.encryption_default is not False]
    if not settings:
        return Outcome("fail", label, "account-default")
    if isinstance(res.region, Unknown):
        return Outcome("unknown", label, "account-default",
                       f"EBS encryption by default depends on the region, which is unknown "
                       f"({res.region.reason})")
    if res.region is None:
        return Outcome("unknown", label, "account-default",
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
            return Outcome("pass", label, "account-default")
        if isinstance(enabled, Unknown):
            unresolved = unresolved or Unknown(f"{setting.address}: {enabled.reason}")
    if unresolved is not None:
        return Outcome("unknown", label, "account-default", unresolved.reason)
    return Outcome("fail", label, "account-default")

