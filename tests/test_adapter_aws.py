"""The AWS Terraform adapter: records built by hand (HCL, plan and state shapes) -> model."""
from __future__ import annotations

import json

import pytest

from hds_iac.adapters import terraform_aws
from hds_iac.adapters.terraform import TfIndex
from hds_iac.model import Resource, Unknown
from hds_iac.terraform.records import TfResource

REGION = "eu-west-3"


def rec(address: str, values: dict | None = None, *, source: str = "hcl",
        region=REGION, mode: str = "managed") -> TfResource:
    parts = address.split(".")
    if parts[0] == "data":
        mode, rtype, name = "data", parts[1], parts[2]
    else:
        rtype, name = parts[-2], parts[-1].split("[")[0]
    return TfResource(address=address, mode=mode, type=rtype, name=name, provider="aws",
                      provider_region=region, values=values or {}, source=source,
                      file="main.tf", line=1)


def ref(*addresses: str) -> Unknown:
    return Unknown("known after apply", refs=addresses)


def adapt(*records: TfResource) -> dict[str, Resource]:
    index = TfIndex(records)
    out: dict[str, Resource] = {}
    for r in records:
        if r.mode != "managed":
            continue
        for res in terraform_aws.adapt(r, index):
            assert res.address not in out
            out[res.address] = res
    return out


def one(*records: TfResource) -> Resource:
    got = adapt(*records)
    return got[records[0].address]


PLAN_UNKNOWN = Unknown("known after apply")  # a computed attribute the config omits


# --- regions, ids, tags ---------------------------------------------------------------


def test_region_sources():
    assert one(rec("aws_kms_key.k")).region == REGION
    # AWS 6.x per-resource region wins
    assert one(rec("aws_kms_key.k", {"region": "eu-central-1"})).region == "eu-central-1"
    # states without provider region: from the ARN or the availability zone
    no_region = Unknown("provider region not recorded")
    res = one(rec("aws_kms_key.k", {"arn": "arn:aws:kms:eu-north-1:123456789012:key/abc", "id": "abc"},
                  source="state", region=no_region))
    assert res.region == "eu-north-1"
    assert res.ids == ("abc", "arn:aws:kms:eu-north-1:123456789012:key/abc")
    res = one(rec("aws_ebs_volume.v", {"availability_zone": "eu-south-1b"}, source="state",
                  region=no_region))
    assert res.region == "eu-south-1"
    assert one(rec("aws_kms_key.k", {}, source="state", region=no_region)).region == no_region
    # global types
    assert one(rec("aws_iam_user.u", {"name": "u"})).region is None
    assert one(rec("aws_cloudfront_distribution.d", {})).region is None


def test_tags():
    assert one(rec("aws_ebs_volume.v", {"tags": {"backup": "daily"}})).tags == {"backup": "daily"}
    assert one(rec("aws_ebs_volume.v", {"tags": {"a": "1"}, "tags_all": {"a": "1", "env": "prod"}},
                   source="plan")).tags == {"a": "1", "env": "prod"}
    unknown = Unknown("var.tags has no value")
    assert one(rec("aws_ebs_volume.v", {"tags": unknown})).tags == unknown
    assert isinstance(one(rec("aws_ebs_volume.v", {"tags": "oops"})).tags, Unknown)


def test_unknown_types_and_data_sources_give_nothing():
    assert adapt(rec("aws_route53_zone.z", {})) == {}
    assert terraform_aws.adapt(rec("data.aws_iam_policy_document.p", {}), TfIndex([])) == []


# --- EBS volumes, instances, templates ------------------------------------------------


def test_ebs_volume_encryption_forms():
    res = one(rec("aws_ebs_volume.v", {"availability_zone": "eu-west-3a"}))
    assert res.kind == "volume" and res.stores_data
    disk = res.at_rest[0]
    assert (disk.enabled, disk.default, disk.customer_key) == (None, "account-default", False)
    assert res.placement.zones == ("eu-west-3a",)
    disk = one(rec("aws_ebs_volume.v", {"encrypted": True, "kms_key_id": ref("aws_kms_key.k")})).at_rest[0]
    assert (disk.enabled, disk.customer_key) == (True, True)
    assert one(rec("aws_ebs_volume.v", {"encrypted": "false"})).at_rest[0].enabled is False
    odd = one(rec("aws_ebs_volume.v", {"encrypted": 42})).at_rest[0].enabled
    assert isinstance(odd, Unknown) and "unexpected value for encrypted" in odd.reason


def test_ebs_volume_plan_computed_vs_referenced():
    # omitted in the configuration: the plan shows it as known after apply, no reference
    disk = one(rec("aws_ebs_volume.v", {"encrypted": PLAN_UNKNOWN, "kms_key_id": PLAN_UNKNOWN},
                   source="plan")).at_rest[0]
    assert (disk.enabled, disk.default, disk.customer_key) == (None, "account-default", False)
    # set from another resource: a real unknown
    enc = ref("aws_ssm_parameter.p")
    assert one(rec("aws_ebs_volume.v", {"encrypted": enc}, source="plan")).at_rest[0].enabled == enc
    # states carry the real value
    assert one(rec("aws_ebs_volume.v", {"encrypted": False}, source="state")).at_rest[0].enabled is False


def test_account_default_ebs_key_is_customer_key():
    got = adapt(rec("aws_ebs_volume.v", {"encrypted": True}),
                rec("aws_ebs_default_kms_key.d", {"key_arn": ref("aws_kms_key.k")}))
    assert got["aws_ebs_volume.v"].at_rest[0].customer_key is True
    assert "aws_ebs_default_kms_key.d" not in got


@pytest.mark.parametrize("value,expected", [(None, True), (True, True), (False, False), ("false", False)])
def test_ebs_encryption_by_default(value, expected):
    res = one(rec("aws_ebs_encryption_by_default.d", {} if value is None else {"enabled": value}))
    assert res.kind == "account-setting" and not res.stores_data
    assert res.encryption_default is expected


def test_ebs_encryption_by_default_unknown_stays_unknown():
    unknown = Unknown("var.x has no value")
    res = one(rec("aws_ebs_encryption_by_default.d", {"enabled": unknown}))
    assert res.encryption_default == unknown


def test_instance_hcl_zone_from_subnet_reference_and_disks():
    got = adapt(
        rec("aws_subnet.app[0]", {"availability_zone": "eu-west-3a"}),
        rec("aws_subnet.app[1]", {"availability_zone": "eu-west-3b"}),
        rec("aws_instance.app", {"subnet_id": ref("aws_subnet.app[1]"),
                                 "ebs_block_device": [{"device_name": "/dev/sdb", "encrypted": True}],
                                 "user_data": "SECRET=1"}),
    )
    res = got["aws_instance.app"]
    assert res.kind == "instance" and res.stores_data
    assert res.placement.standalone is True and res.placement.zones == ("eu-west-3b",)
    parts = {d.part: d for d in res.at_rest}
    assert parts["root_block_device"].enabled is None
    assert parts["root_block_device"].default == "account-default"
    assert parts["ebs_block_device /dev/sdb"].enabled is True
    assert "SECRET" not in repr(res)
    assert "aws_subnet.app[0]" not in got


