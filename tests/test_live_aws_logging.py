"""Access traceability read from a live account (HDS-LOG-*): CloudTrail trails built in a real
moto_server over HTTP, scanned by the CLI, one account per test (moto reset in between)."""
from __future__ import annotations

import json
import subprocess

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from aws_moto import ACCOUNT, FAKE_KEY, FAKE_SECRET, LONDON, PARIS, LiveAccount, clients  # noqa: E402

from hds_iac.live.aws import collect  # noqa: E402

BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with LiveAccount(tmp_path_factory.mktemp("moto-logging")) as env:
        yield env


@pytest.fixture()
def moto(live):
    return live.moto


@pytest.fixture()
def account(live):
    """An empty account for each test."""
    live.moto.reset()
    return clients(live.url)


def _bucket(client, name: str, region: str, block: dict | None) -> None:
    s3 = client("s3", region)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if block is not None:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)


def _scan(live, *, key: str = FAKE_KEY, secret: str = FAKE_SECRET,
          services: str = "cloudtrail") -> tuple[dict, subprocess.CompletedProcess]:
    proc = live.run("--services", services, "-o", "json", key=key, secret=secret)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


def _verdicts(report: dict) -> dict[tuple[str, str], tuple[str, str]]:
    return {(f["rule_id"], f["resource"]["address"]): (f["status"], f["message"])
            for f in report["findings"] if f["rule_id"].startswith("HDS-LOG-")}


def _trail_arn(name: str, region: str = PARIS) -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}"


def test_a_good_trail_passes_every_rule(live, moto, account):
    _bucket(account, "hds-trail-logs", PARIS, BLOCK_ALL)
    key = account("kms").create_key(Description="trail")["KeyMetadata"]["Arn"]
    trail = account("cloudtrail")
    trail.create_trail(Name="main", S3BucketName="hds-trail-logs", IsMultiRegionTrail=True,
                       EnableLogFileValidation=True, KmsKeyId=key)
    trail.start_logging(Name="main")
    report, _ = _scan(live)
    assert report["errors"] == []
    got = _verdicts(report)
    arn = _trail_arn("main")
    # Listed in both regions (a shadow copy in London), judged once.
    assert {k[1] for k in got} == {arn}
    assert got[("HDS-LOG-001", arn)][0] == "pass", got
    assert got[("HDS-LOG-002", arn)][0] == "pass", got
    status, message = got[("HDS-LOG-003", arn)]
    assert status == "pass" and "eu-west-3" in message, message


