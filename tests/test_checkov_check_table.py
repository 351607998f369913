"""The CKV_HDS checks' metadata table kept in the user cache for checkov's process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hds_iac import checkov_check_table, checkov_support

HDS_IAC = Path(checkov_support.__file__).resolve().parent


def test_the_table_is_computed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return checkov_support.check_specs()

    first = checkov_check_table.specs(compute)
    again = checkov_check_table.specs(compute)
    assert calls == [1]
    assert first == again == checkov_support.check_specs()
    assert len(list((tmp_path / "hds-iac").glob("checkov-checks-*.json"))) == 1


def test_writing_a_table_keeps_the_most_recent_ones_only(tmp_path, monkeypatch):
    """Each upgrade leaves a table behind: writing one keeps the 8 most recently written
    (this one included), and leaves other files of the cache alone."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "hds-iac"
    folder.mkdir(mode=0o700)
    for age in range(10):
        old = folder / f"checkov-checks-old{age:02d}.json"
        old.write_text("[]")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))  # old00 is the newest
    (folder / "native.json").write_text("{}")
    os.utime(folder / "native.json", (1, 1))
    checkov_check_table.specs(checkov_support.check_specs)
    left = sorted(p.name for p in folder.glob("checkov-checks-*.json"))
    assert len(left) == 8
    assert [n for n in left if n.startswith("checkov-checks-old")] == \
        [f"checkov-checks-old{age:02d}.json" for age in range(7)]
    assert (folder / "native.json").exists()
    # a table read from the cache writes nothing, so it removes nothing
    (folder / "checkov-checks-zz.json").write_text("[]")
    checkov_check_table.specs(checkov_support.check_specs)
    assert (folder / "checkov-checks-zz.json").exists()


def test_a_damaged_table_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    checkov_check_table.specs(checkov_support.check_specs)
    (table,) = (tmp_path / "hds-iac").glob("checkov-checks-*.json")
    table.write_text(json.dumps([{"rule_id": "HDS-X"}]))
    assert checkov_check_table.specs(checkov_support.check_specs) == \
        checkov_support.check_specs()


def test_a_table_of_the_wrong_shape_or_not_private_is_computed_again(tmp_path, monkeypatch):
    """The table becomes checkov's check names and links: a row of another shape, or a
    file others may write or reached through a link, is not read."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    good = checkov_support.check_specs()
    checkov_check_table.specs(checkov_support.check_specs)
    (table,) = (tmp_path / "hds-iac").glob("checkov-checks-*.json")
    assert table.stat().st_mode & 0o777 == 0o600
    rows = json.loads(table.read_text())
    planted = [{**rows[0], "name": "PLANTED"}] + rows[1:]

    def reads_back(text: str, mode: int = 0o600) -> bool:
        table.unlink()
        table.write_text(text)
        table.chmod(mode)
        return checkov_check_table.specs(lambda: good) != good

    assert reads_back(json.dumps(planted))  # the check itself: a private, well-formed table is read
    assert not reads_back(json.dumps(planted), 0o666)
    for bad in ([{**rows[0], "name": ["x"]}], [{**rows[0], "severity": "URGENT"}],
                [{**rows[0], "categories": "ENCRYPTION"}], [{**rows[0], "extra": 1}], [], {}):
        assert not reads_back(json.dumps(bad)), bad
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(planted))
    other.chmod(0o600)
    table.unlink()
    table.symlink_to(other)
    assert checkov_check_table.specs(lambda: good) == good


def test_an_edited_source_file_or_guideline_base_makes_a_new_key(tmp_path, monkeypatch):
    copy = tmp_path / "hds_iac"
    shutil.copytree(HDS_IAC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = checkov_check_table.fingerprint(str(copy))
    assert checkov_check_table.fingerprint(str(copy)) == before
    rule = next(copy.glob("rules/*.toml"))
    rule.write_text(rule.read_text() + "\n")
    edited = checkov_check_table.fingerprint(str(copy))
    assert edited != before
    monkeypatch.setenv("HDS_IAC_GUIDELINE_BASE", "https://example.org/rules/")
    assert checkov_check_table.fingerprint(str(copy)) != edited
    assert all(s.guideline.startswith("https://example.org/rules/")
               for s in checkov_support.check_specs())


def test_a_cached_table_spares_the_catalogue_import(tmp_path):
    """With the table cached, reading it imports neither the catalogue nor the rules."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    code = ("import sys; from hds_iac import checkov_check_table as t, checkov_support as s; "
            "t.specs(s.check_specs)")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    code = ("import sys; from hds_iac import checkov_check_table as t; "
            "n = len(t.specs(lambda: [])); "
            "print(n, sorted(m for m in sys.modules if m.startswith('hds_iac.')))")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout.split(" ", 1)
    assert int(out[0]) == len(checkov_support.check_specs())
    assert "catalogue" not in out[1] and "rules" not in out[1], out[1]
