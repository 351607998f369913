"""The seed texts the catalogue and the matrices are checked against (HDS référentiel v2.0,
Outscale's responsibility matrix), and the copied-run test the matrix's confidentiality
needs. The seeds sit in a `shared/seeds` folder beside the repository (or its worktree):
the nearest one up the tree is used, or HDS_IAC_SEEDS; without them the checks skip."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import pytest

RUN = 10  # words: a longer run shared with the matrix is a copy, not a paraphrase


def seeds_dir() -> Path | None:
    if os.environ.get("HDS_IAC_SEEDS"):
        return Path(os.environ["HDS_IAC_SEEDS"])
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    return None


def seed(marker: str) -> str:
    folder = seeds_dir()
    if folder is None or not folder.is_dir():
        pytest.skip("seed texts not found (shared/seeds or HDS_IAC_SEEDS)")
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text("utf-8")
        if marker in text:
            return text
    pytest.skip(f"no seed text contains {marker!r}")


def matrix_text() -> str:
    return seed("Matrice de responsabilit")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=1)
def matrix_runs() -> frozenset[tuple[str, ...]]:
    tokens = words(matrix_text())
    return frozenset(tuple(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1))


def copied_runs(text: str) -> list[str]:
    """Runs of RUN words of `text` found as such in the confidential matrix."""
    runs = matrix_runs()
    tokens = words(text)
    return [" ".join(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1)
            if tuple(tokens[i:i + RUN]) in runs]
