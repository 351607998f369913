"""Result files are hostile too (issue 13): `hds-iac report` and `hds-iac history import`
read them through one bounded reader (`report.merge.read_bounded`). A file over the limit
is one error line naming it, refused before it is read; the other files are still
merged or recorded; the exit status is 2."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, run_cli
from hds_iac.report.merge import MAX_RESULT_BYTES


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merge-limits")
    good = folder / "good.json"
    run = run_cli("scan", str(FIXTURES / "example"), "-o", "json", "--output-file", str(good))
    assert run.code in (0, 1), run.stderr
    huge = folder / "huge.json"
    with open(huge, "wb") as handle:  # sparse: one byte over the limit costs no disk
        handle.truncate(MAX_RESULT_BYTES + 1)
    deep = folder / "deep.json"
    deep.write_text('{"version": 1, "findings": [], "x": ' + "[" * 100_000 + "]" * 100_000
                    + "}", "utf-8")
    return folder, good, huge, deep


def test_report_refuses_a_huge_and_a_crafted_result_and_merges_the_rest(files) -> None:
    folder, good, huge, deep = files
    out = folder / "report.json"
    run = run_cli("report", str(good), str(huge), str(deep), "-o", "json", "--output-file",
                  str(out))
    assert run.code == 2
    errors = [line for line in run.stderr.splitlines() if "error" in line]
    assert len(errors) == 2, run.stderr
    big = next(line for line in errors if "huge.json" in line)
    assert "over the limit of 256 MiB for a result file" in big
    assert "deep.json" in next(line for line in errors if "huge.json" not in line)
    doc = json.loads(out.read_text("utf-8"))
    assert [s["file"] for s in doc["sources"]] == [str(good)]
    assert {u["path"] for u in doc["unread"]} == {str(huge), str(deep)}


def test_history_import_reads_through_the_same_limit(files) -> None:
    folder, good, huge, _ = files
    store = folder / "h.sqlite"
    run = run_cli("history", "import", str(good), str(huge), "--store", str(store))
    assert run.code == 2
    line = next(line for line in run.stderr.splitlines() if "huge.json" in line)
    assert "over the limit of 256 MiB for a result file" in line
    assert "recorded run 1" in run.stderr and "incomplete" in run.stderr
