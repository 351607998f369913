"""AWS Terraform types that hold data: block storage and machines, databases, buckets,
file systems, caches and tables (backups, keys, snapshots: `terraform_aws_backup`)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from hds_iac.adapters import aws_iam, aws_logging, aws_storage, aws_tls
from hds_iac.adapters.attestation import attestation
from hds_iac.adapters.terraform_index import (
    TfIndex, base_address, block_path, destination_sources, held_by, part_sources,
)
from hds_iac.adapters.terraform_aws_common import (
    as_list, as_str, blocks, customer_key, first_block, get_blocks, get_bool, get_int, get_str, handles,
    has, ids_of, known_blocks, linked, policy_of, region_of,
    not_in_configuration, resolve_one, resource, show, zone_of_subnet,
)
from hds_iac.adapters.aws_names import bucket_from_arn
from hds_iac.adapters.terraform_aws_logging import bucket_logging
from hds_iac.adapters.terraform_values import fully_masked
from hds_iac.model import (
    AtRest, Backup, Destination, Flow, Logging, Maybe, Placement, Resource, Unknown, facet_key,
)
from hds_iac.terraform.records import TfResource

# --- EBS: volumes, machine disks, templates --------------------------------------------


def _default_ebs_key(rec: TfResource, index: TfIndex) -> Maybe[bool]:
    """Without its own key, an encrypted EBS disk uses the account's default EBS key: a
    customer key when `aws_ebs_default_kms_key` sets one in the same region."""
    settings = index.of_type("aws_ebs_default_kms_key")
    if not settings:  # most inputs: no region of the account is asked
        return False
    region = region_of(rec)
    for setting in settings:
        other = region_of(setting)
        if isinstance(region, Unknown) or isinstance(other, Unknown):
            return Unknown("the region of the account's default EBS key is not known")
        if other == region:
            return True
    return False


def _ebs_disk(rec: TfResource, index: TfIndex, values: dict, part: str,
              key_attr: str = "kms_key_id") -> AtRest:
    def key() -> Maybe[bool]:
        own = customer_key(rec, values.get(key_attr), index)
        return _default_ebs_key(rec, index) if own is False else own
    return aws_storage.ebs_disk(get_bool(rec, "encrypted", None, values), key, part)


def _device(values: dict) -> str:
    name = values.get("device_name")
    return f" {name}" if isinstance(name, str) and name else ""


def _disk_sources(disks: list[AtRest], paths: list[str]) -> dict[str, str]:
    """Facet key -> Terraform path of each disk's `encrypted` and of the `kms_key_id` beside
    it (parts in the same order). Read-only (callers copy it to add to it): the dict kept
    for these parts and paths, which the machines of an input repeat."""
    return _part_paths_sources(tuple(zip([disk.part for disk in disks], paths)))


@lru_cache(maxsize=256)
def _part_paths_sources(parts: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """`_disk_sources` of (disk part, path of its `encrypted`) pairs."""
    out: dict[str, str] = {}
    for part, path in parts:
        if path:
            block = path.rpartition(".")[0]
            out.update(part_sources("at_rest", part, {
                "enabled": path,
                "customer_key": f"{block}.kms_key_id" if block else "kms_key_id"}))
    return out


# A volume's one disk: the same `sources` for every volume (built once, never changed).
_VOLUME_SOURCES = _disk_sources([AtRest(enabled=None, part="volume")], ["encrypted"])


@handles("aws_ebs_volume", kinds=("volume",))
def ebs_volume(rec: TfResource, index: TfIndex) -> list[Resource]:
    zone = get_str(rec, "availability_zone")
    res = resource(rec, "volume", stores_data=True, region=region_of(rec, zone),
                   at_rest=[_ebs_disk(rec, index, rec.values, "volume")],
                   sources=_VOLUME_SOURCES,
                   placement=Placement(zones=(zone,) if isinstance(zone, str) else zone))
    res.backup = Backup(attested=attestation(res.tags, index.settings.backup_attestation_tag))
    return [res]


@handles("aws_instance", kinds=("instance",))
def instance(rec: TfResource, index: TfIndex) -> list[Resource]:
    disks, paths = _machine_disks(rec, index)
    zone = get_str(rec, "availability_zone")
    zone_from = "availability_zone"  # where the zone is written (HDS-AZ-003)
    if zone is None or (isinstance(zone, Unknown) and not zone.refs):
        subnet = rec.values.get("subnet_id")
        if subnet is not None and subnet != "":
            zone, zone_from = zone_of_subnet(index, subnet), "subnet_id"
        elif zone is None:
            zone = Unknown("no availability_zone or subnet_id: AWS picks the zone")
    zones = (zone,) if isinstance(zone, str) else zone
    return [resource(rec, "instance", stores_data=True, region=region_of(rec, zone),
                     at_rest=disks, placement=Placement(zones=zones, standalone=True),
                     sources={**_disk_sources(disks, paths), "placement.zones": zone_from})]


def _machine_disks(rec: TfResource, index: TfIndex) -> tuple[list[AtRest], list[str]]:
    """The disks of a machine (root and EBS block devices) and the Terraform path of each
    one's `encrypted` ("" where the block list itself is unresolved)."""
    disks: list[AtRest] = []
    paths: list[str] = []
    roots = get_blocks(rec, "root_block_device")
    if isinstance(roots, Unknown):
        disks.append(AtRest(enabled=roots, part="root_block_device"))
        paths.append("")
    else:
        # No block: the root volume is still created (from the image), with the defaults.
        for i, root in enumerate(roots or [{}]):
            disks.append(_ebs_disk(rec, index, root, "root_block_device"))
            paths.append(block_path("root_block_device", i, "encrypted"))
    extra = get_blocks(rec, "ebs_block_device")
    if isinstance(extra, Unknown):
        disks.append(AtRest(enabled=extra, part="ebs_block_device"))
        paths.append("")
    else:
        for i, dev in enumerate(extra):
            disks.append(_ebs_disk(rec, index, dev, "ebs_block_device" + _device(dev)))
            paths.append(block_path("ebs_block_device", i, "encrypted"))
    return disks, paths


