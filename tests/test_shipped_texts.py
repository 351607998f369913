"""Every text the project ships, checked for what it must never carry.

- Confidentiality: Outscale's responsibility matrix is a confidential contract annex. No
  run of 10 consecutive words of it may appear in any file of the repository (catalogue,
  matrices, report data, docs, code, fixtures) nor in a rendered report.
- French: the French report is read by French auditors; outside code and identifiers it
  has no English words (country names, "EEA", finding details, sources of facts).
"""
from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from hds_iac import geography

from conftest import FIXTURES, REPO, run_cli
from seeds import copied_runs

TEXT_SUFFIXES = {".py", ".toml", ".md", ".json", ".yaml", ".yml", ".tf", ".txt", ".html",
                 ".cfg", ".ini", ".sh", ".tfvars", ".hcl", ".j2", ".xml", ".csv", ""}


def shipped_files() -> list[Path]:
    """The files of the repository (git's list: what a clone ships), text ones only."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    files = []
    for name in out.stdout.decode().split("\0"):
        path = REPO / name
        if name and path.is_file() and path.suffix in TEXT_SUFFIXES and not path.is_symlink():
            files.append(path)
    return files


def test_no_file_of_the_repository_copies_the_matrix() -> None:
    files = shipped_files()
    assert len(files) > 100 and any(f.name == "outscale.toml" for f in files)
    copied = {}
    for path in files:
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        runs = copied_runs(text)
        if runs:
            copied[str(path.relative_to(REPO))] = runs[0]
    assert not copied, copied


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    """Every report format, in both languages, of the example and an AWS plan."""
    folder = tmp_path_factory.mktemp("shipped")
    results = []
    for name, target in (("code", FIXTURES / "example"),
                         ("plan", FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json")):
        path = folder / f"{name}.json"
        run = run_cli("scan", str(target), "-o", "json", "--lang", "fr", "--output-file", str(path),
                      "--allowed-countries", "EEA,GB")
        assert run.code in (0, 1), run.stderr
        results.append(str(path))
    out = {}
    for lang in ("fr", "en"):
        for fmt in ("html", "markdown", "json"):
            run = run_cli("report", *results, "-o", fmt, "--lang", lang)
            assert run.code == 0, run.stderr
            out[f"{lang}.{fmt}"] = run.stdout
    return out


def test_no_rendered_report_copies_the_matrix(rendered) -> None:
    for name, text in rendered.items():
        assert not copied_runs(text), (name, copied_runs(text)[:1])


def test_the_copy_check_would_catch_a_copied_sentence() -> None:
    from seeds import matrix_text, words

    tokens = words(matrix_text())[500:511]
    assert copied_runs("Le client " + " ".join(tokens) + ".")


# --- French ----------------------------------------------------------------------------

# Common English words that are not French words: one of them in running French text is a
# sentence or a label left in English. (Words shared by both languages are left out: "a",
# "on", "en"... "plan", "pass", "source".)
ENGLISH = frozenset("""
the and of with without from into is are was were be been not no yes this that these those
which who whose where when while must should could would may might can cannot its their
there here than then also only every each any some none all more most less least other
outside inside within between after before over under stored storage encrypted encryption
unknown failed fails fail passes passed missing found enabled disabled allowed area region
country countries kingdom united states germany ireland spain italy sweden switzerland
netherlands belgium austria finland poland norway iceland denmark greece portugal
key keys rule rules finding findings resource resources report requirement requirements
duty duties client's provider's backup backups snapshot snapshots disk
disks bucket buckets policy policies set see read written checked check certified through
by for to at in tag tags scan scanned subnet subnets
""".split())  # "EEA" is checked apart: its French form is EEE
# A code span, also as written inside an escaped finding message (\`encrypted\`).
CODE_SPAN = re.compile(r"\\?`[^`]*?\\?`")
# The ISO 3166 codes of the countries hds-iac knows (AT, BE, IS, NO are codes, not words);
# any other capitalised pair of letters is still checked.
_GEO = geography.load()
COUNTRY_CODES = re.compile(r"\b(?:%s)\b" % "|".join(
    sorted(_GEO.eea | set(_GEO.country_names))))
TAGS = re.compile(r"<style>.*?</style>|<code>.*?</code>|<[^>]+>", re.S)
IDENT = re.compile(r"[\w.:/-]*[_./:\d][\w.:/-]*|[a-z]+-[a-z-]+|HDS-[A-Z]+-\d+")


def _words_outside_code(text: str) -> list[str]:
    text = CODE_SPAN.sub(" ", text)
    text = html.unescape(TAGS.sub(" ", text))
    text = IDENT.sub(" ", text)
    text = COUNTRY_CODES.sub(" ", text)
    return re.findall(r"[A-Za-z][A-Za-z']*", text)


def _english(text: str) -> list[str]:
    return sorted({w for w in _words_outside_code(text) if w.lower() in ENGLISH or w == "EEA"})


def test_french_markdown_and_html_have_no_english_words(rendered) -> None:
    for name in ("fr.markdown", "fr.html"):
        found = _english(rendered[name])
        assert not found, (name, found)


def test_the_english_check_would_catch_english(rendered) -> None:
    assert {"stored", "outside", "the"} <= set(_english("stocké outside the allowed area, stored"))
    assert _english(rendered["en.markdown"])  # the English report is English
    assert not _english("`aws_s3_bucket.exports` stocké dans eu-west-3 (France)")


def test_french_messages_name_countries_and_the_eea_in_french(rendered) -> None:
    md = rendered["fr.markdown"] + rendered["fr.html"]
    assert "Royaume-Uni" in md and "United Kingdom" not in md
    assert "(EEE + GB)" in md and "(EEA" not in md
    assert "includes GB, outside the European Economic Area (EEA)" in rendered["en.markdown"]


def test_report_dates_read_as_dates_with_their_time_zone(tmp_path) -> None:
    plan = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"
    result = tmp_path / "r.json"
    run_cli("scan", str(plan), "-o", "json", "--output-file", str(result))
    env = {"SOURCE_DATE_EPOCH": "1780272000"}  # 2026-06-01T00:00:00Z
    fr = run_cli("report", str(result), "-o", "markdown", env=env).stdout
    en = run_cli("report", str(result), "-o", "markdown", "--lang", "en", env=env).stdout
    assert "Généré le 1er juin 2026 à 00:00 UTC" in fr
    assert "Generated on 1 June 2026, 00:00 UTC" in en
    js = run_cli("report", str(result), "-o", "json", env=env).json()
    assert js["generated"] == "2026-06-01T00:00:00Z"  # machines read ISO 8601
