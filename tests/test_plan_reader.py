"""The plan reader and the JSON input detection (hds_iac.terraform.jsonfile / plan).

Plans here follow the documented `terraform show -json` format: one hand-written plan
under tests/data/plans/ (modules, provider keys, var-based region, unknowns, sensitive
values, delete/no-op/replace actions) and small ones built by the tests.
"""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from hds_iac.model import Unknown
from hds_iac.terraform.jsonfile import looks_like_json_input, read_json_input

DATA = Path(__file__).parent / "data" / "plans"
AWS = "registry.terraform.io/hashicorp/aws"


def read(path: Path | str, display: str = "plan.json"):
    return read_json_input(str(path), display)


def by_address(config):
    return {r.address: r for r in config.resources}


def write_json(tmp_path: Path, doc, name: str = "plan.json", encoding: str = "utf-8",
               bom: bytes = b"") -> Path:
    path = tmp_path / name
    path.write_bytes(bom + json.dumps(doc, indent=2).encode(encoding))
    return path


def plan(resources=(), changes=(), configuration=None, variables=None, **extra) -> dict:
    """A minimal plan: `resources` are planned_values entries of the root module."""
    doc = {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": list(resources)}},
        "resource_changes": list(changes),
        "configuration": configuration or {"root_module": {}},
    }
    if variables is not None:
        doc["variables"] = variables
    doc.update(extra)
    return doc


def res(address, values=None, provider=AWS, **extra) -> dict:
    local = address.rsplit(".", 2) if address.startswith("data.") else address.split(".")
    mode = "data" if address.startswith("data.") else "managed"
    rtype, name = (local[-2], local[-1]) if mode == "data" else (local[-2], local[-1])
    entry = {"address": address, "mode": mode, "type": rtype, "name": name.split("[")[0],
             "provider_name": provider, "values": values or {}, "sensitive_values": {}}
    entry.update(extra)
    return entry


def provider_config(key, region_expr, name="aws", **extra) -> dict:
    exprs = {"region": region_expr} if region_expr is not None else {}
    return {key: {"name": name, "expressions": exprs, **extra}}


def decl(address, key="aws", expressions=None) -> dict:
    rtype, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_config_key": key, "expressions": expressions or {}}


# --- the hand-written plan ---------------------------------------------------------------


@pytest.fixture(scope="module")
def modules_plan():
    return read(DATA / "aws_modules.json", "plans/aws_modules.json")


def test_reads_every_kept_resource(modules_plan):
    assert modules_plan.errors == []
    assert modules_plan.source == "plan"
    assert modules_plan.path == "plans/aws_modules.json"
    assert sorted(by_address(modules_plan)) == sorted([
        "aws_subnet.a[0]", "aws_subnet.a[1]", "aws_instance.web", 'aws_s3_bucket.b["logs"]',
        "aws_instance.kept", "data.aws_iam_policy_document.p", "module.net.aws_subnet.s",
        "module.db[0].aws_db_instance.this", "module.db[0].module.backup.aws_backup_vault.v",
        "module.replica.aws_s3_bucket.r",
    ])


def test_deleted_resources_are_left_out(modules_plan):
    assert "aws_instance.old" not in by_address(modules_plan)


def test_replace_and_noop_are_kept(modules_plan):
    recs = by_address(modules_plan)
    assert recs["module.net.aws_subnet.s"].values["cidr_block"] == "10.1.0.0/24"
    assert recs["aws_instance.kept"].values["id"] == "i-0abc"


def test_record_fields(modules_plan):
    rec = by_address(modules_plan)['aws_s3_bucket.b["logs"]']
    assert (rec.mode, rec.type, rec.name, rec.provider, rec.source) == (
        "managed", "aws_s3_bucket", "b", "aws", "plan")
    assert rec.file == "plans/aws_modules.json" and rec.line is None and rec.module == ""
    data = by_address(modules_plan)["data.aws_iam_policy_document.p"]
    assert (data.mode, data.type, data.name) == ("data", "aws_iam_policy_document", "p")
    db = by_address(modules_plan)["module.db[0].aws_db_instance.this"]
    assert db.module == "module.db[0]"
    vault = by_address(modules_plan)["module.db[0].module.backup.aws_backup_vault.v"]
    assert vault.module == "module.db[0].module.backup"


