"""Reports are safe to open whatever the inputs hold (issue 9 §5): a plan whose address is a
spreadsheet formula, carries control characters, an ESC sequence, HTML, Markdown and a lone
surrogate is scanned through the real CLI into every format at once; each report must be
readable by its consumer and carry none of those raw."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from hds_iac import atomic_file
from hds_iac.escaping import for_csv, for_markdown, for_terminal, markdown_code

PLAN = FIXTURES / "rules/HDS-ENC-001/outscale-plan-fail/plan.json"
# JSON escapes: \u0001 (XML forbids it), ESC (terminal), \ud800 (a lone surrogate: not UTF-8).
HOSTILE = ('=HYPERLINK(\\"http://evil.example\\",\\"x\\")\\u0001\\u001b]0;owned\\u0007'
           '\\u001b[2J<img src=x onerror=alert(1)>`|[click](http://evil.example) @team')
FORMATS = {"json": "r.json", "sarif": "r.sarif", "junitxml": "r.xml", "csv": "r.csv",
           "markdown": "r.md", "hds-html": "r.html", "hds-markdown": "r-hds.md",
           "hds-json": "r-hds.json"}


def _outside_code_spans(markdown: str) -> str:
    """The Markdown with its code spans (CommonMark: equal backtick fences) removed."""
    return re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown)


def _hostile_plan(tmp_path: Path, surrogate: bool) -> Path:
    text = PLAN.read_text().replace('"outscale_volume.plain"',
                                    f'"{HOSTILE}{chr(92) + "ud800" if surrogate else ""}"')
    assert HOSTILE in text
    path = tmp_path / "plan.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("surrogate", [True, False], ids=["lone-surrogate", "controls"])
def test_every_format_survives_a_hostile_address(tmp_path: Path, surrogate: bool) -> None:
    plan = _hostile_plan(tmp_path, surrogate)
    args = ["scan", str(plan)]
    for fmt, name in FORMATS.items():
        args += ["-o", fmt, "--output-file", str(tmp_path / name)]
    args += ["-o", "cli"]  # the one format left without a file: standard output
    run = run_cli(*args)
    assert run.code == 1, run.stderr  # the volume fails HDS-ENC-001; no internal error
    assert "internal error" not in run.stderr
    out = {fmt: (tmp_path / name).read_bytes().decode("utf-8") for fmt, name in FORMATS.items()}

    # Terminal: no control character at all (no colour without a terminal either).
    assert "=HYPERLINK" in run.stdout
    assert not any(ord(c) < 0x20 and c != "\n" for c in run.stdout), repr(run.stdout)
    assert "\\x1b[2J" in run.stdout  # shown, not obeyed
    assert len([ln for ln in run.stdout.splitlines() if "HYPERLINK" in ln]) == 2  # fail + unknown, 1 line each

    # CSV: no cell a spreadsheet would read as a formula.
    rows = list(csv.reader(io.StringIO(out["csv"])))
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]

    # JUnit XML: parses, and the forbidden character is shown, not written.
    suites = ET.fromstring(out["junitxml"])
    names = [case.get("name") for case in suites.iter("testcase")]
    assert any("HYPERLINK" in n and "\\x01" in n for n in names)
    assert "\x01" not in out["junitxml"]

    # JSON formats parse and hold the address (controls escaped by JSON itself).
    for fmt in ("json", "sarif", "hds-json"):
        json.loads(out[fmt])
    addresses = {f["resource"]["address"] for f in json.loads(out["json"])["findings"]}
    assert any(a.startswith("=HYPERLINK") for a in addresses)

    # HTML and Markdown: no tag, link or image from the input survives.
    assert "<img" not in out["hds-html"] and "&lt;img" in out["hds-html"]
    assert "\x01" not in out["hds-html"] and "\x1b" not in out["hds-html"]
    for fmt in ("markdown", "hds-markdown"):
        md = out[fmt]
        assert "HYPERLINK" in md
        prose = _outside_code_spans(md)  # a code span shows its content literally
        assert "<img" not in prose and "](http://evil.example)" not in prose, fmt
        assert "\x1b" not in md and "\x01" not in md, fmt
    # The Markdown table keeps its columns: the pipe in the address does not split a cell.
    rows = [ln for ln in out["markdown"].splitlines() if "HYPERLINK" in ln]
    assert rows and all(ln.replace("\\|", "").count("|") == 6 for ln in rows), rows


def test_markdown_text_escapes_html_and_markup() -> None:
    text = for_markdown('<script>x</script> **b** [a](http://e) ![i](http://e) a|b `c` $m$')
    assert "<" not in text and ">" not in text
    for raw in ("**", "[a]", "![", "a|b", "`c`", "$m$"):
        assert raw not in text, raw
    assert markdown_code("a``b") == "```a``b```"
    assert markdown_code("a|b") == "`a\\|b`" and markdown_code("a|b", in_table=False) == "`a|b`"


def test_csv_and_terminal_escaping() -> None:
    assert [for_csv(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", None)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", ""]
    assert for_terminal("a\x1b[31mb\x9bc\u202ed\ud800") == "a\\x1b[31mb\\x9bc\\u202ed\ufffd"


def test_output_file_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report\n")
    os.chmod(target, 0o640)
    with pytest.raises(UnicodeEncodeError):  # fails in the middle of writing
        atomic_file.write_text(str(target), "x" * 100_000 + "\ud800")
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary left
    atomic_file.write_text(str(target), "new\n")
    assert target.read_text() == "new\n" and (target.stat().st_mode & 0o777) == 0o640


def test_rule_links_use_the_configured_base_url(tmp_path: Path) -> None:
    plan = _hostile_plan(tmp_path, surrogate=False)
    md, sarif = tmp_path / "r.md", tmp_path / "r.sarif"
    run = run_cli("scan", str(plan), "-o", "markdown,sarif", "--output-file", str(md),
                  "--output-file", str(sarif), "--rules-url", "https://docs.example.org/hds/")
    assert run.code == 1, run.stderr
    assert "(<https://docs.example.org/hds/HDS-ENC-001.md>)" in md.read_text()
    rules = json.loads(sarif.read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["helpUri"] == f"https://docs.example.org/hds/{r['id']}.md" for r in rules)
    # Without a base URL the links are still absolute: a PR comment has no docs/rules/.
    run = run_cli("scan", str(plan), "-o", "markdown")
    assert "](docs/rules/" not in run.stdout and "(<https://" in run.stdout
    run = run_cli("scan", str(plan), "--rules-url", "docs/rules")
    assert run.code == 2 and "--rules-url" in run.stderr and "absolute" in run.stderr


def test_output_file_through_a_link_or_into_a_pipe(tmp_path: Path) -> None:
    """Only a regular file is replaced: a link keeps pointing at its (new) file, a named
    pipe or a device (/dev/stdout, /dev/null) is written in place, never swapped for a file."""
    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_file.write_text(str(link), "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    atomic_file.write_text(str(fifo), "through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
