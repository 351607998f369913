"""The code of dataclasses' methods compiled once and kept in the user cache
(hds_iac/dataclass_code.py): every dataclass of hds-iac made from the kept code is the one
`@dataclass` makes without it, a warm run compiles nothing, and a damaged, planted or
foreign file is ignored."""
from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from hds_iac import dataclass_code

# Imports every module of hds-iac (`install()` first, or never when told "plain") and
# writes, for every dataclass, what makes it: each attribute of its class body, functions
# by their code objects (compared by value), defaults and closure cells, fields by repr.
DESCRIBE = r'''
import importlib, marshal, pkgutil, re, sys, types
import hds_iac, hds_iac.dataclass_code as dataclass_code

mode, out = sys.argv[1], sys.argv[2]
if mode == "plain":
    dataclass_code.install = lambda: None  # hds_iac.cli calls it: not in this run
else:
    dataclass_code.install()
for info in pkgutil.walk_packages(hds_iac.__path__, "hds_iac."):
    try:
        importlib.import_module(info.name)
    except Exception:  # an optional SDK missing: its classes are in neither run
        pass
compiled = dataclass_code._compiled
if mode == "save":
    dataclass_code.save()

def describe(value):
    if isinstance(value, types.CodeType):
        return value
    if isinstance(value, types.FunctionType):
        cells = tuple(describe(c.cell_contents) for c in value.__closure__ or ())
        return ("function", value.__qualname__, value.__code__, describe(value.__defaults__),
                describe(value.__kwdefaults__), cells, describe(value.__annotations__),
                getattr(value, "__wrapped__", None) is not None)
    if isinstance(value, type):
        return ("type", value.__module__, value.__qualname__)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(describe(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((describe(k), describe(v)) for k, v in value.items()))
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, (staticmethod, classmethod, property)):
        return (type(value).__name__, describe(getattr(value, "__func__", value.fget)))
    return (type(value).__qualname__, re.sub(r" at 0x[0-9a-f]+", "", repr(value)))

classes = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("hds_iac"):
        continue
    for cls in vars(module).values():
        if isinstance(cls, type) and cls.__module__ == name \
                and dataclasses_fields in vars(cls):
            classes[f"{name}.{cls.__qualname__}"] = tuple(
                (key, describe(value)) for key, value in sorted(vars(cls).items())
                if key not in ("__dict__", "__weakref__"))
result = {"classes": classes, "compiled": compiled}
with open(out, "wb") as handle:
    marshal.dump(result, handle)
'''.replace("dataclasses_fields", repr("__dataclass_fields__"))


def run_describe(mode: str, out: Path, cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-c", DESCRIBE, mode, str(out)], check=True, env=env,
                   cwd=Path(__file__).resolve().parents[1])
    return marshal.loads(out.read_bytes())


def test_every_dataclass_made_from_the_kept_code_is_the_one_dataclass_makes(tmp_path):
    plain = run_describe("plain", tmp_path / "plain", tmp_path / "unused")
    first = run_describe("save", tmp_path / "first", tmp_path / "xdg")
    warm = run_describe("warm", tmp_path / "warm", tmp_path / "xdg")
    assert len(plain["classes"]) > 60  # the model's, the catalogue's, the rules'...
    assert "hds_iac.model.Resource" in plain["classes"]
    assert first["compiled"] and not warm["compiled"]  # the second run compiled nothing
    assert sorted(warm["classes"]) == sorted(plain["classes"])
    for name, made in plain["classes"].items():
        assert warm["classes"][name] == made, name  # code objects compared by value
        assert first["classes"][name] == made, name