def test_values_come_from_change_after(modules_plan):
    bucket = by_address(modules_plan)['aws_s3_bucket.b["logs"]']
    assert bucket.values == {"bucket": "acme-logs", "tags": {"env": "prod"}}


def test_unknown_values_carry_references(modules_plan):
    web = by_address(modules_plan)["aws_instance.web"]
    subnet = web.values["subnet_id"]
    assert isinstance(subnet, Unknown) and subnet.reason == "known after apply"
    assert subnet.refs == ("aws_subnet.a[0]", "aws_subnet.a")
    # a computed attribute the configuration does not set: no refs
    assert web.values["id"] == Unknown("known after apply")


def test_local_and_var_refs_are_dropped(modules_plan):
    web = by_address(modules_plan)["aws_instance.web"]
    # list element unknown: the list's own expression gives the refs; local.* dropped
    assert web.values["vpc_security_group_ids"] == [
        Unknown("known after apply", ("aws_security_group.web",))]
    db = by_address(modules_plan)["module.db[0].aws_db_instance.this"]
    assert db.values["db_subnet_group_name"].refs == ()  # module.sub.name: not a resource


def test_nested_unknowns_in_blocks(modules_plan):
    web = by_address(modules_plan)["aws_instance.web"]
    root = web.values["root_block_device"]
    assert root[0]["encrypted"] is True and root[0]["volume_size"] == 20
    assert root[0]["kms_key_id"] == Unknown("known after apply", ("aws_kms_key.k",))
    assert root[0]["volume_id"] == Unknown("known after apply")
    ebs = web.values["ebs_block_device"]
    assert ebs[0]["encrypted"] is False and isinstance(ebs[0]["volume_id"], Unknown)
    doc = by_address(modules_plan)["data.aws_iam_policy_document.p"]
    statement = doc.values["statement"][0]
    assert statement["effect"] == "Deny"
    assert statement["resources"].refs == ('aws_s3_bucket.b["logs"]', "aws_s3_bucket.b")


def test_refs_in_modules_are_prefixed(modules_plan):
    recs = by_address(modules_plan)
    db = recs["module.db[0].aws_db_instance.this"]
    assert db.values["vpc_security_group_ids"].refs == ("module.db[0].aws_security_group.db",)
    assert db.values["kms_key_id"].refs == ("module.db[0].data.aws_kms_key.k",)
    vault = recs["module.db[0].module.backup.aws_backup_vault.v"]
    assert vault.values["kms_key_arn"].refs == ("module.db[0].module.backup.aws_kms_key.vault",)


def test_module_variables_are_followed_to_the_caller(modules_plan):
    # module.net: vpc_id = var.vpc_id, the call passes aws_vpc.main.id
    subnet = by_address(modules_plan)["module.net.aws_subnet.s"]
    assert subnet.values["vpc_id"].refs == ("aws_vpc.main",)


def test_sensitive_values_are_masked(modules_plan):
    db = by_address(modules_plan)["module.db[0].aws_db_instance.this"]
    assert db.values["password"] == Unknown("sensitive value")
    assert db.sensitive == frozenset({"password"})
    assert "s3cr3t" not in repr(modules_plan)


def test_provider_regions(modules_plan):
    recs = by_address(modules_plan)
    assert recs["aws_instance.web"].provider_region == "eu-west-3"  # var.region
    assert recs["aws_instance.kept"].provider_region == "eu-west-2"  # aws.london
    assert recs["module.net.aws_subnet.s"].provider_region == "eu-west-3"  # inherited
    # the module's own provider block, region from the module call's argument
    assert recs["module.db[0].aws_db_instance.this"].provider_region == "eu-central-1"
    assert recs["module.db[0].module.backup.aws_backup_vault.v"].provider_region == "eu-central-1"
    assert recs["module.replica.aws_s3_bucket.r"].provider_region == "eu-west-2"
    assert recs["data.aws_iam_policy_document.p"].provider_region == "eu-west-3"


