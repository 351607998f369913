"""What makes the HDS report evidence an auditor can file (docs/evidence.md).

From the merged results: the scope (declared in `.hds-iac.yaml` and what was actually
scanned, with the gaps between the two), the provenance of each result (tool version,
data and input hashes, settings, rules not run, configuration, git commit, accounts and
regions, observation time, who ran it), the exceptions register (every waiver and its
state), the passes that rest on the user's own declaration, the ISO 27001 and SecNumCloud
references of each rule, and the documents the host must supply, provided or not.

Values come from result files, which are input: they are read defensively here (types
checked, nothing assumed) and escaped by each renderer.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from hds_iac import catalogue, provider_registry
from hds_iac.report.merge import Merged, Source

LIVE_KINDS = provider_registry.IDS  # a live input is named by its provider


@dataclass
class ScopeView:
    hosts: list[str] = field(default_factory=list)
    activities: list[int] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)  # declared
    regions: list[str] = field(default_factory=list)  # declared
    repositories: list[str] = field(default_factory=list)  # declared
    accounts_scanned: list[str] = field(default_factory=list)
    regions_scanned: list[str] = field(default_factory=list)
    code_scanned: list[dict] = field(default_factory=list)  # {"source", "path", "kind", "commit"}
    accounts_missing: list[str] = field(default_factory=list)  # declared, never scanned
    regions_missing: list[str] = field(default_factory=list)  # declared, never seen
    declared: bool = False


@dataclass
class Document:
    key: str
    title: dict[str, str]
    what: dict[str, str]
    requirements: tuple[str, ...]
    references: list[str]  # where the host says it is: empty = to provide

    @property
    def status(self) -> str:
        return "provided" if self.references else "to-provide"


@dataclass
class DeclaredGroup:
    rule_id: str
    ask: dict[str, str]  # lang -> the evidence the auditor should ask for
    findings: list[dict]


@dataclass
class RuleRefs:
    id: str
    title: dict[str, str]
    hds: tuple[str, ...]
    iso27001: tuple[str, ...]
    secnumcloud: tuple[str, ...]
    run: str  # "run" | "not-run" | "unrecorded" (no result says)


@dataclass
class Filing:
    scope: ScopeView
    exceptions: list[dict]  # register entries + "source" (result file name)
    declared: list[DeclaredGroup]
    rules: list[RuleRefs]
    documents: list[Document]
    not_run: dict[str, list[dict]]  # rule id -> why, per result that left it out

    @property
    def expired(self) -> int:
        return sum(1 for x in self.exceptions if x.get("state") == "expired")


@lru_cache(maxsize=1)
def _evidence_data() -> dict:
    return tomllib.loads(resources.files("hds_iac.report").joinpath("evidence.toml")
                         .read_text("utf-8"))


def _strings(value: object, limit: int = 500) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(v) for v in value[:limit] if isinstance(v, (str, int)) and not isinstance(v, bool)]


def _add(target: list, values) -> None:
    for v in values:
        if v not in target:
            target.append(v)


def _region_seen(declared: str, scanned: list[str]) -> bool:
    """A declared "aws:eu-west-3" matches that provider's region only; a bare "eu-west-3"
    matches it in any provider."""
    return declared in scanned or (":" not in declared and
                                   any(s.endswith(f":{declared}") for s in scanned))


def scope_view(merged: Merged) -> ScopeView:
    view = ScopeView()
    for src in merged.sources:
        declared = src.scope or {}
        if any(declared.get(k) for k in ("host", "activities", "accounts", "regions",
                                         "repositories", "documents")):
            view.declared = True
        if isinstance(declared.get("host"), str) and declared["host"]:
            _add(view.hosts, [declared["host"]])
        _add(view.activities, [int(a) for a in declared.get("activities") or []
                               if isinstance(a, int) and not isinstance(a, bool)
                               and 1 <= a <= 6])
        for key in ("accounts", "regions", "repositories"):
            _add(getattr(view, key), _strings(declared.get(key)))
        git = {g.get("path"): g.get("commit") for g in
               ((src.provenance or {}).get("git") or []) if isinstance(g, dict)}
        for entry in src.inputs:
            kind = entry.get("kind")
            if kind in LIVE_KINDS:
                _add(view.accounts_scanned, _strings(entry.get("account") or
                                                     entry.get("account_id")))
            else:
                path = str(entry.get("path", ""))
                commit = git.get(path)
                if commit is None and len(git) == 1:
                    commit = next(iter(git.values()))
                view.code_scanned.append({"source": src.name, "path": path,
                                          "kind": str(kind or ""),
                                          "commit": commit if isinstance(commit, str) else None})
    # "provider:region": a region name means nothing without its provider (AWS eu-west-2 is
    # London, Outscale eu-west-2 is France).
    for provider, regions in sorted(merged.providers().items()):
        _add(view.regions_scanned, [f"{provider}:{r}" for r in sorted(regions)])
    view.activities.sort()
    view.accounts_missing = [a for a in view.accounts if a not in view.accounts_scanned]
    view.regions_missing = [r for r in view.regions if not _region_seen(r, view.regions_scanned)]
    return view


def not_run_rules(merged: Merged) -> dict[str, list[dict]]:
    """Rules that no merged result ran, with why each result left them out. A rule is
    "not run" only when every result records its selection and none ran it: a result of
    an older hds-iac (no provenance) leaves the question open."""
    if not merged.sources or any(not (s.provenance or {}).get("rules")
                                 for s in merged.sources):
        return {}
    ran: set[str] = set()
    why: dict[str, list[dict]] = {}
    for src in merged.sources:
        rules = src.provenance["rules"]
        ran.update(_strings(rules.get("run"), 1000) if isinstance(rules, dict) else [])
        for entry in (rules.get("not_run") or []) if isinstance(rules, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                why.setdefault(entry["id"], []).append({
                    "source": src.name, "by": str(entry.get("by", "")),
                    "terms": _strings(entry.get("terms"), 50),
                    "from": str(entry.get("from", ""))})
    return {rid: reasons for rid, reasons in why.items() if rid not in ran}


def mark_not_run(coverage, not_run: dict[str, list[dict]]) -> None:
    """A requirement, item, duty or topic whose rules were all left out is "not-run", not
    "no finding": nothing was looked at, which is not the same as nothing to look at."""
    if not not_run:
        return
    views = list(coverage.requirements) + list(coverage.duties) + list(coverage.topics)
    views += [i for v in coverage.requirements for i in v.items]
    for view in views:
        rules = getattr(view, "rules", None)
        if view.status == "not-evaluated" and rules and all(r in not_run for r in rules):
            view.status = "not-run"


def _documents(merged: Merged) -> list[Document]:
    from hds_iac.scope import document_kinds

    given: dict[str, list[str]] = {}
    for src in merged.sources:
        docs = (src.scope or {}).get("documents")
        if isinstance(docs, dict):
            for key, ref in docs.items():
                if isinstance(ref, str) and ref:
                    _add(given.setdefault(str(key), []), [ref])
    return [Document(d.key, d.title, d.what, d.requirements, given.get(d.key, []))
            for d in document_kinds()]


def _declared(merged: Merged) -> list[DeclaredGroup]:
    asks = _evidence_data().get("declared", {})
    groups: dict[str, DeclaredGroup] = {}
    for f in merged.findings:
        if f.get("status") == "pass" and f.get("basis") == "declared":
            rid = f["rule_id"]
            group = groups.setdefault(rid, DeclaredGroup(rid, asks.get(rid, {}), []))
            group.findings.append(f)
    return [groups[k] for k in sorted(groups)]


def _rules(not_run: dict[str, list[dict]], recorded: bool) -> list[RuleRefs]:
    out = []
    for meta in catalogue.load():
        refs = meta.references
        out.append(RuleRefs(
            meta.id, {"fr": meta.title.fr, "en": meta.title.en}, tuple(refs.hds),
            tuple(refs.iso27001), tuple(refs.secnumcloud),
            "not-run" if meta.id in not_run else "run" if recorded else "unrecorded"))
    return out


def _exceptions(sources: list[Source]) -> list[dict]:
    out = []
    for src in sources:
        for entry in src.exceptions:
            out.append({
                "source": src.name,
                "by": str(entry.get("by", "")), "rule_id": str(entry.get("rule_id", "")),
                "location": str(entry.get("location") or ""),
                "state": str(entry.get("state", "")), "reason": str(entry.get("reason") or ""),
                "until": str(entry.get("until") or ""), "author": str(entry.get("author") or ""),
                "date": str(entry.get("date") or ""),
                "addresses": _strings(entry.get("addresses"), 1000),
                "findings": entry.get("findings") if isinstance(entry.get("findings"), int)
                else 0,
                "statuses": {str(k): v for k, v in (entry.get("statuses") or {}).items()
                             if isinstance(v, int)}
                if isinstance(entry.get("statuses"), dict) else {},
            })
    return out


def compute(merged: Merged) -> Filing:
    not_run = not_run_rules(merged)
    recorded = bool(merged.sources) and all((s.provenance or {}).get("rules")
                                            for s in merged.sources)
    return Filing(scope=scope_view(merged), exceptions=_exceptions(merged.sources),
                  declared=_declared(merged), rules=_rules(not_run, recorded),
                  documents=_documents(merged), not_run=not_run)


def run_facts(src: Source) -> dict:
    """The provenance of one result as flat, typed facts for the renderers (values that
    are not of the expected type are dropped, never trusted)."""
    p = src.provenance or {}
    if not p:
        return {}

    def text(value: object) -> str:
        return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""

    settings = p.get("settings") if isinstance(p.get("settings"), dict) else {}
    config = p.get("config") if isinstance(p.get("config"), dict) else {}
    baseline = p.get("baseline") if isinstance(p.get("baseline"), dict) else {}
    run_by = p.get("run_by") if isinstance(p.get("run_by"), dict) else {}
    ci = run_by.get("ci") if isinstance(run_by.get("ci"), dict) else {}
    tool = p.get("tool") if isinstance(p.get("tool"), dict) else {}
    data = p.get("data") if isinstance(p.get("data"), dict) else {}
    bundled = [d for d in data.get("bundled") or [] if isinstance(d, dict)]
    user = {str(k): v for k, v in (data.get("user") or {}).items() if isinstance(v, dict)}
    return {
        "reference": text(p.get("reference")),
        "tool_version": text(tool.get("version")),
        "started": text(p.get("started")),
        "finished": text(p.get("finished")),
        "config": (text(config.get("path")), text(config.get("sha256"))) if config else None,
        "baseline": (text(baseline.get("path")), text(baseline.get("sha256")))
        if baseline else None,
        "allowed_countries": _strings(settings.get("allowed_countries"), 300),
        "allowed_is_eea": settings.get("allowed_is_eea") is True,
        "allowed_outside_eea": _strings(settings.get("allowed_outside_eea"), 300),
        "thresholds": {k: text(settings.get(k)) for k in (
            "min_backup_retention_days", "max_access_key_age_days", "max_snapshot_age_days",
            "min_log_retention_days",
            "min_password_length", "fail_on", "encryption_attestation_tag", "backup_attestation_tag",
            "logging_attestation_tag", "health_data_tag")
            if text(settings.get(k))},
        "git": [(text(g.get("path")), text(g.get("commit")), g.get("dirty"))
                for g in p.get("git") or [] if isinstance(g, dict)],
        "user": text(run_by.get("user")),
        "ci": {str(k): text(v) for k, v in ci.items() if text(v)},
        "data": [(text(d.get("file")), text(d.get("sha256"))) for d in bundled],
        "user_data": [(k, text(v.get("path")), text(v.get("sha256"))) for k, v in user.items()],
    }


def input_hashes(src: Source) -> list[tuple[str, str, str]]:
    """(input, file, sha256) of every input file of a result, with a plan or state's own
    facts (Terraform version, serial, lineage) as extra rows."""
    rows = []
    for entry in src.inputs:
        path = str(entry.get("path", ""))
        if isinstance(entry.get("sha256"), str):
            rows.append((path, path, entry["sha256"]))
        for f in entry.get("files") or []:
            if isinstance(f, dict):
                rows.append((path, str(f.get("path", "")), str(f.get("sha256") or "")))
    return rows


def input_facts(entry: dict) -> dict[str, str]:
    """A plan/state's terraform_version, format_version, serial, lineage; a live input's
    account and regions."""
    out = {}
    for key in ("terraform_version", "format_version", "serial", "lineage", "account",
                "account_id", "region", "status"):
        value = entry.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
            out[key] = str(value)
    regions = _strings(entry.get("regions"), 100)
    if regions:
        out["regions"] = ", ".join(regions)
    return out
