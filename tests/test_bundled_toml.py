"""hds-iac's TOML data parsed once and kept in the user cache (hds_iac/bundled_toml.py):
a hit gives the very tables `tomllib` gives, any change of a source file is a miss, and a
damaged, planted or unwritable cache is ignored without a word."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hds_iac import bundled_toml


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of the four data folders in tmp_path, read by `bundled_toml` instead of the
    package's own (the real files are never edited), and an empty cache folder."""
    real = bundled_toml._folders()
    assert real is not None and set(real) == set(bundled_toml.PACKAGES)
    copies = {}
    for package, folder in real.items():
        copy = tmp_path / "src" / package
        copy.mkdir(parents=True)
        for name in os.listdir(folder):
            if name.endswith(".toml"):
                shutil.copy2(os.path.join(folder, name), copy / name)
        copies[package] = str(copy)
    monkeypatch.setattr(bundled_toml, "_folders", lambda: dict(copies))
    monkeypatch.setattr(bundled_toml, "_tables", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("HDS_IAC_CACHE_DIR", raising=False)
    monkeypatch.delenv("HDS_IAC_NO_CACHE", raising=False)
    return copies


def parsed_from_source(copies: dict[str, str]) -> dict:
    return {package: {name: tomllib.loads((Path(folder) / name).read_text("utf-8"))
                      for name in os.listdir(folder) if name.endswith(".toml")}
            for package, folder in copies.items()}


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "xdg" / "hds-iac").glob("bundled-toml-*.json"))


