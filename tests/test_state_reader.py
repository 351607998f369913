"""The state readers: raw `terraform.tfstate` (format 4) and `terraform show -json` states."""
from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from hds_iac.model import Unknown
from hds_iac.terraform.jsonfile import looks_like_json_input, read_json_input
from hds_iac.terraform.state import read_state

DATA = Path(__file__).parent / "data" / "plans"
NO_REGION = Unknown("a state file does not record the provider region")
AWS = "registry.terraform.io/hashicorp/aws"
OUTSCALE_PROVIDER = 'provider["registry.terraform.io/outscale/outscale"]'


def read(path, display="terraform.tfstate"):
    return read_json_input(str(path), display)


def by_address(config):
    return {r.address: r for r in config.resources}


def write_json(tmp_path: Path, doc, name="state.json", encoding="utf-8", bom=b"") -> Path:
    path = tmp_path / name
    path.write_bytes(bom + json.dumps(doc).encode(encoding))
    return path


def raw_state(*resources, version=4) -> dict:
    return {"version": version, "terraform_version": "1.9.5", "serial": 3,
            "lineage": "0000", "outputs": {}, "resources": list(resources)}


def raw_resource(rtype, name, *instances, mode="managed", module=None,
                 provider=OUTSCALE_PROVIDER) -> dict:
    entry = {"mode": mode, "type": rtype, "name": name, "provider": provider,
             "instances": list(instances)}
    if module:
        entry["module"] = module
    return entry


# --- raw state files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def outscale_state():
    return read(DATA / "outscale.tfstate", "states/outscale.tfstate")


def test_raw_state_records(outscale_state):
    assert outscale_state.errors == []
    assert outscale_state.source == "state"
    assert outscale_state.path == "states/outscale.tfstate"
    assert list(by_address(outscale_state)) == [
        "outscale_volume.data[0]", "outscale_volume.data[1]", 'outscale_vm.app["front"]',
        "module.iam.outscale_access_key.ci", "data.outscale_subregions.all",
        "module.aws_side.aws_s3_bucket.b", "random_password.p",
    ]


def test_raw_state_fields(outscale_state):
    recs = by_address(outscale_state)
    volume = recs["outscale_volume.data[1]"]
    assert (volume.mode, volume.type, volume.name, volume.provider, volume.source) == (
        "managed", "outscale_volume", "data", "outscale", "state")
    assert volume.values["subregion_name"] == "eu-west-2b"
    assert volume.file == "states/outscale.tfstate" and volume.line is None
    assert volume.module == ""
    key = recs["module.iam.outscale_access_key.ci"]
    assert key.module == "module.iam" and key.provider == "outscale"
    data = recs["data.outscale_subregions.all"]
    assert data.mode == "data" and data.values["id"] == "########"


def test_raw_state_regions(outscale_state):
    recs = by_address(outscale_state)
    # the subregions of the outscale resources prove their configuration's region
    assert recs["outscale_volume.data[0]"].provider_region == "eu-west-2"
    # a bucket ARN names no region, and nothing else of that configuration does
    assert recs["module.aws_side.aws_s3_bucket.b"].provider_region == NO_REGION
    assert recs["module.aws_side.aws_s3_bucket.b"].provider == "aws"
    assert recs["random_password.p"].provider_region is None


def test_raw_state_deposed_objects_are_left_out(outscale_state):
    assert 'outscale_vm.app["back"]' not in by_address(outscale_state)


def test_raw_state_sensitive_attributes(outscale_state):
    recs = by_address(outscale_state)
    vm = recs['outscale_vm.app["front"]']
    assert vm.values["user_data"] == Unknown("sensitive value")
    assert vm.sensitive == {"user_data"}
    assert vm.values["block_device_mappings_created"][0]["bsu"][0]["volume_id"] == "vol-00000003"
    key = recs["module.iam.outscale_access_key.ci"]
    assert key.values["secret_key"] == Unknown("sensitive value")
    assert key.values["tags"] == {"owner": "ci", "token": Unknown("sensitive value")}
    assert key.values["rules"] == [{"name": "a", "password": Unknown("sensitive value")}]
    assert {"secret_key", "tags", "tags.token", "rules", "rules.password"} <= key.sensitive
    assert key.values["access_key_id"] == "ABCDEFGHIJKLMNOPQRST"
    text = repr(outscale_state)
    assert "do-not-print" not in text and "IyEvYmluL3Nh" not in text


