"""The checks' metadata, and their fallback: one resource judged as checkov shows it.

Every catalogue rule judged from code or plans is a CKV_HDS check (`check_specs`). The
checks answer from the native engine's scan of the whole root module or plan
(`hds_iac.checkov_native`); when it cannot be found or fails, they fall back to this
module, which judges the one resource checkov hands a check (`conf`, every value wrapped in
a list, and nothing else: no provider block, no other resource). It turns that `conf`
into the same `TfResource` record the HCL and plan readers build, adapts it with the SAME
adapters (`hds_iac.adapters.terraform_aws`, `terraform_outscale`) and judges it with the
SAME rule functions. No rule logic lives here.

What a single resource cannot tell, the fallback does not guess:

- The provider's region: checkov gives resource checks no provider configuration, so the
  record's provider region is `Unknown`. A resource with its own region (AWS 6.x `region`
  argument, an Outscale subregion name) is still judged; the others get no result for the
  rules that need the region (checkov drops UNKNOWN results).
- Other resources: a bucket's policy, a vault's lock, a user's groups, EBS encryption by
  default are separate resources that checkov does not show us. Each record is therefore
  adapted twice: once in a world where the other resources do not exist, once in a world
  where every resource the adapter looks for exists with unknown content. A verdict is
  reported only when both worlds agree (it does not depend on the unseen resources);
  otherwise checkov gets UNKNOWN. A rule that looks through the inventory for other kinds
  of resources (EBS encryption by default) is treated the same way; rules of scope
  "inventory" are not judged at all (`native_only_rules`).

This module imports only the pure-Python core (model, catalogue, rules, adapters): checkov
runs it from its own environment, where python-hcl2 and PyYAML must not be needed.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from hds_iac import catalogue as catalogue_mod
from hds_iac.checkov_check_table import CheckSpec, guideline_base
from hds_iac import provider_registry
from hds_iac.adapters.terraform import TfIndex, adapt, base_address, provider_handlers
from hds_iac.model import Inventory, Resource, Unknown
from hds_iac import rules as rules_mod
from hds_iac.rules import registry
from hds_iac.settings import Settings
from hds_iac.suppressions import checkov_id
from hds_iac.terraform.records import TfResource

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


PROVIDER_REGION_UNKNOWN = (
    "checkov gives resource checks no provider configuration, so the provider's region is not "
    "known here (run `hds-iac scan`, which reads the provider block)")
LINKED_UNKNOWN = (
    "this result depends on other resources, which checkov does not show to a resource check "
    "(run `hds-iac scan` for the full answer)")

# Keys checkov adds to a resource's configuration (HCL and plan): never attributes.
_META_KEYS = frozenset({
    "__start_line__", "__end_line__", "__startline__", "__endline__", "__address__",
    "__file__", "__provider_address__", "__change_actions__", "__change_keys__",
    "references_", "start_line", "end_line", "__resource_id__", "__module_key__",
    "__line__", "__row__", "_is_resolved",
})
# An unresolved Terraform reference as checkov leaves it in a value: `var.x`,
# `aws_kms_key.k.arn`, `module.db.id`, `data.aws_iam_policy_document.p.json`,
# `local.zones["0"]`, `aws_subnet.app[*].id`.
_REFERENCE = re.compile(
    r"^(?:(?:var|local|module|data|each|count|path|self|terraform)\.|"
    r"[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[|\.|$))[^\s]*$")
_FUNCTION_CALL = re.compile(r"^[a-z][a-z0-9_]*\(.*\)$", re.S)


# --- the checks' metadata ---------------------------------------------------------------


def supported_types(providers: Iterable[str] = provider_registry.IDS) -> list[str]:
    """The Terraform types the adapters handle, for the providers named."""
    return list(_supported_types(tuple(sorted(providers))))


@lru_cache(maxsize=None)
def _supported_types(providers: tuple[str, ...]) -> tuple[str, ...]:
    handlers = provider_handlers()
    return tuple(sorted(t for p in providers if p in handlers for t in handlers[p].types()))


def judged_types(rule_id: str, providers: Iterable[str] = provider_registry.IDS) -> list[str]:
    """The Terraform types of `providers` a rule can give a finding on: those whose adapter
    makes a kind the rule judges (`@rule(kinds=...)` crossed with `Handlers.kinds_of`).
    A finding names the resource it judges, so a check need not run on the others (a
    volume's backup plan, a user's group policy: the native engine reads them, and the
    fallback's two worlds stand for them). A rule or type that declares no kinds gets
    every type (never fewer checks than findings)."""
    judged = rules_mod.kinds_of(rule_id)
    handlers = provider_handlers()
    out = []
    for provider in providers:
        adapter = handlers.get(provider)
        for type_ in adapter.types() if adapter is not None else ():
            made = adapter.kinds_of(type_)
            if judged is None or made is None or made & judged:
                out.append(type_)
    return sorted(out)


# Every rule judged from code or plans has a CKV_HDS check, answered by the native engine
# (`hds_iac.checkov_native`). When the native engine cannot be found or fails, the checks
# fall back to judging the one resource checkov shows them; these lists say what that
# fallback cannot show (docs/checkov.md shows them, generated by `hds-iac docs`).

# Rules of scope "resource" the fallback never judges ("native-only": their verdict always
# needs another resource, so a one-resource check could only ever answer UNKNOWN, or would
# answer wrongly), and rules whose fallback verdicts are a subset of `hds-iac scan`'s
# ("partial": the fallback reports a failure only when one resource proves it, and says
# nothing, UNKNOWN, otherwise). Each rule says which, and why, in the `[checkov]` table of
# its hds_iac/rules/<stem>.toml; docs/checkov.md's table is generated from it. (Every rule
# of scope "inventory" is native-only too: see `native_only_rules`.)
NATIVE_ONLY: dict[str, str] = {m.id: m.checkov.why for m in catalogue_mod.load()
                               if m.checkov and m.checkov.fallback == "native-only"}
PARTIAL: dict[str, str] = {m.id: m.checkov.why for m in catalogue_mod.load()
                           if m.checkov and m.checkov.fallback == "partial"}
INVENTORY_REASON = (
    "the rule weighs several resources (zone spread over groups and standalone machines, "
    "backup coverage by plans, vault locks, EBS encryption by default, MFA through group "
    "policies, account-wide trails and their buckets, a VPC's flow logs in a separate "
    "aws_flow_log, a bucket's access logs in a separate aws_s3_bucket_logging and the trails "
    "recording its objects), and a checkov resource check sees one; checkov has no public "
    "Python API for multi-resource checks")


def _code_or_plan() -> list:
    return [m for m in catalogue_mod.load() if {"code", "plan"} & set(m.sources)]


def resource_rules() -> list[str]:
    """Ids of the catalogue rules of scope "resource" judged from code or plans; live-only
    rules such as snapshot age have nothing to judge there."""
    return [m.id for m in _code_or_plan() if m.scope == "resource"]


def shipped_rules() -> list[str]:
    """Ids of the rules that run as checkov checks: every rule judged from code or plans."""
    return [m.id for m in _code_or_plan()]


def fallback_rules() -> list[str]:
    """Ids of the rules the fallback (no native engine) judges from one resource."""
    return [r for r in resource_rules() if r not in NATIVE_ONLY]


def native_only_rules() -> dict[str, str]:
    """rule id -> why only the native engine can judge it in checkov."""
    out = {m.id: INVENTORY_REASON for m in _code_or_plan() if m.scope == "inventory"}
    out.update(NATIVE_ONLY)
    return out


def check_specs() -> list[CheckSpec]:
    """Every shipped check's metadata, from the catalogue (checkov's process reads it
    through `checkov_check_table`, which keeps it in the user cache)."""
    specs = []
    base = guideline_base()
    shipped = set(shipped_rules())
    for meta in catalogue_mod.load():
        if meta.id not in shipped:
            continue
        specs.append(CheckSpec(
            rule_id=meta.id,
            checkov_id=checkov_id(meta.id),
            name=f"{meta.id}: {meta.title.en}",
            severity=meta.severity.upper(),
            categories=catalogue_mod.topic(meta.topic).checkov_categories,
            guideline=f"{base}{meta.id}.md",
            supported_resources=tuple(judged_types(meta.id, meta.providers)),
        ))
    return specs


def checks_dir() -> Path:
    """The folder to give to `checkov --external-checks-dir`.

    Installed: the package `hds_iac.checkov_checks` (pyproject maps it onto `checks/`).
    From a checkout: `checks/` beside the `hds_iac` package.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "checkov_checks", here.parent / "checks"):
        if (candidate / "__init__.py").is_file() and any(candidate.glob("hds_iac_*.py")):
            return candidate
    raise FileNotFoundError("the checkov checks folder is not installed with this hds-iac")


