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

from typing import Any

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

# Origin protocols (`custom_origin_config.origin_ssl_protocols`).
ORIGIN_PROTOCOLS: dict[str, str] = {"SSLv3": "1.0", "TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2"}


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


def db_default_tls(engine: Any, version: Any) -> Maybe[bool]:
    """Whether an engine forces TLS when its parameter group is silent (the defaults the
    RDS, DocumentDB and Neptune user guides document)."""
    if not isinstance(engine, str):
        return Unknown("the engine is not known")
    major = None
    if isinstance(version, str) and version.split(".")[0].isdigit():
        major = int(version.split(".")[0])
    if engine == "postgres":
        if major is None:
            return Unknown("rds.force_ssl defaults to 1 from PostgreSQL 15 on; "
                           "the engine version is not set")
        return major >= 15
    if engine == "mysql" and isinstance(version, str) and (major == 5 or version.startswith("8.0")):
        return False  # require_secure_transport defaults to OFF (MySQL 5.7, 8.0)
    if engine.startswith("sqlserver"):
        return False  # rds.force_ssl defaults to 0
    if engine == "docdb":
        return True  # DocumentDB clusters have `tls` enabled by default
    if engine == "neptune":
        return True  # Neptune requires TLS connections in every region
    return Unknown(f"the TLS requirement of engine {engine} cannot be read from parameters")


def db_tls_param(value: Any) -> Maybe[bool]:
    """The value of one of DB_TLS_PARAMETERS: engines write on/off, 1/0, true/false..."""
    if isinstance(value, Unknown):
        return value
    text = str(value).strip().lower()
    if text in ("1", "on", "true", "enabled", "yes"):
        return True
    if text in ("0", "off", "false", "disabled", "no"):
        return False
    return Unknown(f"unexpected parameter value {value!r}")
