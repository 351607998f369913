"""Turns Terraform records (from HCL, plans or states) into the model, one provider module each.

`terraform_aws` and `terraform_outscale` each expose `adapt(record, index) -> list[Resource]`
for the types they know. This module dispatches, and offers the look-ups that link
resources together (a VM's subnet, a bucket's policy, a user's groups) whatever the
input: in code and plans the link is a reference (`Unknown.refs`), in states an id.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from hds_iac.model import Inventory, Origin, Resource, Unknown
from hds_iac.settings import Settings
from hds_iac.terraform.records import ReadError, TfConfiguration, TfResource

Adapter = Callable[[TfResource, "TfIndex"], list[Resource]]


class TfIndex:
    """Every record of a scan, findable by address, by id/arn, and by what refers to it."""

    def __init__(self, records: Iterable[TfResource], settings: Settings | None = None):
        self.records = list(records)
        # The user's settings, for the few facts that depend on them (attestation tag names).
        self.settings = settings or Settings()
        self.by_address: dict[str, TfResource] = {}
        self.by_base: dict[str, list[TfResource]] = {}  # address without instance key
        self.by_id: dict[str, TfResource] = {}
        for rec in self.records:
            self.by_address[rec.address] = rec
            self.by_base.setdefault(base_address(rec.address), []).append(rec)
            for key in ("id", "arn"):
                value = rec.values.get(key)
                if isinstance(value, str) and value and "#" not in value:
                    self.by_id.setdefault(value, rec)

    def of_type(self, *types: str, mode: str = "managed") -> list[TfResource]:
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

    def referrers(self, target: TfResource, attribute: str, types: tuple[str, ...]) -> list[TfResource]:
        """Records of `types` whose `attribute` points at `target` (a bucket's policy...)."""
        found = []
        for rec in self.of_type(*types):
            if self.resolve(rec.values.get(attribute)) is target:
                found.append(rec)
        return found


def base_address(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` -> `module.a.aws_s3_bucket.b` (instance keys dropped)."""
    out, depth = [], 0
    for ch in address:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def origin_of(rec: TfResource) -> Origin:
    return Origin(source=rec.source, file=rec.file, line=rec.line)


def _adapters() -> dict[str, Adapter]:
    from hds_iac.adapters import terraform_aws, terraform_outscale

    return {"aws": terraform_aws.adapt, "outscale": terraform_outscale.adapt}


def to_inventory(config: TfConfiguration, settings: Settings | None = None) -> Inventory:
    """The inventory of one scanned input (folder, plan or state): links never cross inputs.

    A record the adapter chokes on is reported in `config.errors` (a bug of ours, or an
    input shaped in a way we did not foresee) and the other records are still adapted.
    """
    inventory = Inventory()
    adapters = _adapters()
    index = TfIndex(config.resources, settings)
    for rec in index.records:
        adapt = adapters.get(rec.provider)
        if adapt is None or rec.mode != "managed":
            continue
        try:
            resources = adapt(rec, index)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the scan
            where = f"{rec.file}:{rec.line}" if rec.file and rec.line else (rec.file or config.path)
            config.errors.append(ReadError(
                where, f"{rec.address}: internal error while reading this resource "
                       f"({type(exc).__name__}); please report it"))
            continue
        for resource in resources:
            inventory.add(resource)
    return inventory
