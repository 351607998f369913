"""AWS Terraform types that hold data (hds_iac/adapters/terraform_aws_storage.py): the cases
that scripts/mutation.py showed no other test pinned."""
from __future__ import annotations

from hds_iac.model import Unknown
from test_adapter_aws import adapt, one, rec, ref

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
