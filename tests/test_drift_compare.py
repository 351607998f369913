"""Unit tests of the drift comparison (hds_iac/drift): the cases the moto and Outscale mock
tests do not reach, on model resources built in-process (no provider involved: drift reads
only the model)."""
from __future__ import annotations

import pytest

from hds_iac import engine
from hds_iac.drift import allow as allow_mod
from hds_iac.drift.compare import ManagedState, compare
from hds_iac.model import AtRest, Backup, Inventory, Origin, ReadGap, Resource, Unknown
from hds_iac.settings import Settings

ACCOUNT = "123456789012"
PARIS = "eu-west-3"


def volume(vid: str, source: str, *, region: object = PARIS, encrypted: object = True,
           account: str = ACCOUNT, tags: dict | None = None) -> Resource:
    arn = f"arn:aws:ec2:{region if isinstance(region, str) else PARIS}:{account}:volume/{vid}"
    return Resource(address=arn if source == "aws" else f"aws_ebs_volume.{vid[-4:]}",
                    type="aws_ebs_volume", provider="aws", kind="volume", region=region,
                    origin=Origin(source, file=None if source == "aws" else "prod.tfstate"),
                    stores_data=True, ids=(arn, vid), tags=tags or {},
                    at_rest=[AtRest(enabled=encrypted, part="volume")])


def database(ident: str, source: str, retention: int, secrets: frozenset = frozenset()
             ) -> Resource:
    arn = f"arn:aws:rds:{PARIS}:{ACCOUNT}:db:{ident}"
    return Resource(address=arn if source == "aws" else f"aws_db_instance.{ident}",
                    type="aws_db_instance", provider="aws", kind="database", region=PARIS,
                    origin=Origin(source), stores_data=True, ids=(arn, ident),
                    backup=Backup(retention_days=retention), sensitive=secrets)


def state(*resources: Resource, name: str = "prod.tfstate") -> ManagedState:
    return ManagedState(name, Inventory(list(resources)))


def verdicts(outcome) -> dict[tuple[str, str], tuple[str, str]]:
    found = engine.run(outcome.inventory, Settings(),
                       ["HDS-DRIFT-001", "HDS-DRIFT-002", "HDS-DRIFT-003"])
    return {(f.rule_id, f.resource.address): (f.status, f.message()) for f in found}


def test_three_kinds_and_the_facts_named():
    live = Inventory([volume("vol-0000000000000aaaa", "aws"),
                      volume("vol-0000000000000bbbb", "aws", encrypted=False),
                      volume("vol-0000000000000cccc", "aws")])
    got = verdicts(compare(live, [state(volume("vol-0000000000000aaaa", "state"),
                                        volume("vol-0000000000000bbbb", "state"),
                                        volume("vol-0000000000000dddd", "state"))],
                           account=ACCOUNT, scanned=[PARIS]))
    arn = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/"
    assert got[("HDS-DRIFT-001", arn + "vol-0000000000000cccc")][0] == "fail"
    assert got[("HDS-DRIFT-002", arn + "vol-0000000000000aaaa")][0] == "pass"
    status, message = got[("HDS-DRIFT-002", arn + "vol-0000000000000bbbb")]
    assert status == "fail" and "encryption at rest: state true, live false" in message
    status, message = got[("HDS-DRIFT-003", "aws_ebs_volume.dddd")]
    assert status == "fail" and f"{arn}vol-0000000000000dddd" in message


def test_not_scanned_region_and_failed_listing_are_unknown_never_missing():
    live = Inventory(gaps=[ReadGap("aws", PARIS, frozenset({"volume"}),
                                   "ec2:DescribeVolumes denied in eu-west-3")])
    got = verdicts(compare(live, [state(volume("vol-0000000000000aaaa", "state"),
                                        volume("vol-0000000000000bbbb", "state",
                                               region="eu-central-1"))],
                           account=ACCOUNT, scanned=[PARIS]))
    assert got[("HDS-DRIFT-003", "aws_ebs_volume.aaaa")] == (
        "unknown", "cannot tell whether it still exists: ec2:DescribeVolumes denied in eu-west-3")
    assert got[("HDS-DRIFT-003", "aws_ebs_volume.bbbb")][1].endswith(
        "region eu-central-1 was not scanned")


def test_regions_the_states_do_not_cover_are_not_judged():
    live = Inventory([volume("vol-0000000000000aaaa", "aws", region="eu-central-1")])
    outcome = compare(live, [state(volume("vol-0000000000000bbbb", "state"))],
                      account=ACCOUNT, scanned=[PARIS, "eu-central-1"])
    assert [r.address for r in outcome.inventory if r.drift.side == "live"] == []


