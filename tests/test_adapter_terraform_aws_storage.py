"""AWS Terraform types that hold data (hds_iac/adapters/terraform_aws_storage.py): the cases
that scripts/mutation.py showed no other test pinned."""
from __future__ import annotations

import json

from hds_iac.model import Unknown
from test_adapter_aws import REGION, adapt, one, rec, ref

NO_REGION = Unknown("states do not record the provider region")


def test_the_default_ebs_key_of_an_unknown_region_is_unknown():
    volume = rec("aws_ebs_volume.v", {"encrypted": True}, source="state", region=NO_REGION)
    default = rec("aws_ebs_default_kms_key.d", {"key_arn": "arn:aws:kms:eu-west-3:1:key/k"})
    key = adapt(volume, default)["aws_ebs_volume.v"].at_rest[0].customer_key
    assert isinstance(key, Unknown) and "default EBS key" in key.reason
    volume = rec("aws_ebs_volume.v", {"encrypted": True})
    default = rec("aws_ebs_default_kms_key.d", {}, source="state", region=NO_REGION)
    key = adapt(volume, default)["aws_ebs_volume.v"].at_rest[0].customer_key
    assert isinstance(key, Unknown)
    default = rec("aws_ebs_default_kms_key.d", {}, region="eu-central-1")
    assert adapt(volume, default)["aws_ebs_volume.v"].at_rest[0].customer_key is False
    default = rec("aws_ebs_default_kms_key.d", {})
    assert adapt(volume, default)["aws_ebs_volume.v"].at_rest[0].customer_key is True


def test_a_disk_finding_points_at_its_encrypted_and_key_attributes():
    got = one(rec("aws_instance.m", {"root_block_device": [{"encrypted": True}],
                                     "ebs_block_device": Unknown("dynamic")}))
    assert got.attributes["at_rest[root_block_device].enabled"].path == "root_block_device.encrypted"
    assert got.attributes["at_rest[root_block_device].customer_key"].path \
        == "root_block_device.kms_key_id"
    assert "at_rest[ebs_block_device].enabled" not in got.attributes
    got = one(rec("aws_ebs_volume.v", {"encrypted": True}))
    assert got.attributes["at_rest[volume].enabled"].path == "encrypted"
    assert got.attributes["at_rest[volume].customer_key"].path == "kms_key_id"


def test_an_instance_without_zone_or_subnet_is_placed_by_aws():
    for values in ({}, {"subnet_id": ""}):
        got = one(rec("aws_instance.m", values))
        assert "AWS picks the zone" in got.placement.zones.reason
        assert got.attributes["placement.zones"].path == "availability_zone"


def test_a_launch_configuration_stores_data_on_its_disks():
    got = one(rec("aws_launch_configuration.lc", {"ebs_block_device": [
        {"device_name": "/dev/xvdb", "encrypted": False}]}))
    assert got.stores_data is True
    assert [(d.part, d.enabled) for d in got.at_rest] == [
        ("root_block_device", None), ("ebs_block_device /dev/xvdb", False)]
    assert got.attributes["at_rest[ebs_block_device /dev/xvdb].enabled"].path \
        == "ebs_block_device.encrypted"


def test_a_database_restored_from_a_cluster_snapshot_or_a_snapshot_copy_inherits_its_encryption():
    got = adapt(rec("aws_rds_cluster.restored", {"snapshot_identifier": ref("aws_db_cluster_snapshot.s")}),
                rec("aws_db_cluster_snapshot.s", {"db_cluster_identifier": ref("aws_rds_cluster.src")}),
                rec("aws_rds_cluster.src", {"storage_encrypted": True}))
    assert got["aws_rds_cluster.restored"].at_rest[0].enabled is True
    got = adapt(rec("aws_db_instance.restored", {"snapshot_identifier": ref("aws_db_snapshot_copy.c")}),
                rec("aws_db_snapshot_copy.c", {"source_db_snapshot_identifier": "snap-1",
                                               "kms_key_id": ref("aws_kms_key.k")}),
                rec("aws_kms_key.k", {}))
    assert got["aws_db_instance.restored"].at_rest[0].enabled is True