@handles("aws_launch_template", kinds=("launch-template",))
def launch_template(rec: TfResource, index: TfIndex) -> list[Resource]:
    disks: list[AtRest] = []
    mappings = get_blocks(rec, "block_device_mappings")
    if isinstance(mappings, Unknown):
        disks.append(AtRest(enabled=mappings, part="block_device_mappings"))
    else:
        for mapping in mappings:
            ebs = blocks(mapping.get("ebs"), "ebs")
            if isinstance(ebs, Unknown):
                disks.append(AtRest(enabled=ebs, part="block_device_mappings" + _device(mapping)))
                continue
            for block in ebs:  # the string "true"/"false" ("" when unset) is normalised
                disks.append(_ebs_disk(rec, index, block, "block_device_mappings" + _device(mapping)))
        if not disks:
            disks.append(_ebs_disk(rec, index, {}, "volumes from the image"))
    return [resource(rec, "launch-template", stores_data=True, at_rest=disks)]


@handles("aws_launch_configuration", kinds=("launch-template",))
def launch_configuration(rec: TfResource, index: TfIndex) -> list[Resource]:
    disks: list[AtRest] = []
    paths: list[str] = []
    for i, root in enumerate(known_blocks(rec, "root_block_device") or [{}]):
        disks.append(_ebs_disk(rec, index, root, "root_block_device"))
        paths.append(block_path("root_block_device", i, "encrypted"))
    for i, dev in enumerate(known_blocks(rec, "ebs_block_device")):
        disks.append(_ebs_disk(rec, index, dev, "ebs_block_device" + _device(dev)))
        paths.append(block_path("ebs_block_device", i, "encrypted"))
    return [resource(rec, "launch-template", stores_data=True, at_rest=disks,
                     sources=_disk_sources(disks, paths))]


@handles("aws_ebs_encryption_by_default", kinds=("account-setting",))
def ebs_encryption_by_default(rec: TfResource, index: TfIndex) -> list[Resource]:
    enabled = get_bool(rec, "enabled", True)  # the resource's `enabled` defaults to true
    return [resource(rec, "account-setting", encryption_default=enabled)]


@handles("aws_ebs_default_kms_key", kinds=())
def folded(rec: TfResource, index: TfIndex) -> list[Resource]:
    """Types read only through the resources they modify."""
    return []