def test_unknown_region_or_unrecorded_id_is_unknown_with_the_reason():
    blind = volume("vol-0000000000000eeee", "state")
    blind.ids = ()
    live = Inventory([volume("vol-0000000000000aaaa", "aws"),
                      volume("vol-0000000000000ffff", "aws", region=Unknown("denied"))])
    got = verdicts(compare(live, [state(blind)], account=ACCOUNT, scanned=[PARIS]))
    arn = f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/"
    status, message = got[("HDS-DRIFT-001", arn + "vol-0000000000000aaaa")]
    assert status == "unknown" and "aws_ebs_volume.eeee" in message
    assert got[("HDS-DRIFT-001", arn + "vol-0000000000000ffff")][0] == "unknown"
    assert got[("HDS-DRIFT-003", "aws_ebs_volume.eeee")][0] == "unknown"


def test_a_state_of_another_account_is_left_out_with_a_notice():
    other = state(volume("vol-0000000000000aaaa", "state", account="210987654321"),
                  name="other.tfstate")
    outcome = compare(Inventory([volume("vol-0000000000000bbbb", "aws")]), [other],
                      account=ACCOUNT, scanned=[PARIS])
    assert list(outcome.inventory) == []
    assert outcome.notices == ["other.tfstate: manages AWS account(s) 210987654321, not the"
                               " scanned account 123456789012: not compared"]


def test_a_state_value_that_is_sensitive_is_masked_in_the_change():
    live = Inventory([database("db-a", "aws", 1)])
    got = verdicts(compare(live, [state(database("db-a", "state", 35, frozenset({"35"})))],
                           account=ACCOUNT, scanned=[PARIS]))
    status, message = got[("HDS-DRIFT-002", f"arn:aws:rds:{PARIS}:{ACCOUNT}:db:db-a")]
    assert status == "fail" and "35" not in message
    assert "backup retention (days): state (sensitive value), live 1" in message


def test_unknown_fact_makes_the_comparison_unknown_unless_another_differs():
    live = Inventory([volume("vol-0000000000000aaaa", "aws", encrypted=Unknown("KMS denied"))])
    got = verdicts(compare(live, [state(volume("vol-0000000000000aaaa", "state"))],
                           account=ACCOUNT, scanned=[PARIS]))
    status, message = got[("HDS-DRIFT-002", f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/"
                                            "vol-0000000000000aaaa")]
    assert status == "unknown" and "KMS denied" in message


def test_a_fact_the_state_does_not_tell_is_not_compared_and_said_so():
    live_vol = volume("vol-0000000000000aaaa", "aws")
    live_vol.at_rest[0].customer_key = False
    state_vol = volume("vol-0000000000000aaaa", "state")
    state_vol.at_rest[0].customer_key = Unknown("KMS key k is not in this configuration")
    got = verdicts(compare(Inventory([live_vol]), [state(state_vol)], account=ACCOUNT,
                           scanned=[PARIS]))
    status, message = got[("HDS-DRIFT-002", f"arn:aws:ec2:{PARIS}:{ACCOUNT}:volume/"
                                            "vol-0000000000000aaaa")]
    assert status == "pass"
    assert message == ("matches prod.tfstate (aws_ebs_volume.aaaa) on region, encryption at"
                       " rest; not in the state, so not compared: customer-managed key (KMS"
                       " key k is not in this configuration)")


def test_sharing_permissions_of_a_state_are_not_resources_of_their_own():
    permission = volume("snap-000000000000aaaa", "state")
    permission.kind, permission.stores_data = "snapshot", False
    permission.ids = ("snap-000000000000aaaa-210987654321",)
    outcome = compare(Inventory(), [state(permission, volume("vol-0000000000000bbbb", "state"))],
                      account=ACCOUNT, scanned=[PARIS])
    assert [r.kind for r in outcome.inventory] == ["volume"]


def test_service_made_resources_are_not_unmanaged():
    snap = volume("snap-000000000000aaaa", "aws", tags={"dlm:managed": "true"})
    snap.kind = "snapshot"
    outcome = compare(Inventory([snap]), [state(volume("vol-0000000000000bbbb", "state"))],
                      account=ACCOUNT, scanned=[PARIS])
    assert [r for r in outcome.inventory if r.drift.side == "live"] == []


