"""What an AWS Backup selection's `resources` list selects, read the same way from code,
plans, states (`aws_backup_selection.resources`) and live answers
(`BackupSelection.Resources`).

ARNs are provider knowledge: rules never parse them. A wildcard EC2 volume ARN
(`arn:aws:ec2:eu-west-3:*:volume/vol-0*`) becomes a `ResourcePattern` (kind, region, id
pattern), which HDS-BAK-004 matches against a volume even before apply, when the volume's
own ARN is not known.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hds_iac.model import Maybe, ResourcePattern

_EVERY_VOLUME = "arn:aws:ec2:*:*:volume/*"


@dataclass
class Chosen:
    ids: list[Maybe[str]] = field(default_factory=list)
    patterns: list[ResourcePattern] = field(default_factory=list)
    select_all: bool = False
    kinds: tuple[str, ...] = ()


def volume_pattern(arn: str) -> ResourcePattern | None:
    """`arn:aws:ec2:<region>:<account>:volume/<id>` with wildcards, as a pattern."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "ec2" and parts[5].startswith("volume/") \
            and ("*" in arn or "?" in arn):
        return ResourcePattern(kind="volume", region=parts[3] or "*",
                               id=parts[5][len("volume/"):] or "*")
    return None


def add_resource(chosen: Chosen, item: str) -> None:
    """One entry of the selection's resources list."""
    if item == "*":
        chosen.select_all = True
    elif item.startswith(_EVERY_VOLUME):
        chosen.select_all, chosen.kinds = True, ("volume",)
    else:
        pattern = volume_pattern(item)
        if pattern is not None:
            chosen.patterns.append(pattern)
        else:
            chosen.ids.append(item)