def test_masked_corpus_values_are_strings(tmp_path):
    doc = {"version": "########", "terraform_version": "########", "serial": "########",
           "lineage": "########", "outputs": {}, "check_results": "########",
           "resources": [raw_resource("outscale_vm", "vm", {
               "index_key": "########", "schema_version": 0,
               "attributes": {"id": "##id-3##", "subregion_name": "########"},
               "sensitive_attributes": []})]}
    config = read(write_json(tmp_path, doc))
    assert config.errors == []
    rec = config.resources[0]
    assert rec.address == 'outscale_vm.vm["########"]'
    assert rec.values == {"id": "##id-3##", "subregion_name": "########"}


def test_sensitive_paths_that_cannot_be_followed_mark_the_whole_attribute(tmp_path):
    doc = raw_state(raw_resource("outscale_vm", "vm", {
        "attributes": {"id": "i-1", "nics": [{"secret": "hidden-value"}], "other": "x"},
        "sensitive_attributes": [
            [{"type": "get_attr", "value": "nics"},
             {"type": "index", "value": {"value": 5, "type": "number"}},
             {"type": "get_attr", "value": "secret"}],
            [{"type": "get_attr", "value": "absent"}],
            "garbage",
        ]}))
    rec = read(write_json(tmp_path, doc)).resources[0]
    # the whole of `nics` is sensitive: kept, but its secret by name is hidden
    assert rec.values["nics"] == [{"secret": Unknown("sensitive value")}]
    assert "nics" in rec.sensitive and rec.sensitive_texts == frozenset()
    assert "absent" not in rec.values and rec.values["other"] == "x"
    assert "hidden-value" not in repr(rec)


def test_provider_strings():
    from hds_iac.terraform.json_shape import provider_type

    assert provider_type('provider["registry.terraform.io/outscale/outscale"]') == "outscale"
    assert provider_type('module.x.provider["registry.terraform.io/hashicorp/aws"].west') == "aws"
    assert provider_type("provider.aws") == "aws"
    assert provider_type("module.a.provider.google.eu") == "google"
    assert provider_type("registry.terraform.io/hashicorp/aws") == "aws"
    assert provider_type("aws") == "aws"
    assert provider_type(None, "outscale_vm") == "outscale"


def test_old_state_formats_are_refused(tmp_path):
    config = read(write_json(tmp_path, raw_state(version=3)))
    assert config.resources == [] and len(config.errors) == 1
    assert "format version 3" in config.errors[0].message
    legacy = {"version": 3, "terraform_version": "0.11.14", "serial": 1,
              "modules": [{"path": ["root"], "resources": {}}]}
    config = read(write_json(tmp_path, legacy))
    assert "format version 3" in config.errors[0].message


def test_empty_state(tmp_path):
    config = read(write_json(tmp_path, raw_state()))
    assert config.resources == [] and config.errors == [] and config.source == "state"


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.update(resources={}), "resources is an object, expected a list"),
    (lambda d: d["resources"].append("x"), "resources[1] is a string, expected an object"),
    (lambda d: d["resources"][0].update(instances={}),
     "resources[0].instances is an object, expected a list"),
    (lambda d: d["resources"][0]["instances"].append(7),
     "resources[0].instances[1] is a number, expected an object"),
    (lambda d: d["resources"][0]["instances"][0].update(attributes=[1]),
     "outscale_vm.vm: attributes are a list, expected an object"),
    (lambda d: d["resources"][0].update(type=None), "resources[0] has no type or name"),
])
def test_raw_state_wrong_types(tmp_path, mutate, expected):
    doc = raw_state(raw_resource("outscale_vm", "vm", {"attributes": {"id": "i-1"},
                                                       "sensitive_attributes": []}))
    mutate(doc)
    config = read(write_json(tmp_path, doc))
    messages = [e.message for e in config.errors]
    assert messages and all("\n" not in m for m in messages)
    if expected:
        assert any(expected in m for m in messages), messages
    else:
        assert "not a Terraform plan or state" in messages[0]


