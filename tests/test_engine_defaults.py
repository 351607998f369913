"""The table of AWS database engine defaults for TLS (providers/aws-db-engine-defaults.toml)."""
from __future__ import annotations

import pytest

from hds_iac.adapters.aws_tls import db_default_tls, engine_defaults, engine_family
from hds_iac.model import Unknown


def test_every_entry_names_its_parameter_and_a_documentation_source():
    for entry in engine_defaults():
        assert entry["source"].startswith("https://docs.aws.amazon.com/"), entry
        assert isinstance(entry["requires_tls"], bool) and entry["parameter"] and entry["note"]


@pytest.mark.parametrize("engine, version, expected", [
    ("postgres", "14.9", False),
    ("postgres", "15.4", True),
    ("mysql", "8.0.39", False),
    ("mysql", "8.4.3", False),
    ("mysql", "5.7.44", False),
    ("aurora-mysql", "8.0.mysql_aurora.3.05.2", False),
    ("aurora-mysql", "5.7.mysql_aurora.2.11.2", False),
    ("aurora-mysql", "8.0", False),  # from the family aurora-mysql8.0
    ("mariadb", "10.11.8", False),
    ("mariadb", "11.4", False),
    ("mariadb", "11.8.1", True),
    ("sqlserver-se", "15.00.4345.5.v1", False),
    ("docdb", "5.0", True),
    ("neptune", None, True),
])
def test_documented_defaults(engine, version, expected):
    assert db_default_tls(engine, version) is expected


@pytest.mark.parametrize("engine, version, words", [
    ("postgres", None, "depends on its version"),
    ("mysql", "9.7", "no entry for mysql 9.7"),
    ("aurora-postgresql", "16.2", "no entry for aurora-postgresql"),
    ("oracle-ee", "19", "option group"),
    ("custom-oracle-ee", "19", "option group"),
    (None, None, "engine is not known"),
])
def test_engines_not_in_the_table_are_unknown_with_a_readable_reason(engine, version, words):
    value = db_default_tls(engine, version)
    assert isinstance(value, Unknown) and words in value.reason


@pytest.mark.parametrize("family, expected", [
    ("aurora-mysql8.0", ("aurora-mysql", "8.0")),
    ("oracle-ee-19", ("oracle-ee", "19")),
    ("sqlserver-se-15.0", ("sqlserver-se", "15.0")),
    ("postgres16", ("postgres", "16")),
    ("docdb5.0", ("docdb", "5.0")),
    ("custom", ("custom", None)),
])
def test_parameter_group_families(family, expected):
    assert engine_family(family) == expected
