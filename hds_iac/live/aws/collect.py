"""Read-only AWS API calls, paginated, per region in a bounded thread pool.

Every call goes through `Collector.call` / `Collector.pages`: a call that fails (access
denied, throttled after botocore's retries, timeout, region not enabled...) becomes one
`CallError` naming the call and the IAM permission to add, the caller gets a `Failed`
marker (which the adapter turns into `Unknown`), and the scan goes on.

Only Describe/List/Get calls are made, plus `iam:GenerateCredentialReport` (it writes no
configuration: it asks IAM to build the credential report that `GetCredentialReport`
returns; see docs/live-aws.md). `OPERATIONS` lists every call; the least-privilege policy
(docs/iam/hds-iac-readonly.json) is exactly `permission()` of each.
"""
from __future__ import annotations

import base64
import csv
import io
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from hds_iac.adapters import aws_tls
from hds_iac.adapters.aws_logging import BLOCK_PUBLIC_ACCESS
from hds_iac.live.aws.session import AwsSession, redact_key_ids

# Services read once per region, and once per account (global endpoints).
REGIONAL_SERVICES = ("ec2", "rds", "elbv2", "elb", "elasticache", "efs", "dynamodb", "backup",
                     "dlm", "kms", "cloudtrail", "logs")
GLOBAL_SERVICES = ("iam", "s3", "cloudfront")
SERVICES = REGIONAL_SERVICES + GLOBAL_SERVICES

# Every API operation the scan may call, per boto3 service name, with the kinds of model
# resources whose listing it feeds: when it does not answer (or its service is left out with
# `--services`), resources of those kinds may be missing, and the adapter records a
# `ReadGap` for them. Calls that feed only a facet of resources read otherwise (a snapshot's
# sharing, a key's rotation) feed no listing: the adapter turns their failure into an
# `Unknown` in that facet.
OPERATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "ec2": {"DescribeRegions": (), "GetEbsEncryptionByDefault": ("account-setting",),
            "DescribeInstances": ("instance",), "DescribeVolumes": ("volume",),
            "DescribeSnapshots": ("snapshot",), "DescribeSnapshotAttribute": (),
            "DescribeImages": ("image",), "DescribeImageAttribute": (),
            "DescribeSecurityGroups": ("security-group",), "DescribeVpnConnections": ("vpn",),
            "DescribeClientVpnEndpoints": ("vpn",),
            "DescribeVpcs": ("network",), "DescribeFlowLogs": ()},
    "rds": {"DescribeDBInstances": ("database",), "DescribeDBClusters": ("database-cluster",),
            "DescribeDBSnapshots": ("snapshot",), "DescribeDBSnapshotAttributes": (),
            "DescribeDBClusterSnapshots": ("snapshot",),
            "DescribeDBClusterSnapshotAttributes": (), "DescribeDBParameters": (),
            "DescribeDBClusterParameters": ()},
    "elbv2": {"DescribeLoadBalancers": ("load-balancer", "listener"),
              "DescribeListeners": ("listener",), "DescribeLoadBalancerAttributes": ()},
    "elb": {"DescribeLoadBalancers": ("load-balancer",), "DescribeLoadBalancerPolicies": (),
            "DescribeLoadBalancerAttributes": ()},
    "elasticache": {"DescribeReplicationGroups": ("cache",), "DescribeCacheClusters": ("cache",)},
    "efs": {"DescribeFileSystems": ("file-system",)},
    "dynamodb": {"ListTables": ("table",), "DescribeTable": ("table",)},
    "backup": {"ListBackupVaults": ("backup-vault",),
               # A vault whose points cannot be listed gets an unknown finding of its own.
               "ListRecoveryPointsByBackupVault": (),
               "ListBackupPlans": ("copy", "backup-plan"), "GetBackupPlan": ("copy",),
               "ListBackupSelections": ("backup-plan",), "GetBackupSelection": ("backup-plan",)},
    "dlm": {"GetLifecyclePolicies": ("backup-plan",), "GetLifecyclePolicy": ("backup-plan",)},
    "kms": {"ListKeys": ("key",), "ListAliases": (), "DescribeKey": ("key",),
            "GetKeyRotationStatus": ()},
    "iam": {"GenerateCredentialReport": (), "GetCredentialReport": ("user", "access-key"),
            "GetAccountSummary": (), "GetAccountPasswordPolicy": (), "ListRoles": ("role",)},
    "s3": {"ListBuckets": ("bucket",), "GetBucketLocation": (), "GetBucketEncryption": (),
           "GetBucketReplication": (), "GetBucketPolicy": (), "GetPublicAccessBlock": (),
           "GetBucketLogging": (), "GetBucketTagging": ()},
    # Trails are listed in every region (a multi-region or organisation trail in each, as a
    # shadow copy); their status and selectors are read once, in the trail's home region.
    "cloudtrail": {"DescribeTrails": ("trail",), "GetTrailStatus": (), "GetEventSelectors": ()},
    # The account-level S3 Block Public Access: read once, only when a bucket judged for its
    # public access (a trail's bucket) does not block it fully on its own.
    "s3control": {"GetPublicAccessBlock": ()},
    "logs": {"DescribeLogGroups": ("log-group",)},
    "cloudfront": {"ListDistributions": ("cdn",)},
    "sts": {"GetCallerIdentity": ()},
}


