"""The pre-commit hooks (`.pre-commit-hooks.yaml`): `hds-iac pre-commit MODE [ARGS] FILES`.

Modes:

- `native` (hook `hds-iac`): pre-commit passes the staged `.tf`/`.tfvars` files; we scan
  the Terraform ROOT folders they belong to, not the whole repository. A file in a local
  module folder stands for every root that calls that module (directly or through other
  local modules). The hook's `args` are `hds-iac scan` options (`--fail-on high`,
  `--config FILE`, `-o sarif --output-file ...`); `.hds-iac.yaml` is honoured as by
  `hds-iac scan`.
- `plan` (hook `hds-iac-plan`): the staged JSON files that are Terraform plans or states
  (`terraform show -json`, `terraform.tfstate`); other JSON files are ignored.
- `checkov` (hook `hds-iac-checkov`): checkov with our checks on the same root folders.
  checkov cannot share an environment with hds-iac (its pinned bc-python-hcl2 ships a
  module `hcl2` that clashes with python-hcl2), so it runs from its own: `$HDS_IAC_CHECKOV`,
  else a `checkov` on PATH, else a virtual environment created once under the user cache
  folder (`$XDG_CACHE_HOME/hds-iac/checkov-<version>`, pip-installing checkov there).
  Our checks inside it answer from this hds-iac's native scan of each folder
  (`$HDS_IAC_BIN`, set by the hook; see `hds_iac.checkov_native`).
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from typing import Callable, Sequence

from hds_iac.console import say

# How a hook runs `hds-iac scan`: the command line hands them to `main` (this module never
# imports the command line, which imports it).
ScanRunner = Callable[[list[str]], int]  # scan options and paths -> exit status
ScanParser = Callable[[list[str]], argparse.Namespace]  # `hds-iac scan` arguments parsed

CHECKOV_VERSION = "3.3.30"
# The files a Terraform folder is made of (HCL and JSON syntax, variables files).
TERRAFORM_FILES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
_MODULE_BLOCK = re.compile(r'^\s*module\s+"|"module"\s*:', re.M)  # HCL or JSON syntax


# --- staged files -> root folders -------------------------------------------------------------


def _module_callers(repo_root: str) -> tuple[dict[str, set[str]], set[str]]:
    """(folder -> folders that call it as a local module, folders holding .tf files)."""
    from hds_iac.terraform.hcl.files import (
        ParsedFile, local_module_sources, parse_file, tf_files, walk_folders,
    )

    callers: dict[str, set[str]] = {}
    with_tf: set[str] = set()
    for folder in walk_folders(repo_root):
        files, _ = tf_files(folder)
        if not files:
            continue
        real = os.path.realpath(folder)
        with_tf.add(real)
        for file in files:
            try:
                with open(file, encoding="utf-8", errors="replace") as handle:
                    if not _MODULE_BLOCK.search(handle.read()):
                        continue  # no module call: no need to parse it
            except OSError:
                continue
            parsed = parse_file(file, file)
            if not isinstance(parsed, ParsedFile):
                continue
            for source in local_module_sources(parsed):
                target = os.path.realpath(os.path.join(folder, source))
                if target != real:
                    callers.setdefault(target, set()).add(real)
    return callers, with_tf


def roots_for(files: Sequence[str], repo_root: str = ".") -> list[str]:
    """The root module folders to scan for these staged files, relative to `repo_root`
    when inside it. A folder no local module call points at is a root."""
    callers, with_tf = _module_callers(repo_root)
    roots: set[str] = set()
    for file in files:
        start = os.path.realpath(os.path.dirname(os.path.abspath(file)))
        if start not in with_tf:
            continue  # a .tfvars beside no .tf (var files for CI): nothing to scan here
        seen, stack = set(), [start]
        while stack:
            folder = stack.pop()
            if folder in seen:
                continue
            seen.add(folder)
            up = callers.get(folder, set()) - seen
            if callers.get(folder):
                stack.extend(up)
            else:
                roots.add(folder)
    base = os.path.realpath(repo_root)
    out = []
    for root in sorted(roots):
        rel = os.path.relpath(root, base)
        out.append(root if rel.startswith("..") else rel)
    return out


def is_terraform_json(path: str) -> bool:
    """A plan or state written by Terraform (`terraform show -json`, terraform.tfstate)."""
    from hds_iac.terraform import jsonfile  # the same detection as `hds-iac scan`

    if not jsonfile.looks_like_json_input(path):
        return False
    try:
        with open(path, "rb") as handle:
            jsonfile.kind_of(jsonfile.parse(jsonfile.decode(handle.read())))
    except (OSError, jsonfile.InputProblem):
        return False
    return True


# --- argument handling -------------------------------------------------------------------------


def _split(argv: Sequence[str], parse: ScanParser) -> tuple[list[str], list[str]]:
    """(scan options, files): pre-commit appends the files after the hook's args."""
    args = list(argv)
    parsed = parse([*args, "."])
    files = list(parsed.paths[:-1])
    if files and args[-len(files):] == files:
        return args[:-len(files)], files
    options = list(args)
    for file in files:
        options.remove(file)
    return options, files


