"""AWS Terraform types that protect or copy data: backup vaults, plans and selections, DLM
policies, KMS keys, snapshots and images (and their sharing permissions)."""
from __future__ import annotations

from typing import Any

from hds_iac.adapters import aws_backup, aws_storage
from hds_iac.adapters.terraform_index import TfIndex
from hds_iac.adapters.terraform_aws_common import (
    as_list, as_str, blocks, customer_key, first_block, get_blocks, get_bool, handles, has,
    ids_of, known_blocks, linked, region_from_arn, region_of, resolve_all, resolve_one,
    resource, show,
)
from hds_iac.model import Destination, Maybe, Resource, Sharing, Unknown
from hds_iac.terraform.records import TfResource

# --- backups ---------------------------------------------------------------------------


@handles("aws_backup_vault")
def backup_vault(rec: TfResource, index: TfIndex) -> list[Resource]:
    locks = linked(index, rec, "backup_vault_name", ("aws_backup_vault_lock_configuration",),
                   name_keys=("name", "id"))
    locked: Maybe[bool] = True if locks else _unresolved_lock(index)
    # Vaults always encrypt; without `kms_key_arn` the key is AWS-managed (aws/backup).
    key = customer_key(rec, rec.values.get("kms_key_arn"), index)
    return [resource(rec, "backup-vault", stores_data=True,
                     **aws_backup.vault_facets(key, locked))]


def _unresolved_lock(index: TfIndex) -> Maybe[bool]:
    """False, unless a vault lock of this configuration names its vault with a value that
    cannot be resolved: it may lock any vault, so "not locked" would be a guess."""
    for lock in index.of_type("aws_backup_vault_lock_configuration"):
        name = lock.values.get("backup_vault_name")
        if isinstance(name, Unknown) and not resolve_all(index, name, ("aws_backup_vault",)):
            return Unknown(f"the vault {lock.address} locks is not known ({show(name)})")
    return False


def _vault_region(index: TfIndex, value: Any) -> Maybe[str]:
    region = region_from_arn(value)
    if region:
        return region
    vault = resolve_one(index, value, ("aws_backup_vault",), name_keys=("name",))
    if vault is not None:
        return region_of(vault)
    if isinstance(value, Unknown) and not value.refs:
        return value
    return Unknown(f"destination vault {show(value)} is not in this configuration")


@handles("aws_backup_plan")
def backup_plan(rec: TfResource, index: TfIndex) -> list[Resource]:
    destinations = []
    rules = get_blocks(rec, "rule")
    if isinstance(rules, Unknown):
        destinations.append(Destination(region=rules, what="backup copy"))
        rules = []
    for rule in rules:
        copies = blocks(rule.get("copy_action"), "copy_action")
        if isinstance(copies, Unknown):
            destinations.append(Destination(region=copies, what="backup copy"))
            continue
        for copy in copies:
            vault = copy.get("destination_vault_arn")
            destinations.append(aws_backup.copy_destination(vault, _vault_region(index, vault),
                                                            show(vault)))
    return [resource(rec, "copy", destinations=destinations)]


@handles("aws_backup_selection")
def backup_selection(rec: TfResource, index: TfIndex) -> list[Resource]:
    tags: dict[str, Maybe[str]] = {}
    for tag in known_blocks(rec, "selection_tag"):
        key = tag.get("key")
        if isinstance(key, str):
            tags[key] = tag.get("value") if isinstance(tag.get("value"), (str, Unknown)) else \
                Unknown("unexpected value for selection_tag.value")
    for cond in known_blocks(rec, "condition"):
        for equals in known_blocks(rec, "string_equals", cond):
            name = aws_backup.condition_tag(equals.get("key"))
            if name is not None:
                tags[name] = as_str(equals.get("value"), "condition value", "")
    # References (unknown before apply) select what they point at, by every name it has.
    resources: list[Maybe[str]] = []
    items = as_list(rec.values.get("resources"))
    for item in [items] if isinstance(items, Unknown) else items:
        if isinstance(item, Unknown):
            targets = resolve_all(index, item, ())
            if not targets:
                resources.append(item)
            for target in targets:
                resources += (target.address, *ids_of(target, "bucket", "identifier"))
        elif isinstance(item, str):
            resources.append(item)
    return [resource(rec, "backup-plan",
                     selection=aws_backup.backup_selection(tags, resources))]