# --- relational and document databases -------------------------------------------------

def _in_transit(rec: TfResource, index: TfIndex, group_attr: str,
                group_types: tuple[str, ...], engine: Any, version: Any) -> Flow:
    group_value = rec.values.get(group_attr)
    name = "in-transit"
    if group_value is None or group_value == "" or (
            isinstance(group_value, str) and group_value.startswith("default.")):
        # The parameters of AWS's default groups are not in any configuration.
        return aws_storage.db_default_flow(engine, version, "default parameter group",
                                           "default parameter group")
    group = resolve_one(index, group_value, group_types, name_keys=("name",))
    if group is None:
        return Flow(name, encrypted=not_in_configuration("parameter group", group_value))
    params = get_blocks(group, "parameter")
    if isinstance(params, Unknown):
        return Flow(name, encrypted=Unknown(f"the parameters of {group.address} are unknown"))
    family = group.values.get("family")
    if isinstance(family, str):
        engine, fam_version = aws_tls.engine_family(family)
        version = fam_version or version
    return aws_storage.db_tls_flow(((p.get("name"), p.get("value")) for p in params),
                                   group.address, engine, version)


def _in_transit_sources(group_attr: str) -> dict[str, str]:
    """A database's TLS enforcement lives in its parameter group: findings point at the
    attribute naming that group ("not set": AWS's default group, which does not enforce
    TLS on most engines)."""
    return part_sources("flows", "in-transit", {"encrypted": group_attr})


# Where a database's data comes from when it is a replica or a restore: the source inherits
# its encryption (AWS keeps the source's setting unless `storage_encrypted` is set).
_DB_SOURCE_KEYS = ("replicate_source_db", "snapshot_identifier", "replication_source_identifier")
_DB_SOURCE_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_db_snapshot",
                    "aws_db_cluster_snapshot", "aws_db_snapshot_copy",
                    "aws_rds_cluster_snapshot_copy")
_DB_SOURCE_NAMES = ("identifier", "cluster_identifier", "db_snapshot_identifier",
                    "db_cluster_snapshot_identifier", "target_db_snapshot_identifier",
                    "target_db_cluster_snapshot_identifier")
# A snapshot's (or snapshot copy's) source, by the attribute that names it.
SNAPSHOT_OF = {"aws_db_snapshot": "db_instance_identifier",
                "aws_db_cluster_snapshot": "db_cluster_identifier",
                "aws_db_snapshot_copy": "source_db_snapshot_identifier",
                "aws_rds_cluster_snapshot_copy": "source_db_cluster_snapshot_identifier"}
# The attribute in which a snapshot's record states its encryption (computed: the
# provider reads it back, so states hold the real value; code and plans do not).
_SNAPSHOT_ENCRYPTED = {"aws_db_snapshot": "encrypted", "aws_db_snapshot_copy": "encrypted",
                       "aws_db_cluster_snapshot": "storage_encrypted",
                       "aws_rds_cluster_snapshot_copy": "storage_encrypted"}


def _resolve_db_source(index: TfIndex, value: Any) -> TfResource | None:
    """The database or snapshot a replica/restore names: by reference, id, ARN or name.
    An ARN (`arn:aws:rds:…:cluster:primary`) ends with the name of what it points at."""
    found = resolve_one(index, value, _DB_SOURCE_TYPES, name_keys=_DB_SOURCE_NAMES)
    if found is None and isinstance(value, str) and value.startswith("arn:"):
        found = resolve_one(index, value.rsplit(":", 1)[-1], _DB_SOURCE_TYPES,
                            name_keys=_DB_SOURCE_NAMES)
    return found


def _own_encryption(rec: TfResource) -> Maybe[bool] | None:
    """Encryption a database or snapshot record states itself, None when it is silent.

    A snapshot's encryption is computed, never written in code: only a known value counts
    (a plan's "known after apply" is silence). An RDS snapshot copy given a `kms_key_id` is
    encrypted even when its source is not (CopyDBSnapshot); an Aurora cluster snapshot
    copy cannot be (CopyDBClusterSnapshot refuses a key for an unencrypted source), so its
    key says nothing."""
    if rec.type not in SNAPSHOT_OF:
        return get_bool(rec, "storage_encrypted", None)
    stated = get_bool(rec, _SNAPSHOT_ENCRYPTED[rec.type], None)
    if isinstance(stated, bool):
        return stated
    if rec.type == "aws_db_snapshot_copy" and has(rec.values.get("kms_key_id")):
        return True
    return None


