"""Property test: whatever HCL, plan JSON or state JSON a commit holds, `hds-iac scan` ends
with no traceback and no "internal error", an exit status of 0, 1 or 2, and valid JSON on
stdout with `-o json` (issue 9).

Inputs come from Hypothesis: HCL as token soup (the parser's error paths) and as
generated configurations (the evaluator, module calls, count/for_each, the rules), plans
and states built from their real shape with random values and random damage. The scans
run in-process through `hds_iac.cli.main` (fast), and a few through the installed
command in a subprocess. CI cost stays small: a fixed number of examples, derandomized
(the same inputs on every run, so a failure is reproducible and CI is not flaky), no
example database. To search longer by hand: `HDS_IAC_FUZZ_SCALE=20 HDS_IAC_FUZZ_RANDOM=1
python -m pytest tests/test_fuzz.py` (20 times the examples, new ones on each run).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hds_iac.cli import main
from conftest import run_cli_process

SCALE = int(os.environ.get("HDS_IAC_FUZZ_SCALE") or 1)
FUZZ = settings(max_examples=40 * SCALE, derandomize=not os.environ.get("HDS_IAC_FUZZ_RANDOM"),
                database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=2 * SCALE)


def scan_in_process(path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["scan", str(path), "-o", "json"])
    check(code, out.getvalue(), err.getvalue())


def check(code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    assert code in (0, 1, 2), (code, stderr)
    report = json.loads(stdout)
    assert not [e for e in report["errors"] if "internal error" in e["message"]], report
    assert report["summary"]["errors"] == len(report["errors"])
    # exit 2 exactly when the scan is incomplete: an input not read, or a module call not
    # read that nobody accepted (--allow-missing-modules)
    incomplete = bool(report["errors"]) or (
        bool(report.get("modules_not_read")) and not report.get("missing_modules_allowed_by"))
    assert (code == 2) == incomplete, (code, report["errors"], report.get("modules_not_read"))


@contextlib.contextmanager
def folder():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


# --- HCL ---------------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "x", "main", "this", "v", "count", "each", "var", "local",
                         "module", "data", "self", "null", "true"])
short_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                     max_size=12)

TOKENS = ['resource', 'data', 'module', 'variable', 'locals', 'output', 'provider',
          'terraform', 'dynamic', 'content', '"aws_ebs_volume"', '"aws_s3_bucket"',
          '"outscale_volume"', '"v"', '"./"', '"../m"', 'source', 'count', 'for_each',
          'count.index', 'each.key', 'each.value', 'var.x', 'local.y', 'module.m.o',
          'aws_ebs_volume.v', '{', '}', '[', ']', '(', ')', '=', ':', ',', '.', '?', '=>',
          '...', '"', '${', '%{', '}"', '<<EOT\n', '<<-EOT\n', '\nEOT\n', '#', '//', '/*',
          '*/', '\n', ' ', '1', '-1', '1e308', '0.5', 'true', 'false', 'null', 'for', 'in',
          'if', 'try(', 'lookup(', 'merge(', 'range(', 'jsonencode(', 'format("%s",',
          '\\', '\t', '\r', '\x00', '\ufeff', 'é', '\U0001f600', '\x1b[31m']
hcl_soup = st.lists(st.one_of(st.sampled_from(TOKENS), names, short_text),
                    max_size=60).map(" ".join)


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


@st.composite
def expressions(draw, depth: int = 0):
    leaves = st.one_of(
        st.integers(-2**70, 2**70).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["true", "false", "null", "var.x", "var.y", "local.l", "count.index",
                         "each.key", "each.value", "aws_ebs_volume.v", "aws_ebs_volume.v[0].id",
                         "module.m", "module.m.out", "module.m[0].out", "data.aws_region.r.name",
                         "path.module", "terraform.workspace", "var.missing", '"eu-west-3"',
                         '"us-east-1"', '"${var.x}a"', "self.x"]),
        short_text.map(quoted),
    )
    if depth >= 2:
        return draw(leaves)
    inner = expressions(depth + 1)
    return draw(st.one_of(
        leaves,
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(names, inner), max_size=4).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"),
        st.tuples(st.sampled_from(["length", "lookup", "merge", "concat", "tostring",
                                   "tonumber", "tolist", "toset", "tomap", "jsonencode",
                                   "jsondecode", "try", "can", "coalesce", "element",
                                   "format", "join", "split", "upper", "replace", "range",
                                   "flatten", "keys", "values", "zipmap", "cidrsubnet",
                                   "regex", "substr", "min", "max", "abs", "ceil",
                                   "base64decode", "file", "templatefile", "unknown_fn"]),
                  st.lists(inner, max_size=3)).map(lambda f: f"{f[0]}({', '.join(f[1])})"),
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=",
                                          "&&", "||"]), inner).map(" ".join),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(inner, inner).map(lambda t: f"[for k, v in {t[0]} : {t[1]}]"),
        st.tuples(inner, inner).map(lambda t: f"{{for k, v in {t[0]} : k => {t[1]}}}"),
        st.tuples(inner, names).map(lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        inner.map(lambda e: f'"pre-${{{e}}}-post"'),
    ))


RESOURCE_TYPES = ["aws_ebs_volume", "aws_s3_bucket", "aws_db_instance", "aws_instance",
                  "aws_lb_listener", "aws_security_group", "aws_kms_key", "aws_iam_user",
                  "aws_backup_plan", "aws_backup_selection", "aws_dlm_lifecycle_policy",
                  "aws_s3_bucket_policy", "aws_rds_cluster", "aws_ebs_encryption_by_default",
                  "outscale_volume", "outscale_vm", "outscale_load_balancer", "null_resource"]
ATTRIBUTES = ["encrypted", "kms_key_id", "availability_zone", "region", "multi_az",
              "backup_retention_period", "storage_encrypted", "tags", "bucket", "policy",
              "protocol", "ssl_policy", "port", "subregion_name", "resources", "enabled",
              "engine", "name", "listeners", "ingress", "rule", "target_tags", "size"]


@st.composite
def blocks(draw):
    kind = draw(st.sampled_from(["resource", "resource", "resource", "data", "variable",
                                 "locals", "output", "module", "provider"]))
    attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), expressions()), max_size=4,
                          unique_by=lambda a: a[0]))
    body = "".join(f"  {k} = {v}\n" for k, v in attrs)
    meta = draw(st.sampled_from(["", "", "  count = 2\n", "  count = var.x\n",
                                 '  for_each = toset(["a", "b"])\n', "  for_each = var.y\n",
                                 "  count = -1\n"]))
    nested = draw(st.sampled_from(["", '  dynamic "rule" {\n    for_each = var.y\n'
                                       "    content {\n      x = rule.value\n    }\n  }\n",
                                   "  root_block_device {\n    encrypted = var.x\n  }\n"]))
    if kind in ("resource", "data"):
        rtype = draw(st.sampled_from(RESOURCE_TYPES))
        return f'{kind} "{rtype}" "{draw(names)}" {{\n{meta}{body}{nested}}}\n'
    if kind == "variable":
        default = draw(expressions())
        sensitive = draw(st.sampled_from(["", "  sensitive = true\n"]))
        return f'variable "{draw(st.sampled_from(["x", "y", "z"]))}" {{\n  default = {default}\n{sensitive}}}\n'
    if kind == "locals":
        return f"locals {{\n  l = {draw(expressions())}\n{body}}}\n"
    if kind == "output":
        return f'output "out" {{\n  value = {draw(expressions())}\n}}\n'
    if kind == "module":
        source = draw(st.sampled_from(['"./m"', '"./"', '"../"', '"./missing"',
                                       '"terraform-aws-modules/vpc/aws"', "var.x"]))
        return f'module "m" {{\n  source = {source}\n{meta}{body}}}\n'
    region = draw(st.sampled_from(['"eu-west-3"', '"us-east-1"', "var.x", '"${var.y}"']))
    provider = draw(st.sampled_from(["aws", "outscale"]))
    return f'provider "{provider}" {{\n  region = {region}\n}}\n'


configurations = st.lists(blocks(), min_size=1, max_size=4).map("".join)


@FUZZ
@given(text=hcl_soup)
def test_random_hcl_text_never_crashes_the_scan(text):
    with folder() as root:
        (root / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
        scan_in_process(root)


@settings(FUZZ, max_examples=25 * SCALE)
@given(main_tf=configurations, module_tf=configurations, tfvars=st.sampled_from(
    ["", 'x = 3\n', 'x = "eu-west-3"\ny = {a = 1}\n', 'x = [\n', 'y = ["a", "b"]\n']))
def test_generated_configurations_never_crash_the_scan(main_tf, module_tf, tfvars):
    with folder() as root:
        (root / "main.tf").write_text(main_tf)
        (root / "m").mkdir()
        (root / "m" / "main.tf").write_text(module_tf)
        (root / "terraform.tfvars").write_text(tfvars)
        scan_in_process(root)


# --- plans and states ----------------------------------------------------------------------

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**64, 2**64),
                      st.floats(allow_nan=False), short_text)
json_values = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(short_text, inner, max_size=4)), max_leaves=20)
ADDRESS = st.one_of(st.sampled_from(["aws_ebs_volume.v", "aws_s3_bucket.b[0]",
                                     'module.m["k"].aws_db_instance.d',
                                     "data.aws_region.r", "outscale_volume.v"]), short_text)
PROVIDERS = st.one_of(st.sampled_from(["registry.terraform.io/hashicorp/aws",
                                       "registry.terraform.io/outscale/outscale",
                                       'provider["registry.terraform.io/hashicorp/aws"].eu']),
                      short_text)


def attribute_values():
    return st.dictionaries(st.one_of(st.sampled_from(ATTRIBUTES), short_text),
                           st.one_of(json_values, st.sampled_from(
                               [True, False, "eu-west-3a", "us-east-1", 0, 35, "aws:kms"])),
                           max_size=6)


@st.composite
def plan_resources(draw):
    rtype = draw(st.sampled_from(RESOURCE_TYPES))
    return {"address": draw(ADDRESS), "mode": draw(st.sampled_from(["managed", "data", 3])),
            "type": rtype, "name": draw(names), "provider_name": draw(PROVIDERS),
            "index": draw(st.one_of(st.none(), st.integers(0, 3), short_text)),
            "values": draw(attribute_values()),
            "sensitive_values": draw(st.one_of(st.just({}), st.booleans(), json_values))}


def damaged(document: st.SearchStrategy) -> st.SearchStrategy:
    """The document, or the document with one top-level member replaced by random JSON."""
    def damage(args):
        doc, key, value = args
        if isinstance(doc, dict) and doc:
            doc = dict(doc)
            doc[sorted(doc)[key % len(doc)]] = value
        return doc
    return st.one_of(document, st.tuples(document, st.integers(0, 20), json_values).map(damage))


@st.composite
def plans(draw):
    resources = draw(st.lists(plan_resources(), max_size=4))
    changes = [{"address": r["address"], "mode": r["mode"], "type": r["type"],
                "name": r["name"], "provider_name": r["provider_name"],
                "change": {"actions": draw(st.sampled_from([["create"], ["delete"], ["no-op"],
                                                            ["delete", "create"], "x", []])),
                           "before": draw(st.one_of(st.none(), attribute_values())),
                           "after": r["values"],
                           "after_unknown": draw(st.one_of(st.just({}), json_values)),
                           "after_sensitive": draw(st.one_of(st.just({}), json_values))}}
               for r in resources]
    return {
        "format_version": draw(st.sampled_from(["1.2", "0.1", "2.0", "x", 1])),
        "terraform_version": "1.9.0",
        "variables": draw(st.dictionaries(names, st.fixed_dictionaries(
            {"value": json_values}), max_size=3)),
        "planned_values": {"root_module": {
            "resources": resources,
            "child_modules": draw(st.lists(st.fixed_dictionaries({
                "address": st.sampled_from(["module.m", 'module.m["k"]', "x"]),
                "resources": st.lists(plan_resources(), max_size=2)}), max_size=2))}},
        "resource_changes": changes,
        "configuration": {"provider_config": draw(st.dictionaries(
            st.sampled_from(["aws", "aws.eu", "outscale"]), st.fixed_dictionaries({
                "name": st.sampled_from(["aws", "outscale"]),
                "expressions": st.dictionaries(st.sampled_from(["region", "alias"]),
                                               st.one_of(json_values, st.fixed_dictionaries(
                                                   {"constant_value": json_values})),
                                               max_size=2)}), max_size=2)),
            "root_module": draw(st.one_of(st.just({}), json_values))},
    }


@st.composite
def states(draw):
    if draw(st.booleans()):  # terraform show -json
        return {"format_version": draw(st.sampled_from(["1.0", "3.1", None])),
                "terraform_version": "1.9.0",
                "values": {"root_module": {"resources": draw(st.lists(plan_resources(),
                                                                      max_size=4))}}}
    return {"version": draw(st.sampled_from([4, 4, 3, "4"])), "terraform_version": "1.9.0",
            "serial": 1, "lineage": "x",
            "resources": draw(st.lists(st.fixed_dictionaries({
                "mode": st.sampled_from(["managed", "data"]),
                "type": st.sampled_from(RESOURCE_TYPES), "name": names,
                "module": st.sampled_from(["module.m", 'module.m["a"]', ""]),
                "provider": PROVIDERS,
                "instances": st.lists(st.fixed_dictionaries({
                    "index_key": st.one_of(st.none(), st.integers(0, 2), short_text),
                    "attributes": attribute_values(),
                    "sensitive_attributes": st.one_of(st.just([]), json_values)}),
                    max_size=3)}), max_size=3))}


def write_json(root: Path, doc, name: str) -> Path:
    path = root / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8",
                    errors="surrogatepass")
    return path


@FUZZ
@given(doc=damaged(plans()))
def test_random_plans_never_crash_the_scan(doc):
    with folder() as root:
        scan_in_process(write_json(root, doc, "plan.json"))


@FUZZ
@given(doc=damaged(states()))
def test_random_states_never_crash_the_scan(doc):
    with folder() as root:
        scan_in_process(write_json(root, doc, "terraform.tfstate"))


@FEW
@given(main_tf=configurations, plan=damaged(plans()), state=damaged(states()))
def test_the_installed_command_on_random_inputs(main_tf, plan, state):
    """The same properties through the real command (encoding of stdout, exit status)."""
    with folder() as root:
        (root / "code").mkdir()
        (root / "code" / "main.tf").write_text(main_tf)
        paths = [str(root / "code"), str(write_json(root, plan, "plan.json")),
                 str(write_json(root, state, "terraform.tfstate"))]
        run = run_cli_process("scan", *paths, "-o", "json", cwd=root,
                              env={"PYTHONIOENCODING": "", "HDS_IAC_DEBUG": ""})
        check(run.code, run.stdout, run.stderr)


def test_number_literals_in_for_expressions_are_read():
    """Found by this test: python-hcl2 8.1.4 could not serialise `[for s in l : 1]`
    (TypeError), which made the whole file unreadable (files._numbers_as_text...)."""
    with folder() as root:
        (root / "main.tf").write_text(
            'variable "m" {\n  default = { a = "x" }\n}\n'
            'resource "null_resource" "r" {\n'
            "  triggers = { l = [for s in var.m : 1], m = {for k, v in var.m : k => 0.5} }\n}\n")
        from hds_iac.terraform.hcl import read_folder

        config = read_folder(str(root), str(root), (), {}, environ={})
        assert config.errors == []
        assert config.resources[0].values["triggers"] == {"l": [1], "m": {"a": 0.5}}
