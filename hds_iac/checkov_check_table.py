"""The CKV_HDS checks' metadata, kept in the user cache for checkov's process.

checkov loads our checks in every run. Their metadata (name, severity, categories, the
Terraform types each check runs on) comes from the catalogue, the rules' kinds and the
adapters' declared types (`hds_iac.checkov_support.check_specs`): importing those and
reading the catalogue's TOML costs checkov's process a fifth of a second or so in each
run, though the native engine, not these modules, answers the checks. So the table is
computed once and kept in the user cache (`checkov-checks-<fingerprint>.json`), keyed by
a fingerprint of the hds-iac package's source files (path, size, modification time) and
of the settings that change it: an edited rule, catalogue or adapter makes a new key, so a
stale table is never read. Each upgrade or edit leaves the old table behind, so writing a
new one keeps only the `_TABLES_KEPT` most recently written (several installations of
hds-iac may share one user cache: each keeps its own). The fallback (no native engine) still imports the rule code,
which it needs.

Standard library only, as `hds_iac.checkov_native`: checkov's environment runs it.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Callable

# Where the guideline links point: a rule's page is <base><RULE-ID>.md. Set the
# environment variable to the public URL of docs/rules/ (or a mirror of it).
GUIDELINE_VARIABLE = "HDS_IAC_GUIDELINE_BASE"
_FORMAT = 1  # of the cached table: a change of this file's layout makes a new key


@dataclass(frozen=True)
class CheckSpec:
    """What one checkov check needs, from the catalogue (no checkov import here)."""

    rule_id: str
    checkov_id: str
    name: str
    severity: str  # "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" (checkov's BcSeverities names)
    categories: tuple[str, ...]
    guideline: str
    supported_resources: tuple[str, ...]


def guideline_base() -> str:
    return os.environ.get(GUIDELINE_VARIABLE, "docs/rules/")


def fingerprint(package: str | None = None) -> str:
    """A digest of every source file of the hds_iac package (relative path, size,
    modification time; `package` is its folder) and of the settings the table depends
    on (`user_cache.fingerprint`)."""
    from hds_iac import user_cache

    package = package or os.path.dirname(os.path.abspath(__file__))
    return user_cache.fingerprint(f"{_FORMAT}\0{guideline_base()}", [package],
                                  (".py", ".toml"))


_TABLE_MAX_BYTES = 1024 * 1024
_TABLES_KEPT = 8
_TABLE_PREFIX, _TABLE_SUFFIX = "checkov-checks-", ".json"
_SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


def _path(key: str) -> str:
    from hds_iac import user_cache

    return os.path.join(user_cache.root(), f"{_TABLE_PREFIX}{key}{_TABLE_SUFFIX}")


def _row(row: object) -> CheckSpec | None:
    """One check read back, when every field has the type and form it was written with."""
    if not isinstance(row, dict) or set(row) != set(CheckSpec.__dataclass_fields__):
        return None
    texts = ("rule_id", "checkov_id", "name", "severity", "guideline")
    lists = ("categories", "supported_resources")
    if not all(isinstance(row[k], str) for k in texts) or row["severity"] not in _SEVERITIES \
            or not all(isinstance(row[k], list) and all(isinstance(v, str) for v in row[k])
                       for k in lists):
        return None
    return CheckSpec(**{**row, **{k: tuple(row[k]) for k in lists}})


def _read(path: str) -> list[CheckSpec] | None:
    """The cached table, or None when it is missing, not a private file of this user
    (`user_cache.read_private`), or not what `_write` writes: computed again."""
    from hds_iac import user_cache

    found = user_cache.read_private(path, _TABLE_MAX_BYTES)
    try:
        rows = json.loads(found[0]) if found else None
    except ValueError:
        return None
    if not isinstance(rows, list) or not rows:
        return None
    specs = [_row(row) for row in rows]
    return None if any(s is None for s in specs) else specs  # type: ignore[return-value]


def _write(path: str, specs: list[CheckSpec]) -> None:
    from hds_iac import user_cache

    if user_cache.write_private(path, json.dumps([asdict(s) for s in specs]).encode()):
        user_cache.prune(path, _TABLE_PREFIX, _TABLE_SUFFIX, _TABLES_KEPT)


def specs(compute: Callable[[], list[CheckSpec]]) -> list[CheckSpec]:
    """The checks' metadata: from the cache when the package is unchanged, else
    `compute()` (`checkov_support.check_specs`, passed in by the caller: this module must
    not import the catalogue's side of hds-iac), cached for the next runs."""
    path = _path(fingerprint())
    found = _read(path)
    if found is None:
        found = compute()
        _write(path, found)
    return found
