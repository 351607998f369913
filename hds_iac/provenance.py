"""Where a result comes from, so that an auditor can file it and check it later.

A finding list alone proves little: the auditor must know which version of hds-iac
judged which exact files (SHA-256), with which catalogue and settings, which rules ran and
which were left out, from which git commit, when, and who ran it. This module gathers
those facts for one run; `hds_iac.output.json_report` writes them in the JSON result
(`provenance`), and the HDS report shows them.

Every fact gathered here is bounded (a file count, a timeout for git) and best effort: a
fact that cannot be established is left out (None), never guessed.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from datetime import datetime, timezone
from typing import Iterable, Mapping

from hds_iac import __version__, geography, repository

# Packages whose *.toml data decide verdicts and report texts (catalogue topics and
# documents, each rule's metadata beside its code, requirements, responsibility matrices,
# provider facts, regions).
DATA_PACKAGES = ("hds_iac.catalogue", "hds_iac.rules", "hds_iac.matrices", "hds_iac.report",
                 "hds_iac.providers")
MAX_HASHED_FILES = 10_000  # input files hashed per input; beyond, the entry says so
GIT_TIMEOUT = 10.0  # seconds per git call
CHUNK = 1 << 20

# CI systems and the standard variables that name the job (first match wins). Values
# are identifiers and URLs, never secrets.
CI_SYSTEMS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("GITHUB_ACTIONS", "GitHub Actions", (
        ("repository", "GITHUB_REPOSITORY"), ("workflow", "GITHUB_WORKFLOW"),
        ("job", "GITHUB_JOB"), ("run_id", "GITHUB_RUN_ID"), ("ref", "GITHUB_REF"),
        ("commit", "GITHUB_SHA"), ("actor", "GITHUB_ACTOR"))),
    ("GITLAB_CI", "GitLab CI", (
        ("repository", "CI_PROJECT_PATH"), ("job", "CI_JOB_NAME"), ("run_id", "CI_JOB_ID"),
        ("url", "CI_JOB_URL"), ("ref", "CI_COMMIT_REF_NAME"), ("commit", "CI_COMMIT_SHA"),
        ("actor", "GITLAB_USER_LOGIN"))),
    ("JENKINS_URL", "Jenkins", (
        ("job", "JOB_NAME"), ("run_id", "BUILD_NUMBER"), ("url", "BUILD_URL"),
        ("commit", "GIT_COMMIT"))),
    ("BUILDKITE", "Buildkite", (
        ("repository", "BUILDKITE_REPO"), ("job", "BUILDKITE_PIPELINE_SLUG"),
        ("run_id", "BUILDKITE_BUILD_NUMBER"), ("url", "BUILDKITE_BUILD_URL"),
        ("commit", "BUILDKITE_COMMIT"))),
    ("CIRCLECI", "CircleCI", (
        ("repository", "CIRCLE_PROJECT_REPONAME"), ("job", "CIRCLE_JOB"),
        ("run_id", "CIRCLE_BUILD_NUM"), ("url", "CIRCLE_BUILD_URL"), ("commit", "CIRCLE_SHA1"))),
    ("TF_BUILD", "Azure Pipelines", (
        ("repository", "BUILD_REPOSITORY_NAME"), ("job", "SYSTEM_JOBDISPLAYNAME"),
        ("run_id", "BUILD_BUILDID"), ("commit", "BUILD_SOURCEVERSION"))),
    ("CI", "CI", ()),
)
MAX_ENV_VALUE = 300  # a CI value longer than this is cut: it is a label, not a payload


def now() -> str:
    """The current time, ISO 8601 UTC to the second (SOURCE_DATE_EPOCH for reproducible
    outputs, the convention of build tools)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit()
              else datetime.now(timezone.utc))
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_reference(prefix: str) -> str:
    """A unique reference for a result or a report: readable date + 12 random hex digits
    (from os.urandom), so two runs in the same second never share one."""
    day = now()[:10].replace("-", "")
    return f"{prefix}-{day}-{os.urandom(6).hex()}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str) -> str | None:
    """SHA-256 of a file's bytes, read in chunks (memory stays bounded); None when it
    cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def hashed_files(paths: Iterable[str], display: Mapping[str, str] | None = None) -> dict:
    """`{"files": [{"path", "sha256"}], "truncated": bool}` for at most MAX_HASHED_FILES
    files, in the given order (`display` maps a path to the name shown)."""
    out, truncated = [], False
    for i, path in enumerate(dict.fromkeys(paths)):
        if i >= MAX_HASHED_FILES:
            truncated = True
            break
        out.append({"path": (display or {}).get(path, path), "sha256": sha256_file(path)})
    return {"files": out, "truncated": truncated}


def json_input_facts(doc: object, digest: str) -> dict:
    """What a plan or state file says of itself, for provenance: the SHA-256 of its bytes
    (`digest`, taken before the bytes are freed), `terraform_version`, `format_version`,
    and a state's `serial` and `lineage` (a raw state has them; `terraform show -json`
    output and plans do not)."""
    out: dict = {"sha256": digest}
    if isinstance(doc, dict):
        for key in ("terraform_version", "format_version", "lineage"):
            value = doc.get(key)
            if isinstance(value, str) and value:
                out[key] = _clip(value)[:100]
        serial = doc.get("serial")
        if isinstance(serial, int) and not isinstance(serial, bool):
            out["serial"] = serial
    return out


def data_hashes(extra: Mapping[str, str | None] = {}) -> dict:  # noqa: B006 - read only
    """SHA-256 of every data file the verdicts and texts come from (catalogue, requirements,
    matrices, provider facts, regions), by package-relative name, and of the user's own
    data files given in `extra` (role -> path, e.g. the --providers facts file)."""
    files = []
    for package in DATA_PACKAGES:
        short = package.removeprefix("hds_iac.")
        for name, data in _data_files(package):
            files.append({"file": f"{short}/{name}", "sha256": sha256_bytes(data)})
    user = {role: {"path": path, "sha256": sha256_file(path)}
            for role, path in extra.items() if path}
    return {"bundled": files, "user": user}


def _data_files(package: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each *.toml file of `package`, by name. The package's folder from
    its spec, without importing it: hds_iac.report imports every report module, which a
    scan writing JSON does not need. A plain folder is listed with `os.scandir`: `pathlib`
    made the 56 files of every run cost 11 M instructions, their SHA-256 0.7 M."""
    spec = importlib.util.find_spec(package)
    if spec is None:
        return []
    locations = list(spec.submodule_search_locations or ())
    if len(locations) != 1:  # not one folder (a zip, a namespace): the resources API
        from importlib import resources
        return sorted((entry.name, entry.read_bytes())
                      for entry in resources.files(package).iterdir()
                      if entry.name.endswith(".toml") and entry.is_file())
    out = []
    with os.scandir(locations[0]) as listing:
        for entry in listing:
            if entry.name.endswith(".toml") and entry.is_file():
                with open(entry.path, "rb") as handle:
                    out.append((entry.name, handle.read()))
    out.sort()
    return out


