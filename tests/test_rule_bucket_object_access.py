"""HDS-LOG-009 on hand-built model objects: which selectors cover a bucket, reads and
writes adding up over trails, the trail's region and status, the health data tag."""
from __future__ import annotations

import pytest

from rule_helpers import run

from hds_iac.adapters import aws_logging
from hds_iac.adapters.aws_logging import Selector
from hds_iac.model import Logging, ObjectEvents, Origin, Resource, Trail, Unknown
from hds_iac.rules.log_009_bucket_object_access import covers

PARIS, LONDON = "eu-west-3", "eu-west-2"


@pytest.mark.parametrize("prefix,bucket,expected", [
    ("arn:aws:s3", "hds", True),
    ("arn:aws:s3:::", "hds", True),
    ("", "hds", True),
    ("arn:aws:s3:::hds/", "hds", True),
    ("arn:aws:s3:::hds", "hds", True),
    ("arn:aws-cn:s3:::hds/", "hds", True),
    ("arn:aws:s3:::hds/images/", "hds", False),  # part of the bucket only
    ("arn:aws:s3:::hds-other/", "hds", False),
    ("arn:aws:s3:::hd/", "hds", False),
    ("arn:aws:s3:::hds/", None, False),  # a bucket whose name is not known
    ("arn:aws:s3", None, True),
])
def test_which_prefixes_cover_a_whole_bucket(prefix, bucket, expected):
    assert covers(prefix, bucket) is expected


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov", "aws-eusc", "aws-iso",
                                       "aws-iso-b"])
def test_a_prefix_of_every_partition_covers_the_bucket(partition):
    assert covers(f"arn:{partition}:s3:::hds/", "hds") is True
    assert covers(f"arn:{partition}:s3", None) is True


DATA = {"eventCategory": ("Data",), "resources.type": ("AWS::S3::Object",)}


def test_object_events_of_each_selector_kind():
    basic = Selector(read_write="ReadOnly", data_resources=[
        ("AWS::S3::Object", ("arn:aws:s3:::hds/",)), ("AWS::Lambda::Function", ("arn:aws:lambda",))])
    management = Selector(read_write="All")
    [got] = aws_logging.object_events([basic, management])
    assert got == ObjectEvents(prefixes=("arn:aws:s3:::hds/",), read=True, write=False)
    every = Selector(fields={**DATA, "readOnly": ("false",)})
    assert aws_logging.object_events([every]) == (ObjectEvents(prefixes=("",), read=False,
                                                               write=True),)
    starts = Selector(fields=dict(DATA), operators={
        "resources.ARN": {"StartsWith": ("arn:aws:s3:::hds/",)}})
    assert aws_logging.object_events([starts])[0].prefixes == ("arn:aws:s3:::hds/",)
    exact = Selector(fields={**DATA, "resources.ARN": ("arn:aws:s3:::hds/one-file",)})
    assert aws_logging.object_events([exact])[0].prefixes == ()  # single objects only
    other = Selector(fields={"eventCategory": ("Data",),
                             "resources.type": ("AWS::DynamoDB::Table",)})
    assert aws_logging.object_events([other]) == ()


def test_a_selector_hds_iac_cannot_weigh_leaves_its_reads_and_writes_unknown():
    excluded = Selector(fields=dict(DATA), operators={
        "resources.ARN": {"NotStartsWith": ("arn:aws:s3:::logs/",)}})
    [got] = aws_logging.object_events([excluded])
    assert got.prefixes == ("",)
    assert isinstance(got.read, Unknown) and "NotStartsWith" in got.read.reason
    named = Selector(fields={**DATA, "eventName": ("PutObject",)})
    [got] = aws_logging.object_events([named])
    assert isinstance(got.write, Unknown) and "eventName" in got.write.reason
    unresolved = Selector(read_write=Unknown("var.mode"), data_resources=[
        ("AWS::S3::Object", ("arn:aws:s3",))])
    [got] = aws_logging.object_events([unresolved])
    assert isinstance(got.read, Unknown) and isinstance(got.write, Unknown)


def test_health_data_tag():
    tag = "hds-iac:health-data"
    assert aws_logging.health_data(None, tag) is True
    assert aws_logging.health_data({"team": "x"}, tag) is True
    assert aws_logging.health_data({tag: "false"}, tag) is False
    assert aws_logging.health_data({tag: "No"}, tag) is False
    assert aws_logging.health_data({tag: "true"}, tag) is True
    assert isinstance(aws_logging.health_data(Unknown("denied"), tag), Unknown)