@handles("aws_dlm_lifecycle_policy")
def dlm_policy(rec: TfResource, index: TfIndex) -> list[Resource]:
    details = first_block(rec, "policy_details")
    state = rec.values.get("state")
    types = as_list(details.get("resource_types"))
    kinds = aws_backup.dlm_kinds(types if not isinstance(types, Unknown) else ["VOLUME"])
    target = details.get("target_tags")
    selection = aws_backup.dlm_selection(
        isinstance(state, str) and state.upper() == "DISABLED",
        {str(k): as_str(v, "target_tags", "") for k, v in target.items()}
        if isinstance(target, dict) else None, kinds)
    destinations = []
    for schedule in known_blocks(rec, "schedule", details):
        for copy in known_blocks(rec, "cross_region_copy_rule", schedule):
            target = copy.get("target_region") if has(copy.get("target_region")) else copy.get("target")
            destinations.append(aws_backup.dlm_copy_destination(target))
    return [resource(rec, "backup-plan", selection=selection, destinations=destinations)]


# --- keys, snapshots, images -------------------------------------------------------------


@handles("aws_kms_key")
def kms_key(rec: TfResource, index: TfIndex) -> list[Resource]:
    spec = rec.values.get("customer_master_key_spec")
    spec = spec if has(spec) else "SYMMETRIC_DEFAULT"
    return [resource(rec, "key", ids=ids_of(rec, "key_id"), facts=aws_storage.key_facts(
        get_bool(rec, "enable_key_rotation", False), spec if isinstance(spec, str) else "unknown"))]


def _copy_of(rec: TfResource, kind: str, what: str) -> list[Resource]:
    region = region_of(rec)
    source = rec.values.get("source_region")
    detail = f"{what} from {show(source)}" if has(source) else what
    return [resource(rec, kind, stores_data=True, region=region, sharing=Sharing(),
                     destinations=[Destination(region=region, what=detail)])]


@handles("aws_ebs_snapshot", "aws_db_snapshot", "aws_db_cluster_snapshot")
def snapshot(rec: TfResource, index: TfIndex) -> list[Resource]:
    sharing = Sharing()
    shared = as_list(rec.values.get("shared_accounts"))  # RDS snapshots; "all" is public
    if isinstance(shared, Unknown):
        sharing = Sharing(public=shared, accounts=shared)
    elif shared:
        sharing = aws_backup.shared_with(shared)
    return [resource(rec, "snapshot", stores_data=True, sharing=sharing,
                     ids=ids_of(rec, "db_snapshot_arn", "db_cluster_snapshot_arn"))]


@handles("aws_ebs_snapshot_copy")
def snapshot_copy(rec: TfResource, index: TfIndex) -> list[Resource]:
    return _copy_of(rec, "snapshot", "snapshot copy")


@handles("aws_ami", "aws_ami_from_instance")
def image(rec: TfResource, index: TfIndex) -> list[Resource]:
    return [resource(rec, "image", stores_data=True, sharing=Sharing())]


@handles("aws_ami_copy")
def image_copy(rec: TfResource, index: TfIndex) -> list[Resource]:
    return _copy_of(rec, "image", "image copy")


@handles("aws_snapshot_create_volume_permission", "aws_ami_launch_permission")
def share_permission(rec: TfResource, index: TfIndex) -> list[Resource]:
    kind = "snapshot" if rec.type.startswith("aws_snapshot") else "image"
    group = rec.values.get("group")
    if isinstance(group, str) or group is None:
        public: Maybe[bool] = group == aws_backup.PUBLIC
    else:
        public = group if isinstance(group, Unknown) else Unknown("unexpected value for group")
    accounts: list[str] = []
    account_unknown: Unknown | None = None
    for key in ("account_id", "organization_arn", "organizational_unit_arn"):
        value = rec.values.get(key)
        if isinstance(value, str) and value:
            accounts.append(value)
        elif isinstance(value, Unknown):
            account_unknown = value
    return [resource(rec, kind, stores_data=False,
                     sharing=Sharing(public=public,
                                     accounts=account_unknown if account_unknown else tuple(accounts)))]