# --- provider regions -------------------------------------------------------------------


def test_old_style_module_keys_inherit_the_root_provider(tmp_path):
    # Terraform 0.12-0.13 write "NAME:aws" for a module's resources even when the module
    # has no provider block of its own (it inherits the root one).
    doc = plan(
        resources=[],
        configuration={
            "provider_config": provider_config("aws", {"constant_value": "eu-west-1"}),
            "root_module": {"module_calls": {"child": {"source": "./child", "module": {
                "resources": [decl("aws_s3_bucket.c", "child:aws")],
                "module_calls": {"grand": {"source": "./grand", "module": {
                    "resources": [decl("aws_s3_bucket.g", "grand:aws")]}}},
            }}}},
        },
    )
    doc["planned_values"]["root_module"]["child_modules"] = [{
        "address": "module.child",
        "resources": [res("module.child.aws_s3_bucket.c")],
        "child_modules": [{"address": "module.child.module.grand",
                           "resources": [res("module.child.module.grand.aws_s3_bucket.g")]}],
    }]
    config = read(write_json(tmp_path, doc))
    recs = by_address(config)
    assert recs["module.child.aws_s3_bucket.c"].provider_region == "eu-west-1"
    assert recs["module.child.module.grand.aws_s3_bucket.g"].provider_region == "eu-west-1"


def test_old_style_module_key_with_own_provider(tmp_path):
    doc = plan(
        resources=[],
        configuration={
            "provider_config": {
                **provider_config("aws", {"constant_value": "eu-west-1"}),
                **provider_config("module.child:aws", {"constant_value": "eu-north-1"},
                                  module_address="module.child"),
            },
            "root_module": {"module_calls": {"child": {"source": "./child", "module": {
                "resources": [decl("aws_s3_bucket.c", "child:aws")]}}}},
        },
    )
    doc["planned_values"]["root_module"]["child_modules"] = [
        {"address": "module.child", "resources": [res("module.child.aws_s3_bucket.c")]}]
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.provider_region == "eu-north-1"


def test_module_required_providers_entry_inherits_and_an_empty_module_alias_does_not(tmp_path):
    # `module.child:aws` with no expressions is the module's required_providers entry
    doc = plan(
        resources=[],
        configuration={
            "provider_config": {
                **provider_config("aws", {"constant_value": "eu-west-1"}),
                **provider_config("module.child:aws", None, module_address="module.child",
                                  version_constraint=">= 5.0"),
            },
            "root_module": {"module_calls": {"child": {"source": "./child", "module": {
                "resources": [decl("aws_s3_bucket.c", "module.child:aws")]}}}},
        },
    )
    doc["planned_values"]["root_module"]["child_modules"] = [
        {"address": "module.child", "resources": [res("module.child.aws_s3_bucket.c")]}]
    assert read(write_json(tmp_path, doc)).resources[0].provider_region == "eu-west-1"


def test_region_proven_by_resources_of_the_same_provider_configuration(tmp_path):
    def doc_with(subnet_zones, own_region=None):
        resources = [res("aws_s3_bucket.b", {"bucket": "b"})]
        decls = [decl("aws_s3_bucket.b")]
        for i, zone in enumerate(subnet_zones):
            resources.append(res(f"aws_subnet.s{i}", {"availability_zone": zone}))
            exprs = {"region": {"constant_value": own_region}} if own_region else {}
            decls.append(decl(f"aws_subnet.s{i}", expressions=exprs))
        resources.append(res("aws_kms_key.k", {"arn": None}))
        return plan(resources=resources, configuration={
            "provider_config": provider_config("aws", None),
            "root_module": {"resources": decls}})

    recs = by_address(read(write_json(tmp_path, doc_with(["eu-west-3a", "eu-west-3b"]))))
    assert {r.provider_region for r in recs.values()} == {"eu-west-3"}
    # zones of two regions: nothing is proven
    region = read(write_json(tmp_path, doc_with(["eu-west-3a", "us-east-1a"]))).resources[0] \
        .provider_region
    assert isinstance(region, Unknown) and "several" in region.reason
    # a resource with its own region argument (AWS provider 6) proves nothing of the provider's
    region = read(write_json(tmp_path, doc_with(["us-east-1a"], "us-east-1"))).resources[0] \
        .provider_region
    assert isinstance(region, Unknown) and "sets no region" in region.reason