def snapshot_encryption(rec: TfResource, index: TfIndex) -> AtRest:
    """An RDS or Aurora snapshot (or copy): what it states (states), else its source's,
    followed through snapshots, copies and databases (HDS-ENC-005). No key is judged: a
    snapshot's key is its source's unless a copy changes it."""
    encrypted = _own_encryption(rec)
    if encrypted is None:
        # A snapshot always has a source (a required argument): one not given is not read.
        encrypted = _inherited_encryption(
            index, rec, Unknown("the snapshot names no source database or snapshot"))
    return AtRest(enabled=encrypted, part="snapshot")


def _inherited_encryption(index: TfIndex, rec: TfResource, default: Maybe[bool],
                          seen: frozenset[str] = frozenset()) -> Maybe[bool]:
    """`rec`'s encryption when it does not set it: its source's, followed through snapshots
    and chains of replicas (a cycle or a source outside the configuration is unknown)."""
    if rec.type in SNAPSHOT_OF:
        value = rec.values.get(SNAPSHOT_OF[rec.type])
    else:
        value = next((v for v in (rec.values.get(k) for k in _DB_SOURCE_KEYS) if has(v)), None)
    if value is None:
        return default
    source = _resolve_db_source(index, value)
    if source is None:
        return Unknown(f"encryption is inherited from {show(value)}, which is not in this "
                       "configuration")
    if source.address in seen | {rec.address}:
        return Unknown(f"encryption is inherited through a cycle of sources ({source.address})")
    stated = _own_encryption(source)
    if stated is not None:
        return stated
    # Aurora Serverless v1 clusters are always encrypted; other sources default to false.
    source_default = source.values.get("engine_mode") == "serverless"
    return _inherited_encryption(index, source, source_default, seen | {rec.address})


def _db_encryption(rec: TfResource, index: TfIndex, default: bool) -> AtRest:
    encrypted = get_bool(rec, "storage_encrypted", None)
    if encrypted is None:
        encrypted = _inherited_encryption(index, rec, default)
    return aws_storage.switched_encryption(
        encrypted, lambda: customer_key(rec, rec.values.get("kms_key_id"), index), "storage")


def _db_backup(rec: TfResource, retention_default: int) -> Backup:
    return aws_storage.db_backup(get_int(rec, "backup_retention_period", retention_default),
                                 get_bool(rec, "deletion_protection", False),
                                 get_bool(rec, "skip_final_snapshot", False))


# The Terraform attribute each database facet is read from (findings point at it).
_DB_SOURCES = {
    "logging.enabled": "enabled_cloudwatch_logs_exports",
    facet_key("at_rest", "enabled", "storage"): "storage_encrypted",
    facet_key("at_rest", "customer_key", "storage"): "kms_key_id",
    "backup.retention_days": "backup_retention_period",
    "backup.final_snapshot": "skip_final_snapshot",
    "backup.deletion_protection": "deletion_protection",
}


# A database instance's: the same for every instance (built once, never changed).
_DB_INSTANCE_SOURCES = {**_DB_SOURCES, "placement.multi_az": "multi_az",
                        **_in_transit_sources("parameter_group_name"),
                        **destination_sources(0, "replicate_source_db")}


@handles("aws_db_instance", kinds=("database",))
def db_instance(rec: TfResource, index: TfIndex) -> list[Resource]:
    engine, version = rec.values.get("engine"), rec.values.get("engine_version")
    replica_of = rec.values.get("replicate_source_db")
    region = region_of(rec, rec.values.get("availability_zone"))
    destinations = aws_storage.replica_destinations(replica_of, region, "RDS read replica")
    # Without `backup_retention_period` AWS keeps 1 day of backups (0 for read replicas).
    retention = 0 if has(replica_of) else 1
    return [resource(
        rec, "database", stores_data=True, region=region, ids=ids_of(rec, "identifier"),
        at_rest=[_db_encryption(rec, index, False)],
        flows=[_in_transit(rec, index, "parameter_group_name", ("aws_db_parameter_group",),
                           engine, version)],
        placement=Placement(multi_az=get_bool(rec, "multi_az", False)),
        backup=_db_backup(rec, retention), destinations=destinations,
        sources=_DB_INSTANCE_SOURCES, logging=_db_log_exports(rec, engine))]


