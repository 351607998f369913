"""AWS Terraform backup and copy types (hds_iac/adapters/terraform_aws_backup.py): the cases
that scripts/mutation.py showed no other test pinned (vault locks named by name or id,
copy vaults outside the configuration, selections by reference, snapshot sources)."""
from __future__ import annotations

from hds_iac.model import Unknown
from test_adapter_aws import adapt, one, rec, ref


def test_a_vault_lock_names_its_vault_by_name_or_id():
    got = adapt(rec("aws_backup_vault.v", {"name": "main"}),
                rec("aws_backup_vault_lock_configuration.l", {"backup_vault_name": "main"}))
    assert got["aws_backup_vault.v"].backup.vault_locked is True
    got = adapt(rec("aws_backup_vault.v", {"id": "main-id"}, source="state"),
                rec("aws_backup_vault_lock_configuration.l", {"backup_vault_name": "main-id"},
                    source="state"))
    assert got["aws_backup_vault.v"].backup.vault_locked is True
    got = adapt(rec("aws_backup_vault.v", {"name": "main"}),
                rec("aws_backup_vault_lock_configuration.l", {"backup_vault_name": "other"}))
    assert got["aws_backup_vault.v"].backup.vault_locked is False


def test_a_copy_to_a_vault_outside_the_configuration_is_unknown():
    def copy_region(vault):
        got = one(rec("aws_backup_plan.p", {"rule": [{"copy_action": [
            {"destination_vault_arn": vault}]}]}))
        return got.destinations[0].region

    named = copy_region("dr-vault")
    assert isinstance(named, Unknown) and "dr-vault" in named.reason
    unset = Unknown("known after apply")
    assert copy_region(unset) is unset
    assert copy_region("arn:aws:backup:us-east-1:123456789012:backup-vault:dr") == "us-east-1"


def test_a_selection_by_reference_selects_what_it_points_at():
    got = adapt(rec("aws_backup_selection.s", {"resources": [ref("aws_ebs_volume.v")]}),
                rec("aws_ebs_volume.v", {"availability_zone": "eu-west-3a"}))
    ids = got["aws_backup_selection.s"].selection.resource_ids
    assert "aws_ebs_volume.v" in ids
    assert not any(isinstance(i, Unknown) for i in ids)
    missing = ref("aws_ebs_volume.gone")
    got = one(rec("aws_backup_selection.s", {"resources": [missing]}))
    assert got.selection.resource_ids == (missing,)


def test_a_snapshot_copy_and_an_image_inherit_an_ebs_snapshot_encryption():
    got = adapt(rec("aws_ebs_volume.v", {"encrypted": True}),
                rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")}),
                rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s"),
                                                "source_region": "eu-west-3"}),
                rec("aws_ami.i", {"ebs_block_device": [
                    {"device_name": "/dev/xvda", "snapshot_id": ref("aws_ebs_snapshot.s")}]}))
    assert got["aws_ebs_snapshot_copy.c"].at_rest[0].enabled is True
    assert got["aws_ami.i"].at_rest[0].enabled is True


def test_a_copy_of_a_snapshot_copy_inherits_its_encryption():
    got = adapt(rec("aws_ebs_volume.v", {"encrypted": True}),
                rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")}),
                rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s")}),
                rec("aws_ebs_snapshot_copy.cc", {"source_snapshot_id": ref("aws_ebs_snapshot_copy.c")}))
    assert got["aws_ebs_snapshot_copy.cc"].at_rest[0].enabled is True
