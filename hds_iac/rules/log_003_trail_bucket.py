"""HDS-LOG-003: CloudTrail delivers to a bucket in an allowed (EEA) region that blocks
public access.

Access traces name the people and systems that touched health data: they stay where the
data may stay (the allowed countries of HDS-LOC-001, the EEA by default) and no bucket
policy or ACL may open them to the world. "Not public" is judged on S3 Block Public Access
(all four switches, on the bucket or the account), the guarantee that no later policy or
ACL can make the bucket public: hds-iac's choice, stricter than reading today's policy.
A bucket outside the scan (a log archive account) cannot be judged: unknown, said so.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac import geography
from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._trail import trail_facet, trails
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


# The bucket's region and public-access block are the bucket's (other resources): findings
# point at the trail's attribute naming the bucket.
BUCKET = (trail_facet("bucket"),)


@rule("HDS-LOG-003", kinds=("trail",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    geo = geography.load()
    for res, trail in trails(inventory):
        if isinstance(trail, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(trail)}, facets=BUCKET)
            continue
        if not trail.exists:
            continue
        bucket = trail.bucket if isinstance(trail.bucket, str) else "(unresolved)"
        params: dict[str, object] = {"bucket": bucket, "allowed": settings.allowed_text,
                                     "detail": trail.detail}
        if trail.bucket_region is None:
            reason = why(trail.bucket) if isinstance(trail.bucket, Unknown) else \
                f"bucket {bucket} is not in this scan: its region and public access cannot be read"
            yield Verdict(res, "unknown", "unknown", {**params, "reason": reason},
                          facets=BUCKET)
            continue
        region = trail.bucket_region
        country = region if isinstance(region, Unknown) else geo.country_of(res.provider, region)
        outside = not isinstance(country, Unknown) and country not in settings.allowed_countries
        public = trail.bucket_blocked is False
        params["region"] = region if isinstance(region, str) else "(unresolved)"
        params["country"] = "(unresolved)" if isinstance(country, Unknown) else \
            geo.country_text(country)
        if outside or public:
            key = "fail_both" if outside and public else "fail_region" if outside else "fail_public"
            yield Verdict(res, "fail", key, params, facets=BUCKET)
            continue
        for value in (country, trail.bucket_blocked):
            if isinstance(value, Unknown):
                yield Verdict(res, "unknown", "unknown", {**params, "reason": why(value)},
                              facets=BUCKET)
                break
        else:
            if trail.bucket_blocked is None:
                yield Verdict(res, "unknown", "unknown", {
                    **params, "reason": f"the public access block of bucket {bucket} was not read"},
                    facets=BUCKET)
            else:
                yield Verdict(res, "pass", "pass", params, facets=BUCKET)