def test_instance_state_zone_from_subnet_id():
    got = adapt(
        rec("aws_subnet.a", {"id": "subnet-1", "availability_zone": "eu-west-3c"}, source="state"),
        rec("aws_instance.i", {"id": "i-1", "subnet_id": "subnet-1", "availability_zone": None,
                               "root_block_device": [{"encrypted": False, "kms_key_id": ""}]},
            source="state"),
    )
    res = got["aws_instance.i"]
    assert res.placement.zones == ("eu-west-3c",)
    assert res.at_rest[0].enabled is False and res.ids == ("i-1",)


def test_instance_zone_unknown_when_subnet_missing():
    res = one(rec("aws_instance.i", {"subnet_id": ref("module.net.aws_subnet.x")}))
    assert isinstance(res.placement.zones, Unknown)


def test_launch_template_string_booleans():
    res = one(rec("aws_launch_template.t", {"block_device_mappings": [
        {"device_name": "/dev/xvda", "ebs": [{"encrypted": "true", "kms_key_id": "arn:aws:kms:eu-west-3:1:key/x"}]},
        {"device_name": "/dev/xvdb", "ebs": [{"encrypted": ""}]},
        {"device_name": "/dev/xvdc", "ebs": [{"encrypted": "false"}]},
    ]}))
    assert res.kind == "launch-template" and res.stores_data
    got = {d.part: (d.enabled, d.default, d.customer_key) for d in res.at_rest}
    assert got["block_device_mappings /dev/xvda"] == (True, "unencrypted", True)
    assert got["block_device_mappings /dev/xvdb"] == (None, "account-default", False)
    assert got["block_device_mappings /dev/xvdc"][0] is False
    bare = one(rec("aws_launch_template.t", {}))
    assert bare.at_rest[0].default == "account-default"


def test_launch_configuration():
    res = one(rec("aws_launch_configuration.lc", {"root_block_device": [{"encrypted": True}],
                                                  "ebs_block_device": [{"device_name": "/dev/sdf"}]}))
    assert res.kind == "launch-template"
    assert [d.enabled for d in res.at_rest] == [True, None]


# --- databases ------------------------------------------------------------------------


def test_db_instance_defaults():
    res = one(rec("aws_db_instance.db", {"engine": "postgres", "engine_version": "16.3",
                                         "password": "hunter2"}))
    assert res.kind == "database" and res.stores_data
    assert res.at_rest[0].enabled is False
    assert res.placement.multi_az is False
    assert (res.backup.retention_days, res.backup.final_snapshot, res.backup.deletion_protection) == \
        (1, True, False)
    assert res.flows[0].name == "in-transit" and res.flows[0].encrypted is True  # PG15+ default
    assert "hunter2" not in repr(res)


def test_db_instance_settings():
    res = one(rec("aws_db_instance.db", {
        "engine": "mysql", "engine_version": "8.0.35", "storage_encrypted": True,
        "kms_key_id": ref("aws_kms_key.k"), "multi_az": True, "backup_retention_period": 0,
        "skip_final_snapshot": True, "deletion_protection": "true"}))
    assert (res.at_rest[0].enabled, res.at_rest[0].customer_key) == (True, True)
    assert res.placement.multi_az is True
    assert (res.backup.retention_days, res.backup.final_snapshot, res.backup.deletion_protection) == \
        (0, False, True)
    assert res.flows[0].encrypted is False  # MySQL 8.0 default: require_secure_transport OFF


@pytest.mark.parametrize("params,expected", [
    ([{"name": "rds.force_ssl", "value": "1"}], True),
    ([{"name": "require_secure_transport", "value": "ON"}], True),
    ([{"name": "rds.force_ssl", "value": "0"}], False),
    ([], False),  # postgres14 family default
])
def test_db_parameter_group_link(params, expected):
    got = adapt(
        rec("aws_db_instance.db", {"engine": "postgres", "parameter_group_name": ref("aws_db_parameter_group.pg")}),
        rec("aws_db_parameter_group.pg", {"name": "pg", "family": "postgres14", "parameter": params}),
    )
    assert got["aws_db_instance.db"].flows[0].encrypted is expected
    assert "aws_db_parameter_group.pg" not in got


@pytest.mark.parametrize("family, expected", [
    ("aurora-mysql8.0", False),  # Aurora MySQL 3: require_secure_transport OFF by default
    ("aurora-mysql5.7", False),
    ("postgres16", True),
])
def test_cluster_parameter_group_family_defaults(family, expected):
    got = adapt(
        rec("aws_rds_cluster.c", {"engine": "aurora-mysql",
                                  "db_cluster_parameter_group_name":
                                      ref("aws_rds_cluster_parameter_group.g")}),
        rec("aws_rds_cluster_parameter_group.g", {"name": "g", "family": family,
                                                   "parameter": [{"name": "x", "value": "1"}]}),
    )
    assert got["aws_rds_cluster.c"].flows[0].encrypted is expected


def test_db_parameter_group_state_by_name_and_missing_group():
    got = adapt(
        rec("aws_db_instance.db", {"engine": "postgres", "parameter_group_name": "pg"}, source="state"),
        rec("aws_db_parameter_group.pg", {"id": "pg", "name": "pg", "family": "postgres16",
                                          "parameter": []}, source="state"),
    )
    assert got["aws_db_instance.db"].flows[0].encrypted is True
    flow = one(rec("aws_db_instance.db", {"engine": "postgres", "parameter_group_name": "custom"})).flows[0]
    assert isinstance(flow.encrypted, Unknown) and "custom" in flow.encrypted.reason
    flow = one(rec("aws_db_instance.db", {"engine": "oracle-ee"})).flows[0]
    assert isinstance(flow.encrypted, Unknown)


def test_rds_cross_region_replica():
    res = one(rec("aws_db_instance.replica", {
        "replicate_source_db": "arn:aws:rds:eu-west-1:123456789012:db:primary",
        "storage_encrypted": True}))
    assert [(d.region, "replica" in d.what) for d in res.destinations] == [(REGION, True)]
    assert res.backup.retention_days == 0  # replicas keep no backups unless told
    same = one(rec("aws_db_instance.replica", {"replicate_source_db": ref("aws_db_instance.primary")}))
    assert same.destinations == []
    assert isinstance(same.at_rest[0].enabled, Unknown)  # inherited from a source not found