# --- checkov conf -> TfResource ----------------------------------------------------------------


def _reference_unknown(text: str) -> Unknown:
    head = re.split(r"[\[.]", text, maxsplit=1)[0]
    if head in ("var", "local", "each", "count", "path", "self", "terraform"):
        ref = ".".join(text.split(".")[:2])
        why = f"{ref} is not resolved by checkov"
    else:
        ref = _address_of(text)
        why = f"{ref} is known only after apply"
    return Unknown(why, (ref,))


def _address_of(reference: str) -> str:
    """`module.a.aws_s3_bucket.b[0].arn` -> `module.a.aws_s3_bucket.b[0]`."""
    parts, out, i = _split_reference(reference), [], 0
    while i < len(parts):
        if parts[i].startswith("module") and i + 1 < len(parts):
            out += parts[i:i + 2]
            i += 2
            continue
        if parts[i] == "data" and i + 2 < len(parts):
            out += parts[i:i + 3]
            break
        out += parts[i:i + 2]
        break
    return ".".join(out)


def _split_reference(reference: str) -> list[str]:
    """Dot-separated parts, an index (`[0]`, `["x"]`) kept with the part before it."""
    parts, depth, current = [], 0, ""
    for ch in reference:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _value(value: Any) -> Any:
    """One attribute value (already out of checkov's list): unresolved strings -> Unknown."""
    if isinstance(value, str):
        text = value.strip()
        if "${" in text:
            return Unknown(f"expression {text!r} is not resolved by checkov",
                           tuple(_address_of(m) for m in re.findall(
                               r"\$\{\s*([a-z][\w.\[\]\"*-]*)", text)))
        if _REFERENCE.match(text):
            return _reference_unknown(text)
        if _FUNCTION_CALL.match(text) and re.search(r"\b(var|local|module|data)\.", text):
            return Unknown(f"expression {text!r} is not resolved by checkov")
        return value
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items() if k not in _META_KEYS}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _is_block(item: Any) -> bool:
    """A nested block as checkov gives it: a dict whose every value is list-wrapped."""
    if not isinstance(item, dict):
        return False
    values = [v for k, v in item.items() if k not in _META_KEYS]
    return all(isinstance(v, list) for v in values)


