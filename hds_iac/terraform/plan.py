"""The plan reader: `terraform show -json tfplan` output as `TfResource` records.

Records come from `planned_values` (root module and child modules, data sources
included); a resource's values are its `resource_changes[].change.after` when the plan
has one (else the `planned_values` values). What the plan marks in `after_unknown` is
`Unknown("known after apply")` with `refs` taken from the `configuration` expression of
that attribute (resources and data sources only, module path prefixed), so adapters can
still link a VM to its subnet before the subnet exists. Sensitive values
(`after_sensitive`, `sensitive_values`) are kept when the plan holds them (a sensitive
retention of 30 days is judged as 30 days, as in code), their names listed in
`TfResource.sensitive` and their texts in `TfResource.sensitive_texts` so that no message
prints them; absent ones and secrets by name (passwords, `user_data`) are
`Unknown("sensitive value")`.

Resources the plan deletes (`actions == ["delete"]`) are left out: they will not exist
after apply. Deposed objects (create-before-destroy leftovers) are left out too.

`provider_region` is the region of the provider configuration the resource uses,
followed through `provider_config_key` (all the key spellings Terraform versions write:
"aws", "aws.west", "module.db:aws", "db:aws") and module inheritance; `var.x` regions are
looked up in the plan's `variables` (or the module call's argument).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from hds_iac.lazy_pattern import LazyPattern
from hds_iac.model import Unknown, new_instance
from hds_iac.terraform.json_shape import (
    REGIONAL_PROVIDERS,
    Problems,
    any_true,
    arr,
    build_address,
    json_type,
    note_sensitive,
    obj,
    provider_type,
    split_address,
    split_record_address,
    walk_module,
)
from hds_iac.terraform.records import ReadError, TfConfiguration, TfResource
from hds_iac.terraform.region_evidence import RegionEvidence

__all__ = ["read_plan"]

AFTER_APPLY = "known after apply"
_INDEX = r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]'
_REF = LazyPattern(rf'^(?P<addr>(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:{_INDEX})?)')
_NOT_RESOURCES = frozenset({
    "var", "local", "module", "path", "count", "each", "self", "terraform", "provider",
})
_MODULE_NAME = re.compile(rf'module\.([^.\[]+)(?:{_INDEX})?')
_MODULE_SEGMENT = LazyPattern(rf'(?:^|(?<=\.))module\.[^.\[]+(?:{_INDEX})?')


def read_plan(doc: dict, display_path: str) -> TfConfiguration:
    config = TfConfiguration(path=display_path, source="plan")
    problems = Problems(display_path)
    changes, deleted = _changes(doc, problems)
    configuration = obj(doc.get("configuration"), "configuration", problems)
    cfg = _ConfigIndex(configuration, problems)
    regions = _Regions(configuration, obj(doc.get("variables"), "variables", problems), cfg,
                       problems)
    planned = obj(doc.get("planned_values"), "planned_values", problems)
    reader = _Reader(changes, cfg, regions, display_path, problems)

    seen: set[str] = set()
    for res, module in walk_module(planned.get("root_module"), "planned_values.root_module",
                                   problems):
        record = reader.record(res, module)
        if record is None:
            continue
        address = record.address
        if address in seen:
            continue
        seen.add(address)
        if address not in deleted:
            config.resources.append(record)
    # A plan should list every resource in planned_values; some writers do not.
    for address, change in changes.items():
        if address in seen or address in deleted:
            continue
        after = change["change"].get("after")
        if not isinstance(after, dict):
            continue
        res = {k: change.get(k) for k in ("address", "mode", "type", "name", "index",
                                          "provider_name")}
        res["values"] = after
        module = change.get("module_address") if isinstance(change.get("module_address"),
                                                            str) else ""
        record = reader.record(res, module)
        if record is not None:
            seen.add(record.address)
            config.resources.append(record)

    regions.evidence.apply(config.resources)
    if doc.get("errored") is True:
        problems.messages.insert(0, "Terraform reported errors while planning (errored: "
                                    "true): the plan is incomplete, only what it records "
                                    "was scanned")
    if doc.get("complete") is False:
        config.notices.append(ReadError(
            display_path, "the plan is not complete (some changes are deferred to a later "
                          "plan): deferred resources were not scanned"))
    config.errors = problems.errors()
    return config


# --- changes ---------------------------------------------------------------------------


_DELETE_ONLY = ["delete"]  # the actions of a resource the plan deletes (read only)


def _changes(doc: dict, problems: Problems) -> tuple[dict[str, dict], set[str]]:
    """Current-object changes by address, and the addresses the plan deletes."""
    changes: dict[str, dict] = {}
    deleted: set[str] = set()
    for i, rc in enumerate(arr(doc.get("resource_changes"), "resource_changes", problems)):
        if not isinstance(rc, dict):
            problems.add(f"resource_changes[{i}] is {json_type(rc)}, expected an object: "
                         "skipped")
            continue
        address = rc.get("address")
        change = rc.get("change")
        if not isinstance(address, str) or not isinstance(change, dict):
            problems.add(f"resource_changes[{i}] has no address or change: skipped")
            continue
        if rc.get("deposed"):
            continue  # an old object waiting for deletion
        actions = change.get("actions")
        if actions == _DELETE_ONLY:
            deleted.add(address)
            continue
        if not isinstance(actions, list):
            problems.add(f"resource_changes[{i}].change.actions is {json_type(actions)}, "
                         "expected a list")
        changes[address] = rc
    return changes, deleted


class _Module:
    """What the records of one module share, worked out once for all of them: its
    resource declarations and the provider type and region of each provider its resources
    name."""

    def __init__(self, address: str, cfg: "_ConfigIndex", regions: "_Regions") -> None:
        self.address = address
        self.cfg = cfg
        self.regions = regions
        self.decls = cfg.resources.get(module_names(address), {})
        self.refs = self._refs  # bound once: handed to `_merge_unknown` for every record
        # (provider name, provider_config_key, type) -> (provider type, region, the id of
        # its provider configuration): `provider_type` and `_Regions.for_resource` answers
        self.providers: dict[tuple[Any, Any, str], tuple[str, Any, int | None]] = {}

    def declaration(self, local: str) -> dict:
        """The declaration of `local` ("aws_x.y[1]", the address without its module), or
        {}: by name first. (Asked only when the module declares resources.)"""
        decls = self.decls
        return decls.get(local.split("[", 1)[0]) or decls.get(local) or _EMPTY

    def _refs(self, expr: Any) -> tuple[str, ...]:
        """The resources an expression of this module refers to (`expression_refs`)."""
        return expression_refs(expr, self.address, self.cfg)

    def provider(self, name: Any, key: Any, rtype: str) -> tuple[str, Any, int | None]:
        """The provider type of a record of type `rtype` whose plan entry names provider
        `name` and whose declaration names configuration `key`, that configuration's
        region, and its id (`_Regions.for_resource`), kept for the next record naming the
        same."""
        if name.__class__ is not str:
            name = None  # not a provider name: the type tells the provider
        if key.__class__ is not str:
            key = None  # not a configuration key: the provider's default configuration
        found = self.providers.get((name, key, rtype))
        if found is None:
            ptype = provider_type(name, rtype)
            found = self.providers[name, key, rtype] = (
                ptype, *self.regions.for_resource(self.address, key, ptype))
        return found


_EMPTY: dict = {}  # read only: an absent declaration, change or set of expressions


class _Reader:
    """The plan's resource entries into `TfResource` records."""

    def __init__(self, changes: dict[str, dict], cfg: "_ConfigIndex", regions: "_Regions",
                 display_path: str, problems: Problems) -> None:
        self.changes = changes
        self.cfg = cfg
        self.regions = regions
        self.display_path = display_path
        self.problems = problems
        self.modules: dict[str, _Module] = {}

    def module(self, address: str) -> _Module:
        found = self.modules.get(address)
        if found is None:
            found = self.modules[address] = _Module(address, self.cfg, self.regions)
        return found

    def record(self, res: dict, module: str) -> TfResource | None:
        """The record of one resource entry of `planned_values` (or one made from a
        change), listed under module `module`; None when it names no resource."""
        rtype, name = res.get("type"), res.get("name")
        mode = res.get("mode")
        if mode != "managed" and mode != "data":
            mode = "managed"
        address = res.get("address")
        if not isinstance(rtype, str) or not isinstance(name, str) or not rtype or not name:
            split = split_address(address) if isinstance(address, str) else None
            if split is None:
                self.problems.add(f"a resource without type or name ({str(address)[:80]}): "
                                  "skipped")
                return None
            local = split[1].split("[", 1)[0]
            parts = local.split(".")
            mode = "data" if parts[0] == "data" else "managed"
            rtype, name = parts[-2], parts[-1]
        index = res.get("index")
        if not isinstance(address, str) or not address:
            address = build_address(module, mode, rtype, name, index)
        split = split_record_address(address, module, mode, rtype, name, index)
        if split is None:  # an address `split_address` does not read stays whole, in the
            place, local = self.module(module), address  # module the plan lists it under
        else:
            place, local = self.module(split[0]), split[1]
        rc = self.changes.get(address)
        change = rc["change"] if rc else _EMPTY

        after = change.get("after")
        values = after if isinstance(after, dict) else res.get("values")
        if not isinstance(values, dict):
            if values is not None:
                self.problems.add(f"{address}: values are {json_type(values)}, expected an "
                                  "object")
            values = {}
        decl = place.declaration(local) if place.decls else _EMPTY
        expressions = decl.get("expressions") if decl else None
        if not isinstance(expressions, dict):
            expressions = _EMPTY
        unknown = change.get("after_unknown")
        if isinstance(unknown, dict):
            values = _merge_unknown(values, unknown, expressions, place.refs)
        sensitive = sensitive_texts = _NONE
        after_marks, own_marks = change.get("after_sensitive"), res.get("sensitive_values")
        if after_marks or own_marks:  # None, false, {}: nothing sensitive (most resources)
            values, sensitive, sensitive_texts = _sensitive(rtype, values, after_marks,
                                                            own_marks)

        ptype, region, config_id = place.provider(
            res.get("provider_name") or (rc or _EMPTY).get("provider_name"),
            decl.get("provider_config_key"), rtype)
        if isinstance(region, Unknown) and config_id is not None and \
                "region" not in expressions:
            self.regions.evidence.note(config_id, address, values,
                                       mode == "data" and rtype == "aws_region")
        # Built as TfResource(...) builds it, at a third of the cost: `__init__` called on a
        # new instance, its arguments by position (the order of TfResource's fields).
        record = new_instance(TfResource)
        TfResource.__init__(record, address, mode, rtype, name, ptype, region, values, "plan",
                            self.display_path, None, place.address, sensitive, sensitive_texts)
        return record


