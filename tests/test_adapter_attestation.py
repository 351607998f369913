"""The user's attestation tags (hds_iac/adapters/attestation.py), read the same way for every
provider and source: what counts as attested, and how several attestations combine."""
from __future__ import annotations

import pytest

from hds_iac.adapters.attestation import any_attested, attestation
from hds_iac.model import Unknown

TAG = "hds-iac:encryption"


@pytest.mark.parametrize("value, expected", [
    ("luks", True), (" YES ", True), (1, True), (True, True),
    ("false", False), ("No", False), ("0", False), (0, False), ("", False), ("  ", False),
    (False, False),
])
def test_what_counts_as_attested(value, expected):
    assert attestation({TAG: value}, TAG) is expected


def test_a_missing_tag_is_false_an_unreadable_one_unknown():
    assert attestation({"other": "yes"}, TAG) is False
    got = attestation({TAG: Unknown("var.enc", refs=("var.enc",))}, TAG)
    assert isinstance(got, Unknown) and got.refs == ("var.enc",) and TAG in got.reason
    got = attestation(Unknown("tags from a module", refs=("module.m",)), TAG)
    assert isinstance(got, Unknown) and got.refs == ("module.m",)
    assert "tags from a module" in got.reason
    assert isinstance(attestation({TAG: ["yes"]}, TAG), Unknown)


def test_any_attested():
    assert any_attested() is False
    assert any_attested(False, False) is False
    assert any_attested(False, True) is True
    unknown = Unknown("x")
    assert any_attested(unknown, True) is True
    assert any_attested(False, unknown) is unknown
    assert any_attested(Unknown("first"), Unknown("second")).reason == "first"
