"""The AWS mapping of access traceability (CloudTrail), shared by every source.

Terraform records (`aws_cloudtrail`, HCL, plans and states) and live answers
(`DescribeTrails`, `GetTrailStatus`, `GetEventSelectors`, `GetPublicAccessBlock`) name the
same settings differently; both adapters put them into the same shape and call these
functions, so the same trail gets the same facts, hence the same verdict, from every source.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from hds_iac.adapters.attestation import attestation
from hds_iac.model import Logging, Maybe, ObjectEvents, Trail, Unknown

# The four switches of S3 Block Public Access, as Terraform names them; the API uses the
# CamelCase forms (BlockPublicAcls...).
BLOCK_PUBLIC_ACCESS = {
    "block_public_acls": "BlockPublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "ignore_public_acls": "IgnorePublicAcls",
    "restrict_public_buckets": "RestrictPublicBuckets",
}


@dataclass(frozen=True)
class Selector:
    """One event selector of a trail, in one shape for both selector kinds.

    Basic selectors (`event_selector`, `EventSelectors`) give `management` (include
    management events) and `read_write` ("All", "ReadOnly", "WriteOnly"). Advanced selectors
    (`advanced_event_selector`, `AdvancedEventSelectors`) give their field selectors as
    `fields`: field name -> values it equals."""

    management: Maybe[bool] | None = None
    read_write: Maybe[str] | None = None
    fields: dict[str, Maybe[tuple[str, ...]]] | None = None
    # Basic selectors: their data resources, (type, ARN prefixes) each.
    data_resources: Maybe[list[tuple[Maybe[str], Maybe[tuple[Maybe[str], ...]]]]] = ()
    # Advanced selectors: the operators other than Equals, field name -> API operator
    # name (StartsWith, NotEquals, NotStartsWith, EndsWith, NotEndsWith) -> values.
    operators: dict[str, dict[str, Maybe[tuple[str, ...]]]] | None = None


def management_events(selectors: Maybe[list[Selector]]) -> tuple[Maybe[bool], str]:
    """Whether the trail records both read and write management events, and what it
    records, for messages. No selector at all is CloudTrail's default: every management
    event, read and write."""
    if isinstance(selectors, Unknown):
        return selectors, "event selectors unresolved"
    if not selectors:
        return True, "management events: read and write (default)"
    read: Maybe[bool] = False
    write: Maybe[bool] = False
    unresolved: Unknown | None = None
    for sel in selectors:
        got = _selector_scope(sel)
        if isinstance(got, Unknown):
            unresolved = unresolved or got
            continue
        read = read or got[0]
        write = write or got[1]
    if read and write:
        return True, "management events: read and write"
    if unresolved is not None:
        return unresolved, "event selectors unresolved"
    shown = "write only" if write else "read only" if read else "none"
    return False, f"management events: {shown}"


def _selector_scope(sel: Selector) -> Maybe[tuple[bool, bool]]:
    """(records read management events, records write ones) for one selector."""
    if sel.fields is not None:
        category = sel.fields.get("eventCategory")
        if category is None:
            return False, False
        if isinstance(category, Unknown):
            return category
        if "Management" not in category:
            return False, False
        read_only = sel.fields.get("readOnly")
        if read_only is None:
            return True, True
        if isinstance(read_only, Unknown):
            return read_only
        return "true" in read_only, "false" in read_only
    include = True if sel.management is None else sel.management
    mode = "All" if sel.read_write is None else sel.read_write
    if isinstance(include, Unknown):
        return include
    if isinstance(mode, Unknown):
        return mode
    if include is not True:
        return False, False
    return mode in ("All", "ReadOnly"), mode in ("All", "WriteOnly")


# --- S3 object-level accesses (CloudTrail data events) -------------------------------------

S3_OBJECT = "AWS::S3::Object"
# The fields of an advanced selector hds-iac judges for S3 data events; any other field
# (eventName, userIdentity.arn, eventSource...) narrows what is recorded in a way the
# rule cannot weigh: such a selector is unknown, never a pass.
_OBJECT_FIELDS = frozenset({"eventCategory", "resources.type", "resources.ARN", "readOnly"})
# Terraform's operator names, as the API names them.
TF_OPERATORS = {"starts_with": "StartsWith", "not_equals": "NotEquals",
                "not_starts_with": "NotStartsWith", "ends_with": "EndsWith",
                "not_ends_with": "NotEndsWith"}


def object_events(selectors: Maybe[list[Selector]]) -> Maybe[tuple[ObjectEvents, ...]]:
    """What each selector records of S3 object accesses (data events on AWS::S3::Object):
    the ARN prefixes of the objects, and whether reads and writes. What cannot be read of
    a selector stays Unknown inside its entry (its prefixes, or its reads and writes), so
    that a bucket it does not concern, or that another selector covers, is still judged.
    No selector at all records management events only."""
    if isinstance(selectors, Unknown):
        return selectors
    out: list[ObjectEvents] = []
    for sel in selectors:
        got = _advanced_objects(sel) if sel.fields is not None else _basic_objects(sel)
        if got is not None:
            out.append(got)
    return tuple(out)


def _read_write(mode: Maybe[str] | None) -> tuple[Maybe[bool], Maybe[bool]]:
    mode = "All" if mode is None else mode
    if isinstance(mode, Unknown):
        return mode, mode
    return mode in ("All", "ReadOnly"), mode in ("All", "WriteOnly")


def _basic_objects(sel: Selector) -> ObjectEvents | None:
    resources = sel.data_resources
    prefixes: list[Maybe[str]] = []
    if isinstance(resources, Unknown):
        prefixes.append(resources)
        resources = []
    for kind, values in resources:
        if isinstance(kind, Unknown):
            prefixes.append(kind)
        elif kind == S3_OBJECT:
            if isinstance(values, Unknown):
                prefixes.append(values)
            else:
                prefixes.extend(values)
    if not prefixes:
        return None
    read, write = _read_write(sel.read_write)
    return ObjectEvents(prefixes=tuple(prefixes), read=read, write=write)


def _advanced_objects(sel: Selector) -> ObjectEvents | None:
    fields = sel.fields or {}
    operators = sel.operators or {}
    category, kinds = fields.get("eventCategory"), fields.get("resources.type")
    for value in (category, kinds):
        if isinstance(value, Unknown):
            return ObjectEvents(prefixes=(value,))
    if category is None or "Data" not in category or kinds is None or S3_OBJECT not in kinds:
        return None
    arn_equals = fields.get("resources.ARN")
    arn_starts = operators.get("resources.ARN", {}).get("StartsWith")
    prefixes: tuple[Maybe[str], ...]
    if isinstance(arn_equals, Unknown) or isinstance(arn_starts, Unknown):
        prefixes = (arn_equals if isinstance(arn_equals, Unknown) else arn_starts,)
    elif arn_equals is None and arn_starts is None:
        prefixes = ("",)  # every object
    else:
        # Equals names single objects, never a whole bucket: only StartsWith can cover one.
        prefixes = tuple(arn_starts or ())
    others = sorted((set(fields) | set(operators)) - _OBJECT_FIELDS)
    others += sorted(f"resources.ARN {op}" for op in operators.get("resources.ARN", {})
                     if op != "StartsWith")
    others += sorted(f"{name} {op}" for name in ("eventCategory", "resources.type", "readOnly")
                     for op in operators.get(name, {}))
    if others:
        unjudged = Unknown("an advanced event selector of S3 data events also filters on "
                           f"{', '.join(others)}, which hds-iac does not judge")
        return ObjectEvents(prefixes=prefixes, read=unjudged, write=unjudged)
    read_only = fields.get("readOnly")
    if isinstance(read_only, Unknown):
        return ObjectEvents(prefixes=prefixes, read=read_only, write=read_only)
    return ObjectEvents(prefixes=prefixes, read=read_only is None or "true" in read_only,
                        write=read_only is None or "false" in read_only)


def health_data(tags: Maybe[dict[str, Any]] | None, tag: str) -> Maybe[bool]:
    """Whether a bucket holds health data: yes unless its `tag` says false/no/0 (every
    bucket is a data store for hds-iac, as for encryption and location); Unknown when the
    tags cannot be read."""
    if isinstance(tags, Unknown):
        return Unknown(f"the tags cannot be read, so tag {tag} is not known ({tags.reason})",
                       tags.refs)
    if not tags or tag not in tags:
        return True
    return attestation(tags, tag)


def server_access_logs(enabled: Maybe[bool], target: Any) -> Logging:
    """A bucket's server access logs (`aws_s3_bucket_logging`, inline `logging`, live
    GetBucketLogging), before the rule adds what trails record."""
    # `detail` is the target bucket only: HDS-LOG-009 words the rest in each language.
    if isinstance(enabled, Unknown):
        return Logging(enabled=enabled)
    if enabled:
        shown = target if isinstance(target, str) and target else "?"
        return Logging(enabled=True, detail=shown)
    return Logging(enabled=False)


def public_access_blocked(switches: Maybe[dict[str, Any]] | None) -> Maybe[bool] | None:
    """True when all four Block Public Access switches are on, False when one is off,
    None when the bucket (or account) has no such configuration. `switches` maps the
    Terraform names to their values (True/False/Unknown)."""
    if switches is None:
        return None
    if isinstance(switches, Unknown):
        return switches
    values = [switches.get(name) for name in BLOCK_PUBLIC_ACCESS]
    if any(v is False or v is None for v in values):
        return False
    for value in values:
        if isinstance(value, Unknown):
            return value
    return all(v is True for v in values) or Unknown("unexpected Block Public Access value")


def bucket_blocked(own: Maybe[bool] | None, account: Maybe[bool] | None,
                   default: Maybe[bool] | None) -> Maybe[bool] | None:
    """Public access of a trail's bucket is blocked by the bucket's own configuration or
    the account's; `default` is what applies when neither is set (Terraform: S3 blocks
    public access on every new bucket since April 2023; live: not blocked)."""
    if own is True or account is True:
        return True
    for value in (own, account):
        if isinstance(value, Unknown):
            return value
    if own is False:
        return False
    return default


def describe(trail: Trail) -> str:
    """What a message shows of a trail's settings (names and switches only)."""
    def shown(value: Any, yes: str, no: str) -> str:
        if isinstance(value, Unknown):
            return f"{yes}: ?"
        return yes if value is True else no
    scope = ("organisation trail" if trail.organization is True else
             shown(trail.all_regions, "multi-region", "single-region"))
    bucket = trail.bucket if isinstance(trail.bucket, str) and trail.bucket else "?"
    return ", ".join((
        scope,
        shown(trail.validation, "log file validation", "no log file validation"),
        shown(trail.customer_key, "customer-managed KMS key", "no KMS key (SSE-S3)"),
        shown(trail.logging, "logging on", "logging stopped"),
        f"S3 {bucket}"))


