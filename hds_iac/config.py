"""The `.hds-iac.yaml` configuration file.

Teams keep their choices next to their Terraform (allowed countries, thresholds, rules to
skip, attestation tags) so that the pre-commit hook, the CI gate and a laptop run judge
alike. Command-line flags override the file. An unknown key is an error, not a silent
no-op: a typo in a compliance setting must not pass unnoticed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hds_iac import repository

NAMES = (".hds-iac.yaml", ".hds-iac.yml")

# key -> (expected type(s), help). Lists may also be given as comma-separated strings.
KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "allowed_countries": ((list, str), "ISO country codes and/or EEA (default: EEA)"),
    "fail_on": ((str,), "lowest failing severity that makes the exit status 1"),
    "min_backup_retention_days": ((int,), "minimum database backup retention in days"),
    "max_access_key_age_days": ((int,), "maximum age of an access key (live scans)"),
    "min_password_length": ((int,), "shortest password the AWS account policy may allow"),
    "max_snapshot_age_days": ((int,), "maximum age of a volume's newest snapshot (live scans)"),
    "min_log_retention_days": ((int,), "shortest retention of a log group in days"),
    "encryption_attestation_tag": ((str,), "tag attesting client-side encryption"),
    "logging_attestation_tag": ((str,), "tag declaring a VM's access logs collected (Outscale)"),
    "backup_attestation_tag": ((str,), "tag attesting a backup outside the configuration"),
    "health_data_tag": ((str,), "tag declaring a bucket holds no health data (false/no/0)"),
    "check": ((list, str), "rules to run: ids, topics or severities"),
    "skip_check": ((list, str), "rules not to run: ids, topics or severities"),
    "var_files": ((list, str), "Terraform variable files, relative to the config file"),
    "baseline": ((str,), "baseline file, relative to the config file"),
    "rules_base_url": ((str,), "base URL of the rule pages linked from markdown and sarif"),
    "store": ((str,), "history store (SQLite file) every scan and live run is recorded in,"
                      " relative to the config file"),
    "drift_allow": ((list,), "live scans with --against: resources legitimately outside "
                             "Terraform (tag or id pattern, and reason)"),
    "allow_missing_modules": ((bool,), "true: module calls not read do not make the exit "
                                       "status 2 (they are still reported)"),
    "scope": ((dict,), "what the HDS report covers: host, activities, accounts, regions,"
                       " repositories, documents (docs/evidence.md)"),
}


class ConfigError(ValueError):
    """The configuration file cannot be used; the message names the file."""


@dataclass
class Config:
    """The configuration file found for a run (`.hds-iac.yaml`), or none (`path` None)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def list(self, key: str) -> list[str]:
        value = self.values.get(key, [])
        if isinstance(value, str):
            value = value.split(",")
        return [str(v).strip() for v in value if str(v).strip()]

    def relative(self, name: str) -> str:
        """A path from the file, made relative to the file's folder."""
        base = self.path.parent if self.path else Path(".")
        return str(base / name)


def find(start: str) -> Path | None:
    """The nearest configuration file in `start` (a folder or file) or its parents, up to
    the top of its git repository; outside a repository, in `start`'s folder only. A file
    in a shared parent (a runner's workspace, /tmp) must never switch the gate off."""
    here = repository.folder_of(start)
    top = repository.root(here)
    stop = top if top is not None and (top == here or top in here.parents) else here
    for folder in (here, *here.parents):
        for name in NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if folder == stop:
            break
    return None


def load(path: Path) -> Config:
    import yaml  # here: a scan without a configuration file does not need it

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{where}") from None
    if raw is None:
        return Config(path, {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known settings: "
                          f"{', '.join(KEYS)}")
    for key, value in raw.items():
        types, _ = KEYS[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            names = " or ".join("list" if t is list else t.__name__ for t in types)
            raise ConfigError(f"{path}: {key} must be a {names}")
    return Config(path, raw)


def discover(paths: list[str], explicit: str | None) -> Config:
    """The file given with --config, else the one nearest the first scanned path, else none."""
    if explicit:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: no such configuration file")
        return load(Path(explicit))
    for path in paths[:1]:
        found = find(path)
        if found:
            return load(found)
    return Config()