def git_output(folder: str, *args: str) -> str | None:
    """One read-only git call in `folder`; None when git is missing, fails or hangs.

    Repository-local settings that could run programs (fsmonitor, hooks) are switched off:
    the scanned repository is input, and input is hostile."""
    import subprocess  # here: most scans never ask git (a plan, a folder outside git)

    try:
        proc = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
             "--no-optional-locks", "-C", folder, *args],
            capture_output=True, text=True, timeout=GIT_TIMEOUT,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def git_folder(path: str) -> str:
    return path if os.path.isdir(path) else (os.path.dirname(path) or ".")


def git_commit(path: str) -> dict | None:
    """The git commit of the code at `path` (a folder or a file): `{"commit", "dirty",
    "root"}`, `dirty` True when tracked files differ from the commit; None outside a
    repository or without git."""
    folder = git_folder(path)
    if repository.root(folder) is None:
        # Not in a work tree, as git itself answered (or would: `repository.root` starts
        # git only where a repository may be): no git process for a plan in /tmp.
        return None
    head = git_output(folder, "rev-parse", "HEAD", "--show-toplevel")
    if not head:
        return None
    lines = head.split("\n")
    commit = lines[0].strip()
    if len(commit) != 40:
        return None
    status = git_output(folder, "status", "--porcelain", "--untracked-files=no", "--", ".")
    return {"commit": commit, "dirty": None if status is None else bool(status.strip()),
            "root": lines[1].strip() if len(lines) > 1 else None}


