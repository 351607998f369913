"""The dispatcher over providers' Terraform adapters (`hds_iac.adapters.terraform`): a
record an adapter chokes on is one error naming where it is, the others are still read;
sensitive texts of the input reach every resource (so that no message prints them). The
mutation run (scripts/mutation.py) showed these had no test."""
from __future__ import annotations

import dataclasses

from hds_iac.adapters import terraform
from hds_iac.adapters.terraform import TfIndex
from hds_iac.terraform.records import TfConfiguration
from test_adapter_aws import rec


def test_a_record_the_adapter_chokes_on_is_one_error_naming_where_it_is(monkeypatch):
    def choke(r, index):
        raise KeyError("a shape we did not foresee")
    monkeypatch.setitem(terraform.provider_handlers()["aws"].table, "aws_efs_file_system", choke)
    for where, shown in (({"file": "net.tf", "line": 7}, "net.tf:7"),
                         ({"file": "net.tf", "line": None}, "net.tf"),
                         ({"file": "", "line": 7}, "plan.json"),
                         ({"file": None, "line": None}, "plan.json")):
        bad = dataclasses.replace(rec("aws_efs_file_system.bad"), **where)
        config = TfConfiguration(resources=[bad, rec("aws_ebs_volume.ok")], path="plan.json")
        inventory = terraform.to_inventory(config)
        assert [r.address for r in inventory] == ["aws_ebs_volume.ok"]
        (error,) = config.errors
        assert (error.path, error.message) == (
            shown, "aws_efs_file_system.bad: internal error while reading this resource "
                   "(KeyError); please report it")


def test_sensitive_texts_reach_every_resource_of_the_input():
    secret = dataclasses.replace(rec("aws_ebs_volume.a"), sensitive_texts=frozenset({"s3cr3t"}))
    index = TfIndex([secret, rec("aws_ebs_volume.b")])
    for r in (secret, rec("aws_ebs_volume.b")):
        (res,) = terraform.adapt(r, index)
        assert res.sensitive == frozenset({"s3cr3t"})
    (plain,) = terraform.adapt(rec("aws_ebs_volume.b"), TfIndex([rec("aws_ebs_volume.b")]))
    assert not plain.sensitive
    other = dataclasses.replace(rec("aws_ebs_volume.b"), provider="google")
    assert terraform.adapt(other, index) == []
