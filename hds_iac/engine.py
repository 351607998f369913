"""Runs the rules over an inventory and turns verdicts into findings with their references."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from hds_iac import catalogue as catalogue_mod
from hds_iac import matrices, provider_registry
from hds_iac.catalogue import Catalogue, RuleMeta
from hds_iac.gc_generations import built_as_old_objects
from hds_iac.model import Inventory, Kind, Resource, SourceAttribute, new_instance
from hds_iac.rules import (STATUSES, Verdict, broken_contract, kinds_of, needs_all, registry,
                           unread_context)
from hds_iac.settings import Settings

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True)
class Suppression:
    """Why a finding is waived: an in-code skip with its reason, or a baseline entry.

    `location` ("main.tf:12", the baseline file), `until` (the last day it applies,
    YYYY-MM-DD) and `author`/`date` (from git blame or the baseline entry) feed the
    exceptions register an auditor reads; an expired waiver is kept on the finding as
    `expired_waiver` and no longer waives it."""

    by: str  # "hds-iac:skip" | "checkov:skip" | "baseline"
    reason: str
    location: str | None = None
    until: str | None = None
    author: str | None = None
    date: str | None = None

    def as_dict(self) -> dict:
        out = {"by": self.by, "reason": self.reason}
        out.update({k: v for k, v in (("location", self.location), ("until", self.until),
                                      ("author", self.author), ("date", self.date)) if v})
        return out


@dataclass(slots=True)  # 19,000 of them for a 5,000-resource plan: no dictionary each
class Finding:
    meta: RuleMeta
    verdict: Verdict
    suppression: Suppression | None = None
    # The input it was judged from: the root folder or plan/state file as scanned, or the
    # live account/region. Baselines key failures by it: prod/ and staging/ may both hold
    # `aws_ebs_volume.v`.
    input: str = ""
    # A waiver whose `until` date has passed: it no longer applies and the report says so.
    expired_waiver: Suppression | None = None
    # Client duties of the resource's OWN provider this finding is evidence for (empty when
    # no duty of that provider covers the rule: never another provider's).
    duties: tuple[matrices.Duty, ...] = ()
    # The cloud account the resource lives in (live scans: AWS account id, Outscale account
    # id); None for code, plans and states. Reports group by it; the JSON report writes it
    # as `resource.account` only when set, so version 1 readers see no change otherwise.
    account: str | None = None

    @property
    def rule_id(self) -> str:
        return self.meta.id

    @property
    def status(self) -> str:
        """pass | fail | unknown, or skipped when a suppression waives it."""
        return "skipped" if self.suppression else self.verdict.status

    @property
    def resource(self) -> Resource:
        return self.verdict.resource

    @property
    def attributes(self) -> tuple[SourceAttribute, ...]:
        """The deciding source attributes (`Verdict.attributes`)."""
        return self.verdict.attributes

    @property
    def attribute(self) -> SourceAttribute | None:
        """The first deciding attribute, the one reports point at."""
        found = self.attributes
        return found[0] if found else None

    @property
    def line(self) -> int | None:
        """The line a reader should look at: the deciding attribute's line when the source
        has lines and writes it there, else the resource's first line (a value that is
        "not set" is decided by the default: the resource is where to add it)."""
        for attribute in self.attributes:
            if attribute.line is not None:
                return attribute.line
        return self.resource.origin.line

    @property
    def file(self) -> str | None:
        """The file `line` is in: the file of the resource that holds the deciding attribute
        (another resource's, such as a bucket's separate policy), else the resource's."""
        for attribute in self.attributes:
            if attribute.line is not None:
                return attribute.file or self.resource.origin.file
        return self.resource.origin.file

    def attribute_note(self, lang: str = "en") -> str:
        """" (encrypted)", " (encrypted: not set)" after the address in one-line outputs
        (CLI, SARIF message), "" when no attribute is known."""
        if not self.attributes:
            return ""
        unset = "non défini" if lang == "fr" else "not set"
        shown = [(f"{a.address}: " if a.address else "")
                 + (a.path if a.set else f"{a.path}: {unset}")
                 for a in self.attributes[:NOTE_ATTRIBUTES]]
        more = len(self.attributes) - len(shown)
        if more:  # a VPN left to its defaults names ten options: the line stays readable
            shown.append(f"+{more} " + ("autres" if lang == "fr" else "more"))
        return " (" + ", ".join(shown) + ")"

    def evaluated_keys(self) -> list[str]:
        """The deciding attributes in checkov's `evaluated_keys` form (`Verdict.evaluated_keys`)."""
        return self.verdict.evaluated_keys()

    @property
    def severity(self) -> str:
        """The rule's severity for this resource's provider."""
        return self.meta.severity_for(self.resource.provider)

    def message(self, lang: str = "en") -> str:
        return self.meta.message_of(self.verdict.message, lang, self.verdict.shown_params())

    def as_dict(self, lang: str = "en", shared: bool = True) -> dict:
        """The finding as the JSON report version 1 writes it (without `input`), parsed from
        the text the report writes (`output.json_findings`, the one definition of it);
        `shared=False` leaves out what its rule shares with every finding of that rule and
        provider (title, references, remediation: `shared_dict`), as version 2 does
        (`hds_iac.json_contract`)."""
        from hds_iac.output.json_findings import as_dicts

        return next(as_dicts((self,), lang, shared))

    def shared_dict(self, lang: str = "en") -> dict:
        """The texts every finding of this rule and provider shares: title, references
        (with the provider's matrix duties) and the provider's remediation."""
        return {
            "title": self.meta.title.get(lang),
            "references": self.meta.references.as_dict(lang)
            | {"matrix": [d.as_dict(lang) for d in self.duties]},
            "remediation": self.meta.remediation_for(self.resource.provider).get(lang),
        }


