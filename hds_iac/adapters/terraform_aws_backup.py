"""AWS Terraform types that protect or copy data: backup vaults, plans and selections, DLM
policies, KMS keys, snapshots and images (and their sharing permissions)."""
from __future__ import annotations

from typing import Any

from hds_iac.adapters import aws_backup, aws_storage
from hds_iac.adapters.terraform_index import (
    TfIndex, block_path, destination_sources, held_by, part_sources,
)
from hds_iac.adapters.terraform_aws_common import (
    as_list, as_str, blocks, customer_key, first_block, get_blocks, get_bool, handles, has,
    ids_of, known_blocks, linked, region_from_arn, region_of, resolve_all, resolve_one,
    resource, show,
)
from hds_iac.adapters.terraform_aws_storage import (
    SNAPSHOT_OF, instance as machine, snapshot_encryption,
)
from hds_iac.adapters.terraform_values import not_in_configuration
from hds_iac.model import AtRest, Destination, Maybe, Resource, Sharing, Unknown, facet_key
from hds_iac.terraform.records import TfResource

# --- backups ---------------------------------------------------------------------------


@handles("aws_backup_vault", kinds=("backup-vault",))
def backup_vault(rec: TfResource, index: TfIndex) -> list[Resource]:
    locks = linked(index, rec, "backup_vault_name", ("aws_backup_vault_lock_configuration",),
                   name_keys=("name",))
    # A lock is a separate resource: findings point at the lock that names this vault (or
    # one that may, unresolved); with none, at the vault (an absence is held by nothing).
    deciding = locks[0] if locks else _unresolved_lock(index)
    locked: Maybe[bool] = True if locks else False if deciding is None else Unknown(
        f"the vault {deciding.address} locks is not known "
        f"({show(deciding.values.get('backup_vault_name'))})")
    # Vaults always encrypt; without `kms_key_arn` the key is AWS-managed (aws/backup).
    key = customer_key(rec, rec.values.get("kms_key_arn"), index)
    sources = part_sources("at_rest", "vault", {"customer_key": "kms_key_arn"})
    if deciding is not None:
        sources["backup.vault_locked"] = held_by(deciding, "backup_vault_name")
    return [resource(rec, "backup-vault", stores_data=True, sources=sources,
                     **aws_backup.vault_facets(key, locked))]


def _unresolved_lock(index: TfIndex) -> TfResource | None:
    """A vault lock of this configuration that names its vault with a value that cannot be
    resolved: it may lock any vault, so "not locked" would be a guess."""
    for lock in index.of_type("aws_backup_vault_lock_configuration"):
        name = lock.values.get("backup_vault_name")
        if isinstance(name, Unknown) and not resolve_all(index, name, ("aws_backup_vault",)):
            return lock
    return None


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


@handles("aws_backup_plan", kinds=("copy",))
def backup_plan(rec: TfResource, index: TfIndex) -> list[Resource]:
    destinations = []
    sources: dict[str, str] = {}
    rules = get_blocks(rec, "rule")
    if isinstance(rules, Unknown):
        destinations.append(Destination(region=rules, what="backup copy"))
        rules = []
    for i, rule in enumerate(rules):
        copies = blocks(rule.get("copy_action"), "copy_action")
        if isinstance(copies, Unknown):
            destinations.append(Destination(region=copies, what="backup copy"))
            continue
        for j, copy in enumerate(copies):
            vault = copy.get("destination_vault_arn")
            sources.update(destination_sources(len(destinations), block_path(
                "rule", i, block_path("copy_action", j, "destination_vault_arn"))))
            destinations.append(aws_backup.copy_destination(vault, _vault_region(index, vault),
                                                            show(vault)))
    return [resource(rec, "copy", destinations=destinations, sources=sources)]


