"""HDS-LOC-001 and HDS-LOC-002 on hand-built model objects."""
from __future__ import annotations

import pytest

from hds_iac import catalogue, geography
from hds_iac.model import Destination, Origin, Resource, Unknown
from hds_iac.settings import Settings
from rule_helpers import run, statuses

ORIGIN = Origin("hcl", "main.tf", 1)


def res(address: str, provider: str = "aws", region=None, **kw) -> Resource:
    kind = kw.pop("kind", "bucket")
    return Resource(address=address, type=kw.pop("type", "aws_s3_bucket"), provider=provider,
                    kind=kind, region=region, origin=ORIGIN, **kw)


RULE = "HDS-LOC-002"


def message(verdict, lang: str = "en", rule_id: str = RULE) -> str:
    return catalogue.load()[rule_id].message(verdict.message, lang, **verdict.params)


# --- HDS-LOC-001 ---------------------------------------------------------------------


def test_loc001_region_means_nothing_without_its_provider() -> None:
    verdicts = run(
        "HDS-LOC-001",
        res("aws_s3_bucket.paris", region="eu-west-3", stores_data=True),
        res("aws_s3_bucket.london", region="eu-west-2", stores_data=True),
        res("aws_s3_bucket.zurich", region="eu-central-2", stores_data=True),
        res("outscale_volume.v", provider="outscale", region="eu-west-2", stores_data=True,
            kind="volume", type="outscale_volume"),
        res("outscale_volume.us", provider="outscale", region="us-east-2", stores_data=True,
            kind="volume", type="outscale_volume"),
    )
    assert statuses(verdicts) == {
        "aws_s3_bucket.paris": "pass", "aws_s3_bucket.london": "fail",
        "aws_s3_bucket.zurich": "fail", "outscale_volume.v": "pass", "outscale_volume.us": "fail",
    }


def test_loc001_unknown_region_and_unstored_data() -> None:
    verdicts = run(
        "HDS-LOC-001",
        res("aws_s3_bucket.x", region=Unknown("var.region has no value"), stores_data=True),
        res("aws_s3_bucket.mars", region="mars-north-1", stores_data=True),
        res("aws_lb.lb", region="us-east-1", kind="load-balancer"),  # holds no data
        res("aws_iam_user.u", region=None, stores_data=True, kind="user"),  # global
    )
    assert statuses(verdicts) == {"aws_s3_bucket.x": "unknown", "aws_s3_bucket.mars": "unknown"}
    assert "var.region has no value" in message(verdicts[0], "fr", "HDS-LOC-001")


def test_loc001_narrowed_allowed_area() -> None:
    france_only = Settings(allowed_countries=frozenset({"FR"}))
    verdicts = run("HDS-LOC-001",
                   res("aws_s3_bucket.fra", region="eu-central-1", stores_data=True),
                   settings=france_only)
    assert [v.status for v in verdicts] == ["fail"]
    assert "FR" in message(verdicts[0], "en", "HDS-LOC-001")


def test_loc001_names_each_resources_country_in_the_reports_language() -> None:
    # the same country twice (its name is worked out once per run) and another one
    verdicts = run("HDS-LOC-001",
                   res("aws_s3_bucket.fra", region="eu-central-1", stores_data=True),
                   res("aws_s3_bucket.fra2", region="eu-central-1", stores_data=True),
                   res("aws_s3_bucket.lon", region="eu-west-2", stores_data=True))
    assert [message(v, "en", "HDS-LOC-001") for v in verdicts] == [
        "stored in eu-central-1 (Germany), inside the allowed area",
        "stored in eu-central-1 (Germany), inside the allowed area",
        "stored in eu-west-2 (United Kingdom), outside the allowed area (EEA)"]
    assert [message(v, "fr", "HDS-LOC-001") for v in verdicts] == [
        "stocké dans eu-central-1 (Allemagne), dans la zone autorisée",
        "stocké dans eu-central-1 (Allemagne), dans la zone autorisée",
        "stocké dans eu-west-2 (Royaume-Uni), hors de la zone autorisée (EEE)"]


