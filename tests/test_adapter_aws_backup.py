"""What AWS Backup selections, DLM policies, vaults, recovery points and snapshot sharing
mean (hds_iac/adapters/aws_backup.py), whichever source handed the fields over."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_backup
from hds_iac.model import ResourcePattern, Sharing, Unknown

VOL_ARN = "arn:aws:ec2:eu-west-3:123456789012:volume/vol-0abc"


def test_condition_tag():
    assert aws_backup.condition_tag("aws:ResourceTag/backup") == "backup"
    assert aws_backup.condition_tag("aws:resourcetag/Env") == "Env"
    assert aws_backup.condition_tag("aws:RequestTag/backup") is None
    assert aws_backup.condition_tag(None) is None


def test_a_selection_by_ids_selects_only_those():
    got = aws_backup.backup_selection({}, [VOL_ARN, VOL_ARN, "vol-1"])
    assert got.select_all is False and got.resource_kinds == ()
    assert got.resource_ids == (VOL_ARN, "vol-1")
    assert got.patterns == ()


def test_a_selection_of_everything_or_of_every_volume():
    got = aws_backup.backup_selection({"backup": "daily"}, ["*"])
    assert got.select_all is True and got.resource_kinds == () and got.resource_ids == ()
    assert got.tags == {"backup": "daily"}
    got = aws_backup.backup_selection({}, ["arn:aws:ec2:*:*:volume/*"])
    assert got.select_all is True and got.resource_kinds == ("volume",)


def test_a_wildcard_volume_arn_is_a_pattern():
    got = aws_backup.backup_selection({}, ["arn:aws:ec2:eu-west-3:*:volume/vol-0*"])
    assert got.patterns == (ResourcePattern(kind="volume", region="eu-west-3", id="vol-0*"),)
    assert got.select_all is False and got.resource_ids == ()
    assert aws_backup.volume_pattern("arn:aws:ec2::123456789012:volume/") is None  # no wildcard
    assert aws_backup.volume_pattern("arn:aws:ec2::?:volume/") == \
        ResourcePattern(kind="volume", region="*", id="*")
    assert aws_backup.volume_pattern("arn:aws:rds:eu-west-3:*:db:x*") is None
    assert aws_backup.volume_pattern("arn:aws:ec2:eu-west-3:*:instance/i-*") is None
    assert aws_backup.volume_pattern(VOL_ARN) is None
    unknown = Unknown("var.arn")
    assert aws_backup.backup_selection({}, [unknown]).resource_ids == (unknown,)


def test_dlm_policies():
    assert aws_backup.dlm_kinds(["VOLUME", "instance", "Other"]) == ("volume", "instance", "other")
    kinds = ("volume",)
    got = aws_backup.dlm_selection(False, {"snap": "yes"}, kinds)
    assert got.tags == {"snap": "yes"} and got.resource_kinds == kinds
    assert aws_backup.dlm_selection(True, {"snap": "yes"}, kinds).tags == {}
    assert aws_backup.dlm_selection(False, None, kinds).tags == {}


@pytest.mark.parametrize("target, region", [
    ("eu-central-1", "eu-central-1"),
    ("arn:aws:outposts:us-east-1:123456789012:outpost/op-1", "us-east-1"),
])
def test_dlm_copy_destination(target, region):
    assert aws_backup.dlm_copy_destination(target).region == region


def test_dlm_copy_destination_without_a_target():
    for target in ("", None, 5):
        assert isinstance(aws_backup.dlm_copy_destination(target).region, Unknown)
    unknown = Unknown("var.region")
    assert aws_backup.dlm_copy_destination(unknown).region is unknown


def test_vault_and_recovery_points():
    facets = aws_backup.vault_facets(True, False)
    assert facets["at_rest"][0].customer_key is True and facets["at_rest"][0].default == "encrypted"
    assert facets["backup"].vault_locked is False
    point = aws_backup.recovery_point_encryption(False, "EBS", "main")
    assert point.enabled is False and point.part == "recovery point of EBS in vault main"
    point = aws_backup.recovery_point_encryption(True, "", "main")
    assert point.enabled is True and point.part == "recovery point in vault main"
    assert isinstance(aws_backup.recovery_point_encryption(None, "EBS", "main").enabled, Unknown)
    assert isinstance(aws_backup.recovery_point_encryption("true", "EBS", "main").enabled, Unknown)


def test_sharing():
    assert aws_backup.shared_with(["all", "123456789012"]) == \
        Sharing(public=True, accounts=("123456789012",))
    assert aws_backup.shared_with(["123456789012"]) == Sharing(public=False, accounts=("123456789012",))
    assert aws_backup.permission_sharing(["all"], []) == Sharing(public=True, accounts=())
    assert aws_backup.permission_sharing(["other"], ["1"]) == Sharing(public=False, accounts=("1",))
