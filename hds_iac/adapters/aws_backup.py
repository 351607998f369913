"""What AWS Backup vaults, plans and selections, DLM lifecycle policies and snapshot
sharing mean, whatever the source.

The Terraform adapter (`aws_backup_selection`, `aws_dlm_lifecycle_policy`) and the live AWS
front-end (GetBackupSelection, GetLifecyclePolicy) hand the same fields, under Terraform or
API names, to these functions, so a selection covers the same volumes (HDS-BAK-004) however
it was read. ARNs are provider knowledge, read here and never in rules: a wildcard EC2
volume ARN (`arn:aws:ec2:eu-west-3:*:volume/vol-0*`) becomes a `ResourcePattern` (kind,
region, id pattern), which HDS-BAK-004 matches against a volume even before apply.
"""
from __future__ import annotations

from typing import Any, Iterable

from hds_iac.adapters.aws_names import region_from_arn
from hds_iac.model import (
    AtRest, Backup, Destination, Maybe, ResourcePattern, Selection, Sharing, Unknown,
)

# Backup `Conditions.StringEquals` keys that test a tag: "aws:ResourceTag/<tag>".
TAG_CONDITION_PREFIX = "aws:resourcetag/"
# `Resources` entries that select everything (of one kind).
_ALL = {"*": ()}
_ALL_OF_KIND = (("arn:aws:ec2:*:*:volume/*", ("volume",)),)
# DLM `ResourceTypes` -> model kinds.
_DLM_KINDS = {"VOLUME": "volume", "INSTANCE": "instance"}


def condition_tag(key: object) -> str | None:
    """The tag a `StringEquals` condition key tests, None when it tests something else."""
    if isinstance(key, str) and key.lower().startswith(TAG_CONDITION_PREFIX):
        return key[len(TAG_CONDITION_PREFIX):]
    return None


def backup_selection(tags: dict[str, Maybe[str]], resources: Iterable[Maybe[str]]) -> Selection:
    """An AWS Backup selection: its tag conditions (`ListOfTags`/`selection_tag`, and the
    `aws:ResourceTag/` string conditions) and its `Resources` (ARNs, ids, `*` or a
    wildcard ARN of every volume)."""
    ids: list[Maybe[str]] = []
    patterns: list[ResourcePattern] = []
    select_all, kinds = False, ()
    for item in resources:
        if isinstance(item, str) and item in _ALL:
            select_all = True
            continue
        wildcard = next((k for prefix, k in _ALL_OF_KIND
                         if isinstance(item, str) and item.startswith(prefix)), None)
        pattern = volume_pattern(item) if isinstance(item, str) else None
        if wildcard is not None:
            select_all, kinds = True, wildcard
        elif pattern is not None:
            patterns.append(pattern)
        elif item not in ids:
            ids.append(item)
    return Selection(tags=tags, resource_ids=tuple(ids), select_all=select_all,
                     resource_kinds=kinds, patterns=tuple(patterns))


def volume_pattern(arn: str) -> ResourcePattern | None:
    """`arn:aws:ec2:<region>:<account>:volume/<id>` with wildcards, as a pattern."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "ec2" and parts[5].startswith("volume/") \
            and ("*" in arn or "?" in arn):
        return ResourcePattern(kind="volume", region=parts[3] or "*",
                               id=parts[5][len("volume/"):] or "*")
    return None


def dlm_kinds(types: Iterable[object]) -> tuple[str, ...]:
    """DLM `ResourceTypes` (`resource_types`) as model kinds."""
    return tuple(_DLM_KINDS.get(str(t).upper(), str(t).lower()) for t in types)


def dlm_selection(disabled: bool, target_tags: dict[str, Maybe[str]] | None,
                  kinds: tuple[str, ...]) -> Selection:
    """A DLM policy selects the resources of `kinds` carrying one of its target tags; a
    disabled policy selects nothing."""
    if disabled or target_tags is None:
        return Selection(resource_kinds=kinds)
    return Selection(tags=target_tags, resource_kinds=kinds)


def dlm_copy_destination(target: Any) -> Destination:
    """A DLM cross-region copy rule: `target_region`/`TargetRegion`, or its `target`
    (a region or an Outpost ARN)."""
    region = region_from_arn(target) or target
    return Destination(region=region if isinstance(region, (str, Unknown)) and region != ""
                       else Unknown("no target region"), what="snapshot cross-region copy")


# --- vaults, copies ------------------------------------------------------------------


def vault_facets(customer_key: Maybe[bool] | None, locked: Maybe[bool]) -> dict[str, Any]:
    """A backup vault always encrypts (without a key of the client's: aws/backup); a vault
    lock keeps recovery points from being deleted (HDS-BAK-005)."""
    return {"at_rest": [AtRest(enabled=None, default="encrypted", customer_key=customer_key,
                               part="vault")],
            "backup": Backup(vault_locked=locked)}


def recovery_point_encryption(encrypted: Any, resource_type: Any, vault: str) -> AtRest:
    """A recovery point of an AWS Backup vault, as `ListRecoveryPointsByBackupVault` states
    its `IsEncrypted` (HDS-ENC-005). The vault's KMS key encrypts only the recovery points of
    resource types AWS Backup fully manages (S3, EFS, DynamoDB with advanced backup, VMware,
    Timestream...), which are always encrypted; those of other types (EBS, EC2, RDS, Aurora,
    FSx, Neptune, DocumentDB...) keep their source's encryption, so an unencrypted volume
    gives an unencrypted recovery point whatever the vault's key (AWS Backup Developer
    Guide, "Encryption for backups in AWS Backup"). A Terraform configuration therefore
    proves nothing about recovery points beyond its sources (HDS-ENC-001/002 judge them):
    only the account's answer does."""
    part = f"recovery point of {resource_type} in vault {vault}" if isinstance(
        resource_type, str) and resource_type else f"recovery point in vault {vault}"
    if not isinstance(encrypted, bool):
        return AtRest(enabled=Unknown("the recovery point's IsEncrypted is not stated"),
                      part=part)
    return AtRest(enabled=encrypted, part=part)


def copy_destination(vault: Any, region: Maybe[str], shown: str) -> Destination:
    """A backup rule's copy action: recovery points go to the destination vault's region."""
    return Destination(region=region, what=f"backup copy to {shown}")


# --- sharing of snapshots and images --------------------------------------------------

PUBLIC = "all"  # the group (EC2) or account list entry (RDS) that means everybody


def shared_with(entries: Iterable[str]) -> Sharing:
    """RDS snapshot `restore` attribute / Terraform `shared_accounts`: accounts, "all"."""
    entries = [str(e) for e in entries]
    return Sharing(public=PUBLIC in entries, accounts=tuple(e for e in entries if e != PUBLIC))


def permission_sharing(groups: Iterable[Any], accounts: Iterable[str]) -> Sharing:
    """EC2 create-volume / launch permissions: the group "all" makes it public; accounts,
    organisations and organisational units it is shared with."""
    return Sharing(public=any(g == PUBLIC for g in groups), accounts=tuple(accounts))
