"""The rule fixture cases (fixtures/rules/<RULE>/<case>/expect.yaml), shared by the test that
scans them with the real command line (tests/test_fixtures.py) and the one that scans them
in-process (tests/test_fixture_verdicts.py, fast enough for scripts/mutation.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from conftest import FIXTURES


@dataclass(frozen=True)
class Case:
    folder: Path
    rule: str
    var_files: tuple[str, ...]  # paths of the case's --var-file arguments
    want: tuple[tuple[str, str], ...]  # sorted (address, status) the rule must give
    # (address, text) the English message of that address's finding must contain: a case
    # may pin what a user reads, not only the status (`message:` beside a finding)
    says: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"

    @property
    def target(self) -> Path:
        """A case is a Terraform folder, or a folder holding one plan/state JSON."""
        jsons = sorted(self.folder.glob("*.json")) + sorted(self.folder.glob("*.tfstate"))
        return jsons[0] if jsons else self.folder


def load(folder: Path) -> Case:
    expect = yaml.safe_load((folder / "expect.yaml").read_text())
    return Case(folder, expect["rule"],
                tuple(str(folder / v) for v in expect.get("var_files", [])),
                tuple(sorted((f["address"], f["status"]) for f in expect["findings"])),
                tuple((f["address"], f["message"]) for f in expect["findings"] if "message" in f))


def missing_texts(case: Case, messages: dict[str, str]) -> list[tuple[str, str]]:
    """The (address, text) pairs of `case.says` that the findings' English messages
    (`messages`: address -> message) do not contain."""
    return [(a, t) for a, t in case.says if t not in messages.get(a, "")]


CASES = [load(p.parent) for p in sorted((FIXTURES / "rules").glob("*/*/expect.yaml"))]
