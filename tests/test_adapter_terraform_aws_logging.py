"""The AWS Terraform types that trace access (`hds_iac.adapters.terraform_aws_logging`):
trails and the bucket they deliver to, S3 data events named from a bucket of the
configuration, server access logs, flow logs, load balancer access logs and log groups.
Records are built by hand in the shapes HCL, plans and states give; each case is a fact a
rule turns into a verdict or a message. The mutation run (scripts/mutation.py) showed
these cases had no test."""
from __future__ import annotations

from hds_iac.adapters.terraform_aws_logging import classic_access_logs, lb_access_logs
from hds_iac.model import ObjectEvents, Unknown
from hds_iac.terraform.hcl.values import TemplateUnknown
from test_adapter_aws import adapt, one, rec, ref

TRAIL = "aws_cloudtrail.t"
HDS = "hds-iac:health-data"


def _trail(values: dict, *others):
    return adapt(rec(TRAIL, {"s3_bucket_name": "logs", **values}), *others)[TRAIL].logging.trail


# --- event selectors -------------------------------------------------------------------------

def test_basic_selectors_and_where_a_finding_points():
    got = one(rec(TRAIL, {"s3_bucket_name": "logs", "event_selector": [
        {"read_write_type": "All"},
        {"read_write_type": "ReadOnly", "include_management_events": True}]}))
    assert got.logging.trail.management_events is True
    assert got.attributes["logging.trail.management_events"].path == \
        "event_selector[1].read_write_type"
    left_out = one(rec(TRAIL, {"s3_bucket_name": "logs", "event_selector": [
        {"read_write_type": "All"},
        {"read_write_type": "All", "include_management_events": False}]}))
    assert left_out.logging.trail.management_events is True
    assert left_out.attributes["logging.trail.management_events"].path == \
        "event_selector[1].include_management_events"
    every = one(rec(TRAIL, {"s3_bucket_name": "logs", "event_selector": [{}]}))
    assert every.logging.trail.management_events is True
    assert every.attributes["logging.trail.management_events"].path == \
        "event_selector.read_write_type"
    assert "logging.trail.management_events" not in one(
        rec(TRAIL, {"s3_bucket_name": "logs"})).attributes
    assert "logging.trail.management_events" not in one(
        rec(TRAIL, {"s3_bucket_name": "logs", "event_selector": ref("var.s")})).attributes


def test_unresolved_selectors_are_unknown():
    for values in ({"event_selector": ref("var.s")},
                   {"advanced_event_selector": ref("var.s")},
                   {"advanced_event_selector": [{"field_selector": ref("var.f")}]},
                   {"advanced_event_selector": [{"field_selector": [{"field": ref("var.n"),
                                                                      "equals": ["x"]}]}]}):
        trail = _trail(values)
        assert isinstance(trail.management_events, Unknown), values
        assert isinstance(trail.object_events, Unknown), values


