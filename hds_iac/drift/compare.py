"""Drift: two inventories of the model compared, what the account holds and what states manage.

A live scan and a Terraform state are already the same model (`hds_iac.model`), so drift
needs no provider code: resources are matched by identity (the ids and ARNs both sides
record in `Resource.ids`, within one provider and kind), then the HDS facts of
`hds_iac.drift.facts` are compared. The result is an inventory for the drift rules
(HDS-DRIFT-001 to 003): every live resource of a kind drift judges, in the regions the
states cover, with its `Drift` facet, and every state resource of those kinds with its own.

What cannot be told is `unknown` with the reason, never a guess: a state resource whose
region was not scanned or whose kind a failed read may have left out (`Inventory.gaps`),
a live resource whose region is not known.
"""
from __future__ import annotations

import gc
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from hds_iac.drift import facts as facts_mod
from hds_iac.drift.allow import AllowEntry, AllowList
from hds_iac.model import Drift, FactChange, Inventory, Resource, Unknown
from hds_iac.sensitive import mask

# Kinds drift judges: what stores, protects or gives access to health data and that a team
# creates itself. Left out, with why (docs/drift.md): listeners (a part of their load
# balancer, written in many Terraform shapes), account settings and policies (one per
# account, not created), access keys (the credential report names no key id), backup
# selections and DLM policies (moto and AWS give no stable id to match), copies.
KINDS = frozenset({
    "volume", "instance", "database", "database-cluster", "bucket", "file-system", "cache",
    "table", "backup-vault", "key", "load-balancer", "cdn", "security-group", "user", "role",
    "user-pool", "snapshot", "image", "vpn",
})
# The drift rules' own topic: the engine runs them on the drift inventory only.
TOPIC = "drift"

_ARN_ACCOUNT = re.compile(r"^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):")
# Tags AWS puts on what its own services create from a managed policy: snapshots of AWS
# Backup and Data Lifecycle Manager, instances of an Auto Scaling group.
_SERVICE_TAGS = ("aws:backup:source-resource", "dlm:managed")
_ASG_TAG = "aws:autoscaling:groupName"


@dataclass
class ManagedState:
    """One Terraform state given with `--against`, adapted into the model."""

    name: str  # as the user gave it: a file path or s3://bucket/key
    inventory: Inventory
    # Volume ids a managed machine holds as its own disks (root and block devices): they
    # are managed through that machine's address.
    disks: dict[str, str] = field(default_factory=dict)

    def accounts(self) -> frozenset[str]:
        """The AWS accounts the state's ARNs name (empty: the state names none)."""
        found = set()
        for res in self.inventory:
            for ident in res.ids:
                match = _ARN_ACCOUNT.match(ident)
                if match:
                    found.add(match.group(1))
        return frozenset(found)


@dataclass
class Outcome:
    """The drift inventory the drift rules judge, and the notices for the report."""

    inventory: Inventory
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the comparison
    cpu_seconds: float = 0.0  # its CPU time (on a busy machine, wall time also waits)
    # id() of an unmanaged live resource -> the allow-list entry that matches it
    allowed: dict[int, AllowEntry] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _produced_by_service(res: Resource) -> bool:
    """Made by a provider's service from a managed policy (AWS Backup recovery points and
    the snapshots it tags, DLM, RDS automated snapshots), or the account's own (default
    security groups, the root user, AWS service-linked roles): nobody writes these in
    Terraform."""
    tags = res.tags
    if tags and isinstance(tags, dict) and (_SERVICE_TAGS[0] in tags or _SERVICE_TAGS[1] in tags):
        return True
    if res.kind == "snapshot" and (any(i.startswith("rds:") for i in res.ids)
                                   or res.type == "AWS::Backup::RecoveryPoint"):
        return True
    if res.account_default:
        return True
    if res.kind == "user" and res.identity is not None and res.identity.account_root:
        return True
    return res.kind == "role" and ":role/aws-service-role/" in res.address


def _judged_in_state(res: Resource) -> bool:
    """State resources drift matches: those of a judged kind, less the sharing permissions
    (`aws_snapshot_create_volume_permission`, `outscale_image_launch_permission`...), which
    the adapters give the kind of what they share but which are not that resource."""
    return res.kind in KINDS and not (res.kind in ("snapshot", "image") and not res.stores_data)