def test_aurora_cluster_instances_count():
    cluster = rec("aws_rds_cluster.c", {"engine": "aurora-postgresql", "cluster_identifier": "c"})
    two = [rec(f"aws_rds_cluster_instance.i[{n}]", {"cluster_identifier": ref("aws_rds_cluster.c")})
           for n in range(2)]
    got = adapt(cluster, *two)
    res = got["aws_rds_cluster.c"]
    assert res.kind == "database-cluster" and res.placement.multi_az is True
    assert set(got) == {"aws_rds_cluster.c"}
    assert res.at_rest[0].enabled is False and res.backup.retention_days == 1
    assert one(cluster, two[0]).placement.multi_az is False
    assert isinstance(one(cluster).placement.multi_az, Unknown)
    # plans: the instance names the cluster by its identifier (cluster id unknown yet)
    plan_cluster = rec("aws_rds_cluster.c", {"cluster_identifier": "c", "id": PLAN_UNKNOWN}, source="plan")
    plan_insts = [rec(f"aws_rds_cluster_instance.i[{n}]", {"cluster_identifier": "c"}, source="plan")
                  for n in range(2)]
    assert one(plan_cluster, *plan_insts).placement.multi_az is True
    # states list every zone of the region: not a signal
    state_cluster = rec("aws_rds_cluster.c", {"id": "c", "cluster_identifier": "c",
                                              "availability_zones": ["eu-west-3a", "eu-west-3b", "eu-west-3c"]},
                        source="state")
    state_inst = rec("aws_rds_cluster_instance.i", {"cluster_identifier": "c"}, source="state")
    assert one(state_cluster, state_inst).placement.multi_az is False


def test_serverless_and_docdb_neptune_clusters():
    res = one(rec("aws_rds_cluster.s", {"engine_mode": "serverless"}))
    assert res.at_rest[0].enabled is True and res.placement.multi_az is True
    doc = one(rec("aws_docdb_cluster.d", {"storage_encrypted": True}))
    assert doc.kind == "database-cluster" and doc.flows[0].encrypted is True
    assert doc.backup.final_snapshot is True
    nep = one(rec("aws_neptune_cluster.n", {}))
    assert nep.at_rest[0].enabled is False and nep.flows[0].encrypted is True


# --- S3 ------------------------------------------------------------------------------------


TLS_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def test_bucket_defaults():
    res = one(rec("aws_s3_bucket.b", {"bucket": "docs"}))
    assert res.kind == "bucket" and res.stores_data and "docs" in res.ids
    disk = res.at_rest[0]
    assert (disk.enabled, disk.default, disk.customer_key) == (None, "encrypted", False)
    assert res.flows[0].name == "https-only policy" and res.flows[0].encrypted is False
    assert res.destinations == []


def test_bucket_sse_configuration_and_policy_hcl():
    got = adapt(
        rec("aws_s3_bucket.b", {"bucket": "docs"}),
        rec("aws_s3_bucket_server_side_encryption_configuration.b", {
            "bucket": ref("aws_s3_bucket.b"),
            "rule": [{"apply_server_side_encryption_by_default": [
                {"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key.k")}]}]}),
        rec("aws_s3_bucket_policy.b", {"bucket": ref("aws_s3_bucket.b"), "policy": TLS_POLICY}),
    )
    assert set(got) == {"aws_s3_bucket.b"}
    res = got["aws_s3_bucket.b"]
    assert (res.at_rest[0].enabled, res.at_rest[0].customer_key) == (True, True)
    assert res.flows[0].encrypted is True


def test_bucket_inline_sse_aws_managed_key_state():
    res = one(rec("aws_s3_bucket.b", {"id": "docs", "bucket": "docs", "region": "eu-west-1",
                                      "server_side_encryption_configuration": [{"rule": [{
                                          "apply_server_side_encryption_by_default": [
                                              {"sse_algorithm": "aws:kms", "kms_master_key_id": ""}]}]}]},
                  source="state", region=Unknown("not recorded")))
    assert res.region == "eu-west-1"
    assert (res.at_rest[0].enabled, res.at_rest[0].customer_key) == (True, False)


def test_bucket_policy_from_policy_document_data_source():
    doc = rec("data.aws_iam_policy_document.tls", {"statement": [{
        "effect": "Deny", "actions": ["s3:*"], "resources": ["*"],
        "principals": [{"type": "*", "identifiers": ["*"]}],
        "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}]})
    got = adapt(
        rec("aws_s3_bucket.b", {"bucket": "docs"}), doc,
        rec("aws_s3_bucket_policy.b", {"bucket": ref("aws_s3_bucket.b"),
                                       "policy": ref("data.aws_iam_policy_document.tls")}),
    )
    assert got["aws_s3_bucket.b"].flows[0].encrypted is True


def test_bucket_policy_unreadable_is_unknown():
    got = adapt(rec("aws_s3_bucket.b", {"bucket": "docs"}),
                rec("aws_s3_bucket_policy.b", {"bucket": "docs", "policy": ref("module.p.output")}))
    assert isinstance(got["aws_s3_bucket.b"].flows[0].encrypted, Unknown)


def test_bucket_replication_destination_region_from_linked_bucket():
    got = adapt(
        rec("aws_s3_bucket.src", {"bucket": "src"}),
        rec("aws_s3_bucket.dst", {"bucket": "dst"}, region="eu-west-2"),
        rec("aws_s3_bucket_replication_configuration.r", {
            "bucket": ref("aws_s3_bucket.src"),
            "rule": [{"status": "Enabled", "destination": [{"bucket": ref("aws_s3_bucket.dst")}]},
                     {"status": "Disabled", "destination": [{"bucket": "arn:aws:s3:::elsewhere"}]}]}),
    )
    assert set(got) == {"aws_s3_bucket.src", "aws_s3_bucket.dst"}
    assert [d.region for d in got["aws_s3_bucket.src"].destinations] == ["eu-west-2"]


def test_bucket_replication_plan_arn_and_unresolved_and_orphan():
    got = adapt(
        rec("aws_s3_bucket.src", {"bucket": "src", "replication_configuration": [{"rules": [
            {"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::dst"}]},
            {"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::unknown-bucket"}]}]}]},
            source="plan"),
        rec("aws_s3_bucket.dst", {"bucket": "dst", "arn": PLAN_UNKNOWN}, source="plan", region="us-east-1"),
        rec("aws_s3_bucket_replication_configuration.orphan", {
            "bucket": "not-here", "rule": [{"destination": [{"bucket": "arn:aws:s3:::dst"}]}]},
            source="plan"),
    )
    regions = [d.region for d in got["aws_s3_bucket.src"].destinations]
    assert regions[0] == "us-east-1" and isinstance(regions[1], Unknown)
    orphan = got["aws_s3_bucket_replication_configuration.orphan"]
    assert orphan.kind == "copy" and not orphan.stores_data
    assert [d.region for d in orphan.destinations] == ["us-east-1"]


