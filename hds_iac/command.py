"""What the scanning commands share (`scan`, `live aws`, `live outscale`): the report
options, the list option types, and the run around a scan, settled before it reads
anything (`prepare`: configuration, settings, rules, outputs, baseline, history store) and
after (`finish`: baseline, reports, history, exit status).

Command modules (`cli`, `live.cli`, `live.outscale_cli`, `history.cli`, `report.cli`,
`precommit`) import this module and `console`; none of them imports another command
module, except `cli`, which puts the commands together.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from hds_iac import catalogue, geography, repository
from hds_iac.catalogue import SEVERITIES
from hds_iac.console import EXIT_ERROR, EXIT_FAILED, EXIT_OK, say
from hds_iac.engine import SEVERITY_RANK
from hds_iac.errors import UsageError
from hds_iac.history import cli as history_cli
from hds_iac.option_types import days_value

if TYPE_CHECKING:
    from hds_iac import baseline
    from hds_iac.config import Config
    from hds_iac.history.store import Store
    from hds_iac.report import Report
    from hds_iac.report.chapter8 import Actor
    from hds_iac.scan import ScanResult
    from hds_iac.scope import Scope
    from hds_iac.settings import Settings
    from hds_iac.waivers import Blame


def _countries(text: str) -> frozenset[str]:
    geo = geography.load()
    codes = set()
    if not comma_list(text):
        raise argparse.ArgumentTypeError(
            "no country given: health data must be allowed somewhere (for example FR or EEA)")
    for part in comma_list(text):
        part = part.upper()
        if part == "EEA":
            codes |= geo.eea
        elif part in geo.country_names:
            codes.add(part)
        else:
            raise argparse.ArgumentTypeError(
                f"unknown country {part!r}: use ISO codes such as FR, DE, or EEA")
    return frozenset(codes)


FORMATS = ("cli", "json", "sarif", "junitxml", "csv", "markdown",
           "hds-html", "hds-markdown", "hds-json")
# hds-*: the HDS compliance report of `hds-iac report`, written straight from this scan.


def comma_list(text: str) -> list[str]:
    """The items of a comma-separated option value ("a, b,c"), blanks dropped: the form of
    every list option of scan and live."""
    return [p.strip() for p in text.split(",") if p.strip()]


def checked_list(text: str, known: Sequence[str], what: str) -> list[str]:
    """`comma_list`, with a usage error naming every item not in `known`."""
    items = comma_list(text)
    bad = [i for i in items if i not in known]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(bad)} (choose from {', '.join(known)})")
    return items


def _formats(text: str) -> list[str]:
    return checked_list(text, FORMATS, "format")


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """Options every scanning command shares (`scan`, `live aws`, `live outscale`)."""
    parser.add_argument("-o", "--output", type=_formats, action="append", default=[],
                        metavar="FORMAT",
                        help=f"report format: {', '.join(FORMATS)} (default: cli); repeatable or"
                             " comma-separated to write several reports in one run; hds-html,"
                             " hds-markdown and hds-json write the HDS compliance report of"
                             " `hds-iac report` for this scan")
    parser.add_argument("--output-file", action="append", default=[], metavar="FILE",
                        help="write the reports to these files, paired in order with the -o"
                             " formats; a format without a file goes to standard output")
    parser.add_argument("--lang", choices=("en", "fr"),
                        help="language of messages and remediations (default: en; fr for the"
                             " hds-* compliance reports, the language of HDS audits)")
    parser.add_argument("--providers", metavar="FILE",
                        help="provider facts file for the chapter 8 table of the hds-* reports"
                             " (default: the bundled hds_iac/report/providers.toml)")
    parser.add_argument("--matrix", action="append", default=[], metavar="FILE",
                        help="responsibility matrix of a provider (the one of your contract), in"
                             " the format of hds_iac/matrices/*.toml: replaces that provider's"
                             " bundled matrix, or extends it with mode = \"extend\"; repeatable")
    parser.add_argument("--fail-on", choices=SEVERITIES,
                        help="lowest severity of a failing finding that makes the exit status 1"
                             " (default: low)")
    parser.add_argument("--soft-fail", action="store_true",
                        help="exit 0 even when findings fail (errors still exit 2)")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: the nearest .hds-iac.yaml in the first"
                             " PATH or its parents, up to the git repository root; outside a"
                             " repository, in the first PATH's folder only)")
    parser.add_argument("--baseline", metavar="FILE",
                        help="waive the failures recorded in FILE (reported as skipped): the"
                             " gate fails only on new ones")
    parser.add_argument("--create-baseline", metavar="FILE",
                        help="record today's failures in FILE for later --baseline runs")
    parser.add_argument("--check", type=comma_list, action="append", default=[], metavar="LIST",
                        help="run only these rules: comma-separated ids, topics or severities")
    parser.add_argument("--skip-check", type=comma_list, action="append", default=[],
                        metavar="LIST", help="do not run these rules (ids, topics or severities)")
    parser.add_argument("--allowed-countries", type=_countries, metavar="LIST",
                        help="countries where health data may be stored: ISO codes and/or EEA"
                             " (default: EEA)")
    parser.add_argument("--min-backup-retention-days", type=days_value, metavar="DAYS",
                        help="minimum database backup retention (default: 7)")
    parser.add_argument("--rules-url", metavar="URL",
                        help="base URL of the rule pages (a copy of docs/rules/) for the links of"
                             " the markdown and sarif reports (default: the project's pages)")
    parser.add_argument("--no-git-blame", action="store_true",
                        help="do not ask git who wrote each in-code skip and when (the"
                             " exceptions register of the json and hds-* reports)")
    parser.add_argument("--show-pass", action="store_true",
                        help="also list passing findings in the cli report")
    parser.add_argument("--no-color", action="store_true", help="never colour the cli report")
    history_cli.add_store_options(parser)


def _select_rules(include: list[list[str]], exclude: list[list[str]]) -> list[str]:
    """Rule ids matching --check/--skip-check (ids, topics or severities)."""
    cat = catalogue.load()

    def matches(meta, terms: list[str]) -> bool:
        return any(t in (meta.id, meta.topic, meta.severity) for t in terms)

    wanted = [t for group in include for t in group]
    unwanted = [t for group in exclude for t in group]
    known = set(cat.rules) | set(catalogue.topics()) | set(SEVERITIES)
    bad = [t for t in wanted + unwanted if t not in known]
    if bad:
        raise UsageError(f"unknown rule id, topic or severity: {', '.join(bad)}"
                         " (see `hds-iac rules`)")
    return [m.id for m in cat if (not wanted or matches(m, wanted)) and not matches(m, unwanted)]


def _pair_outputs(formats: list[str], files: list[str]) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout): files pair with formats in order."""
    if len(files) > len(formats):
        raise UsageError("more --output-file than -o formats")
    pairs = [(fmt, files[i] if i < len(files) else None) for i, fmt in enumerate(formats)]
    if sum(target is None for _, target in pairs) > 1:
        raise UsageError("several formats would go to standard output: give each but one an"
                         " --output-file")
    return pairs


