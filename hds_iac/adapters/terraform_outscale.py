"""Maps outscale Terraform records onto the model (placeholder until the adapter lands)."""
from __future__ import annotations

from hds_iac.model import Resource
from hds_iac.terraform.records import TfResource


def adapt(rec: TfResource, index) -> list[Resource]:
    return []
