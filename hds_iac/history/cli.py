"""`hds-iac history ...` and the `--store` / `--fail-on-new` options of `scan` and `live`.

Reading commands: `list` (runs), `diff` (new, fixed and still-open failures of a run
against the previous run of its scope), `trends` (failures per topic and severity, run by
run), `time-to-fix` (median and 90th percentile per severity), `report` (the HDS report
over a period); writing: `import` (result files, merged into one run).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import TYPE_CHECKING

from hds_iac.errors import UsageError
from hds_iac.escaping import for_json, for_terminal
from hds_iac.history.options import add_period_options, period_end, time_value
from hds_iac.option_types import whole_number

if TYPE_CHECKING:
    from hds_iac.command import Run
    from hds_iac.history.store import Run as StoredRun, Store
    from hds_iac.scan import ScanResult

HISTORY_EPILOG = """\
The store is the SQLite file written by `hds-iac scan|live ... --store PATH` (or named by
`store:` in .hds-iac.yaml). A scope is what a run covered: its Terraform inputs (relative
to the repository root) or its live accounts and regions, or the name given with
--history-scope. Several runners may write to one store on a shared volume at once; past
one machine, write JSON results (-o json) and merge them with `history import`.

examples:
  hds-iac live aws --regions eu-west-3 --store hds.sqlite --fail-on-new
  hds-iac history list --store hds.sqlite
  hds-iac history diff --store hds.sqlite -o json
  hds-iac history trends --store hds.sqlite --since 2026-01-01
  hds-iac history time-to-fix --store hds.sqlite --since 2026-01-01
  hds-iac history import shard-*.json --store hds.sqlite
  hds-iac history report --store hds.sqlite --since 2026-01-01 --until 2026-04-01 \\
      --output-file rapport-periode.html