def unwrap(conf: dict[str, Any]) -> dict[str, Any]:
    """checkov's list-wrapped configuration -> plain values (blocks are lists of dicts)."""
    out: dict[str, Any] = {}
    for key, wrapped in conf.items():
        if key in _META_KEYS or not isinstance(key, str):
            continue
        if not isinstance(wrapped, list):
            out[key] = _value(wrapped)
            continue
        if wrapped and all(isinstance(i, dict) for i in wrapped) and (
                len(wrapped) > 1 or (_is_block(wrapped[0]) and
                                     (wrapped[0] or key not in ("tags", "tags_all")))):
            out[key] = [unwrap(block) for block in wrapped]
        elif len(wrapped) == 1:
            out[key] = _value(wrapped[0])
        else:
            out[key] = _value(wrapped)
    return out


def _provider_of(resource_type: str) -> str:
    return resource_type.split("_", 1)[0]


def line_of(conf: dict[str, Any]) -> int | None:
    for key in ("__start_line__", "__startline__"):
        value = conf.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, int):
            return value
    return None


def record(conf: dict[str, Any], resource_type: str, name: str = "") -> TfResource:
    """The `TfResource` the readers would build for this resource, as far as checkov shows it."""
    source = "plan" if "__startline__" in conf or "__change_actions__" in conf else "hcl"
    address = conf.get("__address__") or f"{resource_type}.{name}"
    module = ""
    if address.startswith("module."):
        module = address[: address.rfind(f".{resource_type}.")] if f".{resource_type}." in \
            address else ""
    return TfResource(
        address=address,
        mode="managed",
        type=resource_type,
        name=name or base_address(address).rsplit(".", 1)[-1],
        provider=_provider_of(resource_type),
        provider_region=Unknown(PROVIDER_REGION_UNKNOWN),
        values=unwrap(conf),
        source=source,
        line=line_of(conf),
        module=module,
    )