# --- HDS-LOC-002 ---------------------------------------------------------------------


def test_loc002_copies_inside_the_eea_pass() -> None:
    bucket = res("aws_s3_bucket.b", region="eu-west-3", stores_data=True, destinations=[
        Destination("eu-central-1", "S3 replication to aws_s3_bucket.dr"),
        Destination("eu-north-1", "backup copy")])
    [v] = run(RULE, bucket)
    assert v.status == "pass"
    assert "eu-central-1" in message(v) and "eu-north-1" in message(v, "fr")


def test_loc002_one_copy_outside_fails_and_names_it() -> None:
    table = res("aws_dynamodb_table.t", region="eu-west-3", kind="table", stores_data=True,
                destinations=[Destination("eu-west-1", "DynamoDB replica"),
                              Destination("us-east-1", "DynamoDB replica"),
                              Destination(Unknown("var.dr has no value"), "DynamoDB replica")])
    [v] = run(RULE, table)
    assert v.status == "fail"  # a known failure outweighs an unknown destination
    assert "us-east-1" in message(v) and "eu-west-1" not in message(v)


def test_loc002_provider_decides_what_a_region_name_means() -> None:
    aws = res("aws_ebs_snapshot_copy.c", region="eu-west-2", kind="snapshot", stores_data=True,
              destinations=[Destination("eu-west-2", "snapshot copy")])
    osc = res("outscale_snapshot.c", provider="outscale", region="eu-west-2", kind="snapshot",
              stores_data=True, destinations=[Destination("eu-west-2", "snapshot copy")])
    # A destination may name another provider than its resource.
    cross = res("aws_s3_bucket.x", region="eu-west-3", destinations=[
        Destination("eu-west-2", "export", provider="outscale")])
    assert statuses(run(RULE, aws, osc, cross)) == {
        "aws_ebs_snapshot_copy.c": "fail", "outscale_snapshot.c": "pass", "aws_s3_bucket.x": "pass"}


def test_loc002_unknown_destination_and_unknown_region_name() -> None:
    plan = res("aws_backup_plan.p", region="eu-west-3", kind="copy", destinations=[
        Destination(Unknown("destination vault var.vault_arn is not in this configuration"),
                    "backup copy"), Destination("eu-west-3", "backup copy")])
    odd = res("aws_s3_bucket.odd", region="eu-west-3", destinations=[
        Destination("xx-nowhere-9", "S3 replication")])
    verdicts = run(RULE, plan, odd)
    assert statuses(verdicts) == {"aws_backup_plan.p": "unknown", "aws_s3_bucket.odd": "unknown"}
    assert "var.vault_arn" in message(verdicts[0], "fr")
    assert "xx-nowhere-9" in message(verdicts[1])


@pytest.mark.parametrize("kind", ["copy", "backup-plan", "bucket", "table", "database",
                                  "database-cluster", "snapshot", "image"])
def test_loc002_judges_the_copies_of_every_kind_that_makes_them(kind: str) -> None:
    # A read replica, a global cluster's secondary, an image copy...: the engine refuses a
    # verdict on a kind the rule does not declare (found by mutation).
    from hds_iac import engine
    from hds_iac.model import Inventory
    copier = res(f"x.{kind}", region="eu-west-3", kind=kind, stores_data=True,
                 destinations=[Destination("us-east-1", "copy")])
    found = engine.run(Inventory([copier]), Settings(), [RULE])
    assert [(f.resource.address, f.status) for f in found] == [(f"x.{kind}", "fail")]


def test_loc002_resources_without_copies_are_not_judged() -> None:
    assert run(RULE, res("aws_s3_bucket.plain", region="us-east-1", stores_data=True)) == []


@pytest.mark.parametrize("region,country", [("eu-west-3", "FR"), ("eu-central-2", "CH")])
def test_loc002_follows_the_geography_table(region: str, country: str) -> None:
    assert geography.load().country_of("aws", region) == country
    [v] = run(RULE, res("aws_s3_bucket.b", region="eu-west-3",
                        destinations=[Destination(region, "S3 replication")]))
    assert v.status == ("pass" if country in geography.load().eea else "fail")
