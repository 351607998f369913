"""The Terraform expression parser and evaluator, and the built-in functions."""
from __future__ import annotations

import json
import os

import pytest

from hds_iac.model import Unknown
from hds_iac.terraform.hcl.expressions import (
    Context,
    EvalError,
    ParseError,
    evaluate,
    evaluate_safe,
    file_in_trees,
    from_hcl2,
    parse,
    parse_hcl2_value,
)

SUBNET = Unknown("aws_subnet.a.id is known only after apply", ("aws_subnet.a",))
OTHER = Unknown("aws_vpc.v.id is known only after apply", ("aws_vpc.v",))


class Names(Context):
    def __init__(self, root_dir: str = "."):
        self.root_dir = root_dir
        self.names = {
            "var": {"region": "eu-west-3", "zones": ["a", "b", "c"], "count": 2,
                    "m": {"b": 2, "a": 1, "n": None}, "flag": True, "text": "5"},
            "local": {"tags": {"env": "prod"}, "subnet": SUBNET, "vpc": OTHER,
                      "objs": [{"id": 1, "zone": "x"}, {"id": 2, "zone": "y"}]},
        }

    def working_dir(self):
        return self.root_dir

    def config_file(self, path):
        return file_in_trees(self.root_dir, [os.path.realpath(self.root_dir)], path)

    def lookup(self, name):
        if name in self.names:
            return self.names[name]
        raise EvalError(f"unknown name {name!r}")


def ev(text: str, ctx: Context | None = None):
    return evaluate_safe(parse(text), ctx or Names())


@pytest.mark.parametrize("text, expected", [
    ('"eu-west-3"', "eu-west-3"),
    ("42", 42),
    ("1.5", 1.5),
    ("1e3", 1000),
    ("true", True),
    ("null", None),
    ('"${var.region}a"', "eu-west-3a"),
    ('"${var.count} zones, flag ${var.flag}"', "2 zones, flag true"),
    # a template that is one interpolation is its value, unconverted (HCL spec)
    ('"${var.m}"', {"b": 2, "a": 1, "n": None}),
    ('"${var.count}"', 2),
    ('"${var.flag}"', True),
    ('" ${var.count}"', " 2"),
    ('"a\\n\\"b\\" \\u00e9 $${literal} %%{x}"', 'a\n"b" é ${literal} %{x}'),
    ("var.zones[0]", "a"),
    ("var.zones.1", "b"),
    ('var.m["b"]', 2),
    ("var.m.a", 1),
    ("[1, 2, 3,]", [1, 2, 3]),
    ('{ a = 1, "b" = 2, (var.region) = 3 }', {"a": 1, "b": 2, "eu-west-3": 3}),
    ("{\n  a = 1\n  b = [\n    2,\n  ]\n}", {"a": 1, "b": [2]}),
    ("1 + 2 * 3 - 4 / 2", 5),
    ("(1 + 2) * 3", 9),
    ("7 % 3", 1),
    ("-var.count", -2),
    ('var.text + 1', 6),
    ("5 / 2", 2.5),
    ("1 < 2 && 2 >= 2", True),
    ("!var.flag || false", False),
    ('1 == "1"', False),
    ('var.zones == ["a", "b", "c"]', True),
    ("var.flag ? 1 : 2", 1),
    ('var.count > 3 ? "big" : "small"', "small"),
    ('[for z in var.zones : "${var.region}${z}"]',
     ["eu-west-3a", "eu-west-3b", "eu-west-3c"]),
    ("[for i, z in var.zones : i if z != \"b\"]", [0, 2]),
    ("{for k, v in var.m : k => v if v != null}", {"a": 1, "b": 2}),
    ("{for o in local.objs : o.zone => o.id...}", {"x": [1], "y": [2]}),
    ("[for k, v in var.m : k]", ["a", "b", "n"]),  # maps iterate in key order
    ("local.objs[*].zone", ["x", "y"]),
    ("local.objs.*.id", [1, 2]),
    ("local.tags[*]", [{"env": "prod"}]),
    ("<<EOT\nhello ${var.region}\nEOT\n", "hello eu-west-3\n"),
    ("<<-EOT\n    a\n      b\n    EOT\n", "a\n  b\n"),
    ("/* c */ var.count # trailing\n", 2),
])
def test_known_expressions(text, expected):
    assert ev(text) == expected