def _db_log_exports(rec: TfResource, engine: Any) -> Logging:
    exports = as_list(rec.values.get("enabled_cloudwatch_logs_exports"))
    return aws_logging.db_log_exports(
        engine if isinstance(engine, (str, Unknown)) else None,
        exports if isinstance(exports, Unknown) else [e for e in exports if isinstance(e, str)])


_CLUSTERS = {
    # type: (instance type, parameter group attribute, parameter group types, engine default)
    "aws_rds_cluster": ("aws_rds_cluster_instance", "db_cluster_parameter_group_name",
                        ("aws_rds_cluster_parameter_group",), None),
    "aws_docdb_cluster": ("aws_docdb_cluster_instance", "db_cluster_parameter_group_name",
                          ("aws_docdb_cluster_parameter_group",), "docdb"),
    "aws_neptune_cluster": ("aws_neptune_cluster_instance", "neptune_cluster_parameter_group_name",
                            ("aws_neptune_cluster_parameter_group",), "neptune"),
}


def _cluster_multi_az(rec: TfResource, index: TfIndex, instance_type: str) -> Maybe[bool]:
    members = linked(index, rec, "cluster_identifier", (instance_type,),
                     name_keys=("cluster_identifier",))  # its id and arn count too
    zones = rec.values.get("availability_zones")
    # In states the zone list is always the region's zones: not a signal.
    zones = zones if rec.source != "state" and isinstance(zones, (list, tuple)) else ()
    return aws_storage.cluster_multi_az(
        serverless=rec.values.get("engine_mode") == "serverless",
        # Multi-AZ DB cluster (RDS MySQL/PostgreSQL): three zones by design.
        multi_az_cluster=has(rec.values.get("db_cluster_instance_class")),
        members=len(members), zones=zones,
        no_members=Unknown(f"no {instance_type} of this cluster found in this configuration"))


@handles(*_CLUSTERS, kinds=("database-cluster",))
def db_cluster(rec: TfResource, index: TfIndex) -> list[Resource]:
    instance_type, group_attr, group_types, fixed_engine = _CLUSTERS[rec.type]
    engine = fixed_engine or rec.values.get("engine")
    # Aurora Serverless v1 clusters are always encrypted; provisioned ones default to false.
    default_encrypted = rec.values.get("engine_mode") == "serverless"
    region = region_of(rec)
    destinations = aws_storage.replica_destinations(
        rec.values.get("replication_source_identifier"), region, "cross-region replica")
    return [resource(
        rec, "database-cluster", stores_data=True, region=region,
        ids=ids_of(rec, "cluster_identifier"),
        at_rest=[_db_encryption(rec, index, default_encrypted)],
        flows=[_in_transit(rec, index, group_attr, group_types, engine,
                           rec.values.get("engine_version"))],
        placement=Placement(multi_az=_cluster_multi_az(rec, index, instance_type)),
        backup=_db_backup(rec, 1), destinations=destinations,
        sources={**_DB_SOURCES, **_in_transit_sources(group_attr),
                 **destination_sources(0, "replication_source_identifier")},
        logging=_db_log_exports(rec, engine))]


# --- S3 -----------------------------------------------------------------------------

_BUCKET_SIDE = ("bucket",)  # bucket-level resources name their bucket in `bucket`


def _bucket_side(index: TfIndex, bucket: TfResource, types: tuple[str, ...]) -> list[TfResource]:
    return linked(index, bucket, "bucket", types, name_keys=("bucket",))  # id, arn too


def _sse_from(rec: TfResource, index: TfIndex, rules: list[dict], where: str) -> AtRest:
    for rule in rules:
        defaults = blocks(rule.get("apply_server_side_encryption_by_default"))
        if isinstance(defaults, Unknown):
            return aws_storage.bucket_encryption(defaults, lambda: None, where)
        for default in defaults:
            return aws_storage.bucket_encryption(
                default.get("sse_algorithm"),
                lambda: customer_key(rec, default.get("kms_master_key_id"), index), where)
    return aws_storage.bucket_encryption(aws_storage.NO_RULE, lambda: None, where)


