"""Credentials, regions and the API client for a live Outscale scan.

Credentials are found the way the SDK (and `osc-cli`) finds them: `OSC_*` environment
variables (`OSC_ACCESS_KEY`, `OSC_SECRET_KEY`, `OSC_REGION`, `OSC_PROFILE`,
`OSC_CONFIG_FILE`, `OSC_ENDPOINT_API`...), then the profile of `~/.osc/config.json`
(`--profile`, default `default`). Login/password profiles work too (the SDK then uses
basic authentication).

An Outscale account lives in one region (a cloudgouv-eu-west-1 account is not an
eu-west-2 account), so without `--region` the scan tries both French regions and keeps
those where the credentials work; a region given with `--region` that refuses the
credentials is an error.

Nothing here ever prints or returns a secret: errors name the profile, the region and the
file, never a key.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

# Where HDS-hosted Outscale accounts live: France (SecNumCloud offer and public cloud).
DEFAULT_REGIONS = ("eu-west-2", "cloudgouv-eu-west-1")
KNOWN_REGIONS = ("eu-west-2", "cloudgouv-eu-west-1", "us-east-2", "us-west-1", "ap-northeast-1")
# The SDK's own rate limit (requests per second per client): Outscale throttles above it.
DEFAULT_MAX_REQUESTS_PER_SECOND = 5
DEFAULT_MAX_RETRIES = 3  # the SDK's default: 5xx and 429 are retried with backoff
# The SDK sets no timeout at all (see _bound_waits): seconds to connect, to get an answer.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0


class SessionError(Exception):
    """The scan cannot start at all (no credentials, unknown profile, SDK missing)."""


@dataclass
class SessionOptions:
    profile: str | None = None
    config_file: str | None = None  # the osc config.json (default ~/.osc/config.json)
    regions: list[str] = field(default_factory=list)  # empty: DEFAULT_REGIONS + profile's
    endpoint: str | None = None  # API endpoint override (tests, private endpoints)
    max_retries: int = DEFAULT_MAX_RETRIES
    max_requests_per_second: int = DEFAULT_MAX_REQUESTS_PER_SECOND
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT


@dataclass
class RegionPlan:
    regions: list[str]
    explicit: bool  # asked for with --region: a refusal is an error, not a notice


def _sdk() -> Any:
    try:
        import osc_sdk_python
        from osc_sdk_python import credentials
    except ImportError:  # pragma: no cover - depends on the install
        raise SessionError("osc-sdk-python is not installed: pip install 'hds-iac[outscale]'"
                           ) from None
    return osc_sdk_python, credentials


def _profile_name(options: SessionOptions) -> str:
    return options.profile or os.environ.get("OSC_PROFILE") or "default"


def _config_path(options: SessionOptions) -> str:
    from osc_sdk_python.credentials import STD_PATH

    return options.config_file or os.environ.get("OSC_CONFIG_FILE") or STD_PATH


def load_profile(options: SessionOptions) -> Any:
    """The SDK's merged profile (environment, then the config file), checked for credentials.

    The SDK silently ignores a missing `default` profile in the standard file; a profile
    asked for by name (or a config file given explicitly) must exist."""
    _, credentials = _sdk()
    name = _profile_name(options)
    path = _config_path(options)
    asked = options.profile or os.environ.get("OSC_PROFILE") or options.config_file \
        or os.environ.get("OSC_CONFIG_FILE")
    if asked:
        if not os.path.isfile(path):
            raise SessionError(f"Outscale configuration file {path} not found")
        try:
            import json

            with open(path, encoding="utf-8") as handle:
                profiles = json.load(handle)
        except (OSError, ValueError) as exc:
            raise SessionError(f"{path}: cannot read the Outscale configuration file "
                               f"({type(exc).__name__})") from None
        if not isinstance(profiles, dict) or not isinstance(profiles.get(name), dict):
            raise SessionError(f"profile {name!r} not found in {path}")
    try:
        profile = credentials.Profile.from_standard_configuration(
            options.config_file, options.profile)
    except Exception as exc:  # noqa: BLE001 - the SDK raises anything a bad file gives
        raise SessionError(f"{path}: cannot read profile {name!r} ({type(exc).__name__})"
                           ) from None
    has_keys = bool(profile.access_key and profile.secret_key)
    has_login = bool(profile.login and profile.password)
    if not (has_keys or has_login):
        raise SessionError(
            "no Outscale credentials: set OSC_ACCESS_KEY and OSC_SECRET_KEY, or give a profile "
            f"of {path} with --profile (the profile {name!r} has no access key/secret key)")
    return profile


def plan_regions(options: SessionOptions) -> RegionPlan:
    """`--region` values as given; else the two French regions plus the profile's own."""
    if options.regions:
        unique: list[str] = []
        for region in options.regions:
            if region not in unique:
                unique.append(region)
        return RegionPlan(unique, explicit=True)
    regions = list(DEFAULT_REGIONS)
    own = os.environ.get("OSC_REGION") or _file_region(options)
    if own and own not in regions:
        regions.append(own)
    return RegionPlan(regions, explicit=False)


