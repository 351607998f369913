"""The provider-neutral model that every rule reads.

Each source (Terraform code, plans and states, live AWS, live Outscale) is adapted into
`Resource` objects carrying only what HDS cares about: where data is stored, whether it
is encrypted, how flows are protected, which zones a workload spans, who can log in and
how, what is backed up and shared. Rules never see provider attributes, so one rule
serves every source and every provider.

A value the adapter cannot resolve is an `Unknown` carrying the reason. `Unknown` refuses
to be used as a boolean so that a rule can never turn "we don't know" into a pass or a
fail by accident.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import Iterator, TypeVar, Union

from hds_iac import provider_registry
from hds_iac.terraform.addresses import checkov_key

# A new instance of a class whose `__init__` is still to call (or whose fields are then set
# one by one), for the objects built once per resource of an input or once per finding:
# `record = new_instance(TfResource)` then `TfResource.__init__(record, address=..., ...)`
# makes the object `TfResource(address=..., ...)` makes, at half the cost. A class call
# first packs its keyword arguments into a dict for `__init__` (Python 3.11), which cost as
# much as the rest of building a `TfResource` or a model `Resource`; calling the `__init__`
# function itself passes them as they are. Only for classes without a `__new__` of their own
# (dataclasses). `object.__new__` itself, not a function calling it, which would cost a
# Python call for each object.
new_instance = object.__new__

T = TypeVar("T")


@dataclass(frozen=True)
class Unknown:
    """A value that could not be resolved, and why ("known after apply", "var.x has no value")."""

    reason: str
    # Addresses of the Terraform objects the value refers to (for example the subnet a
    # `subnet_id` points at): adapters use them to link resources even when the value
    # itself (an id known only after apply) is unknown.
    refs: tuple[str, ...] = ()

    def __bool__(self) -> bool:  # pragma: no cover - the error is the point
        raise TypeError(f"unknown value used as a boolean ({self.reason})")


Maybe = Union[T, Unknown]


def first_unknown(*values: object) -> Unknown | None:
    """The first unresolved value among `values`, to explain an `unknown` verdict."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


@dataclass(frozen=True)
class Origin:
    """Where a resource was found: a file and line for code, a cloud id for live scans."""

    source: str  # a `Source` ("hcl", "plan", "state") or, for live scans, a provider id
    file: str | None = None
    line: int | None = None  # the resource block's first line
    cloud_id: str | None = None
    # The block's last line (HCL only): with `line`, the resource's range, which reports
    # keep beside the line of the attribute a finding is about (`SourceAttribute`).
    end_line: int | None = None


@dataclass(frozen=True)
class SourceAttribute:
    """The source attribute a facet value was read from, so that a finding points at the
    value that decided it (`encrypted = false` on line 14), not at the resource's first line.

    `path` is the attribute as the source names it: dotted through nested blocks, with an
    index only for a repeated block after its first
    (`server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm`,
    `ebs_block_device[1].encrypted`); a live scan may name an API field. `line` is known only
    for sources with lines (HCL) and only when the attribute is written there; `set` False
    means the attribute is absent and the provider's default applied ("not set": reports
    then point at the resource's line). `address` and `file` are set when the value is held
    by another resource than the judged one (a bucket's separate `aws_s3_bucket_policy`):
    that resource's address and file, where `line` is."""

    path: str
    line: int | None = None
    set: bool = True
    address: str | None = None
    file: str | None = None

    def held_by(self, address: str, origin: Origin) -> SourceAttribute:
        """This attribute of the resource at `address` (found at `origin`), as a finding on
        another resource points at it (a bucket's separate policy, a volume's backup
        selection): that resource's address and file; an attribute it leaves unset points
        at its first line, where to write it. The one way a finding points elsewhere."""
        if self.address is not None:  # already another resource's
            return self
        return replace(self, line=self.line if self.line is not None else origin.line,
                       address=address, file=origin.file)

    def checkov_key(self) -> str:
        """The path as checkov writes `evaluated_keys` (`root_block_device/[0]/encrypted`):
        every nested block is a list there."""
        return checkov_key(self.path)


@lru_cache(maxsize=4096)
def facet_key(facet: str, name: str, part: str = "") -> str:
    """The key of one facet value in `Resource.attributes` and `Verdict.facets`:
    "backup.retention_days", "at_rest[root_block_device].enabled" (a facet with parts, such
    as `AtRest`, names the part). Rules name the facet they judged with it; adapters record
    under it where the value came from. Kept per arguments: a plan's thousands of disks,
    listeners and ingress rules ask the same few hundred keys."""
    return f"{facet}[{part}].{name}" if part else f"{facet}.{name}"