def _bucket_encryption(rec: TfResource, index: TfIndex) -> AtRest:
    for cfg in _bucket_side(index, rec, ("aws_s3_bucket_server_side_encryption_configuration",)):
        rules = get_blocks(cfg, "rule")
        if isinstance(rules, Unknown):
            return AtRest(enabled=True, default="encrypted", customer_key=rules, part=cfg.address)
        return _sse_from(cfg, index, rules, cfg.address)
    inline = known_blocks(rec, "server_side_encryption_configuration")
    rules = [r for block in inline for r in known_blocks(rec, "rule", block)]
    # S3 encrypts every new object with SSE-S3 since January 2023.
    return _sse_from(rec, index, rules, "server_side_encryption_configuration")


# The bucket a flow without policy is about: its names are read only against a policy.
_UNNAMED_BUCKET = aws_iam.Bucket(name=None)


def _bucket_https_only(rec: TfResource, index: TfIndex) -> tuple[Flow, dict[str, str]]:
    """The bucket's https-only flow, and its `sources`: the inline `policy` when it is the
    only policy, the `policy` of the separate aws_s3_bucket_policy when that is the only
    one (findings point at that resource); with several, the bucket's own line."""
    policies = _bucket_side(index, rec, ("aws_s3_bucket_policy",))
    values = [p.values.get("policy") for p in policies]
    inline = rec.values.get("policy")
    sources: dict[str, str] = {}
    if inline not in (None, "") and not (isinstance(inline, Unknown) and not inline.refs
                                         and rec.source == "plan"):
        values.append(inline)
        if not policies:
            sources = part_sources("flows", aws_iam.HTTPS_ONLY, {"encrypted": "policy"})
    elif len(policies) == 1:
        sources = part_sources("flows", aws_iam.HTTPS_ONLY,
                               {"encrypted": held_by(policies[0], "policy")})
    if not values:  # no policy (most buckets): nothing to read the bucket's names for
        return aws_iam.https_only_flow([], _UNNAMED_BUCKET), sources
    name = rec.values.get("bucket")
    bucket = aws_iam.Bucket(
        name=name if isinstance(name, Unknown) or (isinstance(name, str) and name
                                                   and not fully_masked(name)) else None,
        addresses=frozenset({rec.address, base_address(rec.address)}))
    return aws_iam.https_only_flow(
        [policy_of(index, value, "bucket policy") for value in values], bucket), sources


def _bucket_region(index: TfIndex, value: Any) -> Maybe[str]:
    """Region of a replication destination bucket (S3 ARNs carry no region)."""
    name = bucket_from_arn(value)
    target = resolve_one(index, value, ("aws_s3_bucket",), name_keys=("arn",)) or \
        resolve_one(index, name, ("aws_s3_bucket",), name_keys=("bucket",))
    if target is None:
        if isinstance(value, Unknown) and not value.refs:
            return value
        return not_in_configuration("destination bucket", value)
    return region_of(target)


def _replication_destinations(rec: TfResource, index: TfIndex, rules: Any) -> list[Destination]:
    if isinstance(rules, Unknown):
        return [Destination(region=rules, what="S3 replication")]
    out = []
    for rule in rules:
        if not aws_storage.replication_enabled(rule.get("status")):
            continue
        dests = blocks(rule.get("destination"), "destination")
        if isinstance(dests, Unknown):
            out.append(Destination(region=dests, what="S3 replication"))
            continue
        for dest in dests:
            bucket = dest.get("bucket")
            out.append(aws_storage.replication_destination(
                bucket, _bucket_region(index, bucket), show(bucket)))
    return out


_INLINE_SSE = ("server_side_encryption_configuration.rule."
               "apply_server_side_encryption_by_default.sse_algorithm")
# The sources of the inline encryption, without and with an aws:kms algorithm (then the key
# named beside it decides the customer key): the same for every bucket, built once.
_INLINE_SSE_SOURCES = {kms: part_sources("at_rest", "server_side_encryption_configuration", {
    "enabled": _INLINE_SSE,
    "customer_key": _INLINE_SSE.replace("sse_algorithm", "kms_master_key_id") if kms
    else _INLINE_SSE}) for kms in (False, True)}