"""


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """The options `scan` and `live` take to record their run."""
    parser.add_argument("--store", metavar="PATH",
                        help="record this run in the history store PATH (SQLite; created when"
                             " missing; also `store:` in .hds-iac.yaml)")
    parser.add_argument("--fail-on-new", action="store_true",
                        help="with --store: exit 1 only for failures that were not failing in"
                             " the previous run of the same scope")
    parser.add_argument("--history-scope", metavar="NAME",
                        help="with --store: the scope this run is recorded under (default: its"
                             " inputs, or its accounts and regions)")


def add_history_parser(sub) -> None:
    history = sub.add_parser(
        "history", help="read and feed the history store (runs, diffs, trends, time to fix)",
        description="Scan history recorded with --store: runs, new and fixed failures,"
                    " trends, time to fix, and the HDS report over a period.",
        epilog=HISTORY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = history.add_subparsers(dest="history_action", metavar="ACTION")

    def common(p: argparse.ArgumentParser, output=("cli", "json")) -> None:
        p.add_argument("--store", metavar="PATH",
                       help="the history store (default: `store:` of .hds-iac.yaml)")
        p.add_argument("--config", metavar="FILE",
                       help="configuration file (default: .hds-iac.yaml in this folder or its"
                            " parents up to the git repository root)")
        p.add_argument("-o", "--output", choices=output, default=output[0])
        p.add_argument("--output-file", metavar="FILE",
                       help="write to FILE (default: standard output)")

    period = add_period_options

    p = actions.add_parser("list", help="list recorded runs, newest first")
    common(p)
    period(p)
    p.add_argument("--limit", type=whole_number(1), default=50, help="runs shown (default: 50)")
    p = actions.add_parser("diff", help="new, fixed and still-open failures of a run against"
                                        " the previous run of its scope")
    common(p)
    p.add_argument("--scope", help="the latest run of this scope (default: the latest run)")
    p.add_argument("--run", type=whole_number(1), metavar="ID", help="this run (see `history list`)")
    p.add_argument("--against", type=whole_number(1), metavar="ID",
                   help="compare with this run (default: the previous run of the same scope)")
    p.add_argument("--lang", choices=("en", "fr"), default="en")
    p = actions.add_parser("trends", help="failures per topic and severity, run by run")
    common(p)
    period(p)
    p = actions.add_parser("time-to-fix", help="time to fix failures per severity (median,"
                                               " 90th percentile)")
    common(p)
    period(p)
    p = actions.add_parser("import", help="record JSON result files (shards of one scan,"
                                          " several machines) as one run")
    p.add_argument("results", nargs="+", metavar="RESULT.json",
                   help="JSON results of `hds-iac scan|live -o json`")
    p.add_argument("--store", metavar="PATH", help="the history store")
    p.add_argument("--config", metavar="FILE", help="configuration file")
    p.add_argument("--history-scope", metavar="NAME",
                   help="record the run under this scope (default: its inputs or accounts)")
    p.add_argument("--started", type=time_value, metavar="TIME",
                   help="when the run began (default: the results' provenance, else the"
                        " files' modification time)")
    p = actions.add_parser("report", help="the HDS report over a period: runs per day,"
                                          " failures opened and fixed, time to fix, exceptions")
    common(p, ("html", "json"))
    period(p)
    p.add_argument("--lang", choices=("fr", "en"), default="fr",
                   help="language of the report (default: fr)")
    history.set_defaults(history_parser=history)


def store_path(args: argparse.Namespace, start: list[str]) -> str | None:
    """--store, else `store:` of the configuration file (relative to its folder)."""
    if getattr(args, "store", None):
        return args.store
    from hds_iac import config as config_mod

    try:
        cfg = config_mod.discover(start, getattr(args, "config", None))
    except config_mod.ConfigError as exc:
        raise UsageError(str(exc)) from None
    return cfg.relative(cfg.get("store")) if cfg.get("store") else None


def open_for(path: str | None, create: bool) -> "Store":
    from hds_iac.history.store import StoreError, open_store

    if not path:
        raise UsageError("no history store: give --store PATH (or `store:` in .hds-iac.yaml)")
    try:
        return open_store(path, create=create)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


# -- scan and live: record the run, gate on new failures -----------------------------------

def prepare_store(args: argparse.Namespace, cfg) -> "Store | None":
    """Open the store before a scan (a bad store costs no scan)."""
    # The pre-commit hook judges uncommitted code on a workstation: not monitoring
    # evidence, so the configuration's `store:` does not apply to it (--store still does).
    from_config = cfg.get("store") and not getattr(args, "hook", False)
    path = args.store or (cfg.relative(cfg.get("store")) if from_config else None)
    if args.fail_on_new and not path:
        raise UsageError("--fail-on-new needs a history store: give --store PATH (or `store:`"
                         " in .hds-iac.yaml)")
    if args.history_scope and not path:
        raise UsageError("--history-scope needs --store")
    return open_for(path, create=True) if path else None


def record_scan(args: argparse.Namespace, run: "Run", result: "ScanResult", lang: str,
                status: int, threshold: int) -> int:
    """Record the run just made; with --fail-on-new, the exit status counts only failures
    the previous run of the scope did not have. A run that cannot be recorded is an error
    (exit 2): evidence of monitoring must not be lost silently."""
    from hds_iac.console import EXIT_ERROR, EXIT_FAILED, EXIT_OK, say
    from hds_iac.engine import SEVERITY_RANK
    from hds_iac.history import analysis, record
    from hds_iac.history.store import StoreError
    from hds_iac import json_contract
    from hds_iac.output import json_report

    store = run.store
    # The result as a document, not as text parsed again: one copy of the findings, each
    # with its rule's texts (version 2 keeps them once: json_contract.expand).
    doc = json_contract.expand(json_report.document(result, lang))
    result_doc = record.Result("this run", doc, _digest(doc, result, lang))
    command = args.command + (f" {args.live_provider}" if args.command == "live" else "")
    reference = (result_doc.doc.get("provenance") or {}).get("reference")
    settings = {k: sorted(v) if isinstance(v, (set, frozenset)) else v
                for k, v in vars(run.settings).items()}
    new = record.to_run([result_doc], command, scope=args.history_scope,
                        # the result's reference, as `history import` of its file names
                        # it (one run, not two); else a new one
                        started=run.started,
                        uid=record.reference_uid([reference]) if reference else record.new_uid(),
                        rules=list(run.rule_ids), local_catalogue=True,
                        settings={**settings, "fail_on": args.fail_on or run.cfg.get("fail_on")
                                  or "low", "fail_on_new": bool(args.fail_on_new)})
    import sqlite3  # here, not at import: a scan without a store never needs it

    try:
        run_id, _ = store.record(new)
        stored = store.run(run_id)
        previous = store.previous(stored)
        changes = analysis.diff(store, stored, previous)
    except (StoreError, sqlite3.Error) as exc:
        say(f"hds-iac: error: {store.path}: the run was not recorded: {exc}")
        return EXIT_ERROR
    finally:
        store.close()
    against = f"run {previous.id}" if previous else "no previous run"
    say(f"hds-iac: recorded run {run_id} in {store.path} (scope {stored.scope};"
        f" {'complete' if stored.complete else 'incomplete'}): {len(changes.new)} new,"
        f" {len(changes.fixed)} fixed, {len(changes.open)} still failing against {against}")
    if args.fail_on_new and status == EXIT_FAILED:
        gating = analysis.gate_new(changes, threshold, SEVERITY_RANK)
        return EXIT_FAILED if gating else EXIT_OK
    return status


def _digest(doc: dict, result: "ScanResult", lang: str) -> str:
    """SHA-256 of the run's JSON text, which names the run only when its result has no
    provenance reference (hashed piece by piece, never held whole)."""
    from hds_iac.output import json_report

    digest = hashlib.sha256()
    if not (doc.get("provenance") or {}).get("reference"):
        for chunk in json_report.chunks(result, lang):
            digest.update(chunk.encode("utf-8", "replace"))
    return digest.hexdigest()


# -- history commands ----------------------------------------------------------------------

def _emit(args: argparse.Namespace, text: str) -> None:
    from hds_iac import atomic_file

    if args.output_file:
        atomic_file.write_text(args.output_file, text)
    else:
        sys.stdout.write(text)


def _json(doc) -> str:
    return json.dumps(for_json(doc), indent=2, ensure_ascii=False) + "\n"


def cmd_history(args: argparse.Namespace) -> int:
    from hds_iac.console import say
    from hds_iac.history.store import StoreError

    action = getattr(args, "history_action", None)
    if action is None:
        args.history_parser.print_help(sys.stderr)
        return 2
    import sqlite3

    store = open_for(store_path(args, ["."]), create=action == "import")
    try:
        handler = {"list": _list, "diff": _diff, "trends": _trends, "time-to-fix": _fix_times,
                   "import": _import, "report": _report}[action]
        return handler(args, store)
    except (StoreError, sqlite3.DatabaseError) as exc:
        say(f"hds-iac: error: {store.path}: {exc}")
        return 2
    except OSError as exc:
        say(f"hds-iac: error: cannot write {args.output_file}: {exc.strerror}")
        return 2
    finally:
        store.close()


def _run_line(r: "StoredRun") -> str:
    counts = r.counts or {}
    return (f"{r.id:>5}  {r.started}  {'complete  ' if r.complete else 'INCOMPLETE'}"
            f"  {counts.get('failed', '?'):>5} failing / {counts.get('findings', '?'):>6}"
            f"  {r.command:<12}  {r.scope}")


def _list(args, store) -> int:
    runs = store.runs(args.scope, args.since, args.until, args.limit, newest_first=True)
    if args.output == "json":
        _emit(args, _json({"runs": [r.as_dict() for r in runs]}))
        return 0
    lines = [f"{'run':>5}  {'started (UTC)':<20}  {'state':<10}  {'failing':>13} {'findings':>8}"
             f"  {'command':<12}  scope"]
    lines += [for_terminal(_run_line(r)) for r in runs]
    if not runs:
        lines.append("no run recorded" + (" for this scope or period" if args.scope or
                                          args.since or args.until else ""))
    _emit(args, "\n".join(lines) + "\n")
    return 0


def _pick_runs(args, store) -> tuple["StoredRun", "StoredRun | None"]:
    if args.run:
        run = store.run(args.run)
        if run is None:
            raise UsageError(f"no run {args.run} in {store.path} (see `history list`)")
    else:
        run = store.latest(args.scope)
        if run is None:
            raise UsageError(f"no run recorded in {store.path}"
                             + (f" for scope {args.scope!r}" if args.scope else ""))
    if args.against:
        previous = store.run(args.against)
        if previous is None:
            raise UsageError(f"no run {args.against} in {store.path} (see `history list`)")
    else:
        previous = store.previous(run)
    return run, previous


def _diff(args, store) -> int:
    from hds_iac.history import analysis

    run, previous = _pick_runs(args, store)
    changes = analysis.diff(store, run, previous)
    if args.output == "json":
        _emit(args, _json(changes.as_dict()))
        return 0
    head = f"run {run.id} ({run.started}, {'complete' if run.complete else 'incomplete'})"
    head += (f" against run {previous.id} ({previous.started})" if previous
             else " (no previous run of this scope: every failure is new)")
    lines = [head, f"scope: {run.scope}"]
    sections = (("new failures", "+", changes.new), ("fixed", "-", changes.fixed),
                ("still failing", "=", changes.open),
                ("not failing now, but not proven fixed", "?", changes.unconfirmed))
    for title, mark, items in sections:
        lines.append(f"{title} ({len(items)}):")
        for f in items:
            res = f.get("resource") or {}
            where = res.get("file") or f.get("input") or ""
            extra = (f.get("history") or {}).get("why") or f.get("message", "")
            waived = " [waived]" if f.get("status") == "skipped" else ""
            lines.append(f"  {mark} {f.get('rule_id')} {f.get('severity', ''):<8}"
                         f" {res.get('address', '')}  {where}{waived}  {extra}")
    _emit(args, "\n".join(for_terminal(line) for line in lines) + "\n")
    return 0


def _trends(args, store) -> int:
    from hds_iac.catalogue import SEVERITIES, TOPICS, topic
    from hds_iac.history import analysis

    rows = analysis.trends(store, store.runs(args.scope, args.since, args.until))
    if args.output == "json":
        _emit(args, _json({"runs": [{"run": r.run.id, "started": r.run.started,
                                     "scope": r.run.scope, "complete": r.run.complete,
                                     "failed": r.failed, "by_topic": r.by_topic,
                                     "by_severity": r.by_severity} for r in rows]}))
        return 0
    head = (f"{'run':>5}  {'started (UTC)':<20}  {'fail':>5}  "
            + " ".join(f"{s:>8}" for s in SEVERITIES) + "  "
            + " ".join(f"{topic(t).short:>7}" for t in TOPICS) + "  scope")
    lines = [head]
    for r in rows:
        lines.append(for_terminal(
            f"{r.run.id:>5}  {r.run.started:<20}  {r.failed:>5}  "
            + " ".join(f"{r.by_severity.get(s, 0):>8}" for s in SEVERITIES) + "  "
            + " ".join(f"{r.by_topic.get(t, 0):>7}" for t in TOPICS)
            + f"  {r.run.scope}" + ("" if r.run.complete else " (incomplete)")))
    if not rows:
        lines.append("no run recorded for this scope or period")
    _emit(args, "\n".join(lines) + "\n")
    return 0


def _fix_times(args, store) -> int:
    from hds_iac.history import analysis

    until = period_end(args)
    rows = analysis.time_to_fix(store.episodes(args.scope), args.since, until)
    if args.output == "json":
        _emit(args, _json({"since": args.since, "until": until, "scope": args.scope,
                           "severities": [r.as_dict() for r in rows]}))
        return 0

    def days(v):
        return "-" if v is None else f"{v:.1f}"

    lines = [f"failures fixed {('since ' + args.since + ' ') if args.since else ''}until"
             f" {until}" + (f", scope {args.scope}" if args.scope else "") + " (days)",
             f"{'severity':<9} {'fixed':>6} {'median':>8} {'p90':>8} {'open':>6} {'oldest open':>12}"]
    for r in rows:
        lines.append(f"{r.severity:<9} {r.fixed:>6} {days(r.median_days):>8}"
                     f" {days(r.p90_days):>8} {r.still_open:>6} {days(r.oldest_open_days):>12}")
    _emit(args, "\n".join(for_terminal(line) for line in lines) + "\n")
    return 0


def _import(args, store) -> int:
    from hds_iac.console import say
    from hds_iac.history import record

    results, unread = [], []
    for path in args.results:
        try:
            results.append(record.read_result(path))
        except record.ResultError as exc:
            say(f"hds-iac: error: {exc}")
            unread.append((path, str(exc)))
    if not results:
        say("hds-iac: error: no usable result: nothing recorded")
        return 2
    new = record.to_run(results, "import", scope=args.history_scope, started=args.started)
    # A file that could not be read makes the merged run incomplete: recorded (the other
    # files are evidence too), but it can never mark a finding fixed.
    new.problems += [{"kind": "unread", "path": path, "message": message, "file": path}
                     for path, message in unread]
    new.complete = new.complete and not unread
    run_id, added = store.record(new)
    if not added:
        say(f"hds-iac: these results are already recorded as run {run_id} in {store.path}:"
            " nothing added")
        return 0
    run = store.run(run_id)
    say(f"hds-iac: recorded run {run_id} in {store.path} from {len(results)} file(s)"
        f" (scope {run.scope}; {'complete' if run.complete else 'incomplete'};"
        f" {len(new.findings)} findings)")
    return 2 if unread else 0



def _report(args, store) -> int:
    from hds_iac.history import period

    report = period.build(store, args.since, period_end(args), args.scope, args.lang)
    _emit(args, period.render(report, args.output))
    return 0
