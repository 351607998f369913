"""Credentials, regions and retries for a live AWS scan.

Credentials come the way AWS users expect: the default chain (environment, shared files,
SSO, instance or container role), `--profile`, then optionally `--role-arn` (the scan runs
under the assumed role). Nothing here ever logs or returns a secret: the only identity
printed is the account id and the caller's ARN.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

# Global services are called in this region (IAM, CloudFront, STS are global endpoints).
HOME_REGION = "us-east-1"
# A call that times out is retried like a throttled one: at most
# DEFAULT_MAX_ATTEMPTS x (DEFAULT_READ_TIMEOUT + backoff) is spent on one silent call.
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0


class SessionError(Exception):
    """The scan cannot start at all (no credentials, role cannot be assumed, bad region)."""


class AssumeRoleError(SessionError):
    """A role could not be assumed: in an organisation scan, one account is not scanned."""


@dataclass
class SessionOptions:
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    endpoint_url: str | None = None
    regions: list[str] | None = None  # None: every enabled region
    max_workers: int = 8
    retry_mode: str = "adaptive"  # botocore "standard" or "adaptive"
    # Requests per call, the first one included (botocore's `total_max_attempts`; its
    # `max_attempts` counts retries only, so 8 there sends 9 requests).
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    home_region: str | None = None


@dataclass
class RegionPlan:
    """Which regions the scan reads, and the ones asked for that cannot be read."""

    regions: list[str]
    disabled: list[str] = field(default_factory=list)  # opt-in regions not enabled
    unknown: list[str] = field(default_factory=list)  # not an EC2 region at all


def one_host(client: Any, endpoint_url: str) -> None:
    """S3 Control puts the account id in front of the host (`123456789012.s3-control...`),
    even on an `--endpoint-url`, where that name resolves nowhere (a local test server, a
    proxy): there, every call goes to the endpoint's own host. The URL is changed before
    the request is signed."""
    from urllib.parse import urlsplit, urlunsplit

    host = urlsplit(endpoint_url).netloc

    def to_endpoint(params: Any = None, **_: Any) -> None:
        if isinstance(params, dict) and isinstance(params.get("url"), str):
            parts = urlsplit(params["url"])
            if parts.netloc != host:
                params["url"] = urlunsplit(parts._replace(netloc=host))

    client.meta.events.register("before-call.s3-control", to_endpoint)


def redact_key_ids(text: str) -> str:
    """Drop anything that looks like an access key id from an error text."""
    import re

    return re.sub(r"\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b", "<redacted>", text)


class AwsSession:
    """A boto3 session plus a thread-safe cache of configured clients."""

    def __init__(self, options: SessionOptions, base: Any = None):
        """`base`: a boto3 session to use as is (an account reached through an organisation
        role); without it, the default chain, `--profile`, then `--role-arn`."""
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SessionError("boto3 is not installed: pip install 'hds-iac[aws]'") from exc
        import botocore.exceptions as bexc

        self.options = options
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self._hooks: list[Any] = []
        self.config = Config(
            retries={"mode": options.retry_mode,
                     "total_max_attempts": max(1, options.max_attempts)},
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            max_pool_connections=max(10, options.max_workers * 2),
            user_agent_extra="hds-iac-live",
        )
        if base is not None:
            self.home_region = options.home_region or base.region_name or HOME_REGION
            self.session = base
            return
        try:
            session = boto3.session.Session(profile_name=options.profile)
        except bexc.ProfileNotFound:
            raise SessionError(f"AWS profile {options.profile!r} not found") from None
        self.home_region = options.home_region or session.region_name or HOME_REGION
        if options.role_arn:
            sts = session.client("sts", region_name=self.home_region,
                                 endpoint_url=options.endpoint_url, config=self.config)
            session = _assume(sts, options.role_arn, options.external_id,
                              self.home_region)
        self.session = session
        if session.get_credentials() is None:
            raise SessionError("no AWS credentials found: set AWS_PROFILE or use --profile, the"
                               " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables, SSO"
                               " (aws sso login) or an instance role")

    def member(self, account: str, role_name: str, external_id: str | None) -> "AwsSession":
        """A session in `account` through its role `role_name` (path allowed:
        `audit/hds-iac`), assumed with this session's credentials. Raises
        `AssumeRoleError` naming the account and the trust it lacks."""
        role_arn = (f"arn:{self.partition(self.home_region)}:iam::{account}:role/"
                    f"{role_name.strip('/')}")
        base = _assume(self.client("sts", self.home_region), role_arn, external_id,
                       self.home_region, account=account)
        return AwsSession(self.options, base)

    def add_hook(self, hook: Any) -> None:
        """`hook(client)` is called on every new client (to count requests)."""
        with self._lock:
            self._hooks.append(hook)
            for client in self._clients.values():
                hook(client)

    def client(self, service: str, region: str | None) -> Any:
        key = (service, region or self.home_region)
        with self._lock:  # boto3 sessions are not thread-safe; clients are
            found = self._clients.get(key)
            if found is None:
                found = self.session.client(service, region_name=key[1],
                                            endpoint_url=self.options.endpoint_url,
                                            config=self.config)
                if service == "s3control" and self.options.endpoint_url:
                    one_host(found, self.options.endpoint_url)
                for hook in self._hooks:
                    hook(found)
                self._clients[key] = found
            return found

    def identity(self) -> dict[str, str]:
        """Account id and caller ARN (sts:GetCallerIdentity needs no permission)."""
        import botocore.exceptions as bexc

        try:
            answer = self.client("sts", self.home_region).get_caller_identity()
        except bexc.NoCredentialsError:
            raise SessionError("no AWS credentials found") from None
        except bexc.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            hint = {"ExpiredToken": "the session token has expired: log in again",
                    "InvalidClientTokenId": "the access key is not valid",
                    "SignatureDoesNotMatch": "the secret key does not match the access key"}.get(
                        code, redact_key_ids(str(exc)))
            raise SessionError(f"AWS credentials rejected ({code}): {hint}") from None
        except (bexc.EndpointConnectionError, bexc.ConnectTimeoutError) as exc:
            raise SessionError(f"cannot reach AWS STS: {type(exc).__name__}") from None
        return {"account": answer["Account"], "arn": answer["Arn"]}

    def plan_regions(self) -> RegionPlan:
        """Every enabled region, or the `--regions` asked for (checked against the account)."""
        import botocore.exceptions as bexc

        try:
            answer = self.client("ec2", self.home_region).describe_regions(AllRegions=True)
        except bexc.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            if self.options.regions:
                # Cannot check: trust the list the user gave.
                return RegionPlan(list(self.options.regions))
            raise SessionError(f"cannot list the account's regions ({code}): grant"
                               " ec2:DescribeRegions or name them with --regions") from None
        enabled, disabled = [], []
        for region in answer.get("Regions", []):
            status = region.get("OptInStatus", "opt-in-not-required")
            (enabled if status in ("opt-in-not-required", "opted-in") else disabled).append(
                region["RegionName"])
        if not self.options.regions:
            return RegionPlan(sorted(enabled))
        plan = RegionPlan([])
        for name in self.options.regions:
            if name in enabled:
                plan.regions.append(name)
            elif name in disabled:
                plan.disabled.append(name)
            else:
                plan.unknown.append(name)
        return plan

    def partition(self, region: str) -> str:
        try:
            return self.session.get_partition_for_region(region)
        except Exception:  # noqa: BLE001 - unknown region names: the commercial partition
            return "aws"


def _assume(sts: Any, role_arn: str, external_id: str | None, region: str,
            account: str | None = None) -> Any:
    """A boto3 session under `role_arn` (one hour), assumed through the `sts` client."""
    import boto3
    import botocore.exceptions as bexc

    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": "hds-iac-live",
                              "DurationSeconds": 3600}
    if external_id:
        params["ExternalId"] = external_id
    try:
        creds = sts.assume_role(**params)["Credentials"]
    except bexc.NoCredentialsError:
        raise SessionError("no AWS credentials found to assume the role with") from None
    except bexc.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        external = " and the external id given with --external-id" if external_id else ""
        if account is not None:
            raise AssumeRoleError(
                f"account {account} not scanned: cannot assume {role_arn} ({code}); the"
                f" role's trust policy in account {account} must allow the scanning"
                f" identity{external} (docs/iam/hds-iac-member-trust.json), and the"
                " scanning identity needs sts:AssumeRole on it") from None
        raise AssumeRoleError(f"cannot assume role {role_arn}: {code}"
                              " (the caller needs sts:AssumeRole on it, and the role's trust"
                              " policy must allow the caller)") from None
    except (bexc.BotoCoreError, OSError) as exc:
        where = f"account {account} not scanned: " if account else ""
        raise AssumeRoleError(f"{where}cannot assume {role_arn}:"
                              f" {type(exc).__name__}") from None
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"], region_name=region)
