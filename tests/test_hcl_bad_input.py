"""Bad input never stops a read: one ReadError per bad file, the rest of the folder is read."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hds_iac.terraform.hcl import files, find_roots, read_folder

GOOD = 'resource "null_resource" "ok" {}\n'


def read(root: Path):
    return read_folder(str(root), str(root), (), {}, environ={})


def messages(config) -> dict[str, str]:
    return {e.path: e.message for e in config.errors}


def test_broken_hcl_is_reported_with_its_line(tmp_path):
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n  x = 1\n  y = = 2\n}\n')
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    msg = messages(config)["broken.tf"]
    assert msg.startswith("syntax error at line 3"), msg
    assert "\n" not in msg


def test_unclosed_block_is_reported(tmp_path):
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / "open.tf").write_text('resource "a" "b" {\n  x = 1\n')
    msg = messages(read(tmp_path))["open.tf"]
    assert msg.startswith("syntax error"), msg


def test_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / "binary.tf").write_bytes(b"\x7fELF\x00\x01\x02")
    (tmp_path / "latin1.tf").write_bytes('# ok\nresource "a" "b" {\n  x = "caf\xe9"\n}\n'.encode("latin-1"))
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    assert messages(config) == {"binary.tf": "binary file, not Terraform text",
                                "latin1.tf": "not UTF-8 text (invalid byte at line 3)"}


def test_symlink_loop_broken_link_and_directory_named_tf(tmp_path):
    (tmp_path / "good.tf").write_text(GOOD)
    os.symlink("loop.tf", tmp_path / "loop.tf")
    os.symlink("missing-target", tmp_path / "dangling.tf")
    (tmp_path / "folder.tf").mkdir()
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    assert messages(config) == {"loop.tf": "symbolic link loop",
                                "dangling.tf": "file vanished while reading the folder",
                                "folder.tf": "is a directory"}


def test_file_vanishing_between_listing_and_reading(tmp_path, monkeypatch):
    (tmp_path / "good.tf").write_text(GOOD)
    listed = files.tf_files

    def listing_with_a_ghost(folder):
        found, skipped = listed(folder)
        return found + [os.path.join(folder, "ghost.tf")], skipped

    monkeypatch.setattr(files, "tf_files", listing_with_a_ghost)
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    assert messages(config) == {"ghost.tf": "file vanished while reading the folder"}


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / "secret.tf").write_text(GOOD.replace("ok", "hidden"))
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if str(path).endswith("secret.tf"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.ok"]
    assert messages(config) == {"secret.tf": "cannot read (Permission denied)"}


def test_folder_without_tf_files(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing")
    config = read(tmp_path)
    assert config.resources == []
    assert [e.message for e in config.errors] == ["no Terraform files (*.tf) in this folder"]
    assert find_roots(str(tmp_path)) == []
    assert find_roots(str(tmp_path / "missing")) == []


def test_missing_local_module_and_bad_expressions(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""
        module "gone" {
          source = "./nowhere"
        }
        resource "null_resource" "r" {
          triggers = {
            a = undefined_thing.x
            b = var.not_declared
            c = local.missing
          }
        }
    """))
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.r"]
    assert messages(config) == {}
    assert [(m.path, m.message) for m in config.unread_modules] == [(
        "main.tf:2", "module.gone: source './nowhere' is not a folder: module call not read, "
                     "its resources were not scanned")]
    triggers = config.resources[0].values["triggers"]
    assert "unknown name 'undefined_thing'" in triggers["a"].reason
    assert "var.not_declared is not declared" in triggers["b"].reason
    assert "local.missing is not defined" in triggers["c"].reason


def test_module_calling_itself_stops(tmp_path):
    (tmp_path / "main.tf").write_text('module "me" {\n  source = "./"\n}\n' + GOOD)
    config = read(tmp_path)
    assert [e.path for e in config.errors] == ["main.tf:1"]
    assert "a module cycle, not read" in config.errors[0].message
    assert [r.address for r in config.resources] == ["null_resource.ok"]


def test_override_files_are_announced_not_silently_dropped(tmp_path):
    (tmp_path / "main.tf").write_text(GOOD)
    (tmp_path / "main_override.tf").write_text(GOOD)
    (tmp_path / "override.tf.json").write_text("{}")
    (tmp_path / "extra.tf.json").write_text("{}")  # JSON syntax: read (test_hcl_json_syntax)
    config = read(tmp_path)
    assert sorted(n.path for n in config.notices) == ["main_override.tf", "override.tf.json"]
    assert all("override files are not merged" in n.message for n in config.notices)


def test_parser_cache_falls_back_to_the_user_cache_folder(tmp_path):
    """When python-hcl2's folder is read-only, the Lark build is cached in XDG_CACHE_HOME."""
    script = textwrap.dedent("""
        import sys
        from hds_iac.terraform.hcl import files
        files._writable = lambda folder: False
        data, blocks = files.parse_hcl_blocks('resource "a" "b" {\\n  x = 1\\n}\\n')
        lines = {kind: [b.line for b in found] for kind, found in blocks.items()}
        assert data["resource"][0] and lines == {"resource": [1]}, (data, lines)
    """)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
    cached = list((tmp_path / "hds-iac").glob("hcl2-*-lark.bin"))
    assert len(cached) == 1 and cached[0].stat().st_size > 10000
