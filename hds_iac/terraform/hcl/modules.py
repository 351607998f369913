"""A Terraform configuration as module instances: variables, locals, outputs, providers,
count/for_each instances, and the records they produce.

Everything is evaluated lazily and memoised per module instance: a value is computed the
first time something reads it (a resource attribute, another local, a provider region).
A value that depends on itself gives `Unknown("cycle ...")`. Sensitivity (a `sensitive`
variable or output) follows values through locals and outputs into resource attributes.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from hds_iac import repository
from hds_iac.model import Unknown
from hds_iac.provider_registry import TERRAFORM_REGIONAL
from hds_iac.sensitive import SECRET_NAME
from hds_iac.sensitive import texts as sensitive_texts
from hds_iac.terraform import limits
from hds_iac.terraform.hcl import files, types
from hds_iac.terraform.hcl.source_map import BlockSource
from hds_iac.terraform.hcl.expressions import (
    Context,
    EvalError,
    LazyObject,
    ParseError,
    evaluate,
    file_in_trees,
    from_hcl2,
    parse,
    plain,
    to_number,
    to_str,
    type_name,
)
from hds_iac.terraform.records import ReadError, TfResource

# Meta-arguments: not resource attributes.
RESOURCE_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner",
                 "connection"}

# Providers whose configuration carries a region; others get `provider_region=None`.
REGIONAL_PROVIDERS = TERRAFORM_REGIONAL


MAX_MODULE_DEPTH = 16

_NO_BINDING = object()
_BARE_KEY = re.compile(r"^[A-Za-z_][\w-]*$")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def _raw_traversal(raw: Any) -> str | None:
    """`'${aws.paris}'` / `'aws.paris'` / `'"aws.paris"'` -> `aws.paris`."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    text = _unquote(text)
    return text if re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)?", text) else None


def _is_block_list(raw: Any) -> bool:
    return (isinstance(raw, list) and bool(raw)
            and all(isinstance(b, dict) and b.get("__is_block__") for b in raw))