# How many deciding attributes a one-line output names (the JSON report and SARIF
# properties list them all).
NOTE_ATTRIBUTES = 3


def not_listed_notice(rule_id: str, provider: str, count: int) -> str:
    """The notice for verdicts on a provider a rule's catalogue entry does not list."""
    return (f"{rule_id} does not apply to {provider_registry.label(provider)} (its catalogue"
            f" entry does not list it): {count} resource(s) not reported")


def run(
    inventory: Inventory,
    settings: Settings,
    rule_ids: Iterable[str] | None = None,
    catalogue: Catalogue | None = None,
    on_error: Callable[[str, Exception], None] | None = None,
    on_not_listed: Callable[[str, str, int], None] | None = None,
    input: str = "",
    account: str | None = None,
) -> list[Finding]:
    """Every verdict of every selected rule, sorted for stable output; `input` and
    `account` are every finding's (`Finding.input`, `Finding.account`).

    A rule that raises is reported through `on_error` and the other rules still run.
    Verdicts on resources of a provider the rule's catalogue entry does not list are not
    findings (that provider's matrix gives the rule no duty to cite), and they are never
    dropped silently: `on_not_listed(rule_id, provider, count)` hears of each.
    """
    catalogue = catalogue or catalogue_mod.load()
    rules = registry()
    matrix_set = matrices.load(tuple(settings.matrix_files))
    selected = list(rule_ids) if rule_ids is not None else sorted(catalogue.rules)
    rule_rank = {r: i for i, r in enumerate(sorted(set(selected)))}
    runs: list[tuple[int, list[Finding]]] = []  # (rule rank, its findings), in run order
    # verdicts and findings live until the report is written (`gc_generations`)
    with built_as_old_objects():
        for rule_id in selected:
            meta = catalogue[rule_id]
            func = rules.get(rule_id)
            if func is None:
                raise LookupError(f"{rule_id} is in the catalogue but has no rule code")
            try:
                verdicts = list(func(inventory, settings))
                findings, not_listed = _findings(rule_id, meta, verdicts, inventory,
                                                 matrix_set, input, account)
            except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the scan
                if on_error is None:
                    raise
                on_error(rule_id, exc)
                continue
            runs.append((rule_rank[rule_id], findings))
            if on_not_listed is not None:
                for provider, count in sorted(not_listed.items()):
                    on_not_listed(rule_id, provider, count)
        return _in_report_order(runs)


