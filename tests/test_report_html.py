"""The HTML report in a real browser: headless Chromium (Debian package `chromium`) renders
the file written by `hds-iac report`, and the rendered DOM is checked (requirement rows,
counts, French headings, chapter 8 table). A screenshot and a printed PDF are kept as test
artefacts in test-artifacts/ for a human look.

The file must be self-contained: no script, no stylesheet or font or image from elsewhere;
the only URLs allowed are plain text.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run_cli

ARTEFACTS = REPO / "test-artifacts"
EXAMPLE = FIXTURES / "example"
PLAN_AWS = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    message = "headless Chromium not installed (Debian: apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() == "true":  # .ci/run installs it: missing is a failure
        pytest.fail(message)
    pytest.skip(message)


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    """Results of the real scanner (the example folder and a plan), and the French and
    English HTML reports of both."""
    folder = tmp_path_factory.mktemp("html")
    code, plan = folder / "code.json", folder / "plan.json"
    for target, out in ((EXAMPLE, code), (PLAN_AWS, plan)):
        run = run_cli("scan", str(target), "-o", "json", "--lang", "fr", "--output-file", str(out))
        assert run.code in (0, 1), run.stderr
    out = {"code": code, "plan": plan, "folder": folder}
    for lang in ("fr", "en"):
        page = folder / f"report-{lang}.html"
        args = ["report", str(code), str(plan), "--output-file", str(page)]
        if lang == "en":
            args += ["--lang", "en"]
        run = run_cli(*args)
        assert run.code == 0, run.stderr
        out[lang] = page
    return out


class Dom(HTMLParser):
    """The rendered DOM: element attributes by selector-ish keys, and text per row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict] = {}  # data-requirement -> attrs + text
        self.headings: list[str] = []
        self.current_row: str | None = None
        self.heading: list[str] | None = None
        self.html_lang = ""
        self.actors: list[str] = []
        self.counts: dict[str, str] = {}
        self.count_key: str | None = None
        self.alert: list[str] | None = None  # text of the "incomplete report" note
        self.in_alert = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "tr" and "data-requirement" in a:
            self.current_row = a["data-requirement"]
            self.rows[self.current_row] = {**a, "text": ""}
        if tag == "tr" and "data-actor" in a:
            self.actors.append(a["data-actor"])
        if tag in ("h1", "h2", "h3"):
            self.heading = []
        if tag == "b" and "data-count" in a:
            self.count_key = a["data-count"]
        if a.get("id") == "incomplete":
            self.alert, self.in_alert = [], True

    def handle_endtag(self, tag):
        if tag == "tr":
            self.current_row = None
        if tag in ("h1", "h2", "h3") and self.heading is not None:
            self.headings.append(" ".join("".join(self.heading).split()))
            self.heading = None
        if tag == "b":
            self.count_key = None
        if tag == "p":
            self.in_alert = False

    def handle_data(self, data):
        if self.current_row:
            self.rows[self.current_row]["text"] += data
        if self.heading is not None:
            self.heading.append(data)
        if self.count_key:
            self.counts[self.count_key] = data.strip()
        if self.in_alert and self.alert is not None:
            self.alert.append(data)