def instance_key(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


def to_node(raw: Any) -> tuple:
    """The syntax tree of a raw python-hcl2 value (an Unknown literal when unparsable)."""
    try:
        return from_hcl2(raw)
    except ParseError as exc:
        return ("lit", Unknown(f"cannot parse expression ({exc})"))
    except RecursionError:
        return ("lit", Unknown("expression nested too deeply"))


# --- parsed folders ------------------------------------------------------------------------


@dataclass
class Decl:
    """A resource, data, module, variable or output block of a folder."""

    kind: str  # "managed" | "data" | "module" | "variable" | "output"
    type: str  # resource type ("" for others)
    name: str
    body: dict
    file: str  # path on disk
    line: int | None
    # Where the block and its attributes are in the file (`source_map`): findings point at
    # the attribute that decided them.
    source: BlockSource | None = None


@dataclass
class ModuleSource:
    """The parsed .tf files of one folder."""

    dir: str
    resources: list[Decl] = field(default_factory=list)
    modules: list[Decl] = field(default_factory=list)
    variables: dict[str, Decl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    providers: dict[tuple[str, str | None], dict] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)  # local name -> provider type
    errors: list[ReadError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tf_count: int = 0

    def provider_type(self, local: str) -> str:
        return self.required.get(local, local)

    def resource_types(self, mode: str) -> set[str]:
        cache = self.__dict__.setdefault("_types", {})
        if mode not in cache:
            cache[mode] = {d.type for d in self.resources if d.kind == mode}
        return cache[mode]


def _labelled(entries: Any, depth: int) -> list[tuple[list[str], dict]]:
    """python-hcl2 block entries `{'"a"': {'"b"': body}}` -> (["a", "b"], body)."""
    out = []
    for entry in entries if isinstance(entries, list) else []:
        def walk(node: Any, labels: list[str]) -> None:
            if len(labels) == depth:
                if isinstance(node, dict):
                    out.append((labels, node))
                return
            if isinstance(node, dict):
                for key, value in node.items():
                    if not key.startswith("__"):
                        walk(value, labels + [_unquote(key)])

        walk(entry, [])
    return out


def load_source(folder: str, display: Callable[[str], str]) -> ModuleSource:
    source = ModuleSource(dir=folder)
    paths, source.skipped = files.tf_files(folder)
    source.tf_count = len(paths)
    for path in paths:
        parsed = files.parse_file(path, display(path))
        if isinstance(parsed, ReadError):
            source.errors.append(parsed)
            continue
        body = parsed.body

        def line_of(kind: str, index: int) -> int | None:
            return parsed.block(kind, index).line

        for kind, mode, depth in (("resource", "managed", 2), ("data", "data", 2)):
            for index, (labels, block) in enumerate(_labelled(body.get(kind), depth)):
                where = parsed.block(kind, index)
                source.resources.append(Decl(mode, labels[0], labels[1], block, path,
                                             where.line, where))
        for index, (labels, block) in enumerate(_labelled(body.get("module"), 1)):
            source.modules.append(Decl("module", "", labels[0], block, path,
                                       line_of("module", index)))
        for index, (labels, block) in enumerate(_labelled(body.get("variable"), 1)):
            source.variables[labels[0]] = Decl("variable", "", labels[0], block, path,
                                               line_of("variable", index))
        for index, (labels, block) in enumerate(_labelled(body.get("output"), 1)):
            source.outputs[labels[0]] = Decl("output", "", labels[0], block, path,
                                             line_of("output", index))
        for block in body.get("locals", []) or []:
            if isinstance(block, dict):
                for key, value in block.items():
                    if not key.startswith("__"):
                        source.locals[key] = value
        for labels, block in _labelled(body.get("provider"), 1):
            alias = block.get("alias")
            alias = _unquote(alias) if isinstance(alias, str) else None
            source.providers[(labels[0], alias)] = block
        for block in body.get("terraform", []) or []:
            for req in (block.get("required_providers") or []) if isinstance(block, dict) else []:
                if not isinstance(req, dict):
                    continue
                for local, spec in req.items():
                    if local.startswith("__"):
                        continue
                    src = spec.get("source") if isinstance(spec, dict) else None
                    if isinstance(src, str):
                        source.required[_unquote(local)] = _unquote(src).split("/")[-1].lower()
    return source


# --- evaluation ------------------------------------------------------------------------------


class Evaluation:
    """State shared by every module instance of one folder read."""

    def __init__(self, root_dir: str, display_base: str):
        self.root_dir = root_dir
        self.display_base = display_base
        self.sources: dict[str, ModuleSource] = {}
        self.errors: list[ReadError] = []
        self.notices: list[ReadError] = []
        # Module calls whose source could not be read (remote and not downloaded, local
        # folder missing): the scan is incomplete, and says so in every report.
        self.unread_modules: list[ReadError] = []
        self.root_values: dict[str, Any] = {}  # var name -> value (already precedence-resolved)
        self.root_raw: dict[str, str] = {}  # var name -> raw string (--var, TF_VAR_), typed later
        self.sensitivity: list[bool] = []
        self.downloaded: dict[str, str] = {}  # module key "a.b" -> folder
        # What this read has expanded so far, against the limits (hds_iac.terraform.limits).
        # Once a limit is reached, nothing more of that kind is read (one error says so).
        self.module_instances = 0
        self.resource_instances = 0
        self.modules_full = False
        self.resources_full = False
        self._reported: set[tuple[str, str]] = set()

    def room_for_resources(self, count: int, location: str) -> bool:
        """Take `count` resource instances from the root folder's limit; at the first
        block that does not fit, one error, and no block is read after it."""
        if not self.resources_full and (
                self.resource_instances + count <= limits.MAX_RESOURCE_INSTANCES):
            self.resource_instances += count
            return True
        if not self.resources_full:
            self.resources_full = True
            self.errors.append(ReadError(location, over_resource_limit()))
        return False

    def error_once(self, location: str, message: str) -> None:
        """An error reported once however many module instances run into it (a call inside
        a module instantiated 100 times is one line, not 100)."""
        if (location, message) not in self._reported:
            self._reported.add((location, message))
            self.errors.append(ReadError(location, message))

    def display(self, path: str) -> str:
        return repository.shown(path, self.display_base)

    def source(self, folder: str) -> ModuleSource:
        key = os.path.realpath(folder)
        if key not in self.sources:
            loaded = load_source(folder, self.display)
            self.sources[key] = loaded
            self.errors.extend(loaded.errors)
            for name in loaded.skipped:
                self.notices.append(ReadError(
                    self.display(os.path.join(folder, name)),
                    "override files are not merged by hds-iac: their content was not "
                    "scanned"))
        return self.sources[key]

    def config_file(self, path: str) -> str | Unknown:
        """`path` (relative to the root module, where Terraform runs) when it is a file inside
        the root folder or a module folder read; an Unknown with the reason otherwise."""
        return file_in_trees(self.root_dir, [os.path.realpath(self.root_dir), *self.sources],
                             path)

    def mark_sensitive(self) -> None:
        if self.sensitivity:
            self.sensitivity[-1] = True


class Memo:
    """Memoised lazy values with cycle detection and sensitivity tracking."""

    def __init__(self, evaluation: Evaluation):
        self.evaluation = evaluation
        self.values: dict[Any, tuple[Any, bool]] = {}
        self.running: set[Any] = set()

    def get(self, key: Any, compute: Callable[[], Any], sensitive: bool = False,
            label: str = "") -> Any:
        ev = self.evaluation
        if key in self.values:
            value, is_sensitive = self.values[key]
            if is_sensitive:
                ev.mark_sensitive()
            return value
        if key in self.running:
            return Unknown(f"cycle: {label or key} depends on itself")
        self.running.add(key)
        ev.sensitivity.append(False)
        try:
            value = compute()
        except EvalError as exc:
            value = Unknown(f"cannot evaluate {label}: {exc}" if label else f"cannot evaluate: {exc}")
        except RecursionError:
            value = Unknown(f"cannot evaluate {label}: references nested too deeply")
        finally:
            self.running.discard(key)
            touched = ev.sensitivity.pop()
        is_sensitive = touched or sensitive
        self.values[key] = (value, is_sensitive)
        if is_sensitive:
            ev.mark_sensitive()
        return value


@dataclass
class Bindings:
    """count.index / each.key / each.value of one instance (resource or module call)."""

    count_index: Any = _NO_BINDING
    each_key: Any = _NO_BINDING
    each_value: Any = _NO_BINDING


class Scope(Context):
    """What an expression in a module instance (and maybe an instance of a block) sees."""

    def __init__(self, module: "ModuleInstance", bindings: Bindings | None = None,
                 what: str = ""):
        self.module = module
        self.bindings = bindings or Bindings()
        self.what = what
        self.root_dir = module.evaluation.root_dir
        self.base_dir = module.source.dir

    def working_dir(self) -> str:
        return self.root_dir

    def config_file(self, path: str) -> str | Unknown:
        return self.module.evaluation.config_file(path)

    def lookup(self, name: str) -> Any:
        module = self.module
        if name == "var":
            return _Namespace("var", module.var_value)
        if name == "local":
            return _Namespace("local", module.local_value)
        if name == "module":
            return _Namespace("module", module.module_value)
        if name == "data":
            return _Namespace("data", lambda t: _TypeNamespace(module, "data", t))
        if name == "path":
            return {"module": module.path_module, "root": ".",
                    "cwd": os.path.abspath(module.evaluation.root_dir)}
        if name == "terraform":
            return {"workspace": Unknown("terraform.workspace depends on the workspace "
                                         "selected at apply time")}
        if name == "count":
            if self.bindings.count_index is _NO_BINDING:
                raise EvalError(f"count.index used in {self.what or 'a block'} without count")
            return {"index": self.bindings.count_index}
        if name == "each":
            if self.bindings.each_key is _NO_BINDING:
                raise EvalError(f"each used in {self.what or 'a block'} without for_each")
            return {"key": self.bindings.each_key, "value": self.bindings.each_value}
        if name in module.source.resource_types("managed"):
            return _TypeNamespace(module, "managed", name)
        if name == "self":
            raise EvalError("self is only evaluated in provisioners, which are not read")
        raise EvalError(f"unknown name {name!r}")


class _Namespace(LazyObject):
    def __init__(self, name: str, getter: Callable[[str], Any]):
        self.name = name
        self.getter = getter

    def describe(self) -> str:
        return self.name

    def get(self, name: str) -> Any:
        return self.getter(name)


class _TypeNamespace(LazyObject):
    def __init__(self, module: "ModuleInstance", mode: str, rtype: str):
        self.module, self.mode, self.rtype = module, mode, rtype

    def describe(self) -> str:
        return ("data." if self.mode == "data" else "") + self.rtype

    def get(self, name: str) -> Any:
        return self.module.resource_value(self.mode, self.rtype, name)


class ResourceInstance(LazyObject):
    """One instance of a resource or data block: configured attributes evaluate, the rest
    (ids, ARNs...) are known only after apply."""

    def __init__(self, module: "ModuleInstance", decl: Decl, key: Any, bindings: Bindings):
        self.module, self.decl, self.key, self.bindings = module, decl, key, bindings
        local = ("data." if decl.kind == "data" else "") + f"{decl.type}.{decl.name}"
        self.address = module.prefix + local + instance_key(key)
        self.scope = Scope(module, bindings, self.address)

    def describe(self) -> str:
        return self.address

    def attribute_names(self) -> list[str]:
        return [k for k in self.decl.body
                if k not in RESOURCE_META and not (k.startswith("__") and k.endswith("__"))]

    def get(self, name: str) -> Any:
        body = self.decl.body
        if name == "dynamic" or name in RESOURCE_META or name.startswith("__"):
            raise EvalError(f"{self.address} has no attribute {name!r}")
        for dyn in body.get("dynamic", []) or []:
            if isinstance(dyn, dict) and any(_unquote(k) == name for k in dyn):
                return self.module.memo.get(("attr", self.address, name),
                                            lambda: self.module.eval_blocks(body, name, self.scope),
                                            label=f"{self.address}.{name}")
        if name in body:
            return self.module.memo.get(("attr", self.address, name),
                                        lambda: self.module.eval_value(body[name], self.scope),
                                        label=f"{self.address}.{name}")
        if self.decl.kind == "data":
            return Unknown(f"{self.address}.{name} is read from the provider (not known from "
                           "the code)", (self.address,))
        return Unknown(f"{self.address}.{name} is known only after apply", (self.address,))

    def values(self) -> tuple[dict[str, Any], set[str], set[str]]:
        """Every configured attribute and nested block, the sensitive names among them, and
        the texts of their sensitive values (`hds_iac.sensitive`: masked in every message)."""
        body = self.decl.body
        values: dict[str, Any] = {}
        sensitive: set[str] = set()
        texts: set[str] = set()
        ev = self.module.evaluation
        names = self.attribute_names()
        dynamic_names = []
        for dyn in body.get("dynamic", []) or []:
            if isinstance(dyn, dict):
                dynamic_names += [_unquote(k) for k in dyn if not k.startswith("__")]
        for name in names + [n for n in dynamic_names if n not in names]:
            if name == "dynamic":
                continue
            ev.sensitivity.append(False)
            try:
                value = plain(self.get(name))
            finally:
                touched = ev.sensitivity.pop()
            values[name] = value
            if touched or SECRET_NAME.search(name):
                sensitive.add(name)
                texts |= sensitive_texts(value)
            _nested_sensitive(name, value, sensitive, texts)
        return values, sensitive, texts


def _nested_sensitive(path: str, value: Any, out: set[str], texts: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                _nested_sensitive(path, item, out, texts)
    elif isinstance(value, dict):
        for key, item in value.items():
            if SECRET_NAME.search(key):
                out.add(path)
                out.add(f"{path}.{key}")
                texts |= sensitive_texts(item)
            _nested_sensitive(f"{path}.{key}", item, out, texts)


class ModuleObject(LazyObject):
    """`module.NAME` (one instance): its outputs."""

    def __init__(self, module: "ModuleInstance"):
        self.module = module

    def describe(self) -> str:
        return self.module.prefix.rstrip(".")

    def get(self, name: str) -> Any:
        return self.module.output_value(name)

    def materialize(self) -> Any:
        return {name: self.module.output_value(name) for name in self.module.source.outputs}


@dataclass
class ProviderConfig:
    """A provider block as seen by a module instance."""

    module: "ModuleInstance"  # where the block is written (its expressions evaluate there)
    local: str
    alias: str | None
    body: dict
    type: str

    def region(self) -> Any:
        key = ("provider-region", self.local, self.alias)
        return self.module.memo.get(key, self._region, label=f"provider {self.label()} region")

    def label(self) -> str:
        return self.local + (f".{self.alias}" if self.alias else "")

    def _region(self) -> Any:
        scope = Scope(self.module, None, f"provider {self.label()}")
        raw = self.body.get("region")
        if raw is None and self.type == "outscale":
            api = self.body.get("api")
            if _is_block_list(api):
                raw = api[0].get("region")
        if raw is None:
            return no_region(self.type)
        return self.module.eval_value(raw, scope)


def no_region(provider_type: str) -> Unknown:
    return Unknown(f"no region configured for provider {provider_type} (it would come from "
                   "the environment at apply time)")


class ModuleInstance:
    """One instance of a module (the root, `module.db`, `module.app[1]`...)."""

    def __init__(self, evaluation: Evaluation, source: ModuleSource, prefix: str = "",
                 parent: "ModuleInstance | None" = None, call: Decl | None = None,
                 call_bindings: Bindings | None = None, key_path: str = "", depth: int = 0):
        self.evaluation = evaluation
        self.source = source
        self.prefix = prefix  # "" or "module.a[0]." (with the trailing dot)
        self.parent = parent
        self.call = call
        self.call_bindings = call_bindings or Bindings()
        self.key_path = key_path  # "a.b": the modules.json key (no instance keys)
        self.depth = depth
        self.memo = Memo(evaluation)
        rel = os.path.relpath(source.dir, evaluation.root_dir).replace(os.sep, "/")
        self.path_module = rel
        self.scope = Scope(self, None, prefix.rstrip(".") or "the root module")
        self._children: dict[str, Any] = {}
        self._not_read: dict[str, str] = {}  # module call name -> why it was not read

    @property
    def address(self) -> str:
        return self.prefix.rstrip(".")

    # values -------------------------------------------------------------------------------

    def eval_value(self, raw: Any, scope: Scope, env: Mapping[str, Any] | None = None) -> Any:
        """A raw python-hcl2 value. Objects and lists written literally are evaluated element
        by element, so that one bad element does not hide the others."""
        if _is_block_list(raw):
            return [self.eval_block(b, scope, env) for b in raw]
        if isinstance(raw, list):
            return [evaluate_safe_raw(self, item, scope, env) for item in raw]
        if isinstance(raw, dict):
            out: dict[str, Any] = {}
            for key, item in raw.items():
                if key.startswith("__") and key.endswith("__"):
                    continue
                key_value = evaluate(to_node(key) if not _BARE_KEY.match(key) else ("lit", key),
                                     scope, env)
                if isinstance(key_value, Unknown):
                    return key_value
                out[to_str(key_value)] = evaluate_safe_raw(self, item, scope, env)
            return out
        return evaluate(to_node(raw), scope, env)

    def eval_block(self, block: dict, scope: Scope, env: Mapping[str, Any] | None = None) -> dict:
        out: dict[str, Any] = {}
        for key, raw in block.items():
            if key.startswith("__") or key == "dynamic":
                continue
            out[key] = evaluate_safe_raw(self, raw, scope, env)
        for dyn in block.get("dynamic", []) or []:
            for name in (_unquote(k) for k in (dyn if isinstance(dyn, dict) else {})
                         if not k.startswith("__")):
                out[name] = self.eval_blocks(block, name, scope, env)
        return out

    def eval_blocks(self, body: dict, name: str, scope: Scope,
                    env: Mapping[str, Any] | None = None) -> Any:
        """Static `name` blocks followed by the expansion of `dynamic "name"` blocks."""
        result: list = []
        static = body.get(name)
        if _is_block_list(static):
            result += [self.eval_block(b, scope, env) for b in static]
        for dyn in body.get("dynamic", []) or []:
            if not isinstance(dyn, dict):
                continue
            for label, spec in dyn.items():
                if _unquote(label) != name or not isinstance(spec, dict):
                    continue
                expanded = self._expand_dynamic(name, spec, scope, env)
                if isinstance(expanded, Unknown):
                    return expanded
                result += expanded
        return result

    def _expand_dynamic(self, name: str, spec: dict, scope: Scope,
                        env: Mapping[str, Any] | None) -> Any:
        iterator = _raw_traversal(spec.get("iterator")) or name
        collection = evaluate_safe_raw(self, spec.get("for_each"), scope, env)
        if isinstance(collection, LazyObject):
            collection = collection.materialize()
        if isinstance(collection, Unknown):
            return Unknown(f"dynamic block {name}: for_each is not known ({collection.reason})",
                           collection.refs)
        if collection is None:
            return []
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Unknown(f"dynamic block {name}: for_each is a {type_name(collection)}")
        contents = spec.get("content")
        if not _is_block_list(contents):
            return []
        out = []
        for key, value in pairs:
            inner = dict(env or {})
            inner[iterator] = {"key": key, "value": value}
            out.append(self.eval_block(contents[0], scope, inner))
        return out

    def var_value(self, name: str) -> Any:
        decl = self.source.variables.get(name)
        if decl is None:
            raise EvalError(f"var.{name} is not declared in {self.address or 'the root module'}")
        sensitive = decl.body.get("sensitive") is True
        return self.memo.get(("var", name), lambda: self._var(decl), sensitive=sensitive,
                             label=f"var.{name}")

    def _var(self, decl: Decl) -> Any:
        name, body = decl.name, decl.body
        var_type = _variable_type(name, body.get("type"))
        if isinstance(var_type, Unknown):
            var_type = None  # a constraint we cannot read: the value is taken as given
        value: Any = _MISSING
        if self.parent is None:
            if name in self.evaluation.root_raw:
                value = _typed_raw(name, self.evaluation.root_raw[name], var_type)
            elif name in self.evaluation.root_values:
                value = self.evaluation.root_values[name]
        elif self.call is not None and name in self.call.body:
            value = self.parent.memo.get(
                ("call-arg", self.prefix, name),
                lambda: self.parent.eval_value(self.call.body[name],
                                               Scope(self.parent, self.call_bindings,
                                                     f"module {self.call.name}")),
                label=f"{self.address}: argument {name}")
        nullable = body.get("nullable", True) is not False
        if value is _MISSING or (value is None and not nullable):
            if "default" in body:
                return _convert(name, evaluate(to_node(body["default"]), self.scope), var_type)
            if self.parent is None:
                return Unknown(f"var.{name} has no value (no default, not set in tfvars or --var)")
            return Unknown(f"var.{name} of {self.address} has no value (no default, not passed "
                           "by the module call)")
        return _convert(name, value, var_type)

    def local_value(self, name: str) -> Any:
        if name not in self.source.locals:
            raise EvalError(f"local.{name} is not defined in {self.address or 'the root module'}")
        return self.memo.get(("local", name),
                             lambda: self.eval_value(self.source.locals[name], self.scope),
                             label=f"local.{name}")

    def output_value(self, name: str) -> Any:
        decl = self.source.outputs.get(name)
        if decl is None:
            raise EvalError(f"{self.address} has no output {name!r}")
        return self.memo.get(("output", name),
                             lambda: self.eval_value(decl.body.get("value"), self.scope),
                             sensitive=decl.body.get("sensitive") is True,
                             label=f"{self.address}.{name}")

    # resources ----------------------------------------------------------------------------

    def find_decl(self, mode: str, rtype: str, name: str) -> Decl | None:
        for decl in self.source.resources:
            if decl.kind == mode and decl.type == rtype and decl.name == name:
                return decl
        return None

    def expansion(self, decl: Decl) -> Any:
        """[(key, Bindings)] for a resource or module call, or an Unknown."""
        what = (f"module.{decl.name}" if decl.kind == "module" else
                ("data." if decl.kind == "data" else "") + f"{decl.type}.{decl.name}")
        return self.memo.get(("expand", decl.kind, decl.type, decl.name),
                             lambda: _expand(self, decl, what), label=f"{what} count/for_each")

    def instances(self, decl: Decl) -> dict[Any, ResourceInstance] | Unknown | None:
        """The instances of a resource block; None when the root folder's instance limit
        was reached before it (an error says so once)."""
        expansion = self.expansion(decl)
        if isinstance(expansion, Unknown):
            return expansion
        key = ("instances", decl.kind, decl.type, decl.name)
        if key not in self._children:
            ev = self.evaluation
            if not ev.room_for_resources(len(expansion), _location(ev, decl)):
                self._children[key] = None
            else:
                ev.resource_instances += len(expansion)
                self._children[key] = {k: ResourceInstance(self, decl, k, b)
                                       for k, b in expansion}
        return self._children[key]

    def resource_value(self, mode: str, rtype: str, name: str) -> Any:
        decl = self.find_decl(mode, rtype, name)
        local = ("data." if mode == "data" else "") + f"{rtype}.{name}"
        if decl is None:
            raise EvalError(f"{local} is not declared in {self.address or 'the root module'}")
        instances = self.instances(decl)
        address = self.prefix + local
        if instances is None:
            return Unknown(f"{address} was not read ({over_resource_limit()})", (address,))
        if isinstance(instances, Unknown):
            return Unknown(f"the instances of {address} are not known ({instances.reason})",
                           (address,) + tuple(r for r in instances.refs if r != address))
        if "count" in decl.body:
            return list(instances.values())
        if "for_each" in decl.body:
            return dict(instances)
        return instances.get(None) or next(iter(instances.values()))

    # module calls ---------------------------------------------------------------------------

    def module_decl(self, name: str) -> Decl | None:
        return next((d for d in self.source.modules if d.name == name), None)

    def children(self, decl: Decl) -> dict[Any, "ModuleInstance"] | Unknown | None:
        """The instances of a module call (None when its source cannot be read)."""
        key = ("module", decl.name)
        if key in self._children:
            return self._children[key]
        folder = self._module_folder(decl)
        result: Any
        if folder is None:
            result = None
        else:
            expansion = self.expansion(decl)
            if isinstance(expansion, Unknown):
                result = expansion
            elif not self._room_for_modules(decl, len(expansion)):
                result = None
            else:
                result = {}
                for k, bindings in expansion:
                    result[k] = self._child(decl, folder, k, bindings)
        self._children[key] = result
        return result

    def _room_for_modules(self, decl: Decl, count: int) -> bool:
        """Can `count` more module instances be read? (The limit bounds the fan-out of
        nested calls, which the depth limit alone does not: ten calls of ten instances,
        six levels deep, are a million instances.)"""
        ev = self.evaluation
        if not ev.modules_full and ev.module_instances + count <= limits.MAX_MODULE_INSTANCES:
            return True
        if not ev.modules_full:
            ev.modules_full = True
            ev.errors.append(ReadError(
                _location(ev, decl), f"module {decl.name!r}: more than "
                f"{limits.MAX_MODULE_INSTANCES} module instances in this root folder: this "
                "call and the calls read after it were not read (see Limits in the README)"))
        self._not_read[decl.name] = (f"more than {limits.MAX_MODULE_INSTANCES} module "
                                     "instances in the root folder")
        return False

    def _child(self, decl: Decl, folder: str, key: Any, bindings: Bindings) -> "ModuleInstance":
        self.evaluation.module_instances += 1
        prefix = f"{self.prefix}module.{decl.name}{instance_key(key)}."
        key_path = f"{self.key_path}.{decl.name}" if self.key_path else decl.name
        return ModuleInstance(self.evaluation, self.evaluation.source(folder), prefix, self, decl,
                              bindings, key_path, self.depth + 1)

    def _module_folder(self, decl: Decl) -> str | None:
        ev = self.evaluation
        raw = decl.body.get("source")
        where = f"{self.prefix}module.{decl.name}"
        location = f"{ev.display(decl.file)}:{decl.line}" if decl.line else ev.display(decl.file)
        if not isinstance(raw, str) or not raw.startswith('"'):
            ev.errors.append(ReadError(location, f"{where}: source must be a literal string"))
            return None
        source = _unquote(raw)
        if self.depth >= MAX_MODULE_DEPTH:
            ev.error_once(location, f"module {decl.name!r}: modules nested more than "
                                    f"{MAX_MODULE_DEPTH} deep: not read")
            self._not_read[decl.name] = f"modules nested more than {MAX_MODULE_DEPTH} deep"
            return None
        key_path = f"{self.key_path}.{decl.name}" if self.key_path else decl.name
        if re.match(r"^\.\.?(/|\\|$)", source):
            folder = os.path.normpath(os.path.join(self.source.dir, source))
            if not os.path.isdir(folder):
                return self._unread(location, f"{where}: source {source!r} is not a folder")
            if not files.tf_files(folder)[0]:
                return self._unread(location, f"{where}: source {source!r} has no .tf files")
            return None if self._cycle(decl, source, folder, location) else folder
        downloaded = ev.downloaded.get(key_path)
        if downloaded and os.path.isdir(downloaded):
            return None if self._cycle(decl, source, downloaded, location) else downloaded
        return self._unread(location, f"{where}: source {source!r} is not local and not "
                                      "downloaded (run terraform init)")

    def _unread(self, location: str, why: str) -> None:
        """Record a module call that was not read: never a silent gap in the scan."""
        self.evaluation.unread_modules.append(
            ReadError(location, f"{why}: module call not read, its resources were not scanned"))
        return None

    def _cycle(self, decl: Decl, source: str, folder: str, location: str) -> bool:
        """Is `folder` already on the call path (this module or one that called it)? Then
        the call is one error, not an expansion: Terraform itself rejects module cycles,
        and expanding one multiplies instances at every level."""
        target = os.path.realpath(folder)
        path: list[str] = []
        module: ModuleInstance | None = self
        while module is not None:
            path.append(self.evaluation.display(module.source.dir) or ".")
            if os.path.realpath(module.source.dir) == target:
                chain = " -> ".join(reversed(path))
                self.evaluation.error_once(
                    location, f"module {decl.name!r}: source {source!r} is the folder "
                              f"{path[-1]!r}, already on the call path ({chain} -> "
                              f"{path[-1]}): a module cycle, not read")
                self._not_read[decl.name] = "a module cycle"
                return True
            module = module.parent
        return False

    def module_value(self, name: str) -> Any:
        decl = self.module_decl(name)
        if decl is None:
            raise EvalError(f"module.{name} is not declared in {self.address or 'the root module'}")
        children = self.children(decl)
        address = f"{self.prefix}module.{name}"
        if children is None:
            why = self._not_read.get(name, "its source is not available")
            return Unknown(f"{address} was not read ({why})", (address,))
        if isinstance(children, Unknown):
            return Unknown(f"the instances of {address} are not known ({children.reason})",
                           (address,) + children.refs)
        if "count" in decl.body:
            return [ModuleObject(c) for c in children.values()]
        if "for_each" in decl.body:
            return {k: ModuleObject(c) for k, c in children.items()}
        return ModuleObject(next(iter(children.values())))

    # providers -------------------------------------------------------------------------------

    def provider_config(self, local: str, alias: str | None) -> ProviderConfig | None:
        memo_key = ("provider-config", local, alias)
        if memo_key in self._children:
            return self._children[memo_key]
        found = self._find_provider(local, alias)
        self._children[memo_key] = found
        return found

    def _find_provider(self, local: str, alias: str | None) -> ProviderConfig | None:
        ptype = self.source.provider_type(local)
        body = self.source.providers.get((local, alias))
        if body is not None:
            return ProviderConfig(self, local, alias, body, ptype)
        if self.parent is None or self.call is None:
            return None
        passed = self.call.body.get("providers")
        wanted = local + (f".{alias}" if alias else "")
        if isinstance(passed, dict):
            for child_key, parent_ref in passed.items():
                if child_key.startswith("__"):
                    continue
                if _raw_traversal(child_key) == wanted or _unquote(child_key) == wanted:
                    target = _raw_traversal(parent_ref)
                    if target is None:
                        return None
                    p_local, _, p_alias = target.partition(".")
                    return self.parent.provider_config(p_local, p_alias or None)
        if alias is not None:
            return None
        # implicit inheritance of the caller's default configuration, matched by type
        parent_local = next((l for l, t in self.parent.source.required.items() if t == ptype), ptype)
        return self.parent.provider_config(parent_local, None)

    # records ----------------------------------------------------------------------------------

    def records(self, out: list[TfResource]) -> None:
        ev = self.evaluation
        for decl in self.source.resources:
            instances = self.instances(decl)
            if instances is None:
                continue
            if isinstance(instances, Unknown):
                local = ("data." if decl.kind == "data" else "") + f"{decl.type}.{decl.name}"
                meta, bindings = _unknown_repetition(decl, f"{self.prefix}{local}", instances)
                ev.notices.append(ReadError(
                    _location(ev, decl),
                    f"{self.prefix}{local}: {meta} is not known ({instances.reason}); read as "
                    f"one instance whose {'count.index' if meta == 'count' else 'each.key/each.value'} "
                    "is unknown"))
                if not ev.room_for_resources(1, _location(ev, decl)):
                    continue
                instances = {None: ResourceInstance(self, decl, None, bindings)}
            for instance in instances.values():
                try:
                    out.append(self._record(instance))
                except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the read
                    ev.errors.append(ReadError(
                        _location(ev, decl), f"{instance.address}: internal error while reading "
                                             f"this block ({type(exc).__name__}); please report it"))
        for decl in self.source.modules:
            children = self.children(decl)
            if children is None:
                continue
            if isinstance(children, Unknown):
                meta, bindings = _unknown_repetition(decl, f"{self.prefix}module.{decl.name}",
                                                     children)
                ev.notices.append(ReadError(
                    _location(ev, decl),
                    f"{self.prefix}module.{decl.name}: {meta} is not known ({children.reason}); "
                    "its resources are read as one instance"))
                folder = self._module_folder(decl)
                if folder is None or not self._room_for_modules(decl, 1):
                    continue
                children = {None: self._child(decl, folder, None, bindings)}
                self._children[("module", decl.name)] = children
            for child in children.values():
                child.records(out)

    def _record(self, instance: ResourceInstance) -> TfResource:
        decl = instance.decl
        ev = self.evaluation
        values, sensitive, texts = instance.values()
        local, alias = decl.type.split("_", 1)[0], None
        explicit = _raw_traversal(decl.body.get("provider"))
        if explicit:
            local, _, alias_text = explicit.partition(".")
            alias = alias_text or None
        ptype = self.source.provider_type(local)
        config = self.provider_config(local, alias)
        region: Any
        if ptype not in REGIONAL_PROVIDERS:
            region = None
        elif config is None:
            region = (Unknown(f"provider {local}.{alias} is not configured for {instance.address}")
                      if alias else no_region(ptype))
        else:
            ev.sensitivity.append(False)
            try:
                region = plain(config.region())
            finally:
                if ev.sensitivity.pop():  # a region from a sensitive variable
                    texts |= sensitive_texts(region)
            if region is not None and not isinstance(region, (str, Unknown)):
                region = Unknown(f"the region of provider {config.label()} is not a string")
            elif region is None:
                region = no_region(ptype)
        return TfResource(
            address=instance.address, mode=decl.kind, type=decl.type, name=decl.name,
            provider=ptype, provider_region=region, values=values, source="hcl",
            file=ev.display(decl.file), line=decl.line, module=self.address,
            sensitive=frozenset(sensitive), sensitive_texts=frozenset(texts),
            end_line=decl.source.end_line if decl.source else None,
            attribute_lines=decl.source.attributes if decl.source else {},
        )


_MISSING = object()


def over_resource_limit() -> str:
    return (f"more than {limits.MAX_RESOURCE_INSTANCES} resource instances in this root "
            "folder: this block and the blocks read after it were not read (see Limits in "
            "the README)")


def _unknown_repetition(decl: Decl, address: str, unknown: Unknown) -> tuple[str, Bindings]:
    """A block whose `count` or `for_each` is not known, read as one instance: which of the
    two it is, and the bindings (`count.index`, or `each.key`/`each.value`) left unknown."""
    meta = "count" if "count" in decl.body else "for_each"
    reason = Unknown(f"{meta} of {address} is not known", unknown.refs)
    return meta, (Bindings(count_index=reason) if meta == "count"
                  else Bindings(each_key=reason, each_value=reason))


def _location(ev: Evaluation, decl: Decl) -> str:
    return f"{ev.display(decl.file)}:{decl.line}" if decl.line else ev.display(decl.file)


def evaluate_safe_raw(module: ModuleInstance, raw: Any, scope: Scope,
                      env: Mapping[str, Any] | None = None) -> Any:
    try:
        return module.eval_value(raw, scope, env)
    except EvalError as exc:
        return Unknown(f"cannot evaluate: {exc}")
    except RecursionError:
        return Unknown("cannot evaluate: references nested too deeply")


def _expand(module: ModuleInstance, decl: Decl, what: str) -> Any:
    body = decl.body
    scope = Scope(module, None, what)
    if "count" in body:
        count = module.eval_value(body["count"], scope)
        if isinstance(count, Unknown):
            return count
        number = to_number(count)
        if isinstance(number, float) and not number.is_integer() or number < 0:
            raise EvalError(f"count must be a whole number >= 0, got {count!r}")
        _within_limit(module, decl, what, number)
        return [(i, Bindings(count_index=i)) for i in range(int(number))]
    if "for_each" in body:
        each = module.eval_value(body["for_each"], scope)
        if isinstance(each, LazyObject):
            each = each.materialize()
        if isinstance(each, Unknown):
            return each
        if each is None:
            raise EvalError("for_each is null")
        if isinstance(each, (dict, list)):
            _within_limit(module, decl, what, len(each))
        if isinstance(each, dict):
            return [(k, Bindings(each_key=k, each_value=each[k])) for k in sorted(each)]
        if isinstance(each, list):
            unknown = next((v for v in each if isinstance(v, Unknown)), None)
            if unknown is not None:
                return unknown
            keys = []
            for value in each:
                if not isinstance(value, str):
                    raise EvalError(f"for_each over a set needs strings, got a {type_name(value)}")
                if value not in keys:
                    keys.append(value)
            return [(k, Bindings(each_key=k, each_value=k)) for k in sorted(keys)]
        raise EvalError(f"for_each must be a map or a set of strings, got a {type_name(each)}")
    return [(None, Bindings())]


def _within_limit(module: ModuleInstance, decl: Decl, what: str, number: float) -> None:
    """A count or for_each over the root folder's whole instance limit is one error, and
    the block is read as one instance (checked before the instances are built: a `count`
    of 10**8 must not cost gigabytes)."""
    limit = (limits.MAX_MODULE_INSTANCES if decl.kind == "module"
             else limits.MAX_RESOURCE_INSTANCES)
    if number > limit:
        message = (f"{what}: {number:.0f} instances, over the limit of {limit} "
                   f"{'module' if decl.kind == 'module' else 'resource'} instances per root "
                   "folder (see Limits in the README)")
        module.evaluation.error_once(_location(module.evaluation, decl), message)
        raise EvalError(message)


def _variable_type(name: str, raw: Any) -> Any:
    """The parsed type constraint of a variable (None: none given; Unknown: unreadable)."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    try:
        return types.parse_type(text)
    except types.TypeSyntaxError as exc:
        return Unknown(f"var.{name}: type constraint not understood ({exc})")


def _typed_raw(name: str, raw: str, var_type: Any) -> Any:
    """A --var / TF_VAR_ string: literal for string (or untyped) variables, else HCL."""
    if var_type in (None, "string"):
        return raw
    try:
        return evaluate(parse(raw), Context())
    except (ParseError, EvalError) as exc:
        return Unknown(f"var.{name}: the value given on the command line or in TF_VAR_{name} "
                       f"is not a valid {types.describe(var_type)} "
                       f"({str(exc).splitlines()[0][:80]})")


def _convert(name: str, value: Any, var_type: Any) -> Any:
    """Terraform's conversion of a variable's value to its type constraint (optional
    attributes and their defaults included); a mismatch is an Unknown naming it."""
    try:
        return types.convert(value, var_type)
    except EvalError as exc:
        return Unknown(f"var.{name} does not match its type {types.describe(var_type)} ({exc})")


# --- root variables --------------------------------------------------------------------------


def root_variables(ev: Evaluation, root: ModuleSource, var_files: Sequence[str],
                   variables: Mapping[str, str], environ: Mapping[str, str]) -> None:
    """Fill `ev.root_values` / `ev.root_raw` with Terraform's precedence (lowest first):
    TF_VAR_ environment, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in
    name order, --var-file files, then --var values."""
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}

    def set_raw(name: str, text: str) -> None:
        raw[name] = text
        values.pop(name, None)

    def load(path: str, display: str, required: bool) -> None:
        if not os.path.exists(path):
            if required:
                ev.errors.append(ReadError(display, "variables file not found"))
            return
        loaded = files.read_tfvars(path, display)
        if isinstance(loaded, ReadError):
            ev.errors.append(loaded)
            return
        data, kind = loaded
        for name, value in data.items():
            raw.pop(name, None)
            if kind == "json":
                values[name] = value
            else:
                try:
                    values[name] = evaluate(to_node(value), Context())
                except EvalError as exc:
                    values[name] = Unknown(f"var.{name} in {display}: {exc}")

    for name in root.variables:
        if f"TF_VAR_{name}" in environ:
            set_raw(name, environ[f"TF_VAR_{name}"])
    folder = root.dir
    load(os.path.join(folder, "terraform.tfvars"), ev.display(os.path.join(folder, "terraform.tfvars")), False)
    load(os.path.join(folder, "terraform.tfvars.json"),
         ev.display(os.path.join(folder, "terraform.tfvars.json")), False)
    try:
        autos = sorted(n for n in os.listdir(folder)
                       if n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json"))
    except OSError:
        autos = []
    for name in autos:
        load(os.path.join(folder, name), ev.display(os.path.join(folder, name)), False)
    for path in var_files:
        load(path, path, True)
    for name, text in variables.items():
        set_raw(name, text)
    ev.root_values = values
    ev.root_raw = raw


def downloaded_modules(root_dir: str) -> dict[str, str]:
    """`.terraform/modules/modules.json`: module key ("a.b") -> downloaded folder."""
    path = os.path.join(root_dir, ".terraform", "modules", "modules.json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    out = {}
    for entry in data.get("Modules", []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("Key") and isinstance(entry.get("Dir"), str):
            out[entry["Key"]] = os.path.normpath(os.path.join(root_dir, entry["Dir"]))
    return out