def _key(res: Resource, ident: str) -> tuple[str, str, str]:
    return (res.provider, res.kind, ident)


class _Index:
    """State resources by provider, kind and every id they are known by."""

    def __init__(self, states: list[ManagedState]):
        self.by_id: dict[tuple[str, str, str], list[tuple[ManagedState, Resource]]] = {}
        self.disks: dict[str, tuple[ManagedState, str]] = {}
        self.regions: dict[str, set[str]] = {}  # provider -> regions the states cover
        self.providers: set[str] = set()
        self.without_id: dict[tuple[str, str], list[tuple[ManagedState, Resource]]] = {}
        for state in states:
            for vol, address in state.disks.items():
                self.disks.setdefault(vol, (state, address))
            for res in state.inventory:
                self.providers.add(res.provider)
                if isinstance(res.region, str):
                    self.regions.setdefault(res.provider, set()).add(res.region)
                if not _judged_in_state(res):
                    continue
                ids = [i for i in res.ids if i and i not in res.sensitive]
                if not ids:
                    self.without_id.setdefault((res.provider, res.kind), []).append((state, res))
                for ident in ids:
                    self.by_id.setdefault(_key(res, ident), []).append((state, res))

    def match(self, res: Resource) -> tuple[ManagedState, Resource] | None:
        found: dict[int, tuple[ManagedState, Resource]] = {}
        for ident in res.ids:
            for pair in self.by_id.get((res.provider, res.kind, ident), ()):
                found.setdefault(id(pair[1]), pair)
        if len(found) <= 1:
            return next(iter(found.values()), None)
        # Names (buckets, roles, databases) repeat across regions only for regional kinds:
        # prefer the state resource of the same region.
        for pair in found.values():
            if pair[1].region == res.region:
                return pair
        return next(iter(found.values()))

    def covers(self, res: Resource) -> bool:
        """Whether the states cover the live resource's place: its region, or the account
        itself for global resources (IAM, CloudFront) and unknown regions."""
        if res.provider not in self.providers:
            return False
        if isinstance(res.region, str):
            return res.region in self.regions.get(res.provider, set())
        return True


def _compare_facts(state_res: Resource, live_res: Resource) -> dict[str, tuple]:
    """changes, unresolved (live side unknown), not_in_state, compared (fact names)."""
    secrets = state_res.sensitive

    def state_text(value: object) -> str:
        return mask(facts_mod.shown(value), secrets) if secrets else facts_mod.shown(value)

    state_facts, live_facts = facts_mod.read(state_res), facts_mod.read(live_res)
    out: dict[str, list] = {"changes": [], "unresolved": [], "not_in_state": [],
                            "compared": []}
    for name, before in state_facts.items():
        now = live_facts.get(name)
        if now is None:
            continue
        if isinstance(now, Unknown) or isinstance(before, Unknown):
            change = FactChange(
                name, state_text(before.reason if isinstance(before, Unknown) else before),
                facts_mod.shown(now.reason if isinstance(now, Unknown) else now))
            out["unresolved" if isinstance(now, Unknown) else "not_in_state"].append(change)
            continue
        out["compared"].append(name)
        if before != now:
            out["changes"].append(FactChange(name, state_text(before), facts_mod.shown(now)))
    return {key: tuple(value) for key, value in out.items()}


