"""The rule pages (docs/rules/) are generated from the catalogue and kept up to date."""
from __future__ import annotations

from pathlib import Path

import pytest

from hds_iac import matrices
from hds_iac import catalogue, rule_docs

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rules"
RULES = list(catalogue.load())
IDS = [m.id for m in RULES]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_committed_docs_are_up_to_date(tmp_path: Path) -> None:
    written = rule_docs.write(tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted([f"{i}.md" for i in IDS] + ["README.md"])
    committed = sorted(p.name for p in DOCS.glob("*.md")) if DOCS.is_dir() else []
    assert committed == names, "docs/rules/ is out of date: run `hds-iac docs` and commit it"
    stale = [n for n in names if (DOCS / n).read_text("utf-8") != (tmp_path / n).read_text("utf-8")]
    assert stale == [], f"out of date, run `hds-iac docs`: {', '.join(stale)}"


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in rule_docs.write(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in rule_docs.write(tmp_path / "b")}
    assert first == second


def test_write_removes_pages_of_rules_that_no_longer_exist(tmp_path: Path) -> None:
    (tmp_path / "HDS-OLD-999.md").write_text("gone", encoding="utf-8")
    (tmp_path / "notes.md").write_text("kept", encoding="utf-8")
    rule_docs.write(tmp_path)
    assert not (tmp_path / "HDS-OLD-999.md").exists()
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "kept"


@pytest.mark.parametrize("meta", RULES, ids=IDS)
def test_page_has_both_languages_and_every_reference(meta) -> None:
    page = rule_docs.render_rule(meta)
    flat = _flat(page)
    assert page.startswith(f"# {meta.id}: {meta.title.en}\n")
    for text in (meta.title.en, meta.title.fr, meta.rationale.en, meta.rationale.fr,
                 meta.remediation.en, meta.remediation.fr):
        assert _flat(text).replace("|", "\\|") in flat
    for value in (meta.topic, meta.severity, meta.scope):
        assert value in page
    refs = meta.references
    for ref in (*refs.hds, *refs.iso27001, *refs.secnumcloud):
        assert ref in page, ref
    for provider in meta.providers:
        duties = matrices.load().duties_for(provider, meta.id)
        if not duties:
            assert "No duty of this provider's matrix covers this rule" in page
        for duty in duties:
            assert _flat(duty.duty.en) in flat and _flat(duty.duty.fr) in flat
            if duty.cites:
                assert _flat(duty.cites) in flat


def test_reference_rows_are_well_formed() -> None:
    """One row per duty of each provider's own matrix, seven columns each."""
    meta = catalogue.load()["HDS-BAK-004"]
    page = rule_docs.render_rule(meta)
    rows = [line for line in page.splitlines() if line.startswith(("| AWS |", "| Outscale |"))]
    loaded = matrices.load()
    assert len(rows) == sum(len(loaded.duties_for(p, meta.id)) for p in meta.providers) == 3
    assert all(row.count(" | ") == 6 for row in rows)
    outscale = [r for r in rows if r.startswith("| Outscale |")]
    assert all("3DS OUTSCALE" in r for r in outscale) and len(outscale) == 2


def test_index_groups_rules_by_topic() -> None:
    cat = catalogue.load()
    index = rule_docs.render_index(cat)
    for meta in cat:
        assert f"[{meta.id}]({meta.id}.md)" in index
    positions = {t: index.find(f"(`{t}`)") for t in catalogue.TOPICS if any(m.topic == t for m in cat)}
    assert all(p >= 0 for p in positions.values())
    assert list(positions) == sorted(positions, key=positions.get)  # catalogue topic order
    # each rule sits under its own topic heading
    for meta in cat:
        heading = index.rfind("## ", 0, index.find(f"[{meta.id}]"))
        assert f"(`{meta.topic}`)" in index[heading:index.find("\n", heading)]
