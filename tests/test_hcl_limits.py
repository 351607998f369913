"""Hostile code inputs stay bounded: module cycles and fan-out, instance counts, file size,
string size and nesting (hds_iac/terraform/limits.py). Each case is one error line naming
the file, the rest of the folder is still read, and the read answers quickly (the time
itself is measured by scripts/benchmark.py --hostile-only, not here)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hds_iac.terraform import limits
from hds_iac.terraform.hcl import read_folder

GOOD = 'resource "null_resource" "ok" {}\n'


def read(root: Path):
    return read_folder(str(root), str(root), (), {}, environ={})


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_a_module_calling_its_own_folder_three_times_is_one_error_per_call(tmp_path):
    write(tmp_path / "main.tf", """\
        module "a" {
          source = "./"
        }
        module "b" {
          source = "./"
        }
        module "c" {
          source = "./"
        }
        resource "null_resource" "ok" {}
    """)
    config = read(tmp_path)
    assert [e.path for e in config.errors] == ["main.tf:1", "main.tf:4", "main.tf:7"]
    assert all("a module cycle, not read" in e.message for e in config.errors)
    assert [r.address for r in config.resources] == ["null_resource.ok"]


def test_an_indirect_cycle_names_the_call_and_the_path(tmp_path):
    write(tmp_path / "main.tf", 'module "a" {\n  source = "./modules/a"\n}\n')
    write(tmp_path / "modules/a/main.tf", """\
        module "b" {
          count  = 3
          source = "../b"
        }
        resource "null_resource" "in_a" {}
    """)
    write(tmp_path / "modules/b/main.tf", """\
        module "back" {
          source = "../a"
        }
        module "twice" {
          source = "../a"
        }
        resource "null_resource" "in_b" {}
    """)
    config = read(tmp_path)
    # one error per call, whatever the number of instances (module.b has three)
    assert [e.path for e in config.errors] == ["modules/b/main.tf:1", "modules/b/main.tf:4"]
    assert config.errors[0].message == (
        "module 'back': source '../a' is the folder 'modules/a', already on the call path "
        "(modules/a -> modules/b -> modules/a): a module cycle, not read")
    assert sorted(r.address for r in config.resources) == [
        "module.a.module.b[0].null_resource.in_b", "module.a.module.b[1].null_resource.in_b",
        "module.a.module.b[2].null_resource.in_b", "module.a.null_resource.in_a"]


def test_module_fan_out_without_cycle_stops_at_the_instance_limit(tmp_path):
    """Six levels of ten instances (a million) without a cycle: the limit, one error."""
    write(tmp_path / "main.tf", 'module "l1" {\n  count = 10\n  source = "./l1"\n}\n' + GOOD)
    for level in range(1, 7):
        inner = (f'module "l{level + 1}" {{\n  count = 10\n  source = "../l{level + 1}"\n}}\n'
                 if level < 6 else "")
        write(tmp_path / f"l{level}/main.tf", inner + f'resource "null_resource" "r{level}" {{}}\n')
    config = read(tmp_path)
    errors = [e for e in config.errors if "module instances" in e.message]
    assert len(errors) == 1, config.errors
    assert f"more than {limits.MAX_MODULE_INSTANCES} module instances" in errors[0].message
    assert len(config.resources) <= limits.MAX_MODULE_INSTANCES + 1
    assert "null_resource.ok" in [r.address for r in config.resources]


def test_a_huge_count_is_one_error_and_one_instance_not_gigabytes(tmp_path):
    write(tmp_path / "main.tf", """\
        resource "null_resource" "many" {
          count = 100000000
        }
    """ + GOOD)
    config = read(tmp_path)
    assert [(e.path, e.message) for e in config.errors] == [(
        "main.tf:1", "null_resource.many: 100000000 instances, over the limit of "
        f"{limits.MAX_RESOURCE_INSTANCES} resource instances per root folder "
        "(see Limits in the README)")]
    assert sorted(r.address for r in config.resources) == ["null_resource.many",
                                                            "null_resource.ok"]


def test_resource_instances_over_the_folder_limit_are_one_error(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RESOURCE_INSTANCES", 25)
    write(tmp_path / "main.tf", """\
        resource "null_resource" "a" {
          count = 20
        }
        resource "null_resource" "b" {
          count = 20
        }
        output "b" {
          value = null_resource.b[0].id
        }
    """)
    config = read(tmp_path)
    assert len(config.resources) == 20
    assert [e.path for e in config.errors] == ["main.tf:4"]
    assert "more than 25 resource instances in this root folder" in config.errors[0].message


def test_folders_calling_each_other_are_read_and_the_cycle_reported(tmp_path):
    """a -> b -> a: both folders are called, yet one of them must be read as a root."""
    from hds_iac.terraform.hcl import find_roots

    write(tmp_path / "a/main.tf", 'module "b" {\n  source = "../b"\n}\n' + GOOD)
    write(tmp_path / "b/main.tf", 'module "a" {\n  source = "../a"\n}\n')
    roots = find_roots(str(tmp_path))
    assert roots == [str(tmp_path / "a")]
    config = read_folder(roots[0], str(tmp_path), (), {}, environ={})
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    assert [(e.path, e.message) for e in config.errors] == [(
        "b/main.tf:1", "module 'a': source '../a' is the folder 'a', already on the call "
                       "path (a -> b -> a): a module cycle, not read")]


# --- size and nesting of files -------------------------------------------------------------


def one_error(config) -> tuple[str, str]:
    assert len(config.errors) == 1, config.errors
    return config.errors[0].path, config.errors[0].message


def test_a_code_file_over_the_size_limit_is_not_parsed(tmp_path):
    big = 'resource "null_resource" "r%d" {}\n'
    count = limits.MAX_CODE_FILE_BYTES // len(big % 0) + 10
    (tmp_path / "big.tf").write_text("".join(big % i for i in range(count)))
    (tmp_path / "main.tf").write_text(GOOD)
    path, message = one_error(read(tmp_path))
    assert path == "big.tf"
    assert message.endswith(", over the 512 KiB limit for Terraform code and variables "
                            "files: not read (see Limits in the README)"), message


def test_a_variables_file_over_the_size_limit_is_one_error(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {}\n' + GOOD)
    (tmp_path / "terraform.tfvars").write_text('x = "' + "a" * limits.MAX_CODE_FILE_BYTES
                                               + '"\n')
    (tmp_path / "b.auto.tfvars.json").write_text('{"x": "' + "a" * limits.MAX_CODE_FILE_BYTES
                                                 + '"}')
    config = read(tmp_path)
    assert sorted(e.path for e in config.errors) == ["b.auto.tfvars.json", "terraform.tfvars"]
    assert all("512 KiB limit" in e.message for e in config.errors)


@pytest.mark.parametrize("string", [
    '"' + "a" * (limits.MAX_STRING_CHARS + 1) + '"',
    '"${upper("' + "a" * (limits.MAX_STRING_CHARS + 1) + '")}"',
    "<<-EOT\n" + ("a" * 1000 + "\n") * (limits.MAX_STRING_CHARS // 1000 + 1) + "  EOT\n",
])
def test_a_string_over_the_limit_is_refused_before_parsing(tmp_path, string):
    (tmp_path / "main.tf").write_text(GOOD)
    (tmp_path / "long.tf").write_text(f'\n\nvariable "x" {{\n  default = {string}\n}}\n')
    config = read(tmp_path)
    assert one_error(config) == ("long.tf", "line 4: a string longer than 256 KiB (the limit "
                                            "for one string): not read (see Limits in the "
                                            "README)")
    assert [r.address for r in config.resources] == ["null_resource.ok"]


def test_strings_under_the_limit_and_comments_are_read(tmp_path):
    long_value = "b" * 100_000
    (tmp_path / "main.tf").write_text(
        "# " + "x" * (limits.MAX_STRING_CHARS + 10) + '"\n'  # a long comment is no string
        f'resource "null_resource" "r" {{\n  triggers = {{ a = "{long_value}" }}\n}}\n')
    config = read(tmp_path)
    assert config.errors == []
    assert config.resources[0].values["triggers"] == {"a": long_value}


@pytest.mark.parametrize("expression", [
    "[" * 5000 + "1" + "]" * 5000,
    "+".join(["1"] * 5000),
    "a" + ".b" * 3000,
])
def test_deep_nesting_is_one_error_not_a_recursion_error(tmp_path, expression):
    (tmp_path / "main.tf").write_text(GOOD)
    (tmp_path / "deep.tf").write_text(f"locals {{\n  x = {expression}\n}}\n")
    path, message = one_error(read(tmp_path))
    assert path == "deep.tf"
    assert message == ("line 2: blocks or expressions nested more than 256 levels deep "
                       "(syntax tree): not read (see Limits in the README)")


def test_nesting_real_code_uses_is_read(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "null_resource" "r" {\n  triggers = { a = jsonencode('
        + "[" * 40 + "1" + "]" * 40 + ") }\n}\n")
    config = read(tmp_path)
    assert config.errors == []
    assert config.resources[0].values["triggers"]["a"] == "[" * 40 + "1" + "]" * 40


def test_deep_json_code_is_one_error(tmp_path):
    (tmp_path / "main.tf").write_text(GOOD)
    (tmp_path / "deep.tf.json").write_text('{"locals": {"x": ' + "[" * 3000 + "]" * 3000 + "}}")
    (tmp_path / "deeper.tf.json").write_text('{"locals": {"y": ' + "[" * 300 + "]" * 300 + "}}")
    config = read(tmp_path)
    assert sorted((e.path, e.message) for e in config.errors) == [
        (name, "arrays or objects nested more than 256 levels deep: not read "
               "(see Limits in the README)") for name in ("deep.tf.json", "deeper.tf.json")]
