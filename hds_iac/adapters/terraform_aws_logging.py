"""AWS Terraform types that trace access: CloudTrail trails (with the public-access block
of the bucket they deliver to), VPCs and their flow logs, and the access logs of load
balancers (read here, put on the load balancer by `terraform_aws_network`).

The settings are put in the shape of `aws_logging` (shared with the live adapter), so a
trail gets the same facts from code, plans, states and the account.
"""
from __future__ import annotations

from typing import Any

from hds_iac.adapters import aws_logging
from hds_iac.adapters.terraform_index import TfIndex, block_path, held_by
from hds_iac.adapters.terraform_aws_common import (
    as_list, get_blocks, get_bool, get_int, get_str, handles, ids_of, is_set, linked,
    not_in_configuration, region_of, resolve_one, resource, show, tags_of,
)
from hds_iac.model import Logging, Maybe, Resource, Unknown
from hds_iac.terraform.records import TfResource

_BUCKETS = ("aws_s3_bucket",)
_BUCKET_BLOCK = ("aws_s3_bucket_public_access_block",)
_ACCOUNT_BLOCK = ("aws_s3_account_public_access_block",)


def _selectors(rec: TfResource, index: TfIndex) -> Maybe[list[aws_logging.Selector]]:
    basic = get_blocks(rec, "event_selector")
    advanced = get_blocks(rec, "advanced_event_selector")
    for got in (basic, advanced):
        if isinstance(got, Unknown):
            return got
    out = [aws_logging.Selector(
        management=get_bool(rec, "include_management_events", True, values=sel),
        read_write=get_str(rec, "read_write_type", "All", values=sel),
        data_resources=_data_resources(rec, sel, index)) for sel in basic]
    for sel in advanced:
        fields = get_blocks(rec, "field_selector", values=sel)
        if isinstance(fields, Unknown):
            return fields
        found: dict[str, Maybe[tuple[str, ...]]] = {}
        operators: dict[str, dict[str, Maybe[tuple[str, ...]]]] = {}
        for field in fields:
            name = field.get("field")
            if not isinstance(name, str):
                return Unknown("an advanced event selector's field is unresolved")
            equals = as_list(field.get("equals"))
            if field.get("equals") is not None:
                found[name] = equals if isinstance(equals, Unknown) else tuple(map(str, equals))
            for tf_name, api_name in aws_logging.TF_OPERATORS.items():
                if field.get(tf_name) in (None, []):
                    continue
                values = as_list(field.get(tf_name))
                operators.setdefault(name, {})[api_name] = values \
                    if isinstance(values, Unknown) else tuple(
                        _object_prefix(v, index) if isinstance(v, Unknown) else str(v)
                        for v in values)
        out.append(aws_logging.Selector(fields=found, operators=operators))
    return out


def _data_resources(rec: TfResource, sel: dict, index: TfIndex) -> Maybe[list]:
    """A basic selector's `data_resource` blocks: (type, ARN prefixes) each."""
    found = get_blocks(rec, "data_resource", values=sel)
    if isinstance(found, Unknown):
        return found
    out: list = []
    for block in found:
        values = as_list(block.get("values"))
        out.append((get_str(rec, "type", Unknown("a data resource's type is not set"),
                            values=block),
                    values if isinstance(values, Unknown) else tuple(
                        _object_prefix(v, index) if isinstance(v, Unknown) else str(v)
                        for v in values)))
    return out


def _object_prefix(value: Unknown, index: TfIndex) -> Maybe[str]:
    """An ARN prefix written from a bucket of this configuration
    (`"${aws_s3_bucket.b.arn}/"`, `aws_s3_bucket.b.arn`): its text with the bucket's ARN
    in place of the reference, when the bucket's name is known."""
    target = resolve_one(index, value, _BUCKETS, name_keys=("arn",))
    shape = getattr(value, "shape", "") or "*"
    name = target.values.get("bucket") if target is not None else None
    if not isinstance(name, str) or not name or shape.count("*") != 1 \
            or not shape.startswith("*"):
        return value
    return shape.replace("*", f"arn:aws:s3:::{name}", 1)


