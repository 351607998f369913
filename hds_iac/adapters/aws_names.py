"""How AWS names where a resource lives: ARNs, regions, availability zones.

One place for every AWS source: the Terraform adapter (HCL, plans, states) and the live
AWS front-end read regions out of ARNs and zones with these functions, so an ARN means the
same region whichever way it came in.
"""
from __future__ import annotations

# One definition for every reader: the plan and state readers (region evidence) and the
# adapters (Terraform and live) read regions out of ARNs and zones alike.
from hds_iac.geography import region_from_arn, region_from_zone

__all__ = ["region_from_arn", "region_from_zone"]