def trail(*, all_regions: Maybe[bool], organization: Maybe[bool],
          selectors: Maybe[list[Selector]], validation: Maybe[bool],
          customer_key: Maybe[bool], logging: Maybe[bool], bucket: Maybe[str],
          bucket_region: Maybe[str] | None, blocked: Maybe[bool] | None) -> Trail:
    """The trail facet, from the settings however they were read."""
    events, shown = management_events(selectors)
    result = Trail(all_regions=all_regions, organization=organization,
                   management_events=events, validation=validation,
                   customer_key=customer_key, logging=logging, bucket=bucket,
                   bucket_region=bucket_region, bucket_blocked=blocked,
                   object_events=object_events(selectors))
    result.detail = f"{describe(result)}, {shown}"
    return result


def no_trail(read: Iterable[str]) -> Trail:
    """An account whose trail listings (every region in `read`) hold no trail."""
    regions = ", ".join(sorted(read))
    return Trail(exists=False, detail=f"no trail listed in {regions}")


# --- flow logs and access logs --------------------------------------------------------------

# Flow log traffic types that record the connections that were let in: ALL, or ACCEPT
# alone (hds-iac's choice: who reached what is the trace; REJECT alone records only the
# attempts that failed).
TRACING_TRAFFIC = ("ALL", "ACCEPT")


