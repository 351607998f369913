"""Allow-lists: resources legitimately outside Terraform, declared in `.hds-iac.yaml`.

Some resources are never written in Terraform on purpose: volumes a Kubernetes CSI driver
creates for persistent volume claims, a bucket a bootstrap tool owns, a break-glass user.
`drift_allow` names them by tag or by id pattern, each with the reason an auditor reads;
an allowed unmanaged resource is still reported (skipped, with the entry's reason, in the
exceptions register), never silently dropped:

    drift_allow:
      - tag: kubernetes.io/created-for/pvc/name     # a tag key, or key=value (wildcards)
        reason: volumes of EKS persistent volume claims (CSI driver)
      - id: "arn:aws:s3:::cdk-hnb659fds-*"         # an id or ARN pattern (fnmatch)
        reason: CDK bootstrap bucket, managed by `cdk bootstrap`
        until: 2027-06-30                          # optional: the last day it applies

Each entry is a waiver of the exceptions register (`by: drift_allow`, its location the
configuration file and entry number); after its `until` day it no longer applies: the
resource is unmanaged again and a notice says the entry expired.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from typing import Any

from hds_iac import suppressions
from hds_iac.model import Resource

KEY = "drift_allow"
_FIELDS = {"tag", "id", "reason", "until"}
_MAX_ENTRIES = 1000
_MAX_TEXT = 1024


class AllowError(ValueError):
    """An entry of `drift_allow` cannot be used; the message names it."""


@dataclass(frozen=True)
class AllowEntry:
    number: int  # 1-based, as the user counts entries
    reason: str
    tag_key: str | None = None
    tag_value: str | None = None  # fnmatch pattern; None: any value
    id_pattern: str | None = None
    until: str | None = None  # YYYY-MM-DD, the last day the entry applies
    location: str = ""  # "<configuration file>: drift_allow entry N", for the register

    def expired(self) -> bool:
        return self.until is not None and suppressions.expired(self.until)

    def matches(self, res: Resource) -> bool:
        if self.id_pattern is not None:
            if any(fnmatchcase(ident, self.id_pattern) for ident in (res.address, *res.ids)):
                return True
        if self.tag_key is not None and isinstance(res.tags, dict):
            for key, value in res.tags.items():
                if fnmatchcase(str(key), self.tag_key) and (
                        self.tag_value is None or fnmatchcase(str(value), self.tag_value)):
                    return True
        return False

    def describe(self) -> str:
        what = (f"id {self.id_pattern}" if self.id_pattern is not None else
                f"tag {self.tag_key}" + (f"={self.tag_value}" if self.tag_value is not None
                                         else ""))
        return f"{KEY} entry {self.number} ({what}): {self.reason}"


@dataclass(frozen=True)
class AllowList:
    entries: tuple[AllowEntry, ...] = ()

    def match(self, res: Resource) -> AllowEntry | None:
        """The first entry that allows `res` (None: none does)."""
        for entry in self.entries:
            if entry.matches(res):
                return entry
        return None


def parse(raw: Any, where: str) -> AllowList:
    """`drift_allow` as the configuration file holds it; `where` names the file."""
    if raw is None:
        return AllowList()
    if not isinstance(raw, list):
        raise AllowError(f"{where}: {KEY} must be a list of entries with tag or id, and reason")
    if len(raw) > _MAX_ENTRIES:
        raise AllowError(f"{where}: {KEY} has more than {_MAX_ENTRIES} entries")
    entries = []
    for number, item in enumerate(raw, 1):
        at = f"{where}: {KEY} entry {number}"
        if not isinstance(item, dict) or not set(item) <= _FIELDS:
            raise AllowError(f"{at}: expected a mapping with tag or id, and reason")
        texts = {}
        for name in _FIELDS:
            value = item.get(name)
            if name == "until" and isinstance(value, (date, datetime)):
                value = value.isoformat()[:10]  # YAML reads 2027-06-30 as a date
            if value is not None and (not isinstance(value, str) or not value.strip()
                                      or len(value) > _MAX_TEXT):
                raise AllowError(f"{at}: {name} must be a non-empty text of at most"
                                 f" {_MAX_TEXT} characters")
            texts[name] = value.strip() if isinstance(value, str) else None
        if (texts["tag"] is None) == (texts["id"] is None):
            raise AllowError(f"{at}: give exactly one of tag or id")
        if texts["reason"] is None:
            raise AllowError(f"{at}: a reason is required (auditors read it)")
        if texts["until"] is not None:
            try:
                suppressions.parse_until(texts["until"])
            except suppressions.ExpiryError as exc:
                raise AllowError(f"{at}: {exc}") from None
        tag_key = tag_value = None
        if texts["tag"] is not None:
            tag_key, sep, value = texts["tag"].partition("=")
            tag_value = value if sep else None
        entries.append(AllowEntry(number, texts["reason"], tag_key=tag_key, tag_value=tag_value,
                                  id_pattern=texts["id"], until=texts["until"],
                                  location=f"{where}: {KEY} entry {number}"))
    return AllowList(tuple(entries))
