"""hds-iac's own TOML data files, parsed once and kept as JSON in the user cache.

The catalogue (`hds_iac/catalogue/*.toml`, `hds_iac/rules/<stem>.toml`), the
responsibility matrices (`hds_iac/matrices/*.toml`) and the region tables
(`hds_iac.providers`, the top-level `providers/` folder) stay the one declarative source:
reports, docs and checkov tables are generated from them. But every command reads them,
and Python's `tomllib` is written in Python: parsing the 60-odd files took a quarter of
a billion instructions, more than starting Python, in each run (the pre-commit hook on a
small module pays it in full). `json.loads` is C, so their parse (`tomllib.loads`'s
result, nothing computed from it) is kept in one file of the user cache,
`bundled-toml-<key>.json`.

Why a stale or planted copy is never read:
- the key (`user_cache.fingerprint`) covers each folder's path (another checkout or
  installation), each file's name, size and modification time (an edit, an added or
  removed file), hds-iac's version and Python's (tomllib's);
- the file is read only when it is a private regular file of this user, not a link, at
  most `_MAX_BYTES` (`user_cache.read_private`); it names its key and the CRC-32 of its
  body (against damage, as `dataclass_code`'s file: the checks above are the ones against
  other people; a SHA-256 of the 0.2 MB was 6 M instructions of every run, the CRC 0.5 M),
  and the body must hold only values a TOML file can give (tables, arrays, strings,
  numbers, booleans): anything else (truncated, garbled, crafted, another key) is a miss;
- it is JSON, never pickle or marshal, and written only when the parsed values read back
  from JSON as the very same values (a TOML date, which JSON cannot tell from a string,
  is never cached).
A miss parses the TOML files as before and writes the file again; a cache folder that
cannot be written only means the next run parses again (no message: nothing is lost but
time). Off: `HDS_IAC_NO_CACHE=1`, or `--no-cache` (`bypassed`).

Errors are the parser's: a malformed bundled file raises `tomllib.TOMLDecodeError`, as
`tomllib.loads` of its text does, and is never cached.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
from typing import Any, Iterator

from hds_iac import __version__, user_cache

# The packages whose *.toml files are kept (their folders are not walked recursively).
PACKAGES = ("hds_iac.catalogue", "hds_iac.rules", "hds_iac.matrices", "hds_iac.providers")
_FORMAT = 2  # of the cached file: a change of its layout makes a new key (2: CRC-32)
_PREFIX, _SUFFIX = "bundled-toml-", ".json"
_MAX_BYTES = 8 * 1024 * 1024
_KEPT = 8  # files of other keys (upgrades, other checkouts) kept beside the current one

_off_depth = 0
# package -> file name -> parsed table (or the exception its parse raised), for this process
_tables: dict[str, dict[str, Any]] | None = None


@contextlib.contextmanager
def bypassed(off: bool) -> Iterator[None]:
    """While the block runs, when `off` (`--no-cache`), the cache is neither read nor
    written (what this process already read stays read)."""
    global _off_depth
    _off_depth += bool(off)
    try:
        yield
    finally:
        _off_depth -= bool(off)


def _off() -> bool:
    return bool(_off_depth) or user_cache.parsed_files_off()


def names(package: str) -> list[str]:
    """The *.toml files of `package` (one of `PACKAGES`), sorted."""
    return sorted(_all()[package])


def table(package: str, name: str) -> dict[str, Any]:
    """`tomllib.loads` of the text of `name` in `package` (KeyError for a file that is not
    there). One object for every caller in this process: read it, never change it."""
    found = _all()[package][name]
    if isinstance(found, Exception):
        raise found
    return found


def _folders() -> dict[str, str] | None:
    """package -> its folder on disk; None when one is not a plain folder (a zip)."""
    out = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        locations = list(spec.submodule_search_locations or ()) if spec else []
        if len(locations) != 1 or not os.path.isdir(locations[0]):
            return None
        out[package] = locations[0]
    return out


def _all() -> dict[str, dict[str, Any]]:
    global _tables
    if _tables is None:
        _tables = _load()
    return _tables


def _load() -> dict[str, dict[str, Any]]:
    folders = _folders()
    if folders is None:
        return _parsed(_texts_by_resources())
    path = key = None
    if not _off():
        key = user_cache.fingerprint(
            f"{_FORMAT}\0{__version__}\0{sys.version}", [folders[p] for p in PACKAGES],
            (".toml",), recursive=False)
        path = os.path.join(user_cache.parsed_files_root(), f"{_PREFIX}{key}{_SUFFIX}")
        found = _read(path, key)
        if found is not None:
            return found
    texts = {package: {name: _read_text(os.path.join(folder, name))
                       for name in sorted(os.listdir(folder)) if name.endswith(".toml")}
             for package, folder in folders.items()}
    tables = _parsed(texts)
    if path is not None and key is not None:
        _write(path, key, tables)
    return tables


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _texts_by_resources() -> dict[str, dict[str, str]]:
    from importlib import resources

    out = {}
    for package in PACKAGES:
        folder = resources.files(package)
        out[package] = {p.name: p.read_text("utf-8") for p in folder.iterdir()
                        if p.name.endswith(".toml")}
    return out


def _parsed(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    import tomllib

    out: dict[str, dict[str, Any]] = {}
    for package, files in texts.items():
        out[package] = {}
        for name, text in files.items():
            try:
                out[package][name] = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                out[package][name] = exc
    return out


def _toml_shaped(value: Any) -> bool:
    """Only what `tomllib.loads` gives and JSON keeps as it is: tables with text keys,
    arrays, text, integers, finite floats, booleans (no null, no date)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(k) is str for k in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            if item != item or item in (float("inf"), float("-inf")):
                return False
        elif kind not in (str, int, bool):
            return False
    return True