def flow_logging(traffic_types: Maybe[list[Maybe[str]]]
                 ) -> tuple[Maybe[bool], str, int | None]:
    """Whether a network's flow logs record the traffic let in, from the traffic type of
    each flow log attached to it (Terraform `aws_flow_log`, live `DescribeFlowLogs`), and
    which of them decides (its index; None when none is attached or they are unresolved)."""
    if isinstance(traffic_types, Unknown):
        return traffic_types, "flow logs unresolved", None
    if not traffic_types:
        return False, "no flow log", None
    known = [t for t in traffic_types if isinstance(t, str)]
    shown = "flow logs: " + ", ".join(sorted({t.upper() for t in known}))
    tracing = next((i for i, t in enumerate(traffic_types)
                    if isinstance(t, str) and t.upper() in TRACING_TRAFFIC), None)
    if tracing is not None:
        return True, shown, tracing
    unresolved = next((i for i, t in enumerate(traffic_types) if isinstance(t, Unknown)), None)
    if unresolved is not None:
        return traffic_types[unresolved], "flow log traffic type unresolved", unresolved  # type: ignore[return-value]
    return False, shown, 0


def access_logging(enabled: Maybe[bool] | None, bucket: Any) -> tuple[Maybe[bool], str]:
    """A load balancer's access logs, from its switch and destination bucket."""
    if isinstance(enabled, Unknown):
        return enabled, "access logs unresolved"
    if enabled is True:
        shown = bucket if isinstance(bucket, str) and bucket else "unresolved"
        return True, f"access logs to bucket {shown}"
    return False, "access logs off"