# What the adapter reads of the items of the largest listings (an account may hold tens of
# thousands of volumes and snapshots): each page is cut down to these fields as it arrives,
# so the scan never holds the raw answers (attachments, dates, sizes, descriptions...).
# A field an adapter starts reading must be added here, or it reads as absent.
# The four switches of S3 Block Public Access as the API names them.
BLOCK_FIELDS = tuple(BLOCK_PUBLIC_ACCESS.values())
VOLUME_FIELDS = ("VolumeId", "AvailabilityZone", "Encrypted", "KmsKeyId", "Tags")
# AWS Backup recovery points: their encryption (HDS-ENC-005), never their sizes or roles.
RECOVERY_POINT_FIELDS = ("RecoveryPointArn", "ResourceArn", "ResourceType", "Status",
                         "IsEncrypted", "EncryptionKeyArn")
SNAPSHOT_FIELDS = ("SnapshotId", "VolumeId", "State", "StartTime", "OwnerId", "Encrypted",
                   "KmsKeyId", "Tags")

# Client VPN endpoints: what HDS-MFA-006 reads (never the server certificate or DNS data).
CLIENT_VPN_FIELDS = ("ClientVpnEndpointId", "Status", "AuthenticationOptions",
                     "TransportProtocol", "VpnPort", "Tags")


def keep_fields(names: tuple[str, ...]) -> Callable[[dict], dict]:
    """A function that keeps only `names` of an API item (the rest is dropped)."""
    def keep(item: dict) -> dict:
        return {name: item[name] for name in names if name in item}
    return keep


def feeds(service: str, operation: str) -> frozenset[str]:
    """The kinds of resources whose listing `operation` feeds (empty: only facets)."""
    return frozenset(OPERATIONS.get(service, {}).get(operation, ()))


def service_feeds(service: str) -> frozenset[str]:
    """The kinds of resources that reading `service` lists."""
    return frozenset(k for kinds in OPERATIONS.get(service, {}).values() for k in kinds)


# IAM action prefixes that differ from the boto3 service name.
_PREFIX = {"elbv2": "elasticloadbalancing", "elb": "elasticloadbalancing",
           "efs": "elasticfilesystem"}
# IAM actions that differ from the operation name.
_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("elbv2", "DescribeListeners"): "elasticloadbalancing:DescribeListeners",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


def permission(service: str, operation: str) -> str:
    """The IAM action that allows `operation` of boto3 service `service`."""
    return _ACTION.get((service, operation), f"{_PREFIX.get(service, service)}:{operation}")


def policy_actions() -> list[str]:
    """Every IAM action the scan needs (sts:GetCallerIdentity needs none)."""
    return sorted({permission(s, op) for s, ops in OPERATIONS.items() if s != "sts" for op in ops})


