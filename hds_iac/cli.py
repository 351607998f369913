"""The `hds-iac` command line: the parser and the dispatch to each command.

This module puts the commands together and is imported by none of them: what they share
is in `command` (report options, prepare/finish around a scan) and `console` (messages,
exit statuses).
"""
from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NoReturn, Sequence

from hds_iac import dataclass_code

# Before the modules that make dataclasses are imported: their methods' code is compiled
# once and kept in the user cache (`dataclass_code`); `main` saves what it compiled.
dataclass_code.install()

from hds_iac import __version__, bundled_toml, catalogue, repository  # noqa: E402
from hds_iac.command import add_report_options, finish, prepare  # noqa: E402
from hds_iac.console import EXIT_ERROR, EXIT_OK, say  # noqa: E402
from hds_iac.errors import UsageError  # noqa: E402

if TYPE_CHECKING:
    from hds_iac.config import Config

DEBUG_HELP = ("show the Python traceback of an internal error (same as the environment variable"
              " HDS_IAC_DEBUG=1)")

DESCRIPTION = """\
Check Terraform code, plans and states against the French health-data hosting
certification (HDS référentiel v2.0) and the client duties of the cloud provider's
responsibility matrix: data location (EEA), encryption at rest and in transit, MFA and
access keys, multi-AZ deployment, backups and sharing of snapshots.
"""

SCAN_EPILOG = """\
PATH may be:
  a folder     every Terraform root module under it, with the local modules it calls
  a .tf file   the folder that holds it
  a JSON file  a plan (terraform show -json tfplan > plan.json), a state written by
               `terraform show -json`, or a terraform.tfstate file (detected from content;
               UTF-8, UTF-8 with BOM and UTF-16 are all accepted)

Values that cannot be resolved (a variable without value, an id known only after apply)
give the status `unknown` with the reason, never a guessed pass or fail.

exit status:
  0  no failing finding at or above --fail-on
  1  failing findings at or above --fail-on
  2  usage error, or an input could not be read completely (the others are still reported),
     or a module call was not read (not downloaded: run terraform init) unless
     --allow-missing-modules

examples:
  hds-iac scan infra/
  hds-iac scan infra/ --var-file prod.tfvars --var region=eu-west-3
  terraform show -json tfplan > plan.json && hds-iac scan plan.json -o json
  hds-iac scan infra/ --allowed-countries FR --fail-on high
  hds-iac scan infra/ -o hds-html,cli --output-file rapport-hds.html   # auditors' report + screen
"""


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value


