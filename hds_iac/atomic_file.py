"""Reports written whole or not at all.

`--output-file` may point at the file a CI job uploads or an auditor keeps: an error while
writing (a full disk, an interrupted run) must not leave half a report that still looks
like one. The text goes to a temporary file in the same folder (so the rename stays on one
file system), then replaces the target in one `os.replace`; on any error the temporary
file is removed and the previous report, if any, is left as it was.

Only a regular file (or a new one) is replaced: `--output-file /dev/stdout`, a named pipe or
a device is written in place (replacing `/dev/null` by a file would break the machine), and
a symbolic link is followed so that the file it points at is the one replaced.
"""
from __future__ import annotations

import os
import stat
from typing import Callable, Iterable


def _mode_for(path: str) -> int:
    """The existing file's permissions, else what a plain `open(path, "w")` would give."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically; raises OSError like `open` would."""
    write_chunks(path, (text,))


def write_chunks(path: str, chunks: Iterable[str]) -> None:
    """Write the pieces of a text (UTF-8) to `path` as they come, atomically: a large
    report never needs to be one string, and a failure while producing a piece leaves
    the previous file as it was."""
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)  # follows links
    except FileNotFoundError:
        special = False
    if special:
        with open(path, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return
    path = os.path.realpath(path)
    mode = _mode_for(path)

    def fill(fd: int) -> None:
        with os.fdopen(fd, "w", encoding="utf-8", newline="", closefd=False) as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.fsync(fd)
        os.fchmod(fd, mode)

    _replace(path, fill)


def write_private(path: str, data: bytes) -> None:
    """Write `data` to `path` atomically as a file only its owner may read (0600), for
    caches: a symbolic link or special file at `path` is itself replaced, never followed,
    and the data is not forced to disk (a reader of a cache checks what it reads, so a
    file cut short by a crash is only a miss). Bytes, with no text layer: a cache writes
    many small files. Raises OSError."""
    def fill(fd: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, 0o600)

    _replace(path, fill)


def _replace(path: str, fill: Callable[[int], None]) -> None:
    """A new temporary file beside `path` (mkstemp: O_EXCL, links not followed, in the
    same folder so the rename stays on one file system), filled by `fill(fd)`, then put
    in place of `path` in one rename; removed on any error."""
    folder = os.path.dirname(path) or "."
    import tempfile  # here: importing it costs every command, most write no file

    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        try:
            fill(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