_NONE: frozenset[str] = frozenset()  # the sensitive names and texts of most records


def _sensitive(rtype: str, values: dict, *marks: Any
               ) -> tuple[dict, frozenset[str], frozenset[str]]:
    """`values` with what the plan's sensitive marks (`after_sensitive`, then
    `sensitive_values`) flag noted (`note_sensitive`), the sensitive names and their texts."""
    names: set[str] = set()
    texts: set[str] = set()
    for flags in marks:
        if flags:
            values = note_sensitive(rtype, values, flags, names, texts)
    return (values, frozenset(names) if names else _NONE,
            frozenset(texts) if texts else _NONE)


# --- after_unknown ----------------------------------------------------------------------


# The value of every unknown the configuration gives no reference for (most of them: ids,
# ARNs): an `Unknown` is frozen, so one serves them all.
_AFTER_APPLY = Unknown(AFTER_APPLY)


def _merge_unknown(value: Any, unknown: Any, expr: Any,
                   refs: Callable[[Any], tuple[str, ...]]) -> Any:
    """`value` with every part `unknown` flags replaced by Unknown("known after apply"),
    refs taken from the configuration expression `expr` at the same place."""
    if unknown is True:
        return _after_apply(expr, refs)
    if isinstance(unknown, dict):
        if value is None:
            value = {}
        if not isinstance(value, dict):
            return value
        out = dict(value)
        # The expression of each key (`_child_expr`), with the test of `expr` made once
        # for all its keys: a plan flags thousands of ids and ARNs, one level down.
        whole = expr if expr and _is_attribute_expr(expr) else None
        by_key = expr if whole is None and isinstance(expr, dict) else None
        for key, flag in unknown.items():
            if flag is True:  # most flags: the value itself is unknown
                sub = whole or (by_key.get(key) if by_key is not None
                                else _child_expr(expr, key))
                out[key] = _after_apply(sub, refs) if sub else _AFTER_APPLY
            elif flag and any_true(flag):
                out[key] = _merge_unknown(out.get(key), flag, _child_expr(expr, key), refs)
        return out
    if isinstance(unknown, list):
        if value is None:
            value = []
        if not isinstance(value, list):
            return value
        out_list = list(value) + [None] * max(0, len(unknown) - len(value))
        for i, flag in enumerate(unknown):
            if any_true(flag):
                out_list[i] = _merge_unknown(out_list[i], flag, _item_expr(expr, i), refs)
        return out_list
    return value


