"""Where the repository root is, and how file names are shown relative to it.

Every report names files relative to the root of the repository holding the scanned
input, whatever folder the scan started from: GitHub code scanning resolves SARIF URIs
from the repository root, GitLab and developers click the same paths, and a finding in a
module called as `../../modules/storage` reads `modules/storage/main.tf`, not a path that
climbs out of the scanned folder. Outside any repository the scanned folder plays the
root's part (as for the configuration file); a file outside the root is named by its
absolute path, never with `..`.
"""
from __future__ import annotations

import os


def root_of(path: str) -> str | None:
    """The nearest folder at or above `path` holding `.git` (a folder, or the file of a
    worktree or submodule), as an absolute path; None outside any repository."""
    here = os.path.abspath(path)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def display_base(path: str) -> str:
    """The folder file names are shown relative to, for a scan of `path`: its repository
    root, else the scanned folder (the folder of a scanned file)."""
    root = root_of(path)
    if root:
        return root
    here = os.path.abspath(path)
    return here if os.path.isdir(here) else os.path.dirname(here)


def shown(path: str, base: str) -> str:
    """`path` relative to `base` with "/" separators, or absolute when outside it."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, os.path.abspath(base))
    except ValueError:  # another drive (Windows)
        return absolute.replace(os.sep, "/")
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return absolute.replace(os.sep, "/")
    return rel.replace(os.sep, "/")