# --- the two worlds: other resources absent, or present with unknown content -----------------


class _UnknownValues(dict):
    """Attributes of a resource checkov does not show: every attribute is unknown, and any
    reference it holds may point at the judged resource."""

    def __init__(self, target: str):
        super().__init__()
        self._target = target

    def _unknown(self) -> Unknown:
        return Unknown(LINKED_UNKNOWN, (self._target,))

    def get(self, key: Any, default: Any = None) -> Any:  # noqa: ARG002 - always unknown
        return self._unknown()

    def __getitem__(self, key: Any) -> Any:
        return self._unknown()

    def __contains__(self, key: object) -> bool:
        return True


def _type_of(address: str) -> tuple[str, str] | None:
    """(mode, type) of a resource address, None for var./local. and other non-resources."""
    parts = _split_reference(base_address(address))
    i = 0
    while i < len(parts) and parts[i] == "module":
        i += 2
    if i < len(parts) and parts[i] == "data" and i + 1 < len(parts):
        return "data", parts[i + 1]
    if i + 1 < len(parts) and "_" in parts[i]:
        return "managed", parts[i]
    return None


def _phantom(address: str, mode: str, rtype: str, target: TfResource) -> TfResource:
    return TfResource(address=address, mode=mode, type=rtype, name="",
                      provider=_provider_of(rtype), provider_region=target.provider_region,
                      values=_UnknownValues(target.address), source=target.source)


class _OpenAddresses(dict):
    """by_address of the open world: an address not in it names an unseen resource."""

    def __init__(self, known: dict, target: TfResource):
        super().__init__(known)
        self._target = target

    def _make(self, key: str) -> TfResource | None:
        kind = _type_of(key)
        if kind is None:
            return None
        rec = _phantom(key, kind[0], kind[1], self._target)
        dict.__setitem__(self, key, rec)
        return rec

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and
                                                _type_of(key) is not None)

    def __getitem__(self, key: str) -> TfResource:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        rec = self._make(key)
        if rec is None:
            raise KeyError(key)
        return rec

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


class _OpenBases(dict):
    def __init__(self, known: dict, addresses: _OpenAddresses):
        super().__init__(known)
        self._addresses = addresses

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        rec = self._addresses.get(key)
        return [rec] if rec is not None else (default if default is not None else [])


def _open_index(rec: TfResource) -> TfIndex:
    """An index holding `rec` and, for every type the adapters know, one resource with
    unknown content that may refer to `rec` (a policy, a lock, a group membership...)."""
    others = [_phantom(f"{t}.__unseen__", "managed", t, rec)
              for t in supported_types() if t != rec.type]
    index = TfIndex([rec, *others])
    addresses = _OpenAddresses(index.by_address, rec)
    index.by_address = addresses
    index.by_base = _OpenBases(index.by_base, addresses)
    return index


class _WatchedInventory(Inventory):
    """An inventory that notices when a rule looks for kinds other than the judged one's
    (EBS encryption by default, backup plans...): the verdict then depends on resources
    checkov does not show."""

    looked_elsewhere: bool = False

    def of_kind(self, *kinds: str) -> list[Resource]:
        if not any(r.kind in kinds for r in self.resources):
            self.looked_elsewhere = True
        return super().of_kind(*kinds)


# --- judging ----------------------------------------------------------------------------------

_RANK = {PASS: 0, UNKNOWN: 1, FAIL: 2}