# --- database log exports ----------------------------------------------------------------------

# The log type each engine exports to CloudWatch Logs that records who connected and what
# they did (docs: "Publishing database logs to Amazon CloudWatch Logs" of RDS, Aurora,
# DocumentDB and Neptune). MySQL/MariaDB/Aurora MySQL: the audit log (MariaDB Audit Plugin
# or Aurora advanced auditing); PostgreSQL: the postgresql log, where log_connections and
# pgAudit write; Oracle, DocumentDB, Neptune: their audit log.
AUDIT_LOG_TYPES = {
    "mysql": "audit", "mariadb": "audit", "aurora": "audit", "aurora-mysql": "audit",
    "postgres": "postgresql", "aurora-postgresql": "postgresql",
    "oracle-ee": "audit", "oracle-ee-cdb": "audit", "oracle-se2": "audit",
    "oracle-se2-cdb": "audit", "custom-oracle-ee": "audit", "docdb": "audit", "neptune": "audit",
}


def db_log_exports(engine: Maybe[str] | None, exports: Maybe[list] | None) -> Logging:
    """Whether a database exports the log type of its engine that records connections and
    audited statements (`enabled_cloudwatch_logs_exports` / `EnabledCloudwatchLogsExports`).
    SQL Server exports no such type (SQL Server Audit writes to S3 through an option group,
    which hds-iac does not read): unknown, said so."""
    shown = "?" if isinstance(exports, Unknown) else "none" if not exports else \
        ", ".join(sorted(str(e) for e in exports))
    if isinstance(engine, Unknown):
        return Logging(enabled=engine, detail=f"log exports: {shown}")
    if not isinstance(engine, str) or not engine:
        return Logging(enabled=Unknown("the database engine is not known"),
                       detail=f"log exports: {shown}")
    needed = AUDIT_LOG_TYPES.get(engine)
    if needed is None:
        why = ("RDS for SQL Server exports no audit log type (SQL Server Audit writes to S3"
               " through an option group, which hds-iac does not read)"
               if engine.startswith("sqlserver") else
               f"hds-iac knows no audit log type for engine {engine}")
        return Logging(enabled=Unknown(why), detail=f"log exports: {shown}")
    detail = f"log exports: {shown} ({engine}: {needed})"
    if isinstance(exports, Unknown):
        return Logging(enabled=exports, detail=detail)
    return Logging(enabled=needed in (exports or []), detail=detail)


def retention_shown(days: Maybe[int] | None) -> str:
    """A log group's retention as messages show it."""
    if isinstance(days, Unknown) or days is None:
        return "retention ?"
    return "never expire" if days == 0 else f"retention {days} days"
