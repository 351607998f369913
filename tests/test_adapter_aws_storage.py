"""What the fields of AWS data stores mean (hds_iac/adapters/aws_storage.py), whichever
source (Terraform, the live API) read them: one test per mapping, with its boundaries."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_storage
from hds_iac.model import AtRest, Backup, Destination, KeyRotation, Unknown


def key_is(value):
    calls = []

    def lookup():
        calls.append(1)
        return value
    return lookup, calls


def test_switched_encryption_asks_for_the_key_only_when_not_off():
    lookup, calls = key_is(True)
    assert aws_storage.switched_encryption(False, lookup, "p") == AtRest(enabled=False, part="p")
    assert calls == []
    assert aws_storage.switched_encryption(True, lookup, "p").customer_key is True
    unknown = Unknown("var.enc")
    assert aws_storage.switched_encryption(unknown, lookup, "p").customer_key is True


def test_ebs_and_copied_disks():
    lookup, _ = key_is(False)
    got = aws_storage.ebs_disk(None, lookup, "volume")
    assert got == AtRest(enabled=None, default="account-default", customer_key=False, part="volume")
    assert aws_storage.ebs_disk(True, lookup, "volume").default == "unencrypted"
    assert aws_storage.copy_disk(None, "snapshot") == \
        AtRest(enabled=None, default="account-default", part="snapshot")
    assert aws_storage.copy_disk(False, "snapshot") == AtRest(enabled=False, part="snapshot")


def test_db_backup_final_snapshot():
    assert aws_storage.db_backup(7, True) == Backup(retention_days=7, deletion_protection=True)
    assert aws_storage.db_backup(7, True, True).final_snapshot is False
    assert aws_storage.db_backup(7, True, False).final_snapshot is True
    unknown = Unknown("var.skip")
    assert aws_storage.db_backup(7, True, unknown).final_snapshot is unknown


def test_replica_destinations_only_from_another_region():
    arn = "arn:aws:rds:us-east-1:123456789012:db:src"
    assert aws_storage.replica_destinations(arn, "eu-west-3", "replica") == \
        [Destination(region="eu-west-3", what=f"replica of {arn}")]
    assert aws_storage.replica_destinations(arn, "us-east-1", "replica") == []
    assert aws_storage.replica_destinations("src", "eu-west-3", "replica") == []


@pytest.mark.parametrize("kwargs, expected", [
    ({"serverless": True, "multi_az_cluster": False, "members": 0}, True),
    ({"serverless": False, "multi_az_cluster": True, "members": 0}, True),
    ({"serverless": False, "multi_az_cluster": False, "members": 2}, True),
    ({"serverless": False, "multi_az_cluster": False, "members": 1}, False),
    ({"serverless": False, "multi_az_cluster": False, "members": 1,
      "zones": ["eu-west-3a", "eu-west-3b"]}, True),
    ({"serverless": False, "multi_az_cluster": False, "members": 1,
      "zones": ["eu-west-3a", "eu-west-3a"]}, False),
    ({"serverless": False, "multi_az_cluster": False, "members": 0}, False),
])
def test_cluster_multi_az(kwargs, expected):
    assert aws_storage.cluster_multi_az(**kwargs) is expected


def test_cluster_without_members_gives_the_caller_answer():
    unknown = Unknown("members not listed")
    assert aws_storage.cluster_multi_az(serverless=False, multi_az_cluster=False, members=0,
                                        no_members=unknown) is unknown


def test_db_tls_flow_from_a_parameter_or_the_engine_default():
    got = aws_storage.db_tls_flow([("other", "1"), ("rds.force_ssl", "1")], "pg", "postgres", "13")
    assert got.encrypted is True and got.detail == "pg: rds.force_ssl=1"
    got = aws_storage.db_tls_flow([("RDS.FORCE_SSL", "0")], "pg", "postgres", "13")
    assert got.encrypted is False
    # a parameter without a value is not set: the engine's default decides
    got = aws_storage.db_tls_flow([("rds.force_ssl", None)], "pg", "postgres", "13")
    assert got.detail == "pg: engine default"
    got = aws_storage.db_tls_flow([(None, "1")], "pg", "nosuchengine", "1")
    assert isinstance(got.encrypted, Unknown)
    assert got.encrypted.reason.startswith("pg does not set the TLS parameter: ")


def test_bucket_encryption():
    lookup, calls = key_is(True)
    assert aws_storage.bucket_encryption(aws_storage.NO_RULE, lookup, "b") == \
        AtRest(enabled=None, default="encrypted", customer_key=False, part="b")
    unknown = Unknown("var.alg")
    assert aws_storage.bucket_encryption(unknown, lookup, "b").customer_key is unknown
    assert aws_storage.bucket_encryption("AES256", lookup, "b").customer_key is False
    assert calls == []
    assert aws_storage.bucket_encryption("aws:kms:dsse", lookup, "b").customer_key is True
    assert aws_storage.bucket_encryption("aws:kms", lookup, "b").enabled is True


def test_replication_enabled():
    assert aws_storage.replication_enabled("Enabled") is True
    assert aws_storage.replication_enabled("DISABLED") is False
    assert aws_storage.replication_enabled(None) is True


def test_file_systems_caches_and_tables():
    assert aws_storage.efs_multi_az(None) is True
    assert aws_storage.efs_multi_az("eu-west-3a") is False
    unknown = Unknown("var.zone")
    assert aws_storage.efs_multi_az(unknown) is unknown
    assert aws_storage.cache_multi_az(False, True) is True
    assert aws_storage.cache_multi_az(True, False) is True
    assert aws_storage.cache_multi_az(False, False) is False
    assert aws_storage.cache_multi_az(unknown, False) is unknown
    assert aws_storage.cache_multi_az(False, unknown) is unknown
    assert aws_storage.cache_cluster_at_rest(True) == AtRest(enabled=True, part="at rest")
    assert aws_storage.cache_cluster_at_rest().enabled is False
    assert aws_storage.cache_cluster_at_rest().part.startswith("at rest (not available")
    lookup, _ = key_is(True)
    assert aws_storage.dynamodb_encryption(False, lookup) == \
        AtRest(enabled=None, default="encrypted", customer_key=False, part="table")
    assert aws_storage.dynamodb_encryption(True, lookup).customer_key is True
    assert aws_storage.dynamodb_encryption(unknown, lookup).customer_key is unknown


def test_key_rotation_possible_only_for_symmetric_keys():
    assert aws_storage.key_rotation(True, "SYMMETRIC_DEFAULT") == KeyRotation(True, True)
    assert aws_storage.key_rotation(False, "RSA_2048") == KeyRotation(False, False)
    unknown = Unknown("var.spec")
    assert aws_storage.key_rotation(False, unknown).possible is unknown


def test_dynamodb_with_kms_is_encrypted():
    lookup, _ = key_is(False)
    assert aws_storage.dynamodb_encryption(True, lookup).enabled is True
    assert aws_storage.dynamodb_encryption(Unknown("var.kms"), lookup).enabled is True