def test_a_weak_trail_fails_and_says_why(live, moto, account):
    _bucket(account, "hds-trail-london", LONDON, {**BLOCK_ALL, "BlockPublicPolicy": False})
    trail = account("cloudtrail", LONDON)
    trail.create_trail(Name="weak", S3BucketName="hds-trail-london")
    trail.put_event_selectors(TrailName="weak", EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    trail.start_logging(Name="weak")
    report, _ = _scan(live)
    got = _verdicts(report)
    arn = _trail_arn("weak", LONDON)
    status, message = got[("HDS-LOG-001", arn)]
    assert status == "fail" and "write only" in message, message
    status, message = got[("HDS-LOG-002", arn)]
    assert status == "fail" and "validation is off and" in message, message
    status, message = got[("HDS-LOG-003", arn)]
    assert status == "fail" and "outside" in message and "public access" in message, message


def test_a_stopped_trail_fails(live, moto, account):
    _bucket(account, "hds-trail-logs", PARIS, BLOCK_ALL)
    account("cloudtrail").create_trail(Name="idle", S3BucketName="hds-trail-logs",
                                       IsMultiRegionTrail=True)
    report, _ = _scan(live)
    status, message = _verdicts(report)[("HDS-LOG-001", _trail_arn("idle"))]
    assert status == "fail" and "not logging" in message, message


def test_an_account_without_trail_fails_once(live, moto, account):
    report, _ = _scan(live)
    got = _verdicts(report)
    assert list(got) == [("HDS-LOG-001", f"arn:aws:cloudtrail::{ACCOUNT}:no-trail")], got
    status, message = next(iter(got.values()))
    assert status == "fail" and "eu-west-2, eu-west-3" in message, message


def _scanner(account, actions: list[str]) -> tuple[str, str]:
    iam = account("iam")
    iam.create_user(UserName="scanner")
    iam.put_user_policy(UserName="scanner", PolicyName="scan", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
                                                "Resource": "*"}]}))
    key = iam.create_access_key(UserName="scanner")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_denied_reads_make_the_verdicts_unknown_never_pass_or_fail(live, moto, account):
    _bucket(account, "hds-trail-logs", PARIS, BLOCK_ALL)
    account("cloudtrail").create_trail(Name="main", S3BucketName="hds-trail-logs",
                                       IsMultiRegionTrail=True, EnableLogFileValidation=True)
    denied = {"cloudtrail:GetTrailStatus", "s3:GetBucketPublicAccessBlock"}
    key, secret = _scanner(account, [a for a in collect.policy_actions() if a not in denied])
    moto.auth(True)
    try:
        report, proc = _scan(live, key=key, secret=secret)
    finally:
        moto.auth(False)
    assert proc.returncode != 0
    failed = {e["call"] for e in report["errors"]} if report["errors"] and "call" in \
        report["errors"][0] else {json.dumps(e) for e in report["errors"]}
    assert any("GetTrailStatus" in c for c in failed), report["errors"]
    got = _verdicts(report)
    arn = _trail_arn("main")
    assert ("HDS-LOG-001", arn) in got, (got, report["errors"])
    status, message = got[("HDS-LOG-001", arn)]
    assert status == "unknown" and "GetTrailStatus" in message, message
    status, message = got[("HDS-LOG-003", arn)]
    assert status == "unknown" and "GetPublicAccessBlock" in message, message
    # LOG-002 reads only DescribeTrails: validation on, no key, a real fail.
    assert got[("HDS-LOG-002", arn)][0] == "fail"


# --- the account-level S3 Block Public Access (s3control) ------------------------------------


def _account_block(account, block: dict) -> None:
    account("s3control").put_public_access_block(AccountId=ACCOUNT,
                                                 PublicAccessBlockConfiguration=block)


def _bare_trail(account) -> str:
    """A trail whose bucket has no Block Public Access of its own."""
    _bucket(account, "hds-trail-bare", PARIS, None)
    account("cloudtrail").create_trail(Name="bare", S3BucketName="hds-trail-bare",
                                       IsMultiRegionTrail=True)
    return _trail_arn("bare")


def test_the_account_block_makes_a_bucket_without_its_own_not_public(live, moto, account):
    arn = _bare_trail(account)
    report, _ = _scan(live, services="cloudtrail")
    assert report["errors"] == []
    status, message = _verdicts(report)[("HDS-LOG-003", arn)]
    assert status == "fail" and "public access" in message, message
    _account_block(account, BLOCK_ALL)
    report, _ = _scan(live, services="cloudtrail")
    assert report["errors"] == []
    status, message = _verdicts(report)[("HDS-LOG-003", arn)]
    assert status == "pass", message
    # One switch off at the account and none on the bucket: public access is possible.
    _account_block(account, {**BLOCK_ALL, "RestrictPublicBuckets": False})
    report, _ = _scan(live, services="cloudtrail")
    assert _verdicts(report)[("HDS-LOG-003", arn)][0] == "fail"


