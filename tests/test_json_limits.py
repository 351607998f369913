"""Plans and states: size and nesting limits, and plan formats of an unknown major version
(hds_iac/terraform/limits.py, jsonfile.format_version_notice)."""
from __future__ import annotations

import json

import pytest

from hds_iac.terraform import limits
from hds_iac.terraform.jsonfile import read_json_input

EMPTY_PLAN = {"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {},
              "resource_changes": [], "configuration": {}}


def read(path):
    return read_json_input(str(path), "plan.json")


def test_a_plan_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_FILE_BYTES", 1000)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**EMPTY_PLAN, "pad": "x" * 2000}))
    config = read(path)
    assert [(e.path, e.message) for e in config.errors] == [(
        "plan.json", "2.1 KiB, over the 1000 bytes limit for plans and states: not read "
                     "(see Limits in the README)")]


@pytest.mark.parametrize("depth", [limits.MAX_JSON_DEPTH + 5, 5000])
def test_a_plan_nested_too_deeply_is_one_error(tmp_path, depth):
    path = tmp_path / "plan.json"
    nested = "[" * depth + "]" * depth
    path.write_text(json.dumps(EMPTY_PLAN)[:-1] + ', "variables": {"x": {"value": '
                    + nested + "}}}")
    assert [e.message for e in read(path).errors] == [
        "arrays or objects nested more than 256 levels deep: not read (see Limits in the "
        "README)"]


def test_a_plan_exactly_at_the_depth_limit_is_read(tmp_path):
    def plan(depth):  # under variables.x.value: 3 levels above; brackets in strings
        nested = '["]"' + ', ["[\\\\", "\\"{"' * (depth - 4) + "]" * (depth - 3)
        return json.dumps(EMPTY_PLAN)[:-1] + ', "variables": {"x": {"value": ' + nested + "}}}"

    path = tmp_path / "plan.json"
    path.write_text(plan(limits.MAX_JSON_DEPTH))
    assert limits.json_depth_over(json.loads(path.read_text())) is False
    assert limits.json_depth_over(json.loads(plan(limits.MAX_JSON_DEPTH + 1))) is True
    assert read(path).errors == []
    path.write_text(plan(limits.MAX_JSON_DEPTH + 1))
    assert [e.message for e in read(path).errors] == [limits.json_too_deep()]


def _random_json(rng, depth):
    """A document nesting up to `depth` levels, its strings full of brackets, quotes and
    backslashes, its objects keyed by them."""
    def text():
        return "".join(rng.choice(['[', ']', '{', '}', '"', '\\', 'a', 'é', '\n', '""'])
                       for _ in range(rng.randint(0, 5)))
    if depth == 0 or rng.random() < 0.25:
        return rng.choice([text(), 1, 2.5, 10 ** 30, None, True, [], {}])
    if rng.random() < 0.5:
        return [_random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {text(): _random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))}


def _depth(node):
    """The nesting of arrays and objects, walked the plain recursive way (a scalar: 0)."""
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return 1 + max(map(_depth, node), default=0)
    return 0


def test_the_depth_limit_answers_as_a_walk_of_the_parsed_document():
    import random

    rng = random.Random(11)
    for _ in range(1500):
        doc = json.loads(json.dumps(_random_json(rng, rng.choice([3, 12, 20]))))
        for limit in (0, 1, 2, 5, 8, 9, 12, 19):
            assert limits.json_depth_over(doc, limit) is (_depth(doc) > limit), (doc, limit)


@pytest.mark.parametrize("version, notice", [
    ("1.2", None),
    ("0.1", None),
    ("2.0", "format_version 2.0: hds-iac reads plans of format 1.x; read as 1.x, fields "
            "this format renamed or moved are missed (update hds-iac)"),
    (7, "format_version 7 is not a version number: read as a plan of format 1.x; fields of "
        "another format may be missed"),
])
def test_a_plan_of_an_unknown_major_format_is_read_with_a_notice(tmp_path, version, notice):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**EMPTY_PLAN, "format_version": version}))
    config = read(path)
    assert config.errors == []
    found = [n.message for n in config.notices if "format_version" in n.message]
    assert found == ([notice] if notice else [])


def test_a_state_of_an_unknown_major_format_is_read_with_a_notice(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format_version": "3.0", "terraform_version": "2.0.0",
                                "values": {"root_module": {"resources": []}}}))
    config = read_json_input(str(path), "state.json")
    assert [n.message for n in config.notices] == [
        "format_version 3.0: hds-iac reads states of format 1.x; read as 1.x, fields this "
        "format renamed or moved are missed (update hds-iac)"]


def test_parsing_leaves_the_cyclic_collector_as_it_found_it():
    import gc

    from hds_iac.terraform.jsonfile import parse

    text = json.dumps({**EMPTY_PLAN, "variables": {"x": {"value": [[1], {"a": [2]}]}}})
    enabled = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            assert parse(text) == json.loads(text)
            assert gc.isenabled() is state
            assert gc.get_freeze_count() == 0  # nothing left frozen: cycles stay collectable
        with pytest.raises(Exception):
            parse("{")
        assert gc.isenabled() is False
    finally:
        (gc.enable if enabled else gc.disable)()