def _file_region(options: SessionOptions) -> str | None:
    """The region written in the profile (the SDK fills eu-west-2 when none is: not a choice)."""
    import json

    try:
        with open(_config_path(options), encoding="utf-8") as handle:
            data = json.load(handle)
        region = data.get(_profile_name(options), {}).get("region")
    except (OSError, ValueError, AttributeError):
        return None
    return region if isinstance(region, str) and region else None


class OutscaleSession:
    """One SDK client for the whole scan; `use(region)` points it at a region.

    Building a client parses the SDK's 1 MB OpenAPI file (about 1.5 s), so regions are
    read one after the other with the same client (`Gateway.update_profile`), which also
    keeps the SDK's rate limit account-wide."""

    def __init__(self, options: SessionOptions):
        self.options = options
        self.profile = load_profile(options)  # fails early, with a clear line
        self.plan = plan_regions(options)
        osc, _ = _sdk()
        self._profile_kwargs = self._kwargs()
        try:
            self.gateway = osc.Gateway(
                **self._profile_kwargs,
                region=self.plan.regions[0],
                max_retries=options.max_retries,
                limiter_max_requests=max(1, options.max_requests_per_second),
                user_agent=f"hds-iac/{_version()} osc-sdk-python/{osc.__version__}",
            )
        except Exception as exc:  # noqa: BLE001 - never echo the SDK's text (it may hold a key)
            raise SessionError(f"cannot create the Outscale client ({type(exc).__name__})"
                               ) from None
        self.region = self.plan.regions[0]
        _bound_waits(self.gateway, options.connect_timeout, options.read_timeout)

    def _kwargs(self) -> dict[str, Any]:
        _, credentials = _sdk()
        kwargs: dict[str, Any] = {}
        if self.options.profile:
            kwargs["profile"] = self.options.profile
        if self.options.config_file:
            kwargs["path"] = self.options.config_file
        if self.options.endpoint:
            kwargs["endpoints"] = credentials.Endpoint(api=self.options.endpoint)
        return kwargs

    def use(self, region: str) -> None:
        if region != self.region:
            self.gateway.update_profile(**self._profile_kwargs, region=region)
            self.region = region

    def endpoint(self) -> str:
        """Where the API calls go (for messages): the override or the region's endpoint."""
        return self.gateway.call.profile.get_endpoint("api")

    def close(self) -> None:
        try:
            self.gateway.call.close()
        except Exception:  # noqa: BLE001 - closing must never fail a scan
            pass


def _bound_waits(gateway: Any, connect: float = CONNECT_TIMEOUT,
                 read: float = READ_TIMEOUT) -> None:
    """The SDK sends requests without a timeout and has no option for one: a silent
    endpoint would hang the scan for ever. Give its HTTP session adapters one
    (`--connect-timeout`, `--read-timeout`); the SDK retries a call that times out like a
    throttled one (`--max-retries`)."""
    from requests.adapters import HTTPAdapter

    class _TimeoutAdapter(HTTPAdapter):
        def send(self, request, **kwargs):  # type: ignore[override]
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = (connect, read)
            return super().send(request, **kwargs)

    session = getattr(getattr(gateway, "call", None), "session", None)
    if session is not None and hasattr(session, "mount"):
        for prefix in ("https://", "http://"):
            session.mount(prefix, _TimeoutAdapter())


def _version() -> str:
    from hds_iac import __version__

    return __version__