def test_raw_state_in_utf16(tmp_path):
    text = (DATA / "outscale.tfstate").read_text(encoding="utf-8")
    path = tmp_path / "terraform.tfstate"
    path.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert looks_like_json_input(str(path))
    assert len(read(path).resources) == 7


# --- terraform show -json of a state ------------------------------------------------------


def show_state(root_module: dict) -> dict:
    return {"format_version": "1.0", "terraform_version": "1.9.5",
            "values": {"outputs": {}, "root_module": root_module}}


def show_resource(address, values, provider=AWS, **extra) -> dict:
    parts = address.split(".")
    mode = "data" if "data" in parts[:-2] else "managed"
    name = parts[-1].split("[")[0]
    entry = {"address": address, "mode": mode, "type": parts[-2], "name": name,
             "provider_name": provider, "schema_version": 0, "values": values,
             "sensitive_values": {}}
    entry.update(extra)
    return entry


def test_show_json_state(tmp_path):
    doc = show_state({
        "resources": [
            show_resource("aws_db_instance.db", {"id": "db-1", "password": "hunter2-secret",
                                                 "storage_encrypted": True},
                          sensitive_values={"password": True}),
            show_resource("data.aws_caller_identity.me", {"account_id": "123456789012"}),
        ],
        "child_modules": [{
            "address": "module.net[\"eu\"]",
            "resources": [show_resource('module.net["eu"].aws_subnet.s[0]',
                                        {"id": "subnet-1", "availability_zone": "eu-west-3a"},
                                        index=0)],
            "child_modules": [{
                "address": 'module.net["eu"].module.deep',
                "resources": [show_resource('module.net["eu"].module.deep.aws_vpc.v',
                                            {"id": "vpc-1"})],
            }],
        }],
    })
    config = read(write_json(tmp_path, doc), "show.json")
    assert config.errors == [] and config.source == "state"
    recs = by_address(config)
    assert list(recs) == ["aws_db_instance.db", "data.aws_caller_identity.me",
                          'module.net["eu"].aws_subnet.s[0]',
                          'module.net["eu"].module.deep.aws_vpc.v']
    db = recs["aws_db_instance.db"]
    assert db.values["password"] == Unknown("sensitive value") and db.sensitive == {"password"}
    assert db.values["storage_encrypted"] is True
    assert db.provider_region == NO_REGION and db.file == "show.json"
    assert recs["data.aws_caller_identity.me"].mode == "data"
    subnet = recs['module.net["eu"].aws_subnet.s[0]']
    assert subnet.module == 'module.net["eu"]'
    assert subnet.values["availability_zone"] == "eu-west-3a"
    assert recs['module.net["eu"].module.deep.aws_vpc.v'].module == 'module.net["eu"].module.deep'
    assert "hunter2" not in repr(config)


def test_show_json_corpus_style_file(tmp_path):
    # the shape of checkov's "corrupted-tfplan.json": a state shown as JSON
    doc = show_state({"resources": [show_resource(
        "test_instance.test", {"id": "621124146446964903", "ami": "abc"},
        provider="registry.terraform.io/hashicorp/test", sensitive_values={"ami": True})]})
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.provider == "test" and rec.provider_region is None
    # a sensitive value the state holds is kept (judged as in code), and never printed
    assert rec.values == {"id": "621124146446964903", "ami": "abc"}
    assert rec.sensitive == {"ami"} and rec.sensitive_texts == {"abc"}


def test_show_json_empty_state(tmp_path):
    # `terraform show -json` with no state prints only {"format_version": "1.0"}
    for doc in ({"format_version": "1.0"}, {"format_version": "1.0", "values": None},
                {"format_version": "1.0", "terraform_version": "1.9.5",
                 "values": {"root_module": {}}}):
        config = read(write_json(tmp_path, doc))
        assert config.resources == [] and config.errors == [] and config.source == "state"


