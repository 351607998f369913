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
from pathlib import Path

import pytest

from hds_iac import catalogue, matrices
from hds_iac.rules import registry
from seeds import RUN, copied_runs, matrix_runs, matrix_text, seed, words

ID = re.compile(r"^HDS-[A-Z]+-\d{3}$")
HDS_REF = re.compile(r"^EXI (\d{2})(?: ([A-H])(?:\.([a-z]))?)?$")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
# ISO/IEC 27001:2022 Annex A: controls 5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34, in this order.
ISO_CONTROLS = [f"{c}.{n}" for c, count in ((5, 37), (6, 8), (7, 14), (8, 34))
                for n in range(1, count + 1)]

RULES = list(catalogue.load())
IDS = [r.id for r in RULES]


# --- the seed texts ------------------------------------------------------------------


def hds_text() -> str:
    return seed("[EXI 28]")


def normalise(text: str) -> str:
    return " ".join(text.translate(DASHES).replace("\u00a0", " ").split())


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
    ids = [tomllib.loads(text)["id"] for text in catalogue.rule_files().values()]
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


OUTSCALE_DUTIES = [d for d in matrices.load().all_duties() if d.provider == "outscale"]
# The matrix's own wording of each modality, and what a paraphrase must keep of it.
MODALITY_SOURCE = {"recommendation": ("recommand", "conseill"),
                   "if-needed": ("si nécessaire", "voire")}
MODALITY_PARAPHRASE = {
    "recommendation": {"en": ("recommend", "advised"), "fr": ("recommand", "conseill")},
    "if-needed": {"en": ("where needed",), "fr": ("si nécessaire",)},
}


@pytest.mark.parametrize("duty", OUTSCALE_DUTIES, ids=[d.key for d in OUTSCALE_DUTIES])
def test_matrix_duties_exist_and_are_paraphrased(duty) -> None:
    sections = matrix_sections()
    assert duty.section in sections, f"matrix section {duty.section} does not exist"
    if duty.cites:
        assert normalise(duty.cites) in normalise(sections[duty.section]), (
            f"{duty.cites!r} is not cited in matrix section {duty.section}")
    for lang in ("en", "fr"):
        copied = copied_runs(duty.duty.get(lang))
        assert not copied, f"duty ({lang}) reproduces the matrix: {copied[0]!r}"


@pytest.mark.parametrize("duty", OUTSCALE_DUTIES, ids=[d.key for d in OUTSCALE_DUTIES])
def test_matrix_duties_keep_their_modality(duty) -> None:
    """"recommande", "si nécessaire", "voire" are not obligations: the modality recorded is
    worded so in the section, and the paraphrase says it in both languages; an obligation
    is not softened either."""
    client_part = matrix_sections()[duty.section].split("Responsabilité du Client")[-1].lower()
    for lang in ("en", "fr"):
        text = duty.duty.get(lang).lower()
        if duty.modality == "obligation":
            soft = [w for marks in MODALITY_PARAPHRASE.values() for w in marks[lang] if w in text]
            assert not soft, f"an obligation paraphrased as optional ({lang}): {soft}"
        else:
            assert any(w in client_part for w in MODALITY_SOURCE[duty.modality]), (
                f"no {duty.modality} wording in the client part of section {duty.section}")
            assert any(w in text for w in MODALITY_PARAPHRASE[duty.modality][lang]), (
                f"the {lang} paraphrase drops the modality {duty.modality}")


def test_a_matrix_binds_only_its_provider() -> None:
    """Every duty of a provider's matrix is evidenced only by rules judging that provider;
    the loader refuses a file that links a rule to another provider's duty."""
    cat = catalogue.load()
    for duty in matrices.load().all_duties():
        for rid in duty.rules:
            assert duty.provider in cat[rid].providers, (duty.key, rid)
    bad = ('provider = "outscale"\n[document]\ntitle.en = "x"\ntitle.fr = "x"\n'
           'where.en = "x"\nwhere.fr = "x"\n[duties.d]\nsection = "1"\n'
           'modality = "obligation"\nduty.en = "x"\nduty.fr = "x"\nrules = ["HDS-ENC-002"]\n')
    with pytest.raises(matrices.MatrixError, match="does not judge outscale"):
        matrices.parse(bad, "bad.toml")
    with pytest.raises(matrices.MatrixError, match="modality"):
        matrices.parse(bad.replace("obligation", "must"), "bad.toml")


