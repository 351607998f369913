"""Every cloud provider hds-iac judges, named once.

A provider's id is the model's `Resource.provider`, its Terraform provider type and its
live source (`Origin.source`). Geography (region tables), the Terraform adapter dispatch,
the live front-ends, the catalogue (a rule's default providers, remediation per provider),
reports and messages (display names) all read this table, so adding a provider is one
entry here plus its folder of code (see the README, "Adding a provider").

This module imports nothing of hds-iac: the model validates `Resource.provider` against it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    """One provider hds-iac knows: every place that names it reads this entry."""

    id: str  # "aws": Resource.provider, Terraform provider type, live Origin.source
    label: str  # how messages and reports name it
    # Region -> country table (a file of the top-level `providers/` folder, installed as
    # the package data `hds_iac.providers`).
    region_table: str
    # The module whose `HANDLERS` maps its Terraform types (HCL, plans, states) onto the model.
    terraform_adapter: str
    # The live front-end's package (`hds-iac live <id>`).
    live_package: str
    # How reports name a live scan of it, per language.
    live_label: dict[str, str]
    # Its responsibility matrix bundled in `hds_iac/matrices/` (the file says which provider
    # it binds; findings on this provider's resources only are evidence for its duties).
    matrix: str = ""


PROVIDERS: tuple[Provider, ...] = (
    Provider(id="aws", label="AWS", region_table="aws.toml",
             terraform_adapter="hds_iac.adapters.terraform_aws",
             live_package="hds_iac.live.aws",
             live_label={"en": "live AWS account", "fr": "compte AWS (direct)"},
             matrix="aws.toml"),
    Provider(id="outscale", label="Outscale", region_table="outscale.toml",
             terraform_adapter="hds_iac.adapters.terraform_outscale",
             live_package="hds_iac.live.outscale",
             live_label={"en": "live Outscale account", "fr": "compte Outscale (direct)"},
             matrix="outscale.toml"),
)

BY_ID: dict[str, Provider] = {p.id: p for p in PROVIDERS}
IDS: tuple[str, ...] = tuple(BY_ID)
LABELS: dict[str, str] = {p.id: p.label for p in PROVIDERS}

# Terraform providers whose provider configuration carries a region, judged or not: a
# resource of another provider gets `provider_region=None` (azurerm: a location per
# resource; kubernetes, random, null...). Used by the HCL, plan and state readers alike.
TERRAFORM_REGIONAL = frozenset({
    *IDS, "google", "google-beta", "alicloud", "huaweicloud", "flexibleengine", "openstack",
    "scaleway", "oci", "ibm", "tencentcloud", "yandex", "exoscale", "ovh", "upcloud", "linode",
    "digitalocean",
})


def label(provider: str) -> str:
    """The display name of a provider id (the id itself for one hds-iac does not know)."""
    return LABELS.get(provider, provider)
