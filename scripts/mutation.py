#!/usr/bin/env python3
"""Mutation testing of the rules and adapters: do the tests notice a wrong verdict?

A line coverage figure says a test ran the code; a mutant says whether a test would have
failed had the code been wrong. This script makes small, plausible mistakes in the rule and
adapter modules (the ones that decide a pass or a fail), one at a time, runs the tests that
cover that module, and reports the mutants no test killed.

It is our own small AST mutator rather than mutmut: mutmut skips decorated functions (every
rule is `@rule(...)`) and does not see tests that run the command line in a subprocess
(the fixture and live tests do). Each mutant runs in a scratch copy of the repository, so
the working tree is never touched, and the tests import the copy (PYTHONPATH).

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
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("hds_iac/rules", "hds_iac/adapters")
EQUIVALENT = ROOT / "scripts" / "mutation_equivalent.txt"

# The tests that judge each folder; a module-specific list can be added here when a
# folder's tests get too slow to run per mutant.
TESTS = {
    "hds_iac/rules": ["tests/test_rules_encryption.py", "tests/test_rules_identity.py",
                      "tests/test_rules_location.py", "tests/test_rules_resilience.py",
                      "tests/test_fixtures.py"],
    "hds_iac/adapters": ["tests/test_adapter_aws.py", "tests/test_adapter_outscale.py",
                         "tests/test_aws_iam.py", "tests/test_network_facts.py",
                         "tests/test_fixtures.py"],
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


def _tests_for(path: str, override: list[str] | None) -> list[str]:
    if override:
        return override
    for folder, tests in TESTS.items():
        if path.startswith(folder + "/"):
            return [t for t in tests if (ROOT / t).exists()]
    raise LookupError(f"no tests known for {path}")


def _scratch_copy() -> Path:
    """A copy of what the tests need (package, checks, providers, fixtures, tests)."""
    scratch = Path(tempfile.mkdtemp(prefix="hds-iac-mutation-"))
    for name in ("hds_iac", "providers", "checks", "fixtures", "tests", "pyproject.toml"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, scratch / name)
    # the test modules find ../shared beside the repository
    shared = ROOT.parent / "shared"
    if shared.exists() and not (scratch.parent / "shared").exists():
        os.symlink(shared, scratch.parent / "shared", target_is_directory=True)
    return scratch


def run_mutant(scratch: Path, mutant: Mutant, tests: list[str], timeout: int) -> str:
    """killed | survived | timeout"""
    target = scratch / mutant.path
    original = target.read_text("utf-8")
    target.write_text(mutate(ROOT / mutant.path, mutant), "utf-8")
    env = dict(os.environ, PYTHONPATH=str(scratch), PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             "--no-header", "-o", "addopts=", *tests],
            cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
        return "survived" if proc.returncode == 0 else "killed"
    except subprocess.TimeoutExpired:
        return "timeout"  # an endless loop is a mutant the tests catch (by their time limit)
    finally:
        target.write_text(original, "utf-8")


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
    parser.add_argument("--tests", nargs="+", help="test files to run instead of the defaults")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", help="write every mutant's outcome to this file")
    parser.add_argument("--goal", type=float, default=95.0,
                        help="score (%% of non-equivalent mutants killed) to reach (default 95)")
    args = parser.parse_args(argv)

    files = [ROOT / p for p in args.paths] if args.paths else sorted(
        p for t in TARGETS for p in (ROOT / t).glob("*.py") if p.name != "__init__.py")
    mutants = [m for f in files for m in mutation_points(f)]
    if args.kinds:
        keep = set(args.kinds.split(","))
        mutants = [m for m in mutants if m.kind in keep]
    if args.sample and args.sample < len(mutants):
        mutants = sorted(random.Random(args.seed).sample(mutants, args.sample),
                         key=lambda m: (m.path, m.line, m.col))
    if args.list:
        for m in mutants:
            print(m.key)
        print(f"{len(mutants)} mutants", file=sys.stderr)
        return 0

    equivalent = _equivalent()
    scratch = _scratch_copy()
    outcomes: list[dict] = []
    started = time.monotonic()
    try:
        for n, m in enumerate(mutants, 1):
            if m.key in equivalent:
                outcome = "equivalent"
            else:
                outcome = run_mutant(scratch, m, _tests_for(m.path, args.tests), args.timeout)
            outcomes.append({"mutant": m.key, "outcome": outcome})
            mark = {"killed": ".", "timeout": "T", "survived": "S", "equivalent": "="}[outcome]
            print(mark, end="" if n % 60 else "\n", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
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
