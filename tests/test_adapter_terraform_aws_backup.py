"""AWS Terraform backup and copy types (hds_iac/adapters/terraform_aws_backup.py): the cases
that scripts/mutation.py showed no other test pinned (vault locks named by name or id,
copy vaults outside the configuration, selections by reference, snapshot sources)."""
from __future__ import annotations

import pytest

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


def test_a_snapshot_copy_asks_for_encryption_or_leaves_it_to_the_account():
    records = [rec("aws_ebs_volume.v", {"encrypted": False}),
               rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")})]
    asks = rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s"),
                                           "encrypted": True})
    assert adapt(*records, asks)["aws_ebs_snapshot_copy.c"].at_rest[0].enabled is True
    silent = rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s")})
    part = adapt(*records, silent)["aws_ebs_snapshot_copy.c"].at_rest[0]
    assert part.enabled is None and part.default == "account-default"


def test_a_copy_of_a_source_outside_the_configuration_is_unknown():
    got = one(rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": "snap-0123"}))
    assert isinstance(got.at_rest[0].enabled, Unknown)


@pytest.mark.parametrize("source", [
    rec("aws_ami.src", {"ebs_block_device": [{"device_name": "/dev/xvda", "encrypted": True}]}),
    rec("aws_ami_copy.src", {"encrypted": True, "source_ami_id": "ami-0123"}),
    rec("aws_ami_from_instance.src", {"source_instance_id": ref("aws_instance.m")}),
], ids=lambda r: r.type)
def test_an_image_copy_inherits_from_every_kind_of_image(source):
    machine = rec("aws_instance.m", {"root_block_device": [{"encrypted": True}]})
    copy = rec("aws_ami_copy.c", {"source_ami_id": ref(source.address), "source_region": "eu-west-3"})
    parts = adapt(copy, source, machine)["aws_ami_copy.c"].at_rest
    assert parts and all(p.enabled is True for p in parts)


def test_a_cycle_of_copies_is_unknown():
    got = adapt(rec("aws_ebs_snapshot_copy.a", {"source_snapshot_id": ref("aws_ebs_snapshot_copy.b")}),
                rec("aws_ebs_snapshot_copy.b", {"source_snapshot_id": ref("aws_ebs_snapshot_copy.a")}))
    enabled = got["aws_ebs_snapshot_copy.a"].at_rest[0].enabled
    assert isinstance(enabled, Unknown) and "cycle" in enabled.reason
    got = adapt(rec("aws_ami_copy.a", {"source_ami_id": ref("aws_ami_copy.b")}),
                rec("aws_ami_copy.b", {"source_ami_id": ref("aws_ami_copy.a")}))
    enabled = got["aws_ami_copy.a"].at_rest[0].enabled
    assert isinstance(enabled, Unknown) and "cycle" in enabled.reason


def test_a_copy_that_does_not_ask_is_left_to_the_account_or_unknown():
    records = [rec("aws_ebs_volume.v", {"encrypted": False}),
               rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")})]
    no = rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s"),
                                         "encrypted": False})
    part = adapt(*records, no)["aws_ebs_snapshot_copy.c"].at_rest[0]
    assert part.enabled is None and part.default == "account-default"
    asked = Unknown("var.encrypt")
    maybe = rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": ref("aws_ebs_snapshot.s"),
                                            "encrypted": asked})
    assert adapt(*records, maybe)["aws_ebs_snapshot_copy.c"].at_rest[0].enabled is asked


def test_a_state_copy_states_its_own_encryption():
    got = one(rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": "snap-1", "encrypted": False},
                  source="state"))
    assert got.at_rest[0].enabled is False


