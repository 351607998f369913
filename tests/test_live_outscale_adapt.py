"""The live Outscale adapter in-process, on answers recorded from the Outscale mock.

`hds-iac live outscale` reaches `hds_iac/live/outscale/adapt.py` only in a subprocess
against tests/outscale_mock (tests/test_live_outscale.py). Here the answers a real scan of
the mock collected (tests/data/live/outscale_main.json, made by scripts/record_live.py)
go through the adapter and the engine in this process, and every finding must be the one
that scan reported; then one answer at a time is changed to show the verdict a user would
see.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools

import pytest
from live_recording import judged, load_outscale, verdicts_of

from hds_iac.live.outscale import adapt
from hds_iac.live.outscale.collect import CallError, feeds
from hds_iac.settings import Settings

MAIN = load_outscale("outscale_main")


def findings(data=None, now=None, settings=None) -> list[tuple]:
    """What a user sees of a scan of `data` (the recorded region by default)."""
    data = data if data is not None else MAIN["data"]
    settings = settings or Settings()
    inventory, errors = adapt.to_inventory(data, settings, now=now or MAIN["now"])
    assert errors == []
    return judged(inventory, settings, f"outscale:{data.region}", data.account_id)


@functools.cache
def recorded_findings() -> tuple[tuple, ...]:
    """`findings()` of the recorded answers, once per process (a mutant runs in a process
    of its own)."""
    return tuple(findings())


def verdicts(data=None, **kw) -> dict[tuple[str, str], str]:
    return verdicts_of(findings(data, **kw))


def changed():
    return copy.deepcopy(MAIN["data"])


def test_recorded_answers_give_the_recorded_findings():
    got = findings()
    want = sorted(MAIN["findings"])
    missing = [f for f in want if f not in got]
    extra = [f for f in got if f not in want]
    assert not missing and not extra, (
        "in-process findings differ from the live scan's (re-record with "
        f"scripts/record_live.py if the scenario changed):\nmissing {missing}\nextra {extra}")


@pytest.mark.parametrize("action", sorted(MAIN["data"].answers))
def test_a_denied_read_turns_what_it_decides_unknown_never_pass_or_fail(action):
    """Each call of the recorded scan denied in turn, as the collector records it (no
    answer, the call's status and error): every finding that changes becomes unknown and
    names the call, or goes with the resources the call would have listed; no pass turns
    into a fail or the other way round, and no new pass or fail appears."""
    data = changed()
    data.answers[action] = None
    data.records[action].status = "denied"
    data.errors.append(CallError(action, data.region, "denied", "code 4"))
    before = {(r, a): s for r, a, s, *_ in recorded_findings()}
    after = {(r, a): (s, m) for r, a, s, m, _ in findings(data)}
    flipped = {k: (before.get(k, "absent"), v[0]) for k, v in after.items()
               if v[0] != "unknown" and before.get(k, "absent") != v[0]}
    assert not flipped, flipped
    turned = {k: m for k, (s, m) in after.items() if s == "unknown" and before.get(k) != "unknown"}
    unexplained = {k: m for k, m in turned.items() if f"{action} denied in eu-west-2" not in m}
    assert not unexplained, unexplained
    gaps = adapt.to_inventory(data, now=MAIN["now"])[0].gaps
    assert [(g.kinds, g.reason) for g in gaps] == ([(
        feeds(action), f"{action} denied in eu-west-2 (see the read errors)")]
        if feeds(action) else [])


def _answer(data, action: str, ident_key: str, ident: str) -> dict:
    [found] = [i for i in data.answers[action] if i.get(ident_key) == ident]
    return found


def test_a_vm_disk_is_attested_by_its_volume_tags():
    """A VM without its own attestation tag, whose boot disk's volume carries one (read by
    ReadVolumes): the disk is attested, HDS-ENC-001 passes."""
    data = changed()
    _answer(data, "ReadVolumes", "VolumeId", "vol-0000btb1")["Tags"] = [
        {"Key": "hds-iac:encryption", "Value": "true"}]
    got = {(r, a): (s, m) for r, a, s, m, _ in findings(data)}
    assert got["HDS-ENC-001", "i-0000000b"] == (
        "pass", "client-side encryption attested by the hds-iac:encryption tag: boot disk /dev/sda1")


@pytest.mark.parametrize("state", ["terminated", "shutting-down"])
def test_a_vm_going_away_holds_no_disk(state):
    data = changed()
    _answer(data, "ReadVms", "VmId", "i-0000000b")["State"] = state
    got = {(r, a): m for r, a, s, m, _ in findings(data)}
    assert not any(a == "i-0000000b" for _, a in got)
    assert "2 standalone" not in got["HDS-AZ-003", "i-0000000a"]  # the only one left


def test_tags_that_are_not_key_value_pairs_are_left_out():
    data = changed()
    vol = _answer(data, "ReadVolumes", "VolumeId", "vol-0000enc1")
    vol["Tags"] = ["junk", {"Value": "luks"}, {"Key": None, "Value": "x"}, *vol["Tags"],
                   {"Key": "hds-iac:other", "Value": 7}]
    assert findings(data) == list(recorded_findings())


def test_a_snapshot_permission_without_global_permission_is_not_public():
    data = changed()
    _answer(data, "ReadSnapshots", "SnapshotId", "snap-old00001")[
        "PermissionsToCreateVolume"] = {"AccountIds": []}
    assert verdicts(data)["HDS-BAK-006", "snap-old00001"] == "pass"


@pytest.mark.parametrize("created, days", [
    ("2026-11-11T02:06:34", 20),        # no time zone: UTC
    ("2026-11-11T04:30:00+02:00", 20),  # 02:30 UTC, 20 days and 36 min before the scan
    ("2026-11-11T03:30:00Z", 19),       # 19 days 23 h 36 min before
    ("", None), (None, None), (12, None), ("yesterday", None),
])
def test_an_access_key_age_reads_its_creation_date(created, days):
    assert MAIN["now"].isoformat().startswith("2026-12-01T03:06")
    data = changed()
    _answer(data, "ReadAccessKeys", "AccessKeyId", "ALICEKEY000000000001")["CreationDate"] = created
    inventory, _ = adapt.to_inventory(data, now=MAIN["now"])
    [key] = [r for r in inventory if r.address == "ALICEKEY000000000001"]
    assert key.identity.key_age_days == days
    message = {a: m for r, a, s, m, _ in findings(data) if r == "HDS-KEY-001"}[
        "ALICEKEY000000000001"]
    if days is not None:
        assert message.startswith(f"the key is {days} days old"), message


def test_ages_are_counted_from_the_time_of_the_scan():
    """Snapshot and key ages are days from the scan's `now`, not from the clock."""
    later = MAIN["now"] + dt.timedelta(days=30)
    got = {(r, a): m for r, a, s, m, _ in findings(now=later)}
    assert got["HDS-KEY-001", "ALICEKEY000000000001"].startswith("the key is 50 days old")
    assert got["HDS-BAK-007", "vol-0000enc1"].startswith("newest snapshot is 30 day(s) old")