# --- facets: each answers one HDS question about a resource -------------------------


@dataclass
class AtRest:
    """Encryption of stored data."""

    # True/False when the configuration says so; None when it is silent, in which case
    # `default` tells what the provider does by itself.
    enabled: Maybe[bool] | None
    # What happens when `enabled` is None: "encrypted" (the service always encrypts),
    # "unencrypted", or "account-default" (AWS EBS: the account/region setting decides).
    default: str = "unencrypted"
    # The key is held by the client (customer-managed KMS key) rather than the provider:
    # the matrix (§13) asks the client to keep the key.
    customer_key: Maybe[bool] | None = None
    # The user's encryption attestation tag (Outscale has no API-visible encryption), as
    # the adapter resolved it: True/False, or Unknown when the tags cannot be read (a tag
    # from an unset variable): the part is then unknown, never a failure.
    attested: Maybe[bool] = False
    # Which part of the resource this is about, for messages ("root_block_device").
    part: str = ""


@dataclass
class Ipsec:
    """What an IPsec tunnel (site-to-site VPN) accepts to negotiate: per option ("IKE
    versions", "phase 1 encryption", "phase 1 integrity", "phase 1 DH groups", and the
    same for phase 2), the values it permits, as the provider names them ("ikev2",
    "AES256-GCM-16", "SHA2-256", "19"), or Unknown when they cannot be read. `defaulted`
    names the options the configuration leaves to the provider's defaults (their values
    are then the defaults, written out)."""

    options: dict[str, Maybe[tuple[str, ...]]] = field(default_factory=dict)
    defaulted: tuple[str, ...] = ()


@dataclass
class Flow:
    """A network flow the resource terminates or originates (listener, viewer, origin, transit)."""

    name: str  # "listener :80", "viewer", "origin", "in-transit", "client connections"
    encrypted: Maybe[bool]
    # A plaintext listener whose only action is a redirect to HTTPS carries no data
    # (Unknown: its actions cannot be read, so whether it carries data is not known).
    redirects_to_https: Maybe[bool] = False
    # Lowest TLS version the flow accepts ("1.0", "1.1", "1.2", "1.3"), when known.
    min_tls: Maybe[str] | None = None
    # Encrypted flows that need a certificate and have none configured.
    certificate: Maybe[bool] | None = None
    # VPN tunnels: the IPsec parameters they accept (Unknown where the provider's API does
    # not show them); None for flows that are not IPsec tunnels.
    ipsec: Maybe[Ipsec] | None = None
    detail: str = ""  # protocol/port/policy name, for messages


@dataclass
class OpenPort:
    """An ingress rule: who may reach which ports."""

    protocol: str  # "tcp" | "udp" | "all"
    from_port: Maybe[int]
    to_port: Maybe[int]
    sources: Maybe[tuple[str, ...]]  # CIDRs


@dataclass
class Placement:
    """Which availability zones a workload spans."""

    zones: Maybe[tuple[str, ...]] | None = None
    # Managed services that have their own high-availability switch (RDS multi_az,
    # EFS One Zone...): True/False/Unknown, None when the service has no such switch.
    multi_az: Maybe[bool] | None = None
    # Standalone machines of one region are judged together: this is their group key.
    standalone: bool = False


@dataclass
class PasswordPolicy:
    """An account's password policy (AWS IAM: one per account, for console passwords).

    `exists` False: the account has no policy, so IAM's built-in minimum (8 characters,
    no reuse check) applies. Every value is as the provider states it; `reuse_prevention`
    and `max_age_days` are 0 when unset (no check, no expiry)."""

    exists: bool = True
    min_length: Maybe[int] = 0
    reuse_prevention: Maybe[int] = 0
    max_age_days: Maybe[int] = 0
    # Character classes a password must hold: uppercase, lowercase, numbers, symbols.
    required_classes: tuple[str, ...] = ()


