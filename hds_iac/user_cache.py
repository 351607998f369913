"""hds-iac's folder in the user's cache: `$XDG_CACHE_HOME/hds-iac` (`~/.cache/hds-iac`).

One function says where, for everything hds-iac keeps between runs: the command recorded
for checkov's checks (`native.json`), the checks' metadata table, the pre-commit checkov
environment, Lark's build of python-hcl2's parser and, unless HDS_IAC_CACHE_DIR moves them,
the parsed-file cache and the parse of hds-iac's own TOML data (`bundled_toml`). A value
computed from files is keyed by `fingerprint`, and old keyed files are removed by `prune`.

What is read back from there is trusted no more than the folder deserves: a file is read
only when it is a regular file of this user that nobody else may write, not through a
symbolic link, and no larger than its reader expects (`read_private`); files are written
0600 in a 0700 folder (`write_private`). `native.json` names a program that checkov's
process runs: a file planted there by someone else must not be taken for it.

Standard library only: checkov's environment imports this module.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import zlib
from typing import Iterable

from hds_iac import atomic_file


def root() -> str:
    """`$XDG_CACHE_HOME/hds-iac`, else `~/.cache/hds-iac` (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hds-iac")


def parsed_files_root() -> str:
    """Where the caches of parsed files live (the HCL parse cache, the parse of hds-iac's
    own TOML data): `$HDS_IAC_CACHE_DIR`, else `root()`; absolute."""
    return os.path.abspath(os.environ.get("HDS_IAC_CACHE_DIR") or root())


def parsed_files_off() -> bool:
    """Whether HDS_IAC_NO_CACHE switches the caches of parsed files off (any value but
    empty or 0), as `--no-cache` does."""
    return os.environ.get("HDS_IAC_NO_CACHE", "") not in ("", "0")


def read_private(path: str, max_bytes: int) -> tuple[bytes, os.stat_result] | None:
    """The bytes of `path` and its status, when it is a regular file owned by this user,
    not writable by its group or others, at most `max_bytes` long and not reached through
    a symbolic link; None otherwise (a miss for every caller: each computes the value
    again)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes \
                    or info.st_mode & 0o022 \
                    or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            # Its size plus one (not max_bytes: no large buffer for each small read): a
            # file that grew since fstat reads as longer than it was, a miss.
            raw = handle.read(info.st_size + 1)
    except OSError:
        return None
    return (raw, info) if len(raw) == info.st_size else None


def write_private(path: str, data: bytes) -> bool:
    """Write `data` to `path` (0600, atomically, its folder made 0700 when missing).
    Best effort: False when the cache cannot be written (read-only, full), which only
    means the next run computes the value again."""
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        atomic_file.write_private(path, data)
    except OSError:
        return False
    return True


def read_keyed(path: str, max_bytes: int, fmt: int, key: str) -> bytes | None:
    """The body of a keyed cache file (`write_keyed`): read as `read_private` reads, then
    kept only when its header line names this layout `fmt`, this `key` and the CRC-32 of
    the body (against damage: `read_private`'s checks are the ones against other people;
    a SHA-256 of a few hundred KB was several M instructions of every run, the CRC a
    tenth). None for anything else, a miss for every caller, which then checks what the
    body holds."""
    found = read_private(path, max_bytes)
    if found is None:
        return None
    header, _, body = found[0].partition(b"\n")
    try:
        head = json.loads(header)
    except (ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or head.get("format") != fmt or head.get("key") != key \
            or head.get("crc32") != zlib.crc32(body):
        return None
    return body


def write_keyed(path: str, fmt: int, key: str, body: bytes, prefix: str, suffix: str,
                kept: int) -> None:
    """Keep `body` in `path` behind the header `read_keyed` checks, then `prune` the
    older files of the same `prefix` and `suffix` (best effort, as `write_private`)."""
    header = json.dumps({"format": fmt, "key": key, "crc32": zlib.crc32(body)}).encode()
    if write_private(path, header + b"\n" + body):
        prune(path, prefix, suffix, kept)


def fingerprint(salt: str, folders: Iterable[str], suffixes: tuple[str, ...],
                recursive: bool = True) -> str:
    """A digest of `salt` and of every file named `*<suffix>` in `folders` (each folder's
    path, then each file's path relative to it, size and modification time; `__pycache__`
    skipped; subfolders only when `recursive`): the key of a value computed from those
    files, so that an edit, an added or removed file, an upgrade or another checkout gives
    another key. Size and time, not content: no file is read."""
    parts = [salt]
    for base in folders:
        parts.append(base)
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__") if recursive else []
            # the folder relative to base, by slicing (os.walk's folders start with it;
            # os.path.relpath per file cost more than the stat)
            inside = folder[len(base):].lstrip(os.sep)
            for name in sorted(files):
                if name.endswith(suffixes):
                    try:
                        info = os.stat(os.path.join(folder, name))
                    except OSError:
                        continue
                    parts.append(f"{os.path.join(inside, name)}\0{info.st_size}\0"
                                 f"{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def prune(written: str, prefix: str, suffix: str, kept: int) -> None:
    """Remove the files of `written`'s folder named `<prefix>...<suffix>` beyond the `kept`
    most recently written, never `written` itself: each upgrade or edit of hds-iac leaves
    its keyed files behind (several installations may share one user cache: each keeps
    its own). A link is removed, not followed. Best effort: a file that cannot be removed
    stays, and costs only disk."""
    folder = os.path.dirname(written)
    found: list[tuple[int, str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name.endswith(suffix) \
                        and entry.path != written:
                    try:
                        found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
                    except OSError:
                        continue
    except OSError:
        return
    for _, path in sorted(found, reverse=True)[kept - 1:]:
        try:
            os.unlink(path)
        except OSError:
            continue