def test_unknown_propagates_through_operations_and_keeps_refs():
    assert ev('"${local.subnet}-x"') == SUBNET
    assert ev("local.subnet == 1") == SUBNET
    assert ev("local.subnet + 1") == SUBNET
    assert ev("!local.subnet") == SUBNET
    assert ev("local.subnet.attr") == SUBNET
    assert ev("local.subnet[0]") == SUBNET
    merged = ev('"${local.subnet}/${local.vpc}"')
    assert isinstance(merged, Unknown)
    assert merged.reason == SUBNET.reason
    assert merged.refs == ("aws_subnet.a", "aws_vpc.v")
    assert ev("[local.subnet, 1]") == [SUBNET, 1]  # partly known lists stay lists
    assert ev("[local.subnet, 1][1]") == 1
    assert ev('join(",", [local.subnet, local.vpc])').refs == ("aws_subnet.a", "aws_vpc.v")


def test_conditionals_on_unknowns():
    assert ev("local.subnet ? 1 : 2") == SUBNET
    assert ev('local.subnet ? "same" : "same"') == "same"
    assert ev("false && local.subnet") is False
    assert ev("true || local.subnet") is True
    assert ev("true && local.subnet") == SUBNET


def test_errors_become_unknown_with_the_reason():
    value = ev('var.m["missing"]')
    assert isinstance(value, Unknown) and "missing" in value.reason
    assert "out of range" in ev("var.zones[5]").reason
    assert "unknown name" in ev("nope.x").reason
    with pytest.raises(EvalError):
        evaluate(parse('var.m["missing"]'), Names())


def test_template_directives_are_evaluated_and_unknown_conditions_stay_unknown():
    assert ev('"%{ if var.flag }yes%{ else }no%{ endif }"') == "yes"
    assert ev('"%{ if !var.flag }yes%{ endif }!"') == "!"
    assert ev('"%{ for z in var.zones }[${z}]%{ endfor }"') == "[a][b][c]"
    assert ev('"%{ for k, v in var.m }${k}%{ endfor }"') == "abn"
    # the strip markers drop the whitespace on their side (Terraform's documented example)
    heredoc = "<<EOT\n%{ for i, z in var.zones ~}\n${i}=${z}\n%{ endfor ~}\nEOT\n"
    assert ev(heredoc) == "0=a\n1=b\n2=c\n"
    assert ev('"a ${~ "b" ~} c"') == "abc"
    value = ev('"%{ if local.subnet != "" }x%{ endif }"')
    assert isinstance(value, Unknown) and value.refs == ("aws_subnet.a",)
    for bad in ('"%{ endif }"', '"%{ if true }x"', '"%{ while x }%{ endwhile }"'):
        with pytest.raises(ParseError):
            parse(bad)


def test_parse_errors():
    for text in ("1 +", '"unterminated', "[1, 2", "{a = }", "foo(", "a ? b"):
        with pytest.raises(ParseError):
            parse(text)


def test_python_hcl2_serialized_values():
    assert parse_hcl2_value('"eu-west-3"') == ("lit", "eu-west-3")
    assert parse_hcl2_value("${var.x ? 1 : 2}")[0] == "cond"
    assert parse_hcl2_value("string") == ("var", "string")
    node = from_hcl2({'"quoted"': 1, "bare": '"v"', "${(var.region)}": 2, "__is_block__": True})
    assert evaluate(node, Names()) == {"quoted": 1, "bare": "v", "eu-west-3": 2}
    assert evaluate(from_hcl2(['"a"', 2, None, True]), Names()) == ["a", 2, None, True]
    # heredocs are kept verbatim by python-hcl2 (preserve_heredocs=True), quotes included
    heredoc = '"<<-EOF\n    {"Name": "${upper("x")}", "Raw": "\\n"}\n  EOF"'
    assert evaluate(parse_hcl2_value(heredoc), Names()) == '{"Name": "X", "Raw": "\\n"}\n'


