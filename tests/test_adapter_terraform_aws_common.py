"""Helpers of the AWS Terraform adapter (`hds_iac.adapters.terraform_aws_common`): customer
keys in states, tags, regions, the zones of subnets, and policy documents written as
`data.aws_iam_policy_document`. Each case is a fact a rule turns into a verdict; the
mutation run (scripts/mutation.py) showed these had no test."""
from __future__ import annotations

import pytest

from hds_iac.adapters import terraform_aws_common as common
from hds_iac.adapters.terraform import TfIndex
from hds_iac.model import Unknown
from test_adapter_aws import PLAN_UNKNOWN, one, rec, ref

KEY = "arn:aws:kms:eu-west-3:111122223333:key/k"


def test_customer_key_by_source():
    hcl = rec("aws_ebs_volume.v")
    assert common.customer_key(hcl, "alias/aws/ebs") is False
    assert common.customer_key(hcl, KEY) is True
    assert common.customer_key(hcl, None) is False
    state = rec("aws_ebs_volume.v", source="state")
    scanned = rec("aws_kms_key.k", {"arn": KEY, "key_id": "k"}, source="state")
    index = TfIndex([state, scanned])
    assert common.customer_key(state, KEY, index) is True
    got = common.customer_key(state, "arn:aws:kms:eu-west-3:111122223333:key/other", index)
    assert got == Unknown("KMS key arn:aws:kms:eu-west-3:111122223333:key/other is not in "
                          "this configuration (it may be an AWS-managed key)")
    assert common.customer_key(state, KEY) is True  # no index: as configured
    assert common.customer_key(hcl, KEY, TfIndex([hcl])) is True  # code names chosen keys only


def test_tags_of():
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags": {"a": "1"}})) == {"a": "1"}
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags": {"a": "1"},
                                                 "tags_all": {"a": "1", "b": "2"}})) == \
        {"a": "1", "b": "2"}
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags_all": ref("var.t"),
                                                 "tags": {"a": "1"}})) == {"a": "1"}
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags": ref("var.t")})) == ref("var.t")
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags_all": ref("var.t")})) == ref("var.t")
    planned = rec("aws_s3_bucket.b", {"tags_all": PLAN_UNKNOWN}, source="plan")
    assert common.tags_of(planned) == {}  # computed default: no tag
    assert common.tags_of(rec("aws_s3_bucket.b")) == {}
    assert common.tags_of(rec("aws_s3_bucket.b", {"tags": "x"})) == \
        Unknown("unexpected value for tags")


def test_region_of():
    assert common.region_of(rec("aws_s3_bucket.b", {"region": "eu-central-1"})) == "eu-central-1"
    assert common.region_of(rec("aws_s3_bucket.b", {"region": ref("var.r")})) == ref("var.r")
    planned = rec("aws_s3_bucket.b", {"region": PLAN_UNKNOWN}, source="plan")
    assert common.region_of(planned) == "eu-west-3"
    assert common.region_of(rec("aws_s3_bucket.b", {"region": ""})) == "eu-west-3"
    none = Unknown("provider region not recorded")
    arn = rec("aws_kms_key.k", {"arn": "arn:aws:kms:eu-central-1:1:key/k"}, region=none)
    assert common.region_of(arn) == "eu-central-1"
    zone = rec("aws_ebs_volume.v", {"availability_zone": "eu-south-1a"}, region=none)
    assert common.region_of(zone) == "eu-south-1"
    assert common.region_of(rec("aws_instance.i", region=none), zone="eu-north-1b") == "eu-north-1"
    assert common.region_of(rec("aws_s3_bucket.b", region=none)) == none
    assert common.region_of(rec("aws_s3_bucket.b", region=None)) == \
        Unknown("the AWS provider region is not known")
    assert common.region_of(rec("aws_s3_bucket.b", region="")) == \
        Unknown("the AWS provider region is not known")


def test_a_resource_in_its_own_region_points_at_it():
    got = one(rec("aws_s3_bucket.b", {"region": "eu-central-1"}))
    assert got.region == "eu-central-1" and got.attributes["region"].path == "region"
    assert "region" not in one(rec("aws_s3_bucket.b")).attributes


SUBNETS = [rec("aws_subnet.a", {"availability_zone": "eu-west-3a", "id": "subnet-a"},
               source="state"),
           rec("aws_subnet.b", {"availability_zone": "eu-west-3b", "id": "subnet-b"},
               source="state"),
           rec("aws_subnet.c", {"availability_zone": ""}),
           rec("aws_subnet.d", {"availability_zone": ref("var.zone")})]


def test_zone_of_subnet():
    index = TfIndex(SUBNETS)
    assert common.zone_of_subnet(index, "subnet-a") == "eu-west-3a"
    assert common.zone_of_subnet(index, ref("aws_subnet.b")) == "eu-west-3b"
    assert common.zone_of_subnet(index, ref("aws_subnet.c")) == \
        Unknown("the availability zone of aws_subnet.c is not set")
    assert common.zone_of_subnet(index, ref("aws_subnet.d")) == ref("var.zone")
    assert common.zone_of_subnet(index, "subnet-z") == \
        Unknown("subnet subnet-z is not in this configuration")
    assert common.zone_of_subnet(index, ref("var.subnet")) == \
        Unknown("subnet var.subnet is not in this configuration")
    bare = Unknown("known after apply")
    assert common.zone_of_subnet(index, bare) is bare


