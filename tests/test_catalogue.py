"""Every catalogue entry against its sources and its code.

References are checked against the two seed texts (HDS référentiel v2.0 with its Annex 1,
and the Outscale responsibility matrix): a cited requirement, control, chapter, section
or matrix reference must exist where the entry says. The matrix is confidential, so each
duty must be a paraphrase: no run of 10 consecutive words of the matrix may appear in it.
Messages are checked against the rule code that picks them.
"""
from __future__ import annotations

import importlib
import inspect
import re
import string
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest

from hds_iac import catalogue
from hds_iac.rules import registry

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ID = re.compile(r"^HDS-[A-Z]+-\d{3}$")
HDS_REF = re.compile(r"^EXI (\d{2})(?: ([A-H])(?:\.([a-z]))?)?$")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
# ISO/IEC 27001:2022 Annex A: controls 5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34, in this order.
ISO_CONTROLS = [f"{c}.{n}" for c, count in ((5, 37), (6, 8), (7, 14), (8, 34))
                for n in range(1, count + 1)]
RUN = 10  # words: a longer run shared with the matrix is a copy, not a paraphrase

RULES = list(catalogue.load())
IDS = [r.id for r in RULES]


# --- the seed texts ------------------------------------------------------------------


def _seed(marker: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found in {SEEDS}")
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        if marker in text:
            return text
    pytest.skip(f"no seed text contains {marker!r}")


def hds_text() -> str:
    return _seed("[EXI 28]")


def matrix_text() -> str:
    return _seed("Matrice de responsabilit")


def normalise(text: str) -> str:
    return " ".join(text.translate(DASHES).replace("\u00a0", " ").split())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=1)
def requirements() -> dict[str, str]:
    """EXI number -> the requirement's text (first occurrence, up to the next [EXI ..])."""
    text = hds_text()
    found: dict[str, str] = {}
    marks = list(re.finditer(r"\[EXI (\d{2})\]", text))
    for mark, nxt in zip(marks, marks[1:] + [None]):
        end = nxt.start() if nxt else len(text)
        found.setdefault(mark.group(1), text[mark.end():end])
    return found


def item(requirement: str, letter: str) -> str | None:
    """The text of item `letter` ("B.") of a requirement, up to the next item."""
    items = list(re.finditer(r"^\s*([A-Z])\.\s", requirement, re.M))
    for mark, nxt in zip(items, items[1:] + [None]):
        if mark.group(1) == letter:
            return requirement[mark.end():nxt.start() if nxt else len(requirement)]
    return None


@lru_cache(maxsize=1)
def annex_rows() -> dict[str, list[str]]:
    """Annex 1: ISO 27001 control -> the SecNumCloud chapters of its row.

    The text is a table flattened to lines: each row is "<control> – <title>" followed by
    zero or more "<chapter> – <title>". Controls come in Annex A order, which tells them
    from chapters with the same number shape; when a number appears twice before the next
    control (row 5.1 maps to chapter 5.2, the next control), the first one is a chapter."""
    text = hds_text()
    start = text.index("Annexe 1 : Matrice de correspondance")
    end = text.find("Deux exigences de SecNumCloud", start)
    annex = text[start:end if end > 0 else len(text)]
    marks = [m.group(1) for m in re.finditer(
        r"(?<![\d.])(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\s*[\u2013\u2014-]\s*\S", annex)]
    rows: dict[str, list[str]] = {}
    current, k, i = None, 0, 0
    while i < len(marks):
        num = marks[i]
        if k < len(ISO_CONTROLS) and num == ISO_CONTROLS[k]:
            following = ISO_CONTROLS[k + 1] if k + 1 < len(ISO_CONTROLS) else None
            j = i + 1
            while j < len(marks) and marks[j] not in (following, num):
                j += 1
            if current is not None and j < len(marks) and marks[j] == num:
                rows[current].append(num)
                i = j
            current, k = num, k + 1
            rows[current] = []
        elif current is not None:
            rows[current].append(num)
        i += 1
    return rows


@lru_cache(maxsize=1)
def matrix_sections() -> dict[str, str]:
    """Section number -> its text, from the numbered headings ("13. Cryptographie")."""
    text = matrix_text()
    heads = list(re.finditer(r"^\s*(\d{1,2})\.\s+[^\W\d]", text, re.M))
    sections: dict[str, str] = {}
    for head, nxt in zip(heads, heads[1:] + [None]):
        sections.setdefault(head.group(1), text[head.start():nxt.start() if nxt else len(text)])
    return sections


@lru_cache(maxsize=1)
def matrix_runs() -> frozenset[tuple[str, ...]]:
    tokens = words(matrix_text())
    return frozenset(tuple(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1))


# --- the parsers themselves (so that a broken parser cannot pass everything) ----------


def test_annex_parser_reads_known_rows() -> None:
    rows = annex_rows()
    assert len(rows) == len(ISO_CONTROLS)
    assert rows["5.1"] == ["5.2"]
    assert rows["5.14"] == ["10.2"]
    assert rows["8.13"] == ["12.5", "17.5", "17.6"]
    assert rows["8.24"] == ["10.4", "10.5", "10.6"]
    assert rows["8.21"] == ["9.6", "13.2"]
    assert rows["5.4"] == []


def test_matrix_parser_finds_every_section() -> None:
    sections = matrix_sections()
    assert [str(n) for n in range(1, 22)] == list(sections)
    assert "Cryptographie" in sections["13"].splitlines()[0]


def test_requirement_parser_reads_sub_items() -> None:
    exi05 = requirements()["05"]
    assert item(exi05, "B") is not None and re.search(r"^\s*c\.\s", item(exi05, "B"), re.M)
    assert item(exi05, "Z") is None
    assert len(requirements()) == 31