def _exit_status(result, fail_on: str) -> int:
    if result.errors or (result.unread_modules and not result.missing_modules_allowed_by):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    # any(): the first failing finding at or above the threshold settles it
    failing = any(f.status == "fail" and SEVERITY_RANK[f.severity] >= threshold
                  for f in result.findings)
    return EXIT_FAILED if failing else EXIT_OK


def _write(chunks: Iterable[str], output_file: str | None) -> None:
    """A report to its file (whole or not at all) or to standard output, piece by piece."""
    from hds_iac import atomic_file

    if output_file:
        atomic_file.write_chunks(output_file, chunks)
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)


@dataclass
class Run:
    """What a scanning command settles before it reads anything: a usage error costs no scan."""

    cfg: "Config"
    settings: "Settings"
    rule_ids: list[str]
    outputs: list[tuple[str, str | None]]
    baseline_path: str | None
    waived: "baseline.Entries"
    # Provider facts for the chapter 8 table, read when an hds-* report is asked for.
    facts: "tuple[list[Actor], str] | None" = None
    rules_url: str | None = None  # base URL of rule links (markdown, sarif)
    # Provenance: when the run started, its unique reference, the rules left out and why,
    # and the scope the configuration declares.
    started: str = ""
    reference: str = ""
    rules: dict | None = None
    scope: "Scope | None" = None
    store: "Store | None" = None  # the history store the run is recorded in (--store)

    @property
    def files_evidence(self) -> bool:
        """Whether a report of this run carries provenance and the exceptions register
        (json and hds-*): only then are git and the data files asked, so a pre-commit hook
        printing findings pays nothing for them."""
        return self.store is not None or any(fmt == "json" or fmt.startswith("hds-")
                                             for fmt, _ in self.outputs)

    def blame(self, args: argparse.Namespace) -> "Blame":
        """git blame of skip lines, only for the reports that show who wrote them."""
        from hds_iac.waivers import Blame

        return Blame(enabled=self.files_evidence and not getattr(args, "no_git_blame", False))