@pytest.mark.parametrize("expr, expected", [
    ({"constant_value": "eu-west-3"}, "eu-west-3"),
    ({"references": ["var.region"]}, "eu-south-1"),
    ({"references": ["var.missing"]},
     Unknown("the provider region comes from var.missing, which has no value in the plan")),
    ({"references": ["local.region"]},
     Unknown("region comes from an expression the plan does not record")),
    ({"references": ["var.prefix", "var.suffix"]},
     Unknown("region comes from an expression the plan does not record")),
    ({}, Unknown("region comes from an expression the plan does not record")),
])
def test_region_expressions(tmp_path, expr, expected):
    doc = plan(
        resources=[res("aws_s3_bucket.b")],
        configuration={"provider_config": provider_config("aws", expr),
                       "root_module": {"resources": [decl("aws_s3_bucket.b")]}},
        variables={"region": {"value": "eu-south-1"}},
    )
    assert read(write_json(tmp_path, doc)).resources[0].provider_region == expected


def test_no_provider_config(tmp_path):
    doc = plan(resources=[res("aws_s3_bucket.b")])
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.provider_region == Unknown("the plan records no region for provider aws")


def test_provider_config_without_region(tmp_path):
    doc = plan(
        resources=[res("aws_s3_bucket.b")],
        configuration={"provider_config": provider_config("aws", None),
                       "root_module": {"resources": [decl("aws_s3_bucket.b")]}},
    )
    region = read(write_json(tmp_path, doc)).resources[0].provider_region
    assert isinstance(region, Unknown) and "sets no region" in region.reason


def test_aliased_provider_key(tmp_path):
    doc = plan(
        resources=[res("aws_s3_bucket.b")],
        configuration={
            "provider_config": {
                **provider_config("aws", {"constant_value": "eu-west-3"}),
                **provider_config("aws.zurich", {"constant_value": "eu-central-2"},
                                  alias="zurich"),
            },
            "root_module": {"resources": [decl("aws_s3_bucket.b", "aws.zurich")]}},
    )
    assert read(write_json(tmp_path, doc)).resources[0].provider_region == "eu-central-2"


def test_outscale_regions(tmp_path):
    outscale = "registry.terraform.io/outscale/outscale"
    doc = plan(
        resources=[res("outscale_volume.v", {"size": 10}, provider=outscale),
                   res("outscale_vm.gov", {}, provider=outscale)],
        configuration={
            "provider_config": {
                **provider_config("outscale", None, name="outscale"),
                **provider_config("outscale.gov", {"constant_value": "cloudgouv-eu-west-1"},
                                  name="outscale", alias="gov"),
            },
            "root_module": {"resources": [decl("outscale_volume.v", "outscale"),
                                          decl("outscale_vm.gov", "outscale.gov")]}},
    )
    # the v1 provider: `api { region = ... }`
    doc["configuration"]["provider_config"]["outscale"]["expressions"] = {
        "api": [{"region": {"constant_value": "eu-west-2"}}]}
    recs = by_address(read(write_json(tmp_path, doc)))
    assert recs["outscale_volume.v"].provider == "outscale"
    assert recs["outscale_volume.v"].provider_region == "eu-west-2"
    assert recs["outscale_vm.gov"].provider_region == "cloudgouv-eu-west-1"


def test_providers_without_regions(tmp_path):
    doc = plan(
        resources=[res("azurerm_storage_account.s", {"location": "francecentral"},
                       provider="registry.terraform.io/hashicorp/azurerm"),
                   res("random_id.r", {}, provider="registry.terraform.io/hashicorp/random")],
        configuration={"provider_config": {"azurerm": {"name": "azurerm", "expressions": {
            "features": [{}]}}}, "root_module": {"resources": [
                decl("azurerm_storage_account.s", "azurerm"), decl("random_id.r", "random")]}},
    )
    recs = by_address(read(write_json(tmp_path, doc)))
    assert recs["azurerm_storage_account.s"].provider == "azurerm"
    assert recs["azurerm_storage_account.s"].provider_region is None
    assert recs["random_id.r"].provider_region is None


