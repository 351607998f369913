"""hds-iac's folder in the user's cache: `$XDG_CACHE_HOME/hds-iac` (`~/.cache/hds-iac`).

One function says where, for everything hds-iac keeps between runs: the command recorded
for checkov's checks (`native.json`), the pre-commit checkov environment, Lark's build of
python-hcl2's parser and, unless HDS_IAC_CACHE_DIR moves it, the parsed-file cache.
"""
from __future__ import annotations

import os


def root() -> str:
    """`$XDG_CACHE_HOME/hds-iac`, else `~/.cache/hds-iac` (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hds-iac")