def native(argv: Sequence[str], scan: ScanRunner, parse: ScanParser) -> int:
    options, files = _split(argv, parse)
    roots = roots_for(files)
    if not roots:
        print("hds-iac: no Terraform root folder among the staged files", file=sys.stderr)
        return 0
    say(f"hds-iac: scanning {', '.join(roots)}")
    return scan([*options, *roots])


def plan(argv: Sequence[str], scan: ScanRunner, parse: ScanParser) -> int:
    options, files = _split(argv, parse)
    plans = [f for f in files if is_terraform_json(f)]
    if not plans:
        return 0
    return scan([*options, *plans])


# --- checkov ------------------------------------------------------------------------------------


def _cache_dir() -> str:
    from hds_iac.checkov_native import cache_root

    return os.path.join(cache_root(), f"checkov-{CHECKOV_VERSION}")


def _ours(path: str) -> bool:
    """A checkov inside hds-iac's own environment would share it: never use that one."""
    return os.path.realpath(os.path.dirname(path)) == os.path.realpath(
        os.path.dirname(sys.executable))


def find_checkov(create: bool = True) -> str:
    from shutil import which

    explicit = os.environ.get("HDS_IAC_CHECKOV")
    if explicit:
        return explicit
    found = which("checkov")
    if found and not _ours(found):
        return found
    venv = _cache_dir()
    binary = os.path.join(venv, "Scripts" if os.name == "nt" else "bin",
                          "checkov.exe" if os.name == "nt" else "checkov")
    if os.path.exists(binary):
        return binary
    if not create:
        raise FileNotFoundError("checkov not found")
    print(f"hds-iac: installing checkov {CHECKOV_VERSION} in its own environment {venv} "
          "(once)", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = os.path.join(venv, "Scripts" if os.name == "nt" else "bin", "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    f"checkov=={CHECKOV_VERSION}"], check=True)
    return binary


def checkov(argv: Sequence[str], scan: ScanRunner, parse: ScanParser) -> int:
    from hds_iac import checkov_native
    from hds_iac.checkov_support import checks_dir

    args = list(argv)
    files = [a for a in args if a.endswith(TERRAFORM_FILES) and os.path.isfile(a)]
    options = [a for a in args if a not in files]
    roots = roots_for(files)
    if not roots:
        return 0
    try:
        binary = find_checkov()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"hds-iac: error: cannot install checkov: {exc}", file=sys.stderr)
        return 2
    cmd = [binary]
    for root in roots:
        cmd += ["-d", root]
    cmd += ["--framework", "terraform", "--external-checks-dir", str(checks_dir()), *options]
    env = dict(os.environ)
    env.setdefault("BC_SKIP_MAPPING", "TRUE")
    # The CKV_HDS checks answer from the native engine: this very hds-iac (remembered in
    # the cache too, for checkov runs outside the hook).
    command = checkov_native.this_command()
    checkov_native.record_command(command)
    env.setdefault(checkov_native.BIN_VARIABLE, shlex.join(command))
    # hds-iac's environment (PATH, VIRTUAL_ENV) must not leak into checkov's.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return subprocess.run(cmd, env=env).returncode


MODES = {"native": native, "plan": plan, "checkov": checkov}


USAGE = "usage: hds-iac pre-commit {native,plan,checkov} [SCAN OPTIONS] FILES..."
HELP = USAGE + """

Run by pre-commit (.pre-commit-hooks.yaml), with the staged files last.

modes:
  native   scan the Terraform root folders the staged .tf/.tfvars files belong to
           (a file of a local module stands for every root that calls it)
  plan     scan the staged JSON files that are Terraform plans or states
  checkov  run checkov with hds-iac's checks on the same root folders, from its own
           environment ($HDS_IAC_CHECKOV, a checkov on PATH, or one installed once)

SCAN OPTIONS are those of `hds-iac scan` (see `hds-iac scan --help`), for example
  --fail-on high   --config .hds-iac.yaml   -o sarif --output-file hds-iac.sarif
"""


def main(argv: Sequence[str], scan: ScanRunner, parse: ScanParser) -> int:
    """`hds-iac pre-commit MODE ...`; `scan` runs `hds-iac scan` with the hook's defaults."""
    args = list(argv)
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(HELP)
        return 0
    if not args or args[0] not in MODES:
        print(USAGE + "\n(hds-iac pre-commit --help for the modes)", file=sys.stderr)
        return 2
    return MODES[args[0]](args[1:], scan, parse)
