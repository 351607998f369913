"""One scan: read every input, adapt it into the model, run the rules.

Each input (a Terraform root folder, a plan or a state) is adapted and judged on its own,
so links between resources and zone groupings never mix two unrelated configurations. A
bad input becomes an error entry and the other inputs are still scanned.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from hds_iac import baseline, engine, provenance, suppressions, waivers
from hds_iac.adapters.terraform import to_inventory
from hds_iac.engine import Finding
from hds_iac.model import Inventory
from hds_iac.settings import Settings
from hds_iac.terraform.records import ReadError, TfConfiguration


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    notices: list[ReadError] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)  # {"path", "kind", "resources"}
    resources: int = 0  # model resources judged
    # The folder file names are relative to (`repository.display_base`): the repository
    # root of the scanned inputs; None when no file was read (live scans).
    display_base: str | None = None
    # Module calls not read (not downloaded, folder missing): the scan is incomplete.
    unread_modules: list[ReadError] = field(default_factory=list)
    # Who allowed the scan to pass with module calls not read ("--allow-missing-modules",
    # the configuration file, the pre-commit hook's default); None: they make it exit 2.
    missing_modules_allowed_by: str | None = None
    # The configuration file the run used (None: none), named in every report.
    config_file: str | None = None
    # Waivers that waive nothing (a skip without a reason, a malformed `until=`), for the
    # exceptions register (`waivers.register`) beside the applied and expired ones.
    unapplied_waivers: list[waivers.Unapplied] = field(default_factory=list)
    # Set by the command line for its reports: where the result comes from and what the
    # configuration declares in scope (JSON keys `provenance` and `scope`).
    provenance: dict | None = None
    scope: dict | None = None
    # The countries the findings were judged against (EXI 28 is the EEA): written in the
    # JSON result so that a report can tell an override beyond the EEA.
    allowed_countries: list[str] = field(default_factory=list)
    # `--shard I/N` of a live scan: {"index": I, "count": N} (None: the whole scan). The JSON
    # report writes it, so that merging tools can tell whether every shard is there.
    shard: dict | None = None

    def extend(self, other: "ScanResult") -> None:
        self.findings += other.findings
        self.errors += other.errors
        self.notices += other.notices
        self.inputs += other.inputs
        self.resources += other.resources
        self.unread_modules += other.unread_modules
        self.unapplied_waivers += other.unapplied_waivers

    @property
    def judged_nothing(self) -> bool:
        """No resource was judged: no report may look like a success."""
        return self.resources == 0

    @property
    def incomplete(self) -> bool:
        """Something was not read: an input error or a module call not read."""
        return bool(self.errors or self.unread_modules)


def read_inputs(
    paths: Sequence[str], var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
    base: str | None = None,
) -> tuple[list[TfConfiguration], list[ReadError]]:
    """Every configuration found under `paths`; unreadable paths become errors.

    File names in findings and errors are relative to `base` (default: the repository root
    of the first path, `repository.display_base`), as is `TfConfiguration.base`.
    """
    from hds_iac import repository
    from hds_iac.terraform import jsonfile

    if base is None:
        base = repository.display_base(paths[0]) if paths else os.getcwd()
    configs: list[TfConfiguration] = []
    errors: list[ReadError] = []
    seen_folders: set[str] = set()
    for path in paths:
        shown = repository.shown(path, base)
        if not os.path.exists(path):
            kind = "broken symbolic link" if os.path.islink(path) else "no such file or directory"
            errors.append(ReadError(shown, kind))
        elif os.path.isdir(path):
            from hds_iac.terraform import hcl  # imported for HCL only: a plan scan needs none of it

            roots = hcl.find_roots(path)
            if not roots:
                errors.append(ReadError(shown, "no Terraform files (*.tf) in this folder"))
            for root in roots:
                configs.append(_based(hcl.read_folder(root, base, var_files, variables or {}),
                                      base))
        elif reads_hcl(path):
            from hds_iac.terraform import hcl

            # A file names its folder (pre-commit passes every staged file): read it once.
            folder = os.path.dirname(path) or "."
            if os.path.realpath(folder) not in seen_folders:
                seen_folders.add(os.path.realpath(folder))
                configs.append(_based(hcl.read_folder(folder, base, var_files,
                                                      variables or {}), base))
        else:
            configs.append(jsonfile.read_json_input(path, shown))
    return configs, errors


def reads_hcl(path: str) -> bool:
    """Is `path` read as Terraform code (a folder, a .tf or .tfvars file), not as a plan
    or state? (`read_inputs`; `hds-iac scan` opens the HCL parse cache only then.)"""
    return os.path.isdir(path) or path.endswith((".tf", ".tfvars"))


def _based(config: TfConfiguration, base: str) -> TfConfiguration:
    config.base = base
    return config


def apply_suppressions(result: "ScanResult", bases: dict[int, str],
                       blame: waivers.Blame | None = None) -> None:
    """Waive findings skipped in code (with a reason, before their `until=` date); report
    reason-less and malformed skips, and expired ones, which no longer apply."""
    if not bases:
        return  # no input read from Terraform code (plans, states): no skip comment to read
    blame = blame or waivers.Blame(enabled=False)
    reported: set[tuple[str, int, str]] = set()
    for finding in result.findings:
        origin = finding.resource.origin
        base = bases.get(id(finding))
        if origin.source != "hcl" or not origin.file or not origin.line or base is None:
            continue
        path = os.path.join(base, origin.file)
        for directive in suppressions.directives(path, origin.line):
            if directive.rule_id != finding.rule_id:
                continue
            location = f"{origin.file}:{directive.line}"
            first = (origin.file, directive.line, directive.rule_id) not in reported
            reported.add((origin.file, directive.line, directive.rule_id))
            by = f"{directive.tool}:skip"
            problem, state = None, None
            if not directive.reason:
                problem, state = (f"skip of {directive.rule_id} has no reason: not applied "
                                  f"(write `# hds-iac:skip={directive.rule_id} <why>`)",
                                  "no-reason")
            elif directive.until is not None:
                try:
                    suppressions.parse_until(directive.until)
                except suppressions.ExpiryError as exc:
                    problem, state = (f"skip of {directive.rule_id}: {exc}: not applied",
                                      "invalid-expiry")
            if problem:
                if first:
                    result.notices.append(ReadError(location, problem))
                    author, date = blame(path, directive.line)
                    result.unapplied_waivers.append(waivers.Unapplied(
                        by, directive.rule_id, location, state or "", directive.reason,
                        directive.until, author, date))
                continue
            author, date = blame(path, directive.line)
            waiver = engine.Suppression(by, directive.reason, location, directive.until,
                                        author, date)
            if directive.until and suppressions.expired(directive.until):
                finding.expired_waiver = waiver
                if first:
                    result.notices.append(ReadError(location, expiry_notice(
                        directive.rule_id, directive.until)))
            else:
                finding.suppression = waiver


def expiry_notice(rule_id: str, until: str, address: str | None = None) -> str:
    what = f"{rule_id} on {address}" if address else rule_id
    return (f"waiver of {what} expired after {until}: it no longer applies and the finding"
            " counts again")


def apply_baseline(result: "ScanResult", entries: "baseline.Entries", path: str) -> None:
    """Waive the failures the baseline records (same rule, address and input), with the
    entry's reason and expiry; an expired entry waives nothing and says so."""
    for finding in result.findings:
        if finding.verdict.status != "fail" or finding.suppression:
            continue
        origin = finding.resource.origin
        file = (os.path.join(result.display_base, origin.file)
                if origin.file and result.display_base else None)
        entry = baseline.lookup(entries, finding, file)
        if entry is None:
            continue
        key = (finding.rule_id, finding.resource.address)
        waiver = engine.Suppression("baseline", entry.reason or f"in baseline {path}", path,
                                    entry.until, entry.by, entry.added)
        if entry.until and suppressions.expired(entry.until):
            finding.expired_waiver = waiver
            result.notices.append(ReadError(path, expiry_notice(key[0], entry.until, key[1])))
        else:
            finding.suppression = waiver


