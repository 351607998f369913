"""hds-iac's folder in the user's cache: `$XDG_CACHE_HOME/hds-iac` (`~/.cache/hds-iac`).

One function says where, for everything hds-iac keeps between runs: the command recorded
for checkov's checks (`native.json`), the pre-commit checkov environment, Lark's build of
python-hcl2's parser and, unless HDS_IAC_CACHE_DIR moves it, the parsed-file cache.

What is read back from there is trusted no more than the folder deserves: a file is read
only when it is a regular file of this user that nobody else may write, not through a
symbolic link, and no larger than its reader expects (`read_private`); files are written
0600 in a 0700 folder (`write_private`). `native.json` names a program that checkov's
process runs: a file planted there by someone else must not be taken for it.

Standard library only: checkov's environment imports this module.
"""
from __future__ import annotations

import os
import stat

from hds_iac import atomic_file


def root() -> str:
    """`$XDG_CACHE_HOME/hds-iac`, else `~/.cache/hds-iac` (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hds-iac")


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
