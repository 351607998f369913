"""docs/model-contract.md against the code: the contract adapters and rules keep.

The document is written by hand (it explains why), except its table of what each rule reads,
which `hds-iac docs` writes from each rule's `[contract]` (tests/test_doc_sections.py checks
it is current); this test makes it fail the build the day it stops saying what the code
does: every rule of the catalogue has its row, every kind it names exists, every field of
`Resource` is named, and a
resource of an unknown kind, provider or source is refused when it is built.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from conftest import REPO
from hds_iac import catalogue, provider_registry
from hds_iac.model import Kind, Origin, Resource, Source

DOC = (REPO / "docs" / "model-contract.md").read_text("utf-8")
ROWS = {m.group(1): m.group(2) for m in re.finditer(
    r"^\| (HDS-[A-Z]+-\d{3}) [^|]*\| ([^|]*) \|", DOC, re.M)}


def test_every_rule_has_its_row_and_no_row_is_stale():
    assert set(ROWS) == set(catalogue.load().rules)


def test_every_kind_the_table_names_exists_and_every_kind_is_documented():
    kinds = {k.value for k in Kind}
    named = set()
    for cell in ROWS.values():
        for word in re.findall(r"[a-z]+(?:-[a-z]+)*", cell):
            if word in kinds:
                named.add(word)
    listed = DOC.split("Every kind of `Kind`:", 1)[1].split("\n\n", 1)[0]
    assert {w.strip(" .\n") for w in listed.split(",")} == kinds
    # The kinds the table names are kinds; a typo (`databases`) would not be found.
    for cell in ROWS.values():
        for word in re.findall(r"\b([a-z]+-[a-z]+(?:-[a-z]+)?)\b", cell):
            assert word in kinds or word in {"with-stores", "at-rest"}, word
    assert named  # the table does name kinds


def test_every_field_of_a_resource_is_documented():
    """Each typed field a rule may read is named on the page (the free-form `facts` dict it
    replaces let adapters write keys no rule read)."""
    names = {f.name for f in dataclasses.fields(Resource)}
    assert {"key_rotation", "encryption_default", "account_default"} <= names
    undocumented = {n for n in names if not re.search(rf"`(Resource\.)?{n}\b", DOC)}
    assert not undocumented, f"fields of Resource the contract does not name: {sorted(undocumented)}"
    named = set(re.findall(r"`Resource\.([a-z_]+)", DOC))
    assert named <= names, f"documented fields Resource does not have: {sorted(named - names)}"


def _resource(**changes) -> Resource:
    fields = dict(address="a", type="t", provider="aws", kind="volume", region=None,
                  origin=Origin(source="hcl"))
    fields.update(changes)
    return Resource(**fields)


def test_a_resource_keeps_the_contract_when_it_is_built():
    res = _resource()
    assert res.kind is Kind.VOLUME and res.kind == "volume" and f"{res.kind}" == "volume"
    assert _resource(origin=Origin(source="outscale"), provider="outscale").provider == "outscale"
    assert {s.value for s in Source} == {"hcl", "plan", "state"}
    for bad, what in ((dict(kind="databases"), "kind"), (dict(provider="gcp"), "provider"),
                      (dict(origin=Origin(source="terraform")), "source")):
        with pytest.raises(ValueError, match=f"unknown {what}"):
            _resource(**bad)


def test_every_provider_of_the_registry_has_its_tables_and_adapter():
    from hds_iac import geography
    from hds_iac.adapters.terraform import provider_handlers

    assert set(geography.load().regions) == set(provider_registry.IDS)
    assert set(provider_handlers()) == set(provider_registry.IDS)
    for provider in provider_registry.PROVIDERS:
        assert Path(REPO / "hds_iac" / Path(*provider.live_package.split(".")[1:])).is_dir()
        assert set(provider.live_label) == {"en", "fr"}
        matrix = REPO / "hds_iac" / "matrices" / provider.matrix
        assert tomllib.loads(matrix.read_text("utf-8"))["provider"] == provider.id


def test_verdicts_on_a_provider_the_catalogue_does_not_list_are_reported_not_dropped():
    from hds_iac.model import AtRest, Inventory
    from hds_iac.scan import ScanResult, judge_inventory
    from hds_iac.settings import Settings

    meta = catalogue.load()["HDS-ENC-002"]
    assert "outscale" not in meta.providers  # the case this test is about
    inventory = Inventory()
    for provider in ("aws", "outscale"):
        inventory.add(Resource(address=f"{provider}-db", type="db", provider=provider,
                               kind="database", region="eu-west-3",
                               origin=Origin(source=provider), stores_data=True,
                               at_rest=[AtRest(enabled=False, part="storage")]))
    result = ScanResult()
    findings = judge_inventory(result, inventory, Settings(), ["HDS-ENC-002"], "account")
    assert [(f.resource.address, f.status) for f in findings] == [("aws-db", "fail")]
    assert [(n.path, n.message) for n in result.notices] == [(
        "account", "HDS-ENC-002 does not apply to Outscale (its catalogue entry does not list"
        " it): 1 resource(s) not reported")]