def test_cloud_ids_and_users_of_the_inventory():
    """What drift and the JSON report read beside the findings: each resource's cloud id
    (the API access policy's is the account's), and the EIM users with their console
    access (users without an id are left out)."""
    data = changed()
    data.answers["ReadUsers"].append({"UserName": "no-id", "Path": "/"})
    inventory, errors = adapt.to_inventory(data, now=MAIN["now"])
    assert errors == []
    ids = {r.address: r.origin.cloud_id for r in inventory}
    assert ids["api-access-policy/123456789012"] == "123456789012"
    assert ids["vol-0000enc1"] == "vol-0000enc1" and ids["ALICEKEY000000000001"] == \
        "ALICEKEY000000000001"
    users = {r.address: r.identity.console_access for r in inventory if r.kind == "user"}
    # OutscaleLoginAllowed as the API gives it; not given: not told (None)
    assert users == {"ABCDEFGHIJKLMNOPQRSTUVWXY01": True, "ABCDEFGHIJKLMNOPQRSTUVWXY02": False,
                     "ABCDEFGHIJKLMNOPQRSTUVWXY03": None}


def test_a_denied_volume_read_makes_unattested_disks_and_snapshots_unknown():
    """ReadVolumes denied: a VM disk or a snapshot that nothing else attests may be attested
    by its volume's tags, so HDS-ENC-001 / HDS-ENC-005 say unknown naming the call, where
    they would fail; a VM attested by its own tag still passes."""
    data = changed()
    data.answers["ReadVolumes"] = None
    data.records["ReadVolumes"].status = "denied"
    got = {(r, a): (s, m) for r, a, s, m, _ in findings(data)}
    assert got["HDS-ENC-001", "i-0000000b"] == (
        "unknown", "encryption cannot be determined: boot disk /dev/sda1: the disk's volume"
        " tags were not read (ReadVolumes denied in eu-west-2)")
    assert got["HDS-ENC-001", "i-0000000a"][0] == "pass"
    status, message = got["HDS-ENC-005", "snap-old00001"]
    assert status == "unknown" and message.endswith("(ReadVolumes denied in eu-west-2)"), message


def test_a_key_created_at_the_time_of_the_scan_is_0_days_old():
    data = changed()
    _answer(data, "ReadAccessKeys", "AccessKeyId", "ALICEKEY000000000001")["CreationDate"] = \
        MAIN["now"].isoformat()
    message = {a: m for r, a, s, m, _ in findings(data) if r == "HDS-KEY-001"}[
        "ALICEKEY000000000001"]
    assert message.startswith("the key is 0 days old"), message


def test_the_subregions_of_the_region_only():
    data = changed()
    data.answers["ReadSubregions"] += [{"SubregionName": "us-east-2a"}, {"SubregionName": None},
                                       {"State": "available"}]
    assert adapt.subregions(data) == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]


def test_a_snapshot_of_a_volume_gone_may_be_attested_by_it():
    """A snapshot whose volume no longer exists (ReadVolumes answered without it): unknown,
    the volume that may have carried the attestation named, nothing said of the read."""
    data = changed()
    _answer(data, "ReadSnapshots", "SnapshotId", "snap-old00001")["VolumeId"] = "vol-gone0001"
    got = {(r, a): (s, m) for r, a, s, m, _ in findings(data)}
    assert got["HDS-ENC-005", "snap-old00001"] == (
        "unknown", "encryption cannot be determined: snapshot: the attestation may be on"
        " vol-gone0001, which this input does not hold (volume_id); tag the snapshot itself to"
        " attest it")
