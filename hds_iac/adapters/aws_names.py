"""How AWS names where a resource lives: ARNs, regions, availability zones.

One place for every AWS source: the Terraform adapter (HCL, plans, states) and the live
AWS front-end read regions out of ARNs and zones with these functions, so an ARN means the
same region whichever way it came in.
"""
from __future__ import annotations

import re
from typing import Any

# arn:PARTITION:SERVICE:REGION:ACCOUNT:... (aws, aws-cn, aws-us-gov; REGION empty for global
# services such as IAM and S3).
ARN = re.compile(r"^arn:aws[\w-]*:([\w-]+):([a-z]{2}(?:-[a-z]+)+-\d+)?:")
ZONE = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")


def region_from_arn(arn: Any) -> str | None:
    """The region an ARN names, None for a global ARN or anything that is not an ARN."""
    if isinstance(arn, str):
        match = ARN.match(arn)
        if match and match.group(2):
            return match.group(2)
    return None


def region_from_zone(zone: Any) -> str | None:
    """The region of an availability zone name ("eu-west-3a" -> "eu-west-3")."""
    if isinstance(zone, str):
        match = ZONE.match(zone)
        if match:
            return match.group(1)
    return None