@dataclass(frozen=True)
class Judgement:
    status: str  # pass | fail | unknown
    message: str = ""
    keys: tuple[str, ...] = ()  # the deciding attributes, as checkov's evaluated_keys


def _verdicts(resources: list[Resource], address: str, rule_ids: list[str],
              settings: Settings) -> dict[str, Judgement]:
    rules = registry()
    cat = catalogue_mod.load()
    out: dict[str, Judgement] = {}
    for rule_id in rule_ids:
        inventory = _WatchedInventory(list(resources))
        found: Judgement | None = None
        for verdict in rules[rule_id](inventory, settings):
            if verdict.resource.address != address:
                continue
            if verdict.resource.provider not in cat[rule_id].providers:
                continue
            message = cat[rule_id].message(verdict.message, "en", **verdict.shown_params())
            if found is None or _RANK[verdict.status] > _RANK[found.status]:
                found = Judgement(verdict.status, message, tuple(verdict.evaluated_keys()))
        if found is not None and inventory.looked_elsewhere:
            found = Judgement(UNKNOWN, LINKED_UNKNOWN)
        if found is not None:
            out[rule_id] = found
    return out


def settings_from_environment() -> Settings:
    """checkov runs have no hds-iac config file: HDS_IAC_ALLOWED_COUNTRIES (ISO codes and/or
    EEA, comma-separated) narrows the allowed area."""
    from hds_iac import geography

    settings = Settings()
    text = os.environ.get("HDS_IAC_ALLOWED_COUNTRIES", "").strip()
    if text:
        geo = geography.load()
        codes: set[str] = set()
        for part in text.upper().split(","):
            part = part.strip()
            if part == "EEA":
                codes |= geo.eea
            elif part:
                codes.add(part)
        settings.allowed_countries = frozenset(codes)
    return settings


def judge_record(rec: TfResource, rule_ids: list[str] | None = None,
                 settings: Settings | None = None) -> dict[str, Judgement]:
    """Every selected rule's verdict on one record, as checkov should report it."""
    rule_ids = fallback_rules() if rule_ids is None else rule_ids
    settings = settings or Settings()
    closed = _verdicts(adapt(rec, TfIndex([rec])), rec.address, rule_ids, settings)
    try:
        opened = _verdicts(adapt(rec, _open_index(rec)), rec.address, rule_ids, settings)
    except Exception:  # noqa: BLE001 - an adapter that cannot read unknown links: no answer
        opened = {}
    out: dict[str, Judgement] = {}
    for rule_id, judgement in closed.items():
        other = opened.get(rule_id)
        if other is None or other.status != judgement.status:
            out[rule_id] = Judgement(UNKNOWN, LINKED_UNKNOWN)
        else:
            out[rule_id] = judgement
    return out


_CACHE: dict[tuple, dict[str, Judgement]] = {}
_SETTINGS: list[Settings] = []


def judge_conf(conf: dict[str, Any], resource_type: str, name: str = "",
               where: str = "") -> dict[str, Judgement]:
    """All resource-scope verdicts for one checkov resource; computed once per resource
    (checkov calls each of our checks on the same resource; `where` is the check's
    entity path, file included)."""
    key = (where, conf.get("__address__"), resource_type, name, line_of(conf))
    got = _CACHE.get(key)
    if got is None:
        if not _SETTINGS:
            _SETTINGS.append(settings_from_environment())
        if conf.get("__change_actions__") in (["delete"], ("delete",)):
            got = {}  # being destroyed: nothing to judge (as `hds-iac scan` of the plan)
        else:
            got = judge_record(record(conf, resource_type, name), settings=_SETTINGS[0])
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = got
    return got


def main(argv: list[str] | None = None) -> int:
    """`python -m hds_iac.checkov_support` (`hds-iac checkov-dir`): print the folder for
    --external-checks-dir, and remember this hds-iac in the user cache so that the checks
    find the native engine from checkov's own environment."""
    from hds_iac import checkov_native

    try:
        print(checks_dir())
        checkov_native.record_command(checkov_native.this_command())
    except FileNotFoundError as exc:
        print(f"hds-iac: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