def test_old_provider_names(tmp_path):
    # Terraform 0.12 writes "provider_name": "aws"
    doc = plan(resources=[res("aws_s3_bucket.b", provider="aws")])
    assert read(write_json(tmp_path, doc)).resources[0].provider == "aws"


def test_aws6_region_argument_is_just_a_value(tmp_path):
    doc = plan(
        resources=[res("aws_s3_bucket.b", {"region": "eu-central-2"})],
        configuration={"provider_config": provider_config("aws", {"constant_value": "eu-west-3"}),
                       "root_module": {"resources": [decl("aws_s3_bucket.b")]}},
    )
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.provider_region == "eu-west-3" and rec.values["region"] == "eu-central-2"


# --- values -------------------------------------------------------------------------------


def test_after_null_uses_planned_values_and_unknowns(tmp_path):
    doc = plan(
        resources=[res("aws_cloudfront_distribution.c",
                       {"logging_config": [{"include_cookies": False}]})],
        changes=[{"address": "aws_cloudfront_distribution.c", "mode": "managed",
                  "type": "aws_cloudfront_distribution", "name": "c", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": None,
                             "after_unknown": {"logging_config": [{"bucket": True}]}}}],
    )
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.values["logging_config"] == [
        {"include_cookies": False, "bucket": Unknown("known after apply")}]


def test_unknown_whole_block_collects_refs_of_its_expressions(tmp_path):
    doc = plan(
        resources=[res("aws_instance.i", {})],
        changes=[{"address": "aws_instance.i", "mode": "managed", "type": "aws_instance",
                  "name": "i", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": {},
                             "after_unknown": {"network_interface": True,
                                               "tags": {"Name": True}}}}],
        configuration={"root_module": {"resources": [decl("aws_instance.i", expressions={
            "network_interface": [{"network_interface_id": {
                "references": ["aws_network_interface.n.id", "aws_network_interface.n"]}}],
            "tags": {"references": ["aws_vpc.v.tags", "aws_vpc.v"]},
        })]}},
    )
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.values["network_interface"] == Unknown(
        "known after apply", ("aws_network_interface.n",))
    assert rec.values["tags"] == {"Name": Unknown("known after apply", ("aws_vpc.v",))}


def test_nested_sensitive_values(tmp_path):
    doc = plan(
        resources=[res("google_compute_instance.g", {
            "boot_disk": [{"disk_encryption_key_raw": "c2VjcmV0LWtleQ==", "auto_delete": True}],
            "metadata": {"ssh-keys": "ssh-rsa AAAAB3Nza"}},
            provider="registry.terraform.io/hashicorp/google",
            sensitive_values={"boot_disk": [{"disk_encryption_key_raw": True}]})],
        changes=[{"address": "google_compute_instance.g", "mode": "managed",
                  "type": "google_compute_instance", "name": "g",
                  "provider_name": "registry.terraform.io/hashicorp/google",
                  "change": {"actions": ["create"], "before": None,
                             "after": {"boot_disk": [{"disk_encryption_key_raw": "c2VjcmV0LWtleQ==",
                                                      "auto_delete": True}],
                                       "metadata": {"ssh-keys": "ssh-rsa AAAAB3Nza"}},
                             "after_unknown": {},
                             "after_sensitive": {"metadata": {"ssh-keys": True}}}}],
    )
    config = read(write_json(tmp_path, doc))
    rec = config.resources[0]
    assert rec.values["boot_disk"][0] == {"disk_encryption_key_raw": Unknown("sensitive value"),
                                          "auto_delete": True}
    assert rec.values["metadata"] == {"ssh-keys": Unknown("sensitive value")}
    assert {"boot_disk", "metadata", "metadata.ssh-keys"} <= rec.sensitive
    assert "c2VjcmV0" not in repr(config) and "AAAAB3" not in repr(config)