def _after_apply(expr: Any, refs: Callable[[Any], tuple[str, ...]]) -> Unknown:
    """A value known after apply, with the references of its expression `expr`."""
    found = refs(expr) if expr else ()  # no expression (None, {}, []): no reference
    return Unknown(AFTER_APPLY, found) if found else _AFTER_APPLY


def _is_attribute_expr(expr: Any) -> bool:
    return isinstance(expr, dict) and ("references" in expr or "constant_value" in expr)


def _child_expr(expr: Any, key: str) -> Any:
    if _is_attribute_expr(expr):
        return expr  # inside one expression (a map, an object): its refs hold for all parts
    if isinstance(expr, dict):
        return expr.get(key)
    if isinstance(expr, list) and len(expr) == 1 and isinstance(expr[0], dict):
        return _child_expr(expr[0], key)
    return None


def _item_expr(expr: Any, index: int) -> Any:
    if _is_attribute_expr(expr):
        return expr
    if isinstance(expr, list):
        return expr[index] if index < len(expr) else None
    return None


def expression_refs(expr: Any, module: str, cfg: "_ConfigIndex",
                    depth: int = 0) -> tuple[str, ...]:
    """Addresses of the resources and data sources an expression (or block) of module
    `module` refers to. `var.x` of a child module is followed to the module call's
    argument (`subnet_id = var.subnet_id` inside a module names the caller's subnet)."""
    raw: list[str] = []
    _collect_refs(expr, raw, 0)
    out: list[str] = []
    for ref in raw:
        if ref.startswith("var.") and module and depth < 16:
            name = ref.split(".")[1].split("[", 1)[0]
            call = cfg.call(module_names(module))
            args = call.get("expressions") if isinstance(call.get("expressions"), dict) else {}
            if name in args:
                for address in expression_refs(args[name], parent_module(module), cfg,
                                               depth + 1):
                    if address not in out:
                        out.append(address)
            continue
        address = resource_ref(ref)
        if address is None:
            continue
        if module:
            address = f"{module}.{address}"
        if address not in out:
            out.append(address)
    return tuple(out)


