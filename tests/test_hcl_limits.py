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