def test_a_cluster_restored_from_a_cluster_snapshot_copy_inherits_its_encryption():
    got = adapt(rec("aws_rds_cluster.restored", {"snapshot_identifier": ref("aws_rds_cluster_snapshot_copy.c")}),
                rec("aws_rds_cluster_snapshot_copy.c", {"source_db_cluster_snapshot_identifier": "snap",
                                                        "storage_encrypted": True}, source="state"))
    assert got["aws_rds_cluster.restored"].at_rest[0].enabled is True


def test_a_cluster_restored_from_a_cluster_snapshot_named_by_identifier():
    got = adapt(rec("aws_rds_cluster.restored", {"snapshot_identifier": "nightly"}),
                rec("aws_db_cluster_snapshot.s", {"db_cluster_snapshot_identifier": "nightly",
                                                  "storage_encrypted": True}, source="state"))
    assert got["aws_rds_cluster.restored"].at_rest[0].enabled is True


def test_a_database_restored_from_a_snapshot_copy_named_by_its_target_identifier():
    got = adapt(rec("aws_db_instance.restored", {"snapshot_identifier": "copy-1"}),
                rec("aws_db_snapshot_copy.c", {"target_db_snapshot_identifier": "copy-1",
                                               "encrypted": True}, source="state"))
    assert got["aws_db_instance.restored"].at_rest[0].enabled is True
    got = adapt(rec("aws_rds_cluster.restored", {"snapshot_identifier": "copy-2"}),
                rec("aws_rds_cluster_snapshot_copy.c", {"target_db_cluster_snapshot_identifier": "copy-2",
                                                        "storage_encrypted": True}, source="state"))
    assert got["aws_rds_cluster.restored"].at_rest[0].enabled is True


def test_a_read_replica_keeps_no_backups_by_default():
    """Without `backup_retention_period`, AWS keeps 1 day of backups of a database and none
    of a read replica (HDS-BAK-001 then says backups are off, not too short)."""
    assert one(rec("aws_db_instance.r", {"replicate_source_db": "src"})).backup.retention_days == 0
    assert one(rec("aws_db_instance.d", {})).backup.retention_days == 1


def test_only_an_rds_snapshot_copy_given_a_key_is_encrypted_whatever_its_source():
    """CopyDBSnapshot with a key encrypts the copy; CopyDBClusterSnapshot refuses a key for
    an unencrypted source, so a cluster snapshot copy's key says nothing."""
    src = rec("aws_db_instance.src", {"storage_encrypted": False})
    snap = rec("aws_db_snapshot.s", {"db_instance_identifier": ref("aws_db_instance.src")})
    copy = rec("aws_db_snapshot_copy.c", {"source_db_snapshot_identifier": ref("aws_db_snapshot.s")})
    assert adapt(src, snap, copy)["aws_db_snapshot_copy.c"].at_rest[0].enabled is False
    copy = rec("aws_db_snapshot_copy.c", {"source_db_snapshot_identifier": ref("aws_db_snapshot.s"),
                                          "kms_key_id": ref("aws_kms_key.k")})
    assert adapt(src, snap, copy)["aws_db_snapshot_copy.c"].at_rest[0].enabled is True
    cluster = rec("aws_rds_cluster.src", {"storage_encrypted": False})
    csnap = rec("aws_db_cluster_snapshot.s", {"db_cluster_identifier": ref("aws_rds_cluster.src")})
    ccopy = rec("aws_rds_cluster_snapshot_copy.c", {
        "source_db_cluster_snapshot_identifier": ref("aws_db_cluster_snapshot.s"),
        "kms_key_id": ref("aws_kms_key.k")})
    assert adapt(cluster, csnap, ccopy)["aws_rds_cluster_snapshot_copy.c"].at_rest[0].enabled is False


