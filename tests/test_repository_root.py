"""Which git repository a folder belongs to, asked of git once per repository rather than
once per folder: the answers must stay git's own (nested repositories, submodule-like
`.git` files, folders inside a git folder, environment overrides)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hds_iac import repository


def _git_init(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def _git_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(cmd, *args, **kwargs):  # type: ignore[no-untyped-def]
        if cmd and cmd[0] == "git" and "rev-parse" in cmd:
            calls.append(list(cmd))
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    repository._top.cache_clear()
    return calls


def test_folders_of_one_repository_ask_git_once(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "repo"
    _git_init(top)
    folders = [top / "envs" / f"e{i}" / "app" for i in range(5)]
    for folder in folders:
        folder.mkdir(parents=True)
    calls = _git_calls(monkeypatch)
    assert {repository.root(f) for f in folders} == {top.resolve()}
    assert len(calls) == 1, calls


def test_a_nested_repository_is_its_own_root(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    _git_init(outer)
    inner = outer / "vendor" / "inner"
    _git_init(inner)
    (inner / "modules" / "db").mkdir(parents=True)
    _git_calls(monkeypatch)
    assert repository.root(outer / "vendor") == outer.resolve()
    assert repository.root(inner / "modules" / "db") == inner.resolve()


def test_a_gitfile_folder_is_asked_of_git(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A `.git` file (a submodule, a linked work tree) or a foreign `.git` entry: git
    decides, never the parent's answer."""
    outer = tmp_path / "outer"
    _git_init(outer)
    sub = outer / "sub"
    sub.mkdir()
    (sub / ".git").write_text("gitdir: /nonexistent/elsewhere\n")
    (sub / "x").mkdir()
    calls = _git_calls(monkeypatch)
    # git refuses the broken `.git` file: no repository, where the parent's answer would
    # have been the outer one.
    assert repository.root(sub / "x") is None
    assert repository.root(outer) == outer.resolve()
    assert any(str(sub) in " ".join(c) for c in calls), calls


def test_a_folder_inside_the_git_folder_is_not_in_the_work_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "repo"
    _git_init(top)
    _git_calls(monkeypatch)
    assert repository.root(top) == top.resolve()
    assert repository.root(top / ".git" / "hooks") is None


def test_git_environment_overrides_are_left_to_git(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "repo"
    _git_init(top)
    (top / "a" / "b").mkdir(parents=True)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(top / "a"))
    calls = _git_calls(monkeypatch)
    assert repository.root(top / "a" / "b") is None  # git stops below the ceiling
    assert len(calls) == 1


def test_outside_any_repository_git_is_not_asked(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to the file system's top nothing can be a repository: git would answer "not a
    repository", so it is not started (a plan scanned in /tmp starts no process)."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    here = folder.resolve()
    if any(os.path.lexists(p / m) for p in (here, *here.parents)
           for m in repository._GIT_MARKERS) or any(
               os.environ.get(v) for v in repository._DISCOVERY_VARIABLES):
        pytest.skip("a folder above tmp_path holds something git may take for a repository")
    calls = _git_calls(monkeypatch)
    assert repository.root(folder) is None
    assert calls == []
    proc = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0  # and git agrees


def test_a_marker_at_the_top_is_left_to_git(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The top folder's own markers are checked: one there means git is asked."""
    calls = _git_calls(monkeypatch)
    monkeypatch.setattr(repository.os.path, "lexists",
                        lambda p: p == os.path.join(os.sep, ".git") or os.path.islink(p)
                        or os.path.exists(p))
    repository.root(tmp_path)
    assert calls and calls[-1][calls[-1].index("-C") + 1] == os.sep
