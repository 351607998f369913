"""AWS TLS facts (`hds_iac.adapters.aws_tls`): the minimum TLS version of ELB and CloudFront
policies (HDS-TLS-002/003) and whether a database forces TLS, by parameter or by its
engine's documented default (HDS-TLS-004). Each case is a verdict a user would see change;
the mutation run (scripts/mutation.py) showed these boundaries had no test."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_tls
from hds_iac.model import Unknown

DENIED = Unknown("denied")


@pytest.mark.parametrize("policy, expected", [
    ("ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"),
    ("ELBSecurityPolicy-2016-08", "1.0"),
    ("ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "1.3"),  # a newer name of a known family
    ("ELBSecurityPolicy-TLS-1-2", "1.2"),
    ("ELBSecurityPolicy-FS-1-1-2099-01", "1.1"),
    (DENIED, DENIED),
])
def test_elb_min_tls(policy, expected):
    assert aws_tls.elb_min_tls(policy) == expected


@pytest.mark.parametrize("policy, why", [
    ("", "unexpected value for ssl_policy ('')"),
    (None, "unexpected value for ssl_policy (None)"),
    ("MyCustomPolicy", "TLS policy MyCustomPolicy is not in hds-iac's table of ELB security policies"),
    ("ELBSecurityPolicy-TLS13-1-4-2030", "TLS policy ELBSecurityPolicy-TLS13-1-4-2030 is not in "
     "hds-iac's table of ELB security policies"),
])
def test_an_elb_policy_hds_iac_does_not_know_is_unknown(policy, why):
    assert aws_tls.elb_min_tls(policy) == Unknown(why)


@pytest.mark.parametrize("version, expected", [
    ("TLSv1.2_2021", "1.2"), ("TLSv1", "1.0"), ("TLSv1.3_2031", "1.3"), ("TLSv1.1_2030", "1.1"),
    (DENIED, DENIED),
    ("", Unknown("unexpected value for minimum_protocol_version ('')")),
    (12, Unknown("unexpected value for minimum_protocol_version (12)")),
    ("TLSv2", Unknown("CloudFront protocol version TLSv2 is not in hds-iac's table")),
])
def test_cloudfront_min_tls(version, expected):
    assert aws_tls.cloudfront_min_tls(version) == expected


# --- database defaults (providers/aws-db-engine-defaults.toml) ---------------------------------

@pytest.mark.parametrize("engine, version, expected", [
    ("postgres", "14.9", False), ("postgres", "15", True), ("postgres", "15.4", True),
    ("postgres", "16.1", True),
    ("mysql", "8.0.35", False), ("aurora-mysql", "5.7", False), ("aurora-mysql", "8.0", False),
    ("mariadb", "10.11", False), ("mariadb", "11.4", False), ("mariadb", "11.4.5", False),
    ("mariadb", "11.8", True),
    ("sqlserver-ee", None, False), ("sqlserver-web", "16.00", False),
    ("docdb", None, True), ("neptune", "1.3", True),
])
def test_db_default_tls_follows_the_documented_defaults(engine, version, expected):
    assert aws_tls.db_default_tls(engine, version) is expected


@pytest.mark.parametrize("engine, version, why", [
    ("postgres", None, "depends on its version, which is not set"),
    ("postgres", "", "depends on its version, which is not set"),
    ("postgres", "latest", "depends on its version, which is not set"),
    ("postgres", 15, "depends on its version, which is not set"),  # not a version string
    ("postgres", DENIED, "depends on its version, which is not set"),
    ("mariadb", "11.6", "no entry for mariadb 11.6 (providers/aws-db-engine-defaults.toml)"),
    ("aurora-mysql", "9.0", "no entry for aurora-mysql 9.0"),
    ("aurora-mysql", "4.0", "no entry for aurora-mysql 4.0"),
    ("mysql", "9.1", "no entry for mysql 9.1"),
    ("db2-se", None, "no entry for db2-se (providers"),
    ("oracle-ee", "19", "SSL option of an option group"),
    ("custom-oracle-ee", "19", "SSL option of an option group"),
    (None, "1", "the database engine is not known"),
    ("", "1", "the database engine is not known"),
    (DENIED, "1", "the database engine is not known"),
])
def test_db_default_tls_unknown_says_why(engine, version, why):
    got = aws_tls.db_default_tls(engine, version)
    assert isinstance(got, Unknown) and why in got.reason


def test_the_engine_defaults_table_ranges_do_not_overlap():
    """Two entries of one engine that both held a version would make the answer depend on
    their order in the file."""
    for version in ("5.7", "8.0", "10.6", "11.4", "11.8", "14", "15", "16"):
        for engine in {e["engine"] for e in aws_tls.engine_defaults()}:
            inside = [e for e in aws_tls.engine_defaults()
                      if e["engine"] == engine and aws_tls._in_range(e, version)]
            assert len(inside) <= 1, (engine, version)


@pytest.mark.parametrize("family, expected", [
    ("aurora-mysql8.0", ("aurora-mysql", "8.0")), ("oracle-ee-19", ("oracle-ee", "19")),
    ("docdb5.0", ("docdb", "5.0")), ("postgres15", ("postgres", "15")),
    ("default", ("default", None)), ("15", ("15", None)),
])
def test_engine_family(family, expected):
    assert aws_tls.engine_family(family) == expected


@pytest.mark.parametrize("value, expected", [
    ("1", True), (1, True), ("ON", True), (" true ", True), ("enabled", True), ("yes", True),
    ("tls1.2+", True), ("tls1.3+", True), ("fips-140-3", True),
    ("0", False), (0, False), ("off", False), ("False", False), ("disabled", False),
    ("no", False), (DENIED, DENIED),
])
def test_db_tls_param(value, expected):
    assert aws_tls.db_tls_param(value) == expected


def test_an_unexpected_db_tls_param_is_unknown():
    assert aws_tls.db_tls_param("maybe") == Unknown("unexpected parameter value 'maybe'")


def test_each_engines_tls_parameter_is_read_from_its_parameter_group():
    """DocumentDB and Neptune require TLS by default; their cluster parameter groups can
    turn it off (`tls = disabled`, `neptune_enforce_ssl = 0`): that setting, not the
    default, decides HDS-TLS-004 (issue 11: `neptune_enforce_ssl` was never tested)."""
    from hds_iac.adapters.aws_storage import db_tls_flow
    for engine, name, off in (("postgres", "rds.force_ssl", "0"),
                              ("mysql", "require_secure_transport", "OFF"),
                              ("docdb", "tls", "disabled"),
                              ("neptune", "neptune_enforce_ssl", "0")):
        flow = db_tls_flow([("other", "1"), (name.upper(), off)], "pg", engine, "15")
        assert flow.encrypted is False, engine
        assert flow.detail == f"pg: {name.upper()}={off}"
        assert db_tls_flow([(name, None)], "pg", engine, None).detail == "pg: engine default"