def _bucket(name: str = "hds", *, logs: object = False, health: object = True,
            all_trails: bool = True, region: str = PARIS) -> Resource:
    return Resource(address=f"arn:aws:s3:::{name}", type="AWS::S3::Bucket", provider="aws",
                    kind="bucket", region=region, origin=Origin(source="aws"),
                    ids=(f"arn:aws:s3:::{name}", name),
                    logging=Logging(enabled=logs, health_data=health, all_trails=all_trails,
                                    detail="no server access logs"))


def _trail(name: str, *events: ObjectEvents, region: str = PARIS, all_regions: bool = True,
           logging: object = True) -> Resource:
    return _trail_of(name, Trail(all_regions=all_regions, logging=logging,
                                 object_events=tuple(events)), region)


def _trail_of(name: str, facet: object, region: str = PARIS) -> Resource:
    """A trail as a live scan reads it, whatever its facet (an Unknown when unreadable)."""
    return Resource(address=f"arn:aws:cloudtrail:{region}:1:trail/{name}",
                    type="AWS::CloudTrail::Trail", provider="aws", kind="trail", region=region,
                    origin=Origin(source="aws"), logging=Logging(trail=facet))


def _status(*resources: Resource) -> list[tuple[str, str]]:
    return [(v.status, v.message) for v in run("HDS-LOG-009", *resources)
            if v.resource.kind == "bucket"]


def test_reads_and_writes_add_up_over_trails():
    reads = _trail("reads", ObjectEvents(prefixes=("arn:aws:s3",), read=True, write=False))
    writes = _trail("writes", ObjectEvents(prefixes=("arn:aws:s3:::hds/",), read=False,
                                           write=True))
    assert _status(_bucket(), reads, writes) == [("pass", "pass_trails")]
    assert _status(_bucket(), reads) == [("fail", "fail")]
    # From code, the missing half may be recorded by a trail of another configuration.
    assert _status(_bucket(all_trails=False), reads) == [("unknown", "unknown_elsewhere")]


def test_only_a_logging_trail_of_the_bucket_region_counts():
    every = ObjectEvents(prefixes=("arn:aws:s3",))
    assert _status(_bucket(), _trail("here", every, all_regions=False)) == [
        ("pass", "pass_trails")]
    assert _status(_bucket(), _trail("away", every, region=LONDON, all_regions=False)) == [
        ("fail", "fail")]
    assert _status(_bucket(), _trail("stopped", every, logging=False)) == [("fail", "fail")]
    assert _status(_bucket(), _trail("unread", every, logging=Unknown("denied"))) == [
        ("unknown", "unknown")]


def test_access_logs_tags_and_unknowns():
    assert _status(_bucket(logs=True)) == [("pass", "pass_access_logs")]
    assert _status(_bucket(health=False)) == []
    assert _status(_bucket(health=Unknown("tags denied"))) == [("unknown", "unknown")]
    assert _status(_bucket(logs=Unknown("GetBucketLogging denied"))) == [("unknown", "unknown")]
    # A trail that records everything decides whatever the bucket's own reads said.
    every = _trail("all", ObjectEvents(prefixes=("",)))
    assert _status(_bucket(logs=Unknown("denied"), health=Unknown("denied")), every) == [
        ("pass", "pass_trails")]
    unresolved = _trail("var", ObjectEvents(prefixes=(Unknown("var.prefixes"),)))
    verdicts = run("HDS-LOG-009", _bucket(), unresolved)
    assert [(v.status, v.params["reason"]) for v in verdicts] == [("unknown", "var.prefixes")]


def test_a_bucket_whose_name_is_not_known_is_unknown_unless_another_value_is():
    """Only a selector of every bucket could cover a bucket known by its ARN alone: with
    none, even a live scan (every trail listed) cannot fail it; a value that is itself
    unknown gives its own reason first."""
    named_only = _trail("named", ObjectEvents(prefixes=("arn:aws:s3:::hds/",)))
    nameless = _bucket()
    nameless.ids = nameless.ids[:1]  # the ARN only
    [verdict] = run("HDS-LOG-009", nameless, named_only)
    assert (verdict.status, verdict.params["reason"]) == (
        "unknown", "the bucket's name is not known")
    unread = _bucket(logs=Unknown("GetBucketLogging denied"))
    unread.ids = unread.ids[:1]
    [verdict] = run("HDS-LOG-009", unread, named_only)
    assert (verdict.status, verdict.params["reason"]) == ("unknown", "GetBucketLogging denied")