# --- functions ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("concat([1], [2, 3], [])", [1, 2, 3]),
    ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
    ('lookup(var.m, "a")', 1),
    ('lookup(var.m, "z", 9)', 9),
    ("element(var.zones, 4)", "b"),
    ("length(var.zones)", 3),
    ('length("abc")', 3),
    ('format("%s-%03d-%v-%t", "a", 7, 1.5, true)', "a-007-1.5-true"),
    ('format("%q", "x")', '"x"'),
    ('formatlist("%s-%s", ["a", "b"], "z")', ["a-z", "b-z"]),
    ('join("-", var.zones)', "a-b-c"),
    ('split(",", "a,b")', ["a", "b"]),
    ('lower("AB")', "ab"),
    ('upper("ab")', "AB"),
    ('replace("a-b", "-", "_")', "a_b"),
    ('replace("eu-west-3", "/^(eu)-.*$/", "$1")', "eu"),
    ('trimspace("  x ")', "x"),
    ('substr("hello", 1, 3)', "ell"),
    ('substr("hello", -3, -1)', "llo"),
    ("tostring(1)", "1"),
    ('tonumber("2")', 2),
    ('tobool("true")', True),
    ('tolist(["a"])', ["a"]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('tomap({a = "x"})', {"a": "x"}),
    ('try(var.m.missing, "fallback")', "fallback"),
    ("try(var.m.a, 0)", 1),
    ("can(var.m.missing)", False),
    ("can(var.m.a)", True),
    ('coalesce(null, "", "x")', "x"),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ("flatten([[1, [2]], 3])", [1, 2, 3]),
    ("distinct([1, 2, 1])", [1, 2]),
    ('contains(var.zones, "b")', True),
    ("keys(var.m)", ["a", "b", "n"]),
    ("values({b = 2, a = 1})", [1, 2]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
    ("range(3)", [0, 1, 2]),
    ("range(1, 7, 2)", [1, 3, 5]),
    ("min(3, 1, 2)", 1),
    ("max(3, 1, 2)", 3),
    ("min([4, 2]...)", 2),
    ("abs(-3)", 3),
    ("one([])", None),
    ('one(["x"])', "x"),
    ("slice(var.zones, 1, 3)", ["b", "c"]),
    ('startswith("eu-west-3", "eu-")', True),
    ('endswith("eu-west-3", "-3")', True),
])
def test_functions(text, expected):
    assert ev(text) == expected


def test_jsonencode_matches_terraform_output():
    text = ('jsonencode({Version = "2012-10-17", Statement = [{Effect = "Deny", '
            'Condition = {Bool = {"aws:SecureTransport" = "false"}}, Resource = "<arn>&"}]})')
    value = ev(text)
    assert value == ('{"Statement":[{"Condition":{"Bool":{"aws:SecureTransport":"false"}},'
                     '"Effect":"Deny","Resource":"\\u003carn\\u003e\\u0026"}],'
                     '"Version":"2012-10-17"}')
    assert json.loads(value)["Statement"][0]["Resource"] == "<arn>&"


def test_jsonencode_with_an_unknown_part_is_unknown_with_its_refs_and_known_parts():
    value = ev('jsonencode({Effect = "Deny", Resource = "${local.subnet}/*"})')
    assert isinstance(value, Unknown)
    assert (value.reason, value.refs) == (SUBNET.reason, SUBNET.refs)
    assert value.decoded == {"Effect": "Deny", "Resource": SUBNET}


def test_functions_accepting_partly_known_collections():
    assert ev("length([local.subnet, local.vpc])") == 2
    assert ev("concat([local.subnet], [1])") == [SUBNET, 1]
    assert ev("element([local.subnet, 2], 1)") == 2
    assert ev("try(local.subnet, 1)") == SUBNET
    assert ev("can(local.subnet)") == SUBNET


def test_unsupported_functions_are_unknown_never_guessed():
    assert ev('pathexpand("~/x")') == Unknown("function pathexpand is not evaluated")
    assert ev("timestamp()") == Unknown("function timestamp is not evaluated")
    assert ev('provider::aws::arn_parse("x")').reason.startswith("function provider::aws::")


