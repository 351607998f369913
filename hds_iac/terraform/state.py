"""The state readers: Terraform states as `TfResource` records (`source="state"`).

Two shapes:
- a raw state file (`terraform.tfstate`, format 4): `resources[]` with `mode`, `type`,
  `name`, `module`, `provider` (`provider["registry.terraform.io/outscale/outscale"]`,
  `module.x.provider["..."].alias`) and `instances[]` (`index_key`, `attributes`,
  `sensitive_attributes`);
- `terraform show -json` of a state: `values.root_module`, the same shape as a plan's
  `planned_values` (read by the walker the plan reader uses).

A state records ids, ARNs and zones but not the region of the provider configuration:
for providers that have regions, a raw state's region is the one the zones and ARNs of the
resources of the same provider configuration prove (`region_evidence`), else
`Unknown("a state file does not record the provider region")`. Sensitive attributes are
kept and judged as in a plan (`json_shape.mask_sensitive`: texts recorded so that no message
prints them; secrets by name become `Unknown("sensitive value")`). Deposed objects are
left out.
"""
from __future__ import annotations

from typing import Any

from hds_iac.terraform.json_shape import (
    Problems,
    arr,
    build_address,
    json_type,
    note_sensitive,
    obj,
    provider_type,
    split_record_address,
    state_region,
    walk_module,
)
from hds_iac.terraform.records import TfConfiguration, TfResource
from hds_iac.terraform.region_evidence import RegionEvidence

__all__ = ["read_state", "read_show_state"]


def read_state(doc: dict, display_path: str) -> TfConfiguration:
    """A raw state file (format 4)."""
    config = TfConfiguration(path=display_path, source="state")
    problems = Problems(display_path)
    evidence = RegionEvidence("in a state file")
    seen: set[str] = set()
    for i, res in enumerate(arr(doc.get("resources"), "resources", problems)):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            problems.add(f"{where} is {json_type(res)}, expected an object: skipped")
            continue
        rtype, name = res.get("type"), res.get("name")
        if not isinstance(rtype, str) or not isinstance(name, str) or not rtype or not name:
            problems.add(f"{where} has no type or name: skipped")
            continue
        mode = "data" if res.get("mode") == "data" else "managed"
        module = res.get("module") if isinstance(res.get("module"), str) else ""
        ptype = provider_type(res.get("provider"), rtype)
        region = state_region(ptype)
        for j, inst in enumerate(arr(res.get("instances"), f"{where}.instances", problems)):
            if not isinstance(inst, dict):
                problems.add(f"{where}.instances[{j}] is {json_type(inst)}, expected an "
                             "object: skipped")
                continue
            if inst.get("deposed"):
                continue  # an old object waiting for deletion
            key = inst.get("index_key")
            address = build_address(module, mode, rtype, name, key)
            if address in seen:
                continue
            seen.add(address)
            values = inst.get("attributes")
            if values is None and isinstance(inst.get("attributes_flat"), dict):
                values = inst["attributes_flat"]  # legacy flatmap: keys such as "tags.%"
            if not isinstance(values, dict):
                if values is not None:
                    problems.add(f"{address}: attributes are {json_type(values)}, expected "
                                 "an object")
                values = {}
            names: set[str] = set()
            texts: set[str] = set()
            values = _mask_state_sensitive(rtype, values, inst.get("sensitive_attributes"),
                                           names, texts)
            if region is not None:
                # resources naming the same provider configuration share its region
                evidence.note(str(res.get("provider")), address, values,
                              mode == "data" and rtype == "aws_region")
            config.resources.append(TfResource(
                address=address, mode=mode, type=rtype, name=name, provider=ptype,
                provider_region=region, values=values, source="state", file=display_path,
                line=None, module=module, sensitive=frozenset(names),
                sensitive_texts=frozenset(texts),
            ))
    evidence.apply(config.resources)
    config.errors = problems.errors()
    return config