def test_zones_of_subnets():
    index = TfIndex(SUBNETS)
    assert common.zones_of_subnets(index, ["subnet-a", "subnet-b", "subnet-a"]) == \
        ("eu-west-3a", "eu-west-3b")
    # two known zones and one unknown: already two zones, kept
    assert common.zones_of_subnets(index, ["subnet-a", "subnet-b", "subnet-z"]) == \
        ("eu-west-3a", "eu-west-3b")
    assert isinstance(common.zones_of_subnets(index, ["subnet-a", "subnet-z"]), Unknown)
    splat = Unknown("known after apply", ("aws_subnet.a", "aws_subnet.b"))
    assert common.zones_of_subnets(index, splat) == ("eu-west-3a", "eu-west-3b")
    assert common.zones_of_subnets(index, ref("var.subnets")) == \
        Unknown("subnets var.subnets are not in this configuration")
    bare = Unknown("known after apply")
    assert common.zones_of_subnets(index, bare) is bare
    assert common.zones_of_subnets(index, "subnet-a") == ("eu-west-3a",)


def test_zones_value():
    assert common.zones_value(["a", "b", "a"], "zones") == ("a", "b")
    assert common.zones_value(ref("var.z"), "zones") == ref("var.z")
    assert common.zones_value(["a", ref("var.z")], "zones") == ref("var.z")
    assert common.zones_value(["a", 1], "zones") == Unknown("unexpected value for zones")
    assert common.zones_value(None, "zones") == ()


# --- policy documents --------------------------------------------------------------------------

def _doc(values: dict, *others):
    doc = rec("data.aws_iam_policy_document.d", values)
    index = TfIndex([doc, *others])
    return common.policy_of(index, ref("data.aws_iam_policy_document.d"))


def test_a_policy_document_rendered_from_its_blocks():
    got = _doc({"statement": [
        {"actions": ["s3:*"], "resources": ["*"], "not_actions": [],
         "principals": [{"type": "AWS", "identifiers": ["111122223333", ref("var.x")]}],
         "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]},
                       {"test": "Bool", "variable": "aws:SecureTransport", "values": ["x"]}]},
        {"effect": "Deny", "not_actions": "iam:*", "not_resources": ["arn:x"],
         "not_principals": [{"type": "*", "identifiers": ["*"]}]}]})
    assert got == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"],
         "Principal": {"AWS": ["111122223333", "<unknown>"]},
         "Condition": {"Bool": {"aws:SecureTransport": ["false", "x"]}}},
        {"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": ["arn:x"],
         "NotPrincipal": "*"}]}


def test_a_policy_document_json_and_sources():
    assert _doc({"json": '{"Statement": [{"Effect": "Deny"}]}'}) == \
        {"Statement": [{"Effect": "Deny"}]}
    assert _doc({"json": "{bad"}) == \
        Unknown("the policy document data.aws_iam_policy_document.d is not valid JSON")
    base = rec("data.aws_iam_policy_document.base", {"statement": [{"actions": ["s3:GetObject"]}]})
    got = _doc({"source_policy_documents": [ref("data.aws_iam_policy_document.base")],
                "override_policy_documents": ['{"Statement": {"Effect": "Deny", "Action": "*"}}'],
                "statement": [{"actions": ["s3:PutObject"]}]}, base)
    assert [s.get("Action") for s in got["Statement"]] == [
        ["s3:GetObject"], "*", ["s3:PutObject"]]
    assert _doc({"source_policy_documents": ref("var.docs")}) == \
        Unknown("data.aws_iam_policy_document.d: source_policy_documents cannot be read")
    got = _doc({"override_policy_documents": [ref("var.doc")]})
    assert isinstance(got, Unknown) and "override_policy_documents of" in got.reason


def test_a_policy_document_with_unknown_parts():
    doc = "data.aws_iam_policy_document.d"
    cases = [
        ({"statement": ref("var.s")}, f"the statements of {doc} cannot be read"),
        ({"statement": [{"effect": ref("var.e")}]}, f"{doc}: a statement's effect is unknown"),
        ({"statement": [{"actions": ref("var.a")}]}, f"{doc}: a statement's actions are unknown"),
        ({"statement": [{"principals": ref("var.p")}]},
         f"{doc}: a statement's principals are unknown"),
        ({"statement": [{"principals": [{"type": ref("var.t"), "identifiers": ["*"]}]}]},
         f"{doc}: a statement's principals are unknown"),
        ({"statement": [{"not_principals": [{"type": "AWS", "identifiers": ref("var.i")}]}]},
         f"{doc}: a statement's not_principals are unknown"),
        ({"statement": [{"actions": ["s3:*"], "condition": [
            {"test": "Bool", "variable": "aws:SecureTransport", "values": [ref("var.v")]}]}]},
         f"{doc}: a statement's condition is unknown"),
        ({"statement": [{"actions": ["sts:AssumeRole"], "condition": ref("var.c"),
                         "principals": [{"type": "AWS", "identifiers": ["1"]}]}]},
         f"{doc}: a statement's condition is unknown"),
    ]
    for values, why in cases:
        assert _doc(values) == Unknown(why), values