def test_file_is_read_relative_to_the_root_and_errors_are_unknown(tmp_path):
    (tmp_path / "policy.json").write_text('{"a": 1}')
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe\x00")
    ctx = Names(str(tmp_path))
    assert ev('jsondecode(file("policy.json"))', ctx) == {"a": 1}
    missing = ev('file("missing.json")', ctx)
    assert isinstance(missing, Unknown) and "cannot be read" in missing.reason
    assert "not UTF-8" in ev('file("bin.dat")', ctx).reason
    assert ev('fileexists("policy.json")', ctx) is True
    assert ev('fileexists("nope.json")', ctx) is False


def test_files_outside_the_configuration_are_never_opened(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s3cr3t")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    ctx = Names(str(root))
    for text in ('file("../secret.txt")', f'file("{tmp_path}/secret.txt")', 'file("link.txt")',
                 'fileexists("../secret.txt")', 'templatefile("../secret.txt", {})'):
        value = ev(text, ctx)
        assert isinstance(value, Unknown) and "outside the configuration" in value.reason, text
        assert "s3cr3t" not in value.reason


def test_templatefile_renders_with_its_variables_only(tmp_path):
    (tmp_path / "user.tpl").write_text(
        "%{ for z in zones ~}\nzone ${z}\n%{ endfor ~}\nregion=${upper(region)}\n")
    (tmp_path / "peek.tpl").write_text("${var.region}")
    ctx = Names(str(tmp_path))
    assert ev('templatefile("user.tpl", {zones = var.zones, region = var.region})', ctx) == \
        "zone a\nzone b\nzone c\nregion=EU-WEST-3\n"
    assert "not among the template's variables" in ev('templatefile("peek.tpl", {})', ctx).reason
    value = ev('templatefile("user.tpl", {zones = [local.subnet], region = "x"})', ctx)
    assert isinstance(value, Unknown) and value.refs == ("aws_subnet.a",)


@pytest.mark.parametrize("text, expected", [
    # the examples of Terraform's function documentation
    ('cidrsubnet("10.1.2.0/24", 4, 15)', "10.1.2.240/28"),
    ('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', "fd00:fd12:3456:7800:a200::/72"),
    ('cidrhost("10.12.112.0/20", 16)', "10.12.112.16"),
    ('cidrhost("10.12.112.0/20", -2)', "10.12.127.254"),
    ('cidrnetmask("172.16.0.0/12")', "255.240.0.0"),
    ('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)',
     ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ('cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)',
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    ('regex("[a-z]+", "53453453.345345aaabbbccc23454")', "aaabbbccc"),
    ('regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ["2019", "02", "01"]),
    ('regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
     {"scheme": "https", "authority": "terraform.io"}),
    ('regexall("[a-z]+", "1234abcd5678efgh9")', ["abcd", "efgh"]),
    ('length(regexall("[a-z]+", "1234abcd5678efgh9")) > 0', True),
    ('try(regex("z", "a"), "none")', "none"),
    ('can(regex("z", "a"))', False),
    ('basename("foo/bar/baz.txt")', "baz.txt"),
    ('basename("/")', "/"),
    ('dirname("foo/bar/baz.txt")', "foo/bar"),
    ('dirname("a")', "."),
])
def test_network_regex_and_path_functions(text, expected):
    assert ev(text) == expected


def test_backtracking_regexes_and_huge_texts_are_unknown_not_run():
    for text in ('regex("(a+)+b", "aaaa")', 'regex("a*b*c*d*", "x")',
                 'replace(join("", [for i in range(1000) : "abcde"]), "/a/", "b")'):
        value = ev(text)
        assert isinstance(value, Unknown), text


def test_abspath_is_relative_to_the_working_folder(tmp_path):
    assert ev('abspath("x/y")', Names(str(tmp_path))) == str(tmp_path / "x" / "y")


def test_deeply_nested_expression_is_a_parse_error_not_a_crash():
    assert evaluate_safe(parse("[" * 20 + "1" + "]" * 20), Names())[0][0][0] == [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]
    with pytest.raises(ParseError):
        parse("[" * 5000 + "]" * 5000)