class Parses:
    """Counts the parses of the TOML texts (a miss), around the real `_parsed`."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = bundled_toml._parsed

        def counted(texts):
            self.count += 1
            return real(texts)
        monkeypatch.setattr(bundled_toml, "_parsed", counted)


def test_a_miss_parses_and_writes_a_hit_reads_the_same_tables(data, tmp_path, monkeypatch):
    parses = Parses(monkeypatch)
    first = bundled_toml._load()
    assert parses.count == 1
    (written,) = cache_files(tmp_path)
    assert written.stat().st_mode & 0o777 == 0o600
    again = bundled_toml._load()
    assert parses.count == 1  # read back, not parsed
    expected = parsed_from_source(data)
    assert first == again == expected
    # the same types, not only equal values (1 == 1.0 == True)
    assert json.dumps(again, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # the public calls answer from it
    monkeypatch.setattr(bundled_toml, "_tables", None)
    assert bundled_toml.names("hds_iac.matrices") == sorted(expected["hds_iac.matrices"])
    assert bundled_toml.table("hds_iac.catalogue", "_topics.toml") == \
        expected["hds_iac.catalogue"]["_topics.toml"]
    assert parses.count == 1


def test_every_source_file_edited_is_a_miss(data, tmp_path, monkeypatch):
    parses = Parses(monkeypatch)
    bundled_toml._load()
    edited = 0
    for package, folder in data.items():
        for name in sorted(os.listdir(folder)):
            path = Path(folder) / name
            text = path.read_text("utf-8")
            path.write_text("edited_by_test = true\n" + text, "utf-8")
            before = parses.count
            got = bundled_toml._load()
            assert parses.count == before + 1, f"{package}/{name} edited: read from the cache"
            assert got[package][name]["edited_by_test"] is True
            path.write_text(text, "utf-8")
            edited += 1
    assert edited == sum(len(f) for f in parsed_from_source(data).values()) > 40


def test_a_file_added_or_removed_an_upgrade_or_another_checkout_is_a_miss(
        data, tmp_path, monkeypatch):
    parses = Parses(monkeypatch)
    bundled_toml._load()
    rules = Path(data["hds_iac.rules"])
    (rules / "zz_999_new.toml").write_text('id = "x"\n')
    assert "zz_999_new.toml" in bundled_toml._load()["hds_iac.rules"]
    assert parses.count == 2
    (rules / "zz_999_new.toml").unlink()
    assert "zz_999_new.toml" not in bundled_toml._load()["hds_iac.rules"]
    assert parses.count == 2  # the files as they were: the first key, still kept
    monkeypatch.setattr(bundled_toml, "__version__", "99.0")
    bundled_toml._load()
    assert parses.count == 3
    # the same files in another folder: another checkout or installation
    moved = {p: f.replace(str(tmp_path / "src"), str(tmp_path / "other")) for p, f in data.items()}
    shutil.copytree(tmp_path / "src", tmp_path / "other", copy_function=shutil.copy2)
    monkeypatch.setattr(bundled_toml, "_folders", lambda: dict(moved))
    bundled_toml._load()
    assert parses.count == 4


def rewrite_body(path: Path, body: bytes, fix_digest: bool = True) -> None:
    import zlib
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    if fix_digest:
        header["crc32"] = zlib.crc32(body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def hostile_variants(path: Path):
    """(what, how to damage the cache file): each must be a miss."""
    raw = path.read_bytes()
    header, _, body = raw.partition(b"\n")
    tables = json.loads(body)
    topics = tables["hds_iac.catalogue"]["_topics.toml"]

    def with_tables(change):
        def damage():
            changed = json.loads(body)
            change(changed)
            rewrite_body(path, json.dumps(changed).encode())
        return damage

    yield "truncated", lambda: path.write_bytes(raw[:len(raw) // 2])
    yield "empty", lambda: path.write_bytes(b"")
    yield "garbled text, digest unchanged", lambda: path.write_bytes(
        raw.replace(b"HDS-", b"HDX-", 1))
    yield "not JSON", lambda: path.write_bytes(b"\x00\xff" * 100)
    yield "another key", lambda: path.write_bytes(raw.replace(
        json.loads(header)["key"].encode(), b"0" * 32, 1))
    now = f'"format": {bundled_toml._FORMAT}'.encode()
    assert now in header
    yield "another format", lambda: path.write_bytes(
        header.replace(now, f'"format": {bundled_toml._FORMAT + 1}'.encode()) + b"\n" + body)
    yield "a null value", with_tables(
        lambda t: t["hds_iac.catalogue"]["_topics.toml"].__setitem__("topic", None))
    yield "a table as a list", with_tables(
        lambda t: t["hds_iac.matrices"].__setitem__("aws.toml", [1, 2]))
    yield "a package missing", with_tables(lambda t: t.pop("hds_iac.providers"))
    yield "a package added", with_tables(lambda t: t.__setitem__("os", {}))
    yield "the whole body a list", lambda: rewrite_body(path, b"[1, 2, 3]")
    yield "deep nesting", lambda: rewrite_body(path, b"[" * 100_000 + b"]" * 100_000)
    assert topics  # the file read had the topics


@pytest.mark.parametrize("variant", range(12))
def test_a_damaged_or_crafted_cache_file_is_a_miss(data, tmp_path, monkeypatch, variant):
    expected = parsed_from_source(data)
    bundled_toml._load()
    (path,) = cache_files(tmp_path)
    what, damage = list(hostile_variants(path))[variant]
    damage()
    parses = Parses(monkeypatch)
    assert bundled_toml._load() == expected, what
    assert parses.count == 1, what
    # and the file is written again: the next run reads it
    assert bundled_toml._load() == expected
    assert parses.count == 1, what


@pytest.mark.parametrize("body", [b'{"a": NaN}', b'{"a": [Infinity]}', b'{"a": -Infinity}',
                                  b'{"a": 1e999}', b'{"a": {"b": null}}', b'[null]'])
def test_a_value_no_toml_file_gives_is_refused_as_the_body_is_read(body):
    """JSON's values beyond TOML's: non-finite numbers (refused by the parse itself) and
    null (looked for only in a body that holds the word)."""
    with pytest.raises(ValueError):
        bundled_toml._loads_toml_shaped(body)


def test_the_word_null_in_a_text_is_no_null_value():
    body = json.dumps({"a": {"b": ["null", "x"], "null": 1.5}}).encode()
    assert bundled_toml._loads_toml_shaped(body) == {"a": {"b": ["null", "x"], "null": 1.5}}


def test_a_cache_file_others_may_write_a_link_or_a_huge_file_is_not_read(
        data, tmp_path, monkeypatch):
    expected = parsed_from_source(data)
    bundled_toml._load()
    (path,) = cache_files(tmp_path)
    good = path.read_bytes()
    parses = Parses(monkeypatch)

    path.chmod(0o620)  # group-writable
    assert bundled_toml._load() == expected and parses.count == 1

    elsewhere = tmp_path / "planted.json"
    elsewhere.write_bytes(good)
    elsewhere.chmod(0o600)
    path.unlink()
    path.symlink_to(elsewhere)
    assert bundled_toml._load() == expected and parses.count == 2

    path.unlink()
    with open(path, "wb") as handle:  # sparse: past the size limit without using the disk
        handle.write(good)
        handle.truncate(bundled_toml._MAX_BYTES + 1)
    path.chmod(0o600)
    assert bundled_toml._load() == expected and parses.count == 3


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root")
def test_a_cache_file_of_another_user_is_not_read(data, tmp_path, monkeypatch):
    expected = parsed_from_source(data)
    bundled_toml._load()
    (path,) = cache_files(tmp_path)
    os.chown(path, 12345, 12345)
    parses = Parses(monkeypatch)
    assert bundled_toml._load() == expected and parses.count == 1


def test_no_cache_folder_writable_parses_every_run_without_a_word(
        data, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("HDS_IAC_CACHE_DIR", str(blocker / "cache"))  # under a file
    parses = Parses(monkeypatch)
    expected = parsed_from_source(data)
    assert bundled_toml._load() == expected
    assert bundled_toml._load() == expected
    assert parses.count == 2
    assert capsys.readouterr() == ("", "")


def test_the_cache_dir_variable_moves_it(data, tmp_path, monkeypatch):
    monkeypatch.setenv("HDS_IAC_CACHE_DIR", str(tmp_path / "moved"))
    bundled_toml._load()
    assert len(list((tmp_path / "moved").glob("bundled-toml-*.json"))) == 1
    assert cache_files(tmp_path) == []


def test_switched_off_nothing_is_read_or_written(data, tmp_path, monkeypatch):
    parses = Parses(monkeypatch)
    monkeypatch.setenv("HDS_IAC_NO_CACHE", "1")
    bundled_toml._load()
    assert cache_files(tmp_path) == []
    monkeypatch.delenv("HDS_IAC_NO_CACHE")
    bundled_toml._load()  # writes
    with bundled_toml.bypassed(True):
        bundled_toml._load()  # does not read
    assert parses.count == 3
    with bundled_toml.bypassed(False):
        bundled_toml._load()
    assert parses.count == 3


def test_a_malformed_file_raises_the_parsers_error_and_is_never_cached(
        data, tmp_path, monkeypatch):
    broken = Path(data["hds_iac.matrices"]) / "aws.toml"
    broken.write_text("provider = \n", "utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        bundled_toml.table("hds_iac.matrices", "aws.toml")
    # the other files are still there, and nothing was written
    assert bundled_toml.table("hds_iac.matrices", "outscale.toml")["provider"] == "outscale"
    assert cache_files(tmp_path) == []


@pytest.mark.parametrize("text", ["when = 2024-01-01", "at = 07:32:00", "x = inf",
                                  "x = -inf", "x = nan"])
def test_a_value_json_cannot_keep_is_never_cached(data, tmp_path, text):
    """A TOML date or time (JSON has none) or a non-finite number (JSON has none, and the
    cache's reader refuses them): the tables are still what `tomllib` gives."""
    (Path(data["hds_iac.providers"]) / "odd.toml").write_text(text + "\n")
    assert bundled_toml._load()["hds_iac.providers"]["odd.toml"] == tomllib.loads(text) \
        or text == "x = nan"  # nan != nan
    assert cache_files(tmp_path) == []


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hds_iac.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def without_run_facts(report: str) -> dict:
    doc = json.loads(report)
    for key in ("reference", "started", "finished"):
        doc["provenance"].pop(key, None)
    return doc


def test_outputs_are_the_same_with_and_without_the_cache(tmp_path):
    """Real processes: no cache, a cold cache (written), a warm one (read back)."""
    plan = Path(__file__).parent.parent / "fixtures/rules/HDS-ENC-002/aws-plan-fail/plan.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "HDS_IAC_NO_CACHE": "1"}
    env.pop("HDS_IAC_CACHE_DIR", None)
    off = run(["scan", str(plan), "-o", "json"], env)
    rules_off = run(["rules", "-o", "json", "--lang", "fr"], env)
    del env["HDS_IAC_NO_CACHE"]
    cold = run(["scan", str(plan), "-o", "json"], env)
    assert len(list((tmp_path / "hds-iac").glob("bundled-toml-*.json"))) == 1
    warm = run(["scan", str(plan), "-o", "json"], env)
    rules_warm = run(["rules", "-o", "json", "--lang", "fr"], env)
    assert off.returncode == cold.returncode == warm.returncode
    assert without_run_facts(off.stdout) == without_run_facts(cold.stdout) \
        == without_run_facts(warm.stdout)
    assert json.loads(off.stdout)["findings"]
    assert rules_off.stdout == rules_warm.stdout and rules_off.returncode == 0
    assert off.stderr == warm.stderr


def test_long_texts_are_literal_strings_which_tomllib_reads_in_one_search():
    """A run with no cache yet (a CI runner's fresh container) parses every data file with
    `tomllib`, which reads a basic string (three double quotes) one character at a time in
    Python, and a literal string (three single quotes) with one search: the rules' long
    texts were 84 M of the 225 M instructions of that parse. So a long text is a literal
    string, and a basic one only where it needs an escape."""
    import re

    for package, folder in bundled_toml._folders().items():
        for name in sorted(os.listdir(folder)):
            if name.endswith(".toml"):
                text = (Path(folder) / name).read_text("utf-8")
                for body in re.findall(r'"""(.*?)"""', text, re.S):
                    assert "\\" in body, (f"{package} {name}: a text with no escape in"
                                          f" \"\"\"...\"\"\": write it '''...''' {body[:60]!r}")
                _assert_short_texts_literal(package, name, text)


def _assert_short_texts_literal(package: str, name: str, text: str) -> None:
    """The same for one-line texts, keys and array items (1,100 lines, 26 M instructions of
    a cold scan): "..." only for a text that holds an apostrophe or an escape, which a
    literal string cannot."""
    import re

    outside = re.sub(r"'''.*?'''|\"\"\".*?\"\"\"", "", text, flags=re.S)
    for line in outside.splitlines():
        if not line.lstrip().startswith("#"):
            for body in re.findall(r'"([^"\\\n]*)"', line):
                assert "'" in body, (f"{package} {name}: a text with no apostrophe or escape"
                                     f" in \"...\": write it '...' {line.strip()[:60]!r}")
