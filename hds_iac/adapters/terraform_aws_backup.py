"""AWS Terraform types that protect or copy data: backup vaults, plans and selections, DLM
policies, KMS keys, snapshots and images (and their sharing permissions)."""
from __future__ import annotations

from typing import Any

from hds_iac.adapters.aws_selection import Chosen, add_resource
from hds_iac.adapters.terraform import TfIndex
from hds_iac.adapters.terraform_aws_common import (
    as_list, as_str, blocks, customer_key, first_block, get_blocks, get_bool, handles, has,
    ids_of, known_blocks, linked, region_from_arn, region_of, resolve_all, resolve_one,
    resource, show,
)
from hds_iac.model import AtRest, Backup, Destination, Maybe, Resource, Selection, Sharing, Unknown
from hds_iac.terraform.records import TfResource

# --- backups ---------------------------------------------------------------------------


@handles("aws_backup_vault")
def backup_vault(rec: TfResource, index: TfIndex) -> list[Resource]:
    locks = linked(index, rec, "backup_vault_name", ("aws_backup_vault_lock_configuration",),
                   name_keys=("name", "id"))
    # Vaults always encrypt; without `kms_key_arn` the key is AWS-managed (aws/backup).
    key = customer_key(rec, rec.values.get("kms_key_arn"), index)
    return [resource(rec, "backup-vault", stores_data=True,
                     at_rest=[AtRest(enabled=None, default="encrypted", customer_key=key, part="vault")],
                     backup=Backup(vault_locked=bool(locks)))]


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
            destinations.append(Destination(region=_vault_region(index, vault),
                                            what=f"backup copy to {show(vault)}"))
    return [resource(rec, "copy", destinations=destinations)]


_TAG_PREFIX = "aws:resourcetag/"


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
            key = equals.get("key")
            if isinstance(key, str) and key.lower().startswith(_TAG_PREFIX):
                value = as_str(equals.get("value"), "condition value", "")
                tags[key[len(_TAG_PREFIX):]] = value
    chosen = Chosen()
    ids = chosen.ids
    items = as_list(rec.values.get("resources"))
    if isinstance(items, Unknown):
        items = [items]
    for item in items:
        if isinstance(item, Unknown):
            targets = resolve_all(index, item, ())
            if not targets:
                ids.append(item)
            for target in targets:
                for ident in (target.address, *ids_of(target, "bucket", "identifier")):
                    if ident not in ids:
                        ids.append(ident)
        elif isinstance(item, str):
            add_resource(chosen, item)
    selection = Selection(tags=tags, resource_ids=tuple(ids), select_all=chosen.select_all,
                          resource_kinds=chosen.kinds, patterns=tuple(chosen.patterns))
    return [resource(rec, "backup-plan", selection=selection)]


@handles("aws_dlm_lifecycle_policy")
def dlm_policy(rec: TfResource, index: TfIndex) -> list[Resource]:
    details = first_block(rec, "policy_details")
    state = rec.values.get("state")
    kinds = []
    types = as_list(details.get("resource_types"))
    for t in types if not isinstance(types, Unknown) else ["VOLUME"]:
        kinds.append({"VOLUME": "volume", "INSTANCE": "instance"}.get(str(t).upper(), str(t).lower()))
    target = details.get("target_tags")
    if isinstance(state, str) and state.upper() == "DISABLED":
        selection = Selection(resource_kinds=tuple(kinds))  # a disabled policy selects nothing
    elif isinstance(target, dict):
        selection = Selection(tags={str(k): as_str(v, "target_tags", "") for k, v in target.items()},
                              resource_kinds=tuple(kinds))
    else:
        selection = Selection(resource_kinds=tuple(kinds))
    destinations = []
    for schedule in known_blocks(rec, "schedule", details):
        for copy in known_blocks(rec, "cross_region_copy_rule", schedule):
            region = copy.get("target_region") if has(copy.get("target_region")) else copy.get("target")
            region = region_from_arn(region) or region
            destinations.append(Destination(region=region if isinstance(region, (str, Unknown))
                                            else Unknown("unexpected value for target"),
                                            what="snapshot cross-region copy"))
    return [resource(rec, "backup-plan", selection=selection, destinations=destinations)]


# --- keys, snapshots, images -------------------------------------------------------------


@handles("aws_kms_key")
def kms_key(rec: TfResource, index: TfIndex) -> list[Resource]:
    spec = rec.values.get("customer_master_key_spec")
    spec = spec if has(spec) else "SYMMETRIC_DEFAULT"
    return [resource(rec, "key", ids=ids_of(rec, "key_id"),
                     facts={"key_rotation": get_bool(rec, "enable_key_rotation", False),
                            "key_spec": spec if isinstance(spec, str) else "unknown"})]


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
        sharing = Sharing(public="all" in shared,
                          accounts=tuple(str(a) for a in shared if a != "all"))
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
        public: Maybe[bool] = group == "all"
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
    target_key = "snapshot_id" if kind == "snapshot" else "image_id"
    target = resolve_one(index, rec.values.get(target_key),
                         ("aws_ebs_snapshot", "aws_ebs_snapshot_copy", "aws_ami", "aws_ami_copy",
                          "aws_ami_from_instance"))
    facts = {"shares": target.address if target else show(rec.values.get(target_key))}
    return [resource(rec, kind, stores_data=False,
                     sharing=Sharing(public=public,
                                     accounts=account_unknown if account_unknown else tuple(accounts)),
                     facts=facts)]