def rendered(page: Path, profile: Path) -> Dom:
    run = browse(page, profile, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "<tr" in run.stdout, run.stderr[-2000:]
    dom = Dom()
    dom.feed(run.stdout)
    return dom


def test_html_is_self_contained(pages) -> None:
    for lang in ("fr", "en"):
        text = pages[lang].read_text("utf-8")
        assert not re.search(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""",
                             text, re.I), "external resource"
        assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", text, re.I)
        assert "@import" not in text and "<link" not in text.lower()
        assert "<script" not in text.lower() and "<iframe" not in text.lower()
        assert "@font-face" not in text
        # internal anchors only
        for href in re.findall(r'href="([^"]*)"', text):
            assert href.startswith("#"), href
        assert "@media print" in text


def test_rendered_page_in_chromium(pages, tmp_path) -> None:
    dom = rendered(pages["fr"], tmp_path / "profile")
    assert dom.html_lang == "fr"
    for heading in ("Rapport de conformité HDS", "Synthèse", "Exigences du référentiel (EXI 01 à 31)",
                    "Éléments de preuve", "Obligations du client (matrices de responsabilités)",
                    "Tableau des acteurs (chapitre 8, EXI 29 à 31)"):
        assert heading in dom.headings, dom.headings
    assert list(dom.rows) == [f"EXI {n:02d}" for n in range(1, 32)]
    # counts of the rendered rows against the scanner's own results
    findings = [f for p in ("code", "plan") for f in json.loads(pages[p].read_text("utf-8"))["findings"]]
    loc = Counter(f["status"] for f in findings if f["rule_id"] in ("HDS-LOC-001", "HDS-LOC-002"))
    exi28 = dom.rows["EXI 28"]
    assert exi28["data-status"] == "fail" and exi28["data-automation"] == "partial"
    assert f'{loc["pass"]} / {loc["fail"]} / {loc["unknown"]}' in exi28["text"]
    assert "non conforme" in exi28["text"] and "partiellement automatisée" in exi28["text"]
    # EXI 05 is about the risk assessment: never scored, whatever its rules found
    exi05 = dom.rows["EXI 05"]
    assert exi05["data-status"] == "manual" and "non conforme" not in exi05["text"]
    exi17 = dom.rows["EXI 17"]
    assert exi17["data-status"] == "manual" and "contractuelle" in exi17["text"]
    total = Counter(f["status"] for f in findings)
    assert dom.counts == {s: str(total.get(s, 0)) for s in ("pass", "fail", "unknown", "skipped")}
    assert set(dom.actors) == {"aws", "outscale"}


def test_direct_report_of_a_partial_scan_in_chromium(pages, tmp_path) -> None:
    """`scan -o hds-html` of a folder with a broken file: the rendered page opens with the
    incomplete-report alert, before the summary; a complete report has none."""
    folder = tmp_path / "infra"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n'
                                    '  availability_zone = "eu-west-3a"\n  size = 1\n}\n')
    (folder / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n')
    page = tmp_path / "partial.html"
    run = run_cli("scan", str(folder), "-o", "hds-html", "--output-file", str(page))
    assert run.code == 2 and "broken.tf" in run.stderr
    dom = rendered(page, tmp_path / "profile")
    assert dom.alert is not None
    assert "Rapport incomplet : 1 entrée(s)" in "".join(dom.alert)
    html = page.read_text("utf-8")
    assert html.index('id="incomplete"') < html.index('id="summary"')
    assert rendered(pages["fr"], tmp_path / "profile2").alert is None


def test_rendered_english_page(pages, tmp_path) -> None:
    dom = rendered(pages["en"], tmp_path / "profile")
    assert dom.html_lang == "en"
    assert "HDS compliance report" in dom.headings and "Summary" in dom.headings
    assert "fail" in dom.rows["EXI 28"]["text"]


def test_screenshot_and_print_artefacts(pages, tmp_path) -> None:
    """Kept for a human look: test-artifacts/report-fr.png (screen) and report-fr.pdf
    (print CSS, A4)."""
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "report-fr.png"
    pdf = ARTEFACTS / "report-fr.pdf"
    shutil.copy(pages["fr"], ARTEFACTS / "report-fr.html")
    for target in (shot, pdf):
        if target.exists():
            target.unlink()
    run = browse(pages["fr"], tmp_path / "p1", f"--screenshot={shot}", "--window-size=1280,2000")
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    run = browse(pages["fr"], tmp_path / "p2", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert run.returncode == 0, run.stderr[-2000:]
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    pages_count = len(re.findall(rb"/Type\s*/Page[^s]", raw))
    assert pages_count >= 3  # summary, requirements, evidence, chapter 8 on A4
