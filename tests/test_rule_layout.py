"""Each rule in one place: its code and its metadata side by side in hds_iac/rules/.

`enc_001_volumes.py` registers HDS-ENC-001 and `enc_001_volumes.toml` beside it holds that
rule's catalogue entry (topic, severity, providers, texts in English and French,
references, messages). These tests fail when the pair comes apart: a module without
metadata, metadata without a module, an id that does not match its file, a number used by
two files, or a rule entry written in the topic-level folder hds_iac/catalogue/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from hds_iac import catalogue
from hds_iac.rules import registry

RULES_DIR = REPO / "hds_iac" / "rules"
MODULES = {p.stem for p in RULES_DIR.glob("*.py") if not p.name.startswith("_")}
DATA = {p.stem for p in RULES_DIR.glob("*.toml")}


def test_every_rule_module_has_its_metadata_and_every_metadata_its_module():
    assert sorted(MODULES - DATA) == [], "rule modules without <stem>.toml beside them"
    assert sorted(DATA - MODULES) == [], "rule metadata without <stem>.py beside it"
    assert not {p.name for p in RULES_DIR.glob("*.toml") if p.name.startswith("_")}


def test_each_module_registers_the_rule_its_metadata_names():
    by_module: dict[str, list[str]] = {}
    for rule_id, func in registry().items():
        by_module.setdefault(func.__module__.rsplit(".", 1)[-1], []).append(rule_id)
    assert {m: ids for m, ids in by_module.items() if len(ids) != 1} == {}, \
        "one module registers one rule"
    ids = {stem: ids[0] for stem, ids in by_module.items()}
    assert ids == {stem: catalogue.rule_id_of(stem) for stem in MODULES}
    assert set(ids.values()) == set(catalogue.load().rules)


def test_the_catalogue_folder_holds_only_topic_level_data():
    names = {p.name for p in (REPO / "hds_iac" / "catalogue").glob("*.toml")}
    assert names == {"_topics.toml", "_documents.toml", "_vocabulary.toml"}


ENTRY = '''
id = "{rid}"
topic = "{topic}"
severity = "low"
scope = "resource"
title.en = "t"
title.fr = "t"
rationale.en = "r"
rationale.fr = "r"
remediation.en = "f"
remediation.fr = "f"
references.hds = ["EXI 28"]
'''


def _parse(rules: dict[str, str], texts: tuple[str, ...] = ()) -> catalogue.Catalogue:
    return catalogue.parse(list(texts), rules)


def test_a_well_formed_rule_file_is_read():
    cat = _parse({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location")})
    assert list(cat.rules) == ["HDS-LOC-901"]


@pytest.mark.parametrize("rules, texts, error", [
    # the id written in the file is not the one its file name gives
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-902", topic="data-location")}, (),
     "rules/loc_901_x.toml: id 'HDS-LOC-902' does not match"),
    # two files for one rule number
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location"),
      "loc_901_y": ENTRY.format(rid="HDS-LOC-901", topic="data-location")}, (),
     "HDS-LOC-901: defined twice"),
    # a topic _topics.toml does not list
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="location")}, (),
     "topic must be one of"),
    # a key the loader does not know (a typo would otherwise be silently ignored)
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location") + "contrat = 1\n"},
     (), "HDS-LOC-901: unknown key(s) contrat"),
    # a contract without its facets
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location")
      + "contract.which = 'those with a region'\n"}, (), "contract needs facets"),
    # kinds written again beside the code's @rule(kinds=...)
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location")
      + "contract.kinds = 'volume'\ncontract.facets = 'region'\n"}, (),
     "contract.kinds is the code's @rule(kinds=...)"),
    # a checkov fallback note on a rule the fallback never judges (scope inventory)
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location").replace(
        'scope = "resource"', 'scope = "inventory"')
      + "checkov.fallback = 'partial'\ncheckov.why = 'w'\n"}, (), "needs no checkov note"),
    ({"loc_901_x": ENTRY.format(rid="HDS-LOC-901", topic="data-location")
      + "checkov.fallback = 'half'\ncheckov.why = 'w'\n"}, (), "checkov needs fallback"),
    # a rule entry in a topic-level file of hds_iac/catalogue/ (the old layout)
    ({}, ("[[rule]]\n" + ENTRY.format(rid="HDS-LOC-901", topic="data-location"),),
     "lives beside its code"),
])
def test_the_loader_refuses_a_rule_out_of_place(rules, texts, error):
    with pytest.raises(catalogue.CatalogueError, match=re.escape(error)):
        _parse(rules, texts)


def test_rule_files_are_every_toml_of_the_rules_folder():
    files = catalogue.rule_files()
    assert set(files) == MODULES
    assert all(Path(RULES_DIR / f"{stem}.toml").read_text("utf-8") == text
               for stem, text in files.items())