_BUCKET_LOGGING = ("aws_s3_bucket_logging",)


def bucket_logging(rec: TfResource, index: TfIndex) -> Logging:
    """A bucket's server access logs (an `aws_s3_bucket_logging` of this configuration
    naming it, or the inline `logging` block of provider versions before 4) and whether
    it holds health data (`Settings.health_data_tag`). Trails are weighed by the rule."""
    on: Maybe[bool] = False
    target: Any = None
    for config in linked(index, rec, "bucket", _BUCKET_LOGGING, name_keys=("bucket",)):
        on, target = True, config.values.get("target_bucket")
    if on is not True:
        inline = get_blocks(rec, "logging")
        if isinstance(inline, Unknown):
            on = inline
        elif inline:
            on, target = True, inline[0].get("target_bucket")
    logs = aws_logging.server_access_logs(on, show(target) if target is not None else None)
    logs.health_data = aws_logging.health_data(tags_of(rec), index.settings.health_data_tag)
    return logs


def _switches(rec: TfResource) -> dict[str, Any]:
    return {name: get_bool(rec, name, False) for name in aws_logging.BLOCK_PUBLIC_ACCESS}


def _bucket(rec: TfResource, index: TfIndex) -> tuple[Maybe[str], Maybe[str] | None,
                                                      Maybe[bool] | None]:
    """The destination bucket's name, region and public-access block. A bucket outside
    this configuration (a log archive account) has neither region nor block here."""
    value = rec.values.get("s3_bucket_name")
    target = resolve_one(index, value, _BUCKETS, name_keys=("bucket",))
    if target is None:
        name = value if isinstance(value, str) and value else not_in_configuration(
            "destination bucket", value) if isinstance(value, Unknown) else \
            Unknown("s3_bucket_name is not set")
        return name, None, None
    name = target.values.get("bucket")
    shown = name if isinstance(name, str) and name else show(value)
    own = None
    for block in linked(index, target, "bucket", _BUCKET_BLOCK, name_keys=("bucket", "id")):
        own = aws_logging.public_access_blocked(_switches(block))
    account = None
    for block in index.of_type(*_ACCOUNT_BLOCK):
        account = aws_logging.public_access_blocked(_switches(block))
    # S3 blocks public access on every new bucket since April 2023: a bucket this
    # configuration creates without a block of its own gets that default.
    blocked = aws_logging.bucket_blocked(own, account, default=True)
    return shown, region_of(target), blocked


@handles("aws_cloudtrail", kinds=("trail",))
def cloudtrail(rec: TfResource, index: TfIndex) -> list[Resource]:
    bucket, bucket_region, blocked = _bucket(rec, index)
    trail = aws_logging.trail(
        all_regions=get_bool(rec, "is_multi_region_trail", False),
        organization=get_bool(rec, "is_organization_trail", False),
        selectors=_selectors(rec, index),
        validation=get_bool(rec, "enable_log_file_validation", False),
        # CloudTrail encrypts with SSE-KMS only under a customer-managed key (it has no
        # AWS-managed key): a key named is a customer key.
        customer_key=is_set(rec, rec.values.get("kms_key_id")),
        logging=get_bool(rec, "enable_logging", True),
        bucket=bucket, bucket_region=bucket_region, blocked=blocked)
    events = _events_path(rec)
    return [resource(rec, "trail", logging=Logging(trail=trail, detail=trail.detail),
                     sources={**_TRAIL_SOURCES,
                              **({"logging.trail.management_events": events} if events else {})})]