def _clip(text: str) -> str:
    text = "".join(ch for ch in text if ch.isprintable())
    return text[:MAX_ENV_VALUE]


def run_by(environ: Mapping[str, str] | None = None) -> dict:
    """Who ran the scan, when it can be told: the operating-system user and the CI job
    from the CI system's standard variables."""
    env = os.environ if environ is None else environ
    out: dict = {}
    try:
        user = env.get("USER") or env.get("LOGNAME")
        if not user:
            import getpass
            user = getpass.getuser()
    except (KeyError, OSError):
        user = None
    if user:
        out["user"] = _clip(user)
    for marker, name, variables in CI_SYSTEMS:
        if env.get(marker, "").strip().lower() not in ("", "false", "0"):
            ci = {"system": name}
            ci.update({key: _clip(env[var]) for key, var in variables if env.get(var)})
            out["ci"] = ci
            break
    return out


def settings_dict(settings) -> dict:
    """The effective settings a verdict depends on (after config file and flags)."""
    geo = geography.load()
    allowed = sorted(settings.allowed_countries)
    return {
        "allowed_countries": allowed,
        "allowed_is_eea": settings.allowed_countries == geo.eea,
        "allowed_outside_eea": sorted(settings.allowed_countries - geo.eea),
        "min_backup_retention_days": settings.min_backup_retention_days,
        "max_access_key_age_days": settings.max_access_key_age_days,
        "min_password_length": settings.min_password_length,
        "max_snapshot_age_days": settings.max_snapshot_age_days,
        "min_log_retention_days": settings.min_log_retention_days,
        "encryption_attestation_tag": settings.encryption_attestation_tag,
        "logging_attestation_tag": settings.logging_attestation_tag,
        "backup_attestation_tag": settings.backup_attestation_tag,
        "health_data_tag": settings.health_data_tag,
    }


def rule_selection(selected: Iterable[str], include: list[str], exclude: list[str],
                   origin: str) -> dict:
    """Rules run and rules left out, each with why (`--check`/`--skip-check` or the
    configuration's `check`/`skip_check`): a rule left out is "not run", never "no
    resource concerned"."""
    from hds_iac import catalogue

    chosen = set(selected)
    cat = catalogue.load()
    not_run = []
    for meta in cat:
        if meta.id in chosen:
            continue
        terms = [t for t in exclude if t in (meta.id, meta.topic, meta.severity)]
        if terms:
            why = {"by": "skip_check", "terms": terms}
        else:
            why = {"by": "check", "terms": include}
        not_run.append({"id": meta.id, **why, "from": origin})
    return {"run": sorted(chosen), "not_run": not_run}


def of_run(*, reference: str, started: str, paths: Iterable[str], settings,
           rules: dict, config_path: str | None, baseline_path: str | None,
           facts_path: str | None, fail_on: str, live: bool) -> dict:
    """The `provenance` block of a JSON result (see docs/evidence.md)."""
    config = ({"path": config_path, "sha256": sha256_file(config_path)}
              if config_path else None)
    baseline = ({"path": baseline_path, "sha256": sha256_file(baseline_path)}
                if baseline_path else None)
    git = []
    if not live:
        for path in dict.fromkeys(paths):
            found = git_commit(path)
            git.append({"path": path, **(found or {"commit": None})})
    return {
        "reference": reference,
        "tool": {"name": "hds-iac", "version": __version__},
        "started": started,
        "finished": now(),
        "data": data_hashes({"providers": facts_path,
                             **{f"matrix {i + 1}": path for i, path
                                in enumerate(getattr(settings, "matrix_files", ()))}}),
        "settings": {**settings_dict(settings), "fail_on": fail_on},
        "rules": rules,
        "config": config,
        "baseline": baseline,
        "git": git,
        "run_by": run_by(),
    }