def _collect_refs(expr: Any, out: list[str], depth: int) -> None:
    if depth > 32:
        return
    if isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list):
            out.extend(r for r in refs if isinstance(r, str))
        for key, sub in expr.items():
            if key not in ("references", "constant_value"):
                _collect_refs(sub, out, depth + 1)
    elif isinstance(expr, list):
        for sub in expr:
            _collect_refs(sub, out, depth + 1)


def resource_ref(ref: str) -> str | None:
    """"aws_subnet.a[0].id" -> "aws_subnet.a[0]"; "var.x", "local.y", "module.m.out",
    "count.index" -> None."""
    head = ref.split(".", 1)[0].split("[", 1)[0]
    if head in _NOT_RESOURCES:
        return None
    match = _REF.match(ref)
    if not match:
        return None
    address = match.group("addr")
    if address.startswith("data.") and address.split("[", 1)[0].count(".") < 2:
        return None  # "data.TYPE" alone
    return address


# --- configuration ----------------------------------------------------------------------


@lru_cache(maxsize=4096)  # a plan has few modules, looked up twice per resource
def module_names(module: str) -> tuple[str, ...]:
    """"module.a[0].module.b" -> ("a", "b")."""
    return tuple(_MODULE_NAME.findall(module)) if module else ()


def parent_module(module: str) -> str:
    """"module.a[0].module.b" -> "module.a[0]"; "module.a" -> ""."""
    segments = list(_MODULE_SEGMENT.finditer(module))
    if not segments:
        return ""
    return module[:segments[-1].start()].rstrip(".")


