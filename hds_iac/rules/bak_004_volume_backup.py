"""HDS-BAK-004: every block volume is covered by a backup plan or a snapshot policy.

Volumes hold the databases and files that applications run on machines: without a backup
plan (AWS Backup) or a snapshot policy (Data Lifecycle Manager), a failed disk, a deleted
volume or a ransomware leaves nothing to restore (HDS EXI 05 A and G; ISO 27001 8.13).

Where the provider has no backup plan to read (`Backup.provider_plans` False: Outscale
takes no automatic backup of client data and leaves the client sole master of its
backups, responsibility matrix §20), a volume passes only when the user attests its
backup with the backup attestation tag (`hds-iac:backup` by default, resolved by the
adapters into `Backup.attested`); otherwise the rule cannot know and says so. Tags that
cannot be read make the attestation unknown, as for HDS-ENC-001.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterator

from hds_iac.model import (
    Backup, Inventory, Maybe, Resource, ResourcePattern, Selection, Unknown, facet_key,
)
from hds_iac.rules import Verdict, rule
from hds_iac.rules._provider_names import provider_name
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings

def _id_matches(pattern: str, vol: Resource) -> bool:
    names = (vol.address, *vol.ids)
    if "*" not in pattern and "?" not in pattern:
        return any(pattern == n or pattern.endswith(("/" + n, ":" + n)) for n in names)
    return any(fnmatchcase(n, pattern) for n in names)


def _pattern_matches(pattern: ResourcePattern, vol: Resource) -> Maybe[bool]:
    """A wildcard selection the adapter parsed (kind, region, id): the volume's ARN may not
    be known before apply, its region and ids decide (an unknown region: unknown)."""
    if pattern.kind != vol.kind:
        return False
    if not (pattern.id == "*" or any(fnmatchcase(i, pattern.id) for i in vol.ids)):
        return False
    if isinstance(vol.region, Unknown):
        return Unknown(f"the region of {vol.address} is not known ({why(vol.region)})")
    return isinstance(vol.region, str) and fnmatchcase(vol.region, pattern.region)


# The selection values a plan covers a volume by (`Resource.attributes` of the plan): its
# list of resources (ids, ARNs, wildcards, `*`), or one of its tags (keyed by tag name).
BY_RESOURCES = facet_key("selection", "resource_ids")


def by_tag(key: str) -> str:
    return facet_key("selection", "tags", key)


def selects(selection: Selection, vol: Resource) -> tuple[Maybe[bool], str]:
    """Whether a backup selection covers the volume: by id/ARN/address, by `select_all`,
    or by any of its tags (AWS Backup tag lists and DLM target tags match on any tag); and
    the selection value that decides it (`BY_RESOURCES`, `by_tag(key)`; "" for none)."""
    doubt: tuple[Unknown, str] | None = None
    for ident in selection.resource_ids:
        if isinstance(ident, Unknown):
            doubt = (ident, BY_RESOURCES) if doubt is None else doubt
        elif _id_matches(ident, vol):
            return True, BY_RESOURCES
    for pattern in selection.patterns:
        matched = _pattern_matches(pattern, vol)
        if matched is True:
            return True, BY_RESOURCES
        if isinstance(matched, Unknown):
            doubt = (matched, BY_RESOURCES) if doubt is None else doubt
    if selection.resource_kinds and "volume" not in selection.resource_kinds:
        return (False, "") if doubt is None else doubt
    if selection.select_all:
        return True, BY_RESOURCES
    if selection.tags:
        tags = vol.tags
        if isinstance(tags, Unknown):
            doubt = (tags, "") if doubt is None else doubt
        else:
            for key, wanted in selection.tags.items():
                if key not in tags:
                    continue
                have = tags[key]
                if isinstance(wanted, Unknown) or isinstance(have, Unknown):
                    if doubt is None:
                        doubt = (wanted if isinstance(wanted, Unknown) else have,  # type: ignore[assignment]
                                 by_tag(key))
                elif str(have) == wanted:
                    return True, by_tag(key)
    return (False, "") if doubt is None else doubt


def _same_region(plan: Resource, vol: Resource) -> Maybe[bool]:
    """A backup plan or snapshot policy acts only in its own region."""
    for res in (plan, vol):
        if isinstance(res.region, Unknown):
            return Unknown(f"the region of {res.address} is not known ({why(res.region)})")
    if plan.region is None or vol.region is None:
        return True
    return plan.region == vol.region


def _covering_plan(vol: Resource, plans: list[Resource]
                   ) -> tuple[Resource | None, Unknown | None, Resource | None, str]:
    """The first plan that selects the volume, else the first doubt met on the way; the
    plan that decides (covering, or doubtful through its selection) and the selection
    value it decides by, for the verdict to point at (`Verdict.holder`)."""
    doubt: tuple[Unknown, Resource | None, str] | None = None
    for plan in plans:
        if plan.provider != vol.provider or plan.selection is None:
            continue
        chosen, by = selects(plan.selection, vol)
        if chosen is False:
            continue
        here = _same_region(plan, vol)
        if here is False:
            continue
        if chosen is True and here is True:
            return plan, None, plan, by
        if doubt is None:
            doubt = (chosen, plan, by) if isinstance(chosen, Unknown) else (here, None, "")  # type: ignore[assignment]
    if doubt is None:
        return None, None, None, ""
    return None, doubt[0], doubt[1], doubt[2]


# The backup attestation tag, when it is what decides (a backup plan is another resource:
# a volume no plan selects points at the volume itself).
ATTESTED = ("backup.attested",)


@rule("HDS-BAK-004", kinds=("volume",), needs_all={"backup-plan": ("fail",)})
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    tag = settings.backup_attestation_tag
    plans = inventory.of_kind("backup-plan")
    for vol in inventory.of_kind("volume"):
        backup = vol.backup or Backup()
        claim = backup.attested
        if not backup.provider_plans:
            if claim is True:
                yield Verdict(vol, "pass", "pass_attested", {"tag": tag}, declared=True,
                              facets=ATTESTED)
            elif isinstance(claim, Unknown):
                yield Verdict(vol, "unknown", "unknown", {"reason": why(claim), "tag": tag},
                              facets=ATTESTED)
            else:
                yield Verdict(vol, "unknown", "unknown_no_provider_backup",
                              {"provider": provider_name(vol.provider), "tag": tag})
            continue
        # A plan that covers the volume, or may, is another resource: the verdict points
        # at its selection value (`holder`); a volume no plan selects points at itself.
        plan, doubt, holder, by = _covering_plan(vol, plans)
        if plan is not None:
            yield Verdict(vol, "pass", "pass_plan", {"plan": plan.address}, facets=(by,),
                          holder=holder)
        elif claim is True:
            yield Verdict(vol, "pass", "pass_attested", {"tag": tag}, declared=True,
                              facets=ATTESTED)
        elif doubt is not None or isinstance(claim, Unknown):
            reason = why(doubt) if doubt is not None else why(claim)  # type: ignore[arg-type]
            if doubt is None:
                yield Verdict(vol, "unknown", "unknown", {"reason": reason, "tag": tag},
                              facets=ATTESTED)
            else:
                yield Verdict(vol, "unknown", "unknown", {"reason": reason, "tag": tag},
                              facets=(by,) if by else (), holder=holder)
        else:
            yield Verdict(vol, "fail", "fail", {"tag": tag})
