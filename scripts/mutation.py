#!/usr/bin/env python3
"""Mutation testing of the rules and adapters: do the tests notice a wrong verdict?

A line coverage figure says a test ran the code; a mutant says whether a test would have
failed had the code been wrong. This script makes small, plausible mistakes in the rule and
adapter modules (the ones that decide a pass or a fail), one at a time, runs the tests that
cover that module, and reports the mutants no test killed.

It is our own small AST mutator rather than mutmut: mutmut skips decorated functions (every
rule is `@rule(...)`) and does not see tests that run the command line in a subprocess
(the fixture and live tests do). Each mutant runs in a child process forked from this one
(pytest already imported), which imports hds_iac with the mutated module served from memory
(the working tree is never touched) and runs the fast in-process tests of that module's
folder, stopping at the first failure: a rule module runs the rule unit tests and its own
rules' fixture cases, an adapter the adapter tests and every rule's fixture cases, a live
adapter (live/aws/adapt.py, live/outscale/adapt.py) the in-process tests that feed it the
answers recorded from moto_server or the Outscale mock (scripts/record_live.py).

Mutations (the ones that change what a user sees when they go unnoticed):
  cmp      flip a comparison: == and !=, < and >=, > and <=, in and not in, is and is not
  bool     swap `and` and `or`
  not      drop or add a `not` in front of an `if`/`while`/ternary condition
  status   swap the verdict strings "pass", "fail" and "unknown"
  const    True and False swapped; an integer constant +1 / -1
  drop     drop one string from a literal tuple, list or set of strings

    python scripts/mutation.py                          # every mutant of rules and adapters
    python scripts/mutation.py --sample 150 --seed 7    # a reproducible sample
    python scripts/mutation.py hds_iac/rules/tls_006_plaintext_ports.py --list
    python scripts/mutation.py --json mutants.json      # survivors for a later look

A survivor is either a missing test or an equivalent mutant (one that cannot change any
result); `scripts/mutation_equivalent.txt` lists those judged equivalent, with why, and the
score leaves them out. Exit status 0 when the score reaches --goal, else 1.
"""
from __future__ import annotations

import argparse
import ast
import functools
import gc
import importlib
import json
import os
import random
import signal
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import pytest  # imported once by the parent; each mutant's child runs it in-process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # mutate and test this tree's hds_iac, whatever is installed
# The live adapters turn API answers into the model as the Terraform adapters do files.
TARGETS = ("hds_iac/rules", "hds_iac/adapters", "hds_iac/live/aws/adapt.py",
           "hds_iac/live/outscale/adapt.py")
EQUIVALENT = ROOT / "scripts" / "mutation_equivalent.txt"

# The tests that judge each folder: in-process and fast (no command line in a subprocess,
# no moto_server, no checkov), the quickest first since a mutant stops at its first failure.
# tests/test_fixture_verdicts.py scans every rule fixture case in-process; for a rule module
# only its rules' cases run (HDS_IAC_FIXTURE_RULES). The slower tests of the suite (the
# same fixtures through the command line, live scans) judge the same verdicts. A pattern
# (`*`) takes every matching file, so that a new unit test file named after the module it
# pins (tests/test_adapter_<module>.py, tests/test_rule_<topic>.py) judges its mutants.
TESTS = {
    "hds_iac/rules": ["tests/test_rules_encryption.py", "tests/test_rules_identity.py",
                      "tests/test_rules_location.py", "tests/test_rules_resilience.py",
                      "tests/test_rule_outcomes.py", "tests/test_rule_bucket_object_access.py",
                      "tests/test_rule_password_policy.py", "tests/test_engine_defaults.py",
                      "tests/test_read_gaps.py", "tests/test_fixture_verdicts.py"],
    "hds_iac/adapters": ["tests/test_adapter_*.py", "tests/test_aws_iam.py",
                         "tests/test_network_facts.py", "tests/test_aws_shared_mapping.py",
                         "tests/test_rule_bucket_object_access.py",
                         "tests/test_engine_defaults.py", "tests/test_fixture_verdicts.py"],
    # The live adapters: answers recorded from a real moto_server or the Outscale mock, fed
    # in-process to the adapter and the engine (the live tests run the CLI in a subprocess,
    # which no mutant reaches).
    "hds_iac/live/aws/adapt.py": ["tests/test_live_aws_adapt.py",
                                  "tests/test_aws_shared_mapping.py"],
    "hds_iac/live/outscale/adapt.py": ["tests/test_live_outscale_adapt.py"],
}

