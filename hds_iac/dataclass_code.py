"""The code of the methods `@dataclass` writes, compiled once and kept in the user cache.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__` (and, when frozen,
`__setattr__`, `__delattr__`, `__hash__`) as source text and compiles it with `exec` when
the class is created, in every run: a plan scan creates 57 dataclasses, and Python's
parser and compiler working on their 255 texts were 0.17 G instructions, as much as
starting Python twice. Python keeps the bytecode of modules in `__pycache__`; nothing
kept this.

`install()` gives the `dataclasses` module an `exec` of its own (a name of its module
shadows the builtin for its functions) that looks each text up in a table of the code
objects compiled from it before, and compiles and adds the text only when it is not
there. The same text compiled by the same Python gives the same code object, so every
class is exactly the one `@dataclass` makes without the table: same methods, equality,
repr, hashing and frozenness (`tests/test_dataclass_code.py` compares every dataclass of
hds-iac made both ways). A text is compiled as `exec` compiles it in `dataclasses`: file
name "<string>", no `from __future__` flags of the caller.

The table is one file of the user cache, `dataclass-code-<key>.marshal`, written at the
end of a command that compiled a text the file did not hold (`save`). Why nothing stale
or planted is run:
- each entry is keyed by its whole text: an edited class writes another text, which is
  compiled (the old entry is merely unused); the file's key covers Python's version,
  bytecode tag, marshal format and optimisation level, for which the code was compiled;
- the file is read only when it is a private regular file of this user, not a link, at
  most `_MAX_BYTES` (`user_cache.read_private`), the trust already given to the checkov
  pointer `native.json` (a program checkov's process runs) and to Lark's parser build
  beside it: whoever can write there already runs code as the user;
- it names its key and the CRC-32 of its body (against damage: the checks above are the
  ones against other people; a SHA-256 of the 0.3 MB was 9 M instructions under
  callgrind, the CRC 1 M),
  and must hold only text -> code entries: anything else (truncated, garbled, another
  Python's) is ignored, as if the file were missing, and every text is compiled as before.
`--no-cache` and HDS_IAC_NO_CACHE leave it on: it holds no parse of any input or data
file, only what `__pycache__` holds for the modules (the classes are made when hds-iac is
imported, before the command line is read).
"""
from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import sys
from types import CodeType
from typing import Any

from hds_iac import user_cache

_FORMAT = 1  # of the cached file: a change of its layout makes a new key
_PREFIX, _SUFFIX = "dataclass-code-", ".marshal"
_MAX_BYTES = 8 * 1024 * 1024
# More entries than this (classes edited over many runs): the next write keeps only the
# texts its own run used.
_MAX_ENTRIES = 2000
_KEPT = 4  # files of other keys (other Pythons) kept beside the current one

_codes: dict[str, CodeType] = {}  # text -> its code: read from the file, or compiled here
_used: dict[str, None] = {}  # the texts this process compiled or looked up, in order
_compiled = False  # a text was compiled here: the file is written again by `save`
_path: str | None = None


def install() -> None:
    """From now on, `@dataclass` in this process takes its methods' code from the table
    (read from the user cache now, once): call it before the modules that make
    dataclasses are imported."""
    global _path
    if vars(dataclasses).get("exec") is _exec:
        return
    key = _key()
    _path = os.path.join(user_cache.root(), f"{_PREFIX}{key}{_SUFFIX}")
    _codes.update(_read(_path, key))
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def _key() -> str:
    """What the code objects depend on besides their text: the Python that compiled them."""
    salt = (f"{_FORMAT}\0{sys.version}\0{sys.implementation.cache_tag}\0{marshal.version}"
            f"\0{sys.flags.optimize}")
    return hashlib.sha256(salt.encode()).hexdigest()[:32]


def _exec(source: Any, globals: dict[str, Any] | None = None,
          locals: dict[str, Any] | None = None, /) -> None:
    """`exec` as `dataclasses` calls it, a text's code taken from the table when there."""
    global _compiled
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _compiled = True
        _used[source] = None
        source = code
    if globals is None:  # `exec`'s own default: the caller's namespace
        caller = sys._getframe(1)
        globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
    exec(source, globals, locals)


def save() -> None:
    """Keep the table for the next runs, when this process compiled a text it lacked.
    Best effort: a cache that cannot be written only means the next run compiles again."""
    global _compiled
    if not _compiled or _path is None:
        return
    _compiled = False
    kept = _codes if len(_codes) <= _MAX_ENTRIES else {t: _codes[t] for t in _used}
    body = marshal.dumps(kept)
    user_cache.write_keyed(_path, _FORMAT, _key(), body, _PREFIX, _SUFFIX, _KEPT)


def _read(path: str, key: str) -> dict[str, CodeType]:
    """The table in `path`; empty when the file is missing, not a private file of this
    user, of another key, damaged, or holds anything but text -> code entries."""
    body = user_cache.read_keyed(path, _MAX_BYTES, _FORMAT, key)
    if body is None:
        return {}
    try:
        table = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return {}
    if type(table) is not dict or not all(
            type(text) is str and type(code) is CodeType for text, code in table.items()):
        return {}
    return table
