"""Every rule fixture case (fixtures/rules/<RULE>/<case>/) scanned in-process: the rule gives
exactly the verdicts its expect.yaml lists (and the message text it pins), with no read error.

tests/test_fixtures.py runs the same cases through the real command line; this one calls
`hds_iac.scan.scan` directly, so that the whole set runs in seconds and scripts/mutation.py
can run it for every mutant (`HDS_IAC_FIXTURE_RULES=HDS-ENC-001,HDS-ENC-002` keeps only
those rules' cases, as the mutation runner does for a mutated rule module)."""
from __future__ import annotations

import os

import pytest

from hds_iac.scan import scan
from hds_iac.settings import Settings
from rule_fixtures import CASES, Case, missing_texts

_ONLY = {r for r in os.environ.get("HDS_IAC_FIXTURE_RULES", "").split(",") if r}
_SELECTED = [c for c in CASES if not _ONLY or c.rule in _ONLY]


@pytest.mark.parametrize("case", _SELECTED, ids=[c.id for c in _SELECTED])
def test_fixture_verdicts(case: Case) -> None:
    result = scan([str(case.target)], Settings(), case.var_files, {}, [case.rule])
    assert [str(e) for e in result.errors] == []
    got = sorted((f.resource.address, f.status) for f in result.findings
                 if f.rule_id == case.rule)
    assert got == list(case.want)
    assert missing_texts(case, {f.resource.address: f.message("en") for f in result.findings
                                if f.rule_id == case.rule}) == []