def test_an_ebs_snapshot_is_encrypted_as_its_volume():
    got = adapt(rec("aws_ebs_volume.v", {"encrypted": True}),
                rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")}))
    assert got["aws_ebs_snapshot.s"].at_rest[0].enabled is True
    missing = one(rec("aws_ebs_snapshot.s", {"volume_id": "vol-0123"})).at_rest[0].enabled
    assert isinstance(missing, Unknown) and "volume" in missing.reason
    missing = one(rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": "snap-0123"})).at_rest[0].enabled
    assert "source of this copy" in missing.reason


def test_a_snapshot_of_an_unencrypted_volume_is_unencrypted():
    got = adapt(rec("aws_ebs_volume.v", {"encrypted": False}),
                rec("aws_ebs_snapshot.s", {"volume_id": ref("aws_ebs_volume.v")}))
    assert got["aws_ebs_snapshot.s"].at_rest[0].enabled is False


def test_an_image_from_a_snapshot_outside_the_configuration_is_unknown():
    got = one(rec("aws_ami.i", {"ebs_block_device": [{"device_name": "/dev/xvda",
                                                      "snapshot_id": "snap-0123"}]}))
    enabled = got.at_rest[0].enabled
    assert isinstance(enabled, Unknown) and "snap-0123" in enabled.reason


def test_a_state_image_states_each_device_encryption():
    got = one(rec("aws_ami.i", {"ebs_block_device": [
        {"device_name": "/dev/xvda", "encrypted": True}, {"device_name": "/dev/xvdb"}]},
        source="state"))
    assert [(p.part, p.enabled) for p in got.at_rest] == [
        ("ebs_block_device /dev/xvda", True), ("ebs_block_device /dev/xvdb", False)]


def test_an_image_device_without_snapshot_is_a_new_empty_volume():
    got = one(rec("aws_ami.i", {"ebs_block_device": [{"device_name": "/dev/xvdb", "encrypted": True},
                                                     {"device_name": "/dev/xvdc"}]}))
    assert got.at_rest[0].enabled is True
    assert got.at_rest[1].enabled is None and got.at_rest[1].default == "account-default"


def test_an_image_copy_of_an_unencrypted_image_is_left_to_the_account():
    got = adapt(rec("aws_ami_copy.c", {"source_ami_id": ref("aws_ami.src")}),
                rec("aws_ami.src", {"ebs_block_device": [{"device_name": "/dev/xvda",
                                                          "encrypted": False}]}))
    part = got["aws_ami_copy.c"].at_rest[0]
    assert part.enabled is None and part.default == "account-default"


def test_an_image_copy_that_asks_for_encryption_is_encrypted():
    got = adapt(rec("aws_ami_copy.c", {"source_ami_id": ref("aws_ami.src"), "encrypted": True}),
                rec("aws_ami.src", {"ebs_block_device": [{"device_name": "/dev/xvda",
                                                          "encrypted": False}]}))
    assert [(p.part, p.enabled) for p in got["aws_ami_copy.c"].at_rest] == [("image copy", True)]


def test_an_image_of_a_machine_keeps_its_disks_account_default():
    got = adapt(rec("aws_ami_copy.c", {"source_ami_id": ref("aws_ami_from_instance.src")}),
                rec("aws_ami_from_instance.src", {"source_instance_id": ref("aws_instance.m")}),
                rec("aws_instance.m", {"root_block_device": [{"volume_size": 8}]}))
    for address in ("aws_ami_copy.c", "aws_ami_from_instance.src"):
        part = got[address].at_rest[0]
        assert part.enabled is None and part.default == "account-default"


def test_a_copy_says_where_it_comes_from():
    got = one(rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": "snap-1",
                                              "source_region": "us-east-1"}))
    assert got.destinations[0].what == "snapshot copy from us-east-1"
    got = one(rec("aws_ami_copy.c", {"source_ami_id": "ami-1"}))
    assert got.destinations[0].what == "image copy"


def test_a_copy_stores_data_and_its_destination_points_at_source_region():
    got = one(rec("aws_ebs_snapshot_copy.c", {"source_snapshot_id": "snap-1",
                                              "source_region": "us-east-1"}))
    assert got.stores_data is True
    assert got.attributes["destinations[0].region"].path == "source_region"


def test_an_rds_snapshot_copy_lands_in_its_destination_region():
    got = one(rec("aws_db_snapshot_copy.c", {"source_db_snapshot_identifier": "snap-1",
                                             "destination_region": "us-east-1"}))
    assert got.stores_data is True and got.region == "us-east-1"
    assert got.destinations[0].region == "us-east-1"
    assert got.attributes["destinations[0].region"].path == "destination_region"
    arn = "arn:aws:rds:us-east-1:123456789012:snapshot:src"
    got = one(rec("aws_db_snapshot_copy.c", {"source_db_snapshot_identifier": arn}))
    assert got.region == "eu-west-3"
    assert got.attributes["destinations[0].region"].path == "source_db_snapshot_identifier"
    got = one(rec("aws_rds_cluster_snapshot_copy.c", {"source_db_cluster_snapshot_identifier": arn}))
    assert got.attributes["destinations[0].region"].path == "source_db_cluster_snapshot_identifier"
    assert one(rec("aws_db_snapshot.s", {"db_instance_identifier": "db"})).stores_data is True


def test_an_image_from_a_machine_points_at_source_instance_id():
    got = adapt(rec("aws_ami_from_instance.i", {"source_instance_id": ref("aws_instance.m")}),
                rec("aws_instance.m", {"root_block_device": [{"encrypted": True}]}))
    assert got["aws_ami_from_instance.i"].attributes["at_rest[root_block_device].enabled"].path \
        == "source_instance_id"


@pytest.mark.parametrize("key", ["account_id", "organization_arn", "organizational_unit_arn"])
def test_a_share_permission_names_who_it_shares_with(key):
    got = one(rec("aws_ami_launch_permission.p", {key: "who", "account_id" if key != "account_id"
                                                  else "organization_arn": ""}))
    assert got.stores_data is False
    assert got.sharing.public is False and got.sharing.accounts == ("who",)
    assert got.attributes["sharing.accounts"].path == key
    got = one(rec("aws_snapshot_create_volume_permission.p", {key: Unknown("var.who")}))
    assert isinstance(got.sharing.accounts, Unknown)


def test_a_share_permission_to_all_is_public():
    assert one(rec("aws_ami_launch_permission.p", {"group": "all"})).sharing.public is True
    unknown = Unknown("var.group")
    assert one(rec("aws_ami_launch_permission.p", {"group": unknown})).sharing.public is unknown
    assert isinstance(one(rec("aws_ami_launch_permission.p", {"group": 5})).sharing.public, Unknown)
    assert one(rec("aws_ami.i", {})).stores_data is True
