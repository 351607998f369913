"""In-code skips are read through python-hcl2's comments (issue 11), not a second lexer:
every comment form counts, nested blocks included, and text in a string or a heredoc never
does. A file that does not parse is one clear error; the rest of the folder is scanned and
its skips still apply."""
from __future__ import annotations

import textwrap

from hds_iac import scan, suppressions

HEADER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def _volume(name: str, body: str) -> str:
    return (f'resource "aws_ebs_volume" "{name}" {{\n  availability_zone = "eu-west-3a"\n'
            f'  size = 10\n  encrypted = false\n{textwrap.indent(textwrap.dedent(body), "  ")}}}\n')


def _scan(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = scan.scan([str(tmp_path)])
    return result, {f.resource.address: f for f in result.findings if f.rule_id == "HDS-ENC-001"}


def test_every_comment_form_waives(tmp_path):
    text = HEADER + "".join([
        _volume("hash", "# hds-iac:skip=HDS-ENC-001 scratch space\n"),
        _volume("slashes", "// hds-iac:skip=HDS-ENC-001 scratch space\n"),
        _volume("block", "/* hds-iac:skip=HDS-ENC-001 scratch space */\n"),
        _volume("multi", "/*\n  notes first\n  hds-iac:skip=HDS-ENC-001 scratch space\n*/\n"),
        _volume("checkov", "#checkov:skip=CKV_HDS_ENC_001:scratch space\n"),
        _volume("trailing", "tags = { a = \"b\" } # hds-iac:skip=HDS-ENC-001 scratch space\n"),
        _volume("nested", "timeouts {\n  # hds-iac:skip=HDS-ENC-001 scratch space\n  create = \"5m\"\n}\n"),
    ])
    _, found = _scan(tmp_path, {"main.tf": text})
    for name in ("hash", "slashes", "block", "multi", "checkov", "trailing", "nested"):
        finding = found[f"aws_ebs_volume.{name}"]
        assert finding.status == "skipped", name
        assert finding.suppression.reason == "scratch space", name
    # The line of the directive itself, for the exceptions register.
    lines = text.splitlines()
    multi = found["aws_ebs_volume.multi"].suppression.location
    assert lines[int(multi.split(":")[1]) - 1].strip().startswith("hds-iac:skip=HDS-ENC-001")


def test_text_in_strings_and_heredocs_is_not_a_skip(tmp_path):
    text = HEADER + "".join([
        _volume("heredoc", "tags = {\n  note = <<EOT\n# hds-iac:skip=HDS-ENC-001 not a comment\nEOT\n}\n"),
        _volume("string", 'tags = { note = "# hds-iac:skip=HDS-ENC-001 not a comment" }\n'),
        _volume("commented_brace", '# a brace } in a comment\n'),
    ])
    _, found = _scan(tmp_path, {"main.tf": text})
    assert found["aws_ebs_volume.heredoc"].status == "fail"
    assert found["aws_ebs_volume.string"].status == "fail"
    assert found["aws_ebs_volume.commented_brace"].status == "fail"


def test_a_skip_in_the_next_block_does_not_leak_back(tmp_path):
    text = HEADER + _volume("first", "/* } */\n") + _volume(
        "second", "# hds-iac:skip=HDS-ENC-001 scratch space\n")
    _, found = _scan(tmp_path, {"main.tf": text})
    assert found["aws_ebs_volume.first"].status == "fail"
    assert found["aws_ebs_volume.second"].status == "skipped"


def test_a_malformed_file_is_one_error_and_the_scan_goes_on(tmp_path):
    good = HEADER + _volume("v", "# hds-iac:skip=HDS-ENC-001 scratch space\n")
    result, found = _scan(tmp_path, {"main.tf": good,
                                     "broken.tf": 'resource "aws_ebs_volume" "x" {\n  size = \n'})
    assert found["aws_ebs_volume.v"].status == "skipped"
    errors = [e for e in result.errors if e.path.endswith("broken.tf")]
    assert len(errors) == 1 and "\n" not in errors[0].message
    assert "syntax error" in errors[0].message
    # Asked directly about the broken file, the reader finds nothing to waive.
    assert suppressions.directives(str(tmp_path / "broken.tf"), 1) == []