def _findings(rule_id: str, meta: RuleMeta, verdicts: list[Verdict], inventory: Inventory,
              matrix_set: matrices.Matrices, input: str, account: str | None
              ) -> tuple[list[Finding], dict[str, int]]:
    """The findings of one rule's verdicts, in their order, and how many verdicts are on
    each provider the rule's catalogue entry does not list (they make none: that
    provider's matrix gives the rule no duty to cite).

    A verdict breaking the rule contract (a status not in `STATUSES`, a kind its `kinds`
    declaration does not name) is a bug of the rule's module (the checkov checks would
    miss a verdict on an undeclared kind): ValueError, and the run gives no finding. It is
    checked as the verdict's finding is built, before the engine's own reading of the
    verdict (`unread_context`): one walk of the verdicts, once per verdict of the scan."""
    declared = kinds_of(rule_id)
    if declared is not None:
        # as `Kind` members, which a resource's kind is (`model._check`): a verdict's kind
        # is then found by identity instead of being compared as a string with the names
        declared = frozenset(map(Kind, declared))
    needs = needs_all(rule_id)
    unread = bool(needs and inventory.gaps)
    # each listed provider's duties, the same for all its findings: a provider without
    # an entry here is one the catalogue entry does not list
    duties = {provider: matrix_set.duties_for(provider, rule_id) for provider in meta.providers}
    not_listed: dict[str, int] = {}
    findings: list[Finding] = []
    for verdict in verdicts:
        res = verdict.resource
        if verdict.status not in STATUSES or (declared is not None and res.kind not in declared):
            raise ValueError(broken_contract(rule_id, verdict))
        found = duties.get(res.provider)
        if found is None:
            not_listed[res.provider] = not_listed.get(res.provider, 0) + 1
            continue
        if unread:
            verdict = unread_context(verdict, needs, inventory)
        findings.append(_finding(meta, verdict, input, found, account))
    return findings, not_listed


def _finding(meta: RuleMeta, verdict: Verdict, input: str,
             duties: tuple[matrices.Duty, ...], account: str | None) -> Finding:
    """`Finding(meta, verdict, None, input, None, duties, account)`: a finding not waived
    (yet), its slots stored here rather than by calling the class, which enters the
    dataclass's `__init__` through CPython's type machinery (0.37 k instructions more a
    finding, 7 M for the 19,167 findings of a 5,000-resource plan). Every field is set:
    `tests/test_engine_run.py` compares the two ways field by field."""
    finding = new_instance(Finding)
    finding.meta = meta
    finding.verdict = verdict
    finding.suppression = None
    finding.input = input
    finding.expired_waiver = None
    finding.duties = duties
    finding.account = account
    return finding


def _in_report_order(runs: list[tuple[int, list[Finding]]]) -> list[Finding]:
    """The findings of every rule's run sorted by file, line, address and rule, in the
    order a stable sort would leave them otherwise (a rule's verdict order, then run order).

    No key per finding is built or sorted: each resource's (file, line, address) is read
    once and names a bucket; going through the runs by rule (a stable sort of a few dozen
    runs) and each run in its verdict order fills every bucket in (rule, position) order
    already, so sorting the buckets (a few thousand, not tens of thousands of findings) and
    joining them gives the order. Resources at the same place share a bucket."""
    buckets: dict[tuple[str, int, str], list[Finding]] = {}
    bucket_of: dict[int, list[Finding]] = {}  # id(resource) -> its bucket (resources outlive this)
    for _, findings in sorted(runs, key=_rank_of_run):
        for finding in findings:
            res = finding.verdict.resource
            bucket = bucket_of.get(id(res))
            if bucket is None:
                origin = res.origin
                bucket = buckets.setdefault((origin.file or "", origin.line or 0, res.address), [])
                bucket_of[id(res)] = bucket
            bucket.append(finding)
    ordered: list[Finding] = []
    for place in sorted(buckets):
        ordered += buckets[place]
    return ordered


def _rank_of_run(run: tuple[int, list[Finding]]) -> int:
    return run[0]
