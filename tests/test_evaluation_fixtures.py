"""The evaluation fixtures (fixtures/evaluation/<case>/): attribute values a careful reader
resolves from the code alone, which hds-iac must resolve too (issue 12)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES
from hds_iac.model import Unknown
from hds_iac.terraform.hcl import read_folder

CASES = sorted(p.parent for p in (FIXTURES / "evaluation").glob("*/expect.yaml"))


def read_case(case: Path):
    config = read_folder(str(case), str(case), environ={})
    assert config.errors == [], config.errors
    return {r.address: r for r in config.resources}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_evaluation_fixture(case: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text())
    resources = read_case(case)
    for address, values in expect.get("values", {}).items():
        assert address in resources, (address, sorted(resources))
        for name, want in values.items():
            assert resources[address].values.get(name, "<absent>") == want, (address, name)
    for address, names in expect.get("unknown", {}).items():
        for name in names:
            assert isinstance(resources[address].values.get(name), Unknown), (address, name)
    if "region" in expect:
        assert {r.provider_region for r in resources.values()} == {expect["region"]}
