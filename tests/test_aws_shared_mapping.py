"""The live AWS front-end and the Terraform adapter read AWS Backup selections, DLM policies
and ARNs through the same functions (`hds_iac.adapters.aws_backup`, `aws_names`): the same
selection, written as Terraform or answered by the API, selects the same volumes."""
from __future__ import annotations

from hds_iac.adapters import terraform_aws
from hds_iac.adapters.aws_names import region_from_arn, region_from_zone
from hds_iac.adapters.terraform import TfIndex
from hds_iac.live.aws import adapt as live_adapt
from hds_iac.live.aws.collect import AccountData
from hds_iac.terraform.records import TfResource

PARIS = "eu-west-3"


def _terraform(rtype: str, values: dict):
    rec = TfResource(address=f"{rtype}.x", mode="managed", type=rtype, name="x",
                     provider="aws", provider_region=PARIS, values=values, source="hcl",
                     file="main.tf", line=1)
    (res,) = terraform_aws.adapt(rec, TfIndex([rec]))
    return res


def _live(service: str, answer: dict):
    data = AccountData(account="123456789012", services=[service],
                       regions={PARIS: {service: answer}})
    return [r for r in live_adapt.to_inventory(data) if r.kind == "backup-plan"]


def test_a_backup_selection_is_the_same_from_terraform_and_the_api():
    resources = ["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:eu-west-3:1:db:x"]
    code = _terraform("aws_backup_selection", {
        "selection_tag": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}],
        "condition": [{"string_equals": [{"key": "aws:ResourceTag/tier", "value": "gold"}]}],
        "resources": resources})
    (live,) = _live("backup", {"vaults": [], "plans": [], "selections": [{
        "BackupPlanId": "p", "SelectionId": "s", "BackupSelection": {
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                            "ConditionValue": "daily"}],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/tier",
                                             "ConditionValue": "gold"}]},
            "Resources": resources}}]})
    assert code.selection == live.selection
    assert code.selection.select_all and code.selection.resource_kinds == ("volume",)
    assert code.selection.tags == {"backup": "daily", "tier": "gold"}


def test_a_dlm_policy_is_the_same_from_terraform_and_the_api():
    for state in ("ENABLED", "DISABLED"):
        code = _terraform("aws_dlm_lifecycle_policy", {"state": state, "policy_details": [{
            "resource_types": ["INSTANCE"], "target_tags": {"snap": "yes"}}]})
        (live,) = _live("dlm", {"policies": [{"PolicyId": "policy-1", "State": state,
                                              "PolicyDetails": {
                                                  "ResourceTypes": ["INSTANCE"],
                                                  "TargetTags": [{"Key": "snap",
                                                                  "Value": "yes"}]}}]})
        assert code.selection == live.selection
        assert code.selection.resource_kinds == ("instance",)
        assert code.selection.tags == ({"snap": "yes"} if state == "ENABLED" else {})


def test_arn_and_zone_regions():
    assert region_from_arn("arn:aws:kms:eu-west-3:123456789012:key/k") == PARIS
    assert region_from_arn("arn:aws-us-gov:backup:us-gov-west-1:1:backup-vault:v") == \
        "us-gov-west-1"
    assert region_from_arn("arn:aws:iam::123456789012:role/r") is None
    assert region_from_arn("eu-west-3") is None and region_from_arn(None) is None
    assert region_from_zone("eu-west-3a") == PARIS and region_from_zone("eu-west-3") is None