def input_files(config: TfConfiguration, var_files: Sequence[str] = ()) -> dict:
    """SHA-256 of the files an input was read from: a plan or state file, or every
    Terraform and variables file of the folders read for a root (its local modules too)."""
    if config.source != "hcl":
        return {}  # the reader put the file's SHA-256 in `config.meta`
    from hds_iac.terraform.hcl.files import tf_files

    base = os.path.realpath(config.base or config.path)
    found = []
    for folder in config.folders or [config.path]:
        found += tf_files(folder)[0]
    try:
        names = os.listdir(config.path)
    except OSError:
        names = []
    found += [os.path.join(config.path, n) for n in names
              if n in ("terraform.tfvars", "terraform.tfvars.json")
              or n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    found += [v for v in var_files if os.path.isfile(v)]
    paths = {os.path.realpath(p) for p in found}
    display = {p: os.path.relpath(p, base).replace(os.sep, "/") for p in paths}
    return provenance.hashed_files(sorted(paths, key=display.__getitem__), display)


def judge_inventory(
    result: ScanResult, inventory: Inventory, settings: Settings,
    rule_ids: Iterable[str] | None, where: str, account: str | None = None,
) -> list[Finding]:
    """Run the rules on one inventory into `result`; a rule that raises becomes an error entry
    naming `where` (the input, account or region) and the other rules still run. `account`:
    the cloud account of a live inventory, carried by every finding."""

    def rule_failed(rule_id: str, exc: Exception) -> None:
        result.errors.append(ReadError(
            where, f"{rule_id}: internal error ({type(exc).__name__}); please report it"))

    def not_listed(rule_id: str, provider: str, count: int) -> None:
        result.notices.append(ReadError(where, engine.not_listed_notice(rule_id, provider, count)))

    findings = engine.run(inventory, settings, rule_ids, on_error=rule_failed,
                          on_not_listed=not_listed, input=where, account=account)
    result.findings += findings
    result.resources += len(inventory.resources)
    return findings


def judge(
    configs: Iterable[TfConfiguration], settings: Settings, rule_ids: Iterable[str] | None = None,
    var_files: Sequence[str] = (), blame: waivers.Blame | None = None,
) -> ScanResult:
    result = ScanResult()
    selected = list(rule_ids) if rule_ids is not None else None
    bases: dict[int, str] = {}
    for config in configs:
        inventory = to_inventory(config, settings)
        findings = judge_inventory(result, inventory, settings, selected, config.path)
        if config.base is not None:
            bases.update((id(f), config.base) for f in findings)
        result.errors += config.errors
        result.notices += config.notices
        result.unread_modules += config.unread_modules
        result.inputs.append(
            {"path": config.path, "kind": config.source, "resources": len(inventory.resources),
             **input_files(config, var_files), **config.meta}
        )
    apply_suppressions(result, bases, blame)
    return result


def scan(
    paths: Sequence[str],
    settings: Settings | None = None,
    var_files: Sequence[str] = (),
    variables: Mapping[str, str] | None = None,
    rule_ids: Iterable[str] | None = None,
    blame: waivers.Blame | None = None,
) -> ScanResult:
    from hds_iac import repository

    base = repository.display_base(paths[0]) if paths else os.getcwd()
    configs, errors = read_inputs(paths, var_files, variables, base)
    result = judge(configs, settings or Settings(), rule_ids, var_files, blame)
    result.errors = errors + result.errors
    result.display_base = base
    return result


# A tally key: (rule id, status, waived or not, provider, account).
TallyKey = tuple[str, str, bool, str, str | None]


def tally(findings: list[Finding]) -> dict[TallyKey, list]:
    """The findings by (rule, status, waived or not, provider, account), each key in the
    order it first appears: [how many, the first of them]. One walk that calls nothing per
    finding, for the counts every report prints (`summarize`) and the JSON report's texts
    of each rule (`json_report.rules`, from each rule's first finding): a few dozen keys
    for tens of thousands of findings."""
    out: dict[TallyKey, list] = {}
    for f in findings:
        verdict = f.verdict
        key = (f.meta.id, verdict.status, f.suppression is not None, verdict.resource.provider,
               f.account)
        try:
            out[key][0] += 1
        except KeyError:  # the key's first finding
            out[key] = [1, f]
    return out


def summarize(result: ScanResult, tallied: dict[TallyKey, list] | None = None) -> dict:
    """Counts every report prints: per status, per topic and per severity of failures
    (`tallied`: `tally(result.findings)`, when the caller has it already)."""
    counts = {"pass": 0, "fail": 0, "unknown": 0, "skipped": 0}
    by_topic: dict[str, dict[str, int]] = {}
    failed_by_severity = {s: 0 for s in engine.SEVERITY_RANK}
    by_account: dict[str, dict[str, int]] = {}
    if tallied is None:
        tallied = tally(result.findings)
    # added up per key: every finding of a key has its first's rule, status shown (the
    # key holds the verdict's status and whether it is waived) and severity (its provider's)
    for (*_, account), (count, first) in tallied.items():
        topic = first.meta.topic
        status = first.status
        counts[status] += count
        if topic not in by_topic:
            by_topic[topic] = {"pass": 0, "fail": 0, "unknown": 0, "skipped": 0}
        by_topic[topic][status] += count
        if status == "fail":
            failed_by_severity[first.severity] += count
        if account:
            by_account.setdefault(account, {"pass": 0, "fail": 0, "unknown": 0,
                                            "skipped": 0})[status] += count
    return {
        "resources": result.resources,
        "findings": len(result.findings),
        "passed": counts["pass"],
        "failed": counts["fail"],
        "unknown": counts["unknown"],
        "skipped": counts["skipped"],
        "errors": len(result.errors),
        "modules_not_read": len(result.unread_modules),
        "nothing_judged": result.judged_nothing,
        "by_topic": dict(sorted(by_topic.items())),
        "failed_by_severity": failed_by_severity,
        # Live scans of several accounts (organisation, --profiles): counts per account;
        # absent when no finding names an account (code, plans, states).
        **({"by_account": dict(sorted(by_account.items()))} if by_account else {}),
    }