def test_the_account_block_is_read_once_and_only_when_needed(live, moto, account):
    _bucket(account, "hds-trail-logs", PARIS, BLOCK_ALL)
    account("cloudtrail").create_trail(Name="main", S3BucketName="hds-trail-logs",
                                       IsMultiRegionTrail=True)
    live.proxy.start()
    try:
        _scan(live, services="cloudtrail")
    finally:
        requests = live.proxy.stop_recording()
    assert not [r for r in requests if "publicAccessBlock" in r.path and "v20180820" in r.path]
    _bare_trail(account)
    account("cloudtrail", LONDON).create_trail(Name="bare-london",
                                               S3BucketName="hds-trail-bare")
    live.proxy.start()
    try:
        _scan(live, services="cloudtrail")
    finally:
        requests = live.proxy.stop_recording()
    reads = [r for r in requests if "v20180820/configuration/publicAccessBlock" in r.path]
    assert len(reads) == 1 and reads[0].method == "GET", reads


def test_a_denied_account_block_read_is_unknown_never_fail(live, moto, account):
    # moto's IAM enforcement takes both Block Public Access reads for s3:GetPublicAccessBlock
    # (AWS: s3:GetBucketPublicAccessBlock, s3:GetAccountPublicAccessBlock), so the denial
    # of the account-level read alone is served by the test proxy.
    arn = _bare_trail(account)
    live.proxy.faults["path:/v20180820/configuration/publicAccessBlock"] = (403, "AccessDenied")
    try:
        report, proc = _scan(live)
    finally:
        live.proxy.faults.clear()
    assert proc.returncode != 0
    status, message = _verdicts(report)[("HDS-LOG-003", arn)]
    assert status == "unknown" and "s3:GetAccountPublicAccessBlock" in message, message


def test_a_denied_listing_gives_no_trail_verdict_and_no_false_fail(live, moto, account):
    key, secret = _scanner(account, [a for a in collect.policy_actions()
                                     if a != "cloudtrail:DescribeTrails"])
    moto.auth(True)
    try:
        report, _ = _scan(live, key=key, secret=secret)
    finally:
        moto.auth(False)
    assert _verdicts(report) == {}
    assert any("DescribeTrails" in json.dumps(e) for e in report["errors"])


# --- flow logs (HDS-LOG-004) and load balancer access logs (HDS-LOG-005) -------------------


def test_flow_logs_and_access_logs_read_from_the_account(live, moto, account):
    _bucket(account, "hds-logs", PARIS, BLOCK_ALL)
    ec2 = account("ec2")
    logged = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    rejects = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    for vpc, traffic in ((logged, "ALL"), (rejects, "REJECT")):
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType=traffic,
                             LogDestinationType="s3", LogDestination="arn:aws:s3:::hds-logs")
    subnets = [ec2.create_subnet(VpcId=logged, CidrBlock=f"10.0.{n}.0/24",
                                 AvailabilityZone=f"{PARIS}{z}")["Subnet"]["SubnetId"]
               for n, z in ((1, "a"), (2, "b"))]
    elbv2 = account("elbv2")
    on = elbv2.create_load_balancer(Name="logged", Subnets=subnets)["LoadBalancers"][0]
    off = elbv2.create_load_balancer(Name="silent", Subnets=subnets)["LoadBalancers"][0]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=on["LoadBalancerArn"], Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "hds-logs"}])
    elb = account("elb")
    elb.create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=[f"{PARIS}a"],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80,
                                         "InstancePort": 80}])
    elb.modify_load_balancer_attributes(LoadBalancerName="legacy", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "hds-logs", "EmitInterval": 60}})
    report, _ = _scan(live, services="ec2,elbv2,elb")
    assert report["errors"] == []
    got = {(rule, address.rsplit("/", 1)[-1] if ":vpc/" in address else address): verdict
           for (rule, address), verdict in _verdicts(report).items()}
    status, message = got[("HDS-LOG-004", logged)]
    assert status == "pass" and "ALL" in message, message
    status, message = got[("HDS-LOG-004", rejects)]
    assert status == "fail" and "REJECT" in message, message
    assert got[("HDS-LOG-005", on["LoadBalancerArn"])][0] == "pass"
    status, message = got[("HDS-LOG-005", off["LoadBalancerArn"])]
    assert status == "fail" and "access logs off" in message, message
    legacy = f"arn:aws:elasticloadbalancing:{PARIS}:{ACCOUNT}:loadbalancer/legacy"
    assert got[("HDS-LOG-005", legacy)][0] == "pass"