def test_show_json_whole_object_sensitive(tmp_path):
    doc = show_state({"resources": [show_resource(
        "aws_ssm_parameter.p", {"name": "p", "value": "top-secret-value"},
        sensitive_values=True)]})
    rec = read(write_json(tmp_path, doc)).resources[0]
    assert rec.values == {"name": Unknown("sensitive value"), "value": Unknown("sensitive value")}
    assert rec.sensitive == {"name", "value"}


def test_show_json_deposed_objects_are_left_out(tmp_path):
    doc = show_state({"resources": [
        show_resource("aws_s3_bucket.b", {"id": "b"}),
        show_resource("aws_s3_bucket.b", {"id": "old"}, deposed_key="00000001"),
    ]})
    config = read(write_json(tmp_path, doc))
    assert [r.values["id"] for r in config.resources] == ["b"]


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["values"].update(root_module=[]), "values.root_module is a list"),
    (lambda d: d["values"]["root_module"]["resources"].append(None),
     "values.root_module.resources[1] is null, expected an object"),
    (lambda d: d["values"]["root_module"]["resources"][0].update(values="x"),
     "aws_s3_bucket.b: values are a string, expected an object"),
    (lambda d: d["values"]["root_module"].update(child_modules=[[]]),
     "values.root_module.child_modules[0] is a list, expected an object"),
])
def test_show_json_wrong_types(tmp_path, mutate, expected):
    doc = show_state({"resources": [show_resource("aws_s3_bucket.b", {"id": "b"})]})
    mutate(doc)
    messages = [e.message for e in read(write_json(tmp_path, doc)).errors]
    assert any(expected in m for m in messages), messages


def test_scan_reads_a_state_argument():
    from hds_iac.scan import read_inputs

    configs, errors = read_inputs([str(DATA / "outscale.tfstate")])
    assert errors == [] and configs[0].source == "state" and len(configs[0].resources) == 7


def _aws_state(*resources: tuple[str, str, str, dict]) -> dict:
    """A format-4 state of (type, name, provider configuration, attributes)."""
    return {"version": 4, "resources": [
        {"mode": "managed", "type": t, "name": n,
         "provider": 'provider["registry.terraform.io/hashicorp/aws"]' + alias,
         "instances": [{"attributes": attrs}]} for t, n, alias, attrs in resources]}


def test_raw_state_region_proven_by_resources_of_the_same_configuration():
    doc = _aws_state(
        ("aws_ebs_volume", "v", "", {"availability_zone": "eu-west-3a"}),
        ("aws_backup_selection", "s", "", {"name": "tagged"}),
        ("aws_backup_selection", "l", ".london", {"name": "other"}),
        ("aws_kms_key", "k", ".london", {"arn": "arn:aws:kms:eu-west-2:123456789012:key/x"}),
        ("aws_iam_role", "r", ".global", {"arn": "arn:aws:iam::123456789012:role/r"}))
    recs = {r.address: r for r in read_state(doc, "t.tfstate").resources}
    assert recs["aws_backup_selection.s"].provider_region == "eu-west-3"
    assert recs["aws_backup_selection.l"].provider_region == "eu-west-2"  # its own alias
    assert recs["aws_iam_role.r"].provider_region == NO_REGION  # an IAM ARN names no region


def test_raw_state_resources_that_disagree_prove_nothing():
    doc = _aws_state(
        ("aws_ebs_volume", "a", "", {"availability_zone": "eu-west-3a"}),
        ("aws_ebs_volume", "b", "", {"availability_zone": "eu-west-2a"}),
        ("aws_backup_selection", "s", "", {"name": "tagged"}))
    region = {r.address: r for r in read_state(doc, "t.tfstate").resources}[
        "aws_backup_selection.s"].provider_region
    assert isinstance(region, Unknown)
    assert "eu-west-2" in region.reason and "eu-west-3" in region.reason
