"""What the fields of AWS data stores mean, once for every source.

EBS volumes and machine disks, RDS/Aurora/DocumentDB/Neptune databases, S3 buckets, EFS,
ElastiCache, DynamoDB and KMS keys: each function here turns the native fields of one kind
(already read out of Terraform attributes by `terraform_aws_storage`, or out of an API
answer by `live.aws.adapt`) into the model's facets. The two front-ends only read their
own format (Terraform names, defaults of omitted arguments, references; API names, failed
calls) and hand the values over, so the same fact gives the same facet however it was read.

A customer-key question is asked through a `KeyLookup` (a function without arguments):
each source knows its own way to tell a customer-managed key (a configured key, a key of
the scanned configuration, the KMS answer), and the key is looked at only when the data is
encrypted at all.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from hds_iac.adapters import aws_tls
from hds_iac.adapters.aws_names import region_from_arn
from hds_iac.model import AtRest, Backup, Destination, Flow, KeyRotation, Maybe, Unknown

KeyLookup = Callable[[], "Maybe[bool] | None"]

# --- stores whose encryption is a switch ----------------------------------------------


def switched_encryption(encrypted: Maybe[bool], key: KeyLookup, part: str) -> AtRest:
    """RDS storage, EFS, ElastiCache groups, EBS with `encrypted` stated: the key matters
    only when encryption is not off."""
    return AtRest(enabled=encrypted, customer_key=key() if encrypted is not False else None,
                  part=part)


def ebs_disk(encrypted: Maybe[bool] | None, key: KeyLookup, part: str) -> AtRest:
    """An EBS volume or machine disk. `encrypted` None (omitted in code): the account's
    EBS encryption by default decides (HDS-ENC-001 reads the account setting)."""
    if encrypted is None:
        return AtRest(enabled=None, default="account-default", customer_key=key(), part=part)
    return switched_encryption(encrypted, key, part)


def copy_disk(encrypted: Maybe[bool] | None, part: str) -> AtRest:
    """A snapshot, snapshot copy or image block device (HDS-ENC-005): encrypted or not as
    read (a state, the API) or as inherited from its source; None when the account's EBS
    encryption by default decides (a copy of an unencrypted source that did not ask for
    encryption). Its key is not judged (HDS-ENC-003 judges the sources' keys)."""
    if encrypted is None:
        return AtRest(enabled=None, default="account-default", part=part)
    return AtRest(enabled=encrypted, part=part)


# --- databases -------------------------------------------------------------------------


def db_backup(retention_days: Maybe[int], deletion_protection: Maybe[bool],
              skip_final_snapshot: Maybe[bool] | None = None) -> Backup:
    """RDS backups. `skip_final_snapshot` is a deletion-time choice only code knows: None
    (a live account cannot show it) leaves `final_snapshot` unjudged."""
    final: Maybe[bool] | None = None
    if skip_final_snapshot is not None:
        final = (not skip_final_snapshot) if isinstance(skip_final_snapshot, bool) \
            else skip_final_snapshot
    return Backup(retention_days=retention_days, final_snapshot=final,
                  deletion_protection=deletion_protection)


def replica_destinations(source: Any, region: Maybe[str], what: str) -> list[Destination]:
    """A cross-region replica (its source named by an ARN of another region) copies the
    source's data into this resource's region."""
    source_region = region_from_arn(source)
    if source_region and source_region != region:
        return [Destination(region=region, what=f"{what} of {source}")]
    return []


def cluster_multi_az(*, serverless: bool, multi_az_cluster: bool, members: int,
                     zones: Iterable[object] = (),
                     no_members: Maybe[bool] = False) -> Maybe[bool]:
    """An RDS/Aurora cluster spans zones when it is serverless (v1 fails over by itself), a
    Multi-AZ DB cluster, or has two instances or two zones; `no_members` is the answer when
    no instance of it was found (False when the list is complete, Unknown when it may not be)."""
    if serverless or multi_az_cluster or members >= 2 or len(set(map(str, zones))) >= 2:
        return True
    if members == 1:
        return False
    return no_members


def db_tls_flow(parameters: Iterable[tuple[Any, Any]], where: str, engine: Any,
                version: Any) -> Flow:
    """TLS required by a database: a TLS parameter (`rds.force_ssl`, `require_secure_transport`,
    …) of its parameter group `where`, else the engine's documented default."""
    name = "in-transit"
    for pname, value in parameters:
        if isinstance(pname, str) and pname.lower() in aws_tls.DB_TLS_PARAMETERS \
                and value is not None:
            return Flow(name, encrypted=aws_tls.db_tls_param(value),
                        detail=f"{where}: {pname}={value}")
    return db_default_flow(engine, version, f"{where} does not set the TLS parameter",
                           f"{where}: engine default")


def db_default_flow(engine: Any, version: Any, why: str, detail: str) -> Flow:
    """The engine's documented TLS default; `why` prefixes the reason when it is unknown."""
    enforced = aws_tls.db_default_tls(engine, version)
    if isinstance(enforced, Unknown):
        enforced = Unknown(f"{why}: {enforced.reason}")
    return Flow("in-transit", encrypted=enforced, detail=detail)


# --- S3 ----------------------------------------------------------------------------------

NO_RULE = object()  # the bucket has no default-encryption rule


def bucket_encryption(algorithm: Any, key: KeyLookup, part: str) -> AtRest:
    """A bucket's default encryption from the first rule's `sse_algorithm`/`SSEAlgorithm`
    (NO_RULE when there is none). S3 encrypts every new object with SSE-S3 since January
    2023, so a bucket is never unencrypted; the question left is who holds the key."""
    if algorithm is NO_RULE:
        return AtRest(enabled=None, default="encrypted", customer_key=False, part=part)
    if isinstance(algorithm, Unknown):
        return AtRest(enabled=True, default="encrypted", customer_key=algorithm, part=part)
    if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
        return AtRest(enabled=True, default="encrypted", customer_key=key(), part=part)
    return AtRest(enabled=True, default="encrypted", customer_key=False, part=part)


def replication_enabled(status: Any) -> bool:
    """A replication rule copies data unless its status is Disabled."""
    return not (isinstance(status, str) and status.lower() == "disabled")


def replication_destination(target: Any, region: Maybe[str], shown: str) -> Destination:
    return Destination(region=region, what=f"S3 replication to {shown}")


# --- file systems, caches, tables, keys ----------------------------------------------------


def efs_multi_az(one_zone: Maybe[str] | None) -> Maybe[bool]:
    """EFS One Zone file systems name their zone (`availability_zone_name`)."""
    if isinstance(one_zone, Unknown):
        return one_zone
    return not one_zone


def cache_multi_az(multi_az: Maybe[bool], failover: Maybe[bool]) -> Maybe[bool]:
    """An ElastiCache replication group spans zones with Multi-AZ or automatic failover."""
    if multi_az is True or failover is True:
        return True
    return multi_az if isinstance(multi_az, Unknown) else failover


def cache_transit(enabled: Maybe[bool], field: str) -> Flow:
    return Flow("in-transit", encrypted=enabled, detail=field)


def cache_cluster_at_rest(enabled: Maybe[bool] = False) -> AtRest:
    """A cache cluster outside a replication group (Memcached, single-node Redis) has no
    at-rest encryption option; only an API that says otherwise turns it on."""
    if enabled is True:
        return AtRest(enabled=True, part="at rest")
    return AtRest(enabled=enabled, part="at rest (not available for this cluster type)")


def dynamodb_encryption(kms: Maybe[bool], key: KeyLookup) -> AtRest:
    """DynamoDB always encrypts: with a KMS key (`server_side_encryption.enabled`, SSEType
    KMS) the key is the one named, or AWS-managed (aws/dynamodb); else AWS-owned."""
    if kms is False:
        return AtRest(enabled=None, default="encrypted", customer_key=False, part="table")
    return AtRest(enabled=True, default="encrypted", customer_key=key() if kms is True else kms,
                  part="table")


def dynamodb_replica(region: Maybe[str]) -> Destination:
    return Destination(region=region, what="DynamoDB replica")


# AWS rotates automatically only symmetric encryption keys; asymmetric and HMAC keys
# cannot rotate.
_ROTATABLE_SPECS = ("SYMMETRIC_DEFAULT",)


def key_rotation(rotation: Maybe[bool], spec: Maybe[str]) -> KeyRotation:
    """A KMS key's rotation, and whether its spec (`KeySpec`, `customer_master_key_spec`)
    lets it rotate at all: an unresolved spec leaves that unknown."""
    possible: Maybe[bool] = spec if isinstance(spec, Unknown) else spec in _ROTATABLE_SPECS
    return KeyRotation(enabled=rotation, possible=possible)