class _ConfigIndex:
    """The `configuration` section: resource declarations and module calls by module path."""

    def __init__(self, configuration: dict, problems: Problems):
        self.problems = problems
        self.modules: dict[tuple[str, ...], dict] = {}
        self.resources: dict[tuple[str, ...], dict[str, dict]] = {}
        self._index(configuration.get("root_module"), (), "configuration.root_module", 0)

    def _index(self, module: Any, path: tuple[str, ...], where: str, depth: int) -> None:
        module = obj(module, where, self.problems)
        self.modules[path] = module
        decls: dict[str, dict] = {}
        for i, decl in enumerate(arr(module.get("resources"), f"{where}.resources",
                                     self.problems)):
            if isinstance(decl, dict) and isinstance(decl.get("address"), str):
                decls[decl["address"]] = decl
            elif isinstance(decl, dict) and isinstance(decl.get("type"), str):
                mode = decl.get("mode", "managed")
                decls[build_address("", mode, decl["type"], str(decl.get("name")))] = decl
            else:
                self.problems.add(f"{where}.resources[{i}] is not a resource declaration: "
                                  "skipped")
        self.resources[path] = decls
        if depth > 64:
            return
        calls = obj(module.get("module_calls"), f"{where}.module_calls", self.problems)
        for name, call in calls.items():
            call = obj(call, f"{where}.module_calls.{name}", self.problems)
            self._index(call.get("module"), path + (name,),
                        f"{where}.module_calls.{name}.module", depth + 1)

    def call(self, path: tuple[str, ...]) -> dict:
        """The module call (in its parent) that instantiates module `path`."""
        if not path:
            return {}
        parent = self.modules.get(path[:-1], {})
        calls = parent.get("module_calls") if isinstance(parent.get("module_calls"),
                                                         dict) else {}
        call = calls.get(path[-1])
        return call if isinstance(call, dict) else {}


def _inherits(entry: dict) -> bool:
    """A module's provider_config entry with no expressions and no alias is what its
    `required_providers` writes (name, version constraint): not a configuration of its own;
    the module uses its caller's default configuration, as Terraform does."""
    return not entry.get("expressions") and not entry.get("alias")


