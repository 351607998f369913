"""The AWS mapping of access traceability (`hds_iac.adapters.aws_logging`), shared by the
Terraform and live adapters: what each CloudTrail, flow log, load balancer and database
setting means for HDS-LOG-*, including what stays unknown. Each case is what a user sees
through the rules (a pass, a fail, an unknown, or the words of a message); the mutation
run (scripts/mutation.py) showed these cases had no test."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_logging
from hds_iac.adapters.aws_logging import Selector
from hds_iac.model import Logging, ObjectEvents, Trail, Unknown

DENIED = Unknown("denied", ("aws_x.y",))
S3 = aws_logging.S3_OBJECT


def _basic(mode=None, management=None, resources=()):
    return Selector(management=management, read_write=mode, data_resources=resources)


def _advanced(operators=None, **fields):
    return Selector(fields={k.replace("__", "."): v for k, v in fields.items()},
                    operators=operators)


# --- management events (HDS-LOG-001: read and write management events) ---------------------

@pytest.mark.parametrize("selectors, expected, shown", [
    ([], True, "management events: read and write (default)"),
    ([_basic()], True, "management events: read and write"),
    ([_basic("All", True)], True, "management events: read and write"),
    ([_basic("ReadOnly")], False, "management events: read only"),
    ([_basic("WriteOnly")], False, "management events: write only"),
    ([_basic("ReadOnly"), _basic("WriteOnly")], True, "management events: read and write"),
    ([_basic("All", False)], False, "management events: none"),
    ([_advanced(eventCategory=("Management",))], True, "management events: read and write"),
    ([_advanced(eventCategory=("Management",), readOnly=("true",))], False,
     "management events: read only"),
    ([_advanced(eventCategory=("Management",), readOnly=("false",))], False,
     "management events: write only"),
    ([_advanced(eventCategory=("Management",), readOnly=("true", "false"))], True,
     "management events: read and write"),
    ([_advanced(eventCategory=("Data",))], False, "management events: none"),
    ([_advanced(readOnly=("true",))], False, "management events: none"),
])
def test_management_events(selectors, expected, shown):
    assert aws_logging.management_events(selectors) == (expected, shown)


@pytest.mark.parametrize("selectors", [
    DENIED,
    [_basic(DENIED)],
    [_basic("All", DENIED)],
    [_basic("ReadOnly"), _basic(DENIED)],
    [_basic(DENIED), _basic("WriteOnly")],
    [_advanced(eventCategory=DENIED)],
    [_advanced(eventCategory=("Management",), readOnly=DENIED)],
])
def test_management_events_unresolved_are_unknown(selectors):
    got, shown = aws_logging.management_events(selectors)
    assert got == DENIED and shown == "event selectors unresolved"


def test_an_unresolved_selector_does_not_hide_others_that_record_everything():
    got = aws_logging.management_events([_basic(DENIED), _basic("ReadOnly"), _basic("WriteOnly")])
    assert got == (True, "management events: read and write")


# --- S3 object accesses (HDS-LOG-009) -------------------------------------------------------

@pytest.mark.parametrize("mode, read, write", [
    (None, True, True), ("All", True, True), ("ReadOnly", True, False),
    ("WriteOnly", False, True)])
def test_a_basic_selector_of_s3_objects_records_what_its_mode_says(mode, read, write):
    sel = _basic(mode, resources=[(S3, ("arn:aws:s3:::hds/",))])
    assert aws_logging.object_events([sel]) == (
        ObjectEvents(prefixes=("arn:aws:s3:::hds/",), read=read, write=write),)


def test_a_basic_selector_keeps_only_s3_objects_and_what_is_unresolved():
    lambdas = _basic(resources=[("AWS::Lambda::Function", ("arn:aws:lambda",))])
    assert aws_logging.object_events([lambdas]) == ()
    assert aws_logging.object_events([_basic()]) == ()
    mixed = _basic(resources=[("AWS::Lambda::Function", ("arn:aws:lambda",)), (DENIED, ("x",)),
                              (S3, DENIED), (S3, ("arn:aws:s3:::a/", "arn:aws:s3:::b/"))])
    assert aws_logging.object_events([mixed]) == (
        ObjectEvents(prefixes=(DENIED, DENIED, "arn:aws:s3:::a/", "arn:aws:s3:::b/")),)
    assert aws_logging.object_events([_basic(resources=DENIED)]) == (
        ObjectEvents(prefixes=(DENIED,)),)
    assert aws_logging.object_events([_basic(DENIED, resources=[(S3, ("arn:aws:s3",))])]) == (
        ObjectEvents(prefixes=("arn:aws:s3",), read=DENIED, write=DENIED),)
    assert aws_logging.object_events(DENIED) == DENIED


DATA = {"eventCategory": ("Data",), "resources.type": (S3,)}


@pytest.mark.parametrize("fields", [
    {"eventCategory": ("Data",)},
    {"resources.type": (S3,)},
    {"eventCategory": ("Management",), "resources.type": (S3,)},
    {"eventCategory": ("Data",), "resources.type": ("AWS::DynamoDB::Table",)},
])
def test_an_advanced_selector_of_other_events_records_no_s3_object(fields):
    assert aws_logging.object_events([Selector(fields=fields)]) == ()


@pytest.mark.parametrize("field", ["eventCategory", "resources.type"])
def test_an_advanced_selector_whose_category_or_type_is_unresolved_covers_unknown_buckets(field):
    sel = Selector(fields={**DATA, field: DENIED})
    assert aws_logging.object_events([sel]) == (ObjectEvents(prefixes=(DENIED,)),)


@pytest.mark.parametrize("read_only, read, write", [
    (None, True, True), (("true",), True, False), (("false",), False, True),
    (("true", "false"), True, True), (DENIED, DENIED, DENIED)])
def test_an_advanced_selector_of_s3_objects_records_what_read_only_says(read_only, read, write):
    fields = dict(DATA, **({} if read_only is None else {"readOnly": read_only}))
    assert aws_logging.object_events([Selector(fields=fields)]) == (
        ObjectEvents(prefixes=("",), read=read, write=write),)


def test_an_advanced_selector_covers_the_buckets_its_arn_starts_with():
    starts = Selector(fields=DATA, operators={"resources.ARN": {"StartsWith": ("arn:aws:s3:::h/",)}})
    assert aws_logging.object_events([starts])[0].prefixes == ("arn:aws:s3:::h/",)
    equals = Selector(fields={**DATA, "resources.ARN": ("arn:aws:s3:::h/key",)})
    assert aws_logging.object_events([equals])[0].prefixes == ()
    for sel in (Selector(fields={**DATA, "resources.ARN": DENIED}),
                Selector(fields=DATA, operators={"resources.ARN": {"StartsWith": DENIED}})):
        assert aws_logging.object_events([sel])[0].prefixes == (DENIED,)


@pytest.mark.parametrize("fields, operators, named", [
    ({**DATA, "eventName": ("GetObject",)}, None, "eventName"),
    (DATA, {"resources.ARN": {"NotStartsWith": ("arn:aws:s3:::h/",)}},
     "resources.ARN NotStartsWith"),
    (DATA, {"readOnly": {"NotEquals": ("true",)}}, "readOnly NotEquals"),
    (DATA, {"eventCategory": {"NotEquals": ("Management",)}}, "eventCategory NotEquals"),
    (DATA, {"resources.type": {"StartsWith": ("AWS::S3",)}}, "resources.type StartsWith"),
])
def test_an_advanced_selector_that_filters_on_what_hds_iac_does_not_judge_is_unknown(
        fields, operators, named):
    (got,) = aws_logging.object_events([Selector(fields=fields, operators=operators)])
    assert isinstance(got.read, Unknown) and got.read == got.write
    assert f"also filters on {named}, which" in got.read.reason


# --- buckets: health data, server access logs, public access ---------------------------------

def test_health_data_unread_tags_are_unknown_and_say_which_tag():
    got = aws_logging.health_data(DENIED, "hds")
    assert isinstance(got, Unknown) and "tag hds is not known (denied)" in got.reason
    assert got.refs == DENIED.refs
    assert aws_logging.health_data({}, "hds") is True


def test_server_access_logs():
    assert aws_logging.server_access_logs(DENIED, "logs") == Logging(enabled=DENIED)
    assert aws_logging.server_access_logs(True, "logs") == Logging(enabled=True, detail="logs")
    assert aws_logging.server_access_logs(True, "").detail == "?"
    assert aws_logging.server_access_logs(True, DENIED).detail == "?"
    assert aws_logging.server_access_logs(False, "logs") == Logging(enabled=False)


ON = dict.fromkeys(aws_logging.BLOCK_PUBLIC_ACCESS, True)


@pytest.mark.parametrize("switches, expected", [
    (None, None), (DENIED, DENIED), (ON, True),
    ({**ON, "block_public_acls": False}, False),
    ({**ON, "restrict_public_buckets": None}, False),
    ({k: v for k, v in ON.items() if k != "ignore_public_acls"}, False),
    ({**ON, "block_public_policy": DENIED}, DENIED),
    ({**ON, "block_public_policy": DENIED, "ignore_public_acls": False}, False),
])
def test_public_access_blocked_needs_all_four_switches(switches, expected):
    assert aws_logging.public_access_blocked(switches) == expected


def test_a_block_public_access_switch_of_unexpected_value_is_unknown():
    got = aws_logging.public_access_blocked({**ON, "block_public_acls": "yes"})
    assert isinstance(got, Unknown)


@pytest.mark.parametrize("own, account, default, expected", [
    (True, None, None, True), (None, True, False, True), (False, True, False, True),
    (DENIED, None, True, DENIED), (False, DENIED, True, DENIED), (None, DENIED, True, DENIED),
    (False, None, True, False), (False, False, True, False),
    (None, None, True, True), (None, None, False, False), (None, None, None, None),
    (None, False, True, True),
])
def test_bucket_blocked(own, account, default, expected):
    assert aws_logging.bucket_blocked(own, account, default) == expected


# --- the trail's message ----------------------------------------------------------------------

def _trail(**kw):
    settings = dict(all_regions=True, organization=False, selectors=[], validation=True,
                    customer_key=True, logging=True, bucket="audit", bucket_region="eu-west-3",
                    blocked=True)
    settings.update(kw)
    return aws_logging.trail(**settings)


def test_a_trail_message_shows_each_switch():
    assert _trail().detail == ("multi-region, log file validation, customer-managed KMS key, "
                               "logging on, S3 audit, management events: read and write (default)")
    assert _trail(all_regions=False, validation=False, customer_key=False, logging=False,
                  bucket="", selectors=[_basic("ReadOnly")]).detail == (
        "single-region, no log file validation, no KMS key (SSE-S3), logging stopped, S3 ?, "
        "management events: read only")
    assert _trail(organization=True, all_regions=False).detail.startswith("organisation trail, ")
    assert _trail(all_regions=DENIED, validation=DENIED, bucket=DENIED).detail.startswith(
        "multi-region: ?, log file validation: ?, customer-managed KMS key, logging on, S3 ?")


def test_a_trail_carries_its_settings_and_s3_object_events():
    sel = _basic(resources=[(S3, ("arn:aws:s3",))])
    got = _trail(selectors=[sel], blocked=DENIED, bucket_region=None)
    assert got.management_events is True and got.bucket_blocked == DENIED
    assert got.bucket == "audit" and got.bucket_region is None and got.exists is True
    assert got.object_events == (ObjectEvents(prefixes=("arn:aws:s3",)),)


def test_no_trail_names_the_regions_read():
    got = aws_logging.no_trail(["eu-west-3", "eu-central-1"])
    assert got == Trail(exists=False, detail="no trail listed in eu-central-1, eu-west-3")


# --- flow logs, load balancer access logs -----------------------------------------------------

@pytest.mark.parametrize("types, expected, shown, deciding", [
    ([], False, "no flow log", None),
    (["all"], True, "flow logs: ALL", 0),
    (["ACCEPT"], True, "flow logs: ACCEPT", 0),
    (["reject", "ACCEPT", "REJECT"], True, "flow logs: ACCEPT, REJECT", 1),
    (["REJECT"], False, "flow logs: REJECT", 0),
    ([DENIED, "ALL"], True, "flow logs: ALL", 1),
    (["REJECT", DENIED], DENIED, "flow log traffic type unresolved", 1),
    (DENIED, DENIED, "flow logs unresolved", None),
])
def test_flow_logging_needs_the_accepted_traffic(types, expected, shown, deciding):
    # `deciding`: the flow log findings point at (None: no flow log holds the answer).
    assert aws_logging.flow_logging(types) == (expected, shown, deciding)


@pytest.mark.parametrize("enabled, bucket, expected", [
    (DENIED, "b", (DENIED, "access logs unresolved")),
    (True, "b", (True, "access logs to bucket b")),
    (True, "", (True, "access logs to bucket unresolved")),
    (True, DENIED, (True, "access logs to bucket unresolved")),
    (False, "b", (False, "access logs off")),
    (None, None, (False, "access logs off")),
])
def test_access_logging(enabled, bucket, expected):
    assert aws_logging.access_logging(enabled, bucket) == expected


# --- database log exports (HDS-LOG-006) -------------------------------------------------------

@pytest.mark.parametrize("engine, needed", sorted(aws_logging.AUDIT_LOG_TYPES.items()))
def test_each_engine_needs_its_audit_log_type(engine, needed):
    assert aws_logging.db_log_exports(engine, [needed, "error"]) == Logging(
        enabled=True,
        detail=f"log exports: {', '.join(sorted((needed, 'error')))} ({engine}: {needed})")
    assert aws_logging.db_log_exports(engine, ["error"]).enabled is False


def test_db_log_exports_unknowns_and_messages():
    assert aws_logging.db_log_exports("mysql", None) == Logging(
        enabled=False, detail="log exports: none (mysql: audit)")
    assert aws_logging.db_log_exports("postgres", DENIED) == Logging(
        enabled=DENIED, detail="log exports: ? (postgres: postgresql)")
    assert aws_logging.db_log_exports(DENIED, ["audit"]) == Logging(
        enabled=DENIED, detail="log exports: audit")
    for engine in (None, ""):
        got = aws_logging.db_log_exports(engine, [])
        assert got.enabled == Unknown("the database engine is not known")
        assert got.detail == "log exports: none"
    sql = aws_logging.db_log_exports("sqlserver-ee", ["error", "agent"])
    assert isinstance(sql.enabled, Unknown) and "SQL Server" in sql.enabled.reason
    assert sql.detail == "log exports: agent, error"
    other = aws_logging.db_log_exports("db2-se", ["audit"])
    assert other.enabled == Unknown("hds-iac knows no audit log type for engine db2-se")