def test_matrices_have_both_providers_and_every_rule_is_placed() -> None:
    """Each provider has its matrix; a rule no duty of a provider covers is a choice written
    down (the AWS file says which), not an accident: listed here so that a new rule forces
    the decision."""
    loaded = matrices.load()
    assert set(loaded.by_provider) == {"aws", "outscale"}
    uncovered = sorted((p, m.id) for m in catalogue.load() for p in m.providers
                       if not loaded.duties_for(p, m.id))
    assert uncovered == [
        ("aws", "HDS-AZ-001"), ("aws", "HDS-AZ-002"), ("aws", "HDS-AZ-003"),
        ("aws", "HDS-DRIFT-001"), ("aws", "HDS-DRIFT-002"), ("aws", "HDS-DRIFT-003"),
        ("aws", "HDS-ENC-003"), ("aws", "HDS-ENC-004"),
        ("aws", "HDS-LOG-001"), ("aws", "HDS-LOG-002"), ("aws", "HDS-LOG-003"),
        ("aws", "HDS-LOG-004"), ("aws", "HDS-LOG-005"), ("aws", "HDS-LOG-006"),
        ("aws", "HDS-LOG-007"), ("aws", "HDS-LOG-009"),
    ]


def test_no_rule_links_to_a_duty_it_cannot_evidence() -> None:
    """Key age cannot show sole custody; a customer-managed KMS key is not a key the client
    holds: neither rule is linked to those duties."""
    duties = {d.key: d for d in matrices.load().all_duties()}
    assert duties["outscale-12-keys-custody"].rules == ()
    assert duties["aws-srm-client-side-encryption"].rules == ()
    assert not any("HDS-ENC-003" in d.rules for d in duties.values())


def test_the_paraphrase_check_detects_a_copy() -> None:
    """The matrix check above is worth something only if a copied sentence is caught."""
    section = " ".join(matrix_sections()["13"].split())
    tokens = words(section)[40:40 + RUN + 2]
    assert any(tuple(tokens[i:i + RUN]) in matrix_runs() for i in range(len(tokens) - RUN + 1))
    assert copied_runs("préambule " + " ".join(tokens[:RUN]))


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


def test_every_topic_says_its_short_name_and_checkov_categories_once() -> None:
    # What the trends table and the checkov checks say of a topic is catalogue data
    # (_topics.toml), not a table in their code: each topic has both, short names distinct.
    topics = [catalogue.topic(t) for t in catalogue.TOPICS]
    shorts = [t.short for t in topics]
    assert len(set(shorts)) == len(shorts)
    assert all(0 < len(s) <= catalogue.SHORT_NAME_MAX for s in shorts)
    assert all(t.checkov_categories for t in topics)
    assert catalogue.topic("encryption-in-transit").checkov_categories == (
        "ENCRYPTION", "NETWORKING")


@pytest.mark.parametrize("entry, problem", [
    ({"checkov_categories": ["IAM"]}, "short must be"),
    ({"short": "too-long", "checkov_categories": ["IAM"]}, "short must be"),
    ({"short": "k"}, "checkov_categories"),
    ({"short": "k", "checkov_categories": []}, "checkov_categories"),
    ({"short": "k", "checkov_categories": ["iam"]}, "checkov_categories"),
])
def test_a_topic_without_its_short_name_or_categories_is_refused(entry, problem) -> None:
    raw = {"id": "keys", "title": {"en": "Keys", "fr": "Clés"}, **entry}
    with pytest.raises(catalogue.CatalogueError, match=problem):
        catalogue._topic(raw)