# --- EFS, ElastiCache, DynamoDB --------------------------------------------------------


def test_efs():
    res = one(rec("aws_efs_file_system.f", {}))
    assert res.kind == "file-system" and res.at_rest[0].enabled is False
    assert res.placement.multi_az is True
    one_zone = one(rec("aws_efs_file_system.f", {"encrypted": True, "availability_zone_name": "eu-west-3a"}))
    assert one_zone.placement.multi_az is False and one_zone.at_rest[0].customer_key is False


def test_elasticache():
    res = one(rec("aws_elasticache_replication_group.r", {"engine": "redis", "auth_token": "s3cr3t"}))
    assert res.kind == "cache"
    assert res.at_rest[0].enabled is False and res.flows[0].encrypted is False
    assert res.placement.multi_az is False and "s3cr3t" not in repr(res)
    res = one(rec("aws_elasticache_replication_group.r", {
        "engine": "valkey", "transit_encryption_enabled": True, "automatic_failover_enabled": True}))
    assert res.at_rest[0].enabled is True and res.flows[0].encrypted is True
    assert res.placement.multi_az is True
    assert adapt(rec("aws_elasticache_cluster.member", {"replication_group_id": ref("x.y")})) == {}
    mem = one(rec("aws_elasticache_cluster.m", {"engine": "memcached", "az_mode": "cross-az"}))
    assert mem.placement.multi_az is True and mem.at_rest[0].enabled is False


def test_dynamodb():
    res = one(rec("aws_dynamodb_table.t", {"replica": [{"region_name": "us-east-1"},
                                                        {"region_name": ref("var.r")}]}))
    assert res.kind == "table"
    assert (res.at_rest[0].enabled, res.at_rest[0].default, res.at_rest[0].customer_key) == \
        (None, "encrypted", False)
    assert res.destinations[0].region == "us-east-1" and isinstance(res.destinations[1].region, Unknown)
    cmk = one(rec("aws_dynamodb_table.t", {"server_side_encryption": [
        {"enabled": True, "kms_key_arn": "arn:aws:kms:eu-west-3:1:key/k"}]}))
    assert cmk.at_rest[0].customer_key is True
    managed = one(rec("aws_dynamodb_table.t", {"server_side_encryption": [{"enabled": True}]}))
    assert managed.at_rest[0].customer_key is False
    replica = one(rec("aws_dynamodb_table_replica.r", {"global_table_arn": ref("aws_dynamodb_table.t")},
                      region="eu-central-1"))
    assert replica.destinations[0].region == "eu-central-1"


# --- backups, keys, snapshots, images ------------------------------------------------------


def test_backup_vault_lock_and_plan_copy():
    got = adapt(
        rec("aws_backup_vault.v", {"name": "main"}),
        rec("aws_backup_vault.dr", {"name": "dr"}, region="eu-central-1"),
        rec("aws_backup_vault_lock_configuration.l", {"backup_vault_name": ref("aws_backup_vault.v")}),
        rec("aws_backup_plan.p", {"rule": [{"rule_name": "daily", "copy_action": [
            {"destination_vault_arn": "arn:aws:backup:us-west-2:123456789012:backup-vault:x"},
            {"destination_vault_arn": ref("aws_backup_vault.dr")}]}]}),
    )
    vault = got["aws_backup_vault.v"]
    assert vault.kind == "backup-vault" and vault.stores_data
    assert vault.backup.vault_locked is True and got["aws_backup_vault.dr"].backup.vault_locked is False
    assert (vault.at_rest[0].default, vault.at_rest[0].customer_key) == ("encrypted", False)
    plan = got["aws_backup_plan.p"]
    assert [d.region for d in plan.destinations] == ["us-west-2", "eu-central-1"]
    assert not plan.stores_data


def test_backup_selection_tags_and_resources():
    got = adapt(
        rec("aws_ebs_volume.data", {"id": "vol-1", "arn": "arn:aws:ec2:eu-west-3:1:volume/vol-1"}),
        rec("aws_backup_selection.s", {
            "plan_id": ref("aws_backup_plan.p"),
            "selection_tag": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}],
            "condition": [{"string_equals": [{"key": "aws:ResourceTag/tier", "value": "gold"}]}],
            "resources": [ref("aws_ebs_volume.data"), "arn:aws:rds:eu-west-3:1:db:x"]}),
    )
    sel = got["aws_backup_selection.s"]
    assert sel.kind == "backup-plan"
    assert sel.selection.tags == {"backup": "daily", "tier": "gold"}
    ids = sel.selection.resource_ids
    assert "aws_ebs_volume.data" in ids and "arn:aws:ec2:eu-west-3:1:volume/vol-1" in ids
    assert "arn:aws:rds:eu-west-3:1:db:x" in ids
    assert one(rec("aws_backup_selection.all", {"resources": ["*"]})).selection.select_all is True


def test_dlm_policy():
    res = one(rec("aws_dlm_lifecycle_policy.p", {"state": "ENABLED", "policy_details": [{
        "resource_types": ["VOLUME"], "target_tags": {"Snapshot": "true"},
        "schedule": [{"cross_region_copy_rule": [{"target": "eu-central-1"}]}]}]}))
    assert res.kind == "backup-plan"
    assert res.selection.tags == {"Snapshot": "true"} and res.selection.resource_kinds == ("volume",)
    assert res.destinations[0].region == "eu-central-1"
    off = one(rec("aws_dlm_lifecycle_policy.p", {"state": "DISABLED", "policy_details": [{
        "resource_types": ["VOLUME"], "target_tags": {"Snapshot": "true"}}]}))
    assert off.selection.tags == {}


@pytest.mark.parametrize("value,expected", [(None, False), (True, True), ("true", True)])
def test_kms_rotation(value, expected):
    res = one(rec("aws_kms_key.k", {} if value is None else {"enable_key_rotation": value}))
    assert res.kind == "key" and res.key_rotation.enabled is expected
    assert res.key_rotation.possible is True  # the default spec: symmetric


@pytest.mark.parametrize("spec,possible", [("SYMMETRIC_DEFAULT", True), ("HMAC_256", False),
                                           ("ECC_NIST_P256", False), (7, None), (ref("var.spec"), None)])
def test_kms_key_spec_tells_whether_rotation_is_possible(spec, possible):
    res = one(rec("aws_kms_key.k", {"customer_master_key_spec": spec}))
    if possible is None:  # unresolved or malformed: unknown, never "cannot rotate"
        assert isinstance(res.key_rotation.possible, Unknown)
    else:
        assert res.key_rotation.possible is possible


