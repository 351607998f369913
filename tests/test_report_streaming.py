"""Reports written piece by piece (issue 13 §4): the JSON, SARIF and CSV reports a scan
writes to a file come out of `chunks()` one finding at a time, and must be the very text the
whole-document renderers gave before (byte for byte), whatever the values hold."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, run_cli
from hds_iac.output.json_stream import Items, chunks

EXAMPLE = FIXTURES / "example"


def _whole(doc, indent: int | None = 2) -> str:
    """What json_stream must equal: the document with plain lists, in one json.dumps
    (`indent=None`: compact, as the JSON report version 2 is written)."""
    def plain(value):
        if isinstance(value, Items):
            return [plain(v) for v in value.items]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value
    if indent is None:
        return json.dumps(plain(doc), separators=(",", ":"), ensure_ascii=False)
    return json.dumps(plain(doc), indent=indent, ensure_ascii=False)


@pytest.mark.parametrize("make", [
    lambda: {"a": 1, "findings": Items(iter([])), "z": []},
    lambda: {"findings": Items({"n": n, "text": "line\nbreak \"quoted\" é \u2028"}
                               for n in range(3)), "after": {"x": [1, {}], "y": None}},
    lambda: {"runs": [{"results": Items(iter([{"a": [1, 2]}, {}])), "empty": {}}], "k": {}},
    lambda: Items(iter([[], {"deep": {"deeper": [Items(iter(["s"]))]}}])),
    lambda: {"key with \"quotes\"\n": Items(iter([1.5, True, None, "x"]))},
])
def test_pieces_join_to_json_dumps(make) -> None:
    assert "".join(chunks(make())) == _whole(make())
    assert "".join(chunks(make(), indent=None)) == _whole(make(), None)


@pytest.mark.parametrize("indent", [2, None])
def test_lone_surrogates_are_made_writable_in_streamed_items(indent) -> None:
    text = "".join(chunks({"findings": Items(iter([{"address": "a\ud800b"}])),
                           "\udcff": "k"}, indent=indent))
    text.encode("utf-8")  # a lone surrogate would raise here
    assert json.loads(text)["findings"][0]["address"] == "a\ufffdb"


def test_scan_reports_written_in_pieces_are_whole_documents(tmp_path) -> None:
    """The real CLI writes -o json/sarif/csv through chunks(): each file is byte for byte
    the one-piece text of its own content (json.dumps of the parsed document, csv.writer of
    the parsed rows), with a result large enough for many pieces."""
    import csv
    import io

    paths = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "csv")}
    args = ["scan", str(EXAMPLE)]
    for fmt, path in paths.items():
        args += ["-o", fmt, "--output-file", str(path)]
    run = run_cli(*args)
    assert run.code in (0, 1), run.stderr
    texts = {fmt: path.read_text("utf-8") for fmt, path in paths.items()}
    doc = json.loads(texts["json"])
    assert doc["findings"] and doc["summary"]["findings"] == len(doc["findings"])
    assert json.loads(texts["sarif"])["runs"][0]["results"]
    assert texts["sarif"] == json.dumps(json.loads(texts["sarif"]), indent=2,
                                        ensure_ascii=False) + "\n"
    # The JSON report (version 2) is compact.
    assert texts["json"] == json.dumps(json.loads(texts["json"]), separators=(",", ":"),
                                       ensure_ascii=False) + "\n"
    rows = list(csv.reader(io.StringIO(texts["csv"])))
    assert len(rows) == len(doc["findings"]) + 1
    again = io.StringIO()
    csv.writer(again, lineterminator="\n").writerows(rows)
    assert texts["csv"] == again.getvalue()


def test_csv_pieces_cut_between_rows() -> None:
    """Many findings (past the 500-row pieces): every piece ends a row."""
    import csv
    import io

    from hds_iac.output import csv_report
    from hds_iac.scan import scan
    from hds_iac.settings import Settings

    result = scan([str(EXAMPLE)], Settings())
    result.findings = result.findings * (1200 // len(result.findings) + 1)
    pieces = list(csv_report.chunks(result, "en"))
    assert len(pieces) >= 3
    # each piece parsed alone gives whole rows: no row is cut between two pieces
    assert sum(len(list(csv.reader(io.StringIO(p)))) for p in pieces) == len(result.findings) + 1


def test_document_is_what_parsing_the_text_gives() -> None:
    """`json_report.document` (read in-process by --store and the hds-* reports) equals
    json.loads of the written text, hostile strings included."""
    from hds_iac.output import json_report
    from hds_iac.scan import scan
    from hds_iac.settings import Settings

    from hds_iac.errors import ReadError

    result = scan([str(EXAMPLE)], Settings())
    result.errors.append(ReadError("bad\ud800path", "line\nbreak <b>"))
    assert json_report.document(result, "fr") == json.loads(json_report.render(result, "fr"))