def _first_inline_default(rec: TfResource) -> dict:
    """The first inline rule's `apply_server_side_encryption_by_default` block."""
    block = first_block(rec, "server_side_encryption_configuration")
    rule = first_block(rec, "rule", block) if block else {}
    return first_block(rec, "apply_server_side_encryption_by_default", rule) if rule else {}


@handles("aws_s3_bucket", kinds=("bucket",))
def s3_bucket(rec: TfResource, index: TfIndex) -> list[Resource]:
    destinations: list[Destination] = []
    for cfg in _bucket_side(index, rec, ("aws_s3_bucket_replication_configuration",)):
        destinations += _replication_destinations(cfg, index, get_blocks(cfg, "rule"))
    for inline in known_blocks(rec, "replication_configuration"):
        destinations += _replication_destinations(rec, index, get_blocks(rec, "rules", inline))
    encryption = _bucket_encryption(rec, index)
    https_only, sources = _bucket_https_only(rec, index)
    if encryption.part == "server_side_encryption_configuration":
        # The key is chosen by the algorithm (aws:kms) and then by the key named beside it.
        algorithm = get_str(rec, "sse_algorithm", None, _first_inline_default(rec))
        sources.update(_INLINE_SSE_SOURCES[isinstance(algorithm, str)
                                           and algorithm.startswith("aws:kms")])
    return [resource(rec, "bucket", stores_data=True, ids=ids_of(rec, "bucket"),
                     at_rest=[encryption], sources=sources,
                     flows=[https_only], destinations=destinations,
                     logging=bucket_logging(rec, index))]