def test_denied_flow_log_and_attribute_reads_are_unknown(live, moto, account):
    ec2 = account("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                 AvailabilityZone=f"{PARIS}{z}")["Subnet"]["SubnetId"]
               for n, z in ((1, "a"), (2, "b"))]
    lb = account("elbv2").create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    denied = {"ec2:DescribeFlowLogs", "elasticloadbalancing:DescribeLoadBalancerAttributes"}
    key, secret = _scanner(account, [a for a in collect.policy_actions() if a not in denied])
    moto.auth(True)
    try:
        report, _ = _scan(live, key=key, secret=secret, services="ec2,elbv2")
    finally:
        moto.auth(False)
    got = {(rule, address.rsplit("/", 1)[-1] if ":vpc/" in address else address): verdict
           for (rule, address), verdict in _verdicts(report).items()}
    status, message = got[("HDS-LOG-004", vpc)]
    assert status == "unknown" and "DescribeFlowLogs" in message, message
    status, message = got[("HDS-LOG-005", lb["LoadBalancerArn"])]
    assert status == "unknown" and "DescribeLoadBalancerAttributes" in message, message


# --- database log exports (HDS-LOG-006) ----------------------------------------------------------


def test_database_log_exports_read_from_the_account(live, moto, account):
    rds = account("rds")
    common = {"DBInstanceClass": "db.t3.micro", "MasterUsername": "admin",
              "MasterUserPassword": "not-a-real-pass1", "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="audited", Engine="mysql",
                           EnableCloudwatchLogsExports=["audit", "error"], **common)
    rds.create_db_instance(DBInstanceIdentifier="errors-only", Engine="mysql",
                           EnableCloudwatchLogsExports=["error"], **common)
    rds.create_db_instance(DBInstanceIdentifier="pg", Engine="postgres",
                           EnableCloudwatchLogsExports=["postgresql"], **common)
    report, _ = _scan(live, services="rds")
    assert report["errors"] == []
    got = {(rule, address.rsplit(":", 1)[-1]): verdict
           for (rule, address), verdict in _verdicts(report).items()}
    assert got[("HDS-LOG-006", "audited")][0] == "pass"
    status, message = got[("HDS-LOG-006", "errors-only")]
    assert status == "fail" and "mysql: audit" in message, message
    assert got[("HDS-LOG-006", "pg")][0] == "pass"


# --- log retention (HDS-LOG-007) ---------------------------------------------------------------


def test_log_group_retention_read_from_the_account(live, moto, account):
    logs = account("logs")
    for name, days in (("/hds/short", 30), ("/hds/year", 365), ("/hds/forever", None)):
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    report, _ = _scan(live, services="logs")
    assert report["errors"] == []
    got = {(rule, address.rsplit(":log-group:", 1)[-1]): verdict
           for (rule, address), verdict in _verdicts(report).items()}
    status, message = got[("HDS-LOG-007", "/hds/short")]
    assert status == "fail" and "30 days" in message, message
    assert got[("HDS-LOG-007", "/hds/year")][0] == "pass"
    status, message = got[("HDS-LOG-007", "/hds/forever")]
    assert status == "pass" and "never expire" in message, message


def test_a_denied_log_group_listing_is_a_read_error_not_a_verdict(live, moto, account):
    account("logs").create_log_group(logGroupName="/hds/short")
    key, secret = _scanner(account, [a for a in collect.policy_actions()
                                     if a != "logs:DescribeLogGroups"])
    moto.auth(True)
    try:
        report, proc = _scan(live, key=key, secret=secret, services="logs")
    finally:
        moto.auth(False)
    assert _verdicts(report) == {}
    assert proc.returncode != 0
    assert any("DescribeLogGroups" in json.dumps(e) for e in report["errors"])


