"""Turns Terraform records (from HCL, plans or states) into the model, one provider module each.

Each provider of `provider_registry` names its adapter module (`terraform_aws`,
`terraform_outscale`), which exposes `HANDLERS` (`adapt(record, index) ->
list[Resource]` for the types they know). This module dispatches over them; what they are
built on (handlers, the index that links records) is `terraform_index`.
"""
from __future__ import annotations

import importlib

from hds_iac import provider_registry
from hds_iac.adapters.terraform_index import (  # noqa: F401 - the adapter's public names
    Adapter, Handlers, TfIndex, base_address, origin_of,
)
from hds_iac.errors import ReadError
from hds_iac.model import Inventory, Resource
from hds_iac.settings import Settings
from hds_iac.terraform.records import TfConfiguration, TfResource

# Every provider's adapter, as the provider registry names it (its `HANDLERS`).
_HANDLERS = {p.id: importlib.import_module(p.terraform_adapter).HANDLERS
             for p in provider_registry.PROVIDERS}


def provider_handlers() -> dict[str, Handlers]:
    """Every provider's adapter, by provider id."""
    return _HANDLERS


def adapt(rec: TfResource, index: TfIndex) -> list[Resource]:
    """The model resources of one record, whatever its provider (none for other providers,
    data sources and types no adapter reads). `hds-iac scan` and the checkov checks both
    adapt through here."""
    handlers = _HANDLERS.get(rec.provider)  # provider_handlers(), without a call per record
    resources = handlers.adapt(rec, index) if handlers is not None else []
    if index.sensitive_texts:
        for resource in resources:
            resource.sensitive = index.sensitive_texts
    return resources


def to_inventory(config: TfConfiguration, settings: Settings | None = None) -> Inventory:
    """The inventory of one scanned input (folder, plan or state): links never cross inputs.

    A record the adapter chokes on is reported in `config.errors` (a bug of ours, or an
    input shaped in a way we did not foresee) and the other records are still adapted.
    """
    inventory = Inventory()
    index = TfIndex(config.resources, settings)
    for rec in index.records:
        try:
            resources = adapt(rec, index)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the scan
            where = f"{rec.file}:{rec.line}" if rec.file and rec.line else (rec.file or config.path)
            config.errors.append(ReadError(
                where, f"{rec.address}: internal error while reading this resource "
                       f"({type(exc).__name__}); please report it"))
            continue
        inventory.resources += resources  # what `Inventory.add` does, without a call each
    return inventory
