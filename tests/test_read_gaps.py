"""Read gaps: a verdict that judges by absence becomes unknown when a read that lists the
kind it relies on did not answer where the resource is (model `Inventory.gaps`, rule
`needs_all`, applied by the engine). End-to-end runs against moto and the Outscale mock are
in test_live_aws.py and test_live_outscale.py; these are the unit cases."""
from __future__ import annotations

from hds_iac import catalogue, engine
from hds_iac.model import (
    AtRest, Inventory, Origin, ReadGap, Resource, Selection, Unknown,
)
from hds_iac.rules import needs_all, registry
from hds_iac.settings import Settings

PARIS, LONDON = "eu-west-3", "eu-west-2"


def _volume(name: str, region: str = PARIS, **facets) -> Resource:
    return Resource(address=f"arn:aws:ec2:{region}:1:volume/{name}", type="AWS::EC2::Volume",
                    provider="aws", kind="volume", region=region,
                    origin=Origin("aws", cloud_id=name), stores_data=True, ids=(name,),
                    tags={"backup": "daily"}, **facets)


def _plan(region: str = PARIS) -> Resource:
    return Resource(address=f"arn:aws:backup:{region}:1:backup-plan:p/selection:s",
                    type="AWS::Backup::BackupSelection", provider="aws", kind="backup-plan",
                    region=region, origin=Origin("aws"),
                    selection=Selection(tags={"backup": "daily"}))


def _bak_004(inventory: Inventory) -> dict[str, tuple[str, str]]:
    return {f.resource.address.rsplit("/", 1)[-1]: (f.status, f.message())
            for f in engine.run(inventory, Settings(), ["HDS-BAK-004"])}


def test_a_gap_turns_a_fail_by_absence_into_unknown_where_it_is():
    inventory = Inventory([_volume("vol-paris"), _volume("vol-london", LONDON)],
                          gaps=[ReadGap("aws", PARIS, frozenset({"backup-plan"}),
                                        "dlm:GetLifecyclePolicies denied in eu-west-3")])
    got = _bak_004(inventory)
    assert got["vol-paris"][0] == "unknown"
    assert "dlm:GetLifecyclePolicies denied in eu-west-3" in got["vol-paris"][1]
    assert got["vol-london"][0] == "fail"  # the gap is in Paris only


def test_a_plan_found_is_still_a_pass_and_other_kinds_do_not_matter():
    inventory = Inventory([_volume("vol-paris"), _plan()], gaps=[
        ReadGap("aws", None, frozenset({"backup-plan"}), "dlm was not read (--services)")])
    assert _bak_004(inventory)["vol-paris"][0] == "pass"
    inventory = Inventory([_volume("vol-paris")],
                          gaps=[ReadGap("aws", None, frozenset({"snapshot"}), "x")])
    assert _bak_004(inventory)["vol-paris"][0] == "fail"
    inventory = Inventory([_volume("vol-paris")],
                          gaps=[ReadGap("outscale", None, frozenset({"backup-plan"}), "x")])
    assert _bak_004(inventory)["vol-paris"][0] == "fail"  # another provider's gap


def test_unknown_region_is_covered_by_any_gap_of_its_provider():
    inventory = Inventory(gaps=[ReadGap("aws", PARIS, frozenset({"volume"}), "why")])
    assert isinstance(inventory.gap("volume", "aws", Unknown("?")), Unknown)
    assert inventory.gap("volume", "aws", LONDON) is None
    assert inventory.gap("volume", "aws", None) is None  # global resources: only global gaps


def test_ebs_default_by_absence():
    vol = _volume("vol-paris", at_rest=[AtRest(enabled=None, default="account-default")])
    gap = ReadGap("aws", PARIS, frozenset({"account-setting"}),
                  "ec2:GetEbsEncryptionByDefault denied in eu-west-3")
    found = engine.run(Inventory([vol], gaps=[gap]), Settings(), ["HDS-ENC-001"])
    assert [(f.status, "GetEbsEncryptionByDefault" in f.message()) for f in found] == [
        ("unknown", True)]
    found = engine.run(Inventory([vol]), Settings(), ["HDS-ENC-001"])
    assert [f.status for f in found] == ["fail"]


def test_ebs_default_by_absence_whatever_the_region():
    # With no setting read anywhere a disk of unknown region fails "nowhere": a gap in the
    # setting's read may hide the very setting that applies, so it is unknown too.
    vol = _volume("vol-lost", at_rest=[AtRest(enabled=None, default="account-default")])
    vol.region = Unknown("var.region has no value")
    assert [f.status for f in engine.run(Inventory([vol]), Settings(), ["HDS-ENC-001"])] == ["fail"]
    gap = ReadGap("aws", PARIS, frozenset({"account-setting"}),
                  "ec2:GetEbsEncryptionByDefault denied in eu-west-3")
    found = engine.run(Inventory([vol], gaps=[gap]), Settings(), ["HDS-ENC-001"])
    assert [f.status for f in found] == ["unknown"]


def test_every_declaration_names_real_messages_and_has_an_unknown_one():
    rules = catalogue.load().rules
    registry()
    declared = {rid: needs_all(rid) for rid in rules if needs_all(rid)}
    assert set(declared) >= {"HDS-BAK-004", "HDS-ENC-001"}
    for rid, needs in declared.items():
        messages = rules[rid].messages
        assert "unknown" in messages, rid
        for kind, keys in needs.items():
            assert keys and set(keys) <= set(messages), (rid, kind, keys)
