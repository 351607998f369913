"""AWS TLS facts: minimum TLS version of TLS policies (ELB security policies, CloudFront
protocol versions), and whether a database parameter group forces TLS.

Data, plus one look-up function per family. Names follow the AWS documentation pages
"Security policies for your Application Load Balancer" / "... Network Load Balancer",
"Predefined SSL security policies for Classic Load Balancers" and CloudFront's
"Supported protocols and ciphers between viewers and CloudFront". Policies that still
accept SSLv3 are reported as "1.0": the model has no lower version, and they fail a
TLS >= 1.2 requirement either way.
"""
from __future__ import annotations

import re
from functools import lru_cache

from typing import Any

from hds_iac import bundled_toml
from hds_iac.model import Maybe, Unknown

# Elastic Load Balancing (ALB/NLB listeners and Classic Load Balancer predefined policies).
ELB_POLICIES: dict[str, str] = {
    # TLS 1.3 families
    "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": "1.3",
    "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-1-2021-06": "1.1",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": "1.1",
    "ELBSecurityPolicy-TLS13-1-0-2021-06": "1.0",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": "1.0",
    # forward secrecy families
    "ELBSecurityPolicy-FS-2018-06": "1.0",
    "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
    "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
    # TLS 1.0-1.2 families
    "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
    "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
    "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
    # dated policies
    "ELBSecurityPolicy-2016-08": "1.0",
    "ELBSecurityPolicy-2015-05": "1.0",
    "ELBSecurityPolicy-2015-03": "1.0",
    "ELBSecurityPolicy-2015-02": "1.0",
    "ELBSecurityPolicy-2014-10": "1.0",  # still accepts SSLv3
    "ELBSecurityPolicy-2014-01": "1.0",  # still accepts SSLv3
    "ELBSecurityPolicy-2011-08": "1.0",  # still accepts SSLv3
    "ELBSample-ELBDefaultNegotiationPolicy": "1.0",
    "ELBSample-OpenSSLDefaultNegotiationPolicy": "1.0",
}

# What ELB applies when an HTTPS/TLS listener is created through the API without a policy
# (the Terraform provider sends none when `ssl_policy` is omitted). The console proposes a
# TLS 1.3 policy, but the API default remains ELBSecurityPolicy-2016-08.
ELB_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
# Classic Load Balancers: a listener without an SSL negotiation policy gets this one.
CLASSIC_ELB_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"

# Newer policy names (post-quantum, FIPS variants...) keep the "TLS13-1-2" / "TLS-1-2" /
# "FS-1-2" naming scheme: the digits after the family name are the minimum version.
_ELB_PATTERN = re.compile(r"^ELBSecurityPolicy-(?:TLS13|TLS|FS)-1-([0-3])(?:-|$)")

# CloudFront `viewer_certificate.minimum_protocol_version`.
CLOUDFRONT_PROTOCOLS: dict[str, str] = {
    "SSLv3": "1.0",  # SSLv3 and up: below anything the model names
    "TLSv1": "1.0",
    "TLSv1_2016": "1.0",
    "TLSv1.1_2016": "1.1",
    "TLSv1.2_2018": "1.2",
    "TLSv1.2_2019": "1.2",
    "TLSv1.2_2021": "1.2",
    "TLSv1.2_2025": "1.2",
    "TLSv1.3_2025": "1.3",
}
# Distributions using the *.cloudfront.net certificate accept TLSv1 whatever is configured;
# and `minimum_protocol_version` defaults to "TLSv1".
CLOUDFRONT_DEFAULT_PROTOCOL = "TLSv1"


def elb_min_tls(policy: object) -> Maybe[str]:
    """Minimum TLS version of an ELB security policy name."""
    if isinstance(policy, Unknown):
        return policy
    if not isinstance(policy, str) or not policy:
        return Unknown(f"unexpected value for ssl_policy ({policy!r})")
    if policy in ELB_POLICIES:
        return ELB_POLICIES[policy]
    match = _ELB_PATTERN.match(policy)
    if match:
        return "1." + match.group(1)
    return Unknown(f"TLS policy {policy} is not in hds-iac's table of ELB security policies")


def cloudfront_min_tls(version: object) -> Maybe[str]:
    """Minimum TLS version of a CloudFront `minimum_protocol_version`."""
    if isinstance(version, Unknown):
        return version
    if not isinstance(version, str) or not version:
        return Unknown(f"unexpected value for minimum_protocol_version ({version!r})")
    if version in CLOUDFRONT_PROTOCOLS:
        return CLOUDFRONT_PROTOCOLS[version]
    match = re.match(r"^TLSv1\.([0-3])_", version)
    if match:
        return "1." + match.group(1)
    return Unknown(f"CloudFront protocol version {version} is not in hds-iac's table")


