"""The rule registry. One module per rule; each registers a function with `@rule(ID)`.

A rule reads only the model (`hds_iac.model`) and yields `Verdict`s. Its metadata (title,
severity, references, message texts in English and French) lives in the catalogue, so
the code here is pure logic and imports no third-party package.
"""
from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from hds_iac.catalogue import Text
from hds_iac.model import Inventory, Kind, Resource, SourceAttribute
from hds_iac.sensitive import mask
from hds_iac.settings import Settings

STATUSES = ("pass", "fail", "unknown")


@dataclass(slots=True)  # one per finding: no dictionary each
class Verdict:
    resource: Resource
    # "pass" | "fail" | "unknown" (`STATUSES`): the engine refuses any other from a rule
    # (`broken_contract`), once per verdict rather than in a `__post_init__` per verdict.
    status: str
    message: str  # key of a message template in the rule's catalogue entry
    params: dict[str, object] = field(default_factory=dict)
    # The facet values that decided the verdict, as `hds_iac.model.facet_key` names them
    # ("at_rest[volume].enabled"): reports point at the source attribute each came from
    # (`Resource.attributes`) instead of the resource's first line. Empty: the resource.
    # Fifth, so that the rules giving most verdicts pass it by position
    # (`Verdict(res, status, message, params, facets)`): a keyword argument to a class
    # costs a dictionary per call (1 k instructions, as much as the rest of the call).
    facets: tuple[str, ...] = ()
    # True for a pass that rests on the user's own declaration (an attestation tag) rather
    # than on a fact the scan read: reports show it as "declared", apart from verified
    # passes, with the evidence an auditor should ask for.
    declared: bool = False
    # The other resource whose facet values `facets` names, when they are not the judged
    # resource's (a volume is covered by a backup plan's selection): reports point at that
    # resource's attributes (`SourceAttribute.held_by`), as when an adapter records a
    # value another resource holds.
    holder: Resource | None = None

    @property
    def attributes(self) -> tuple[SourceAttribute, ...]:
        """The source attributes of the facet values that decided the verdict (`facets`,
        looked up in `Resource.attributes`, where the adapter recorded them), in the rule's
        order. Empty when the rule names none or the adapter does not know (live scans, a
        value computed from several places): reports then point at the resource."""
        holder = self.holder
        if holder is None:
            # asked per finding: a loop, not a list comprehension (one more function call
            # each time in Python 3.11), and no loop for one facet value (most verdicts)
            known = self.resource.attributes
            facets = self.facets
            if len(facets) == 1:
                one = known.get(facets[0])
                return () if one is None else (one,)
            found = []
            for key in facets:
                if key in known:
                    found.append(known[key])
            return tuple(found)
        known = holder.attributes
        return tuple(known[k].held_by(holder.address, holder.origin)
                     for k in self.facets if k in known)

    def evaluated_keys(self) -> list[str]:
        """The deciding attributes as checkov's `evaluated_keys` names them
        (`encrypted`, `root_block_device/[0]/encrypted`): the checkov front-end sets its
        check's `evaluated_keys` from this. Those of another resource are not the checked
        resource's keys: left out."""
        return [a.checkov_key() for a in self.attributes if a.address is None]

    def shown_params(self) -> dict[str, object]:
        """The params as a message may print them: every sensitive input value masked
        (`Resource.sensitive`), whatever the rule put in them. Every renderer of a
        verdict's message goes through here."""
        secrets = self.resource.sensitive
        if not secrets:
            return self.params
        return {key: _masked(value, secrets) for key, value in self.params.items()}


def _masked(value: object, secrets: frozenset[str]) -> object:
    """A message param with every sensitive value masked: a text in two languages (a
    country, "EEA"/"EEE") stays one, masked in each, so that the message still prints it
    in the report's language, not as `Text(en=..., fr=...)`."""
    if isinstance(value, Text):
        return Text(en=mask(value.en, secrets), fr=mask(value.fr, secrets))
    return mask(str(value), secrets)


RuleFunc = Callable[[Inventory, Settings], Iterable[Verdict]]
_REGISTRY: dict[str, RuleFunc] = {}
# rule id -> kind -> message keys of the verdicts that rely on every resource of that kind
_NEEDS_ALL: dict[str, dict[str, tuple[str, ...]]] = {}
# rule id -> the kinds of the resources its verdicts name (absent: any kind)
_KINDS: dict[str, frozenset[str]] = {}