def test_sensitive_and_unknown(tmp_path):
    doc = plan(
        resources=[res("aws_db_instance.d", {})],
        changes=[{"address": "aws_db_instance.d", "mode": "managed", "type": "aws_db_instance",
                  "name": "d", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": {},
                             "after_unknown": {"password": True},
                             "after_sensitive": {"password": True}}}],
    )
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert isinstance(rec.values["password"], Unknown) and rec.sensitive == {"password"}


def test_whole_object_sensitive(tmp_path):
    doc = plan(
        resources=[res("aws_ssm_parameter.p", {})],
        changes=[{"address": "aws_ssm_parameter.p", "mode": "managed",
                  "type": "aws_ssm_parameter", "name": "p", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None,
                             "after": {"value": "top-secret-value"}, "after_unknown": {},
                             "after_sensitive": True}}],
    )
    config = read(write_json(tmp_path, doc))
    assert config.resources[0].values == {"value": Unknown("sensitive value")}
    assert "top-secret" not in repr(config)


def test_deposed_changes_are_ignored(tmp_path):
    change = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
              "name": "b", "provider_name": AWS}
    doc = plan(
        resources=[res("aws_s3_bucket.b", {"bucket": "x"})],
        changes=[{**change, "deposed": "00000001",
                  "change": {"actions": ["delete"], "before": {"bucket": "x"}, "after": None}},
                 {**change, "change": {"actions": ["create"], "before": None,
                                       "after": {"bucket": "x"}, "after_unknown": {}}}],
    )
    config = read(write_json(tmp_path, doc))
    assert [r.address for r in config.resources] == ["aws_s3_bucket.b"]


def test_resources_only_in_resource_changes(tmp_path):
    # some tools trim planned_values; a change that is not a delete still counts
    doc = plan(
        resources=[],
        changes=[{"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume",
                  "name": "v", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None,
                             "after": {"encrypted": False}, "after_unknown": {"id": True}}}],
    )
    config = read(write_json(tmp_path, doc))
    assert [(r.address, r.values["encrypted"]) for r in config.resources] == [
        ("aws_ebs_volume.v", False)]


def test_empty_plan(tmp_path):
    doc = {"format_version": "1.2", "terraform_version": "1.11.4",
           "planned_values": {"root_module": {}},
           "configuration": {"root_module": {}}, "applyable": False, "complete": True,
           "errored": False}
    config = read(write_json(tmp_path, doc))
    assert config.resources == [] and config.errors == [] and config.source == "plan"


def test_errored_plan_reads_what_is_there(tmp_path):
    doc = plan(resources=[res("aws_s3_bucket.b", {"bucket": "x"})], errored=True)
    config = read(write_json(tmp_path, doc), "broken.json")
    assert [r.address for r in config.resources] == ["aws_s3_bucket.b"]
    assert len(config.errors) == 1 and config.errors[0].path == "broken.json"
    assert "errored" in config.errors[0].message


def test_incomplete_plan_gives_a_notice(tmp_path):
    doc = plan(resources=[res("aws_s3_bucket.b")], complete=False)
    config = read(write_json(tmp_path, doc))
    assert config.errors == [] and len(config.notices) == 1
    assert "deferred" in config.notices[0].message


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),
    ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_encodings(tmp_path, encoding, bom):
    doc = plan(resources=[res("aws_s3_bucket.b", {"bucket": "été-données"})])
    path = write_json(tmp_path, doc, encoding=encoding, bom=bom)
    config = read(path)
    assert config.errors == []
    assert config.resources[0].values["bucket"] == "été-données"
    assert looks_like_json_input(str(path))


