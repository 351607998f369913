"""Terraform JSON inputs: plans and states, recognised by their content.

`read_json_input(path, display_path)` reads one file and hands it to the right reader:

- a plan written by `terraform show -json tfplan` (`planned_values`, `resource_changes`)
  -> `hds_iac.terraform.plan`;
- a state written by `terraform show -json` (top-level `values.root_module`), or a raw
  state file (`terraform.tfstate`, format 4: `resources[].instances[]`)
  -> `hds_iac.terraform.state`.

The file name means nothing (a plan may be called `plan.out.json`, a state `prod.json`).
Encodings: UTF-8 with or without BOM, UTF-16/UTF-32 with BOM (Windows shells write
`terraform show -json tfplan > plan.json` as UTF-16), and BOM-less UTF-16 when the
file starts with `{`. Anything that cannot be read becomes one `ReadError` line, never
an exception.

This module also holds what the plan and state readers share: the walker over the
`root_module`/`child_modules` shape (plan `planned_values` and `show -json` state
`values`), masking of sensitive values, provider types and regions, address building.
"""
from __future__ import annotations

import codecs
import json
import os
import re
from typing import Any, Iterator

from hds_iac.model import Unknown
from hds_iac.sensitive import SECRET_NAME, SECRET_TYPE
from hds_iac.sensitive import texts as sensitive_texts
from hds_iac.terraform import limits
from hds_iac.terraform.records import ReadError, TfConfiguration

__all__ = ["read_json_input", "read_json_data", "looks_like_json_input"]

SENSITIVE = "sensitive value"
_MAX_SENSITIVE_DEPTH = 64
STATE_REGION = "a state file does not record the provider region"

# Providers whose configuration carries a region (the attribute the region lives in).
# Other providers (azurerm: location per resource; kubernetes, random, null...) have no
# provider region: `provider_region` is None for them unless the plan records one.
REGIONAL_PROVIDERS = frozenset({
    "aws", "outscale", "google", "google-beta", "alicloud", "huaweicloud",
    "flexibleengine", "openstack", "scaleway", "oci", "ibm", "tencentcloud",
    "yandex", "exoscale", "ovh", "upcloud", "linode", "digitalocean",
})

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 4096
_MAX_PROBLEMS = 5


# --- reading and detection ----------------------------------------------------------


class InputProblem(Exception):
    """A file that cannot be read as JSON: the message is the one line for the user."""


