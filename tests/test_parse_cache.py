"""The persistent cache of parsed HCL files (hds_iac/terraform/hcl/parse_cache.py): a
cached scan says exactly what an uncached one says, reads from the cache the second time,
and never lets a bad cache folder or entry change a verdict or fail a scan."""
from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from hds_iac.terraform import limits
from hds_iac.terraform.hcl import files, parse_cache

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
RUN_REFERENCE = re.compile(r"hds-iac-run-\d{8}-[0-9a-f]{12}")

VOLUME = '''resource "aws_ebs_volume" "data" {{
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = {encrypted} # checked by HDS-ENC-001
}}
'''
PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def _entries(cache: Path) -> list[Path]:
    folder = cache / "hcl"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _reports(tmp_path: Path, name: str, paths: list[str], env: dict,
             *extra: str) -> tuple[int, str, str, str]:
    """(exit status, JSON report, SARIF report, stderr) of one scan, the random run
    reference blanked (SOURCE_DATE_EPOCH pins the times)."""
    out_json, out_sarif = tmp_path / f"{name}.json", tmp_path / f"{name}.sarif"
    run = run_cli("scan", *paths, "-o", "json,sarif", "--output-file", str(out_json),
                  "--output-file", str(out_sarif), *extra, env={**EPOCH, **env})
    return (run.code, RUN_REFERENCE.sub("RUN", out_json.read_text("utf-8")),
            RUN_REFERENCE.sub("RUN", out_sarif.read_text("utf-8")), run.stderr)


def _no_parser(text: str):
    raise AssertionError("parsed although the cache holds this text")


def test_cached_scans_of_every_fixture_say_what_an_uncached_scan_says(tmp_path, monkeypatch):
    """Every fixture folder (fixtures/rules/**, fixtures/*): the reports of an uncached
    scan, of the scan that fills the cache and of a scan whose parser raises (so every
    HCL file comes from the cache) are byte for byte the same, broken fixtures' errors
    included; --no-cache wrote nothing."""
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    paths = [str(FIXTURES)]
    uncached = _reports(tmp_path, "uncached", paths, env, "--no-cache")
    assert _entries(cache) == []
    assert json.loads(uncached[1])["findings"]
    cold = _reports(tmp_path, "cold", paths, env)
    hcl_texts = {p.read_bytes() for p in FIXTURES.rglob("*") if p.is_file()
                 and (p.suffix in (".tf", ".tfvars")) and not p.name.endswith(".tf.json")}
    assert 0 < len(_entries(cache)) <= len(hcl_texts)
    monkeypatch.setattr(files, "parse_hcl_blocks", _no_parser)
    warm = _reports(tmp_path, "warm", paths, env)
    assert cold == uncached
    assert warm == uncached


def _module(tmp_path: Path, encrypted: str = "true") -> Path:
    folder = tmp_path / "module"
    folder.mkdir(exist_ok=True)
    (folder / "providers.tf").write_text(PROVIDER)
    (folder / "main.tf").write_text(VOLUME.format(encrypted=encrypted))
    return folder


def _statuses(run) -> dict[str, str]:
    return {f["rule_id"]: f["status"] for f in run.json()["findings"]
            if f["resource"]["address"] == "aws_ebs_volume.data"}