def test_a_cross_region_replica_finding_points_at_the_attribute_naming_its_source():
    """HDS-LOC-002 on a replica of a source in another region points at the attribute that
    makes the copy (`replicate_source_db`, `replication_source_identifier`)."""
    got = one(rec("aws_db_instance.r", {
        "replicate_source_db": "arn:aws:rds:us-east-1:111122223333:db:src"}))
    assert got.destinations[0].region == REGION
    assert got.attributes["destinations[0].region"].path == "replicate_source_db"
    got = one(rec("aws_rds_cluster.r", {
        "replication_source_identifier": "arn:aws:rds:us-east-1:111122223333:cluster:src"}))
    assert got.destinations[0].region == REGION
    assert got.attributes["destinations[0].region"].path == "replication_source_identifier"


def test_every_database_cluster_stores_data():
    """HDS-LOC-001 judges the region of what stores data: every cluster type does."""
    for address in ("aws_rds_cluster.c", "aws_docdb_cluster.c", "aws_neptune_cluster.c"):
        got = one(rec(address, {}))
        assert got.kind == "database-cluster" and got.stores_data is True


def test_every_cache_stores_data():
    for address in ("aws_elasticache_replication_group.g", "aws_elasticache_cluster.c"):
        got = one(rec(address, {}))
        assert got.kind == "cache" and got.stores_data is True


def test_a_bucket_encryption_configuration_with_unknown_rules_still_encrypts():
    """S3 encrypts every object (SSE-S3 at least): unknown rules leave only the key unknown."""
    got = adapt(rec("aws_s3_bucket.b", {"bucket": "data"}),
                rec("aws_s3_bucket_server_side_encryption_configuration.e",
                    {"bucket": ref("aws_s3_bucket.b"), "rule": Unknown("dynamic")}))
    disk = got["aws_s3_bucket.b"].at_rest[0]
    assert disk.enabled is True and isinstance(disk.customer_key, Unknown)


def test_an_inline_bucket_policy_unknown_in_code_is_unknown_computed_in_a_plan_is_absent():
    """A `policy` from a variable is a policy not known; a plan's "known after apply" with
    no reference is the computed attribute of a bucket that sets none."""
    code = one(rec("aws_s3_bucket.b", {"bucket": "data", "policy": Unknown("var.policy")}))
    assert isinstance(code.flows[0].encrypted, Unknown)
    assert code.attributes["flows[https-only policy].encrypted"].path == "policy"
    plan = one(rec("aws_s3_bucket.b", {"bucket": "data", "policy": Unknown("known after apply")},
                   source="plan"))
    assert plan.flows[0].encrypted is False and plan.flows[0].detail == "no bucket policy"


