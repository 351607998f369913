"""Every real plan and state of the shared corpus (read in place, never copied here).

plans-checkov: 59 `terraform show -json` files from checkov's tests (some deliberately odd);
state-outscale: 265 format-4 states from the Outscale provider's acceptance tests, with
identifiers masked as `########`. See ../shared/corpus/README.md.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hds_iac.geography import region_from_zone
from hds_iac.model import Unknown
from hds_iac.terraform.jsonfile import looks_like_json_input, read_json_input

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PLANS = CORPUS / "plans-checkov"
STATES = CORPUS / "state-outscale"

if not PLANS.is_dir() or not STATES.is_dir():
    pytest.skip("the shared corpus is not next to this checkout", allow_module_level=True)

PLAN_FILES = sorted(p.name for p in PLANS.iterdir() if p.is_file())
STATE_FILES = sorted(p.name for p in STATES.iterdir() if p.is_file())
ARM = [n for n in PLAN_FILES if n.startswith("tests_arm_")]
UTF16 = [
    "tests_terraform_parser_resources_plan_encodings_tfplan_win_utf16.json",
    "tests_terraform_runner_resources_plan_with_lifecycle_check_tfplan.json",
    "tests_terraform_runner_resources_plan_with_utf_16_encoding_tfplan.json",
]
BIG = "tests_terraform_runner_resources_plan_tfplan.json"


def read_plan(name: str):
    return read_json_input(str(PLANS / name), f"plans-checkov/{name}")


def read_state(name: str):
    return read_json_input(str(STATES / name), f"state-outscale/{name}")


def managed(config) -> list:
    return [r for r in config.resources if r.mode == "managed"]


def test_corpus_is_complete():
    assert len(PLAN_FILES) == 59
    assert len(STATE_FILES) == 265


def check_clean(config, display: str) -> None:
    """Either records or a clean one-line error, never both empty-handed and silent."""
    for error in config.errors:
        assert error.path == display
        assert error.message and "\n" not in error.message and len(error.message) < 300
    for rec in config.resources:
        assert rec.file == display and rec.line is None
        assert rec.source == config.source
        assert rec.mode in ("managed", "data") and rec.type and rec.name and rec.provider
        assert rec.address.endswith(rec.name) or rec.address.endswith("]")
        if rec.module:
            assert rec.address.startswith(rec.module + ".")
    assert config.resources or config.errors or config.source == "plan"


@pytest.mark.parametrize("name", PLAN_FILES)
def test_every_plan_file(name):
    config = read_plan(name)  # never raises
    check_clean(config, f"plans-checkov/{name}")
    assert looks_like_json_input(str(PLANS / name))


@pytest.mark.parametrize("name", STATE_FILES)
def test_every_state_file(name):
    config = read_state(name)
    check_clean(config, f"state-outscale/{name}")
    assert config.source == "state" and config.errors == []
    # A state records no provider region: it is the one the subregions of its resources
    # prove (one configuration per file here), or unknown when none carries one.
    proven = {region_from_zone(r.values.get(k)) for r in config.resources
              for k in ("subregion_name", "placement_subregion_name")} - {None}
    for rec in config.resources:
        assert rec.provider == "outscale"
        if len(proven) == 1:
            assert rec.provider_region in proven
        else:
            assert isinstance(rec.provider_region, Unknown), rec.provider_region


def test_plans_without_errors_are_all_plans():
    for name in PLAN_FILES:
        config = read_plan(name)
        if name in ARM:
            continue
        assert config.errors == [], name
        assert config.source == ("state" if "corrupted" in name else "plan"), name


def test_the_55_resource_plan():
    config = read_plan(BIG)
    assert config.errors == []
    assert len(managed(config)) == 55 and len(config.resources) == 55
    assert {r.provider_region for r in config.resources if r.provider == "aws"} == {"us-west-2"}
    web = next(r for r in config.resources if r.address == "aws_instance.web_host")
    assert web.values["instance_type"] == "t2.nano"
    assert web.values["subnet_id"] == Unknown("known after apply", ("aws_subnet.web_subnet",))
    assert web.values["id"] == Unknown("known after apply")


@pytest.mark.parametrize("name", [
    "tests_terraform_runner_tfplan2.json",
    "tests_terraform_runner_tf_plan_skip_check_regex_resource_tfplan1.json",
    # checkov trimmed planned_values to one resource; resource_changes has all 55
    "tests_terraform_parser_resources_plan_tags_tfplan.json",
])
def test_other_55_resource_plans(name):
    assert len(managed(read_plan(name))) == 55


@pytest.mark.parametrize("name", UTF16)
def test_utf16_plans(name):
    assert (PLANS / name).read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    config = read_plan(name)
    assert config.errors == [] and config.resources


def test_utf16_plan_contents():
    config = read_plan("tests_terraform_runner_resources_plan_with_utf_16_encoding_tfplan.json")
    assert sorted(r.type for r in config.resources) == [
        "aws_iam_role_policy", "aws_s3_bucket", "null_resource"]
    aws = [r for r in config.resources if r.provider == "aws"]
    assert {r.provider_region for r in aws} == {"us-east-1"}
    assert [r.provider_region for r in config.resources if r.provider == "null"] == [None]
    lifecycle = read_plan("tests_terraform_runner_resources_plan_with_lifecycle_check_tfplan.json")
    cert = lifecycle.resources[0]
    assert cert.values["private_key"] == Unknown("sensitive value")
    assert cert.sensitive == {"private_key"}


@pytest.mark.parametrize("name", ARM)
def test_arm_templates_are_not_plans(name):
    config = read_plan(name)
    assert config.resources == []
    assert [e.message for e in config.errors] == [
        "an ARM template, not a Terraform plan or state"]


def test_corrupted_plan_is_a_state_shown_as_json():
    # checkov calls it corrupted because it is not a plan; it is a valid
    # `terraform show -json` of a state (values.root_module), so it is read as one.
    config = read_plan("tests_terraform_runner_resources_plan_corrupted-tfplan.json")
    assert config.source == "state" and config.errors == []
    (rec,) = config.resources
    assert rec.address == "test_instance.test" and rec.provider == "test"
    # a sensitive value the file holds is kept (judged as in code) and listed to be masked
    assert rec.values == {"id": "621124146446964903", "ami": "abc"}
    assert rec.sensitive == {"ami"} and rec.sensitive_texts == {"abc"}


def test_deleted_resources_plan():
    # create-before-destroy replacement ["create", "delete"]: the resource stays
    config = read_plan("tests_terraform_runner_resources_plan_with_deleted_resources_tfplan.json")
    assert [r.address for r in config.resources] == ["aws_secretsmanager_secret.default"]


def test_provider_only_plans():
    for name in ("tests_terraform_parser_resources_plan_multiple_providers_tfplan.json",
                 "tests_terraform_runner_resources_plan_with_providers_tfplan.json"):
        config = read_plan(name)
        assert config.resources == [] and config.errors == []


def test_after_unknown_plan():
    config = read_plan("tests_terraform_parser_resources_plan_after_unknown_tfplan.json")
    (rec,) = config.resources
    assert rec.values["logging_config"] == [
        {"include_cookies": False, "prefix": "cloudfront", "bucket": Unknown("known after apply")}]
    assert rec.provider_region == Unknown("the plan records no region for provider aws")


def test_module_provider_keys_in_real_plans():
    # Terraform 0.15: "module.log_group_external:aws" carries only a version constraint and
    # no expressions: it is the registry module's required_providers entry, not a provider
    # block, so the module uses the root's configuration, like "log_group_local:aws" does
    config = read_plan(
        "tests_common_runner_registry_plan_with_tf_modules_for_enrichment_tfplan.json")
    regions = {r.module: r.provider_region for r in config.resources}
    assert regions["module.log_group_local"] == "eu-central-1"
    assert regions["module.log_group_external"] == "eu-central-1"
    # Terraform 0.15: "m:aws" inherits the root provider whose region is var.region
    config = read_plan(
        "tests_common_runner_registry_plan_module_skip_for_enrichment_tf_tfplan.json")
    assert [r.provider_region for r in config.resources] == ["us-west-2"]


def test_references_in_nested_modules():
    config = read_plan(
        "tests_terraform_runner_resources_plan_nested_child_modules_with_connections_tfplan.json")
    recs = {r.address: r for r in config.resources}
    block = recs["module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block."
                 "submodule_bucket"]
    assert block.values["bucket"].refs == (
        "module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket",)


def test_gcp_and_azure_plans():
    booleans = read_plan("tests_terraform_parser_resources_plan_booleans_tfplan.json")
    assert {r.provider_region for r in booleans.resources} == {"europe-west2"}
    azure = read_plan(
        "tests_terraform_runner_resources_plan_with_resource_reference_tfplan_extra_ref.json")
    assert {(r.provider, r.provider_region) for r in azure.resources} == {("azurerm", None)}


def test_states_total():
    records = [r for name in STATE_FILES for r in read_state(name).resources]
    assert len([r for r in records if r.mode == "managed"]) == 953
    assert len({r.type for r in records if r.mode == "managed"}) == 50
    masked = [r for r in records if r.values.get("id") == "########"
              or str(r.values.get("id", "")).startswith("##id-")]
    assert masked  # masked ids are plain strings


def test_the_whole_corpus_reads_without_errors():
    """Every corpus file reads (speed is scripts/benchmark.py's business, not a timed test's:
    a loaded CI machine made the 5 s bound fail for nothing)."""
    for name in PLAN_FILES:
        read_plan(name)
    for name in STATE_FILES:
        read_state(name)