_CMP_SWAP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
             ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
             ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_STATUS_SWAP = {"pass": "fail", "fail": "pass", "unknown": "pass"}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the repository
    line: int
    col: int
    kind: str
    detail: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}:{self.col}:{self.kind}:{self.detail}"


def _string_items(node: ast.AST) -> list[int] | None:
    elts = getattr(node, "elts", None)
    if elts is None or len(elts) < 2:
        return None
    if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts):
        return list(range(len(elts)))
    return None


def _is_docstring(node: ast.Constant, parents: dict[int, ast.AST]) -> bool:
    parent = parents.get(id(node))
    return isinstance(parent, ast.Expr)


class _Finder(ast.NodeVisitor):
    """Every mutation point of a module, in source order (numbered by `index`)."""

    def __init__(self, path: str, parents: dict[int, ast.AST]) -> None:
        self.path = path
        self.parents = parents
        self.points: list[tuple[Mutant, ast.AST, object]] = []

    def _add(self, node: ast.AST, kind: str, detail: str, how: object) -> None:
        self.points.append((Mutant(self.path, node.lineno, node.col_offset, kind, detail), node, how))

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            swap = _CMP_SWAP.get(type(op))
            if swap:
                self._add(node, "cmp", f"{type(op).__name__}->{swap.__name__}#{i}", (i, swap))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._add(node, "bool", "and->or" if isinstance(node.op, ast.And) else "or->and", None)
        self.generic_visit(node)

    def _test(self, node: ast.If | ast.While | ast.IfExp) -> None:
        self._add(node, "not", "negate condition", None)

    def visit_If(self, node: ast.If) -> None:
        self._test(node)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._test(node)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._test(node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._add(node, "const", f"{value}->{not value}", not value)
        elif isinstance(value, int) and not _is_docstring(node, self.parents):
            self._add(node, "const", f"{value}->{value + 1}", value + 1)
            if value != 0:
                self._add(node, "const", f"{value}->{value - 1}", value - 1)
        elif isinstance(value, str) and value in _STATUS_SWAP:
            self._add(node, "status", f"{value}->{_STATUS_SWAP[value]}", _STATUS_SWAP[value])

    def _sequence(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        items = _string_items(node)
        if items:
            for i in items:
                self._add(node, "drop", f"drop {node.elts[i].value!r}", i)  # type: ignore[attr-defined]
        self.generic_visit(node)

    visit_Tuple = visit_List = visit_Set = _sequence


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    out: dict[int, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            out[id(child)] = parent
    return out


def mutation_points(path: Path) -> list[Mutant]:
    tree = ast.parse(path.read_text("utf-8"))
    finder = _Finder(path.relative_to(ROOT).as_posix(), _parents(tree))
    finder.visit(tree)
    return [m for m, _, _ in finder.points]


def mutate(path: Path, mutant: Mutant) -> str:
    """The module's source with `mutant` applied (re-found by position and kind)."""
    tree = ast.parse(path.read_text("utf-8"))
    finder = _Finder(mutant.path, _parents(tree))
    finder.visit(tree)
    for found, node, how in finder.points:
        if found != mutant:
            continue
        if mutant.kind == "cmp":
            i, swap = how  # type: ignore[misc]
            node.ops[i] = swap()  # type: ignore[attr-defined]
        elif mutant.kind == "bool":
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()  # type: ignore[attr-defined]
        elif mutant.kind == "not":
            test = node.test  # type: ignore[attr-defined]
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                node.test = test.operand  # type: ignore[attr-defined]
            else:
                node.test = ast.UnaryOp(op=ast.Not(), operand=test)  # type: ignore[attr-defined]
        elif mutant.kind in ("const", "status"):
            node.value = how  # type: ignore[attr-defined]
        elif mutant.kind == "drop":
            del node.elts[how]  # type: ignore[attr-defined]
        return ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    raise LookupError(f"mutation point not found: {mutant.key}")


def _rule_ids(path: Path) -> set[str]:
    """The rules a rule module registers (`@rule("HDS-…")`)."""
    tree = ast.parse(path.read_text("utf-8"))
    return {d.args[0].value for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            for d in node.decorator_list
            if isinstance(d, ast.Call) and getattr(d.func, "id", None) == "rule"
            and d.args and isinstance(d.args[0], ast.Constant)}


def _rules_using(helper: str) -> set[str]:
    """The rules whose modules import the rule helper module `helper` (`_at_rest`…),
    directly or through another helper."""
    users: set[str] = set()
    seen = {helper}
    todo = [helper]
    while todo:
        name = todo.pop()
        for module in (ROOT / "hds_iac/rules").glob("*.py"):
            text = module.read_text("utf-8")
            if f"hds_iac.rules.{name} import" in text or f"from hds_iac.rules import {name}" in text:
                users |= _rule_ids(module)
                if module.stem.startswith("_") and module.stem not in seen:
                    seen.add(module.stem)
                    todo.append(module.stem)
    return users


def _fixture_rules(path: str) -> set[str] | None:
    """The rules whose fixture cases can kill a mutant of `path` (None: every rule's)."""
    module = ROOT / path
    if not path.startswith("hds_iac/rules/"):
        return None
    if module.stem.startswith("_"):
        return _rules_using(module.stem) or None
    return _rule_ids(module) or None


def _tests_for(path: str, override: list[str] | None) -> list[str]:
    if override:
        return override
    for folder, tests in TESTS.items():
        if _within(path, folder):
            found: list[str] = []
            for t in tests:
                for f in sorted(ROOT.glob(t)) if "*" in t else [ROOT / t]:
                    name = f.relative_to(ROOT).as_posix()
                    if f.exists() and name not in found:
                        found.append(name)
            return found
    raise LookupError(f"no tests known for {path}")


def _within(path: str, target: str) -> bool:
    """`path` is the module `target` or lies in the folder `target`."""
    return path == target or path.startswith(target + "/")


def _module_name(path: str) -> str:
    return path[:-len(".py")].replace("/", ".").removesuffix(".__init__")


class _MutantFinder:
    """A meta path finder that serves one module from a mutated source held in memory, so
    that the child process imports the mutant and the working tree is never touched."""

    def __init__(self, name: str, origin: str, source: str) -> None:
        self.name, self.origin, self.source = name, origin, source

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - importlib protocol
        import importlib.util
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=self.origin)

    def create_module(self, spec):  # noqa: ANN001
        return None

    def exec_module(self, module) -> None:  # noqa: ANN001
        module.__file__ = self.origin
        exec(compile(self.source, self.origin, "exec"), module.__dict__)


_PYTEST_ARGS = ("-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--no-header",
                "-o", "addopts=")


def _warm_up(tests: list[str]) -> None:
    """Collect `tests` once in this process, so that every module they import (hds_iac,
    the test modules, pytest's plugins, yaml…) is loaded before the children are forked."""
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        pytest.main(["--collect-only", *_PYTEST_ARGS, *tests])
        for folder in TARGETS:  # the rule modules are imported lazily, by the registry
            where = ROOT / folder
            for module in sorted(where.glob("*.py")) if where.is_dir() else [where]:
                importlib.import_module(_module_name(module.relative_to(ROOT).as_posix()))
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(devnull)
    imported = Path(sys.modules["hds_iac"].__file__ or "")
    if ROOT not in imported.parents:
        raise SystemExit(f"mutation: hds_iac imported from {imported}, not from {ROOT}")


def _forget_project_modules() -> None:
    """Drop hds_iac and the test modules from sys.modules (the child imports them afresh,
    the mutated module among them)."""
    root = str(ROOT)
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or ""
        if name == "hds_iac" or name.startswith("hds_iac.") or where.startswith(root):
            del sys.modules[name]


def _code_objects(code: types.CodeType) -> dict[str, list[types.CodeType]]:
    """Every function code object compiled in `code`, by qualified name."""
    out: dict[str, list[types.CodeType]] = {}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out.setdefault(const.co_qualname, []).append(const)
            for name, codes in _code_objects(const).items():
                out.setdefault(name, []).extend(codes)
    return out


def _in_function_body(tree: ast.AST, mutant: Mutant) -> bool:
    """Whether the mutation point lies in the body of a function or lambda (its code runs
    when the function is called), not in module or class level code, a decorator or a
    default value (which run once, at import)."""
    parents = _parents(tree)
    node = next((n for n in ast.walk(tree) if getattr(n, "lineno", None) == mutant.line
                 and getattr(n, "col_offset", None) == mutant.col), None)
    while node is not None:
        parent = parents.get(id(node))
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return any(node is n for n in parent.body)
        if isinstance(parent, ast.Lambda):
            return node is parent.body
        node = parent
    return False


def _patch_in_place(mutant: Mutant, source: str) -> bool:
    """Give the live function objects of the mutated module the mutated code (in a child
    that already imported hds_iac): every reference to them (`from … import`, the rule
    registry, closures made at import) then runs the mutant. False when the mutation is
    not inside a function's body, or its function cannot be told apart: the caller then
    imports hds_iac afresh instead."""
    path = str(ROOT / mutant.path)
    original = ROOT / mutant.path
    if not _in_function_body(ast.parse(original.read_text("utf-8")), mutant):
        return False
    # the same layout for both (ast.unparse), so that only the mutated code differs
    before = _code_objects(compile(ast.unparse(ast.parse(original.read_text("utf-8"))) + "\n",
                                   path, "exec"))
    after = _code_objects(compile(source, path, "exec"))
    changed = {name for name, codes in after.items() if codes != before.get(name)}
    if not changed or any(len(after[n]) != 1 or "<lambda>" in n for n in changed):
        return False
    patched: set[str] = set()
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and obj.__code__.co_filename == path \
                and obj.__code__.co_qualname in changed:
            new = after[obj.__code__.co_qualname][0]
            if new.co_freevars != obj.__code__.co_freevars:
                return False
            obj.__code__ = new.replace(co_filename=path)
            patched.add(new.co_qualname)
    # the outermost changed function must be live; nested ones may not exist yet
    outer = min(changed, key=len)
    if outer not in patched:
        return False
    for obj in gc.get_objects():  # results cached before the mutation are stale
        if isinstance(obj, functools._lru_cache_wrapper) and \
                getattr(obj, "__module__", "").startswith("hds_iac"):
            obj.cache_clear()
    return True


def _start(tests: list[str], rules: set[str] | None = None, mutant: Mutant | None = None) -> int:
    """The pid of a child forked from this process that runs `tests` with pytest
    (which has collected them, so hds_iac and every test module are imported), with
    `mutant` applied: patched into the live functions when it lies in a function's body,
    else by importing hds_iac and the tests afresh with the mutated module served from
    memory. The child stops at the first failure and exits with pytest's status."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 3
        try:
            os.chdir(ROOT)
            sys.dont_write_bytecode = True
            if rules:
                os.environ["HDS_IAC_FIXTURE_RULES"] = ",".join(sorted(rules))
            sys.modules.pop("test_fixture_verdicts", None)  # it reads HDS_IAC_FIXTURE_RULES
            if mutant is not None:
                source = mutate(ROOT / mutant.path, mutant)
                patched = _patch_in_place(mutant, source)
                if not patched:
                    _forget_project_modules()
                    sys.meta_path.insert(0, _MutantFinder(
                        _module_name(mutant.path), str(ROOT / mutant.path), source))
                if os.environ.get("MUTATION_VERBOSE"):
                    print(f"\n{mutant.key} {'patched' if patched else 'imported afresh'}",
                          file=sys.stderr, flush=True)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = int(pytest.main(["-x", *_PYTEST_ARGS, *tests]))
        finally:
            os._exit(code)
    return pid


def _outcome(pid: int, deadline: float) -> str | None:
    """passed | failed | timeout once the child `pid` is done (one still running at
    `deadline` is killed), None while it runs."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        return "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return "timeout"
    return None


def _run_tests(tests: list[str], timeout: int) -> str:
    """passed | failed | timeout: `tests` on the code as it is."""
    pid, deadline = _start(tests), time.monotonic() + timeout
    while (outcome := _outcome(pid, deadline)) is None:
        time.sleep(0.05)
    return outcome


_VERDICT = {"passed": "survived", "failed": "killed", "timeout": "timeout"}


def _equivalent() -> dict[str, str]:
    out: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text("utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, why = line.partition("  ")
                out[key.strip()] = why.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="modules to mutate (default: rules and adapters)")
    parser.add_argument("--sample", type=int, help="mutate only N mutants drawn at random")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    parser.add_argument("--kinds", help="comma-separated mutation kinds to keep")
    parser.add_argument("--keys", help="keep only the mutants whose keys this file lists, one a "
                        "line (a previous run's survivors, to see which are killed now)")
    parser.add_argument("--match", action="append",
                        help="keep only mutants whose key contains this text (repeatable)")
    parser.add_argument("--tests", nargs="+", help="test files to run instead of the defaults")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", help="write every mutant's outcome to this file")
    parser.add_argument("--resume", action="store_true",
                        help="keep the outcomes the --json file already holds")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--goal", type=float, default=95.0,
                        help="score (%% of non-equivalent mutants killed) to reach (default 95)")
    args = parser.parse_args(argv)

    files = sorted(f for p in (args.paths or TARGETS)
                   for f in ((ROOT / p).glob("*.py") if (ROOT / p).is_dir() else [ROOT / p])
                   if f.name != "__init__.py")
    mutants = [m for f in files for m in mutation_points(f)]
    if args.kinds:
        keep = set(args.kinds.split(","))
        mutants = [m for m in mutants if m.kind in keep]
    if args.match:
        mutants = [m for m in mutants if any(t in m.key for t in args.match)]
    if args.keys:
        wanted = {k.strip() for k in Path(args.keys).read_text("utf-8").splitlines()}
        mutants = [m for m in mutants if m.key in wanted]
    if args.sample and args.sample < len(mutants):
        mutants = sorted(random.Random(args.seed).sample(mutants, args.sample),
                         key=lambda m: (m.path, m.line, m.col))
    if args.list:
        for m in mutants:
            print(m.key)
        print(f"{len(mutants)} mutants", file=sys.stderr)
        return 0

    os.chdir(ROOT)
    _warm_up(sorted({t for m in mutants for t in _tests_for(m.path, args.tests)}))
    # the tests must pass on the code as it is, or every mutant would look killed
    for tests in sorted({tuple(_tests_for(m.path, args.tests)) for m in mutants}):
        if _run_tests(list(tests), args.timeout * 4) != "passed":
            print(f"mutation: the tests fail without any mutant: {' '.join(tests)}",
                  file=sys.stderr)
            return 2

    equivalent = _equivalent()
    outcomes: list[dict] = []
    done: dict[str, str] = {}
    if args.resume and args.json and Path(args.json).exists():
        done = {o["mutant"]: o["outcome"]
                for o in json.loads(Path(args.json).read_text())["mutants"]}
    started = time.monotonic()
    running: dict[int, tuple[Mutant, float]] = {}  # pid: mutant, deadline
    todo = list(mutants)

    def record(m: Mutant, outcome: str) -> None:
        outcomes.append({"mutant": m.key, "outcome": outcome})
        mark = {"killed": ".", "timeout": "T", "survived": "S", "equivalent": "="}[outcome]
        print(mark, end="" if len(outcomes) % 60 else "\n", flush=True)
        if args.json:  # after each mutant: an interrupted run can be resumed (--resume)
            Path(args.json).write_text(json.dumps({"mutants": outcomes}, indent=1))

    try:
        while todo or running:
            while todo and len(running) < args.jobs:
                m = todo.pop(0)
                if m.key in equivalent:
                    record(m, "equivalent")
                elif m.key in done and done[m.key] != "equivalent":
                    record(m, done[m.key])
                else:
                    pid = _start(_tests_for(m.path, args.tests), _fixture_rules(m.path), m)
                    running[pid] = (m, time.monotonic() + args.timeout)
            for pid, (m, deadline) in list(running.items()):
                outcome = _outcome(pid, deadline)
                if outcome is not None:
                    del running[pid]
                    record(m, _VERDICT[outcome])
            time.sleep(0.02)
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
        print()

    judged = [o for o in outcomes if o["outcome"] != "equivalent"]
    killed = [o for o in judged if o["outcome"] in ("killed", "timeout")]
    score = 100.0 * len(killed) / len(judged) if judged else 100.0
    by_file: dict[str, list[int]] = {}
    for o in judged:
        path = o["mutant"].split(":")[0]
        k = by_file.setdefault(path, [0, 0])
        k[1] += 1
        k[0] += o["outcome"] != "survived"
    print(f"{'module':<52} killed/total")
    for path, (k, t) in sorted(by_file.items()):
        print(f"{path:<52} {k}/{t}")
    for folder in TARGETS:
        k = sum(v[0] for p, v in by_file.items() if _within(p, folder))
        t = sum(v[1] for p, v in by_file.items() if _within(p, folder))
        if t and (ROOT / folder).is_dir():
            print(f"{folder + '/':<52} {k}/{t} ({100.0 * k / t:.1f}%)")
    survivors = [o["mutant"] for o in judged if o["outcome"] == "survived"]
    for key in survivors:
        print("survived:", key)
    print(f"score: {score:.1f}% ({len(killed)} of {len(judged)} killed; "
          f"{len(outcomes) - len(judged)} equivalent left out) in "
          f"{time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"score": score, "mutants": outcomes}, indent=1))
    return 0 if score >= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