@dataclass
class Identity:
    """Who can log in and how (users, roles assumed by humans, user pools, account policies)."""

    console_access: Maybe[bool] | None = None
    mfa_enforced: Maybe[bool] | None = None
    # Access keys: must expire (Outscale api access policy, AWS key age).
    key_max_age_days: Maybe[int] | None = None  # 0 means "keys never expire"
    # False where the provider offers no expiry for access keys at all (AWS IAM): a key
    # that never expires must then be rotated, which the message says.
    keys_can_expire: bool = True
    key_age_days: Maybe[int] | None = None
    # The account's all-powerful identity (AWS root user): its access keys cannot be limited
    # by any policy, so it should have none (live scans count them).
    account_root: bool = False
    active_access_keys: Maybe[int] | None = None
    # The account's password policy (kind account-policy); Unknown when it cannot be read.
    password_policy: Maybe[PasswordPolicy] | None = None
    detail: str = ""


@dataclass(frozen=True)
class ObjectEvents:
    """The S3 object-level accesses one selector of a trail records (CloudTrail data
    events on `AWS::S3::Object`): the objects whose ARN starts with one of `prefixes`
    (`arn:aws:s3` or `arn:aws:s3:::` for every bucket, `arn:aws:s3:::name/` for one
    bucket), and whether reads (GetObject...) and writes (PutObject, DeleteObject...) are
    recorded. A prefix the adapter could not resolve is an Unknown: the rule then cannot
    tell which buckets it covers; `read`/`write` are Unknown when the selector's other
    settings cannot be resolved or judged."""

    prefixes: tuple[Maybe[str], ...]
    read: Maybe[bool] = True
    write: Maybe[bool] = True


@dataclass
class Trail:
    """An audit trail of the account's API calls (AWS CloudTrail): who did what, when, from
    where, on every resource of the account (HDS EXI 05 D.c, traceability of access).

    `exists` False: the account shows no trail at all (live scans only; a Terraform root
    without one says nothing about the account). The destination bucket's region and its
    public-access block are resolved by the adapter from the bucket it found (None when the
    bucket is not in the configuration or account: the rule then says so)."""

    exists: bool = True
    all_regions: Maybe[bool] = False  # multi-region trail
    organization: Maybe[bool] = False  # organisation trail (every member account)
    # Read and write management events are both recorded.
    management_events: Maybe[bool] = True
    validation: Maybe[bool] = False  # log file integrity validation (digest files)
    customer_key: Maybe[bool] = False  # log files encrypted with a customer-managed KMS key
    logging: Maybe[bool] = True  # the trail is recording (live: GetTrailStatus.IsLogging)
    bucket: Maybe[str] = ""  # destination bucket name
    bucket_region: Maybe[str] | None = None
    # S3 Block Public Access keeps the bucket from being made public (bucket or account).
    bucket_blocked: Maybe[bool] | None = None
    # The S3 object-level accesses it records (data events), one entry per selector that
    # records some; Unknown when its selectors cannot be read or judged.
    object_events: Maybe[tuple[ObjectEvents, ...]] = ()
    detail: str = ""  # what a message shows of the trail's settings


@dataclass
class Logging:
    """What records access to or through a resource (HDS EXI 05 D.c): the audit trail of an
    account's API calls, the flow logs of a network, the access logs of a load balancer or
    of a bucket (S3 server access logs)."""

    trail: Maybe[Trail] | None = None
    # Flow logs of a network, access logs of a load balancer: True/False/Unknown; None where
    # the resource has no such log (a gateway load balancer).
    enabled: Maybe[bool] | None = None
    # Log groups: the days their logs are kept (0: never expire).
    retention_days: Maybe[int] | None = None
    # Where the provider shows nothing of a machine's access logs (Outscale VMs): the
    # user's logging attestation tag, True/False as declared, Unknown when the tags cannot
    # be read, None when the tag is absent (nothing declared).
    attested: Maybe[bool] | None = None
    # Buckets: whether the bucket holds health data, as the user's tag declares it
    # (`Settings.health_data_tag`): True without the tag (every bucket is a data store, as
    # for the encryption and location rules), False when the tag says false/no/0,
    # Unknown when the tags cannot be read. Its access logs are in `enabled`.
    health_data: Maybe[bool] | None = None
    # Buckets: every trail that could record the bucket's object accesses is in this
    # inventory (a live scan lists them in the bucket's region). False for code, plans and
    # states: an account or organisation trail is often in another configuration.
    all_trails: bool = False
    detail: str = ""


@dataclass(frozen=True)
class KeyRotation:
    """A customer-managed encryption key's automatic rotation of its key material (AWS KMS
    `enable_key_rotation`): it bounds what one compromised key material exposes.

    `possible` is False for keys the provider cannot rotate (AWS: asymmetric and HMAC
    keys), as the adapter tells it from the key's spec; Unknown when the spec is unresolved
    (a variable): rules then still judge `enabled`, most keys being symmetric."""

    enabled: Maybe[bool]
    possible: Maybe[bool] = True


