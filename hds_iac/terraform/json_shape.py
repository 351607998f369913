"""What the plan and state readers share: the walker over the `root_module` /
`child_modules` shape (plan `planned_values` and `show -json` state `values`), shape
problems, masking of sensitive values, provider types and regions, address building.

`jsonfile` recognises a JSON input and hands it to `plan` or `state`; both readers take
their common pieces from here, so no reader imports the dispatcher.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator

from hds_iac.model import Unknown
from hds_iac.provider_registry import TERRAFORM_REGIONAL
from hds_iac.sensitive import SECRET_NAME, SECRET_TYPE
from hds_iac.sensitive import texts as sensitive_texts
from hds_iac.terraform.records import ReadError

SENSITIVE = "sensitive value"
_MAX_SENSITIVE_DEPTH = 64
STATE_REGION = "a state file does not record the provider region"

# Providers whose configuration carries a region (one list for every reader).
REGIONAL_PROVIDERS = TERRAFORM_REGIONAL

_MAX_PROBLEMS = 5

# --- shared by the plan and state readers --------------------------------------------


class Problems:
    """Shape errors found inside a file (a list where an object is expected...).

    Each becomes one `ReadError` line; after a few, the rest are counted in one line.
    """

    def __init__(self, path: str):
        self.path = path
        self.messages: list[str] = []
        self.dropped = 0

    def add(self, message: str) -> None:
        if message in self.messages:
            return
        if len(self.messages) < _MAX_PROBLEMS:
            self.messages.append(message)
        else:
            self.dropped += 1

    def errors(self) -> list[ReadError]:
        out = [ReadError(self.path, m) for m in self.messages]
        if self.dropped:
            out.append(ReadError(self.path, f"{self.dropped} more malformed entries skipped"))
        return out


def json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def obj(value: Any, where: str, problems: Problems, optional: bool = True) -> dict:
    """`value` if it is an object; else {} and a problem (None is fine when optional)."""
    if isinstance(value, dict):
        return value
    if value is None and optional:
        return {}
    problems.add(f"{where} is {json_type(value)}, expected an object: skipped")
    return {}


def arr(value: Any, where: str, problems: Problems) -> list:
    if isinstance(value, list):
        return value
    if value is None:
        return []
    problems.add(f"{where} is {json_type(value)}, expected a list: skipped")
    return []


def walk_module(module: Any, where: str, problems: Problems,
                depth: int = 0) -> Iterator[tuple[dict, str]]:
    """Every resource object of a `root_module`/`child_modules` tree, with its module
    address ("" at root, "module.a[0].module.b").

    Shared by plan `planned_values` and `terraform show -json` state `values`.
    """
    module = obj(module, where, problems)
    address = module.get("address") if depth else ""
    if not isinstance(address, str):
        address = ""
    for i, res in enumerate(arr(module.get("resources"), f"{where}.resources", problems)):
        if isinstance(res, dict):
            yield res, address
        else:
            problems.add(f"{where}.resources[{i}] is {json_type(res)}, expected an object: "
                         "skipped")
    if depth > 64:
        problems.add(f"{where}: modules nested too deeply: skipped")
        return
    for i, child in enumerate(arr(module.get("child_modules"), f"{where}.child_modules",
                                  problems)):
        yield from walk_module(child, f"{where}.child_modules[{i}]", problems, depth + 1)


def index_suffix(key: Any) -> str:
    """`[0]` or `["k"]` as Terraform writes instance keys; "" for no key."""
    if key is None:
        return ""
    if isinstance(key, bool):
        return f"[{json.dumps(key)}]"
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(str(key), ensure_ascii=False)}]"


def build_address(module: str, mode: str, rtype: str, name: str, key: Any = None) -> str:
    local = f"{'data.' if mode == 'data' else ''}{rtype}.{name}{index_suffix(key)}"
    return f"{module}.{local}" if module else local


_ADDRESS = re.compile(
    r'^(?P<module>(?:module\.[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)*)'
    r'(?P<data>data\.)?(?P<type>[^.\[]+)\.(?P<name>[^.\[]+)'
    r'(?P<index>\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?$')


def split_address(address: str) -> tuple[str, str] | None:
    """`module.a[0].aws_x.y[1]` -> ("module.a[0]", "aws_x.y[1]"); None if not an address."""
    match = _ADDRESS.match(address)
    if not match:
        return None
    end = match.end("module")  # the module part starts the address: its end splits it
    return address[:end - 1] if end else "", address[end:]


@lru_cache(maxsize=1024)  # a plan or state has a few modules
def plain_module(module: str) -> bool:
    """Does `split_address` split every `MODULE.TYPE.NAME` and `MODULE.TYPE.NAME[N]` (a type
    and name without dots or "[", an integer key) at the end of `module` ("" at root,
    "module.a[0].module.b")? So when it splits `MODULE.t.n` there: the pattern then reads
    `module` as module segments up to its end, and no reading ends anywhere else (after
    it, a segment would leave a name alone, without its type; before it, the rest would
    hold more dots than a resource address). `tests/test_plan_reader.py` checks it on
    addresses full of quotes, brackets and backslashes."""
    return not module or split_address(f"{module}.t.n") == (module, "t.n")


def plain_local(address: str, module: str, mode: str, rtype: str, name: str,
                key: Any) -> str | None:
    """`split_address(address)[1]` when `address` is the plain address of the resource of
    `mode`, `rtype`, `name` and instance key `key` (None or an integer) in `module`, which
    must be `plain_module`: then its module is `module`, with no pattern to run (most
    records of a plan or a `show -json` state); None when it is not (split it)."""
    if "." in name or "[" in name or "." in rtype or "[" in rtype:
        return None
    local = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
    if key is not None:
        if key.__class__ is not int:  # a string key is quoted and escaped; True is no index
            return None
        local = f"{local}[{key}]"
    if address != (f"{module}.{local}" if module else local):
        return None
    return local


def split_record_address(address: str, module: str, mode: str, rtype: str, name: str,
                         key: Any) -> tuple[str, str] | None:
    """`split_address(address)` for the record of `mode`, `rtype`, `name` and instance key
    `key` listed under `module`: at once, without the pattern, when `address` is that
    record's own plain address there (`plain_local`, most records of a plan or a `show
    -json` state)."""
    if plain_module(module):
        local = plain_local(address, module, mode, rtype, name, key)
        if local is not None:
            return module, local
    return split_address(address)


def provider_type(name: Any, resource_type: str = "") -> str:
    """"registry.terraform.io/hashicorp/aws" / "aws" / `provider["..."].alias` -> "aws"."""
    if isinstance(name, str) and name:
        last = _provider_of(name)
        if last:
            return last
    return resource_type.split("_", 1)[0] if resource_type else ""


@lru_cache(maxsize=256)  # a plan names a few providers, once per resource
def _provider_of(name: str) -> str:
    """The provider type a non-empty provider name gives ("" when none)."""
    match = re.search(r'provider\["([^"]+)"\]', name)
    if match:
        name = match.group(1)
    else:
        match = re.match(r'^(?:module\.[^.]+\.)*provider\.([\w-]+)', name)
        if match:
            name = match.group(1)
    last = name.rsplit("/", 1)[-1]
    return last.split(".", 1)[0] if "/" not in name else last


def state_region(ptype: str) -> Unknown | None:
    """A state's `provider_region`: unknown for regional providers, None for the others."""
    return Unknown(STATE_REGION) if ptype in REGIONAL_PROVIDERS else None


def note_sensitive(rtype: str, values: dict, marks: Any, names: set[str],
                   found: set[str]) -> dict:
    """`mask_sensitive` for one record of type `rtype`, `marks` being a structure of flags
    or `true` for the whole object. The sensitive values of a secret type
    (`random_password`, `tls_private_key`...) are all hidden: nothing reads them."""
    if marks is True:
        marks = {key: True for key in values}
    if not isinstance(marks, dict):
        return values
    return mask_sensitive(values, marks, "", names, found, hide=bool(SECRET_TYPE.search(rtype)))


def mask_sensitive(values: Any, marks: Any, path: str, names: set[str],
                   found: set[str], hide: bool = False) -> Any:
    """`values` with what `marks` flags (true, or a nested structure of flags as in
    `after_sensitive`/`sensitive_values`) noted as sensitive: the flagged top-level names
    and dotted paths are added to `names`, the texts of the flagged values to `found`.
    A flagged value is kept, to be judged like the same value in code (`hds_iac.sensitive`
    masks it in every message), unless its name says it is a secret (passwords, tokens,
    `user_data`: no rule reads them) or it is absent: then it is Unknown("sensitive value")."""
    if marks is True:
        return _flagged(values, path, names, found, hide)
    if isinstance(marks, dict) and isinstance(values, dict):
        out = dict(values)
        for key, mark in marks.items():
            if not any_true(mark):
                continue
            sub = f"{path}.{key}" if path else str(key)
            if key in out:
                out[key] = mask_sensitive(out[key], mark, sub, names, found, hide)
            elif mark is True:  # a sensitive value the file leaves out
                out[key] = Unknown(SENSITIVE)
                names.add(sub)
                names.add(sub.split(".", 1)[0])
        return out
    if isinstance(marks, list) and isinstance(values, list):
        out_list = list(values)
        for i, mark in enumerate(marks[:len(out_list)]):
            if any_true(mark):
                out_list[i] = mask_sensitive(out_list[i], mark, path, names, found, hide)
        return out_list
    if any_true(marks) and path:
        # A shape we cannot follow (a mark structure for a scalar): the whole value is sensitive.
        return _flagged(values, path, names, found, hide)
    return values


def _flagged(value: Any, path: str, names: set[str], found: set[str], hide: bool) -> Any:
    """One value the input marks sensitive, at `path` ("" for the whole object)."""
    if path:
        names.add(path)
        names.add(path.split(".", 1)[0])
    if hide:
        return value if isinstance(value, Unknown) else Unknown(SENSITIVE)
    kept = _without_secrets(value, path)
    found |= sensitive_texts(kept)
    return kept


def _without_secrets(value: Any, path: str, depth: int = 0) -> Any:
    """`value` with the parts whose name says they are secrets made Unknown (too deep a
    structure is hidden whole rather than walked)."""
    if isinstance(value, Unknown):
        return value
    if SECRET_NAME.search(path) or depth > _MAX_SENSITIVE_DEPTH:
        return Unknown(SENSITIVE)
    if isinstance(value, dict):
        return {k: _without_secrets(v, f"{path}.{k}", depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v, path, depth + 1) for v in value]
    return value


def any_true(marks: Any) -> bool:
    """Does a structure of flags (after_unknown, after_sensitive...) flag anything?"""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(any_true(m) for m in marks.values())
    if isinstance(marks, list):
        return any(any_true(m) for m in marks)
    return False
