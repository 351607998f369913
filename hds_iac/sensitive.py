"""Sensitive input values: which ones are secrets by name, their texts, and masking them.

A value the input marks sensitive (a `sensitive = true` variable or output in code, a plan's
`after_sensitive`, a state's `sensitive_attributes`) is still a fact: a sensitive
`backup_retention_period = 30` is a 30-day retention, and judging it as unknown (or as
absent) would make the verdict depend on the way in. So readers keep such values and
record their texts (`TfResource.sensitive_texts`); adapters hand those texts to every
resource of the input (`Resource.sensitive`), and every message is rendered through
`mask`, which replaces them with `MASK`. A rule never has to know which value was
sensitive, and no format can print one.

Values whose attribute name says they are secrets (passwords, tokens, private keys,
`user_data`...) are never read by any rule: readers of plans and states drop them at the
door (`Unknown`), so they are not even held in memory.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from hds_iac.lazy_pattern import LazyPattern

MASK = "(sensitive value)"

# Attribute names that hold secrets, whatever the input says about them. The settings of a
# password policy (`minimum_password_length`, `max_password_age`, `password_reuse_prevention`)
# are numbers a rule judges (HDS-MFA-005), not passwords.
_SECRET_NAMES = (r"password(?!_(?:length|age|reuse_prevention)\b)|secret|private_key|"
                 r"user_data|passphrase|token|credential|key_raw|ssh.?keys")
SECRET_NAME = LazyPattern(_SECRET_NAMES, re.I)
# Resource types that exist to hold a secret: all their sensitive values are hidden.
SECRET_TYPE = LazyPattern(_SECRET_NAMES + r"|ssm_parameter|access_key", re.I)

# A secret is masked where it stands as a whole value: not inside a longer word or number
# ("1" is not masked in "TLS 1.2", "eu-west-3" not in "eu-west-3a").
_WORD = r"[A-Za-z0-9_.\-]"
# Bounds on what masking costs: secrets longer than this cannot appear in a message whole
# (messages quote short values), and the pattern stays small.
_MAX_TEXT = 4096
_MAX_TEXTS = 10_000


def texts(value: Any) -> set[str]:
    """The printable forms of every scalar in `value` (nested lists and maps included).
    Booleans and nulls are left out: a verdict tells them anyway, and masking "true"
    would hide the templates' own words."""
    out: set[str] = set()
    stack = [value]
    while stack and len(out) < _MAX_TEXTS:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, (str, int, float)):
            text = str(item)
            if text.strip() and len(text) <= _MAX_TEXT:
                out.add(text)
                if isinstance(item, float) and item.is_integer():
                    out.add(str(int(item)))  # 30.0 read as 30 days
                elif isinstance(item, str) and item.strip() != item:
                    out.add(item.strip())
    return out


@lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str]:
    parts = []
    for text in sorted(secrets, key=len, reverse=True):
        escaped = re.escape(text)
        if re.match(_WORD, text[0]):
            escaped = f"(?<!{_WORD})" + escaped
        if re.match(_WORD, text[-1]):
            escaped += f"(?!{_WORD})"
        parts.append(escaped)
    return re.compile("|".join(parts))


def mask(text: str, secrets: frozenset[str]) -> str:
    """`text` with every sensitive value of `secrets` replaced by MASK."""
    if not secrets or not text:
        return text
    return _pattern(secrets).sub(MASK, text)


def union(groups: Iterable[frozenset[str]]) -> frozenset[str]:
    """The sensitive texts of several records as one set (the same object when one is enough)."""
    out: set[str] = set()
    for group in groups:
        out |= group
    return frozenset(out)