# --- the catalogue against the seeds --------------------------------------------------


def test_ids_are_unique_and_well_formed() -> None:
    ids = []
    folder = resources.files("hds_iac.catalogue")
    for path in folder.iterdir():
        if path.name.endswith(".toml"):
            ids += [r["id"] for r in tomllib.loads(path.read_text("utf-8")).get("rule", [])]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(ID.match(i) for i in ids), [i for i in ids if not ID.match(i)]


def test_every_catalogue_rule_has_code_and_every_rule_an_entry() -> None:
    code = set(registry())
    assert sorted(set(IDS) - code) == [], "catalogue entries without rule code"
    assert sorted(code - set(IDS)) == [], "rule code without a catalogue entry"


@pytest.mark.parametrize("meta", RULES, ids=IDS)
def test_hds_references_exist(meta) -> None:
    reqs = requirements()
    for ref in meta.references.hds:
        match = HDS_REF.match(ref)
        assert match, f"{ref!r} is not written as 'EXI nn' / 'EXI nn X' / 'EXI nn X.y'"
        number, letter, sub = match.groups()
        assert number in reqs, f"[EXI {number}] is not in the HDS text"
        if letter:
            text = item(reqs[number], letter)
            assert text is not None, f"EXI {number} has no item {letter}"
            if sub:
                assert re.search(rf"^\s*{sub}\.\s", text, re.M), f"EXI {number} {letter} has no {sub}."


@pytest.mark.parametrize("meta", RULES, ids=IDS)
def test_iso_and_secnumcloud_references_follow_annex_1(meta) -> None:
    rows = annex_rows()
    for control in meta.references.iso27001:
        assert control in rows, f"ISO control {control} is not in HDS Annex 1"
    allowed = {ch for control in meta.references.iso27001 for ch in rows.get(control, [])}
    for chapter in meta.references.secnumcloud:
        assert chapter in allowed, (
            f"SecNumCloud {chapter} is not mapped to any of {meta.references.iso27001} in Annex 1")


@pytest.mark.parametrize("meta", RULES, ids=IDS)
def test_matrix_references_exist_and_are_paraphrased(meta) -> None:
    sections = matrix_sections()
    runs = matrix_runs()
    for duty in meta.references.matrix:
        assert duty.section in sections, f"matrix section {duty.section} does not exist"
        if duty.cites:
            assert normalise(duty.cites) in normalise(sections[duty.section]), (
                f"{duty.cites!r} is not cited in matrix section {duty.section}")
        for lang in ("en", "fr"):
            tokens = words(duty.duty.get(lang))
            copied = [" ".join(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1)
                      if tuple(tokens[i:i + RUN]) in runs]
            assert not copied, f"duty ({lang}) reproduces the matrix: {copied[0]!r}"


def test_the_paraphrase_check_detects_a_copy() -> None:
    """The matrix check above is worth something only if a copied sentence is caught."""
    section = " ".join(matrix_sections()["13"].split())
    tokens = words(section)[40:40 + RUN + 2]
    assert any(tuple(tokens[i:i + RUN]) in matrix_runs() for i in range(len(tokens) - RUN + 1))


# --- the catalogue against the code ---------------------------------------------------

VERDICT = re.compile(r'Verdict\(\s*\w+\s*,\s*"(pass|fail|unknown)"\s*,\s*"([\w-]+)"\s*,\s*\{([^}]*)\}')


def _sources(rule_id: str) -> str:
    """The source of a rule's module and of the private helper modules it imports."""
    module = inspect.getmodule(registry()[rule_id])
    text = inspect.getsource(module)
    for name in re.findall(r"from hds_iac\.rules\.(_\w+) import", text):
        text += inspect.getsource(importlib.import_module(f"hds_iac.rules.{name}"))
    return text


def _statuses(keys) -> set[str]:
    """The statuses a rule has messages for: a key is a status ("pass") or a variant of it
    ("pass-redirect", "fail_alone")."""
    return {re.split(r"[-_]", key, maxsplit=1)[0] for key in keys}


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("meta", RULES, ids=IDS)
def test_messages_cover_the_code(meta) -> None:
    assert {"pass", "fail"} <= _statuses(meta.messages), "every rule needs pass and fail messages"
    for key, text in meta.messages.items():
        assert _placeholders(text.en) == _placeholders(text.fr), f"{key}: en/fr placeholders differ"
    if meta.id not in registry():
        pytest.skip("no rule code (reported by the test above)")
    source = _sources(meta.id)
    if re.search(r'"unknown"', source):
        assert "unknown" in _statuses(meta.messages), "the code can yield unknown: add a message"
    for status, key, params in VERDICT.findall(source):
        assert key in meta.messages, f"the code uses message {key!r}, missing from the catalogue"
        given = set(re.findall(r'"(\w+)"\s*:', params))
        assert _placeholders(meta.messages[key].en) == given, (
            f"message {key!r}: placeholders {_placeholders(meta.messages[key].en)} != params {given}")


def test_every_rule_cites_a_client_duty_and_every_duty_is_cited() -> None:
    """Findings link to the client duty of the responsibility matrix; duties are defined once."""
    import tomllib

    from hds_iac import catalogue

    cat = catalogue.load()
    for meta in cat:
        assert meta.references.matrix, f"{meta.id} cites no matrix duty"
    folder = Path(catalogue.__file__).parent
    defined = tomllib.loads((folder / "_duties.toml").read_text())["duties"]
    cited = {d for meta in cat for d in meta.references.matrix}
    assert len(cited) == len(defined)