def test_allow_entries_carry_their_location_and_expiry():
    from datetime import date

    allow = allow_mod.parse([{"id": "vol-*", "reason": "old", "until": date(2020, 1, 31)},
                             {"id": "snap-*", "reason": "new", "until": "2999-12-31"}],
                            ".hds-iac.yaml")
    old, new = allow.entries
    assert (old.until, old.expired(), old.location) == (
        "2020-01-31", True, ".hds-iac.yaml: drift_allow entry 1")
    assert (new.until, new.expired()) == ("2999-12-31", False)
    outcome = compare(Inventory([volume("vol-0000000000000aaaa", "aws")]),
                      [state(volume("vol-0000000000000bbbb", "state"))], allow,
                      account=ACCOUNT, scanned=[PARIS])
    assert outcome.counts["allowed"] == 0 and list(outcome.allowed.values()) == [old]


def test_allow_list_by_tag_and_by_id():
    allow = allow_mod.parse([
        {"tag": "kubernetes.io/created-for/pvc/name", "reason": "CSI volumes"},
        {"id": "vol-0000000000000c*", "reason": "scratch"}], ".hds-iac.yaml")
    pvc = volume("vol-0000000000000aaaa", "aws",
                 tags={"kubernetes.io/created-for/pvc/name": "data-0"})
    outcome = compare(Inventory([pvc, volume("vol-0000000000000cccc", "aws"),
                                 volume("vol-0000000000000dddd", "aws")]),
                      [state(volume("vol-0000000000000bbbb", "state"))], allow,
                      account=ACCOUNT, scanned=[PARIS])
    allowed = {r.ids[1]: r.drift.allowed for r in outcome.inventory if r.drift.side == "live"}
    assert allowed == {
        "vol-0000000000000aaaa": "drift_allow entry 1 (tag kubernetes.io/created-for/pvc/name):"
                                 " CSI volumes",
        "vol-0000000000000cccc": "drift_allow entry 2 (id vol-0000000000000c*): scratch",
        "vol-0000000000000dddd": ""}


@pytest.mark.parametrize("raw, error", [
    ("vol-*", "must be a list"),
    ([{"id": "vol-*"}], "entry 1: a reason is required"),
    ([{"id": "vol-*", "tag": "a", "reason": "r"}], "entry 1: give exactly one of tag or id"),
    ([{"reason": "r"}], "entry 1: give exactly one of tag or id"),
    ([{"id": "x", "reason": "r", "owner": "ops"}], "entry 1: expected a mapping"),
    ([{"id": "x", "reason": "r", "until": "2027"}], "entry 1: until='2027' is not a date"),
    ([{"id": "x", "reason": "r", "until": "2027-02-30"}], "is not a calendar date"),
    ([{"id": "x" * 2000, "reason": "r"}], "at most 1024 characters"),
    ([{"id": "x", "reason": "r"}] * 1001, "more than 1000 entries"),
])
def test_bad_allow_lists_are_refused_with_the_entry(raw, error):
    with pytest.raises(allow_mod.AllowError, match=error):
        allow_mod.parse(raw, "cfg.yaml")


def test_a_state_without_any_region_says_it_covers_none():
    vol = volume("vol-0000000000000aaaa", "state", region=Unknown("no provider region"))
    outcome = compare(Inventory([volume("vol-0000000000000bbbb", "aws")]),
                      [state(vol, name="show.json")], account=ACCOUNT, scanned=[PARIS])
    assert [r.address for r in outcome.inventory if r.drift.side == "live"] == []
    assert outcome.notices and outcome.notices[0].startswith("show.json: no region can be told")


def test_remote_state_over_the_size_limit_is_refused_before_reading():
    """The S3 reader checks the object's size first and never reads more than the limit
    plus one byte (a unit test: moto cannot hold a 256 MiB object cheaply)."""
    from hds_iac.drift.s3 import reader
    from hds_iac.drift.states import StateReadError

    class Body:
        def __init__(self):
            self.asked, self.closed = None, False

        def read(self, size):
            self.asked = size
            return b"{}"

        def close(self):
            self.closed = True

    class Client:
        def __init__(self, length):
            self.body, self.length, self.calls = Body(), length, []

        def get_object(self, **params):
            self.calls.append(params)
            return {"Body": self.body, "ContentLength": self.length}

    big = Client(300 * 1024 * 1024)
    with pytest.raises(StateReadError, match="over the 256 MiB limit"):
        reader(lambda: big)("b", "k", 256 * 1024 * 1024)
    assert big.body.asked is None and big.body.closed
    small = Client(2)
    assert reader(lambda: small)("b", "k", 100) == b"{}"
    assert small.body.asked == 101 and small.calls == [{"Bucket": "b", "Key": "k"}]