class _Regions:
    """The region of each provider configuration, cached by (key, module path)."""

    def __init__(self, configuration: dict, variables: dict, cfg: _ConfigIndex,
                 problems: Problems):
        self.providers = obj(configuration.get("provider_config"),
                             "configuration.provider_config", problems)
        self.variables = variables
        self.cfg = cfg
        # (region, the provider configuration it belongs to: its entry's id) by (key,
        # module address, provider type)
        self.cache: dict[tuple[Any, str, str], tuple[Any, int | None]] = {}
        # regions the resources of a configuration with no region in the plan prove
        self.evidence = RegionEvidence("in the plan")

    def for_resource(self, module: str, key: Any, ptype: str) -> tuple[Any, int | None]:
        """The region of the provider configuration a resource uses, and an identity of
        that configuration (resources sharing it share its region)."""
        cache_key = (key if isinstance(key, str) else None, module, ptype)
        answer = self.cache.get(cache_key)
        if answer is None:
            found = self._find(cache_key[0] or ptype, module_names(module))
            answer = self.cache[cache_key] = (self._resolve(found, ptype),
                                              id(found[0]) if found else None)
        return answer

    def _resolve(self, found: tuple[dict, tuple[str, ...]] | None, ptype: str) -> Any:
        if found is None:
            if ptype in REGIONAL_PROVIDERS:
                return Unknown(f"the plan records no region for provider {ptype}")
            return None
        entry, entry_path = found
        expressions = entry.get("expressions") if isinstance(entry.get("expressions"),
                                                             dict) else {}
        expr = expressions.get("region")
        if expr is None:
            api = expressions.get("api")  # Outscale: api { region = ... }
            if isinstance(api, list) and api and isinstance(api[0], dict):
                expr = api[0].get("region")
            elif isinstance(api, dict):
                expr = api.get("region")
        if expr is None:
            if ptype in REGIONAL_PROVIDERS:
                label = entry.get("name") if isinstance(entry.get("name"), str) else ptype
                return Unknown(f"the provider {label} configuration sets no region in the plan "
                               "(it comes from the environment or a profile)")
            return None
        return self._value(expr, entry_path, 0)

    def _find(self, key: str, path: tuple[str, ...]) -> tuple[dict, tuple[str, ...]] | None:
        """The provider_config entry for `key` as seen from module `path`, and the path of
        the module that holds it (parents are searched: modules inherit providers)."""
        entry = self.providers.get(key)
        prefix, _, local = key.rpartition(":")
        if isinstance(entry, dict):
            holder = module_names(prefix) if prefix.startswith("module.") else (
                self._path_ending(prefix, path) if prefix else ())
            if not holder or not _inherits(entry):
                return entry, holder
            path = holder[:-1]  # a module's required_providers entry: the caller's applies
        for depth in range(len(path), -1, -1):
            sub = path[:depth]
            if not sub:
                candidates = [local]
            else:
                candidates = ["module." + ".module.".join(sub) + ":" + local,
                              sub[-1] + ":" + local, ".".join(sub) + ":" + local]
            for candidate in candidates:
                entry = self.providers.get(candidate)
                if isinstance(entry, dict) and not (sub and _inherits(entry)):
                    return entry, sub
        return None

    @staticmethod
    def _path_ending(name: str, path: tuple[str, ...]) -> tuple[str, ...]:
        for depth in range(len(path), 0, -1):
            if path[depth - 1] == name:
                return path[:depth]
        return (name,)

    def _value(self, expr: Any, path: tuple[str, ...], depth: int) -> Any:
        if isinstance(expr, dict) and "constant_value" in expr:
            value = expr["constant_value"]
            if isinstance(value, str) and value:
                return value
            return Unknown("the provider region in the plan is not a region name")
        refs = expr.get("references") if isinstance(expr, dict) else None
        if isinstance(refs, list) and refs and depth < 16:
            names = {r.split(".")[1] for r in refs
                     if isinstance(r, str) and r.startswith("var.") and r.count(".") >= 1}
            if len(names) == 1 and all(isinstance(r, str) and r.startswith("var.")
                                       for r in refs):
                name = names.pop()
                if not path:
                    var = self.variables.get(name)
                    value = var.get("value") if isinstance(var, dict) else None
                    if isinstance(value, str) and value:
                        return value
                    return Unknown(f"the provider region comes from var.{name}, which has no "
                                   "value in the plan")
                call = self.cfg.call(path)
                args = call.get("expressions") if isinstance(call.get("expressions"),
                                                             dict) else {}
                if name in args:
                    return self._value(args[name], path[:-1], depth + 1)
                declared = self.cfg.modules.get(path, {}).get("variables")
                declared = declared.get(name) if isinstance(declared, dict) else None
                if isinstance(declared, dict) and isinstance(declared.get("default"), str) \
                        and declared["default"]:
                    return declared["default"]
                return Unknown(f"the provider region comes from var.{name} of module "
                               f"{'.'.join(path)}, which the plan does not record")
        return Unknown("region comes from an expression the plan does not record")
