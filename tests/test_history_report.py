"""The HDS report over a period, from a store fed by `history import` with known dates,
rendered in headless Chromium (as tests/test_report_html.py does for the compliance
report): figures, charts, French and English, escaping, self-containment."""
from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from test_report_html import browse

HOSTILE_SCOPE = '<img src=x onerror=alert(1)>"scope'
HOSTILE_REASON = "<script>alert(1)</script> scratch volume"
MAIN = """
provider "aws" {
  region = "eu-west-3"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-3a"
  size              = 10
  encrypted         = false
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
"""


def _set(doc: dict, rule: str, status: str, suppression: dict | None = None) -> None:
    for f in doc["findings"]:
        if f["rule_id"] == rule:
            f["status"] = status
            if suppression:
                f["suppression"] = suppression


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Four runs: 5 Jan (4 failures open), 6 Jan (HDS-ENC-001 fixed), 7 Jan incomplete
    (HDS-TLS-005 passes but cannot be proven fixed), 9 Jan complete (HDS-TLS-005 fixed,
    HDS-BAK-004 waived); no run on 8, 10 and 11 Jan."""
    folder = tmp_path_factory.mktemp("period")
    (folder / "infra").mkdir()
    (folder / "infra" / "main.tf").write_text(MAIN)
    base_file = folder / "base.json"
    run = run_cli("scan", str(folder / "infra"), "-o", "json", "--output-file", str(base_file))
    assert run.code == 1, run.stderr
    base = json.loads(base_file.read_text())
    failing = {f["rule_id"] for f in base["findings"] if f["status"] == "fail"}
    assert failing == {"HDS-BAK-004", "HDS-ENC-001", "HDS-ENC-003", "HDS-TLS-005"}
    days = []
    d2 = copy.deepcopy(base)
    _set(d2, "HDS-ENC-001", "pass")
    d3 = copy.deepcopy(d2)
    _set(d3, "HDS-TLS-005", "pass")
    d3["errors"] = [{"path": "infra/other.tf", "message": "not valid HCL"}]
    d5 = copy.deepcopy(d2)
    _set(d5, "HDS-TLS-005", "pass")
    _set(d5, "HDS-BAK-004", "skipped", {"by": "hds-iac:skip", "reason": HOSTILE_REASON,
                                        "status": "fail"})
    for doc, day in ((base, "05"), (d2, "06"), (d3, "07"), (d5, "09")):
        path = folder / f"r{day}.json"
        path.write_text(json.dumps(doc))
        days.append((path, f"2026-01-{day}T02:00:00Z"))
    db = folder / "history.sqlite"
    for path, started in days:
        run = run_cli("history", "import", str(path), "--store", str(db), "--started", started,
                      "--history-scope", HOSTILE_SCOPE)
        assert run.code == 0, run.stderr
    return db


def report(store: Path, *args: str) -> dict | str:
    run = run_cli("history", "report", "--store", str(store), "--since", "2026-01-05",
                  "--until", "2026-01-12", *args)
    assert run.code == 0, run.stderr
    return run.json() if "json" in args else run.stdout


def test_period_figures(store) -> None:
    doc = report(store, "-o", "json")
    assert doc["runs"] == {"total": 4, "incomplete": 1, "days_with_runs": 4,
                           "days_without_runs": 3}
    assert doc["failures"] == {"opened": 4, "fixed": 2}
    assert [s["start"] for s in doc["series"]] == [f"2026-01-{d:02d}" for d in range(5, 12)]
    assert [s["fixed"] for s in doc["series"]] == [0, 1, 0, 0, 1, 0, 0]
    ttf = {r["severity"]: r for r in doc["time_to_fix"]}
    assert (ttf["high"]["fixed"], ttf["high"]["median_days"], ttf["high"]["still_open"]) == \
        (1, 1.0, 1)  # ENC-001 fixed after one day; BAK-004 waived but still failing
    assert (ttf["medium"]["fixed"], ttf["medium"]["median_days"], ttf["medium"]["p90_days"]) == \
        (1, 4.0, 4.0)  # TLS-005: the incomplete run of 7 Jan does not count as the fix
    assert ttf["medium"]["still_open"] == 0
    assert ttf["low"]["still_open"] == 1  # ENC-003 (customer-managed key) is low
    assert doc["exceptions"] == [{
        "scope": HOSTILE_SCOPE, "rule_id": "HDS-BAK-004", "by": "hds-iac:skip",
        "reason": HOSTILE_REASON, "until": None, "location": None, "resources": 1,
        "since": "2026-01-09T02:00:00Z", "state": "active", "author": None}]
    later = run_cli("history", "report", "--store", str(store), "--since", "2026-01-08",
                    "--until", "2026-01-12", "-o", "json").json()
    assert later["failures"] == {"opened": 0, "fixed": 1} and later["runs"]["total"] == 1


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang = ""
        self.headings: list[str] = []
        self.heading: list[str] | None = None
        self.counts: dict[str, str] = {}
        self.count_key: str | None = None
        self.rects: dict[str, int] = {}
        self.rows: dict[str, dict] = {}
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag in ("h1", "h2"):
            self.heading = []
        if tag == "b" and "data-count" in a:
            self.count_key = a["data-count"]
        if tag == "rect" and a.get("class", "").startswith("bar-"):
            self.rects[a["class"]] = self.rects.get(a["class"], 0) + 1
        if tag == "tr" and "data-severity" in a:
            self.rows[a["data-severity"]] = a
        if tag in ("script", "img"):
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self.heading is not None:
            self.headings.append(" ".join("".join(self.heading).split()))
            self.heading = None
        if tag == "b":
            self.count_key = None

    def handle_data(self, data):
        if self.heading is not None:
            self.heading.append(data)
        if self.count_key:
            self.counts[self.count_key] = data.strip()


def rendered(page: Path, profile: Path) -> Dom:
    run = browse(page, profile, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = Dom()
    dom.feed(run.stdout)
    return dom


def test_period_report_in_chromium_french_and_english(store, tmp_path) -> None:
    for lang, headings in (
            ("fr", ("Rapport HDS de surveillance continue", "Exécutions par jour",
                    "Défaillances ouvertes et corrigées par jour",
                    "Délai de correction par sévérité",
                    "Exceptions à la fin de la période")),
            ("en", ("HDS continuous monitoring report", "Runs per day",
                    "Failures opened and fixed per day", "Time to fix per severity",
                    "Exceptions at the end of the period"))):
        page = tmp_path / f"period-{lang}.html"
        report(store, "--lang", lang, "--output-file", str(page))
        dom = rendered(page, tmp_path / f"profile-{lang}")
        assert dom.html_lang == lang
        for heading in headings:
            assert heading in dom.headings, dom.headings
        assert dom.counts["runs"] == "4" and dom.counts["runs-incomplete"] == "1"
        assert dom.counts["opened"] == "4" and dom.counts["fixed"] == "2"
        assert dom.counts["days-with-runs"] == "4 / 7" and dom.counts["days-without"] == "3"
        # one bar per run day, the incomplete one apart; opened on one day, fixed on two
        assert dom.rects == {"bar-complete": 3, "bar-incomplete": 1, "bar-opened": 1,
                             "bar-fixed": 2, "bar-median": 2, "bar-p90": 2}
        assert dom.rows["medium"]["data-fixed"] == "1" and dom.rows["high"]["data-open"] == "1"
        assert dom.scripts == 0  # the hostile scope and reason stay text
        text = page.read_text("utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "&lt;img src=x onerror=alert(1)&gt;&quot;scope" in text
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
        assert "<link" not in text and "@import" not in text
    fr = (tmp_path / "period-fr.html").read_text("utf-8")
    assert "05/01/2026 02:00 UTC" in fr and "4,0" in fr


def test_period_report_screenshot_artefact(store, tmp_path) -> None:
    artefacts = REPO / "test-artifacts"
    artefacts.mkdir(exist_ok=True)
    page = artefacts / "period-fr.html"
    report(store, "--output-file", str(page))
    shot = artefacts / "period-fr.png"
    if shot.exists():
        shot.unlink()
    run = browse(page, tmp_path / "p", f"--screenshot={shot}", "--window-size=1280,1800")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_period_without_runs_says_so(store) -> None:
    run = run_cli("history", "report", "--store", str(store), "--since", "2025-01-01",
                  "--until", "2025-02-01", "-o", "json")
    assert run.code == 0 and run.json()["runs"]["total"] == 0
    page = run_cli("history", "report", "--store", str(store), "--since", "2025-01-01",
                   "--until", "2025-02-01")
    assert 'id="no-runs"' in page.stdout