def test_advanced_selectors_read_equals_and_operators():
    data = [{"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]}]
    trail = _trail({"advanced_event_selector": [{"field_selector": data + [
        {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::hds/"], "not_equals": []}]}]})
    assert trail.object_events == (ObjectEvents(prefixes=("arn:aws:s3:::hds/",)),)
    assert trail.management_events is False
    excluded = _trail({"advanced_event_selector": [{"field_selector": data + [
        {"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::tmp/"]}]}]})
    (got,) = excluded.object_events
    assert isinstance(got.read, Unknown) and "resources.ARN NotStartsWith" in got.read.reason
    unread = _trail({"advanced_event_selector": [{"field_selector": data + [
        {"field": "readOnly", "equals": ref("var.ro")}]}]})
    assert unread.object_events[0].read == ref("var.ro")
    unread_op = _trail({"advanced_event_selector": [{"field_selector": data + [
        {"field": "resources.ARN", "starts_with": ref("var.p")}]}]})
    assert unread_op.object_events[0].prefixes == (ref("var.p"),)
    management = _trail({"advanced_event_selector": [{"field_selector": [
        {"field": "eventCategory", "equals": ["Management"]},
        {"field": "readOnly", "equals": [False]}]}]})
    assert management.management_events is False  # write events only ("false")


def test_data_events_named_from_a_bucket_of_the_configuration():
    bucket = rec("aws_s3_bucket.b", {"bucket": "hds-data"})
    arn = ("aws_s3_bucket.b",)
    objects = TemplateUnknown("known after apply", arn, shape="*/")
    basic = {"event_selector": [{"data_resource": [
        {"type": "AWS::S3::Object", "values": [objects, ref(*arn), "arn:aws:s3:::x/"]}]}]}
    trail = _trail(basic, bucket)
    assert trail.object_events[0].prefixes == (
        "arn:aws:s3:::hds-data/", "arn:aws:s3:::hds-data", "arn:aws:s3:::x/")
    advanced = {"advanced_event_selector": [{"field_selector": [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "resources.ARN", "starts_with": [objects]}]}]}
    assert _trail(advanced, bucket).object_events[0].prefixes == ("arn:aws:s3:::hds-data/",)
    # the bucket's name unknown, a shape with two unknown parts or none at its start: unknown
    for values, name in (([objects], None), ([TemplateUnknown("x", arn, shape="*/*/")], "hds"),
                         ([TemplateUnknown("x", arn, shape="arn:*")], "hds"),
                         ([ref("aws_s3_bucket.other")], "hds")):
        named = rec("aws_s3_bucket.b", {} if name is None else {"bucket": name})
        got = _trail({"event_selector": [{"data_resource": [
            {"type": "AWS::S3::Object", "values": values}]}]}, named)
        assert isinstance(got.object_events[0].prefixes[0], Unknown), values
    unset = _trail({"event_selector": [{"data_resource": [{"values": ["arn:aws:s3"]}]}]})
    assert unset.object_events[0].prefixes[0] == Unknown("a data resource's type is not set")
    all_unknown = _trail({"event_selector": [{"data_resource": [
        {"type": "AWS::S3::Object", "values": ref("var.v")}]}]})
    assert all_unknown.object_events[0].prefixes == (ref("var.v"),)
    blocks_unknown = _trail({"event_selector": [{"data_resource": ref("var.d")}]})
    assert blocks_unknown.object_events[0].prefixes == (ref("var.d"),)


# --- the destination bucket ------------------------------------------------------------------

def test_the_destination_bucket_outside_the_configuration():
    trail = _trail({})
    assert (trail.bucket, trail.bucket_region, trail.bucket_blocked) == ("logs", None, None)
    unset = _trail({"s3_bucket_name": None})
    assert unset.bucket == Unknown("s3_bucket_name is not set")
    empty = _trail({"s3_bucket_name": ""})
    assert empty.bucket == Unknown("s3_bucket_name is not set")
    elsewhere = _trail({"s3_bucket_name": ref("var.archive_bucket")})
    assert isinstance(elsewhere.bucket, Unknown)


def test_the_destination_bucket_of_the_configuration_and_its_block():
    bucket = rec("aws_s3_bucket.b", {"bucket": "hds-logs"}, region="eu-central-1")
    pointed = {"s3_bucket_name": ref("aws_s3_bucket.b")}
    trail = _trail(pointed, bucket)
    assert (trail.bucket, trail.bucket_region, trail.bucket_blocked) == (
        "hds-logs", "eu-central-1", True)  # S3's default since April 2023
    on = dict.fromkeys(("block_public_acls", "block_public_policy", "ignore_public_acls",
                        "restrict_public_buckets"), True)
    open_block = rec("aws_s3_bucket_public_access_block.b",
                     {**on, "bucket": ref("aws_s3_bucket.b"), "block_public_policy": False})
    assert _trail(pointed, bucket, open_block).bucket_blocked is False
    account = rec("aws_s3_account_public_access_block.a", on)
    assert _trail(pointed, bucket, open_block, account).bucket_blocked is True
    account_off = rec("aws_s3_account_public_access_block.a", {**on, "ignore_public_acls": False})
    assert _trail(pointed, bucket, open_block, account_off).bucket_blocked is False
    unknown_block = rec("aws_s3_bucket_public_access_block.b",
                        {**on, "bucket": ref("aws_s3_bucket.b"), "block_public_acls": ref("var.x")})
    assert _trail(pointed, bucket, unknown_block).bucket_blocked == ref("var.x")
    # a switch left out is off (the provider's default): the block does not block
    partial = rec("aws_s3_bucket_public_access_block.b",
                  {"bucket": ref("aws_s3_bucket.b"), "block_public_acls": True})
    assert _trail(pointed, bucket, partial).bucket_blocked is False
    by_name = rec("aws_s3_bucket_public_access_block.b", {**on, "bucket": "hds-logs"})
    assert _trail(pointed, bucket, open_block, account_off).bucket_blocked is False
    assert _trail(pointed, bucket, by_name).bucket_blocked is True
    by_name_off = rec("aws_s3_bucket_public_access_block.b",
                      {**on, "bucket": "hds-logs", "ignore_public_acls": False})
    assert _trail(pointed, bucket, by_name_off).bucket_blocked is False
    nameless = rec("aws_s3_bucket.b", {"bucket": ref("random_id.x")})
    assert _trail(pointed, nameless).bucket == "aws_s3_bucket.b"


def test_a_trail_settings_and_their_defaults():
    trail = _trail({})
    assert (trail.all_regions, trail.organization, trail.validation, trail.customer_key,
            trail.logging) == (False, False, False, False, True)
    trail = _trail({"is_multi_region_trail": True, "is_organization_trail": "true",
                    "enable_log_file_validation": True, "kms_key_id": "arn:aws:kms:k",
                    "enable_logging": False})
    assert (trail.all_regions, trail.organization, trail.validation, trail.customer_key,
            trail.logging) == (True, True, True, True, False)
    res = one(rec(TRAIL, {"s3_bucket_name": "logs", "kms_key_id": "k"}))
    assert res.attributes["logging.trail.customer_key"].path == "kms_key_id"
    assert res.attributes["logging.trail.bucket"].path == "s3_bucket_name"


# --- buckets: server access logs -------------------------------------------------------------

def test_server_access_logs_of_a_bucket():
    bucket = rec("aws_s3_bucket.b", {"bucket": "hds-data"})
    logging = rec("aws_s3_bucket_logging.l", {"bucket": ref("aws_s3_bucket.b"),
                                              "target_bucket": "hds-logs"})
    got = adapt(bucket, logging)["aws_s3_bucket.b"].logging
    assert got.enabled is True and got.detail == "hds-logs"
    assert got.health_data is True
    off = adapt(bucket)["aws_s3_bucket.b"].logging
    assert off.enabled is False
    inline = one(rec("aws_s3_bucket.b", {"logging": [{"target_bucket": "old-logs"}]})).logging
    assert inline.enabled is True and inline.detail == "old-logs"
    assert one(rec("aws_s3_bucket.b", {"logging": ref("var.l")})).logging.enabled == ref("var.l")
    assert one(rec("aws_s3_bucket.b", {"logging": []})).logging.enabled is False
    other = rec("aws_s3_bucket_logging.l", {"bucket": "another", "target_bucket": "x"})
    assert adapt(bucket, other)["aws_s3_bucket.b"].logging.enabled is False
    # a logging resource of this configuration wins over an inline block
    both = rec("aws_s3_bucket.b", {"bucket": "hds-data", "logging": ref("var.l")})
    assert adapt(both, logging)["aws_s3_bucket.b"].logging.enabled is True
    unnamed = rec("aws_s3_bucket_logging.l", {"bucket": ref("aws_s3_bucket.b"),
                                              "target_bucket": ref("aws_s3_bucket.logs")})
    assert adapt(bucket, unnamed)["aws_s3_bucket.b"].logging.detail == "aws_s3_bucket.logs"


def test_a_bucket_tagged_as_holding_no_health_data():
    got = one(rec("aws_s3_bucket.b", {"tags": {HDS: "false"}})).logging
    assert got.health_data is False
    assert one(rec("aws_s3_bucket.b", {"tags": ref("var.tags")})).logging.health_data == \
        Unknown(f"the tags cannot be read, so tag {HDS} is not known (known after apply)",
                ("var.tags",))


# --- networks, load balancers, log groups ----------------------------------------------------

def test_flow_logs_of_a_vpc():
    vpc = rec("aws_vpc.v")
    assert one(vpc).logging.enabled is False and one(vpc).logging.detail == "no flow log"
    accept = rec("aws_flow_log.f", {"vpc_id": ref("aws_vpc.v"), "traffic_type": "ACCEPT"})
    assert adapt(vpc, accept)["aws_vpc.v"].logging.enabled is True
    reject = rec("aws_flow_log.f", {"vpc_id": ref("aws_vpc.v"), "traffic_type": "REJECT"})
    assert adapt(vpc, reject)["aws_vpc.v"].logging.enabled is False
    unset = rec("aws_flow_log.f", {"vpc_id": ref("aws_vpc.v")})
    got = adapt(vpc, unset)["aws_vpc.v"].logging.enabled
    assert got == Unknown("aws_flow_log.f: traffic_type is not set")
    default = rec("aws_default_vpc.d")
    assert one(default).kind == "network" and one(default).logging.enabled is False
    assert adapt(accept) == {}  # read through the VPC it logs


def test_load_balancer_access_logs():
    assert lb_access_logs(rec("aws_lb.l", {"load_balancer_type": "gateway"})) is None
    off = lb_access_logs(rec("aws_lb.l", {"access_logs": [{"bucket": "b"}]}))
    assert (off.enabled, off.detail) == (False, "access logs off")  # enabled defaults to false
    on = lb_access_logs(rec("aws_lb.l", {"load_balancer_type": "network",
                                         "access_logs": [{"bucket": "b", "enabled": True}]}))
    assert (on.enabled, on.detail) == (True, "access logs to bucket b")
    assert lb_access_logs(rec("aws_lb.l")).enabled is False
    unread = lb_access_logs(rec("aws_lb.l", {"access_logs": ref("var.a")}))
    assert unread.enabled == ref("var.a") and unread.detail == "access logs unresolved"


def test_classic_load_balancer_access_logs():
    on = classic_access_logs(rec("aws_elb.e", {"access_logs": [{"bucket": "b"}]}))
    assert (on.enabled, on.detail) == (True, "access logs to bucket b")  # enabled by default
    off = classic_access_logs(rec("aws_elb.e", {"access_logs": [{"bucket": "b", "enabled": False}]}))
    assert off.enabled is False
    assert classic_access_logs(rec("aws_elb.e")).enabled is False
    unread = classic_access_logs(rec("aws_elb.e", {"access_logs": ref("var.a")}))
    assert unread.enabled == ref("var.a") and unread.detail == "access logs unresolved"


def test_log_group_retention():
    group = one(rec("aws_cloudwatch_log_group.g", {"name": "app", "retention_in_days": 365}))
    assert group.kind == "log-group" and group.logging.retention_days == 365
    assert group.attributes["logging.retention_days"].path == "retention_in_days"
    assert one(rec("aws_cloudwatch_log_group.g")).logging.retention_days == 0