@contextmanager
def no_collection() -> Iterator[None]:
    """The comparison allocates a few small objects per resource and no garbage cycles, but
    in a live scan's process the collector would walk the whole heap (every API answer,
    both inventories) many times over while it runs: measured on 10,000 volumes, that was
    most of its time. Collection resumes as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compare(live: Inventory, states: list[ManagedState], allow: AllowList | None = None,
            account: str | None = None, scanned: Iterable[str] = ()) -> Outcome:
    """The drift inventory of one live scan (`live`, of `account`, over the regions
    `scanned`) against the states that manage it."""
    with no_collection():
        return _compare(live, states, allow, account, scanned)


def _compare(live: Inventory, states: list[ManagedState], allow: AllowList | None,
             account: str | None, scanned: Iterable[str]) -> Outcome:
    started, cpu = time.monotonic(), time.process_time()
    outcome = Outcome(Inventory(gaps=list(live.gaps)))
    used: list[ManagedState] = []
    for state in states:
        named = state.accounts()
        if account and named and account not in named:
            outcome.notices.append(
                f"{state.name}: manages AWS account(s) {', '.join(sorted(named))}, not the "
                f"scanned account {account}: not compared")
            continue
        used.append(state)
    index = _Index(used)
    for state in used:
        judged = [r for r in state.inventory if _judged_in_state(r) and r.region is not None]
        if judged and not any(isinstance(r.region, str) for r in judged):
            outcome.notices.append(
                f"{state.name}: no region can be told from this state (no zone, ARN or region"
                " attribute): resources outside Terraform are looked for only in the regions"
                " other states cover")
    scanned_regions = set(scanned)
    found: dict[int, str] = {}  # id() of a state resource -> the live id that matched it
    counts = {"managed": 0, "unmanaged": 0, "changed": 0, "missing": 0, "unknown": 0,
              "allowed": 0}
    for res in live:
        if res.kind not in KINDS or _produced_by_service(res) or not index.covers(res):
            continue
        pair = index.match(res)
        if pair is None and res.kind == "volume":
            disk = next((index.disks[i] for i in res.ids if i in index.disks), None)
            if disk is not None:
                res.drift = Drift("live", "managed", disk[0].name, f"{disk[1]} (one of its disks)")
                outcome.inventory.add(res)
                counts["managed"] += 1
                continue
        if pair is None and res.kind == "instance" and isinstance(res.tags, dict) \
                and _ASG_TAG in res.tags:
            group = index.by_id.get((res.provider, "autoscaling-group", res.tags[_ASG_TAG]))
            if group:
                res.drift = Drift("live", "managed", group[0][0].name,
                                  f"{group[0][1].address} (an instance of the group)")
                outcome.inventory.add(res)
                counts["managed"] += 1
                continue
        if pair is not None:
            state, state_res = pair
            found[id(state_res)] = res.address
            res.drift = Drift("live", "managed", state.name, state_res.address,
                              **_compare_facts(state_res, res))
            counts["managed"] += 1
            counts["changed"] += bool(res.drift.changes)
        else:
            res.drift = _unmatched(res, index)
            counts[res.drift.status] += 1
            if res.drift.status == "unmanaged" and allow is not None:
                entry = allow.match(res)
                if entry is not None:
                    res.drift.allowed = entry.describe()
                    outcome.allowed[id(res)] = entry
                    counts["allowed"] += not entry.expired()
        outcome.inventory.add(res)
    for state in used:
        for res in state.inventory:
            if not _judged_in_state(res):
                continue
            if id(res) in found:
                res.drift = Drift("state", "found", state.name, found[id(res)])
            else:
                res.drift = _missing(res, live, scanned_regions)
                res.drift.state = state.name
                counts["missing" if res.drift.status == "missing" else "unknown"] += 1
            outcome.inventory.add(res)
    outcome.counts = counts
    outcome.seconds = time.monotonic() - started
    outcome.cpu_seconds = time.process_time() - cpu
    return outcome


def _unmatched(res: Resource, index: _Index) -> Drift:
    if isinstance(res.region, Unknown):
        return Drift("live", "unknown", reason=f"its region is not known ({res.region.reason}):"
                                               " the states may not cover it")
    blind = index.without_id.get((res.provider, res.kind))
    if blind:
        state, other = blind[0]
        return Drift("live", "unknown", reason=(
            f"{state.name} holds {other.address}, whose id it does not record: it may be this"
            " resource"))
    return Drift("live", "unmanaged")


def _missing(res: Resource, live: Inventory, scanned: set[str]) -> Drift:
    """A state resource no live resource matched: gone, or not seen for a reason."""
    ident = next((i for i in res.ids if i.startswith("arn:")), next(iter(res.ids), ""))
    if not res.ids:
        return Drift("state", "unknown", reason="the state records no id for it")
    if isinstance(res.region, Unknown):
        return Drift("state", "unknown", reason=f"its region is not known: {res.region.reason}")
    if isinstance(res.region, str) and scanned and res.region not in scanned:
        return Drift("state", "unknown", reason=f"region {res.region} was not scanned")
    gap = live.gap(res.kind, res.provider, res.region)
    if gap is not None:
        return Drift("state", "unknown", reason=gap.reason)
    return Drift("state", "missing", address=ident)