def build_parser(scan_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `scan_only`: the `scan` command alone, which is all that
    parsing a scan needs (a scan, above all the one behind each checkov run, then does not
    import the live, report and history commands)."""
    parser = argparse.ArgumentParser(
        prog="hds-iac", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hds-iac {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan", help="check Terraform folders, plans or states",
        description="Check Terraform folders, plans or states for HDS compliance.",
        epilog=SCAN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="folder, .tf file, plan or state")
    scan.add_argument("--var-file", action="append", default=[], metavar="FILE",
                      help="Terraform variables file for folders (repeatable)")
    scan.add_argument("--var", action="append", default=[], type=_key_value,
                      metavar="NAME=VALUE", help="Terraform variable for folders (repeatable)")
    scan.add_argument("--allow-missing-modules", action=argparse.BooleanOptionalAction,
                      default=None,
                      help="do not exit 2 for module calls that were not read (registry or git"
                           " modules not downloaded by `terraform init`, local folders missing);"
                           " they are still reported in every format (default: off; on in the"
                           " pre-commit hook)")
    scan.add_argument("--no-cache", action="store_true",
                      help="parse every HCL file (and hds-iac's own data files) anew, neither"
                           " reading nor writing the caches of parsed files (same as"
                           " HDS_IAC_NO_CACHE=1; they are in $HDS_IAC_CACHE_DIR, default"
                           " ~/.cache/hds-iac: hcl/ and bundled-toml-*.json; delete them to"
                           " clear them)")
    add_report_options(scan)
    # SUPPRESS: without the flag here, `hds-iac --debug scan` keeps the top-level value.
    scan.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                      help=DEBUG_HELP)
    if scan_only:
        return parser

    from hds_iac.history import cli as history_cli
    from hds_iac.live import cli as live_cli
    from hds_iac.report import cli as report_cli

    rules = sub.add_parser("rules", help="list the rule catalogue",
                           description="List the rules with their topic, severity and references.")
    rules.add_argument("-o", "--output", choices=("cli", "json"), default="cli")
    rules.add_argument("--lang", choices=("en", "fr"), default="en")

    docs = sub.add_parser("docs", help="write one Markdown page per rule",
                          description="Generate docs/rules/ from the catalogue, and the per-rule"
                          " tables (between `<!-- hds-iac docs: NAME -->` markers) of the"
                          " Markdown pages of its parent folder.")
    docs.add_argument("--out", default="docs/rules", metavar="FOLDER")

    live_cli.add_live_parser(sub)
    report_cli.add_report_parser(sub)
    history_cli.add_history_parser(sub)
    sub.add_parser("checkov-dir", help="print the folder to give to checkov --external-checks-dir",
                   description="Print the folder holding hds-iac's checkov checks.")
    # No argparse help: every argument after MODE belongs to the hook (scan options, files);
    # precommit.main answers -h/--help itself.
    hook = sub.add_parser("pre-commit", help="run a pre-commit hook (native, plan, checkov)",
                          description="The pre-commit hooks: MODE [SCAN OPTIONS] FILES...",
                          add_help=False)
    hook.add_argument("hook_args", nargs=argparse.REMAINDER, metavar="MODE ...")
    return parser


# The pre-commit hook runs before `terraform init` as a rule: registry and git modules are
# normally not downloaded there, so the hook accepts them by default (and says so).
HOOK_ALLOWS_MISSING_MODULES = "the pre-commit hook's default (--allow-missing-modules)"


def _missing_modules_allowed_by(args: argparse.Namespace, cfg: "Config",
                                hook: bool) -> str | None:
    """Who accepts module calls that were not read: the flag, then the configuration file,
    then the pre-commit hook's default; None when nobody does (they make the exit 2)."""
    if args.allow_missing_modules is not None:
        return "--allow-missing-modules" if args.allow_missing_modules else None
    if cfg.get("allow_missing_modules") is not None:
        return (f"allow_missing_modules in {repository.relative_key(cfg.path)}"
                if cfg.get("allow_missing_modules") else None)
    return HOOK_ALLOWS_MISSING_MODULES if hook else None


def cmd_scan(args: argparse.Namespace, hook: bool = False) -> int:
    from hds_iac.scan import reads_hcl

    if not args.no_cache and not any(reads_hcl(path) for path in args.paths):
        return _scan(args, hook)  # plans and states: no parse to cache, no HCL reader import
    from hds_iac.terraform.hcl import parse_cache

    with parse_cache.session(args.no_cache), bundled_toml.bypassed(args.no_cache):
        return _scan(args, hook)


def _scan(args: argparse.Namespace, hook: bool) -> int:
    from hds_iac.output.completeness import unread_line
    from hds_iac.scan import scan

    args.hook = hook  # the pre-commit hook records no history (`store:` is for CI and cron)
    run = prepare(args, args.paths)
    var_files = args.var_file or [run.cfg.relative(v) for v in run.cfg.list("var_files")]
    result = scan(args.paths, run.settings, var_files, dict(args.var), run.rule_ids,
                  run.blame(args))
    result.missing_modules_allowed_by = _missing_modules_allowed_by(args, run.cfg, hook)
    if result.unread_modules and ("cli", None) not in run.outputs:  # the cli report says it
        say(f"hds-iac: {unread_line(result, args.lang or 'en')}")
    if _kept_until_exit is not None:
        _kept_until_exit[:] = [result]
    return finish(args, run, result)


def cmd_rules(args: argparse.Namespace) -> int:
    from hds_iac import matrices

    cat = catalogue.load()
    if args.output == "json":
        loaded = matrices.load()
        rows = [{"id": m.id, "topic": m.topic, "severity": m.severity, "scope": m.scope,
                 "severity_by_provider": m.severity_by_provider,
                 "providers": list(m.providers), "title": m.title.get(args.lang),
                 "remediation": m.remediation.get(args.lang),
                 "references": m.references.as_dict(args.lang),
                 # client duties of each provider's own matrix (empty: none covers the rule)
                 "matrix": {p: [d.as_dict(args.lang) for d in loaded.duties_for(p, m.id)]
                            for p in m.providers}} for m in cat]
        sys.stdout.write(json.dumps({"version": 1, "rules": rows}, indent=2, ensure_ascii=False)
                         + "\n")
        return EXIT_OK
    for topic in catalogue.topics():
        metas = [m for m in cat if m.topic == topic]
        if metas:
            print(topic)
            for m in metas:
                print(f"  {m.id}  {m.severity:<8} {m.title.get(args.lang)}"
                      f"  [{', '.join(m.references.hds)}]")
    return EXIT_OK


def cmd_checkov_dir(args: argparse.Namespace) -> int:
    from hds_iac import checkov_support

    return checkov_support.main([])


def cmd_pre_commit(args: argparse.Namespace) -> int:
    def scan(argv: list[str]) -> int:
        return main(["scan", *argv], hook=True)

    def parse(argv: list[str]) -> argparse.Namespace:
        return build_parser(scan_only=True).parse_args(["scan", *argv])

    from hds_iac import precommit
    from hds_iac.terraform.hcl import parse_cache

    # The hook reads the repository's modules before it scans: --no-cache covers that too.
    with parse_cache.session("--no-cache" in args.hook_args):
        return precommit.main(args.hook_args, scan, parse)


def cmd_docs(args: argparse.Namespace) -> int:
    from hds_iac import doc_sections, rule_docs

    for path in rule_docs.write(args.out):
        print(path)
    # the per-rule tables of the hand-written pages beside docs/rules/ (model contract,
    # checkov fallback), between their markers
    for path in doc_sections.write(Path(args.out).parent):
        print(path)
    return EXIT_OK


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The function of a command other than `scan` (its module imported only now)."""
    if command == "live":
        from hds_iac.live import cli as live_cli
        return live_cli.cmd_live
    if command == "report":
        from hds_iac.report import cli as report_cli
        return report_cli.cmd_report
    if command == "history":
        from hds_iac.history import cli as history_cli
        return history_cli.cmd_history
    return {"rules": cmd_rules, "docs": cmd_docs, "checkov-dir": cmd_checkov_dir,
            "pre-commit": cmd_pre_commit}[command]


# Young collections between two full ones (Python's default: 10). A scan builds a large
# heap that lives until the end (the plan's JSON, the inventory, the findings): each full
# collection walks all of it, and three of them were a tenth of a 5,000-resource plan's
# scan. Young objects are still collected as often as by default.
FULL_COLLECTION_EVERY = 100


def main(argv: Sequence[str] | None = None, hook: bool = False) -> int:
    """`hook`: run by the pre-commit hook, whose defaults differ (missing modules)."""
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], max(threshold[2], FULL_COLLECTION_EVERY))
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        # --no-cache bypasses the cache of hds-iac's own data files too (`bundled_toml`),
        # from the start when spelled out (an abbreviation: once the command line is read,
        # in cmd_scan); the pre-commit hook's arguments included.
        with bundled_toml.bypassed("--no-cache" in argv):
            return _main(argv, hook)
    finally:
        gc.set_threshold(*threshold)  # in-process callers (tests) get theirs back
        dataclass_code.save()


def _main(argv: list[str], hook: bool) -> int:
    parser = build_parser(scan_only=argv[:1] == ["scan"])
    if argv[:1] == ["pre-commit"]:
        # Every argument after it belongs to the hook, --help included (argparse would
        # take that one for itself and reject it).
        args = argparse.Namespace(command="pre-commit", hook_args=argv[1:], debug=False)
    else:
        args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "scan":
            return cmd_scan(args, hook)
        return _handler(args.command)(args)
    except UsageError as exc:
        say(f"hds-iac: error: {exc}")
        return EXIT_ERROR
    except BrokenPipeError:  # `hds-iac scan . | head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, keep details opt-in
        if getattr(args, "debug", False) or os.environ.get("HDS_IAC_DEBUG"):
            raise
        print(f"hds-iac: internal error ({type(exc).__name__}); run again with --debug for the"
              " traceback and please report it", file=sys.stderr)
        return EXIT_ERROR


# The last scan's result when the process exits without freeing its objects (`console`):
# freeing the plan's resources, verdicts and findings one object at a time as the command
# returns cost as much as the interpreter's own teardown. None (the default): in-process
# callers, such as the tests, get it freed as usual.
_kept_until_exit: list[object] | None = None


def console() -> NoReturn:
    """The `hds-iac` program (its console entry point, and `python -m hds_iac.cli`, which
    checkov's checks run): `main`, then the process's exit without the interpreter's
    teardown (`exit_now`), which frees every object one at a time before the system
    takes the whole memory back anyway: on the 5,000-resource plan, 70 M instructions
    (3 % of the scan) with the scan's result."""
    global _kept_until_exit
    _kept_until_exit = []
    exit_now(main())


def exit_now(status: int) -> NoReturn:
    """Exit with `status`, doing what the interpreter's exit does that anyone can see (the
    `atexit` handlers, then the standard streams flushed) but not freeing every object.
    The interpreter's exit, as before, when another thread still runs (it waits for
    them) or a standard stream cannot be flushed (it reports it, with its own status)."""
    threading = sys.modules.get("threading")
    if threading is None or threading.active_count() == 1:
        atexit._run_exitfuncs()
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            sys.exit(status)
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    console()
