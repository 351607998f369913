"""`hds-iac report RESULT.json...`: the HDS compliance report of several scan results."""
from __future__ import annotations

import argparse
import sys

from hds_iac.history.options import add_period_options

REPORT_EPILOG = """\
RESULT is a JSON result written by `hds-iac scan -o json` (Terraform code, plan or state)
or `hds-iac live aws|outscale -o json`. Several results are merged into one view: each
finding keeps the result it came from.

The report goes requirement by requirement through the HDS référentiel v2.0 (EXI 01-31:
automated, partially automated or manual, and why), the client duties of the
responsibility matrix of each finding's own provider that a rule covers (--matrix FILE for
the matrix of your contract), and the chapter 8 table of actors, pre-filled from a provider
facts file you can edit (--providers; start from the bundled one:
hds_iac/report/providers.toml).

French is the default language, the language of HDS audits; --lang en for English. Finding
messages stay in the language of the scan that wrote them: scan with the same --lang.

From a history store (--store, written by `scan|live --store` or `history import`): the
report of the last run of each scope recorded in the period (--since/--until, default: every
run up to now; --scope: one scope), each run read back as the JSON result it recorded;
result files given too are merged beside them. An incomplete run makes the report
incomplete, as a result file with read errors does. The charts of the period itself (runs
per day, failures opened and fixed, time to fix) are `hds-iac history report`'s.

exit status:
  0  report written
  2  usage error, a result file that cannot be used (the others are still reported), a bad
     facts or matrix file, a store that cannot be read, or the report could not be written

examples:
  hds-iac scan infra/ -o json --lang fr --output-file code.json
  terraform show -json tfplan > plan.json && hds-iac scan plan.json -o json --output-file plan-result.json
  hds-iac live outscale -o json --output-file live.json
  hds-iac report code.json plan-result.json live.json --output-file hds-report.html
  hds-iac report code.json -o markdown --lang en
  hds-iac report --store hds.sqlite --since 2026-01-01 --until 2026-04-01 \\
      --output-file rapport-hds.html
"""


def add_report_parser(sub) -> None:
    parser = sub.add_parser(
        "report", help="HDS compliance report (HTML, Markdown, JSON) from JSON scan results",
        description="Merge JSON scan results into one HDS compliance report for auditors.",
        epilog=REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="*", metavar="RESULT.json",
                        help="JSON result of hds-iac scan or hds-iac live")
    parser.add_argument("-o", "--output", choices=("html", "markdown", "json"), default="html",
                        help="report format (default: html)")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr",
                        help="language of the report (default: fr)")
    parser.add_argument("--output-file", metavar="FILE",
                        help="write the report to FILE (default: standard output)")
    parser.add_argument("--providers", metavar="FILE",
                        help="provider facts file for the chapter 8 table (default: the bundled"
                             " hds_iac/report/providers.toml)")
    parser.add_argument("--matrix", action="append", default=[], metavar="FILE",
                        help="responsibility matrix of a provider (the one of your contract),"
                             " replacing or extending its bundled matrix; repeat for several")
    store = parser.add_argument_group(
        "history store", "report the last run of each scope recorded in a store")
    store.add_argument("--store", metavar="PATH",
                       help="the history store (SQLite) written by --store or history import")
    add_period_options(store)


def cmd_report(args: argparse.Namespace) -> int:
    from hds_iac import atomic_file
    from hds_iac.console import say
    from hds_iac import report as report_mod
    from hds_iac import matrices
    from hds_iac.report import chapter8, manifest, merge

    if (args.scope or args.since or args.until) and not args.store:
        say("hds-iac: error: report: --scope, --since and --until need --store")
        return 2
    if not args.results and not args.store:
        say("hds-iac: error: report: give JSON result files, or --store PATH")
        return 2
    merged = merge.load(args.results)
    if args.store:
        problem = _add_store_runs(merged, args)
        if problem:
            say(f"hds-iac: error: {problem}")
            return 2
    for entry in merged.unread:
        say(f"hds-iac: error: {entry['path']}: {entry['message']}")
    if not merged.sources:
        print("hds-iac: error: no usable result: nothing to report", file=sys.stderr)
        return 2
    try:
        report = report_mod.build(merged, args.lang, chapter8.load(args.providers),
                                  tuple(args.matrix))
    except (chapter8.ProvidersError, matrices.MatrixError) as exc:
        say(f"hds-iac: error: {exc}")
        return 2
    text = report_mod.render(report, args.output)
    if args.output_file:
        try:
            atomic_file.write_text(args.output_file, text)
            manifest.write_beside(args.output_file)  # SHA-256 beside the filed report
        except OSError as exc:
            say(f"hds-iac: error: cannot write {args.output_file}: {exc.strerror or exc}")
            return 2
    else:
        sys.stdout.write(text)
    return 2 if merged.unread else 0


def _add_store_runs(merged, args: argparse.Namespace) -> str | None:
    """The last run of each scope in the period, merged as results; the error text when
    the store cannot be read or holds no such run."""
    import sqlite3

    from hds_iac.history import period, record
    from hds_iac.history.options import period_end
    from hds_iac.history.store import StoreError, open_store
    from hds_iac.report import merge

    try:
        store = open_store(args.store, create=False)
    except StoreError as exc:
        return str(exc)
    try:
        until = period_end(args)
        ends = period.scope_ends(store.runs(args.scope, args.since, until))
        if not ends:
            return (f"{args.store}: no run recorded"
                    + (f" for scope {args.scope!r}" if args.scope else "")
                    + (f" from {args.since}" if args.since else "") + f" until {until}")
        for scope, run in ends.items():
            name = f"{args.store} run {run.id} ({run.started}, scope {scope})"
            merge.add(merged, name, record.result_of(store, run))
    except (StoreError, sqlite3.DatabaseError, merge.MergeError) as exc:
        return f"{args.store}: {exc}"
    finally:
        store.close()
    return None
