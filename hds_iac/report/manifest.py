"""A SHA-256 manifest beside each report file written: `rapport.html.sha256`, in the
format of `sha256sum` (`<hex>  <file name>`), so that whoever receives the filed evidence
can check later, with `sha256sum -c rapport.html.sha256` in the report's folder, that it
is the report hds-iac wrote. The manifest names the file without its folder: the pair
can be moved together."""
from __future__ import annotations

import os

from hds_iac import atomic_file
from hds_iac.provenance import sha256_file

SUFFIX = ".sha256"


def line(digest: str, name: str) -> str:
    """One `sha256sum` line. A name with a newline or backslash is written in sha256sum's
    escaped form (a leading backslash), which `sha256sum -c` reads back."""
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {name}\n"


def write_beside(path: str) -> str | None:
    """Write `<path>.sha256` for the regular file at `path` (already written) and return
    its path, written whole or not at all. A report sent to a device or a pipe
    (`--output-file /dev/stdout`) has no file to check later: no manifest (None)."""
    if not os.path.isfile(path):
        return None
    digest = sha256_file(path)
    if digest is None:
        raise OSError(f"cannot read {path} back to hash it")
    target = path + SUFFIX
    atomic_file.write_text(target, line(digest, os.path.basename(path)))
    return target