def _encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if len(head) >= 2 and head[1] == 0 and head[0] != 0:
        return "utf-16-le"  # BOM-less UTF-16: "{\0"
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """The text of a JSON file, whatever of the usual encodings it is in."""
    if not data.strip():
        raise InputProblem("empty file: not a Terraform plan or state")
    if data.startswith(b"PK\x03\x04"):
        raise InputProblem(
            "a binary plan file (terraform plan -out): convert it with "
            "`terraform show -json PLANFILE > plan.json` and scan that")
    encoding = _encoding(data[:4])
    if encoding is None:
        if b"\0" in data[:_SNIFF_BYTES]:
            raise InputProblem("a binary file, not a Terraform plan or state (JSON)")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            raise InputProblem(
                f"not UTF-8 or UTF-16 text (invalid byte at offset {exc.start}): not a "
                "Terraform plan or state") from None
        raise InputProblem(f"invalid {encoding.upper()} text at byte {exc.start}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputProblem("empty file: not a Terraform plan or state")
    if "\0" in text:
        raise InputProblem("a binary file, not a Terraform plan or state (JSON)")
    return text


def parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        first = text.lstrip()[:1]
        if first not in ("{", "["):
            hint = _not_json_hint(text)
            raise InputProblem(f"not JSON{hint}: not a Terraform plan or state") from None
        raise InputProblem(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputProblem(limits.json_too_deep()) from None


def _not_json_hint(text: str) -> str:
    head = text.lstrip()[:200]
    if re.match(r'(resource|provider|terraform|module|variable|data|locals)\s*("|\{)', head):
        return " (Terraform code in HCL: scan its folder)"
    return ""


def looks_like_json_input(path: str) -> bool:
    """Cheap sniff: does the file start like a JSON object (any supported encoding)?"""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except (OSError, ValueError):
        return False
    if not head:
        return False
    encoding = _encoding(head[:4]) or "utf-8"
    try:
        text = head.decode(encoding, errors="ignore")
    except LookupError:  # pragma: no cover - every name above exists
        return False
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def kind_of(doc: Any) -> str:
    """"plan", "show-state", "state", or raises InputProblem saying what the JSON is."""
    if not isinstance(doc, dict):
        what = {list: "a JSON array", str: "a JSON string", bool: "a JSON boolean",
                type(None): "JSON null"}.get(type(doc), "a JSON number")
        raise InputProblem(f"{what}, not a Terraform plan or state")
    if "planned_values" in doc or "resource_changes" in doc:
        return "plan"
    values = doc.get("values")
    if isinstance(values, dict) and "root_module" in values:
        return "show-state"
    if "format_version" in doc and ("values" in doc or set(doc) <= {
            "format_version", "terraform_version"}):
        return "show-state"  # `terraform show -json` of an empty state: format_version only
    if (isinstance(doc.get("resources"), list) and (
            "lineage" in doc or "serial" in doc or "terraform_version" in doc)) or (
            "lineage" in doc and "serial" in doc and "modules" not in doc):
        version = doc.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version != 4:
            raise InputProblem(
                f"a Terraform state of format version {version}: only format 4 "
                "(Terraform 0.12 and later) is read; run `terraform show -json` on it")
        return "state"
    if isinstance(doc.get("modules"), list) and "version" in doc:
        raise InputProblem(
            f"a Terraform state of format version {doc.get('version')} (Terraform 0.11 or "
            "older): only format 4 (Terraform 0.12 and later) is read")
    if "format_version" in doc and "terraform_version" in doc and "configuration" in doc:
        return "plan"  # a plan with nothing planned may omit both keys
    raise InputProblem(f"{_describe(doc)}, not a Terraform plan or state")


def _describe(doc: dict) -> str:
    schema = str(doc.get("$schema", ""))
    if "deploymentTemplate" in schema or "deploymentParameters" in schema or (
            "contentVersion" in doc and "resources" in doc):
        return "an ARM template"
    if "AWSTemplateFormatVersion" in doc or isinstance(doc.get("Resources"), dict):
        return "a CloudFormation template"
    if "provider_schemas" in doc:
        return "provider schemas (terraform providers schema -json)"
    if "apiVersion" in doc and "kind" in doc:
        return "a Kubernetes manifest"
    if any(k in doc for k in ("resource", "provider", "module", "variable", "terraform")):
        return "Terraform code in JSON syntax (*.tf.json: scan its folder)"
    if "format_version" in doc and "terraform_version" in doc:
        return "Terraform JSON output of an unknown kind"
    keys = ", ".join(list(doc)[:4])
    return f"JSON with keys {keys}" if keys else "an empty JSON object"


def read_json_input(path: str, display_path: str) -> TfConfiguration:
    """Every resource and data source instance of the plan or state at `path`.

    Never raises: problems become `ReadError(display_path, message)` in `errors`.
    """
    config = TfConfiguration(path=display_path, source="plan")
    try:
        with open(path, "rb") as handle:
            problem = limits.too_big(os.fstat(handle.fileno()).st_size,
                                     limits.MAX_JSON_FILE_BYTES, "plans and states")
            data = b"" if problem else handle.read(limits.MAX_JSON_FILE_BYTES + 1)
            problem = problem or limits.too_big(len(data), limits.MAX_JSON_FILE_BYTES,
                                                "plans and states")
    except FileNotFoundError:
        config.errors.append(ReadError(display_path, "no such file (it may have been moved "
                                                     "or deleted during the scan)"))
        return config
    except IsADirectoryError:
        config.errors.append(ReadError(display_path, "a folder, not a plan or state file"))
        return config
    except PermissionError:
        config.errors.append(ReadError(display_path, "cannot read: permission denied"))
        return config
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        config.errors.append(ReadError(display_path, f"cannot read: {reason}"))
        return config
    if problem:
        config.errors.append(ReadError(display_path, problem))
        return config
    return read_json_data(data, display_path)


def read_json_data(data: bytes, display_path: str) -> TfConfiguration:
    """The plan or state held in `data` (a file's bytes, or an object read from a remote
    state backend), named `display_path` in errors. Never raises."""
    config = TfConfiguration(path=display_path, source="plan")
    problem = limits.too_big(len(data), limits.MAX_JSON_FILE_BYTES, "plans and states")
    if problem:
        config.errors.append(ReadError(display_path, problem))
        return config
    from hds_iac.provenance import json_input_facts, sha256_bytes

    digest = sha256_bytes(data)
    try:
        doc = parse(decode(data))
        del data
        if limits.json_depth_over(doc):
            raise InputProblem(limits.json_too_deep())
        kind = kind_of(doc)
    except InputProblem as exc:
        config.errors.append(ReadError(display_path, str(exc)))
        return config
    meta = json_input_facts(doc, digest)
    try:
        if kind == "plan":
            from hds_iac.terraform.plan import read_plan
            read = read_plan(doc, display_path)
        else:
            from hds_iac.terraform.state import read_show_state, read_state
            read = (read_show_state if kind == "show-state" else read_state)(doc, display_path)
        notice = format_version_notice(doc, kind)
        if notice:
            read.notices.insert(0, ReadError(display_path, notice))
        read.meta = meta
        return read
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the scan
        config.source = "state" if kind != "plan" else "plan"
        config.errors.append(ReadError(
            display_path, f"internal error while reading this {_KIND_NAMES[kind]} "
                          f"({type(exc).__name__}); please report it"))
        return config


_KIND_NAMES = {"plan": "plan", "show-state": "state", "state": "state"}

# The major version of `terraform show -json`'s format_version that the readers know
# (Terraform 0.12 to 1.x write 0.1, 0.2 and 1.0 to 1.2; 0.x documents share 1.x's shape).
KNOWN_FORMAT_MAJORS = ("0", "1")


def format_version_notice(doc: dict, kind: str) -> str | None:
    """A notice when a plan or `show -json` state declares a format whose major version
    the readers do not know: it is read as 1.x, but a renamed or moved field would be
    missed, and the user must know that rather than get a silent partial read."""
    if kind == "state" or "format_version" not in doc:
        return None
    version = doc["format_version"]
    what = _KIND_NAMES[kind]
    if not isinstance(version, str) or not re.fullmatch(r"\d+(\.\d+)*", version):
        shown = json.dumps(version, ensure_ascii=True)[:40]
        return (f"format_version {shown} is not a version number: read as a {what} of "
                "format 1.x; fields of another format may be missed")
    major = version.split(".", 1)[0].lstrip("0") or "0"
    if major in KNOWN_FORMAT_MAJORS:
        return None
    return (f"format_version {version[:20]}: hds-iac reads {what}s of format 1.x; read as "
            "1.x, fields this format renamed or moved are missed (update hds-iac)")


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
    module = match.group("module")[:-1] if match.group("module") else ""
    return module, address[len(match.group("module")):]


def provider_type(name: Any, resource_type: str = "") -> str:
    """"registry.terraform.io/hashicorp/aws" / "aws" / `provider["..."].alias` -> "aws"."""
    if isinstance(name, str) and name:
        match = re.search(r'provider\["([^"]+)"\]', name)
        if match:
            name = match.group(1)
        else:
            match = re.match(r'^(?:module\.[^.]+\.)*provider\.([\w-]+)', name)
            if match:
                name = match.group(1)
        last = name.rsplit("/", 1)[-1]
        last = last.split(".", 1)[0] if "/" not in name else last
        if last:
            return last
    return resource_type.split("_", 1)[0] if resource_type else ""


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