def test_default_security_group_is_the_accounts_own():
    got = adapt(rec("aws_default_security_group.d", {}), rec("aws_security_group.s", {}))
    assert got["aws_default_security_group.d"].account_default is True
    assert got["aws_security_group.s"].account_default is False


def test_snapshots_images_copies_and_sharing():
    got = adapt(
        rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")}),
        rec("aws_ebs_snapshot_copy.c", {"source_region": "eu-west-3", "source_snapshot_id": "snap-1"},
            region="us-east-1"),
        rec("aws_ami_copy.a", {"source_ami_region": "eu-west-3"}, region="ap-south-1"),
        rec("aws_snapshot_create_volume_permission.p", {"snapshot_id": ref("aws_ebs_snapshot.s"),
                                                         "account_id": "210987654321"}),
        rec("aws_ami_launch_permission.pub", {"image_id": "ami-1", "group": "all"}),
        rec("aws_db_snapshot.d", {"shared_accounts": ["all"]}),
    )
    snap = got["aws_ebs_snapshot.s"]
    assert snap.kind == "snapshot" and snap.stores_data and snap.sharing.public is False
    assert got["aws_ebs_snapshot_copy.c"].destinations[0].region == "us-east-1"
    assert got["aws_ami_copy.a"].kind == "image"
    assert got["aws_ami_copy.a"].destinations[0].region == "ap-south-1"
    perm = got["aws_snapshot_create_volume_permission.p"]
    assert (perm.kind, perm.stores_data, perm.sharing.accounts) == ("snapshot", False, ("210987654321",))
    pub = got["aws_ami_launch_permission.pub"]
    assert pub.kind == "image" and pub.sharing.public is True
    assert got["aws_db_snapshot.d"].sharing.public is True


# --- flows ---------------------------------------------------------------------------------


def subnets(source="hcl"):
    if source == "state":
        return [rec("aws_subnet.app[0]", {"id": "subnet-a", "availability_zone": "eu-west-3a"}, source="state"),
                rec("aws_subnet.app[1]", {"id": "subnet-b", "availability_zone": "eu-west-3b"}, source="state")]
    return [rec("aws_subnet.app[0]", {"availability_zone": "eu-west-3a"}),
            rec("aws_subnet.app[1]", {"availability_zone": "eu-west-3b"})]


def test_load_balancer_zones_hcl_splat_and_state_ids():
    res = adapt(*subnets(), rec("aws_lb.web", {"subnets": ref("aws_subnet.app")}))["aws_lb.web"]
    assert res.kind == "load-balancer" and sorted(res.placement.zones) == ["eu-west-3a", "eu-west-3b"]
    res = adapt(*subnets("state"), rec("aws_lb.web", {"subnets": ["subnet-a", "subnet-b"]},
                                       source="state"))["aws_lb.web"]
    assert sorted(res.placement.zones) == ["eu-west-3a", "eu-west-3b"]
    res = adapt(*subnets(), rec("aws_alb.web", {"subnet_mapping": [
        {"subnet_id": ref("aws_subnet.app[0]")}]}))["aws_alb.web"]
    assert res.placement.zones == ("eu-west-3a",)
    missing = one(rec("aws_lb.web", {"subnets": ["subnet-zzz"]}))
    assert isinstance(missing.placement.zones, Unknown)