@dataclass
class Backup:
    """What protects the data against loss."""

    retention_days: Maybe[int] | None = None
    final_snapshot: Maybe[bool] | None = None
    deletion_protection: Maybe[bool] | None = None
    vault_locked: Maybe[bool] | None = None
    # Live scans only: how many snapshots of the volume exist, and the age in days of the
    # newest completed one (None with snapshot_count 0: there is none).
    snapshot_count: Maybe[int] | None = None
    newest_snapshot_age_days: Maybe[int] | None = None
    # Volumes: the user's backup attestation tag as the adapter resolved it (True/False,
    # Unknown when the tags cannot be read), and whether the provider has backup plans or
    # snapshot policies a scan can read (False for Outscale, which takes no backup of client
    # data, matrix §20: only the attestation can then show a backup).
    attested: Maybe[bool] = False
    provider_plans: bool = True


@dataclass
class Sharing:
    """Who else can read a copy (snapshots, images)."""

    public: Maybe[bool] = False
    accounts: Maybe[tuple[str, ...]] = ()


@dataclass
class Destination:
    """Where a copy of the data goes (replication, cross-region backup copy, snapshot copy)."""

    region: Maybe[str]
    what: str  # "S3 replication", "backup copy", "snapshot copy"...
    provider: str | None = None  # defaults to the resource's provider


@dataclass(frozen=True)
class ResourcePattern:
    """Resources selected by wildcards (`arn:aws:ec2:eu-west-3:*:volume/vol-0*`), as the
    adapter parsed them from the provider's ARN: a kind, a region and an id pattern
    (`fnmatch` style), so that rules match them without knowing ARNs."""

    kind: str
    region: str = "*"
    id: str = "*"


@dataclass
class Selection:
    """A backup plan or snapshot policy, and what it selects."""

    tags: dict[str, Maybe[str]] = field(default_factory=dict)
    resource_ids: tuple[Maybe[str], ...] = ()  # ARNs, ids or Terraform addresses
    patterns: tuple[ResourcePattern, ...] = ()
    select_all: bool = False
    resource_kinds: tuple[str, ...] = ()  # restricts tag matches ("volume")


@dataclass(frozen=True)
class FactChange:
    """One HDS fact as a Terraform state records it and as the live resource shows it,
    both already written for a message (a state's sensitive values masked)."""

    fact: str  # "region", "encryption at rest", "customer-managed key", "multi-AZ"...
    state: str
    live: str


@dataclass
class Drift:
    """How a resource compares with the Terraform states that manage the account (live
    scans with `--against`). Filled by `hds_iac.drift`, never by adapters: the drift rules
    read it, the other rules ignore it.

    A live resource (`side="live"`) is "managed" (a state manages it), "unmanaged" (no
    state does, where the states cover), or "unknown" (`reason` says why it cannot be
    told). A state's resource (`side="state"`) is "found" in the account, "missing" (gone
    from a listing that was read completely), or "unknown"."""

    side: str  # "live" | "state"
    status: str  # live: managed | unmanaged | unknown; state: found | missing | unknown
    state: str = ""  # the state that manages it (file name or s3:// URL)
    address: str = ""  # live side: its address in that state; state side: the live id
    reason: str = ""  # why the status is unknown
    changes: tuple[FactChange, ...] = ()  # facts that differ between state and account
    # Facts the live side cannot give (a read that failed; `live` holds the reason): the
    # comparison is unknown.
    unresolved: tuple[FactChange, ...] = ()
    # Facts the state does not tell (`state` holds the reason: a KMS key the state does not
    # hold may be AWS-managed): not compared, and said so.
    not_in_state: tuple[FactChange, ...] = ()
    compared: tuple[str, ...] = ()  # the facts both sides gave, equal or not
    # An unmanaged resource the user declared legitimately outside Terraform (`drift_allow`
    # of .hds-iac.yaml): the entry and its reason, shown in the exceptions register.
    allowed: str = ""


# --- the resource -----------------------------------------------------------------