def test_a_trail_that_cannot_be_read_may_record_both_halves():
    """An unreadable trail (or unreadable event selectors) may record the bucket's reads
    and writes: unknown, never a fail; with a trail that records the writes, the reads
    stay unknown too."""
    unread = _trail_of("x", Unknown("cloudtrail:DescribeTrails denied"))
    assert _status(_bucket(), unread) == [("unknown", "unknown")]
    writes = _trail("writes", ObjectEvents(prefixes=("arn:aws:s3",), read=False, write=True))
    reads = _trail("reads", ObjectEvents(prefixes=("arn:aws:s3",), read=True, write=False))
    unread_events = _trail_of("y", Trail(all_regions=True,
                                         object_events=Unknown("GetEventSelectors denied")))
    # whichever half the readable trails miss (found by mutation: each half on its own)
    for other in (writes, reads):
        assert _status(_bucket(), unread, other) == [("unknown", "unknown")]
        assert _status(_bucket(), unread_events, other) == [("unknown", "unknown")]


def test_a_multi_region_trail_of_another_region_records_the_bucket():
    # A multi-region trail (not an organisation's) records every region (found by mutation).
    every = ObjectEvents(prefixes=("arn:aws:s3",))
    assert _status(_bucket(), _trail("away", every, region=LONDON, all_regions=True)) == [
        ("pass", "pass_trails")]


def test_a_selector_of_unknown_scope_leaves_unknown_only_the_halves_it_records():
    # A write-only selector whose prefix is unresolved says nothing of the reads: with the
    # writes recorded elsewhere and no read recorded anywhere, a live scan fails the bucket
    # (found by mutation).
    writes = _trail("writes", ObjectEvents(prefixes=("arn:aws:s3",), read=False, write=True))
    unresolved = _trail("var", ObjectEvents(prefixes=(Unknown("var.prefixes"),), read=False,
                                            write=True))
    assert _status(_bucket(), writes, unresolved) == [("fail", "fail")]


def test_a_pass_names_the_trails_that_record_the_bucket():
    reads = _trail("reads", ObjectEvents(prefixes=("arn:aws:s3",), read=True, write=False))
    writes = _trail("writes", ObjectEvents(prefixes=("arn:aws:s3:::hds/",), read=False,
                                           write=True))
    (verdict,) = run("HDS-LOG-009", _bucket(), reads, writes)
    assert verdict.params["trails"] == (
        "arn:aws:cloudtrail:eu-west-3:1:trail/reads, arn:aws:cloudtrail:eu-west-3:1:trail/writes")


def test_messages_say_what_the_bucket_and_its_trails_record():
    # Found by mutation: the access-log and recorded-halves texts of each case.
    def detail(v, key):
        return (v.params[key].en, v.params[key].fr)
    [on] = run("HDS-LOG-009", _bucket(logs=True))
    assert detail(on, "detail")[0] == "server access logs to bucket no server access logs"
    reads = _trail("reads", ObjectEvents(prefixes=("arn:aws:s3",), read=True, write=False))
    writes = _trail("writes", ObjectEvents(prefixes=("arn:aws:s3",), read=False, write=True))
    [only_reads] = run("HDS-LOG-009", _bucket(), reads)
    assert detail(only_reads, "detail")[0] == "no server access logs"
    assert detail(only_reads, "recorded") == ("reads only", "les lectures seulement")
    [only_writes] = run("HDS-LOG-009", _bucket(logs=Unknown("denied")), writes)
    assert detail(only_writes, "detail")[0] == "server access logs unresolved"
    assert detail(only_writes, "recorded") == ("writes only", "les écritures seulement")
    [nothing] = run("HDS-LOG-009", _bucket())
    assert detail(nothing, "recorded") == ("none", "aucun")


def test_a_trail_recorded_by_two_selectors_is_named_once():
    both = _trail("both", ObjectEvents(prefixes=("arn:aws:s3",), read=True, write=False),
                  ObjectEvents(prefixes=("arn:aws:s3:::hds/",), read=True, write=True))
    (verdict,) = run("HDS-LOG-009", _bucket(), both)
    assert verdict.params["trails"] == "arn:aws:cloudtrail:eu-west-3:1:trail/both"


def test_a_trail_that_does_not_exist_records_nothing():
    every = (ObjectEvents(prefixes=("arn:aws:s3",)),)
    gone = _trail_of("account", Trail(exists=False, all_regions=True, object_events=every))
    assert _status(_bucket(), gone) == [("fail", "fail")]


def test_a_trail_listing_that_did_not_answer_makes_the_fail_unknown():
    from hds_iac import engine
    from hds_iac.model import Inventory, ReadGap
    from hds_iac.settings import Settings
    gap = ReadGap("aws", PARIS, frozenset({"trail"}), "cloudtrail:DescribeTrails denied in eu-west-3")
    found = engine.run(Inventory([_bucket()], gaps=[gap]), Settings(), ["HDS-LOG-009"])
    assert [f.status for f in found] == ["unknown"]
    assert [f.status for f in engine.run(Inventory([_bucket()]), Settings(), ["HDS-LOG-009"])] == [
        "fail"]