def test_the_hand_written_plan_in_utf16(tmp_path):
    text = (DATA / "aws_modules.json").read_text(encoding="utf-8")
    path = tmp_path / "windows.json"
    path.write_bytes(codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"))
    assert len(read(path).resources) == 10


# --- bad input ----------------------------------------------------------------------------


def one_error(config, path="plan.json") -> str:
    assert config.resources == []
    assert len(config.errors) == 1, config.errors
    assert config.errors[0].path == path
    message = config.errors[0].message
    assert "\n" not in message and message
    return message


def test_invalid_json_says_where(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{\n  "format_version": "1.2",\n  "planned_values": {,\n}\n')
    message = one_error(read(path))
    assert message.startswith("invalid JSON at line 3, column 22")


def test_truncated_json(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(resources=[res("aws_s3_bucket.b")]))[:-40])
    assert one_error(read(path)).startswith("invalid JSON at line 1")


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    (codecs.BOM_UTF8, "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00tfplan", "binary plan file"),
    (b"\xff\xd8\xff\xe0 not text \xff\xfe\xfd", "not UTF-8 or UTF-16 text"),
    (b'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', "Terraform code in HCL"),
    (b"hello world", "not JSON"),
])
def test_unreadable_content(tmp_path, content, expected):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    assert expected in one_error(read(path))


@pytest.mark.parametrize("doc, expected", [
    ({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                 "deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": []},
     "an ARM template, not a Terraform plan or state"),
    ({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}},
     "a CloudFormation template, not a Terraform plan or state"),
    ({"resource": {"aws_s3_bucket": {"b": {}}}}, "Terraform code in JSON syntax"),
    ({"apiVersion": "v1", "kind": "Pod"}, "a Kubernetes manifest"),
    ({"format_version": "1.0", "provider_schemas": {}}, "provider schemas"),
    ({"name": "x", "version": "1.0"}, "JSON with keys name, version, not a Terraform"),
    ({}, "an empty JSON object, not a Terraform plan or state"),
    ([1, 2], "a JSON array, not a Terraform plan or state"),
    ("plan", "a JSON string, not a Terraform plan or state"),
    (42, "a JSON number, not a Terraform plan or state"),
    (None, "JSON null, not a Terraform plan or state"),
])
def test_json_that_is_not_a_plan_or_state(tmp_path, doc, expected):
    assert expected in one_error(read(write_json(tmp_path, doc)))


def test_missing_file(tmp_path):
    message = one_error(read(tmp_path / "gone.json", "gone.json"), "gone.json")
    assert "no such file" in message


def test_folder(tmp_path):
    assert "folder" in one_error(read(tmp_path, "dir"), "dir")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads every file")
def test_unreadable_file(tmp_path):
    path = write_json(tmp_path, plan())
    path.chmod(0)
    try:
        assert "permission denied" in one_error(read(path))
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.update(planned_values=[]), "planned_values is a list, expected an object"),
    (lambda d: d["planned_values"].update(root_module=[]),
     "planned_values.root_module is a list, expected an object"),
    (lambda d: d["planned_values"]["root_module"].update(resources={"a": 1}),
     "planned_values.root_module.resources is an object, expected a list"),
    (lambda d: d["planned_values"]["root_module"]["resources"].append("oops"),
     "planned_values.root_module.resources[1] is a string, expected an object"),
    (lambda d: d["planned_values"]["root_module"].update(child_modules="x"),
     "planned_values.root_module.child_modules is a string, expected a list"),
    (lambda d: d.update(resource_changes={}), "resource_changes is an object, expected a list"),
    (lambda d: d["resource_changes"].append([]), "resource_changes[1] is a list"),
    (lambda d: d["resource_changes"][0].update(change=None), "resource_changes[0] has no"),
    (lambda d: d.update(configuration=[]), "configuration is a list, expected an object"),
    (lambda d: d["configuration"].update(provider_config=[1]),
     "configuration.provider_config is a list, expected an object"),
    (lambda d: d["configuration"]["root_module"].update(module_calls=[]),
     "configuration.root_module.module_calls is a list"),
    (lambda d: d.update(variables="x"), "variables is a string, expected an object"),
])
def test_wrong_types_inside(tmp_path, mutate, expected):
    doc = plan(
        resources=[res("aws_s3_bucket.b", {"bucket": "x"})],
        changes=[{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                  "name": "b", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": {"bucket": "x"},
                             "after_unknown": {"id": True}}}],
    )
    mutate(doc)
    config = read(write_json(tmp_path, doc))
    messages = [e.message for e in config.errors]
    assert any(expected in m for m in messages), messages
    assert all("\n" not in m for m in messages)


