"""Issue 9 §3: one fact, one verdict, whatever rule reads it.

Outscale attestation tags are read once, by the adapters, into facets that can be unknown
(`AtRest.attested`, `Backup.attested`): tags that cannot be read give `unknown` in every
rule that reads them, never a failure in one and unknown in another.
"""
from __future__ import annotations

from pathlib import Path

from conftest import run_cli

RULES = "HDS-ENC-001,HDS-BAK-004"


def _verdicts(target: Path, *args: str) -> dict[tuple[str, str], str]:
    run = run_cli("scan", str(target), "-o", "json", "--check", RULES, *args)
    assert run.code in (0, 1), run.stderr
    return {(f["rule_id"], f["resource"]["address"]): f["status"] for f in run.json()["findings"]}


def _outscale(tmp_path: Path, tags: str, extra: str = "") -> Path:
    root = tmp_path / "outscale"
    root.mkdir(exist_ok=True)
    (root / "main.tf").write_text(f'''
provider "outscale" {{
  region = "eu-west-2"
}}
{extra}
resource "outscale_volume" "data" {{
  subregion_name = "eu-west-2a"
  size           = 10
  {tags}
}}
''')
    return root


def test_unknown_attestation_tags_are_unknown_for_every_rule(tmp_path: Path) -> None:
    root = _outscale(tmp_path, 'dynamic "tags" {\n    for_each = var.tags\n    content {\n'
                               '      key   = tags.key\n      value = tags.value\n    }\n  }',
                     'variable "tags" {\n  type = map(string)\n}')
    assert _verdicts(root) == {("HDS-ENC-001", "outscale_volume.data"): "unknown",
                               ("HDS-BAK-004", "outscale_volume.data"): "unknown"}
    # the same tags, known: both rules read the same attestation
    known = _verdicts(root, "--var", 'tags={"hds-iac:encryption" = "luks", '
                                     '"hds-iac:backup" = "restic"}')
    assert known == {("HDS-ENC-001", "outscale_volume.data"): "pass",
                     ("HDS-BAK-004", "outscale_volume.data"): "pass"}


def test_unknown_attestation_value_is_unknown_for_every_rule(tmp_path: Path) -> None:
    tags = ('tags {\n    key   = "hds-iac:encryption"\n    value = var.how\n  }\n'
            '  tags {\n    key   = "hds-iac:backup"\n    value = var.how\n  }')
    root = _outscale(tmp_path, tags, 'variable "how" {\n  type = string\n}')
    assert _verdicts(root) == {("HDS-ENC-001", "outscale_volume.data"): "unknown",
                               ("HDS-BAK-004", "outscale_volume.data"): "unknown"}
