"""Live AWS runs recorded in the history store, against a real moto_server: the scope is
the account and its regions, a partial run (a region that does not exist) keeps the scope
but fixes nothing, and the next complete run does; --fail-on-new gates on new failures."""
from __future__ import annotations

import json

import pytest

from aws_moto import LONDON, PARIS, build_scenario, clients
from conftest import run_cli
from test_live_aws import Live

SERVICES = ("--services", "ec2")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    env = Live(tmp_path_factory.mktemp("moto-history"))
    yield env
    env.close()


def test_live_runs_in_the_store(live, tmp_path) -> None:
    live.ensure("main", build_scenario)
    store = str(tmp_path / "live.sqlite")
    first = live.run("-o", "json", "--store", store, "--fail-on-new", *SERVICES)
    assert first.returncode == 1, first.stderr
    doc = json.loads(first.stdout)
    volume = live.scenario.ids["vol_london"]
    london = [f for f in doc["findings"] if f["rule_id"] == "HDS-LOC-001"
              and f["status"] == "fail" and volume in f["resource"]["address"]]
    assert london, "the London volume fails HDS-LOC-001"

    clients(live.moto.url)("ec2", LONDON).delete_volume(VolumeId=volume)
    live.current = None  # the account changed
    partial = live.run("-o", "json", "--store", store, *SERVICES,
                       regions=f"{PARIS},{LONDON},xx-nowhere-9")
    assert partial.returncode == 2 and "incomplete" in partial.stderr
    runs = run_cli("history", "list", "--store", store, "-o", "json").json()["runs"]
    assert len(runs) == 2 and runs[0]["scope"] == runs[1]["scope"]
    assert runs[0]["scope"].startswith("aws account ") and f"[{LONDON},{PARIS}]" in runs[0]["scope"]
    diff = run_cli("history", "diff", "--store", store, "-o", "json").json()
    assert not any(volume in f["resource"]["address"] for f in diff["fixed"])
    assert any(volume in f["resource"]["address"] and f["rule_id"] == "HDS-LOC-001"
               for f in diff["unconfirmed"])

    third = live.run("-o", "json", "--store", store, "--fail-on-new", *SERVICES)
    assert third.returncode == 0, third.stderr  # failures remain, none is new
    assert any(f["status"] == "fail" for f in json.loads(third.stdout)["findings"])
    diff = run_cli("history", "diff", "--store", store, "-o", "json").json()
    fixed = [f for f in diff["fixed"] if volume in f["resource"]["address"]]
    assert {f["rule_id"] for f in fixed} >= {"HDS-LOC-001"}
    assert all(f["history"]["now"] == "absent" for f in fixed)
    assert diff["previous"]["complete"] is False and diff["run"]["complete"] is True