# --- databases: parameters that force TLS (RDS, Aurora, DocumentDB, Neptune) -------------

# Names are lower-case; the Terraform adapter reads them from parameter groups, the live
# adapter asks DescribeDBParameters for exactly these.
DB_TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport", "tls", "neptune_enforce_ssl")


ENGINE_DEFAULTS = "aws-db-engine-defaults.toml"

# Engines whose TLS is not a parameter at all: the reason says where it is instead.
_TLS_ELSEWHERE = {
    "oracle": "Oracle enables TLS through the SSL option of an option group, which hds-iac "
              "does not read",
}


@lru_cache(maxsize=1)
def engine_defaults() -> list[dict]:
    """The documented defaults (providers/aws-db-engine-defaults.toml, with their sources)."""
    return bundled_toml.table("hds_iac.providers", ENGINE_DEFAULTS)["engine"]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:2])


def _in_range(entry: dict, version: str | None) -> bool | None:
    """Whether `version` is in the entry's range (None: the version is needed, not known)."""
    bounds = [k for k in ("min_major", "max_major", "min_version", "max_version") if k in entry]
    if not bounds:
        return True
    if version is None or not re.match(r"^\d", version):
        return None
    key = _version_key(version)
    major = key[0]
    if "min_major" in entry and major < entry["min_major"]:
        return False
    if "max_major" in entry and major > entry["max_major"]:
        return False
    if "min_version" in entry and key < _version_key(entry["min_version"]):
        return False
    if "max_version" in entry and key > _version_key(entry["max_version"]):
        return False
    return True


def engine_family(family: str) -> tuple[str, str | None]:
    """A parameter group family -> (engine, version): `aurora-mysql8.0` -> (`aurora-mysql`,
    `8.0`), `oracle-ee-19` -> (`oracle-ee`, `19`), `docdb5.0` -> (`docdb`, `5.0`)."""
    match = re.match(r"^(.*?)-?(\d+(?:\.\d+)*)$", family)
    if not match or not match.group(1):
        return family, None
    return match.group(1), match.group(2)


def db_default_tls(engine: Any, version: Any) -> Maybe[bool]:
    """Whether an engine forces TLS when its parameter group is silent, from the table of
    documented engine defaults; an engine or version not in the table is unknown."""
    if not isinstance(engine, str) or not engine:
        return Unknown("the database engine is not known")
    return _engine_default_tls(engine, version if isinstance(version, str) and version else None)


@lru_cache(maxsize=256)
def _engine_default_tls(engine: str, version: str | None) -> Maybe[bool]:
    """`db_default_tls` of a known engine, worked out once per engine and version: the
    databases of a plan ask it again and again (a walk of the table each time, 25,000
    instructions), and the answer (a bool or a frozen `Unknown`) can be shared."""
    base = "sqlserver" if engine.startswith("sqlserver") else engine
    for prefix, reason in _TLS_ELSEWHERE.items():
        if base.startswith(prefix) or base.startswith("custom-" + prefix):
            return Unknown(reason)
    needs_version = False
    for entry in engine_defaults():
        if entry["engine"] != base:
            continue
        inside = _in_range(entry, version)
        if inside is None:
            needs_version = True
        elif inside:
            return entry["requires_tls"]
    if needs_version:
        return Unknown(f"the default TLS requirement of {engine} depends on its version, which "
                       "is not set")
    shown = f"{engine} {version}" if version else engine
    return Unknown(f"hds-iac's table of engine defaults has no entry for {shown} "
                   f"(providers/{ENGINE_DEFAULTS})")


def db_tls_param(value: Any) -> Maybe[bool]:
    """The value of one of DB_TLS_PARAMETERS: engines write on/off, 1/0, true/false...
    DocumentDB's `tls` also takes `tls1.2+`, `tls1.3+` and `fips-140-3`, each of which
    requires TLS (with a minimum version or FIPS ciphers): Amazon DocumentDB API Reference,
    "Parameter" (ParameterValue)."""
    if isinstance(value, Unknown):
        return value
    text = str(value).strip().lower()
    if text in ("1", "on", "true", "enabled", "yes", "tls1.2+", "tls1.3+", "fips-140-3"):
        return True
    if text in ("0", "off", "false", "disabled", "no"):
        return False
    return Unknown(f"unexpected parameter value {value!r}")
