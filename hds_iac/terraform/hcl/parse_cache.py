"""A persistent cache of parsed HCL files, keyed by their content: a pre-commit hook or a
checkov run (one native scan each) parses the same unchanged files again and again, and
python-hcl2's parser is two thirds of a native scan of a folder.

Why it cannot change a verdict:
- The key is the SHA-256 of the text parsed and of everything else that shapes the
  result: the sources of python-hcl2 (its grammar and modules) and of Lark's version
  module, the source of hds-iac's own modules that build the parsed result (`SHAPING`),
  the parsing limits (`limits.MAX_*`) and the format of an entry. Editing any of them,
  even in an editable install, makes every old entry a miss.
- An entry is JSON (never pickle or marshal: the folder is input like any file). It is
  read only from a regular file owned by this user that others may not write (not through
  a link; `user_cache.read_private`), no larger than `MAX_ENTRY_BYTES`,
  that names its own key; its shape is checked (types, depth) before use, and anything
  else is a miss: the file is parsed again and the entry rewritten.
- A result is stored only when its JSON form reads back as the very same values (types
  and key order included): what a hit returns is what the parser returned.
- Parse failures are stored as their one-line message, so a hit says the same error.

Where: `$HDS_IAC_CACHE_DIR/hcl/`, else `$XDG_CACHE_HOME/hds-iac/hcl/` (`~/.cache/...`);
folders 0700, files 0600, written atomically. The folder is refused when another user
owns it or others may write it. Entries over `MAX_ENTRY_BYTES` are not stored; past
`MAX_TOTAL_BYTES` in all, the least recently used are removed down to `PRUNED_TO`. A
folder that cannot be created, read or written never fails a scan: the cache is skipped
with one notice on standard error. Off: `hds-iac scan --no-cache` or HDS_IAC_NO_CACHE=1.

Why a first (cold) run costs no more than no cache: during a scan (`session`) new entries
are kept in memory, checked, and written when the scan ends, after its report; a text
met twice in one scan is read back from memory, not from the disk; the key's fixed part
(the sources' digest and the limits) is hashed once per process; an entry is written
without forcing it to disk (a torn one is a miss); and the least-recently-used walk over
the whole folder runs at most once every `PRUNE_EVERY` seconds (a stamp file says when)
or after `MAX_TOTAL_BYTES // 8` written by one process, not in every process.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import stat
import sys
import time
from typing import Any, Callable, Iterator

from hds_iac.atomic_file import write_private
from hds_iac.console import say
from hds_iac.errors import ParseFailure
from hds_iac.terraform import limits
from hds_iac.terraform.hcl.source_map import BlockSource, Comment
from hds_iac import user_cache

FORMAT = 1
MAX_ENTRY_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
PRUNED_TO = MAX_TOTAL_BYTES * 3 // 4
# A hit refreshes an entry's time at most once a day (the age pruning goes by).
_REFRESH_AFTER = 24 * 3600
# Temporary files of writers killed mid-way are removed after an hour.
_STALE_TEMP_AFTER = 3600
# The walk over every entry (sizes, ages) runs at most this often per folder...
PRUNE_EVERY = 3600
# ... as its stamp file says (not an entry name, not a temporary file's).
_STAMP = "pruned.stamp"
# New entries of a scan wait in memory up to this many bytes, then are written.
MAX_PENDING_BYTES = 16 * 1024 * 1024
# hds-iac's modules whose source shapes a parsed result (its dict, its block sources, its
# error messages): part of the key.
SHAPING = ("hds_iac.terraform.hcl.files", "hds_iac.terraform.hcl.source_map",
           "hds_iac.terraform.hcl.parse_cache", "hds_iac.terraform.limits")
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_MAX_ERROR_CHARS = 2000

Parsed = tuple[dict, dict[str, list[BlockSource]]]

_option_off = False
_sessions = 0
# Per open session, innermost last: [] until its folder (or None: off) is first looked up,
# then [that]: the environment is read once per scan, not once per file.
_session_folders: list[list["_Folder | None"]] = []
_folders: dict[str, "_Folder | None"] = {}
_noticed = False
_environment: bytes | None = None
_prefixes: dict[tuple, Any] = {}
_limit_names: list[str] | None = None


def forget() -> None:
    """What a new process would not know: the folders checked, the notice given."""
    global _noticed, _environment, _limit_names
    _folders.clear()
    for known in _session_folders:
        known.clear()
    _noticed = False
    _environment = None
    _prefixes.clear()
    _limit_names = None


@contextlib.contextmanager
def session(off: bool) -> Iterator[None]:
    """One scan (`hds-iac scan`, the pre-commit hook): the cache off while the block runs
    when `off` (`--no-cache`); otherwise the entries it makes are written when the block
    ends (after the report: the scan is not slowed by the writes), all at once."""
    global _option_off, _sessions
    saved = _option_off
    _option_off = saved or off
    _sessions += 1
    _session_folders.append([])
    try:
        yield
    finally:
        _session_folders.pop()
        _sessions -= 1
        _option_off = saved
        flush()


def flush() -> None:
    """Write the entries kept in memory (see `session`)."""
    for folder in list(_folders.values()):
        if folder is not None:
            folder.flush()


def folder_path() -> str:
    return os.path.join(user_cache.parsed_files_root(), "hcl")


def cached_parse(text: str, parse: Callable[[str], Parsed]) -> Parsed:
    """`parse(text)`, or what it returned (or raised: ParseFailure) for the same text
    before, read from the cache."""
    folder = _current()
    if folder is None:
        return parse(text)
    key = _key(text)
    hit = folder.pending_hit(key)
    if hit is None:
        hit = folder.read(key)
    if isinstance(hit, str):
        raise ParseFailure(hit)
    if hit is not None:
        return hit
    try:
        result = parse(text)
    except ParseFailure as exc:
        folder.write(key, {"format": FORMAT, "key": key, "error": str(exc)}, None)
        raise
    data, blocks = result
    folder.write(key, {"format": FORMAT, "key": key, "body": data,
                       "blocks": _encode_blocks(blocks)}, result)
    return result


def _off() -> bool:
    return _option_off or user_cache.parsed_files_off()


def _current() -> "_Folder | None":
    known = _session_folders[-1] if _session_folders else None
    if known:
        return known[0]
    folder = None
    if not _off():
        path = folder_path()
        if path not in _folders:
            _folders[path] = _Folder.open(path)
        folder = _folders[path]
    if known is not None:
        known.append(folder)
    return folder


def _notice(text: str) -> None:
    """At most one line per process: the cache only saves time, a scan goes on without."""
    global _noticed
    if not _noticed:
        _noticed = True
        say(f"hds-iac: note: {text}; files are parsed without the cache "
            "(HDS_IAC_NO_CACHE=1 turns it off)")


# --- the key ------------------------------------------------------------------------------


def _package_files(name: str, recursive: bool) -> list[str]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for base in spec.submodule_search_locations:
        for folder, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__") if recursive else []
            out.extend(os.path.join(folder, n) for n in sorted(names)
                       if n.endswith((".py", ".lark")))
    return out


def _module_file(name: str) -> str | None:
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None) if module is not None else None
    if origin is None:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
    return origin


def _environment_digest() -> bytes:
    """Everything but the text that shapes a parse: the sources of python-hcl2 (grammar
    and modules: its version and any edit), of Lark's version module, and of hds-iac's
    `SHAPING` modules. Computed once per process (about 2 ms: no import)."""
    global _environment
    if _environment is None:
        digest = hashlib.sha256(f"hds-iac parse cache {FORMAT}\n".encode())
        paths = [*_package_files("hcl2", recursive=True), _module_file("lark"),
                 *(_module_file(name) for name in SHAPING)]
        for path in paths:
            digest.update(f"{path and os.path.basename(path)}\0".encode())
            try:
                with open(path or "", "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
            except OSError:
                digest.update(b"unreadable")
        _environment = digest.digest()
    return _environment


def _key(text: str) -> str:
    """SHA-256 of the environment, the limits' values and `text`: the fixed part hashed
    once per process (and again only when a limit's value changes, as tests do)."""
    global _limit_names
    if _limit_names is None:
        _limit_names = sorted(name for name in vars(limits) if name.startswith("MAX_"))
    values = tuple(getattr(limits, name, None) for name in _limit_names)
    prefix = _prefixes.get(values)
    if prefix is None:
        prefix = hashlib.sha256(_environment_digest())
        for name, value in zip(_limit_names, values):
            if isinstance(value, int):
                prefix.update(f"{name}={value}\n".encode())
        prefix.update(b"\0")
        _prefixes[values] = prefix
    digest = prefix.copy()
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# --- entries ------------------------------------------------------------------------------


def _encode_blocks(blocks: dict[str, list[BlockSource]]) -> dict[str, list[list]]:
    return {kind: [[b.line, b.end_line, b.attributes, [[c.line, c.text] for c in b.comments]]
                   for b in found] for kind, found in blocks.items()}


def _line(value: Any) -> bool:
    return type(value) is int and value >= 0


def _decode_blocks(doc: Any) -> dict[str, list[BlockSource]] | None:
    """The block sources of an entry, or None when it is not exactly their shape."""
    if type(doc) is not dict:
        return None
    out: dict[str, list[BlockSource]] = {}
    for kind, found in doc.items():
        if type(found) is not list:
            return None
        sources = []
        for item in found:
            if type(item) is not list or len(item) != 4:
                return None
            line, end_line, attributes, comments = item
            if not ((line is None or _line(line)) and (end_line is None or _line(end_line))
                    and type(attributes) is dict and type(comments) is list):
                return None
            if not all(type(k) is str and _line(v) for k, v in attributes.items()):
                return None
            parsed_comments = []
            for comment in comments:
                if not (type(comment) is list and len(comment) == 2 and _line(comment[0])
                        and type(comment[1]) is str):
                    return None
                parsed_comments.append(Comment(comment[0], comment[1]))
            sources.append(BlockSource(line, end_line, attributes, tuple(parsed_comments)))
        out[kind] = sources
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types, with dict keys in the same order (iterative)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if type(x) is dict:
            if list(x) != list(y):
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif type(x) is list:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif type(x) is float:
            if not (x == y or (x != x and y != y)):
                return False
        elif x != y:
            return False
    return True


def _decode(raw: bytes, key: str) -> Parsed | str | None:
    """What an entry holds (a result, or a parse failure's message), or None when it is
    not a well-formed entry for `key`."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("key") != key:
        return None
    if "error" in doc:
        error = doc["error"]
        if type(error) is not str or not error or len(error) > _MAX_ERROR_CHARS \
                or "\n" in error or "\r" in error:
            return None
        return error
    body = doc.get("body")
    if type(body) is not dict or limits.json_depth_over(body, limits.MAX_JSON_DEPTH):
        return None
    blocks = _decode_blocks(doc.get("blocks"))
    if blocks is None:
        return None
    return body, blocks


class _Folder:
    """The cache folder of this process: checked once, written while it can be."""

    def __init__(self, path: str, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self.written = 0  # bytes written since the size was last checked
        self.checked = False
        # Entries made during a session, checked, not yet written: key -> JSON bytes.
        self.pending: dict[str, bytes] = {}
        self.pending_bytes = 0

    @classmethod
    def open(cls, path: str) -> "_Folder | None":
        uid = os.getuid() if hasattr(os, "getuid") else None
        try:
            parent = os.path.dirname(path)
            if not os.path.isdir(parent):
                os.makedirs(parent, mode=0o700, exist_ok=True)
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
            info = os.lstat(path)
        except OSError as exc:
            _notice(f"cannot create the cache folder {path} ({exc.strerror or exc})")
            return None
        if not stat.S_ISDIR(info.st_mode):
            _notice(f"the cache folder {path} is not a folder")
            return None
        if uid is not None and info.st_uid != uid:
            _notice(f"the cache folder {path} belongs to another user")
            return None
        if info.st_mode & 0o077:
            try:
                os.chmod(path, 0o700)
            except OSError as exc:
                _notice(f"cannot make the cache folder {path} private ({exc.strerror or exc})")
                return None
        if not os.access(path, os.R_OK | os.X_OK):
            _notice(f"cannot read the cache folder {path}")
            return None
        writable = os.access(path, os.W_OK)
        if not writable:
            _notice(f"the cache folder {path} is read-only: new parses are not kept")
        return cls(path, writable)

    def pending_hit(self, key: str) -> Parsed | str | None:
        """An entry this process made and has not written yet (fresh objects, as a read
        from the disk gives: no two files share a parsed value)."""
        raw = self.pending.get(key)
        return None if raw is None else _decode(raw, key)

    def read(self, key: str) -> Parsed | str | None:
        path = os.path.join(self.path, key + ".json")
        read = user_cache.read_private(path, MAX_ENTRY_BYTES)
        if read is None:
            return None
        raw, info = read
        found = _decode(raw, key)
        if found is not None and self.writable and time.time() - info.st_mtime > _REFRESH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(path)
        return found

    def write(self, key: str, doc: dict, result: Parsed | None) -> None:
        """Keep `doc` for `key` when it reads back as `result` (as the error, for a
        failure) and is small enough: in memory during a session (written when it ends,
        or when too much waits), else at once. A folder that cannot be written is left
        alone."""
        if not self.writable:
            return
        try:
            text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return  # not JSON data: not cached
        raw = text.encode("utf-8", "surrogatepass")
        if len(raw) > MAX_ENTRY_BYTES:
            return
        back = _decode(raw, key)
        if result is None:
            if back != doc.get("error"):
                return
        elif not (isinstance(back, tuple) and _same(back[0], result[0])
                  and back[1] == result[1]):
            return
        if key in self.pending:
            return
        self.pending[key] = raw
        self.pending_bytes += len(raw)
        if not _sessions or self.pending_bytes > MAX_PENDING_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write the entries waiting in memory, then walk the folder when it is time."""
        pending, self.pending, self.pending_bytes = self.pending, {}, 0
        if not self.writable:
            return
        for key, raw in pending.items():
            try:
                write_private(os.path.join(self.path, key + ".json"), raw)
            except OSError as exc:
                self.writable = False
                _notice(f"cannot write in the cache folder {self.path} ({exc.strerror or exc})")
                return
            self.written += len(raw)
        if not pending:
            return
        # The walk: in the first process to write after PRUNE_EVERY, and after each
        # MAX_TOTAL_BYTES // 8 that one process writes (a huge first scan).
        due = self.written > MAX_TOTAL_BYTES // 8 or (not self.checked and self._walk_due())
        self.checked = True
        if due:
            self.written = 0
            self.prune()

    def _walk_due(self) -> bool:
        """Whether the last walk over this folder (its stamp, a regular file: anything
        else there is replaced by the walk) is PRUNE_EVERY old or more."""
        try:
            info = os.lstat(os.path.join(self.path, _STAMP))
        except OSError:
            return True
        return not stat.S_ISREG(info.st_mode) or time.time() - info.st_mtime >= PRUNE_EVERY

    def _stamp(self) -> None:
        stamp = os.path.join(self.path, _STAMP)
        try:
            fd = os.open(stamp, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:  # a link or anything else there: replaced by a stamp of ours
            with contextlib.suppress(OSError):
                write_private(stamp, b"")
            return
        try:
            os.utime(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def prune(self) -> None:
        """Remove the least recently used entries past MAX_TOTAL_BYTES, down to PRUNED_TO,
        and the temporary files of writers that died; stamp the folder as walked."""
        self._stamp()
        entries, total, now = [], 0, time.time()
        try:
            with os.scandir(self.path) as listing:
                for entry in listing:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if _ENTRY_NAME.match(entry.name):
                        entries.append((info.st_mtime, info.st_size, entry.path))
                        total += info.st_size
                    elif entry.name.endswith(".tmp") and now - info.st_mtime > _STALE_TEMP_AFTER:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
        except OSError:
            return
        if total <= MAX_TOTAL_BYTES:
            return
        for _, size, path in sorted(entries):
            if total <= PRUNED_TO:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size