@handles("aws_backup_selection", kinds=("backup-plan",))
def backup_selection(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A backup plan's selection. A volume it covers points at the selection value that
    covers it (HDS-BAK-004): `resources`, or the tag's `value` (`selection.tags[key]`)."""
    tags: dict[str, Maybe[str]] = {}
    sources: dict[str, str] = {facet_key("selection", "resource_ids"): "resources"}
    for i, tag in enumerate(known_blocks(rec, "selection_tag")):
        key = tag.get("key")
        if isinstance(key, str):
            tags[key] = tag.get("value") if isinstance(tag.get("value"), (str, Unknown)) else \
                Unknown("unexpected value for selection_tag.value")
            sources[facet_key("selection", "tags", key)] = block_path("selection_tag", i, "value")
    for i, cond in enumerate(known_blocks(rec, "condition")):
        for j, equals in enumerate(known_blocks(rec, "string_equals", cond)):
            name = aws_backup.condition_tag(equals.get("key"))
            if name is not None:
                tags[name] = as_str(equals.get("value"), "condition value", "")
                sources[facet_key("selection", "tags", name)] = block_path(
                    "condition", i, block_path("string_equals", j, "value"))
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
    return [resource(rec, "backup-plan", sources=sources,
                     selection=aws_backup.backup_selection(tags, resources))]


@handles("aws_dlm_lifecycle_policy", kinds=("backup-plan",))
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
    # A volume the policy covers points at its target tag (`selection.tags[key]`).
    sources: dict[str, str] = {facet_key("selection", "tags", str(k)): "policy_details.target_tags"
                               for k in (target if isinstance(target, dict) else {})}
    for i, schedule in enumerate(known_blocks(rec, "schedule", details)):
        for j, copy in enumerate(known_blocks(rec, "cross_region_copy_rule", schedule)):
            name = "target_region" if has(copy.get("target_region")) else "target"
            sources.update(destination_sources(len(destinations), "policy_details." + block_path(
                "schedule", i, block_path("cross_region_copy_rule", j, name))))
            destinations.append(aws_backup.dlm_copy_destination(copy.get(name)))
    return [resource(rec, "backup-plan", selection=selection, destinations=destinations,
                     sources=sources)]


# --- keys, snapshots, images -------------------------------------------------------------


@handles("aws_kms_key", kinds=("key",))
def kms_key(rec: TfResource, index: TfIndex) -> list[Resource]:
    spec = rec.values.get("customer_master_key_spec")
    spec = spec if has(spec) else "SYMMETRIC_DEFAULT"
    if not isinstance(spec, (str, Unknown)):
        spec = Unknown("unexpected value for customer_master_key_spec")
    return [resource(rec, "key", ids=ids_of(rec, "key_id"), key_rotation=aws_storage.key_rotation(
        get_bool(rec, "enable_key_rotation", False), spec),
        sources={"key_rotation.enabled": "enable_key_rotation",
                 "key_rotation.possible": "customer_master_key_spec"})]


# Snapshots and images state their encryption in states (the provider reads it back); in
# code and plans it is their source's. None stands for "the account's EBS encryption by
# default decides" (a volume without `encrypted`, a copy of an unencrypted source).
_EBS_SNAPSHOTS = ("aws_ebs_snapshot", "aws_ebs_snapshot_copy")
_AMIS = ("aws_ami", "aws_ami_copy", "aws_ami_from_instance")


def _cycle(rec: TfResource, seen: frozenset[str]) -> Unknown | None:
    if rec.address in seen:
        return Unknown(f"encryption is inherited through a cycle of sources ({rec.address})")
    return None


def _copied(asked: Maybe[bool] | None, source: Maybe[bool] | None) -> Maybe[bool] | None:
    """An EBS snapshot or AMI copy: encrypted when it asks for it or its source is; a copy
    of an unencrypted source that does not ask is left to the account default (None)."""
    if asked is True or source is True:
        return True
    if isinstance(source, Unknown):
        return source
    return asked if isinstance(asked, Unknown) else None


def _ebs_snapshot_encrypted(index: TfIndex, rec: TfResource,
                            seen: frozenset[str] = frozenset()) -> Maybe[bool] | None:
    stated = get_bool(rec, "encrypted", None)
    copy = rec.type == "aws_ebs_snapshot_copy"
    # A snapshot cannot set `encrypted`: a known value is the one the provider read back.
    # A copy's `encrypted = false` only means it did not ask, except in a state.
    if isinstance(stated, bool) and (not copy or rec.source == "state" or stated):
        return stated
    attr, types = ("source_snapshot_id", _EBS_SNAPSHOTS) if copy else \
        ("volume_id", ("aws_ebs_volume",))
    value = rec.values.get(attr)
    source = resolve_one(index, value, types)
    if source is None:
        return not_in_configuration("source of this copy" if copy else "volume", value)
    cycle = _cycle(source, seen | {rec.address})
    if cycle is not None:
        return cycle
    if source.type == "aws_ebs_volume":
        inherited = get_bool(source, "encrypted", None)
    else:
        inherited = _ebs_snapshot_encrypted(index, source, seen | {rec.address})
    return _copied(stated, inherited) if copy else inherited


def _snapshot_disk(index: TfIndex, value: Any, part: str, seen: frozenset[str]) -> AtRest:
    """An image's block device made from `value` (a snapshot id or reference)."""
    source = resolve_one(index, value, _EBS_SNAPSHOTS)
    if source is None:
        return AtRest(enabled=not_in_configuration("snapshot", value), part=part)
    return aws_storage.copy_disk(_ebs_snapshot_encrypted(index, source, seen), part)


def _device(values: dict) -> str:
    name = values.get("device_name")
    return f"ebs_block_device {name}" if isinstance(name, str) and name else "ebs_block_device"


def _image_disks(index: TfIndex, rec: TfResource,
                 seen: frozenset[str] = frozenset()) -> list[AtRest]:
    """One part per EBS block device of an AMI (or copy): as a state records them, else
    from the snapshots, image or machine the configuration makes it from."""
    devices = get_blocks(rec, "ebs_block_device")
    if isinstance(devices, Unknown):
        return [AtRest(enabled=devices, part="ebs_block_device")]
    if rec.source == "state" and devices:
        return [aws_storage.copy_disk(get_bool(rec, "encrypted", False, dev), _device(dev))
                for dev in devices]
    seen = seen | {rec.address}
    if rec.type == "aws_ami":
        parts = []
        for dev in devices:
            snapshot = dev.get("snapshot_id")
            if has(snapshot):  # the volume is made from the snapshot: its encryption
                parts.append(_snapshot_disk(index, snapshot, _device(dev), seen))
            else:  # an empty volume made at launch, like a machine's disk
                parts.append(aws_storage.copy_disk(get_bool(rec, "encrypted", None, dev),
                                                   _device(dev)))
        return parts
    if rec.type == "aws_ami_from_instance":
        value = rec.values.get("source_instance_id")
        source = resolve_one(index, value, ("aws_instance",))
        if source is None:
            return [AtRest(enabled=not_in_configuration("instance", value), part="image")]
        return [aws_storage.copy_disk(_encrypted(part), part.part)
                for res in machine(source, index) for part in res.at_rest]
    # aws_ami_copy
    asked = get_bool(rec, "encrypted", None)
    if asked is True:
        return [aws_storage.copy_disk(True, "image copy")]
    value = rec.values.get("source_ami_id")
    source = resolve_one(index, value, _AMIS)
    if source is None:
        return [AtRest(enabled=_copied(asked, not_in_configuration("source image", value)),
                       part="image copy")]
    cycle = _cycle(source, seen)
    if cycle is not None:
        return [AtRest(enabled=cycle, part="image copy")]
    return [aws_storage.copy_disk(_copied(asked, _encrypted(part)), part.part)
            for part in _image_disks(index, source, seen)]


def _encrypted(part: AtRest) -> Maybe[bool] | None:
    """A source part's encryption in `_copied`'s terms (None: the account default)."""
    if part.enabled is not None:
        return part.enabled
    return True if part.default == "encrypted" else None if part.default == "account-default" \
        else False


def _copy_of(rec: TfResource, kind: str, what: str, at_rest: list[AtRest]) -> list[Resource]:
    region = region_of(rec)
    source = rec.values.get("source_region")
    detail = f"{what} from {show(source)}" if has(source) else what
    # A copy asks for encryption with its own `encrypted` (else its source's decides).
    sources = {k: v for part in at_rest
               for k, v in part_sources("at_rest", part.part, {"enabled": "encrypted"}).items()}
    return [resource(rec, kind, stores_data=True, region=region, sharing=Sharing(),
                     at_rest=at_rest, destinations=[Destination(region=region, what=detail)],
                     sources={**sources, **destination_sources(0, "source_region")})]


def _shared_accounts(rec: TfResource) -> Sharing:
    shared = as_list(rec.values.get("shared_accounts"))  # RDS snapshots; "all" is public
    if isinstance(shared, Unknown):
        return Sharing(public=shared, accounts=shared)
    return aws_backup.shared_with(shared) if shared else Sharing()


@handles("aws_ebs_snapshot", kinds=("snapshot",))
def ebs_snapshot(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Its encryption is its volume's: the attribute naming the volume is where to look.
    return [resource(rec, "snapshot", stores_data=True, sharing=Sharing(), at_rest=[
        aws_storage.copy_disk(_ebs_snapshot_encrypted(index, rec), "snapshot")],
        sources=part_sources("at_rest", "snapshot", {"enabled": "volume_id"}))]


@handles("aws_db_snapshot", "aws_db_cluster_snapshot", kinds=("snapshot",))
def db_snapshot(rec: TfResource, index: TfIndex) -> list[Resource]:
    return [resource(rec, "snapshot", stores_data=True, sharing=_shared_accounts(rec),
                     ids=ids_of(rec, "db_snapshot_arn", "db_cluster_snapshot_arn"),
                     at_rest=[snapshot_encryption(rec, index)], sources=_snapshot_source(rec))]


def _snapshot_source(rec: TfResource) -> dict[str, str]:
    """An RDS snapshot's encryption is its source's: the attribute naming the source; its
    sharing is `shared_accounts` ("all": public)."""
    return {**part_sources("at_rest", "snapshot", {"enabled": SNAPSHOT_OF[rec.type]}),
            "sharing.public": "shared_accounts", "sharing.accounts": "shared_accounts"}


@handles("aws_db_snapshot_copy", "aws_rds_cluster_snapshot_copy", kinds=("snapshot",))
def db_snapshot_copy(rec: TfResource, index: TfIndex) -> list[Resource]:
    """An RDS/Aurora snapshot copy: made in `destination_region` when it names one, else in
    its provider's region; a source named by an ARN of another region is copied here."""
    target = rec.values.get("destination_region")
    region = target if has(target) else region_of(rec)
    source = rec.values.get("source_db_snapshot_identifier",
                            rec.values.get("source_db_cluster_snapshot_identifier"))
    destinations = aws_storage.replica_destinations(source, region, "RDS snapshot copy")
    where = "source_db_snapshot_identifier" if rec.type == "aws_db_snapshot_copy" \
        else "source_db_cluster_snapshot_identifier"
    if has(target):
        destinations = [Destination(region=region, what="RDS snapshot copy")]
        where = "destination_region"
    return [resource(rec, "snapshot", stores_data=True, region=region,
                     sharing=_shared_accounts(rec), destinations=destinations,
                     sources={**destination_sources(0, where), **_snapshot_source(rec)},
                     ids=ids_of(rec, "db_snapshot_arn", "db_cluster_snapshot_arn"),
                     at_rest=[snapshot_encryption(rec, index)])]


@handles("aws_ebs_snapshot_copy", kinds=("snapshot",))
def snapshot_copy(rec: TfResource, index: TfIndex) -> list[Resource]:
    return _copy_of(rec, "snapshot", "snapshot copy", [
        aws_storage.copy_disk(_ebs_snapshot_encrypted(index, rec), "snapshot copy")])


@handles("aws_ami", "aws_ami_from_instance", kinds=("image",))
def image(rec: TfResource, index: TfIndex) -> list[Resource]:
    disks = _image_disks(index, rec)
    # An image made from a machine copies its disks: the attribute naming the machine.
    sources = {k: v for part in disks for k, v in part_sources(
        "at_rest", part.part, {"enabled": "source_instance_id"}).items()} \
        if rec.type == "aws_ami_from_instance" else {}
    return [resource(rec, "image", stores_data=True, sharing=Sharing(), at_rest=disks,
                     sources=sources)]


@handles("aws_ami_copy", kinds=("image",))
def image_copy(rec: TfResource, index: TfIndex) -> list[Resource]:
    return _copy_of(rec, "image", "image copy", _image_disks(index, rec))


@handles("aws_snapshot_create_volume_permission", "aws_ami_launch_permission",
         kinds=("snapshot", "image"))
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
    granted = next((key for key in ("account_id", "organization_arn", "organizational_unit_arn")
                    if has(rec.values.get(key))), "account_id")
    return [resource(rec, kind, stores_data=False,
                     sources={"sharing.public": "group", "sharing.accounts": granted},
                     sharing=Sharing(public=public, accounts=account_unknown
                                     if account_unknown is not None else tuple(accounts)))]