class Failed:
    """The answer of a call that failed: the adapter turns it into `Unknown(reason)`."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"Failed({self.reason!r})"


def ok(value: Any) -> bool:
    return not isinstance(value, Failed)


@dataclass
class CallError:
    """One call that could not be made: what, where, and what to do about it."""

    service: str
    operation: str
    region: str | None
    kind: str  # access-denied | throttled | timeout | region-disabled | credentials | error
    message: str

    @property
    def call(self) -> str:
        return f"{self.service}:{self.operation}"

    @property
    def permission(self) -> str:
        return permission(self.service, self.operation)

    @property
    def where(self) -> str:
        return f"aws {self.region or 'global'} {self.call}"


_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
           "AuthorizationError", "UnauthorizedAccess", "Forbidden", "403"}
_THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
              "SlowDown", "ProvisionedThroughputExceededException", "RequestThrottled",
              "RequestThrottledException", "LimitExceededException"}
_CREDENTIALS = {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
                "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidAccessKeyId",
                "AuthFailure", "InvalidToken"}
_DISABLED = {"OptInRequired", "InvalidRegion"}


@dataclass
class AccountData:
    """Everything read: per-region and global answers, errors, and what was covered."""

    account: str = ""
    caller: str = ""
    regions: dict[str, dict[str, Any]] = field(default_factory=dict)  # region -> service -> data
    global_: dict[str, Any] = field(default_factory=dict)  # service -> data
    errors: list[CallError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    calls: Counter = field(default_factory=Counter)  # "ec2:DescribeVolumes" -> HTTP requests
    partition: str = "aws"


class Collector:
    def __init__(self, session: AwsSession, account: str, *, max_attribute_reads: int = 1000,
                 page_size: int | None = None, max_recovery_points: int = 1000):
        self.session = session
        # Recovery points read per backup vault (the first the API lists); a vault holding
        # more gets a notice naming it.
        self.max_recovery_points = max_recovery_points
        self.page_size = page_size
        self.account = account
        self.max_attribute_reads = max_attribute_reads
        self.errors: list[CallError] = []
        self.notices: list[str] = []
        self.calls: Counter = Counter()
        self._lock = threading.Lock()
        # The regions this scan reads (set by `collect`), and trail buckets already read.
        self.regions: frozenset[str] = frozenset()
        self._buckets: dict[str, dict[str, Any]] = {}
        self._account_block: Any = None
        self._account_block_read = False
        self._account_lock = threading.Lock()
        self._inner = ThreadPoolExecutor(max_workers=max(2, session.options.max_workers // 2),
                                         thread_name_prefix="hds-iac-item")
        session.add_hook(self._count_requests)

    # --- bookkeeping ---------------------------------------------------------------

    def _count_requests(self, client: Any) -> None:
        service = client.meta.service_model.service_name
        name = {"elasticfilesystem": "efs"}.get(service, service)
        if service == "elasticloadbalancing":
            name = "elbv2" if client.meta.service_model.api_version >= "2015" else "elb"
        client.meta.events.register("before-call", self._mark)
        # before-send fires once per HTTP request, retries included.
        client.meta.events.register("before-send", self._send_hook(name))

    def _mark(self, model: Any = None, context: Any = None, **_: Any) -> None:
        if context is not None and model is not None:
            context["hds_iac_operation"] = model.name

    def _send_hook(self, name: str) -> Callable[..., None]:
        def on_send(request: Any = None, **_: Any) -> None:
            op = request.context.get("hds_iac_operation", "?") if request is not None else "?"
            with self._lock:
                self.calls[f"{name}:{op}"] += 1
        return on_send

    def _requests(self) -> str:
        """How many requests a call that failed after retries sent (botocore's
        `total_max_attempts`, the first request included)."""
        attempts = max(1, self.session.options.max_attempts)
        return f"{attempts} request{'s' if attempts > 1 else ''}"

    def _fail(self, service: str, op: str, region: str | None, exc: BaseException) -> Failed:
        import botocore.exceptions as bexc
        from botocore.parsers import ResponseParserError

        perm = permission(service, op)
        options = self.session.options
        if isinstance(exc, bexc.ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get(
                "HTTPStatusCode", "error"))
            if code in _DENIED:
                kind, text = "access-denied", (f"access denied ({code}): add the IAM permission"
                                               f" {perm} to the scanning identity")
            elif code in _THROTTLED:
                kind, text = "throttled", (f"throttled ({code}) after {self._requests()}:"
                                           " rerun later or with fewer --max-workers")
            elif code in _DISABLED or (code == "AuthFailure" and region):
                kind, text = "region-disabled", (
                    f"{code}: region {region} does not accept these credentials; is it an"
                    " opt-in region not enabled for this account? (leave it out with --regions)")
            elif code in _CREDENTIALS:
                kind, text = "credentials", f"credentials rejected ({code}): expired or invalid"
            elif code.isdigit():
                kind, text = "error", f"HTTP {code} from the endpoint after {self._requests()}"
            else:
                message = " ".join(redact_key_ids(str(err.get("Message") or "")).split())[:200]
                kind, text = "error", f"{code}: {message}" if message else code
        elif isinstance(exc, bexc.ReadTimeoutError):
            kind, text = "timeout", (f"no answer within {options.read_timeout:g} s"
                                     f" (--read-timeout) after {self._requests()}")
        elif isinstance(exc, bexc.ConnectTimeoutError):
            kind, text = "timeout", (f"no connection within {options.connect_timeout:g} s"
                                     f" (--connect-timeout) after {self._requests()}")
        elif isinstance(exc, bexc.EndpointConnectionError):
            kind, text = "timeout", "endpoint unreachable (network, proxy, or region not served)"
        elif isinstance(exc, bexc.NoCredentialsError):
            kind, text = "credentials", "no credentials"
        elif isinstance(exc, ResponseParserError):
            # An answer that is not the API's format (an HTML error page of a proxy or of
            # an endpoint that does not implement the call): its text is not shown.
            kind, text = "error", "the endpoint's answer is not in the API's format"
        else:
            kind, text = "error", f"{type(exc).__name__}: {redact_key_ids(str(exc))[:200]}"
        entry = CallError(service, op, region, kind, text)
        with self._lock:
            self.errors.append(entry)
        return Failed(f"{entry.call} failed in {region or 'global'}: {text}")

    # --- calls -----------------------------------------------------------------------

    def call(self, service: str, region: str | None, op: str, *, expected: Iterable[str] = (),
             **params: Any) -> Any:
        """One call. `expected` error codes ("no policy on this bucket") return None quietly."""
        import botocore.exceptions as bexc
        from botocore import xform_name
        from botocore.parsers import ResponseParserError

        client = self.session.client(service, region)
        try:
            return getattr(client, xform_name(op))(**params)
        except bexc.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in set(expected):
                return None
            return self._fail(service, op, region, exc)
        except (bexc.BotoCoreError, OSError, ResponseParserError) as exc:
            return self._fail(service, op, region, exc)

    def pages(self, service: str, region: str | None, op: str, key: str, *,
              page_size: int | None = None, keep: Callable[[Any], Any] | None = None,
              limit: int | None = None, **params: Any) -> Any:
        """Every item under `key` ("Volumes", "DistributionList.Items") across all pages;
        `keep` cuts each item down as its page arrives (only one raw page at a time).
        `limit`: stop asking for pages once more than `limit` items arrived (the caller
        sees that there were more)."""
        import botocore.exceptions as bexc
        from botocore import xform_name
        from botocore.parsers import ResponseParserError

        client = self.session.client(service, region)
        name = xform_name(op)
        items: list[Any] = []
        try:
            if not client.can_paginate(name):
                found = _dig(getattr(client, name)(**params), key)
                return [keep(i) for i in found] if keep else found
            if self.page_size:
                page_size = min(page_size, self.page_size) if page_size else self.page_size
                # APIs' own minimums: RDS and ElastiCache MaxRecords >= 20, EC2 >= 5.
                page_size = max(page_size, 20 if service in ("rds", "elasticache") else 5)
            config = {"PageSize": page_size} if page_size else {}
            for page in client.get_paginator(name).paginate(**params, PaginationConfig=config):
                items.extend(map(keep, _dig(page, key)) if keep else _dig(page, key))
                if limit is not None and len(items) > limit:
                    break
        except bexc.ClientError as exc:
            return self._fail(service, op, region, exc)
        except (bexc.BotoCoreError, OSError, ResponseParserError) as exc:
            return self._fail(service, op, region, exc)
        return items

    def each(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        """`fn` over items (one call per item) with a few parallel requests."""
        if len(items) <= 2:
            return [fn(item) for item in items]
        return list(self._inner.map(fn, items))

    def close(self) -> None:
        self._inner.shutdown(wait=True)

    # --- services --------------------------------------------------------------------

    def ec2(self, region: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        answer = self.call("ec2", region, "GetEbsEncryptionByDefault")
        out["ebs_default"] = answer.get("EbsEncryptionByDefault") if ok(answer) and answer else answer
        reservations = self.pages("ec2", region, "DescribeInstances", "Reservations",
                                  page_size=1000)
        if ok(reservations):
            out["instances"] = [i for r in reservations for i in r.get("Instances", [])
                                if i.get("State", {}).get("Name") != "terminated"]
        else:
            out["instances"] = reservations
        out["volumes"] = self.pages("ec2", region, "DescribeVolumes", "Volumes", page_size=1000,
                                    keep=keep_fields(VOLUME_FIELDS))
        snaps = self.pages("ec2", region, "DescribeSnapshots", "Snapshots", page_size=1000,
                           keep=keep_fields(SNAPSHOT_FIELDS), OwnerIds=["self"])
        if ok(snaps):
            snaps = [s for s in snaps if s.get("OwnerId") in (None, self.account)]
        out["snapshots"] = snaps
        images = self.pages("ec2", region, "DescribeImages", "Images", page_size=1000,
                            Owners=["self"])
        if ok(images):
            images = [i for i in images if i.get("OwnerId") in (None, self.account)]
        out["images"] = images
        out["security_groups"] = self.pages("ec2", region, "DescribeSecurityGroups",
                                            "SecurityGroups", page_size=1000)
        # VPCs and every flow log of the region (one listing, matched by ResourceId).
        out["vpcs"] = self.pages("ec2", region, "DescribeVpcs", "Vpcs", page_size=1000)
        out["flow_logs"] = self.pages("ec2", region, "DescribeFlowLogs", "FlowLogs",
                                      page_size=1000) if ok(out["vpcs"]) and out["vpcs"] else []
        out["snapshot_permissions"] = self._snapshot_permissions(region, snaps)
        out["image_permissions"] = self._image_permissions(region, images)
        # Not paginated; never CustomerGatewayConfiguration outside this answer (it holds
        # the tunnels' pre-shared keys): the adapter reads only the tunnel options.
        vpns = self.call("ec2", region, "DescribeVpnConnections")
        out["vpn_connections"] = vpns.get("VpnConnections", []) if ok(vpns) else vpns
        out["client_vpn_endpoints"] = self.pages(
            "ec2", region, "DescribeClientVpnEndpoints", "ClientVpnEndpoints", page_size=1000,
            keep=keep_fields(CLIENT_VPN_FIELDS))
        return out

    def _snapshot_permissions(self, region: str, snaps: Any) -> Any:
        """snapshot id -> createVolumePermission list, or Failed; or the `public` set only."""
        if not ok(snaps):
            return snaps
        ids = [s["SnapshotId"] for s in snaps]
        if self._too_many(region, ids, "EBS snapshots", "public sharing read from one filtered"
                          " listing; sharing with other accounts not read"):
            public = self.pages("ec2", region, "DescribeSnapshots", "Snapshots", page_size=1000,
                                keep=keep_fields(("SnapshotId",)), OwnerIds=["self"],
                                RestorableByUserIds=["all"])
            return {"public_only": public if not ok(public) else {s["SnapshotId"] for s in public}}
        return self._permission_lists(region, "DescribeSnapshotAttribute", "SnapshotId",
                                      "createVolumePermission", "CreateVolumePermissions", ids)

    def _image_permissions(self, region: str, images: Any) -> Any:
        """image id -> launchPermission list, or Failed; nothing past the cap."""
        if not ok(images):
            return images
        ids = [i["ImageId"] for i in images]
        if self._too_many(region, ids, "images", "only public sharing read"):
            return {}
        return self._permission_lists(region, "DescribeImageAttribute", "ImageId",
                                      "launchPermission", "LaunchPermissions", ids)

    def _permission_lists(self, region: str, op: str, id_param: str, attribute: str,
                          answer_key: str, ids: list[str]) -> dict[str, Any]:
        """id -> the permission list of one EC2 `op` call per id (snapshots and images share
        alike), or the Failed of that call."""
        def read(ident: str) -> tuple[str, Any]:
            answer = self.call("ec2", region, op, Attribute=attribute, **{id_param: ident})
            return ident, answer.get(answer_key, []) if ok(answer) else answer

        return dict(self.each(read, ids))

    def _too_many(self, region: str, ids: list[str], what: str, instead: str) -> bool:
        """Whether reading one attribute per id would pass --max-attribute-reads; if so, a
        notice says so and what is read `instead`, the same words for every kind."""
        if len(ids) <= self.max_attribute_reads:
            return False
        self.notices.append(f"{region}: {len(ids)} {what}, more than --max-attribute-reads"
                            f" ({self.max_attribute_reads}): {instead}")
        return True

    def rds(self, region: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["instances"] = self.pages("rds", region, "DescribeDBInstances", "DBInstances",
                                      page_size=100)
        out["clusters"] = self.pages("rds", region, "DescribeDBClusters", "DBClusters",
                                     page_size=100)
        out["snapshots"] = self.pages("rds", region, "DescribeDBSnapshots", "DBSnapshots",
                                      page_size=100)
        out["cluster_snapshots"] = self.pages("rds", region, "DescribeDBClusterSnapshots",
                                              "DBClusterSnapshots", page_size=100)
        out["snapshot_attributes"] = self._rds_attributes(
            region, out["snapshots"], "DBSnapshotIdentifier", "DescribeDBSnapshotAttributes",
            "DBSnapshotAttributesResult")
        out["cluster_snapshot_attributes"] = self._rds_attributes(
            region, out["cluster_snapshots"], "DBClusterSnapshotIdentifier",
            "DescribeDBClusterSnapshotAttributes", "DBClusterSnapshotAttributesResult")
        groups: set[str] = set()
        if ok(out["instances"]):
            for db in out["instances"]:
                groups.update(g["DBParameterGroupName"] for g in db.get("DBParameterGroups", [])
                              if g.get("DBParameterGroupName"))
        cluster_groups: set[str] = set()
        if ok(out["clusters"]):
            cluster_groups.update(c["DBClusterParameterGroup"] for c in out["clusters"]
                                  if c.get("DBClusterParameterGroup"))
        out["parameters"] = dict(self.each(
            lambda g: (g, self._tls_params("DescribeDBParameters", region,
                                           DBParameterGroupName=g)), sorted(groups)))
        out["cluster_parameters"] = dict(self.each(
            lambda g: (g, self._tls_params("DescribeDBClusterParameters", region,
                                           DBClusterParameterGroupName=g)),
            sorted(cluster_groups)))
        return out

    def _tls_params(self, op: str, region: str, **params: Any) -> Any:
        found = self.pages("rds", region, op, "Parameters", page_size=100, **params)
        if not ok(found):
            return found
        return {p["ParameterName"]: p.get("ParameterValue") for p in found
                if p.get("ParameterName", "").lower() in aws_tls.DB_TLS_PARAMETERS}

    def _rds_attributes(self, region: str, snaps: Any, id_key: str, op: str,
                        result_key: str) -> Any:
        if not ok(snaps):
            return snaps
        ids = [s[id_key] for s in snaps if s.get("SnapshotType") == "manual"]
        if self._too_many(region, ids, "manual RDS snapshots", "sharing not read"):
            return {}

        def read(ident: str) -> tuple[str, Any]:
            answer = self.call("rds", region, op, **{id_key: ident})
            if not ok(answer):
                return ident, answer
            for attr in answer.get(result_key, {}).get(
                    "DBSnapshotAttributes" if "Cluster" not in op else
                    "DBClusterSnapshotAttributes", []):
                if attr.get("AttributeName") == "restore":
                    return ident, attr.get("AttributeValues", [])
            return ident, []

        return dict(self.each(read, ids))

    def elbv2(self, region: str) -> dict[str, Any]:
        lbs = self.pages("elbv2", region, "DescribeLoadBalancers", "LoadBalancers", page_size=400)
        listeners: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        if ok(lbs):
            listeners = dict(self.each(lambda lb: (lb["LoadBalancerArn"], self.pages(
                "elbv2", region, "DescribeListeners", "Listeners", page_size=400,
                LoadBalancerArn=lb["LoadBalancerArn"])), lbs))
            # Access logs are an attribute; gateway load balancers have none.
            attributes = dict(self.each(lambda lb: (lb["LoadBalancerArn"], self.call(
                "elbv2", region, "DescribeLoadBalancerAttributes",
                LoadBalancerArn=lb["LoadBalancerArn"])),
                [lb for lb in lbs if lb.get("Type") != "gateway"]))
        return {"load_balancers": lbs, "listeners": listeners, "attributes": attributes}

    def elb(self, region: str) -> dict[str, Any]:
        lbs = self.pages("elb", region, "DescribeLoadBalancers", "LoadBalancerDescriptions",
                         page_size=400)
        policies: dict[str, Any] = {}
        if ok(lbs):
            wanted = []
            for lb in lbs:
                names = sorted({p for desc in lb.get("ListenerDescriptions", [])
                                for p in desc.get("PolicyNames", [])})
                if names:
                    wanted.append((lb["LoadBalancerName"], names))
            policies = dict(self.each(lambda item: (item[0], self.call(
                "elb", region, "DescribeLoadBalancerPolicies", LoadBalancerName=item[0],
                PolicyNames=item[1])), wanted))
        attributes: dict[str, Any] = {}
        if ok(lbs):
            attributes = dict(self.each(lambda lb: (lb["LoadBalancerName"], self.call(
                "elb", region, "DescribeLoadBalancerAttributes",
                LoadBalancerName=lb["LoadBalancerName"])), lbs))
        return {"load_balancers": lbs, "policies": policies, "attributes": attributes}

    def elasticache(self, region: str) -> dict[str, Any]:
        return {
            "replication_groups": self.pages("elasticache", region, "DescribeReplicationGroups",
                                             "ReplicationGroups", page_size=100),
            "clusters": self.pages("elasticache", region, "DescribeCacheClusters",
                                   "CacheClusters", page_size=100),
        }

    def efs(self, region: str) -> dict[str, Any]:
        return {"file_systems": self.pages("efs", region, "DescribeFileSystems", "FileSystems",
                                           page_size=100)}

    def dynamodb(self, region: str) -> dict[str, Any]:
        names = self.pages("dynamodb", region, "ListTables", "TableNames", page_size=100)
        tables: Any = names
        if ok(names):
            tables = self.each(lambda n: _get(self.call("dynamodb", region, "DescribeTable",
                                                        TableName=n), "Table", n), names)
        return {"tables": tables}

    def backup(self, region: str) -> dict[str, Any]:
        vaults = self.pages("backup", region, "ListBackupVaults", "BackupVaultList")
        points: Any = vaults
        if ok(vaults):
            points = dict(self.each(lambda v: (v["BackupVaultName"], self._recovery_points(
                region, v["BackupVaultName"])), [v for v in vaults if v.get("BackupVaultName")]))
        plans = self.pages("backup", region, "ListBackupPlans", "BackupPlansList")
        details: Any = plans
        selections: Any = plans
        if ok(plans):
            ids = [p["BackupPlanId"] for p in plans]
            details = self.each(lambda i: self.call("backup", region, "GetBackupPlan",
                                                    BackupPlanId=i), ids)
            lists = self.each(lambda i: (i, self.pages("backup", region, "ListBackupSelections",
                                                       "BackupSelectionsList", BackupPlanId=i)),
                              ids)
            wanted, selections = [], []
            for plan_id, found in lists:
                if not ok(found):
                    selections.append(found)
                    continue
                wanted += [(plan_id, s["SelectionId"]) for s in found]
            selections += self.each(lambda item: self.call(
                "backup", region, "GetBackupSelection", BackupPlanId=item[0],
                SelectionId=item[1]), wanted)
        return {"vaults": vaults, "recovery_points": points, "plans": details,
                "selections": selections}

    def _recovery_points(self, region: str, vault: str) -> Any:
        """The recovery points of one vault, at most `max_recovery_points` of them."""
        found = self.pages("backup", region, "ListRecoveryPointsByBackupVault", "RecoveryPoints",
                           page_size=min(1000, self.max_recovery_points + 1),
                           keep=keep_fields(RECOVERY_POINT_FIELDS),
                           limit=self.max_recovery_points, BackupVaultName=vault)
        if ok(found) and len(found) > self.max_recovery_points:
            self.notices.append(
                f"{region}: backup vault {vault} holds more than {self.max_recovery_points}"
                f" recovery points: only the first {self.max_recovery_points} were judged")
            found = found[:self.max_recovery_points]
        return found

    def dlm(self, region: str) -> dict[str, Any]:
        answer = self.call("dlm", region, "GetLifecyclePolicies")
        if not ok(answer):
            return {"policies": answer}
        ids = [p["PolicyId"] for p in answer.get("Policies", [])]
        return {"policies": self.each(lambda i: _get(self.call(
            "dlm", region, "GetLifecyclePolicy", PolicyId=i), "Policy", i), ids)}

    def kms(self, region: str) -> dict[str, Any]:
        keys = self.pages("kms", region, "ListKeys", "Keys", page_size=1000)
        aliases = self.pages("kms", region, "ListAliases", "Aliases", page_size=100)
        if not ok(keys):
            return {"keys": keys, "aliases": aliases}

        def read(key_id: str) -> Any:
            meta = _get(self.call("kms", region, "DescribeKey", KeyId=key_id), "KeyMetadata",
                        key_id)
            if not ok(meta):
                return meta
            if (meta.get("KeyManager") == "CUSTOMER" and meta.get("KeyState") == "Enabled"
                    and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
                    and meta.get("Origin", "AWS_KMS") == "AWS_KMS"):
                status = self.call("kms", region, "GetKeyRotationStatus", KeyId=key_id)
                meta = {**meta, "hds_iac_rotation": status.get("KeyRotationEnabled")
                        if ok(status) else status}
            return meta

        return {"keys": self.each(read, [k["KeyId"] for k in keys]), "aliases": aliases}

    # --- global services -------------------------------------------------------------

    def iam(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credential_report": self._credential_report()}
        summary = self.call("iam", None, "GetAccountSummary")
        out["summary"] = summary.get("SummaryMap", {}) if ok(summary) else summary
        # NoSuchEntity: the account has no password policy (None), which is a finding.
        policy = self.call("iam", None, "GetAccountPasswordPolicy", expected=("NoSuchEntity",))
        out["password_policy"] = policy.get("PasswordPolicy", {}) if isinstance(policy, dict) \
            else policy
        out["roles"] = self.pages("iam", None, "ListRoles", "Roles", page_size=1000)
        return out

    def _credential_report(self, wait: float = 60.0) -> Any:
        started = time.monotonic()
        generated = self.call("iam", None, "GenerateCredentialReport")
        if not ok(generated):
            # A report generated earlier (less than 4 hours old) may still be readable.
            pass
        while True:
            answer = self.call("iam", None, "GetCredentialReport",
                               expected=("ReportInProgress", "ReportNotPresent"))
            if answer is None and time.monotonic() - started < wait:
                time.sleep(1.0)
                continue
            if answer is None:
                # No answer is an unread listing of users: an error entry like a failed call.
                entry = CallError("iam", "GetCredentialReport", None, "timeout",
                                  f"the credential report was not ready within {wait:.0f} s:"
                                  " run the scan again in a minute")
                with self._lock:
                    self.errors.append(entry)
                return Failed(f"{entry.call}: {entry.message}")
            if not ok(answer):
                return answer
            content = answer.get("Content", b"")
            if isinstance(content, str):  # some endpoints return it base64-encoded
                try:
                    content = base64.b64decode(content)
                except ValueError:
                    content = content.encode()
            rows = list(csv.DictReader(io.StringIO(content.decode("utf-8", "replace"))))
            return {"rows": rows, "generated": answer.get("GeneratedTime")}

    def s3(self, regions: list[str], unlocated: bool = True) -> dict[str, Any]:
        """Buckets of `regions` (each bucket is placed by its own region, so that shards
        split them like regional resources); `unlocated`: also the buckets whose region
        cannot be read (kept by one shard only: the one reading the account's global
        services)."""
        buckets = self.pages("s3", None, "ListBuckets", "Buckets")
        if not ok(buckets):
            return {"buckets": buckets}

        def region_of(bucket: dict) -> dict:
            name = bucket["Name"]
            region = bucket.get("BucketRegion")
            if not region:
                answer = self.call("s3", None, "GetBucketLocation", Bucket=name)
                if not ok(answer):
                    return {"Name": name, "Region": answer}
                location = answer.get("LocationConstraint") or "us-east-1"
                region = {"EU": "eu-west-1"}.get(location, location)
            return {"Name": name, "Region": region}

        located = self.each(region_of, buckets)
        names = {b["Name"]: b["Region"] for b in located}
        inside = [b for b in located
                  if (b["Region"] in regions if ok(b["Region"]) else unlocated)]
        outside = len(located) - len(inside)
        if outside:
            self.notices.append(f"{outside} S3 bucket(s) in regions not scanned"
                                f"{'' if unlocated else ' (or by this shard)'} were left out")

        def details(bucket: dict) -> dict:
            name, region = bucket["Name"], bucket["Region"]
            where = region if ok(region) else None
            enc = self.call("s3", where, "GetBucketEncryption", Bucket=name,
                            expected=("ServerSideEncryptionConfigurationNotFoundError",))
            rep = self.call("s3", where, "GetBucketReplication", Bucket=name,
                            expected=("ReplicationConfigurationNotFoundError",))
            pol = self.call("s3", where, "GetBucketPolicy", Bucket=name,
                            expected=("NoSuchBucketPolicy",))
            logs = self.call("s3", where, "GetBucketLogging", Bucket=name)
            logs = logs.get("LoggingEnabled") or {} if isinstance(logs, dict) else logs
            # The tags say whether the bucket holds health data (HDS-LOG-009): they matter
            # only when its server access logs are not on.
            tags: Any = {}
            if not (isinstance(logs, dict) and logs):
                tags = self.call("s3", where, "GetBucketTagging", Bucket=name,
                                 expected=("NoSuchTagSet",))
                tags = tags.get("TagSet", []) if isinstance(tags, dict) else tags or []
            return {**bucket, "Logging": logs, "Tags": tags,
                    "Encryption": enc.get("ServerSideEncryptionConfiguration") if enc and ok(enc)
                    else enc,
                    "Replication": rep.get("ReplicationConfiguration") if rep and ok(rep) else rep,
                    "Policy": pol.get("Policy") if pol and ok(pol) else pol}

        return {"buckets": self.each(details, inside), "regions": names}

    def cloudtrail(self, region: str) -> dict[str, Any]:
        """The trails `region` lists (shadow copies of multi-region and organisation trails
        included, so that a member account sees its organisation's trail); the status,
        event selectors and destination bucket of those whose home is `region`, or whose
        home region this scan does not read."""
        trails = self.call("cloudtrail", region, "DescribeTrails", includeShadowTrails=True)
        if not ok(trails):
            return {"trails": trails}
        listed = [t for t in (trails or {}).get("trailList", []) if t.get("TrailARN")]
        mine = [t for t in listed if t.get("HomeRegion") == region
                or (self.regions and t.get("HomeRegion") not in self.regions)]

        def details(trail: dict) -> tuple[str, dict]:
            arn = trail["TrailARN"]
            status = self.call("cloudtrail", region, "GetTrailStatus", Name=arn)
            selectors = self.call("cloudtrail", region, "GetEventSelectors", TrailName=arn)
            return arn, {"status": status, "selectors": selectors,
                         "bucket": self._trail_bucket(trail.get("S3BucketName"))}

        return {"trails": listed, "details": dict(self.each(details, mine))}

    def logs(self, region: str) -> dict[str, Any]:
        """CloudWatch Logs groups (their retention: absent means never expire)."""
        return {"log_groups": self.pages("logs", region, "DescribeLogGroups", "logGroups",
                                         page_size=50)}

    def _trail_bucket(self, name: Any) -> dict[str, Any]:
        """Region and Block Public Access of a trail's bucket, read once per bucket (a
        bucket of another account answers AccessDenied: its facts stay unknown)."""
        if not isinstance(name, str) or not name:
            return {}
        with self._lock:
            cached = self._buckets.get(name)
        if cached is not None:
            return cached
        location = self.call("s3", None, "GetBucketLocation", Bucket=name)
        region: Any = location
        if ok(location):
            found = (location or {}).get("LocationConstraint") or "us-east-1"
            region = {"EU": "eu-west-1"}.get(found, found)
        block = self.call("s3", region if isinstance(region, str) else None,
                          "GetPublicAccessBlock", Bucket=name,
                          expected=("NoSuchPublicAccessBlockConfiguration",))
        own = block.get("PublicAccessBlockConfiguration", {}) if isinstance(block, dict) \
            else block
        got = {"region": region, "block": own}
        if not (isinstance(own, dict) and all(own.get(field) is True for field in BLOCK_FIELDS)):
            # The bucket does not block public access fully by itself: the account may.
            got["account_block"] = self.account_block()
        with self._lock:
            self._buckets[name] = got
        return got

    def account_block(self) -> Any:
        """The account-level S3 Block Public Access (s3control), read at most once: its
        switches, None when the account has none, or Failed."""
        with self._account_lock:  # held during the call: other threads wait for its answer
            if not self._account_block_read:
                answer = self.call("s3control", self.session.home_region,
                                   "GetPublicAccessBlock", AccountId=self.account,
                                   expected=("NoSuchPublicAccessBlockConfiguration",))
                self._account_block = answer.get("PublicAccessBlockConfiguration", {}) \
                    if isinstance(answer, dict) else answer
                self._account_block_read = True
            return self._account_block

    def cloudfront(self) -> dict[str, Any]:
        return {"distributions": self.pages("cloudfront", None, "ListDistributions",
                                            "DistributionList.Items")}


def _dig(page: dict, key: str) -> list:
    value: Any = page
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return list(value or [])


def _get(answer: Any, key: str, ident: str) -> Any:
    if not ok(answer):
        return answer
    if answer is None:
        return Failed(f"{ident}: empty answer")
    return answer.get(key, {})


def collect(session: AwsSession, identity: dict[str, str], regions: list[str],
            services: Iterable[str], *, max_attribute_reads: int = 1000,
            page_size: int | None = None, progress: Callable[[int, int, str], None] | None = None,
            global_unit: bool = True) -> AccountData:
    """Read every selected service in every region (bounded pool); never raises for a call.

    `global_unit` False (a shard that does not own the account's global unit): IAM and
    CloudFront are not read, and S3 only for the buckets of `regions`."""
    wanted = [s for s in SERVICES if s in set(services)
              and (global_unit or s not in GLOBAL_SERVICES or s == "s3")]
    data = AccountData(account=identity["account"], caller=identity["arn"], services=wanted,
                       partition=session.partition(regions[0]) if regions else "aws")
    collector = Collector(session, identity["account"], max_attribute_reads=max_attribute_reads,
                          page_size=page_size)
    collector.regions = frozenset(regions)
    tasks: list[tuple[str | None, str]] = [(None, s) for s in wanted if s in GLOBAL_SERVICES]
    tasks += [(r, s) for r in regions for s in wanted if s in REGIONAL_SERVICES]
    done = 0
    lock = threading.Lock()

    def run(task: tuple[str | None, str]) -> tuple[str | None, str, Any]:
        nonlocal done
        region, service = task
        if region is None:
            result = (collector.s3(regions, unlocated=global_unit) if service == "s3"
                      else getattr(collector, service)())
        else:
            result = getattr(collector, service)(region)
        with lock:
            done += 1
            if progress:
                progress(done, len(tasks), f"{region or 'global'} {service}")
        return region, service, result

    if progress:
        progress(0, len(tasks), "starting")
    try:
        with ThreadPoolExecutor(max_workers=session.options.max_workers,
                                thread_name_prefix="hds-iac-live") as pool:
            for region, service, result in pool.map(run, tasks):
                if region is None:
                    data.global_[service] = result
                else:
                    data.regions.setdefault(region, {})[service] = result
    finally:
        collector.close()
    data.errors = collector.errors
    data.notices = collector.notices
    data.calls = collector.calls
    return data