def _events_path(rec: TfResource) -> str | None:
    """The basic event selector setting that leaves management events out (read or write
    events, or all of them), else the first selector's `read_write_type`; None without
    basic selectors (advanced ones are several field selectors: the trail is the place)."""
    selectors = get_blocks(rec, "event_selector")
    if isinstance(selectors, Unknown) or not selectors:
        return None
    for i, sel in enumerate(selectors):
        if get_bool(rec, "include_management_events", True, values=sel) is False:
            return block_path("event_selector", i, "include_management_events")
        if get_str(rec, "read_write_type", "All", values=sel) != "All":
            return block_path("event_selector", i, "read_write_type")
    return "event_selector.read_write_type"


# The attribute each trail value is read from (the keys of `rules/_trail.trail_facet`).
# Management events come from the event selectors, several blocks: the trail is the place.
_TRAIL_SOURCES = {f"logging.trail.{name}": path for name, path in (
    ("all_regions", "is_multi_region_trail"), ("organization", "is_organization_trail"),
    ("validation", "enable_log_file_validation"), ("customer_key", "kms_key_id"),
    ("logging", "enable_logging"), ("bucket", "s3_bucket_name"))}


# --- networks and load balancers -------------------------------------------------------------

_FLOW_LOGS = ("aws_flow_log",)


@handles("aws_vpc", "aws_default_vpc", kinds=("network",))
def vpc(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A VPC, with the flow logs of this configuration attached to it (`aws_flow_log`
    naming it in `vpc_id`): findings point at the deciding flow log's `traffic_type`
    (none attached: the VPC, since no other resource holds an absence)."""
    logs = linked(index, rec, "vpc_id", _FLOW_LOGS)
    enabled, detail, deciding = aws_logging.flow_logging(
        [get_str(log, "traffic_type", Unknown(f"{log.address}: traffic_type is not set"))
         for log in logs])
    sources = {} if deciding is None else \
        {"logging.enabled": held_by(logs[deciding], "traffic_type")}
    return [resource(rec, "network", logging=Logging(enabled=enabled, detail=detail),
                     sources=sources)]


def lb_access_logs(rec: TfResource) -> Logging | None:
    """`aws_lb`/`aws_alb` access logs: the `access_logs` block's `enabled` defaults to
    false, even with a bucket. Gateway load balancers have no access logs (None)."""
    if get_str(rec, "load_balancer_type", "application") == "gateway":
        return None
    found = get_blocks(rec, "access_logs")
    if isinstance(found, Unknown):
        return Logging(enabled=found, detail="access logs unresolved")
    block = found[0] if found else {}
    enabled, detail = aws_logging.access_logging(
        get_bool(rec, "enabled", False, values=block), block.get("bucket"))
    return Logging(enabled=enabled, detail=detail)


def access_logs_sources(rec: TfResource) -> dict[str, str]:
    """Where a load balancer's access-log switch is written: `access_logs.enabled` (not
    set: the block's default, or no block at all)."""
    return {"logging.enabled": "access_logs.enabled"}


def classic_access_logs(rec: TfResource) -> Logging:
    """Classic `aws_elb` access logs: an `access_logs` block is enabled unless it says not."""
    found = get_blocks(rec, "access_logs")
    if isinstance(found, Unknown):
        return Logging(enabled=found, detail="access logs unresolved")
    block = found[0] if found else None
    enabled = False if block is None else get_bool(rec, "enabled", True, values=block)
    on, detail = aws_logging.access_logging(enabled, (block or {}).get("bucket"))
    return Logging(enabled=on, detail=detail)


@handles("aws_cloudwatch_log_group", kinds=("log-group",))
def log_group(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A log group; retention_in_days omitted or 0 keeps the logs forever."""
    days = get_int(rec, "retention_in_days", 0)
    return [resource(rec, "log-group", ids=ids_of(rec, "name"),
                     logging=Logging(retention_days=days, detail=aws_logging.retention_shown(days)),
                     sources={"logging.retention_days": "retention_in_days"})]


@handles("aws_flow_log", "aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block",
         "aws_s3_bucket_logging", kinds=())
def linked_only(rec: TfResource, index: TfIndex) -> list[Resource]:
    """Read through the VPC they log, or the bucket they protect or log."""
    return []
