"""What the three Terraform readers (HCL folders, plans, states) hand to the Terraform adapter.

HCL, plan JSON and state JSON describe the same thing at different moments. Each reader
turns its input into `TfResource` records with values already resolved as far as that
input allows; one adapter (`hds_iac.adapters.terraform_*`) then maps records to the
model, so a resource type is taught to the tool once for all three inputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, TypeVar

from hds_iac.errors import ReadError  # noqa: F401 - TfConfiguration's errors; readers name it here
from hds_iac.model import Maybe, SourceAttribute, Unknown

K = TypeVar("K")


@dataclass
class TfResource:
    """One resource (or data source) instance."""

    address: str  # "module.db.aws_db_instance.this[0]", as `terraform plan` writes it
    mode: str  # "managed" | "data"
    type: str  # "aws_db_instance"
    name: str  # "this"
    # Provider type ("aws", "outscale", "google"...), never the alias.
    provider: str
    # The region of the provider configuration this instance uses (alias, `provider =`
    # meta-argument and module `providers = {}` already followed). None when the provider
    # has no notion of region. Per-resource overrides (AWS 6.x `region` argument) are NOT
    # applied here: they are ordinary values the adapter reads.
    provider_region: Maybe[str] | None
    # Attribute values. Nested blocks are lists of dicts. Any value that could not be
    # resolved is an `Unknown`, with `refs` naming the Terraform objects it points at
    # ("aws_subnet.a", "aws_subnet.a[0]", "data.aws_iam_policy_document.x").
    values: dict[str, Any]
    source: str  # "hcl" | "plan" | "state"
    file: str | None = None  # path relative to the scanned root, "/" separators
    line: int | None = None
    module: str = ""  # "module.db" (empty at root)
    # Attribute names whose values are sensitive: never printed.
    sensitive: frozenset[str] = frozenset()
    # The texts of the sensitive values kept in `values` (`hds_iac.sensitive.texts`): they
    # are judged like any value and masked in every message.
    sensitive_texts: frozenset[str] = frozenset()
    # HCL only: the block's last line, and the line of each attribute written in it, by
    # canonical path (`hds_iac.terraform.hcl.source_map`: "root_block_device[0].encrypted").
    # Plans and states have no lines: empty.
    end_line: int | None = None
    attribute_lines: dict[str, int] = field(default_factory=dict)

    def attribute(self, path: str) -> SourceAttribute:
        """Where `path` ("encrypted", "root_block_device.encrypted", "ebs_block_device[1]
        .encrypted") is in the source: its line when the source has lines, and whether
        the value is set at all (absent or null: the provider's default applies)."""
        return attributes_at(self, {path: path})[path]


def attributes_at(rec: TfResource, paths: Mapping[K, str | SourceAttribute]
                  ) -> dict[K, SourceAttribute]:
    """`TfResource.attribute` of each path of `paths` ({key: path}), by key; a
    `SourceAttribute` given instead of a path (a value another resource holds,
    `SourceAttribute.held_by`) is kept as it is. One call for all the paths of a record:
    the adapters ask a dozen at a time (`Resource.attributes`, 17,500 look-ups on a
    5,000-resource plan), and a call per path cost more than the look-up itself."""
    values = rec.values
    lines = rec.attribute_lines
    out: dict[K, SourceAttribute] = {}
    for key, path in paths.items():  # a loop, not a comprehension: a frame less
        if path.__class__ is not str:
            out[key] = path  # type: ignore[assignment]  # a SourceAttribute already
            continue
        if "." in path or "[" in path:
            is_set = _nested_is_set(values, path)
        else:  # a top-level attribute: most paths
            is_set = _present(values.get(path))
        if lines:
            out[key] = SourceAttribute(path, lines.get(canonical(path)), is_set)
        else:  # plans and states: no lines, one shared answer
            out[key] = _unplaced(path)[is_set]
    return out


@lru_cache(maxsize=1024)
def _unplaced(path: str) -> tuple[SourceAttribute, SourceAttribute]:
    """The attribute at `path` of an input without lines, not set and set: a
    `SourceAttribute` is frozen, so one pair per path serves every resource of a plan or
    state (17,500 look-ups on a 5,000-resource plan)."""
    return SourceAttribute(path, None, False), SourceAttribute(path, None, True)


def _present(node: Any) -> bool:
    """A value is set: not None, not an empty list or string. The JSON types and `Unknown`
    are told by their class, without `Unknown`'s Python-level `__eq__` (the unknown ids
    and ARNs of a plan)."""
    cls = node.__class__
    if cls is str or cls is list:
        return len(node) > 0
    if cls is dict or cls is Unknown or cls is bool or cls is int or cls is float:
        return True
    return node is not None and node != [] and node != ""


@lru_cache(maxsize=1024)  # a few dozen adapter paths, asked for every resource
def canonical(path: str) -> str:
    """`a.b.c` -> `a[0].b[0].c`: every segment but the last names a nested block, the
    first of its name unless an index says otherwise (the form of `attribute_lines`)."""
    segments = path.split(".")
    return ".".join([s if "[" in s else f"{s}[0]" for s in segments[:-1]] + segments[-1:])


@lru_cache(maxsize=1024)
def _steps(path: str) -> tuple[tuple[str, str], ...]:
    """(name, "index]" or "") of each segment of `canonical(path)`, split once per path."""
    return tuple((name, index) for name, _, index
                 in (segment.partition("[") for segment in canonical(path).split(".")))


def _nested_is_set(values: dict[str, Any], path: str) -> bool:
    """True when `values` hold a value at `path`, a path through nested blocks (lists of
    dicts) or with an index."""
    node = values
    for name, index in _steps(path):
        if not isinstance(node, dict) or node.get(name) is None:
            return False
        node = node[name]
        if index:
            at = int(index.rstrip("]"))
            if not isinstance(node, list) or at >= len(node):
                return False
            node = node[at]
    return _present(node)


@dataclass
class TfConfiguration:
    """Everything read from one input (folder, plan or state)."""

    resources: list[TfResource] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    # Things the user must know but that do not make the scan fail (an override file that
    # is not merged). Printed, never dropped silently.
    notices: list[ReadError] = field(default_factory=list)
    # Module calls whose source was not read (a registry or git module not downloaded by
    # `terraform init`, a local folder that is missing): the scan is incomplete. Reported
    # in every format; the exit status is 2 unless the user allows missing modules.
    unread_modules: list[ReadError] = field(default_factory=list)
    # Where it came from, for reports: the folder, plan or state path.
    path: str = ""
    source: str = ""
    # The folder that `TfResource.file` names are relative to (HCL inputs only): in-code
    # suppressions are read from the files there.
    base: str | None = None
    # Provenance for reports: the folders read for an HCL root (the root and its local or
    # downloaded modules), and what a plan or state says of itself (`terraform_version`,
    # `format_version`, `serial`, `lineage`, `sha256` of the file).
    folders: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