def test_wrong_types_in_values(tmp_path):
    doc = plan(
        resources=[res("aws_s3_bucket.b", {"bucket": "x"})],
        changes=[{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                  "name": "b", "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": {"tags": "x"},
                             "after_unknown": {"tags": {"a": True}, "rules": [True]},
                             "after_sensitive": [True]}}],
        configuration={"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "provider_config_key": ["aws"],
             "expressions": {"tags": 3}}]}},
    )
    config = read(write_json(tmp_path, doc))
    rec = config.resources[0]
    assert rec.values["tags"] == "x"
    assert rec.values["rules"] == [Unknown("known after apply")]


def test_many_problems_are_summarised(tmp_path):
    doc = plan(resources=["x"] * 20)
    config = read(write_json(tmp_path, doc))
    assert len(config.errors) == 6
    assert config.errors[-1].message == "15 more malformed entries skipped"


# --- detection and sniffing ---------------------------------------------------------------


def test_detection_ignores_the_file_name(tmp_path):
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(plan(resources=[res("aws_s3_bucket.b")])))
    assert read(path).source == "plan"


def test_looks_like_json_input(tmp_path):
    plain = tmp_path / "main.tf"
    plain.write_text('resource "aws_s3_bucket" "b" {}\n')
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    binary = tmp_path / "tfplan"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    spaced = tmp_path / "plan.json"
    spaced.write_bytes(b"\n\n   {}")
    assert looks_like_json_input(str(DATA / "aws_modules.json"))
    assert looks_like_json_input(str(spaced))
    assert not looks_like_json_input(str(plain))
    assert not looks_like_json_input(str(empty))
    assert not looks_like_json_input(str(binary))
    assert not looks_like_json_input(str(tmp_path / "missing.json"))
    assert not looks_like_json_input(str(tmp_path))


def test_scan_reads_a_plan_argument():
    from hds_iac.scan import read_inputs

    configs, errors = read_inputs([str(DATA / "aws_modules.json")])
    assert errors == [] and len(configs) == 1 and configs[0].source == "plan"
    assert len(configs[0].resources) == 10


def test_a_plain_address_is_split_where_the_pattern_splits_it():
    """`plain_local` answers without `split_address`'s pattern; where it answers, the
    pattern must give the same module and rest, whatever quotes, brackets, backslashes and
    dots the module, type and name hold (a plan may hold anything)."""
    import random

    from hds_iac.terraform.json_shape import (
        build_address, plain_local, plain_module, split_address, split_record_address)

    rng = random.Random(7)
    pieces = ["module", "data", ".", "[", "]", '"', "\\", "a", "0", "-1", '"]', '["', "].",
              ".module."]

    def word():
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))

    def module():
        segments = [f"module.{rng.choice(['a', 'b', word()])}"
                    + rng.choice(["", "[0]", '["k"]', f"[{word()}]", f'["{word()}"]',
                                  f'["{word()}]'])
                    for _ in range(rng.randint(0, 3))]
        return rng.choice([".".join(segments), ".".join(segments), word()])

    answered = 0
    for _ in range(20000):
        mod = module()
        rtype, name = rng.choice(["aws_x", "aws_x", word()]), rng.choice(["y", "y", word()])
        mode = rng.choice(["managed", "data"])
        key = rng.choice([None, 0, 12, -1, True, "k"])
        address = rng.choice([build_address(mod, mode, rtype, name, key)] * 3
                             + [f"{mod}.{word()}.{rtype}.{name}", word()])
        # what the readers call: always split_address's answer, shortcut or not
        assert split_record_address(address, mod, mode, rtype, name, key) == \
            split_address(address), (address, mod, rtype, name, key)
        if not plain_module(mod):
            continue
        local = plain_local(address, mod, mode, rtype, name, key)
        if local is not None:
            answered += 1
            assert split_address(address) == (mod, local), (address, mod, rtype, name, key)
    assert answered > 1000