def prepare(args: argparse.Namespace, config_start: list[str]) -> Run:
    """Configuration file, settings, rule selection, outputs and baseline for one run."""
    from hds_iac import baseline, provenance, scope
    from hds_iac import config as config_mod

    started = provenance.now()
    try:
        cfg = config_mod.discover(config_start, args.config)
    except config_mod.ConfigError as exc:
        raise UsageError(str(exc)) from None
    try:
        declared = scope.parse(cfg.get("scope"))
    except scope.ScopeError as exc:
        raise UsageError(f"{cfg.path}: {exc}") from None
    include = args.check or [cfg.list("check")]
    exclude = args.skip_check or [cfg.list("skip_check")]
    rule_ids = _select_rules(include, exclude)
    origin = ("command line" if args.check or args.skip_check
              else "configuration file" if cfg.list("check") or cfg.list("skip_check")
              else "default")
    rules = provenance.rule_selection(rule_ids, [t for g in include for t in g],
                                      [t for g in exclude for t in g], origin)
    outputs = _pair_outputs([f for group in args.output for f in group] or ["cli"],
                            args.output_file)
    baseline_path = args.baseline or (cfg.relative(cfg.get("baseline")) if cfg.get("baseline")
                                      else None)
    try:
        waived = baseline.read(baseline_path) if baseline_path else baseline.Entries()
    except baseline.BaselineError as exc:
        raise UsageError(str(exc)) from None
    facts = _provider_facts(args, [fmt for fmt, _ in outputs])

    return Run(cfg, _settings(args, cfg), rule_ids, outputs, baseline_path, waived, facts,
               _rules_url(args, cfg), started, provenance.new_reference("hds-iac-run"), rules,
               declared, history_cli.prepare_store(args, cfg))


def _rules_url(args: argparse.Namespace, cfg: "Config") -> str | None:
    """--rules-url, else `rules_base_url` of the configuration file, checked now."""
    from hds_iac.output.links import check_base

    if args.rules_url:
        where, url = "--rules-url", args.rules_url
    elif cfg.get("rules_base_url"):
        where, url = f"{cfg.path}: rules_base_url", cfg.get("rules_base_url")
    else:
        return None
    try:
        return check_base(url)
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _provider_facts(args: argparse.Namespace,
                    formats: list[str]) -> "tuple[list[Actor], str] | None":
    """The chapter 8 facts of the hds-* reports, read before the scan: a bad --providers
    file is a usage error at once, not after a long live scan."""
    if not any(fmt.startswith("hds-") for fmt in formats):
        if args.providers:
            raise UsageError("--providers is used only by the hds-html, hds-markdown and"
                             " hds-json reports: add one with -o")
        return None
    from hds_iac.report import chapter8

    try:
        return chapter8.load(args.providers)
    except chapter8.ProvidersError as exc:
        raise UsageError(str(exc)) from None


def finish(args: argparse.Namespace, run: Run, result: "ScanResult") -> int:
    """Baseline, reports and exit status: the same for code, plans and live accounts."""
    from hds_iac import baseline, provenance
    from hds_iac.output import RENDERERS, STREAMS
    from hds_iac.output.text import render as render_text
    from hds_iac.scan import apply_baseline
    from hds_iac.errors import ReadError

    if run.baseline_path:
        apply_baseline(result, run.waived, run.baseline_path)
        if run.waived.notice:
            result.notices.append(ReadError(run.baseline_path, run.waived.notice.removeprefix(
                f"{run.baseline_path}: ")))
            if ("cli", None) not in run.outputs:  # the cli report shows the notices
                say(f"hds-iac: notice: {run.waived.notice}")
    fail_on = args.fail_on or run.cfg.get("fail_on") or "low"
    if run.files_evidence:
        live = not getattr(args, "paths", None)
        result.provenance = provenance.of_run(
            reference=run.reference, started=run.started,
            paths=getattr(args, "paths", None) or [], settings=run.settings,
            rules=run.rules or {}, fail_on=fail_on, live=live,
            config_path=str(run.cfg.path) if run.cfg.path else None,
            baseline_path=run.baseline_path, facts_path=getattr(args, "providers", None))
        result.scope = run.scope.as_dict() if run.scope else None
    result.allowed_countries = sorted(run.settings.allowed_countries)
    _warn_outside_eea(run.settings)
    unwritten = False
    if args.create_baseline:
        try:
            count = baseline.write(result.findings, args.create_baseline,
                                   provenance.run_by().get("user"))
            say(f"hds-iac: wrote {count} failure(s) to the baseline {args.create_baseline}")
        except OSError as exc:
            say(f"hds-iac: error: cannot write {args.create_baseline}: {exc.strerror}")
            unwritten = True
    for entry in result.errors:
        say(f"hds-iac: error: {entry.path}: {entry.message}")
    result.config_file = repository.relative_key(run.cfg.path) if run.cfg.path else None
    hds_report = None
    for fmt, target in run.outputs:
        if fmt == "cli":
            colour = (target is None and not args.no_color and sys.stdout.isatty()
                      and "NO_COLOR" not in os.environ)
            text = render_text(result, args.lang or "en", colour, args.show_pass)
        elif fmt.startswith("hds-"):
            from hds_iac import report

            if hds_report is None:  # built once, whatever the number of hds-* formats
                hds_report = _hds_report(args, run, result)
            text = report.render(hds_report, fmt.removeprefix("hds-"))
        elif fmt in ("markdown", "sarif"):  # the formats that link to rule pages
            text = (STREAMS if fmt in STREAMS else RENDERERS)[fmt](
                result, args.lang or "en", rules_url=run.rules_url)
        else:
            text = (STREAMS if fmt in STREAMS else RENDERERS)[fmt](result, args.lang or "en")
        try:
            _write([text] if isinstance(text, str) else text, target)
            if target and fmt.startswith("hds-"):  # evidence to file: its SHA-256 beside it
                from hds_iac.report.manifest import write_beside

                write_beside(target)
        except OSError as exc:
            say(f"hds-iac: error: cannot write {target}: {exc.strerror or exc}")
            unwritten = True
    status = _exit_status(result, fail_on)
    if run.store is not None:
        status = history_cli.record_scan(args, run, result, args.lang or "en", status,
                             SEVERITY_RANK[fail_on])
    if status == EXIT_FAILED and args.soft_fail:
        status = EXIT_OK
    return EXIT_ERROR if unwritten else status