def test_listener_http_redirect_and_plain():
    redirect = one(rec("aws_lb_listener.http", {"port": 80, "protocol": "HTTP", "default_action": [
        {"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}]}))
    flow = redirect.flows[0]
    assert redirect.kind == "listener"
    assert (flow.encrypted, flow.redirects_to_https, flow.min_tls) == (False, True, None)
    plain = one(rec("aws_lb_listener.http", {"port": 80, "default_action": [{"type": "forward"}]}))
    assert (plain.flows[0].encrypted, plain.flows[0].redirects_to_https) == (False, False)


def test_listener_https_policies_and_certificate():
    res = one(rec("aws_lb_listener.https", {"port": 443, "protocol": "HTTPS",
                                            "certificate_arn": "arn:aws:acm:eu-west-3:1:certificate/x"}))
    flow = res.flows[0]
    assert (flow.encrypted, flow.min_tls, flow.certificate) == (True, "1.0", True)
    res = one(rec("aws_lb_listener.https", {"port": 443, "protocol": "HTTPS",
                                            "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}))
    assert (res.flows[0].min_tls, res.flows[0].certificate) == ("1.2", False)
    res = one(rec("aws_lb_listener.tls", {"port": 443, "protocol": "TLS",
                                          "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06",
                                          "certificate_arn": ref("aws_acm_certificate.c")}))
    assert (res.flows[0].min_tls, res.flows[0].certificate) == ("1.3", True)
    odd = one(rec("aws_lb_listener.https", {"protocol": "HTTPS", "ssl_policy": "MyPolicy"}))
    assert isinstance(odd.flows[0].min_tls, Unknown)


def test_classic_elb():
    got = adapt(*subnets(), rec("aws_elb.old", {
        "subnets": [ref("aws_subnet.app[0]"), ref("aws_subnet.app[1]")],
        "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"},
                     {"lb_port": 443, "lb_protocol": "https", "instance_port": 80, "instance_protocol": "http",
                      "ssl_certificate_id": "arn:aws:iam::1:server-certificate/x"}]}),
        rec("aws_load_balancer_policy.tls", {"load_balancer_name": ref("aws_elb.old"), "policy_name": "tls",
                                             "policy_type_name": "SSLNegotiationPolicyType",
                                             "policy_attribute": [{"name": "Reference-Security-Policy",
                                                                   "value": "ELBSecurityPolicy-TLS-1-2-2017-01"}]}),
        rec("aws_load_balancer_listener_policy.l", {"load_balancer_name": ref("aws_elb.old"),
                                                    "load_balancer_port": 443,
                                                    "policy_names": [ref("aws_load_balancer_policy.tls")]}))
    res = got["aws_elb.old"]
    assert [(f.encrypted, f.min_tls, f.certificate) for f in res.flows] == [(False, None, None), (True, "1.2", True)]
    assert sorted(res.placement.zones) == ["eu-west-3a", "eu-west-3b"]
    default = one(rec("aws_elb.e", {"availability_zones": ["eu-west-3a"], "listener": [
        {"lb_port": 443, "lb_protocol": "ssl"}]}))
    assert (default.flows[0].min_tls, default.flows[0].certificate) == ("1.0", False)
    assert default.placement.zones == ("eu-west-3a",)


def test_cloudfront():
    res = one(rec("aws_cloudfront_distribution.cdn", {
        "default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https"}],
        "ordered_cache_behavior": [{"path_pattern": "/api/*", "viewer_protocol_policy": "allow-all"}],
        "origin": [{"origin_id": "s3", "s3_origin_config": [{}]},
                   {"origin_id": "api", "custom_origin_config": [{"origin_protocol_policy": "match-viewer",
                                                                  "origin_ssl_protocols": ["TLSv1.2"]}]},
                   {"origin_id": "web", "custom_origin_config": [{"origin_protocol_policy": "https-only"}]}],
        "viewer_certificate": [{"cloudfront_default_certificate": True}]}))
    assert res.kind == "cdn" and res.region is None
    flows = {f.name: f for f in res.flows}
    assert flows["viewer"].encrypted is True and flows["viewer"].min_tls == "1.0"
    assert flows["viewer (path /api/*)"].encrypted is False
    assert flows["origin s3"].encrypted is True
    assert flows["origin api"].encrypted is False  # matches the weakest viewer behaviour
    assert flows["origin web"].encrypted is True
    res = one(rec("aws_cloudfront_distribution.cdn", {
        "default_cache_behavior": [{"viewer_protocol_policy": "https-only"}],
        "viewer_certificate": [{"acm_certificate_arn": "arn:aws:acm:us-east-1:1:certificate/x",
                                "minimum_protocol_version": "TLSv1.2_2021"}]}))
    assert res.flows[0].min_tls == "1.2"


def test_security_groups_inline_and_linked_rules():
    got = adapt(
        rec("aws_security_group.web", {"ingress": [
            {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]},
            {"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]}]}),
        rec("aws_security_group_rule.ssh", {"type": "ingress", "security_group_id": ref("aws_security_group.web"),
                                            "protocol": "-1", "from_port": 0, "to_port": 0,
                                            "cidr_blocks": ["10.0.0.0/8"]}),
        rec("aws_security_group_rule.out", {"type": "egress", "security_group_id": ref("aws_security_group.web"),
                                            "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}),
        rec("aws_vpc_security_group_ingress_rule.db", {"security_group_id": ref("aws_security_group.web"),
                                                       "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                                       "cidr_ipv6": "::/0"}),
        rec("aws_vpc_security_group_ingress_rule.orphan", {"security_group_id": "sg-elsewhere",
                                                           "ip_protocol": "tcp", "from_port": 21, "to_port": 21,
                                                           "cidr_ipv4": "0.0.0.0/0"}),
    )
    assert set(got) == {"aws_security_group.web", "aws_vpc_security_group_ingress_rule.orphan"}
    ports = [(p.protocol, p.from_port, p.to_port, p.sources) for p in got["aws_security_group.web"].open_ports]
    assert ports == [("tcp", 80, 80, ("0.0.0.0/0",)), ("all", 0, 65535, ("10.0.0.0/8",)),
                     ("tcp", 5432, 5432, ("::/0",))]
    orphan = got["aws_vpc_security_group_ingress_rule.orphan"]
    assert orphan.kind == "security-group" and orphan.open_ports[0].from_port == 21


def test_security_group_unknown_cidrs():
    res = one(rec("aws_security_group.sg", {"ingress": [
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ref("var.admin")}]}))
    assert isinstance(res.open_ports[0].sources, Unknown)


def test_vpn_and_autoscaling():
    vpn = one(rec("aws_vpn_connection.v", {"tunnel1_ike_versions": ["ikev2"],
                                           "tunnel1_preshared_key": "psk-secret"}))
    assert vpn.kind == "vpn" and all(f.encrypted is True for f in vpn.flows)
    assert "ikev2" in vpn.flows[0].detail and "psk-secret" not in repr(vpn)
    asg = adapt(*subnets(), rec("aws_autoscaling_group.g", {"vpc_zone_identifier": ref("aws_subnet.app")}))
    assert sorted(asg["aws_autoscaling_group.g"].placement.zones) == ["eu-west-3a", "eu-west-3b"]
    asg = one(rec("aws_autoscaling_group.g", {"availability_zones": ["eu-west-3a"]}))
    assert asg.kind == "autoscaling-group" and asg.placement.zones == ("eu-west-3a",)


# --- identity --------------------------------------------------------------------------------

MFA_DOC = rec("data.aws_iam_policy_document.mfa", {"statement": [{
    "sid": "DenyWithoutMFA", "effect": "Deny", "not_actions": ["iam:ListMFADevices", "iam:EnableMFADevice"],
    "resources": ["*"],
    "condition": [{"test": "BoolIfExists", "variable": "aws:MultiFactorAuthPresent", "values": ["false"]}]}]})


def test_user_mfa_through_group_and_policy_document():
    got = adapt(
        rec("aws_iam_user.alice", {"name": "alice"}),
        rec("aws_iam_user_login_profile.alice", {"user": ref("aws_iam_user.alice")}),
        rec("aws_iam_group.humans", {"name": "humans"}),
        rec("aws_iam_user_group_membership.alice", {"user": ref("aws_iam_user.alice"),
                                                    "groups": [ref("aws_iam_group.humans")]}),
        rec("aws_iam_policy.mfa", {"policy": ref("data.aws_iam_policy_document.mfa")}),
        MFA_DOC,
        rec("aws_iam_group_policy_attachment.mfa", {"group": ref("aws_iam_group.humans"),
                                                    "policy_arn": ref("aws_iam_policy.mfa")}),
        rec("aws_iam_user.bob", {"name": "bob"}),
    )
    assert set(got) == {"aws_iam_user.alice", "aws_iam_user.bob"}
    alice = got["aws_iam_user.alice"]
    assert alice.kind == "user" and alice.region is None
    assert (alice.identity.console_access, alice.identity.mfa_enforced) == (True, True)
    bob = got["aws_iam_user.bob"]
    assert (bob.identity.console_access, bob.identity.mfa_enforced) == (False, False)


def test_user_mfa_state_by_names_and_json_policy():
    policy = json.dumps({"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
                                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})
    got = adapt(
        rec("aws_iam_user.u", {"id": "carol", "name": "carol", "arn": "arn:aws:iam::1:user/carol"}, source="state"),
        rec("aws_iam_user_login_profile.u", {"id": "carol", "user": "carol"}, source="state"),
        rec("aws_iam_group_membership.m", {"group": "admins", "users": ["carol", "dave"]}, source="state"),
        rec("aws_iam_group_policy.g", {"group": "admins", "policy": policy}, source="state"),
    )
    ident = got["aws_iam_user.u"].identity
    assert (ident.console_access, ident.mfa_enforced) == (True, True)


def test_user_mfa_unknown_when_attached_policy_unreadable():
    got = adapt(
        rec("aws_iam_user.u", {"name": "u"}),
        rec("aws_iam_user_policy_attachment.a", {"user": ref("aws_iam_user.u"),
                                                 "policy_arn": "arn:aws:iam::123456789012:policy/external"}),
        rec("aws_iam_policy_attachment.ro", {"users": [ref("aws_iam_user.u")],
                                             "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    )
    assert isinstance(got["aws_iam_user.u"].identity.mfa_enforced, Unknown)


def test_roles_trust():
    service = one(rec("aws_iam_role.svc", {"assume_role_policy": json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})}))
    assert service.kind == "role" and service.region is None
    assert service.identity.console_access is False
    human_doc = rec("data.aws_iam_policy_document.trust", {"statement": [{
        "actions": ["sts:AssumeRole"],
        "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}],
        "condition": [{"test": "Bool", "variable": "aws:MultiFactorAuthPresent", "values": ["true"]}]}]})
    got = adapt(rec("aws_iam_role.admin", {"assume_role_policy": ref("data.aws_iam_policy_document.trust")}),
                human_doc)
    ident = got["aws_iam_role.admin"].identity
    assert (ident.console_access, ident.mfa_enforced) == (True, True)
    no_mfa = one(rec("aws_iam_role.admin", {"assume_role_policy": {"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}}))
    assert (no_mfa.identity.console_access, no_mfa.identity.mfa_enforced) == (True, False)
    unknown = one(rec("aws_iam_role.r", {"assume_role_policy": ref("module.x.policy")}))
    assert isinstance(unknown.identity.console_access, Unknown)


@pytest.mark.parametrize("value,expected", [(None, False), ("OFF", False), ("OPTIONAL", False), ("ON", True)])
def test_cognito(value, expected):
    res = one(rec("aws_cognito_user_pool.p", {} if value is None else {"mfa_configuration": value}))
    assert res.kind == "user-pool" and res.identity.mfa_enforced is expected


def test_access_key_never_expires_and_keeps_no_secret():
    res = one(rec("aws_iam_access_key.k", {"id": "AKIAEXAMPLE", "user": "alice", "secret": "wJalrXUtnFEMI",
                                           "ses_smtp_password_v4": "smtp"}, source="state"))
    assert res.kind == "access-key" and res.region is None
    assert res.identity.key_max_age_days == 0
    assert "wJalrXUtnFEMI" not in repr(res) and "smtp'" not in repr(res)


# --- robustness --------------------------------------------------------------------------------

ODD = [None, 42, "########", ["x"], {"a": 1}, Unknown("masked"), True, 1.5]


def _own_resource_types() -> set[str]:
    """Types that become a model resource of their own (the others only link: policies,
    attachments, parameter groups). An odd value must never make one of these vanish."""
    own = set()
    for rtype in terraform_aws.supported_types():
        r = rec(f"{rtype}.x", {})
        if terraform_aws.adapt(r, TfIndex([r])):
            own.add(rtype)
    return own


OWN = _own_resource_types()


def test_most_types_become_resources_of_their_own():
    assert len(OWN) >= 40 and "aws_ebs_volume" in OWN and "aws_iam_policy" not in OWN


@pytest.mark.parametrize("rtype", terraform_aws.supported_types())
@pytest.mark.parametrize("source", ["hcl", "plan", "state"])
def test_odd_values_never_crash(rtype, source):
    keys = ["encrypted", "tags", "root_block_device", "ebs_block_device", "block_device_mappings",
            "subnets", "subnet_id", "listener", "ingress", "rule", "policy", "assume_role_policy",
            "storage_encrypted", "replica", "resources", "default_action", "protocol", "ssl_policy",
            "origin", "default_cache_behavior", "viewer_certificate", "replicate_source_db",
            "server_side_encryption", "parameter_group_name", "availability_zone", "region",
            "vpc_zone_identifier", "policy_details", "selection_tag", "group", "user", "users",
            "mfa_configuration", "enable_key_rotation", "multi_az", "backup_retention_period",
            "skip_final_snapshot", "bucket", "replication_configuration", "shared_accounts",
            "at_rest_encryption_enabled", "availability_zone_name", "security_group_id", "enabled"]
    for odd in ODD:
        values = {k: odd for k in keys}
        r = rec(f"{rtype}.x", values, source=source, region=Unknown("masked region"))
        other = rec(f"{rtype}.y", {}, source=source)
        index = TfIndex([r, other])
        adapted = terraform_aws.adapt(r, index)
        assert adapted or rtype not in OWN, f"{rtype} dropped for {odd!r}"
        for res in adapted + terraform_aws.adapt(other, index):
            assert isinstance(res, Resource)


INNER = ["sse_algorithm", "apply_server_side_encryption_by_default", "destination", "copy_action",
         "destination_vault_arn", "redirect", "type", "viewer_protocol_policy", "custom_origin_config",
         "origin_protocol_policy", "cloudfront_default_certificate", "minimum_protocol_version",
         "kms_key_id", "kms_key_arn", "kms_master_key_id", "device_name", "ebs", "region_name",
         "from_port", "to_port", "cidr_blocks", "lb_protocol", "lb_port", "ssl_certificate_id", "key",
         "value", "string_equals", "schedule", "cross_region_copy_rule", "target", "target_tags",
         "resource_types", "status", "rules", "rule", "name", "encrypted", "enabled", "protocol",
         "path_pattern", "origin_id", "s3_origin_config", "origin_ssl_protocols", "subnet_id", "bucket"]


@pytest.mark.parametrize("rtype", terraform_aws.supported_types())
def test_odd_nested_values_never_crash(rtype):
    blocks = ["root_block_device", "ebs_block_device", "block_device_mappings", "listener", "ingress",
              "rule", "replica", "default_action", "origin", "default_cache_behavior",
              "ordered_cache_behavior", "viewer_certificate", "server_side_encryption",
              "policy_details", "selection_tag", "condition", "subnet_mapping",
              "replication_configuration", "server_side_encryption_configuration", "parameter"]
    for odd in ODD:
        inner = {k: odd for k in INNER}
        inner_nested = {k: [inner] for k in INNER}
        for shape in (inner, inner_nested):
            values = {k: [shape] for k in blocks}
            r = rec(f"{rtype}.x", values)
            # link helpers point at x from every other type too
            linker = rec("aws_s3_bucket_policy.p", {"bucket": ref(f"{rtype}.x"), "policy": odd})
            index = TfIndex([r, linker])
            adapted = terraform_aws.adapt(r, index)
            assert adapted or rtype not in OWN, f"{rtype} dropped for {odd!r}"
            for res in adapted:
                assert isinstance(res, Resource)


def _typed(value, *types) -> bool:
    return value is None or isinstance(value, (Unknown, *types))


def check_types(res: Resource) -> None:
    """Facets hold what the model says, whatever the input."""
    assert _typed(res.region, str)
    assert _typed(res.tags, dict)
    for disk in res.at_rest:
        assert _typed(disk.enabled, bool) and _typed(disk.customer_key, bool)
    for flow in res.flows:
        assert isinstance(flow.encrypted, (bool, Unknown)) and _typed(flow.min_tls, str)
        assert _typed(flow.certificate, bool) and isinstance(flow.redirects_to_https, bool)
    for port in res.open_ports:
        assert _typed(port.from_port, int) and _typed(port.to_port, int) and _typed(port.sources, tuple)
    if res.placement:
        assert _typed(res.placement.multi_az, bool) and _typed(res.placement.zones, tuple)
    if res.backup:
        for v in (res.backup.final_snapshot, res.backup.deletion_protection, res.backup.vault_locked):
            assert _typed(v, bool)
        assert _typed(res.backup.retention_days, int) and not isinstance(res.backup.retention_days, bool)
    if res.identity:
        assert _typed(res.identity.console_access, bool) and _typed(res.identity.mfa_enforced, bool)
    if res.sharing:
        assert isinstance(res.sharing.public, (bool, Unknown))
        assert isinstance(res.sharing.accounts, (tuple, Unknown))
    for dest in res.destinations:
        assert isinstance(dest.region, (str, Unknown))
    if res.selection:
        assert all(isinstance(v, (str, Unknown)) for v in res.selection.tags.values())


@pytest.mark.parametrize("rtype", terraform_aws.supported_types())
def test_odd_values_give_well_typed_facets(rtype):
    keys = ["encrypted", "storage_encrypted", "multi_az", "backup_retention_period", "skip_final_snapshot",
            "deletion_protection", "enable_key_rotation", "mfa_configuration", "az_mode", "group",
            "at_rest_encryption_enabled", "transit_encryption_enabled", "automatic_failover_enabled",
            "multi_az_enabled", "protocol", "ssl_policy", "availability_zone", "availability_zones",
            "enabled", "shared_accounts", "tags", "region", "engine", "engine_version", "status"]
    for odd in ODD:
        r = rec(f"{rtype}.x", {k: odd for k in keys})
        for res in terraform_aws.adapt(r, TfIndex([r])):
            check_types(res)


def test_state_keys_are_customer_keys_only_when_scanned():
    key_arn = "arn:aws:kms:eu-west-3:123456789012:key/1111"
    aws_ebs = "arn:aws:kms:eu-west-3:123456789012:key/2222"  # aws/ebs looks like any key
    got = adapt(
        rec("aws_kms_key.k", {"id": "1111", "arn": key_arn, "key_id": "1111"}, source="state"),
        rec("aws_ebs_volume.mine", {"encrypted": True, "kms_key_id": key_arn}, source="state"),
        rec("aws_ebs_volume.aws", {"encrypted": True, "kms_key_id": aws_ebs}, source="state"),
        rec("aws_db_instance.db", {"storage_encrypted": True, "kms_key_id": "alias/aws/rds"}, source="state"),
    )
    assert got["aws_ebs_volume.mine"].at_rest[0].customer_key is True
    assert isinstance(got["aws_ebs_volume.aws"].at_rest[0].customer_key, Unknown)
    assert got["aws_db_instance.db"].at_rest[0].customer_key is False
    # in code, a key the user writes down is theirs
    assert one(rec("aws_ebs_volume.v", {"encrypted": True, "kms_key_id": aws_ebs})).at_rest[0].customer_key is True


# --- inherited database encryption (replicas and restores) -------------------------------

SRC = rec("aws_db_instance.src", {"identifier": "src", "storage_encrypted": True})
PLAIN = rec("aws_db_instance.plain", {"identifier": "plain"})  # silent: AWS default, unencrypted


def _db_enabled(*records: TfResource):
    return adapt(*records)[records[0].address].at_rest[0].enabled


def test_restore_from_a_snapshot_of_the_configuration_inherits_its_encryption():
    snap = rec("aws_db_snapshot.s", {"db_instance_identifier": ref("aws_db_instance.src"),
                                     "db_snapshot_identifier": "snap1"})
    by_ref = rec("aws_db_instance.r", {"snapshot_identifier": ref("aws_db_snapshot.s")})
    by_name = rec("aws_db_instance.n", {"snapshot_identifier": "snap1"})
    assert _db_enabled(by_ref, snap, SRC) is True
    assert _db_enabled(by_name, snap, SRC) is True
    plain_snap = rec("aws_db_snapshot.p", {"db_instance_identifier": "plain",
                                           "db_snapshot_identifier": "snap2"})
    assert _db_enabled(rec("aws_db_instance.q", {"snapshot_identifier": "snap2"}),
                       plain_snap, PLAIN) is False
    # a state records the snapshot's own encryption
    stated = rec("aws_db_snapshot.t", {"db_snapshot_identifier": "snap3", "encrypted": False},
                 source="state")
    assert _db_enabled(rec("aws_db_instance.t", {"snapshot_identifier": "snap3"}, source="state"),
                       stated) is False


def test_replica_named_by_arn_or_identifier_inherits_encryption():
    primary = rec("aws_rds_cluster.primary", {"cluster_identifier": "primary",
                                              "storage_encrypted": True})
    by_arn = rec("aws_rds_cluster.r", {
        "replication_source_identifier": "arn:aws:rds:eu-west-3:123456789012:cluster:primary"})
    assert _db_enabled(by_arn, primary) is True
    assert _db_enabled(rec("aws_db_instance.r", {"replicate_source_db": "src"}), SRC) is True
    # a chain: replica of a replica of an encrypted source
    mid = rec("aws_db_instance.mid", {"identifier": "mid", "replicate_source_db": "src"})
    assert _db_enabled(rec("aws_db_instance.end", {"replicate_source_db": "mid"}), mid, SRC) is True


def test_inherited_encryption_outside_the_configuration_or_in_a_cycle_is_unknown():
    outside = _db_enabled(rec("aws_db_instance.r", {"snapshot_identifier": "elsewhere"}))
    assert isinstance(outside, Unknown) and "elsewhere" in outside.reason
    a = rec("aws_db_instance.a", {"identifier": "a", "replicate_source_db": "b"})
    b = rec("aws_db_instance.b", {"identifier": "b", "replicate_source_db": "a"})
    cycle = _db_enabled(a, b)
    assert isinstance(cycle, Unknown) and "cycle" in cycle.reason
    # stating it wins over inheritance
    assert _db_enabled(rec("aws_db_instance.r", {"snapshot_identifier": "elsewhere",
                                                 "storage_encrypted": True})) is True
