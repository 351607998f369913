"""What every provider's Terraform adapter is built on: the table of handlers by resource
type (`Handlers`) and the index that links records together (`TfIndex`: a VM's subnet, a
bucket's policy, a user's groups) whatever the input: in code and plans the link is a
reference (`Unknown.refs`), in states an id.

The provider modules (`terraform_aws*`, `terraform_outscale`) import this module; the
dispatcher over providers (`adapters.terraform`) imports them, never the other way round.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from hds_iac.model import Kind, Origin, Resource, SourceAttribute, Unknown, facet_key
from hds_iac.sensitive import union
from hds_iac.settings import Settings
from hds_iac.terraform.addresses import base_address
# `Resource.attributes` from {facet key: Terraform attribute path or `held_by(...)`}: where
# each facet value came from (its line in HCL; set or not in every source).
from hds_iac.terraform.records import TfResource, attributes_at as attributes_of

Adapter = Callable[[TfResource, "TfIndex"], list[Resource]]


class Handlers:
    """One provider's adapter: resource type -> the function that maps its records. The AWS
    family modules and the Outscale module register into one each, so the dispatch (the
    provider's managed records only, nothing for unknown types) is written once.

    Each type also declares the kinds (`hds_iac.model.Kind`) of the resources its function
    makes (`kinds=()` for a type read only through others): crossed with the kinds each
    rule judges (`@rule(kinds=...)`), this tells the checkov front-end which types a rule
    can give a finding on. `adapt` refuses a resource of an undeclared kind, so the table
    cannot drift from the functions. A type without a declaration may make any kind."""

    def __init__(self, provider: str, table: dict[str, Adapter] | None = None,
                 kinds: Mapping[str, Iterable[str]] | None = None):
        self.provider = provider
        self.table: dict[str, Adapter] = dict(table or {})
        self.kinds: dict[str, frozenset[str]] = {}
        for type_, made in (kinds or {}).items():
            if type_ not in self.table:
                raise ValueError(f"kinds declared for {type_}, which has no handler")
            self.kinds[type_] = frozenset(Kind(k).value for k in made)

    def handles(self, *types: str, kinds: Iterable[str] | None = None
                ) -> Callable[[Adapter], Adapter]:
        made = None if kinds is None else frozenset(Kind(k).value for k in kinds)

        def register(fn: Adapter) -> Adapter:
            for t in types:
                self.table[t] = fn
                if made is not None:
                    self.kinds[t] = made
            return fn
        return register

    def get(self, type_: str) -> Adapter | None:
        return self.table.get(type_)

    def adapt(self, rec: TfResource, index: "TfIndex") -> list[Resource]:
        if rec.provider != self.provider or rec.mode != "managed":
            return []
        handler = self.table.get(rec.type)
        if handler is None:
            return []
        resources = handler(rec, index)
        declared = self.kinds.get(rec.type)
        if declared is not None:
            for res in resources:
                if res.kind not in declared:
                    raise ValueError(f"the {rec.type} adapter made a {res.kind.value!r} resource "
                                     f"but declares only {sorted(declared)}")
        return resources

    def types(self) -> list[str]:
        """Every type the adapter reads (including those read only through others)."""
        return sorted(self.table)

    def kinds_of(self, type_: str) -> frozenset[str] | None:
        """The kinds of the resources a type's records become (None: not declared, any)."""
        return self.kinds.get(type_)


class TfIndex:
    """Every record of a scan, findable by address, by id/arn, and by what refers to it."""

    # Made on their first use (`__getattr__`).
    by_type: dict[str, list[TfResource]]  # managed records by type
    by_base: dict[str, list[TfResource]]  # by address without instance key
    by_id: dict[str, TfResource]  # by id or ARN

    def __init__(self, records: Iterable[TfResource], settings: Settings | None = None):
        self.records = list(records)
        # The user's settings, for the few facts that depend on them (attestation tag names).
        self.settings = settings or Settings()
        # The sensitive texts of the whole input: a message about one resource may quote a
        # value read from another (the zone of a subnet, the name of a linked key).
        self.sensitive_texts = union(r.sensitive_texts for r in self.records)
        self.by_address: dict[str, TfResource] = {}
        for rec in self.records:
            self.by_address[rec.address] = rec
        # `by_type`, `by_base` and `by_id` are made on their first use (`__getattr__`): a
        # reference to a resource not found by its address, or a link written as an id, is
        # what needs the last two, and most plans have neither.
        # Answers worked out once per index and asked for record after record (records by
        # name, reverse links: `terraform_values`).
        self.memo: dict[str, dict] = {}

    def __getattr__(self, name: str) -> Any:
        """`by_type`, `by_base` and `by_id`, made when first asked for (then plain
        attributes, which Python finds without calling this again)."""
        if name == "by_type":
            by_type: dict[str, list[TfResource]] = {}
            for rec in self.records:
                if rec.mode == "managed":
                    by_type.setdefault(rec.type, []).append(rec)
            self.by_type = by_type
            return by_type
        if name not in ("by_base", "by_id"):
            raise AttributeError(name)
        by_base: dict[str, list[TfResource]] = {}
        by_id: dict[str, TfResource] = {}
        for rec in self.records:
            by_base.setdefault(base_address(rec.address), []).append(rec)
            for key in ("id", "arn"):
                value = rec.values.get(key)
                if isinstance(value, str) and value and "#" not in value:
                    by_id.setdefault(value, rec)
        self.__dict__.setdefault("by_base", by_base)  # unless already set (checkov_support)
        self.__dict__.setdefault("by_id", by_id)
        return self.__dict__[name]

    def of_type(self, *types: str, mode: str = "managed") -> list[TfResource]:
        """The records of `types` in `mode`, read only: a managed type's from `by_type`
        (made once per index: adapters ask record after record)."""
        if mode == "managed" and len(types) == 1:
            return self.by_type.get(types[0], [])
        return [r for r in self.records if r.type in types and r.mode == mode]

    def resolve(self, value: Any, types: tuple[str, ...] = ()) -> TfResource | None:
        """The record a value points at: a reference (code, plan) or an id/arn (state, plan)."""
        candidates: list[TfResource] = []
        if isinstance(value, Unknown):
            for ref in value.refs:
                if ref in self.by_address:
                    candidates.append(self.by_address[ref])
                else:
                    group = self.by_base.get(base_address(ref), [])
                    if len(group) == 1:  # `aws_subnet.a` with a single instance
                        candidates.append(group[0])
        elif isinstance(value, str) and value in self.by_id:
            candidates.append(self.by_id[value])
        for rec in candidates:
            if not types or rec.type in types:
                return rec
        return None


def origin_of(rec: TfResource) -> Origin:
    if rec.line is None and rec.end_line is None:  # plans and states: one per file
        return _unplaced_origin(rec.source, rec.file)
    return Origin(source=rec.source, file=rec.file, line=rec.line, end_line=rec.end_line)


@lru_cache(maxsize=256)
def _unplaced_origin(source: str, file: str | None) -> Origin:
    """The origin of every resource of a plan or state (no lines): an `Origin` is frozen,
    so the resources of one file share one."""
    return Origin(source=source, file=file)


def held_by(other: TfResource, path: str) -> SourceAttribute:
    """Attribute `path` of `other`, a resource that holds a value of the judged one (a
    bucket's separate policy, a VPC's flow log, a vault's lock, a user's login profile):
    findings point at that resource's file and line (`SourceAttribute.held_by`)."""
    return other.attribute(path).held_by(other.address, origin_of(other))


def block_path(block: str, index: int, name: str) -> str:
    """`root_block_device.encrypted` for the first block, `ebs_block_device[1].encrypted`
    after it (`SourceAttribute.path`)."""
    return f"{block}[{index}].{name}" if index else f"{block}.{name}"


def part_sources(facet: str, part: str, paths: Mapping[str, str | SourceAttribute | None]
                 ) -> dict[str, str | SourceAttribute]:
    """The `sources` of one part of a facet (a flow, an ingress rule, a disk): {facet key:
    Terraform path} for each value name of `paths` ("encrypted", "min_tls") that has a
    path, so that the rules' keys (`facet_key(facet, name, part)`) find the attribute.
    A new dict each time (callers add to it), copied from the one kept for these
    arguments: adapters ask the same few hundred times over, record after record."""
    return dict(_part_sources(facet, part, tuple(paths.items())))


@lru_cache(maxsize=1024)
def _part_sources(facet: str, part: str, paths: tuple[tuple[str, str | SourceAttribute | None], ...]
                  ) -> dict[str, str | SourceAttribute]:
    return {facet_key(facet, name, part): path for name, path in paths if path}


def destination_sources(at: int, path: str) -> dict[str, str]:
    """The `sources` of the `at`-th copy destination's region (HDS-LOC-002): the attribute
    that sends the copy there (a replica's region, a copy action's vault, a copy's source)."""
    return part_sources("destinations", str(at), {"region": path})