def test_a_second_scan_reads_from_the_cache_and_an_edit_is_a_miss(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    folder = _module(tmp_path)
    first = run_cli("scan", str(folder), "-o", "json", env=env)
    assert _statuses(first)["HDS-ENC-001"] == "pass", first.stderr
    assert len(_entries(cache)) == 2
    for entry in _entries(cache):
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE((cache / "hcl").stat().st_mode) == 0o700
    calls = _count_parses(monkeypatch)
    second = run_cli("scan", str(folder), "-o", "json", env=env)
    assert calls == [] and _strip(second) == _strip(first)
    (folder / "main.tf").write_text(VOLUME.format(encrypted="false"))
    third = run_cli("scan", str(folder), "-o", "json", env=env)
    assert _statuses(third)["HDS-ENC-001"] == "fail"
    assert [c for c in calls if "encrypted" in c] == [VOLUME.format(encrypted="false")]
    assert len(_entries(cache)) == 3


def _count_parses(monkeypatch) -> list[str]:
    """The texts python-hcl2 parses from now on (the real parser still runs)."""
    calls: list[str] = []
    real = files.parse_hcl_blocks

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(files, "parse_hcl_blocks", counting)
    return calls


def _strip(run) -> dict:
    doc = run.json()
    doc.pop("provenance", None)
    return doc


def test_a_parse_failure_comes_back_from_the_cache_as_the_same_line(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    folder = _module(tmp_path)
    (folder / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    first = run_cli("scan", str(folder), "-o", "json", env=env)
    errors = [line for line in first.stderr.splitlines() if "broken.tf" in line]
    assert first.code == 2 and len(errors) == 1 and "syntax error" in errors[0]
    assert len(_entries(cache)) == 3
    monkeypatch.setattr(files, "parse_hcl_blocks", _no_parser)
    second = run_cli("scan", str(folder), "-o", "json", env=env)
    assert second.code == 2 and second.stderr == first.stderr
    assert _strip(second) == _strip(first)


def _bad_entries(key: str, good: dict) -> dict[str, bytes]:
    """Entries a crash, a bug or someone else may leave where the good one was."""
    def dumps(doc) -> bytes:
        return json.dumps(doc).encode()

    lying = {**good, "body": {"resource": [{"aws_ebs_volume": {"data": {"encrypted": True}}}]}}
    return {
        "empty": b"",
        "truncated": dumps(good)[:-7],
        "not JSON": b"\x80\x81 garbage",
        "a list": dumps([good]),
        "another key": dumps({**lying, "key": "0" * 64}),
        "another format": dumps({**lying, "format": 99}),
        "a body that is a list": dumps({**good, "body": []}),
        "a line that is text": dumps({**good, "blocks": {"resource": [["1", 5, {}, []]]}}),
        "a negative line": dumps({**good, "blocks": {"resource": [[-1, 5, {}, []]]}}),
        "a boolean line": dumps({**good, "blocks": {"resource": [[True, 5, {}, []]]}}),
        "a short block": dumps({**good, "blocks": {"resource": [[1, 5, {}]]}}),
        "a bad comment": dumps({**good, "blocks": {"resource": [[1, 5, {}, [[1]]]]}}),
        "a bad attribute line": dumps({**good, "blocks": {"resource": [[1, 5, {"a": None},
                                                                       []]]}}),
        "no blocks": dumps({k: v for k, v in good.items() if k != "blocks"}),
        "a two-line error": dumps({"format": good["format"], "key": key,
                                   "error": "syntax error\nhds-iac: forged line"}),
        "an empty error": dumps({"format": good["format"], "key": key, "error": ""}),
        "too deep": (b'{"format":1,"key":"' + key.encode() + b'","blocks":{},"body":{"a":'
                     + b"[" * 300 + b"]" * 300 + b"}}"),
        "nested past Python's recursion": b"[" * 100_000 + b"]" * 100_000,
        "huge": dumps({**good, "pad": "x" * (parse_cache.MAX_ENTRY_BYTES + 10)}),
    }


def test_a_corrupted_crafted_or_huge_entry_is_ignored_and_rewritten(tmp_path):
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    folder = _module(tmp_path, encrypted="false")
    reference = run_cli("scan", str(folder), "-o", "json", "--no-cache", env=env)
    assert _statuses(reference)["HDS-ENC-001"] == "fail"
    run_cli("scan", str(folder), "-o", "json", env=env)
    key = parse_cache._key(VOLUME.format(encrypted="false"))
    entry = cache / "hcl" / f"{key}.json"
    good = json.loads(entry.read_bytes())
    assert good["key"] == key and "body" in good
    for label, raw in _bad_entries(key, good).items():
        entry.write_bytes(raw)
        run = run_cli("scan", str(folder), "-o", "json", env=env)
        assert (run.code, _strip(run), run.stderr) == \
            (reference.code, _strip(reference), reference.stderr), label
        assert json.loads(entry.read_bytes()) == good, label  # parsed again, rewritten
    # a symbolic link or a named pipe where the entry was: not followed, not read
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(good))
    for make in (lambda: entry.symlink_to(target), lambda: os.mkfifo(entry)):
        entry.unlink()
        make()
        run = run_cli("scan", str(folder), "-o", "json", env=env)
        assert _strip(run) == _strip(reference) and run.stderr == reference.stderr
        assert entry.is_file() and not entry.is_symlink()
        assert json.loads(entry.read_bytes()) == good
    assert json.loads(target.read_text()) == good


def test_a_cache_folder_that_cannot_be_made_never_fails_a_scan(tmp_path):
    """A path under a regular file (so not even root can create it): the scan says the
    same on stdout, with one notice on stderr."""
    folder = _module(tmp_path, encrypted="false")
    reference = run_cli("scan", str(folder), "-o", "json", "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    run = run_cli("scan", str(folder), "-o", "json",
                  env={"HDS_IAC_CACHE_DIR": str(blocker / "cache")})
    assert run.code == reference.code and _strip(run) == _strip(reference)
    notices = [line for line in run.stderr.splitlines() if "cache" in line]
    assert len(notices) == 1 and "cannot create the cache folder" in notices[0]
    assert run.stderr.replace(notices[0] + "\n", "") == reference.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_cache_folder_is_read_and_never_fails_a_scan(tmp_path):
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    folder = _module(tmp_path, encrypted="false")
    reference = run_cli("scan", str(folder), "-o", "json", env=env)
    (folder / "extra.tf").write_text('variable "x" {}\n')
    (cache / "hcl").chmod(0o500)
    try:
        run = run_cli("scan", str(folder), "-o", "json", env=env)
    finally:
        (cache / "hcl").chmod(0o700)
    assert run.code == reference.code and _strip(run)["findings"] == \
        _strip(reference)["findings"]
    assert len([line for line in run.stderr.splitlines() if "read-only" in line]) == 1
    assert len(_entries(cache)) == 2


def test_a_full_disk_gives_one_notice_and_the_same_report(tmp_path, monkeypatch):
    def full(path: str, text: str) -> None:
        raise OSError(28, "No space left on device")

    folder = _module(tmp_path, encrypted="false")
    reference = run_cli("scan", str(folder), "-o", "json", "--no-cache")
    monkeypatch.setattr(parse_cache, "write_private", full)
    run = run_cli("scan", str(folder), "-o", "json",
                  env={"HDS_IAC_CACHE_DIR": str(tmp_path / "cache")})
    assert run.code == reference.code and _strip(run) == _strip(reference)
    notices = [line for line in run.stderr.splitlines() if "cache" in line]
    assert len(notices) == 1 and "No space left on device" in notices[0]
    assert _entries(tmp_path / "cache") == []


def test_a_cache_folder_others_may_write_is_made_private(tmp_path):
    cache = tmp_path / "cache"
    (cache / "hcl").mkdir(parents=True)
    (cache / "hcl").chmod(0o777)
    run_cli("scan", str(_module(tmp_path)), "-o", "json", env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert stat.S_IMODE((cache / "hcl").stat().st_mode) == 0o700
    assert len(_entries(cache)) == 2


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give the folder to another user")
def test_a_cache_folder_of_another_user_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    (cache / "hcl").mkdir(parents=True)
    os.chown(cache / "hcl", 4242, 4242)
    run = run_cli("scan", str(_module(tmp_path)), "-o", "json",
                  env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert run.code == 1 and run.json()["findings"]
    assert "belongs to another user" in run.stderr
    assert _entries(cache) == []


def test_no_cache_option_and_variable_write_nothing(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    folder = _module(tmp_path)
    run = run_cli("scan", str(folder), "-o", "json", "--no-cache",
                  env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert run.code == 1 and not cache.exists()
    run = run_cli("scan", str(folder), "-o", "json",
                  env={"HDS_IAC_CACHE_DIR": str(cache), "HDS_IAC_NO_CACHE": "1"})
    assert run.code == 1 and not cache.exists()
    # the pre-commit hook passes scan options through
    run = run_cli("pre-commit", "native", "--no-cache", "main.tf", cwd=folder,
                  env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert run.code == 1 and "HDS-BAK-004" in run.stdout, run.stderr
    assert not cache.exists()
    run = run_cli("scan", str(folder), "-o", "json", env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert len(_entries(cache)) == 2
    # ... and --no-cache reads nothing either
    monkeypatch.setattr(files, "parse_hcl_blocks", _no_parser)
    run = run_cli("scan", str(folder), "-o", "json", "--no-cache",
                  env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert run.code == 2 and "internal error" in run.stdout + run.stderr


def test_the_key_follows_the_parser_sources_and_the_limits(tmp_path, monkeypatch):
    text = VOLUME.format(encrypted="true")
    parse_cache.forget()
    base = parse_cache._key(text)
    assert parse_cache._key(text) == base and parse_cache._key(text + " ") != base
    monkeypatch.setattr(limits, "MAX_STRING_CHARS", limits.MAX_STRING_CHARS - 1)
    assert parse_cache._key(text) != base
    monkeypatch.undo()
    copy = tmp_path / "source_map.py"
    real = parse_cache._module_file("hds_iac.terraform.hcl.source_map")
    copy.write_bytes(Path(real).read_bytes())
    original = parse_cache._module_file
    monkeypatch.setattr(parse_cache, "_module_file", lambda name: str(copy) if
                        name == "hds_iac.terraform.hcl.source_map" else original(name))
    parse_cache.forget()
    assert parse_cache._key(text) == base  # same bytes, same key
    copy.write_bytes(copy.read_bytes() + b"\n# an edit\n")
    parse_cache.forget()
    assert parse_cache._key(text) != base
    monkeypatch.undo()
    parse_cache.forget()
    assert parse_cache._key(text) == base


def test_pruning_removes_the_least_recently_used_past_the_cap(tmp_path, monkeypatch):
    folder = tmp_path / "hcl"
    folder.mkdir(mode=0o700)
    for i in range(10):
        entry = folder / f"{i:064x}.json"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))
    stale = folder / f".{0:064x}.json.abc.tmp"
    stale.write_text("half")
    os.utime(stale, (1_000_000, 1_000_000))
    other = folder / "notes.txt"
    other.write_text("kept")
    monkeypatch.setattr(parse_cache, "MAX_TOTAL_BYTES", 8000)
    monkeypatch.setattr(parse_cache, "PRUNED_TO", 6000)
    parse_cache._Folder(str(folder), True).prune()
    left = sorted(p.name for p in folder.glob("*.json"))
    assert left == [f"{i:064x}.json" for i in range(4, 10)]
    assert not stale.exists() and other.exists()


def test_a_result_that_json_cannot_carry_exactly_is_not_stored(tmp_path):
    folder = parse_cache._Folder(str(tmp_path), True)
    key = "a" * 64
    for body in ({"t": (1, 2)}, {1: "x"}, {"s": {1, 2}}, {"t": [("x",)]}):
        folder.write(key, {"format": parse_cache.FORMAT, "key": key, "body": body,
                           "blocks": {}}, (body, {}))
        assert list(tmp_path.iterdir()) == [], body
    body = {"ok": [1, 2.5, True, None, "x"]}
    folder.write(key, {"format": parse_cache.FORMAT, "key": key, "body": body, "blocks": {}},
                 (body, {}))
    assert folder.read(key) == (body, {})


def test_a_scan_writes_its_entries_after_its_report_and_a_repeated_text_once(
        tmp_path, monkeypatch):
    """New entries wait in memory until the scan's report is written (a cold run is not
    slowed by the writes), and a text met twice in one scan is parsed once, the second
    time from memory: one entry for it."""
    cache = tmp_path / "cache"
    folder = _module(tmp_path, encrypted="false")
    (folder / "copy").mkdir()
    (folder / "copy" / "main.tf").write_text(VOLUME.format(encrypted="false"))
    report = tmp_path / "report.json"
    written: list[tuple[str, bool]] = []
    real_write = parse_cache.write_private

    def recording(path: str, data: bytes) -> None:
        written.append((os.path.basename(path), report.exists()))
        real_write(path, data)

    monkeypatch.setattr(parse_cache, "write_private", recording)
    parsed = _count_parses(monkeypatch)
    run = run_cli("scan", str(folder), str(folder / "copy"), "-o", "json",
                  "--output-file", str(report), env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert run.code == 1, run.stderr
    assert sorted(parsed) == sorted([PROVIDER, VOLUME.format(encrypted="false")])
    assert len(written) == 2 and all(after for _, after in written), written
    assert sorted(name for name, _ in written) == sorted(p.name for p in _entries(cache))
    statuses = {(f["resource"]["file"], f["status"]) for f in json.loads(report.read_text())[
        "findings"] if f["rule_id"] == "HDS-ENC-001"}
    assert {status for _, status in statuses} == {"fail"} and len(statuses) == 2, statuses


def test_too_many_waiting_entries_are_written_during_the_scan(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    report = tmp_path / "report.json"
    written: list[bool] = []
    real_write = parse_cache.write_private

    def recording(path: str, data: bytes) -> None:
        written.append(report.exists())
        real_write(path, data)

    monkeypatch.setattr(parse_cache, "write_private", recording)
    monkeypatch.setattr(parse_cache, "MAX_PENDING_BYTES", 0)
    run_cli("scan", str(_module(tmp_path)), "-o", "json", "--output-file", str(report),
            env={"HDS_IAC_CACHE_DIR": str(cache)})
    assert written == [False, False] and len(_entries(cache)) == 2


def test_the_folder_walk_runs_once_per_period_not_in_every_process(tmp_path, monkeypatch):
    """The least-recently-used walk stats every entry: it runs in the first process that
    writes once PRUNE_EVERY has passed since the last walk (its stamp file), not in each."""
    cache = tmp_path / "cache"
    env = {"HDS_IAC_CACHE_DIR": str(cache)}
    walks: list[str] = []
    real_prune = parse_cache._Folder.prune

    def counting(self) -> None:
        walks.append(self.path)
        real_prune(self)

    monkeypatch.setattr(parse_cache._Folder, "prune", counting)
    folder = _module(tmp_path)
    run_cli("scan", str(folder), "-o", "json", env=env)
    stamp = cache / "hcl" / parse_cache._STAMP
    assert len(walks) == 1 and stamp.is_file() and len(_entries(cache)) == 2
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o600
    (folder / "main.tf").write_text(VOLUME.format(encrypted="false"))
    run_cli("scan", str(folder), "-o", "json", env=env)
    assert len(walks) == 1 and len(_entries(cache)) == 3  # written, not walked
    old = stamp.stat().st_mtime - parse_cache.PRUNE_EVERY - 1
    os.utime(stamp, (old, old))
    (folder / "main.tf").write_text(VOLUME.format(encrypted="true") + "# edited\n")
    run_cli("scan", str(folder), "-o", "json", env=env)
    assert len(walks) == 2 and stamp.stat().st_mtime > old + parse_cache.PRUNE_EVERY
    # a stamp that is a symbolic link: replaced, its target left as it was
    target = tmp_path / "elsewhere"
    target.write_text("kept")
    os.utime(target, (old, old))
    stamp.unlink()
    stamp.symlink_to(target)
    (folder / "main.tf").write_text(VOLUME.format(encrypted="true") + "# again\n")
    run_cli("scan", str(folder), "-o", "json", env=env)
    assert len(walks) == 3 and stamp.is_file() and not stamp.is_symlink()
    assert target.read_text() == "kept" and target.stat().st_mtime == old


def test_a_session_reads_its_folder_once_and_an_inner_no_cache_session_reads_nothing(
        tmp_path, monkeypatch):
    """The folder is looked up once per scan (session), not once per file; the pre-commit
    hook's session holds the scans' sessions, and one with --no-cache uses no cache even
    inside a session that does."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HDS_IAC_CACHE_DIR", str(cache))
    parse_cache.forget()
    with parse_cache.session(False):
        assert parse_cache.cached_parse(PROVIDER, files.parse_hcl_blocks)[0]["provider"]
        monkeypatch.setenv("HDS_IAC_CACHE_DIR", str(tmp_path / "elsewhere"))
        calls = _count_parses(monkeypatch)
        parse_cache.cached_parse(PROVIDER, files.parse_hcl_blocks)
        assert calls == []  # from the first folder's entries waiting in memory
        with parse_cache.session(True):
            parse_cache.cached_parse(PROVIDER, files.parse_hcl_blocks)
        assert calls == [PROVIDER]
    assert len(_entries(cache)) == 1 and not (tmp_path / "elsewhere").exists()