@handles("aws_s3_bucket_replication_configuration", kinds=("copy",))
def s3_replication(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Folded into its bucket; kept as a "copy" only when the bucket is not in this input.
    if resolve_one(index, rec.values.get("bucket"), ("aws_s3_bucket",), name_keys=("bucket",)):
        return []
    return [resource(rec, "copy", destinations=_replication_destinations(
        rec, index, get_blocks(rec, "rule")))]


# --- file systems, caches, tables ----------------------------------------------------------


@handles("aws_efs_file_system", kinds=("file-system",))
def efs(rec: TfResource, index: TfIndex) -> list[Resource]:
    one_zone = rec.values.get("availability_zone_name")
    zone_name = one_zone
    if isinstance(one_zone, Unknown):
        # A reference (to a zone) is One Zone; computed in a plan: not set by the user.
        zone_name = "referenced zone" if one_zone.refs else one_zone if rec.source != "plan" \
            else None
    return [resource(rec, "file-system", stores_data=True,
                     region=region_of(rec, one_zone if isinstance(one_zone, str) else None),
                     at_rest=[aws_storage.switched_encryption(
                         get_bool(rec, "encrypted", False),
                         lambda: customer_key(rec, rec.values.get("kms_key_id"), index),
                         "file system")],
                     placement=Placement(multi_az=aws_storage.efs_multi_az(zone_name)),
                     sources={**part_sources("at_rest", "file system", {
                                  "enabled": "encrypted", "customer_key": "kms_key_id"}),
                              "placement.multi_az": "availability_zone_name"})]


def _cache_flows(rec: TfResource) -> list[Flow]:
    return [aws_storage.cache_transit(get_bool(rec, "transit_encryption_enabled", False),
                                      "transit_encryption_enabled")]


_CACHE_FLOW_SOURCES = part_sources("flows", "in-transit",
                                   {"encrypted": "transit_encryption_enabled"})


@handles("aws_elasticache_replication_group", kinds=("cache",))
def elasticache_group(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Provider 5.x documentation: `at_rest_encryption_enabled` defaults to false for Redis
    # and true for Valkey. (Newer providers/AWS default Redis 7+ to true; we keep the 5.x
    # documented behaviour, which can only under-claim encryption.)
    engine = rec.values.get("engine")
    at_rest = aws_storage.switched_encryption(
        get_bool(rec, "at_rest_encryption_enabled", engine == "valkey"),
        lambda: customer_key(rec, rec.values.get("kms_key_id"), index), "at rest")
    multi_az = aws_storage.cache_multi_az(get_bool(rec, "multi_az_enabled", False),
                                          get_bool(rec, "automatic_failover_enabled", False))
    return [resource(rec, "cache", stores_data=True, at_rest=[at_rest],
                     flows=_cache_flows(rec), placement=Placement(multi_az=multi_az),
                     sources={**part_sources("at_rest", "at rest", {
                                  "enabled": "at_rest_encryption_enabled",
                                  "customer_key": "kms_key_id"}),
                              "placement.multi_az": "multi_az_enabled",
                              **_CACHE_FLOW_SOURCES})]


@handles("aws_elasticache_cluster", kinds=("cache",))
def elasticache_cluster(rec: TfResource, index: TfIndex) -> list[Resource]:
    if has(rec.values.get("replication_group_id")):
        return []  # a member of a replication group: judged through the group
    # Single clusters have no at-rest encryption option (Memcached, single-node Redis).
    mode = rec.values.get("az_mode")
    if isinstance(mode, str) or mode is None:
        multi_az: Maybe[bool] = mode == "cross-az"
    else:
        multi_az = mode if isinstance(mode, Unknown) else Unknown("unexpected value for az_mode")
    return [resource(rec, "cache", stores_data=True,
                     region=region_of(rec, rec.values.get("availability_zone")),
                     at_rest=[aws_storage.cache_cluster_at_rest()],
                     flows=_cache_flows(rec), placement=Placement(multi_az=multi_az),
                     sources={"placement.multi_az": "az_mode", **_CACHE_FLOW_SOURCES})]


def _dynamodb_encryption(rec: TfResource, index: TfIndex, block: dict | None,
                         key_attr: str = "kms_key_arn") -> AtRest:
    # DynamoDB always encrypts; without `server_side_encryption { enabled = true }` the key
    # is AWS-owned, with it and no `kms_key_arn` the key is AWS-managed (aws/dynamodb).
    enabled = get_bool(rec, "enabled", False, block) if block else False
    return aws_storage.dynamodb_encryption(
        enabled, lambda: customer_key(rec, (block or {}).get(key_attr), index))


@handles("aws_dynamodb_table", kinds=("table",))
def dynamodb_table(rec: TfResource, index: TfIndex) -> list[Resource]:
    destinations = []
    sources = part_sources("at_rest", "table", {
        "enabled": "server_side_encryption.enabled",
        "customer_key": "server_side_encryption.kms_key_arn"})
    replicas = get_blocks(rec, "replica")
    if isinstance(replicas, Unknown):
        destinations.append(Destination(region=replicas, what="DynamoDB replica"))
    else:
        for i, replica in enumerate(replicas):
            region = as_str(replica.get("region_name"), "region_name")
            sources.update(destination_sources(len(destinations),
                                               block_path("replica", i, "region_name")))
            destinations.append(aws_storage.dynamodb_replica(
                region if region is not None else Unknown("replica without region_name")))
    return [resource(rec, "table", stores_data=True,
                     at_rest=[_dynamodb_encryption(rec, index, first_block(rec, "server_side_encryption"))],
                     destinations=destinations, sources=sources)]


@handles("aws_dynamodb_table_replica", kinds=("table",))
def dynamodb_replica(rec: TfResource, index: TfIndex) -> list[Resource]:
    region = region_of(rec)
    key = rec.values.get("kms_key_arn")
    at_rest = _dynamodb_encryption(rec, index, {"enabled": True, "kms_key_arn": key} if has(key) else None)
    return [resource(rec, "table", stores_data=True, region=region, at_rest=[at_rest],
                     destinations=[aws_storage.dynamodb_replica(region)],
                     sources=part_sources("at_rest", "table", {"customer_key": "kms_key_arn"}))]


@handles("aws_backup_vault_lock_configuration", "aws_db_parameter_group",
         "aws_rds_cluster_parameter_group", "aws_docdb_cluster_parameter_group",
         "aws_neptune_cluster_parameter_group", "aws_rds_cluster_instance",
         "aws_docdb_cluster_instance", "aws_neptune_cluster_instance",
         "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy",
         kinds=())
def linked_only(rec: TfResource, index: TfIndex) -> list[Resource]:
    """Read through the resource they modify (the instance count of a cluster...)."""
    return []
