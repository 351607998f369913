"""The git repository a scanned path belongs to: the boundary of what may configure a
scan, and the root every report names files from.

Settings (`.hds-iac.yaml`) are searched no higher than the repository's top folder, and
baselines name inputs relative to it, so that nothing in a shared parent folder (a CI
runner's workspace, /tmp) can change a verdict, and a baseline means the same from any
working folder. Git itself decides where the work tree starts: an empty or foreign `.git`
folder planted in a parent is not a repository to it (and git refuses repositories owned
by another user), where a mere `.git` marker test would accept it.

Reports name files relative to the same root, whatever folder the scan started from:
GitHub code scanning resolves SARIF URIs from the repository root, GitLab and developers
click the same paths, and a finding in a module called as `../../modules/storage` reads
`modules/storage/main.tf`. Outside any repository the scanned folder plays the root's
part; a file outside the root is named by its absolute path, never with `..`.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

GIT_TIMEOUT = 10.0  # seconds; a hung git must not hang the gate


def folder_of(path: str | os.PathLike[str]) -> Path:
    """`path` if it is a folder, else the folder holding it, resolved."""
    here = Path(path).resolve()
    return here if here.is_dir() else here.parent


# Environment variables that change how git finds a repository: with any of them set,
# every folder asks git itself.
_DISCOVERY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES",
                        "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_COMMON_DIR")
# Names whose presence in a folder may make it a repository, or a git folder, to git.
_GIT_MARKERS = (".git", "HEAD", "objects", "refs", "commondir", "gitdir")


def _same_answer_as_parent(folder: str, parent: str) -> bool:
    """Whether git, looking for the repository of `folder`, would look in `parent` next
    and find the same thing: `folder` holds nothing that can be a repository, is not
    inside a git folder, and sits on the parent's file system (git stops at a mount
    point). A scan of a tree of modules asks for many folders of one repository; this
    spares one git process per folder (31 on the benchmark's 300-file tree)."""
    if parent == folder or any(os.environ.get(v) for v in _DISCOVERY_VARIABLES):
        return False
    if ".git" in Path(folder).parts or folder.endswith(".git"):
        return False
    try:
        if any(os.path.lexists(os.path.join(folder, name)) for name in _GIT_MARKERS):
            return False
        return os.stat(folder).st_dev == os.stat(parent).st_dev
    except OSError:
        return False


def _nothing_at_the_top(folder: str) -> bool:
    """Whether `folder` is the file system's top (it is its own parent) and holds nothing
    that can be a repository: git, having found nothing in the folders below (each gave
    `_same_answer_as_parent`), finds nothing here either and answers "not a repository".
    A scan outside any repository (a plan in /tmp, a CI workspace without .git) then
    starts no git process at all."""
    if os.path.dirname(folder) != folder or any(os.environ.get(v) for v in _DISCOVERY_VARIABLES):
        return False
    try:
        return not any(os.path.lexists(os.path.join(folder, name)) for name in _GIT_MARKERS)
    except OSError:
        return False


@functools.lru_cache(maxsize=256)
def _top(folder: str) -> Path | None:
    parent = os.path.dirname(folder)
    if _same_answer_as_parent(folder, parent):
        return _top(parent)
    if _nothing_at_the_top(folder):
        return None
    import subprocess  # here: a scan outside any repository never needs it

    try:
        proc = subprocess.run(
            # Repository-local settings that could run programs are switched off: the
            # scanned repository is input, and input is hostile.
            ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
             "--no-optional-locks", "-C", folder, "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, timeout=GIT_TIMEOUT,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    top = proc.stdout.strip()
    return Path(top).resolve() if proc.returncode == 0 and top else None


def root(path: str | os.PathLike[str]) -> Path | None:
    """The top folder of the git work tree holding `path` (a folder or a file); None
    outside a repository or when git is not available."""
    return _top(str(folder_of(path)))


def relative_key(path: str | os.PathLike[str]) -> str:
    """`path` as a stable name: relative to its repository's top folder ("/" separators),
    else relative to the working folder when inside it, else absolute."""
    real = Path(path).resolve()
    top = root(real)
    base = top if top is not None else Path.cwd().resolve()
    try:
        rel = real.relative_to(base)
    except ValueError:
        return real.as_posix()
    return rel.as_posix() or "."


def display_base(path: str) -> str:
    """The folder file names are shown relative to, for a scan of `path`: its repository
    root, else the scanned folder (the folder of a scanned file)."""
    top = root(path)
    return str(top) if top is not None else str(folder_of(path))


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    """The folder with its links resolved, once per folder per process: a scan names
    hundreds of files of a few folders, and each resolution is a system call per path
    component."""
    return os.path.realpath(folder)


def shown(path: str, base: str) -> str:
    """`path` relative to `base` with "/" separators, or absolute when outside it. Folders
    are resolved, as `root` is (a linked folder must not turn into `..`); the file keeps
    its own name (a broken link is named as the link)."""
    absolute = os.path.join(_real_folder(os.path.dirname(os.path.abspath(path))),
                            os.path.basename(path))
    try:
        rel = os.path.relpath(absolute, _real_folder(base))
    except ValueError:  # another drive (Windows)
        return absolute.replace(os.sep, "/")
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return absolute.replace(os.sep, "/")
    return rel.replace(os.sep, "/")