class Kind(StrEnum):
    """Neutral kinds. Adapters map native types onto these; rules filter on them. A
    `Resource` of any other kind is refused when it is built."""

    VOLUME = "volume"  # block storage (EBS, Outscale volume)
    INSTANCE = "instance"  # virtual machine (its disks are at_rest parts)
    LAUNCH_TEMPLATE = "launch-template"
    AUTOSCALING_GROUP = "autoscaling-group"
    DATABASE = "database"  # RDS instance
    DATABASE_CLUSTER = "database-cluster"  # Aurora / DocumentDB / Neptune cluster
    BUCKET = "bucket"  # object storage
    FILE_SYSTEM = "file-system"  # EFS
    CACHE = "cache"  # ElastiCache replication group / cluster
    TABLE = "table"  # DynamoDB
    BACKUP_VAULT = "backup-vault"
    KEY = "key"  # KMS key
    LOAD_BALANCER = "load-balancer"
    LISTENER = "listener"
    CDN = "cdn"  # CloudFront distribution
    SECURITY_GROUP = "security-group"
    VPN = "vpn"
    USER = "user"
    ROLE = "role"
    USER_POOL = "user-pool"
    ACCOUNT_POLICY = "account-policy"  # Outscale API access policy, AWS password policy
    ACCESS_KEY = "access-key"
    SNAPSHOT = "snapshot"
    IMAGE = "image"
    BACKUP_PLAN = "backup-plan"  # AWS Backup selection, DLM policy
    ACCOUNT_SETTING = "account-setting"  # EBS encryption by default
    COPY = "copy"  # a copy/replication resource whose only fact is its destination
    TRAIL = "trail"  # audit trail of API calls (CloudTrail)
    NETWORK = "network"  # virtual network (AWS VPC): its flow logs
    LOG_GROUP = "log-group"  # CloudWatch Logs log group: how long it keeps logs


# The kinds that hold client data: the only ones an adapter marks `stores_data` or gives
# `at_rest` parts (docs/model-contract.md), so the only ones HDS-LOC-001 and HDS-ENC-003 judge.
DATA_KINDS = (
    Kind.VOLUME, Kind.INSTANCE, Kind.LAUNCH_TEMPLATE, Kind.DATABASE, Kind.DATABASE_CLUSTER,
    Kind.BUCKET, Kind.FILE_SYSTEM, Kind.CACHE, Kind.TABLE, Kind.BACKUP_VAULT, Kind.SNAPSHOT,
    Kind.IMAGE,
)


class Source(StrEnum):
    """Where a resource was read: Terraform code, a plan, a state. A live scan's source is
    its provider's id (`Origin.source="aws"`), as `provider_registry` names it."""

    HCL = "hcl"
    PLAN = "plan"
    STATE = "state"


_SOURCES = frozenset(s.value for s in Source)
# Each kind by its value (a `Kind` member finds itself: it is equal to its value).
_KIND_OF: dict[str, Kind] = {k.value: k for k in Kind}


def _check(resource: "Resource") -> None:
    """The contract a resource must keep whoever built it (docs/model-contract.md)."""
    try:
        kind = _KIND_OF.get(resource.kind)  # `Kind(...)`, without the enum's call machinery
    except TypeError:  # an unhashable value
        kind = None
    if kind is None:
        raise ValueError(f"{resource.address}: unknown kind {resource.kind!r} "
                         "(hds_iac.model.Kind)")
    resource.kind = kind
    if resource.provider not in provider_registry.BY_ID:
        raise ValueError(f"{resource.address}: unknown provider {resource.provider!r} "
                         "(hds_iac.provider_registry)")
    source = resource.origin.source
    if source not in _SOURCES and source not in provider_registry.BY_ID:
        raise ValueError(f"{resource.address}: unknown source {source!r} (hds_iac.model.Source"
                         " or a provider id)")