def test_an_unknown_condition_of_a_workload_trust_lets_no_person_in():
    for principal, action in (("Service", "sts:AssumeRole"),
                              ("Federated", "sts:AssumeRoleWithWebIdentity")):
        got = _doc({"statement": [{"actions": [action], "principals": [
            {"type": principal, "identifiers": ["x"]}], "condition": [
            {"test": "StringEquals", "variable": ref("var.k"), "values": ["y"]}]}]})
        assert got["Statement"][0]["Condition"] == {}
    deny = _doc({"statement": [{"effect": "Deny", "actions": ["sts:AssumeRole"], "principals": [
        {"type": "Service", "identifiers": ["x"]}], "condition": [
        {"test": ref("var.t"), "variable": "k", "values": ["y"]}]}]})
    assert isinstance(deny, Unknown)
    everyone = _doc({"statement": [{"actions": ["sts:AssumeRole"], "principals": [
        {"type": "*", "identifiers": ["*"]}], "condition": [
        {"test": "Bool", "variable": "k", "values": ref("var.v")}]}]})
    assert isinstance(everyone, Unknown)


def test_a_policy_found_through_its_base_address_or_not_at_all():
    doc = rec("data.aws_iam_policy_document.d[0]", {"statement": [{"actions": ["s3:*"]}]})
    index = TfIndex([doc])
    got = common.policy_of(index, ref("data.aws_iam_policy_document.d"))
    assert got["Statement"][0]["Action"] == ["s3:*"]
    two = TfIndex([doc, rec("data.aws_iam_policy_document.d[1]", {})])
    assert isinstance(common.policy_of(two, ref("data.aws_iam_policy_document.d")), Unknown)
    assert common.policy_of(index, ref("aws_s3_bucket.b"), "bucket policy") == Unknown(
        "the bucket policy cannot be read (known after apply)")
    assert common.policy_of(index, Unknown(""), "bucket policy") == Unknown(
        "the bucket policy cannot be read ()")
    assert common.policy_of(index, '{"Statement": []}') == {"Statement": []}


def test_state_keys_of_every_kms_type_and_name():
    state = rec("aws_ebs_volume.v", source="state")
    for key, value in (
            (rec("aws_kms_replica_key.r", {"arn": "arn:r"}, source="state"), "arn:r"),
            (rec("aws_kms_external_key.e", {"arn": "arn:e"}, source="state"), "arn:e"),
            (rec("aws_kms_alias.a", {"arn": "arn:alias", "name": "alias/app"}, source="state"),
             "alias/app"),
            (rec("aws_kms_key.k", {"key_id": "1234abcd"}, source="state"), "1234abcd"),
            (rec("aws_kms_alias.a", {"target_key_arn": "arn:target"}, source="state"),
             "arn:target")):
        assert common.customer_key(state, value, TfIndex([state, key])) is True, value


def test_common_fields_of_a_resource():
    group = one(rec("aws_security_group.g", {"id": "sg-1", "arn": "arn:sg"}))
    assert group.stores_data is False and group.ids == ("sg-1", "arn:sg")
    logs = one(rec("aws_cloudwatch_log_group.g", {"name": "app", "retention_in_days": 7,
                                                  "region": "eu-central-1"}))
    assert "app" in logs.ids
    assert logs.attributes["region"].path == "region"  # its own region, and its sources
    assert logs.attributes["logging.retention_days"].path == "retention_in_days"


def test_resource_refuses_what_is_not_a_facet():
    """`resource(...)` sets its facets on the new Resource itself: a misspelt facet, or a
    field it fills from the record, is refused as `Resource(...)` refuses it."""
    volume = rec("aws_ebs_volume.v")
    assert common.resource(volume, "volume", at_rest=[]).at_rest == []
    for name in ("at_rests", "address", "type", "provider", "origin", "tags"):
        with pytest.raises(TypeError, match=name):
            common.resource(volume, "volume", **{name: "x"})


def test_default_subnets_give_their_zone():
    default = rec("aws_default_subnet.a", {"availability_zone": "eu-west-3c"})
    index = TfIndex([default])
    assert common.zone_of_subnet(index, ref("aws_default_subnet.a")) == "eu-west-3c"
    assert common.zones_of_subnets(index, Unknown("x", ("aws_default_subnet.a",))) == \
        ("eu-west-3c",)


def test_an_empty_rendered_json_falls_back_to_the_statement_blocks():
    assert _doc({"json": "", "statement": [{"actions": ["s3:*"]}]})["Statement"] == [
        {"Effect": "Allow", "Action": ["s3:*"]}]