_DENY_PLAIN_HTTP_ON_MASKED = json.dumps({"Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::####", "arn:aws:s3:::####/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def test_a_masked_bucket_name_is_not_a_name_a_policy_can_match():
    """A published state hides names as "####": a policy naming "####" is not known to be
    about this bucket (unknown, never a pass)."""
    got = one(rec("aws_s3_bucket.b", {"bucket": "####", "policy": _DENY_PLAIN_HTTP_ON_MASKED},
                  source="state"))
    assert isinstance(got.flows[0].encrypted, Unknown)
    assert "name is not known" in got.flows[0].encrypted.reason


def test_the_https_only_finding_points_at_the_only_separate_bucket_policy():
    got = adapt(rec("aws_s3_bucket.b", {"bucket": "data"}),
                rec("aws_s3_bucket_policy.p", {"bucket": ref("aws_s3_bucket.b"), "policy": "{}"}))
    held = got["aws_s3_bucket.b"].attributes["flows[https-only policy].encrypted"]
    assert (held.address, held.path) == ("aws_s3_bucket_policy.p", "policy")


def test_an_inline_bucket_encryption_finding_points_at_the_algorithm_or_the_key():
    """The key is chosen by the algorithm (aws:kms) and then by the key named beside it."""
    sse = "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default"
    part = "at_rest[server_side_encryption_configuration]"
    for algorithm, key_path in (("aws:kms", f"{sse}.kms_master_key_id"),
                                ("AES256", f"{sse}.sse_algorithm")):
        got = one(rec("aws_s3_bucket.b", {"bucket": "data", "server_side_encryption_configuration": [
            {"rule": [{"apply_server_side_encryption_by_default": [
                {"sse_algorithm": algorithm, "kms_master_key_id": "arn:aws:kms:eu-west-3:1:key/k"}]}]}]}))
        assert got.attributes[f"{part}.enabled"].path == f"{sse}.sse_algorithm"
        assert got.attributes[f"{part}.customer_key"].path == key_path


def test_a_snapshot_naming_no_source_is_of_unknown_encryption():
    """A snapshot's encryption is its source's: with no source named (a malformed record)
    it is not known, never a fail."""
    for address in ("aws_db_snapshot.s", "aws_db_cluster_snapshot.s"):
        got = one(rec(address, {}))
        assert isinstance(got.at_rest[0].enabled, Unknown)
        assert "names no source" in got.at_rest[0].enabled.reason


def test_an_efs_zone_by_reference_is_one_zone_unknown_in_code_is_unknown_computed_is_regional():
    """`availability_zone_name` makes a One Zone file system: a reference is a zone; a
    value not known in code (a variable) is not known; a plan's "known after apply" with
    no reference is the computed attribute of a regional (multi-AZ) file system."""
    by_ref = one(rec("aws_efs_file_system.f", {"availability_zone_name": ref("aws_subnet.a")}))
    assert by_ref.placement.multi_az is False
    code = one(rec("aws_efs_file_system.f", {"availability_zone_name": Unknown("var.zone")}))
    assert isinstance(code.placement.multi_az, Unknown)
    plan = one(rec("aws_efs_file_system.f", {"availability_zone_name": Unknown("known after apply")},
                   source="plan"))
    assert plan.placement.multi_az is True


def test_a_single_cache_cluster_is_multi_az_only_cross_az():
    assert one(rec("aws_elasticache_cluster.c", {})).placement.multi_az is False
    assert one(rec("aws_elasticache_cluster.c", {"az_mode": "cross-az"})).placement.multi_az is True
    odd = one(rec("aws_elasticache_cluster.c", {"az_mode": ["cross-az"]})).placement.multi_az
    assert isinstance(odd, Unknown) and odd.reason == "unexpected value for az_mode"


def test_a_dynamodb_key_counts_only_with_server_side_encryption_enabled():
    """Without `enabled = true` the table's key is AWS-owned, whatever key is named."""
    key = "arn:aws:kms:eu-west-3:1:key/k"
    off = one(rec("aws_dynamodb_table.t", {"server_side_encryption": [{"kms_key_arn": key}]}))
    assert off.at_rest[0].customer_key is False
    on = one(rec("aws_dynamodb_table.t", {"server_side_encryption": [{"enabled": True, "kms_key_arn": key}]}))
    assert on.at_rest[0].customer_key is True


def test_a_dynamodb_replica_stores_data_under_the_key_it_names():
    key = "arn:aws:kms:eu-central-1:1:key/k"
    named = one(rec("aws_dynamodb_table_replica.r", {"kms_key_arn": key}, region="eu-central-1"))
    assert named.stores_data is True and named.at_rest[0].customer_key is True
    plain = one(rec("aws_dynamodb_table_replica.r", {}, region="eu-central-1"))
    assert plain.stores_data is True and plain.at_rest[0].customer_key is False


def test_a_one_zone_file_system_stores_data_in_the_region_of_its_zone():
    """Where the provider's region is not recorded (a state), a One Zone file system's zone
    says its region."""
    got = one(rec("aws_efs_file_system.f", {"availability_zone_name": "eu-central-1a"},
                  source="state", region=NO_REGION))
    assert got.stores_data is True and got.region == "eu-central-1"
    assert got.placement.multi_az is False
    regional = one(rec("aws_efs_file_system.f", {}))
    assert regional.stores_data is True and regional.region == REGION
