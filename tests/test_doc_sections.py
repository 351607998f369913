"""The per-rule tables of the hand-written docs are generated from the rules' files.

docs/model-contract.md (what each rule reads) and docs/checkov.md (what checkov's
one-resource fallback judges only in part or not at all) carry a table between
`<!-- hds-iac docs: NAME -->` markers that `hds-iac docs` writes from each rule's
`[contract]` and `[checkov]`: no hand-kept copy of what a rule declares.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO
from hds_iac import catalogue, checkov_support, doc_sections

DOCS = REPO / "docs"
MARKED = {"model-contract.md": "model-contract", "checkov.md": "checkov-fallback"}


@pytest.mark.parametrize("name", sorted(MARKED))
def test_committed_tables_are_what_the_rules_declare(name: str) -> None:
    text = (DOCS / name).read_text("utf-8")
    assert f"<!-- hds-iac docs: {MARKED[name]} -->" in text
    assert doc_sections.refresh(text) == text, f"docs/{name} is stale: run `hds-iac docs`"


def test_every_rule_has_its_contract_row_and_checkov_notes_match_the_checks() -> None:
    cat = catalogue.load()
    table = doc_sections.model_contract(cat)
    for meta in cat:
        assert meta.contract is not None, meta.id
        assert f"| {meta.id} " in table
    notes = {m.id: m.checkov.fallback for m in cat if m.checkov}
    assert {r for r, f in notes.items() if f == "partial"} == set(checkov_support.PARTIAL)
    assert {r for r, f in notes.items() if f == "native-only"} == set(checkov_support.NATIVE_ONLY)
    fallback = doc_sections.checkov_fallback(cat)
    for rule_id in checkov_support.native_only_rules():
        assert rule_id in fallback


def test_the_kinds_column_is_what_the_code_declares() -> None:
    """The kinds come from `@rule(kinds=...)`, narrowed by the contract's `which`: the
    table cannot name a kind the rule does not judge."""
    from hds_iac.rules import kinds_of

    table = doc_sections.model_contract(catalogue.load())
    row = next(line for line in table.splitlines() if line.startswith("| HDS-ENC-005 "))
    kinds_cell = row.split(" | ")[1]
    assert kinds_cell.startswith("snapshot, image (those with `stores_data=True`")
    assert set(kinds_of("HDS-ENC-005")) == {"snapshot", "image"}
    drift = next(line for line in table.splitlines() if line.startswith("| HDS-DRIFT-001 "))
    assert kinds_of("HDS-DRIFT-001") is None and drift.split(" | ")[1] == "any"


def test_a_rule_without_a_contract_is_refused() -> None:
    cat = catalogue.load()
    broken = replace(cat, rules={**cat.rules, "HDS-ENC-001": replace(cat["HDS-ENC-001"],
                                                                     contract=None)})
    with pytest.raises(catalogue.CatalogueError, match="HDS-ENC-001: no \\[contract\\]"):
        doc_sections.model_contract(broken)


def test_hds_iac_docs_rewrites_a_stale_table_and_nothing_else(tmp_path: Path) -> None:
    """The command writes the pages and the marked tables beside them; text outside the
    markers, and files without markers, are kept byte for byte."""
    stale = ("# Contract\n\nprose kept\n\n<!-- hds-iac docs: model-contract -->\n"
             "| rule | old |\n<!-- end hds-iac docs -->\n\nafter\n")
    (tmp_path / "model-contract.md").write_text(stale, "utf-8")
    (tmp_path / "notes.md").write_text("| HDS-ENC-001 | untouched |\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "hds_iac.cli", "docs", "--out",
                           str(tmp_path / "rules")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "model-contract.md") in done.stdout
    new = (tmp_path / "model-contract.md").read_text("utf-8")
    assert new.startswith("# Contract\n\nprose kept\n\n") and new.endswith("\n\nafter\n")
    assert "| rule | old |" not in new
    assert "| HDS-ENC-001 Volumes and machine disks are encrypted at rest | volume," in new
    assert (tmp_path / "notes.md").read_text("utf-8") == "| HDS-ENC-001 | untouched |\n"
    assert (tmp_path / "rules" / "HDS-ENC-001.md").is_file()


def test_an_unknown_section_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown generated section 'nope'"):
        doc_sections.refresh("<!-- hds-iac docs: nope -->\nx\n<!-- end hds-iac docs -->")