def _read(path: str, key: str) -> dict[str, dict[str, Any]] | None:
    """The cached tables, or None (a miss) when the file is missing, not a private file of
    this user, of another key, damaged, or holds anything a TOML file cannot."""
    body = user_cache.read_keyed(path, _MAX_BYTES, _FORMAT, key)
    if body is None:
        return None
    try:
        tables = _loads_toml_shaped(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(tables, dict) or set(tables) != set(PACKAGES) or not all(
            isinstance(files, dict) and all(type(t) is dict for t in files.values())
            for files in tables.values()):
        return None
    return tables


def _refuse(text: str) -> float:
    raise ValueError(f"not a TOML value: {text}")


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):  # 1e999
        raise ValueError(f"not a TOML value: {text}")
    return number


def _loads_toml_shaped(body: bytes) -> Any:
    """`json.loads` of `body`, raising ValueError for a value `_toml_shaped` refuses.
    JSON gives only tables with text keys, arrays, text, numbers, booleans and null: a
    non-finite number is refused as it is read, and a null can only be in a body that
    holds the word `null`; only then is every value walked (`_toml_shaped`: 10 M
    instructions for the whole data, which holds no null)."""
    tables = json.loads(body, parse_constant=_refuse, parse_float=_finite)
    if b"null" in body and not _toml_shaped(tables):
        raise ValueError("not a TOML value: null")
    return tables


def _write(path: str, key: str, tables: dict[str, dict[str, Any]]) -> None:
    """Keep `tables` for the next runs, when every file parsed and reads back the same.
    Of what `tomllib.loads` gives, JSON keeps tables, arrays, text, integers, finite
    floats and booleans as they are; `json.dumps` refuses the rest as it writes (a date,
    not JSON: TypeError; a non-finite number, with `allow_nan=False`, and an integer too
    long to print: ValueError). So nothing is walked or read back here (the walk, the
    second parse and the comparison were 10 M instructions of each run that writes)."""
    if any(isinstance(t, Exception) for files in tables.values() for t in files.values()):
        return
    try:
        body = json.dumps(tables, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False).encode()
    except (TypeError, ValueError):
        return
    user_cache.write_keyed(path, _FORMAT, key, body, _PREFIX, _SUFFIX, _KEPT)