def rule(rule_id: str, *, kinds: Iterable[str] | None = None,
         needs_all: dict[str, tuple[str, ...]] | None = None
         ) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule.

    `kinds` names the kinds (`hds_iac.model.Kind`) of the resources the rule's verdicts are
    about: the resources it judges, not those it only looks at (a volume's backup plans).
    The checkov front-end runs the rule's check only on the Terraform types whose adapter
    makes those kinds, instead of on every type of the provider; the engine refuses a
    verdict on a kind the rule does not declare (`kinds_of`), so a declaration too narrow
    for what the rule does is a loud error, never a finding checkov silently misses.
    None: any kind (rules judging a facet whatever the kind that carries it).

    `needs_all` names the verdicts that judge by absence: `{"backup-plan": ("fail",)}` says
    that a `fail` verdict means "no backup plan of the resource's provider and region selects
    it", which holds only if every backup plan there was read. When a read that lists such
    resources failed, was denied or was skipped (`Inventory.gaps`), the engine turns those
    verdicts into the rule's `unknown` message with the read as the reason: the rule itself
    never has to know which reads fed the inventory."""
    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = func
        if kinds is not None:
            _KINDS[rule_id] = frozenset(Kind(k).value for k in kinds)
        if needs_all:
            _NEEDS_ALL[rule_id] = {kind: tuple(keys) for kind, keys in needs_all.items()}
        return func

    return register


def kinds_of(rule_id: str) -> frozenset[str] | None:
    """The kinds a rule's verdicts may name (None: any kind)."""
    if rule_id not in _REGISTRY:
        registry()
    return _KINDS.get(rule_id)


def broken_contract(rule_id: str, verdict: Verdict) -> str | None:
    """Why `verdict` breaks what every rule promises (a status of `STATUSES`, a kind its
    `kinds` declaration names), or None when it keeps it."""
    if verdict.status not in STATUSES:
        return f"{rule_id} gave a verdict of status {verdict.status!r} on {verdict.resource.address}"
    return undeclared_kind(rule_id, verdict)


def undeclared_kind(rule_id: str, verdict: Verdict) -> str | None:
    """Why `verdict` breaks its rule's `kinds` declaration, or None when it keeps it."""
    declared = _KINDS.get(rule_id)
    if declared is None or verdict.resource.kind in declared:
        return None
    return (f"{rule_id} gave a verdict on {verdict.resource.address}, a "
            f"{verdict.resource.kind.value!r} resource, but declares only the kinds "
            f"{sorted(declared)} (@rule(kinds=...) in its module)")


def needs_all(rule_id: str) -> dict[str, tuple[str, ...]]:
    """The `needs_all` declaration of a registered rule (empty when it judges no absence)."""
    return _NEEDS_ALL.get(rule_id, {})


def unread_context(verdict: Verdict, needs: dict[str, tuple[str, ...]],
                   inventory: Inventory) -> Verdict:
    """`verdict`, or `unknown` when it relies on a complete listing of a kind that a read
    which did not answer may have left out where the resource is."""
    if verdict.status == "unknown":
        return verdict
    res = verdict.resource
    for kind, keys in needs.items():
        if verdict.message not in keys:
            continue
        gap = inventory.gap(kind, res.provider, res.region)
        if gap is not None:
            return Verdict(res, "unknown", "unknown", {**verdict.params, "reason": gap.reason},
                           facets=verdict.facets, holder=verdict.holder)
    return verdict


@functools.cache
def _import_all() -> None:
    """Import every module of this package, once per process: a scan of a tree asks for
    the rules once per root module, and listing the package's folder each time cost a
    tenth of a warm scan of 30 roots. The rule modules are the package's `*.py` files
    whose name does not start with "_", in name order (the order `pkgutil.iter_modules`
    gave): a plain listing of the folder, which `pkgutil` made with 5 M instructions of
    imports and module-finder work."""
    for folder in __path__:
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".py") and not entry.startswith("_"):
                importlib.import_module(f"{__name__}.{entry[:-3]}")


def registry() -> dict[str, RuleFunc]:
    """All rules (a copy: callers may filter it)."""
    _import_all()
    return dict(_REGISTRY)
