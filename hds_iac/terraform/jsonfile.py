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

What the plan and state readers share (the walker over `root_module`/`child_modules`,
masking of sensitive values, provider types and regions, address building) is in
`json_shape`, which both readers import and this module does not need: the readers never
import the module that dispatches to them.
"""
from __future__ import annotations

import codecs
import json
import os
import re
from typing import Any

from hds_iac.gc_generations import built_as_old_objects
from hds_iac.terraform import limits
from hds_iac.terraform.plan import read_plan
from hds_iac.terraform.records import ReadError, TfConfiguration
from hds_iac.terraform.state import read_show_state, read_state

__all__ = ["read_json_input", "read_json_data", "looks_like_json_input"]

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 4096


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
        return _loads_as_old_objects(text)
    except json.JSONDecodeError as exc:
        first = text.lstrip()[:1]
        if first not in ("{", "["):
            hint = _not_json_hint(text)
            raise InputProblem(f"not JSON{hint}: not a Terraform plan or state") from None
        raise InputProblem(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputProblem(limits.json_too_deep()) from None


def _loads_as_old_objects(text: str) -> Any:
    """`json.loads(text)`, its objects handed straight to the cyclic collector's oldest
    generation (`gc_generations`): a parsed document is a tree (no reference cycle:
    reference counting frees it), yet the young-generation passes of the collector walked
    its containers again and again while it was built: 70 passes and a third of the
    parse's CPU on the benchmark's 5,000-resource plan."""
    with built_as_old_objects():
        return json.loads(text)


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
        text = decode(data)
        del data
        doc = parse(text)
        del text
        if limits.json_depth_over(doc):
            raise InputProblem(limits.json_too_deep())
        kind = kind_of(doc)
    except InputProblem as exc:
        config.errors.append(ReadError(display_path, str(exc)))
        return config
    meta = json_input_facts(doc, digest)
    try:
        if kind == "plan":
            read = read_plan(doc, display_path)
        else:
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