def test_a_frozen_class_from_the_table_keeps_its_equality_repr_hash_and_frozenness():
    """In this process (cli imported: the hook on), a class made now, against its twin
    made with the builtin `exec`."""
    import hds_iac.cli  # noqa: F401 - installs the hook

    def make():
        @dataclasses.dataclass(frozen=True)
        class Point:
            x: int
            y: tuple[str, ...] = ()
            z: list = dataclasses.field(default_factory=list, compare=False, hash=False)
        return Point

    assert vars(dataclasses)["exec"] is dataclass_code._exec
    ours = make()
    text_count = len(dataclass_code._codes)
    again = make()  # the same texts: taken from the table
    assert len(dataclass_code._codes) == text_count
    del dataclasses.exec
    try:
        builtin = make()
    finally:
        dataclasses.exec = dataclass_code._exec
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert getattr(ours, name).__code__ == getattr(builtin, name).__code__ \
            == getattr(again, name).__code__, name
    a, b = ours(1, ("a",)), ours(1, ("a",), [2])
    assert a == b and hash(a) == hash(b) == hash((1, ("a",)))
    assert repr(a) == repr(builtin(1, ("a",)))
    assert repr(a).endswith("make.<locals>.Point(x=1, y=('a',), z=[])")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 2


@pytest.fixture
def table_file(tmp_path, monkeypatch):
    """A cache folder of this test, and the path of the table `install` would read."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "hds-iac"
    folder.mkdir(parents=True, mode=0o700)
    return folder / f"{dataclass_code._PREFIX}{dataclass_code._key()}{dataclass_code._SUFFIX}"


def write_table(path: Path, table: object, key: str | None = None, crc: int | None = None,
                mode: int = 0o600) -> None:
    body = marshal.dumps(table)
    head = {"format": dataclass_code._FORMAT, "key": key or dataclass_code._key(),
            "crc32": zlib.crc32(body) if crc is None else crc}
    path.write_bytes(json.dumps(head).encode() + b"\n" + body)
    path.chmod(mode)


def test_a_good_table_is_read(table_file):
    code = compile("x = 1", "<string>", "exec", dont_inherit=True)
    write_table(table_file, {"x = 1": code})
    assert dataclass_code._read(str(table_file), dataclass_code._key()) == {"x = 1": code}


@pytest.mark.parametrize("damage", ["another key", "crc", "not code", "not a table",
                                    "truncated", "others may write", "a link", "not json"])
def test_a_damaged_planted_or_foreign_table_is_ignored(table_file, tmp_path, damage):
    code = compile("x = 1", "<string>", "exec", dont_inherit=True)
    key = dataclass_code._key()
    if damage == "another key":
        write_table(table_file, {"x = 1": code}, key="0" * 32)
    elif damage == "crc":
        write_table(table_file, {"x = 1": code}, crc=12345)
    elif damage == "not code":
        write_table(table_file, {"x = 1": "print('planted')"})
    elif damage == "not a table":
        write_table(table_file, [code])
    elif damage == "truncated":
        write_table(table_file, {"x = 1": code})
        table_file.write_bytes(table_file.read_bytes()[:-5])
    elif damage == "others may write":
        write_table(table_file, {"x = 1": code}, mode=0o622)
    elif damage == "a link":
        real = tmp_path / "real"
        write_table(real, {"x = 1": code})
        table_file.symlink_to(real)
    else:
        table_file.write_bytes(b"{not json\n" + marshal.dumps({"x = 1": code}))
        table_file.chmod(0o600)
    assert dataclass_code._read(str(table_file), key) == {}


def test_save_writes_only_after_a_compile_and_keeps_what_it_read(table_file, monkeypatch):
    kept = compile("y = 2", "<string>", "exec", dont_inherit=True)
    write_table(table_file, {"y = 2": kept})
    monkeypatch.setattr(dataclass_code, "_codes", dict(dataclass_code._read(
        str(table_file), dataclass_code._key())))
    monkeypatch.setattr(dataclass_code, "_used", {})
    monkeypatch.setattr(dataclass_code, "_compiled", False)
    monkeypatch.setattr(dataclass_code, "_path", str(table_file))
    before = table_file.read_bytes()
    namespace: dict = {}
    dataclass_code._exec("y = 2", namespace, namespace)  # a hit
    assert namespace["y"] == 2
    dataclass_code.save()
    assert table_file.read_bytes() == before  # nothing compiled: not written
    dataclass_code._exec("z = 3", namespace, namespace)  # a miss
    assert namespace["z"] == 3
    dataclass_code.save()
    table = dataclass_code._read(str(table_file), dataclass_code._key())
    assert set(table) == {"y = 2", "z = 3"}
    assert table["z = 3"] == compile("z = 3", "<string>", "exec", dont_inherit=True)
    assert table_file.stat().st_mode & 0o777 == 0o600
