"""The user's attestation tags, read once for every provider and source.

Some duties cannot be seen through any API: Outscale has no volume encryption to read
(the client encrypts inside the VM, matrix §13) and takes no backup of client data
(§20). The user then attests them with a tag (`Settings.encryption_attestation_tag`,
`Settings.backup_attestation_tag`). Adapters turn the tags into facet values
(`AtRest.attested`, `Backup.attested`) here, so that every rule reading them gives the
same answer for the same tags, and tags that cannot be read (a tag set from an unset
variable) give Unknown everywhere, never a failure in one rule and unknown in another.
"""
from __future__ import annotations

from typing import Any

from hds_iac.model import Maybe, Unknown

_FALSE_WORDS = frozenset({"false", "no", "0"})


def attestation(tags: Maybe[dict[str, Any]], tag: str) -> Maybe[bool]:
    """Whether `tags` carry the attestation `tag`: any non-empty value other than
    false/no/0 counts; Unknown when the tags or that tag's value cannot be read."""
    if isinstance(tags, Unknown):
        return Unknown(f"the tags cannot be read, so the attestation tag {tag} is not known "
                       f"({tags.reason})", tags.refs)
    if tag not in tags:
        return False
    value = tags[tag]
    if isinstance(value, Unknown):
        return Unknown(f"the value of tag {tag} is unknown ({value.reason})", value.refs)
    if isinstance(value, bool):
        return value
    if not isinstance(value, (str, int, float)):
        return Unknown(f"unexpected value for tag {tag}")
    text = str(value).strip().lower()
    return bool(text) and text not in _FALSE_WORDS


def any_attested(*values: Maybe[bool]) -> Maybe[bool]:
    """True when any attestation is; else the first Unknown; else False."""
    if any(v is True for v in values):
        return True
    for v in values:
        if isinstance(v, Unknown):
            return v
    return False