@dataclass
class Resource:
    """One thing in the infrastructure, seen through HDS eyes."""

    address: str  # Terraform address as `terraform plan` writes it, or cloud id/ARN
    type: str  # native type: aws_db_instance, outscale_volume, AWS::EC2::Volume ...
    provider: str  # a provider id of `provider_registry` ("aws", "outscale")
    kind: Kind  # a `Kind` (a plain string such as "volume" is converted, and checked)
    region: Maybe[str] | None  # None for global resources (IAM, CloudFront)
    origin: Origin
    stores_data: bool = False
    ids: tuple[str, ...] = ()  # every identifier it can be referred to by (id, arn)
    tags: Maybe[dict[str, str]] = field(default_factory=dict)
    at_rest: list[AtRest] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    open_ports: list[OpenPort] = field(default_factory=list)
    placement: Placement | None = None
    identity: Identity | None = None
    backup: Backup | None = None
    sharing: Sharing | None = None
    destinations: list[Destination] = field(default_factory=list)
    selection: Selection | None = None
    logging: Logging | None = None
    # Kind key: its rotation (None for keys the adapter cannot judge: AWS-managed ones).
    key_rotation: KeyRotation | None = None
    # Kind account-setting: whether new volumes of its region are encrypted by default
    # (AWS EBS encryption by default): True/False, Unknown when the setting could not be
    # read or resolved; None on any other resource.
    encryption_default: Maybe[bool] | None = None
    # Made by the provider with the account, in every region, rather than by anyone (AWS's
    # `default` security group of each VPC): live scans leave it out of the drift
    # comparison and of the regions-in-use notices.
    account_default: bool = False
    # Live scans with `--against` only: how it compares with the Terraform states.
    drift: Drift | None = None
    # The texts of the sensitive values of the input this resource comes from (a
    # `sensitive` variable, a plan's `after_sensitive`): facets hold them like any value,
    # so that the same fact gets the same verdict, and every message masks them
    # (`hds_iac.sensitive.mask`). Filled by the adapters, never by rules.
    sensitive: frozenset[str] = frozenset()
    # Where the facet values a rule may point at came from, keyed by `facet_key`
    # ("at_rest[volume].enabled" -> SourceAttribute("encrypted", 14)). Filled by adapters
    # where they know it; a facet without an entry points at the resource itself.
    attributes: dict[str, SourceAttribute] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class ReadGap:
    """A read that failed, was denied or was not made (left out with `--services`, not sent
    after the region throttled): resources of `kinds` may be missing from the inventory in
    `region` of `provider`.

    A missing resource cannot give its own verdict, but it can change another's: a volume
    that no backup plan selects fails HDS-BAK-004 only if every backup plan was read. The
    adapters of live scans record one gap per read that did not answer, and the engine turns
    the verdicts that rely on a complete listing of those kinds into `unknown` (see
    `hds_iac.rules.rule(needs_all=...)`), so no rule has to look for failed reads itself."""

    provider: str
    region: str | None  # None: every region of the provider, and its global resources
    kinds: frozenset[str]
    reason: str  # names the read: "dlm:GetLifecyclePolicies not read in eu-west-3 (...)"


@dataclass
class Inventory:
    """Everything one scan found, with the look-ups that cross-resource rules need."""

    resources: list[Resource] = field(default_factory=list)
    # Reads that did not answer (live scans): what may be missing, and why.
    gaps: list[ReadGap] = field(default_factory=list)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    # `of_kind`'s answers by kinds, valid while `resources` is the same list of the same
    # length ending with the same resource (`_kinds_stamp`): about 40 look-ups of a scan
    # each walked every resource (a 5,000-resource plan: 200,000 comparisons).
    _kinds_found: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _kinds_stamp: tuple = field(default=(), init=False, repr=False, compare=False)
    # The positions of each kind's resources, for the same stamp: one walk of the
    # resources answers every look-up (26 different ones in a scan of a plan).
    _kinds_at: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def of_kind(self, *kinds: str) -> list[Resource]:
        """The resources of `kinds`, in inventory order (a new list: the caller's to keep)."""
        resources = self.resources
        stamp = (id(resources), len(resources), id(resources[-1]) if resources else 0)
        if stamp != self._kinds_stamp:
            self._kinds_found = {}
            self._kinds_stamp = stamp
            self._kinds_at = {}
            for position, res in enumerate(resources):
                self._kinds_at.setdefault(res.kind, []).append(position)
        found = self._kinds_found.get(kinds)
        if found is None:
            at = self._kinds_at
            positions = sorted([p for kind in set(kinds) for p in at.get(kind, ())])
            found = self._kinds_found[kinds] = [resources[p] for p in positions]
        return list(found)

    def add(self, resource: Resource) -> None:
        self.resources.append(resource)

    def gap(self, kind: str, provider: str, region: Maybe[str] | None) -> Unknown | None:
        """Why resources of `kind` of `provider` may be missing where `region` is (None:
        nothing is missing). A resource whose region is unknown may be anywhere."""
        for gap in self.gaps:
            if gap.provider != provider or kind not in gap.kinds:
                continue
            if gap.region is None or isinstance(region, Unknown) or gap.region == region:
                return Unknown(gap.reason)
        return None