def _warn_outside_eea(settings: "Settings") -> None:
    """HDS EXI 28 requires storage in the EEA: an allowed area beyond it is an override the
    user must see whatever the output format."""
    from hds_iac import geography

    beyond = sorted(settings.allowed_countries - geography.load().eea)
    if beyond:
        print(f"hds-iac: warning: the allowed area includes {', '.join(beyond)}, outside the"
              " EEA that HDS EXI 28 requires: data location findings there pass only by this"
              " override, and EXI 28 is never shown as met", file=sys.stderr)


def _hds_report(args: argparse.Namespace, run: Run, result: "ScanResult") -> "Report":
    """The compliance report of this one scan, through the same JSON contract as
    `hds-iac report` reads, so both ways give the same document."""
    from hds_iac import report

    name = " ".join(getattr(args, "paths", None) or ["live", getattr(args, "live_provider", "")])
    return report.from_scan_result(result, name.strip(), args.lang or report.DEFAULT_LANG,
                                   run.facts, run.settings.matrix_files)


def _settings(args: argparse.Namespace, cfg) -> "Settings":
    """Defaults, then the configuration file, then command-line flags."""
    from hds_iac.settings import Settings

    settings = Settings()
    if cfg.get("allowed_countries") is not None:  # an empty list is an error, not the default
        try:
            settings.allowed_countries = _countries(",".join(cfg.list("allowed_countries")))
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"{cfg.path}: allowed_countries: {exc}") from None
    for key in ("min_backup_retention_days", "max_access_key_age_days", "max_snapshot_age_days",
                "min_log_retention_days"):
        if cfg.get(key) is not None and cfg.get(key) < 0:
            raise UsageError(f"{cfg.path}: {key}: a number of days cannot be negative, got"
                             f" {cfg.get(key)}")
    if cfg.get("min_password_length") is not None and cfg.get("min_password_length") < 1:
        raise UsageError(f"{cfg.path}: min_password_length: a length must be at least 1, got"
                         f" {cfg.get('min_password_length')}")
    for key in ("min_backup_retention_days", "max_access_key_age_days", "max_snapshot_age_days",
                "min_log_retention_days",
                "min_password_length", "encryption_attestation_tag", "backup_attestation_tag",
                "logging_attestation_tag", "health_data_tag"):
        if cfg.get(key) is not None:
            setattr(settings, key, cfg.get(key))
    if cfg.get("fail_on") is not None and cfg.get("fail_on") not in SEVERITIES:
        raise UsageError(f"{cfg.path}: fail_on must be one of {', '.join(SEVERITIES)}")
    if args.allowed_countries:
        settings.allowed_countries = args.allowed_countries
    if args.min_backup_retention_days is not None:
        settings.min_backup_retention_days = args.min_backup_retention_days
    settings.matrix_files = tuple(args.matrix)
    _check_matrices(settings.matrix_files)
    return settings


def _check_matrices(paths: Sequence[str]) -> None:
    """Read the --matrix files before any scan: a bad one is a usage error at once."""
    from hds_iac import matrices

    try:
        matrices.check(paths)
    except matrices.MatrixError as exc:
        raise UsageError(str(exc)) from None