def read_show_state(doc: dict, display_path: str) -> TfConfiguration:
    """`terraform show -json` of a state: `values.root_module`."""
    config = TfConfiguration(path=display_path, source="state")
    problems = Problems(display_path)
    values_section = obj(doc.get("values"), "values", problems)
    seen: set[str] = set()
    for res, module in walk_module(values_section.get("root_module"), "values.root_module",
                                   problems):
        if res.get("deposed_key"):
            continue
        rtype, name = res.get("type"), res.get("name")
        address = res.get("address")
        if not isinstance(rtype, str) or not isinstance(name, str) or not rtype or not name:
            problems.add(f"a resource without type or name ({str(address)[:80]}): skipped")
            continue
        mode = "data" if res.get("mode") == "data" else "managed"
        index = res.get("index")
        if not isinstance(address, str) or not address:
            address = build_address(module, mode, rtype, name, index)
        split = split_record_address(address, module, mode, rtype, name, index)
        if split is not None:
            module = split[0]
        if address in seen:
            continue
        seen.add(address)
        values = res.get("values")
        if not isinstance(values, dict):
            if values is not None:
                problems.add(f"{address}: values are {json_type(values)}, expected an object")
            values = {}
        names: set[str] = set()
        texts: set[str] = set()
        values = note_sensitive(rtype, values, res.get("sensitive_values"), names, texts)
        ptype = provider_type(res.get("provider_name"), rtype)
        # No inference here: `show -json` names a resource's provider, not its provider
        # configuration, so a London alias could take the region a Paris zone proves.
        config.resources.append(TfResource(
            address=address, mode=mode, type=rtype, name=name, provider=ptype,
            provider_region=state_region(ptype), values=values, source="state",
            file=display_path, line=None, module=module, sensitive=frozenset(names),
            sensitive_texts=frozenset(texts),
        ))
    config.errors = problems.errors()
    return config


# --- sensitive_attributes ---------------------------------------------------------------


def _mask_state_sensitive(rtype: str, values: dict, marks: Any, names: set[str],
                          texts: set[str]) -> dict:
    """Note the paths of a format-4 `sensitive_attributes` list (each path a list of
    steps `{"type": "get_attr", "value": "password"}` / `{"type": "index", "value":
    {"value": 0, "type": "number"}}`) as sensitive, as `mask_sensitive` does for a
    `sensitive_values`-like object (also accepted here): kept and their texts recorded,
    secrets by name hidden. A path that cannot be followed makes its whole top-level
    attribute sensitive."""
    if isinstance(marks, dict):
        return note_sensitive(rtype, values, marks, names, texts)
    if not isinstance(marks, list) or not marks:
        return values
    tree: dict = {}
    for path in marks:
        steps = path if isinstance(path, list) else [path]
        keys = [_step_key(s) for s in steps]
        if not keys or not isinstance(keys[0], str) or keys[0] not in values:
            continue
        _mark_path(tree, keys, values)
    return note_sensitive(rtype, values, tree, names, texts)


def _step_key(step: Any) -> Any:
    if not isinstance(step, dict):
        return None
    value = step.get("value")
    if step.get("type") == "get_attr":
        return value if isinstance(value, str) else None
    if step.get("type") == "index":
        inner = value.get("value") if isinstance(value, dict) else value
        return inner if isinstance(inner, (str, int)) and not isinstance(inner, bool) else None
    return None


def _mark_path(tree: dict, keys: list[Any], values: dict) -> None:
    """Add one path to a `sensitive_values`-like structure of marks (maps for objects and
    maps, lists for lists); a path that does not follow `values` marks its top level."""
    node: Any = values
    for key in keys:
        if isinstance(node, dict) and isinstance(key, str) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            tree[keys[0]] = True
            return
    marks: Any = tree
    node = values
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        child = node[key]
        current = marks.get(key) if isinstance(marks, dict) else marks[key]
        if current is True:
            return  # already marked whole
        if last:
            new: Any = True
        elif isinstance(current, (dict, list)):
            new = current
        else:
            new = {} if isinstance(child, dict) else [None] * len(child)
        marks[key] = new
        marks, node = new, child