# --- object-level traces of buckets that hold health data (HDS-LOG-009) ------------------------


def _object_scenario(account) -> None:
    """hds-records: server access logs; hds-imaging: a trail's data events, read and write;
    hds-reads: only a read-only selector records it; hds-plain: nothing; hds-logs: the
    log bucket, tagged as holding no health data."""
    s3 = account("s3")
    for name in ("hds-records", "hds-imaging", "hds-reads", "hds-plain", "hds-logs"):
        _bucket(account, name, PARIS, BLOCK_ALL)
    s3.put_bucket_tagging(Bucket="hds-logs", Tagging={"TagSet": [
        {"Key": "hds-iac:health-data", "Value": "false"}]})
    s3.put_bucket_policy(Bucket="hds-logs", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::hds-logs/*"}]}))
    s3.put_bucket_logging(Bucket="hds-records", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "hds-logs", "TargetPrefix": "records/"}})
    trail = account("cloudtrail")
    trail.create_trail(Name="objects", S3BucketName="hds-logs", IsMultiRegionTrail=True)
    trail.put_event_selectors(TrailName="objects", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::hds-imaging/"]}]}])
    trail.start_logging(Name="objects")
    trail.create_trail(Name="reads", S3BucketName="hds-logs", IsMultiRegionTrail=True)
    trail.put_event_selectors(TrailName="reads", AdvancedEventSelectors=[{
        "Name": "reads", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::hds-reads/"]},
            {"Field": "readOnly", "Equals": ["true"]}]}])
    trail.start_logging(Name="reads")


def _buckets(report: dict) -> dict[str, tuple[str, str]]:
    return {address.rsplit(":::", 1)[-1]: verdict
            for (rule, address), verdict in _verdicts(report).items() if rule == "HDS-LOG-009"}


def test_object_traces_read_from_the_account(live, moto, account):
    _object_scenario(account)
    report, _ = _scan(live, services="s3,cloudtrail")
    assert report["errors"] == []
    got = _buckets(report)
    assert set(got) == {"hds-records", "hds-imaging", "hds-reads", "hds-plain"}, got
    status, message = got["hds-records"]
    assert status == "pass" and "server access logs to bucket hds-logs" in message, message
    status, message = got["hds-imaging"]
    assert status == "pass" and "trail/objects" in message, message
    status, message = got["hds-reads"]
    assert status == "fail" and "reads only" in message, message
    status, message = got["hds-plain"]
    assert status == "fail" and "no server access logs" in message and ": none" in message, \
        message


def test_denied_bucket_reads_make_object_traces_unknown_never_fail(live, moto, account):
    _object_scenario(account)
    key, secret = _scanner(account, [a for a in collect.policy_actions()
                                     if a not in ("s3:GetBucketLogging", "s3:GetBucketTagging")])
    moto.auth(True)
    try:
        report, proc = _scan(live, key=key, secret=secret, services="s3,cloudtrail")
    finally:
        moto.auth(False)
    assert proc.returncode != 0
    got = _buckets(report)
    # A trail's data events decide without the bucket's own answers.
    assert got["hds-imaging"][0] == "pass", got
    for name in ("hds-plain", "hds-reads", "hds-records", "hds-logs"):
        status, message = got[name]
        assert status == "unknown" and "GetBucketLogging" in message, (name, message)


def test_an_unread_trail_listing_makes_a_missing_trace_unknown(live, moto, account):
    _object_scenario(account)
    report, _ = _scan(live, services="s3")
    got = _buckets(report)
    assert got["hds-records"][0] == "pass", got
    status, message = got["hds-plain"]
    assert status == "unknown" and "cloudtrail" in message, message
