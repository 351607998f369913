"""Terraform built-in functions, the common ones.

Each function receives evaluated arguments. Unless a function is marked as accepting
partly-known collections ("shallow"), any `Unknown` anywhere in its arguments makes the
result that Unknown (refs merged). A function not listed here evaluates to
`Unknown("function X is not evaluated")`, never to a guess. `try` and `can` receive their
arguments unevaluated so that an error in one argument can be caught.
"""
from __future__ import annotations

import base64
import json
import math
import ipaddress
import os
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable

from hds_iac.model import Unknown
from hds_iac.terraform.hcl.values import (
    Context,
    EvalError,
    LazyObject,
    deep_unknown,
    norm_number,
    plain,
    shallow_unknown,
    to_bool,
    to_number,
    to_str,
    type_name,
)

MAX_FILE_BYTES = 4 * 1024 * 1024

_REGISTRY: dict[str, tuple[Callable, bool, bool]] = {}  # name -> (fn, shallow, wants_ctx)


def _fn(name: str, shallow: bool = False, ctx: bool = False):
    def register(fn: Callable) -> Callable:
        _REGISTRY[name] = (fn, shallow, ctx)
        return fn

    return register


# Functions that need the evaluator (templatefile) register themselves from `expressions`.
register = _fn


def call(name: str, args: list[Any], ctx: Context) -> Any:
    if name == "jsonencode" and len(args) == 1:
        arg = args[0].materialize() if isinstance(args[0], LazyObject) else args[0]
        return arg if isinstance(arg, Unknown) else _jsonencode_partial(arg)
    entry = _REGISTRY.get(name)
    if entry is None:
        return Unknown(f"function {name} is not evaluated")
    fn, shallow, wants_ctx = entry
    args = [a.materialize() if isinstance(a, LazyObject) else a for a in args]
    unknown = shallow_unknown(*args) if shallow else deep_unknown(*args)
    if unknown is not None:
        return unknown
    try:
        return fn(ctx, *args) if wants_ctx else fn(*args)
    except TypeError as exc:
        if "positional argument" in str(exc) or "argument" in str(exc):
            raise EvalError(f"{name}(): wrong number of arguments") from None
        raise EvalError(f"{name}(): {exc}") from None
    except (ValueError, KeyError, IndexError, OverflowError) as exc:
        raise EvalError(f"{name}(): {exc}") from None


# --- helpers -----------------------------------------------------------------------------


def _list(value: Any, fname: str) -> list:
    if isinstance(value, list):
        return value
    raise EvalError(f"{fname}(): expected a list, got a {type_name(value)}")


def as_map(value: Any, fname: str) -> dict:
    if isinstance(value, dict):
        return value
    raise EvalError(f"{fname}(): expected a map or object, got a {type_name(value)}")


def _int(value: Any) -> int:
    number = to_number(value)
    if isinstance(number, float) and not number.is_integer():
        raise EvalError(f"{number} is not a whole number")
    return int(number)


def as_set(values: list) -> list:
    """Terraform sets: distinct elements, strings in lexical order."""
    out: list = []
    for value in values:
        if value not in out:
            out.append(value)
    if all(isinstance(v, str) for v in out):
        out.sort()
    return out


# --- collections ---------------------------------------------------------------------------


@_fn("length", shallow=True)
def _length(value):
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise EvalError(f"length(): a {type_name(value)} has no length")


@_fn("concat", shallow=True)
def _concat(*lists):
    out: list = []
    for value in lists:
        out.extend(_list(value, "concat"))
    return out


@_fn("merge", shallow=True)
def _merge(*maps):
    out: dict = {}
    for value in maps:
        if value is None:
            continue
        out.update(as_map(value, "merge"))
    return out


@_fn("lookup", shallow=True)
def _lookup(mapping, key, *default):
    mapping = as_map(mapping, "lookup")
    key = to_str(key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"lookup(): key {json.dumps(key)} not found and no default given")


@_fn("element", shallow=True)
def _element(values, index):
    values = _list(values, "element")
    if not values:
        raise EvalError("element(): the list is empty")
    return values[_int(index) % len(values)]


@_fn("slice", shallow=True)
def _slice(values, start, end):
    values = _list(values, "slice")
    start, end = _int(start), _int(end)
    if not 0 <= start <= end <= len(values):
        raise EvalError(f"slice(): indexes {start}..{end} out of range")
    return values[start:end]


@_fn("flatten", shallow=True)
def _flatten(values):
    out: list = []

    def walk(items):
        for item in items:
            if isinstance(item, Unknown):
                raise _Partial(item)
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item)

    try:
        walk(_list(values, "flatten"))
    except _Partial as partial:
        return partial.unknown
    return out


class _Partial(Exception):
    def __init__(self, unknown: Unknown):
        super().__init__(unknown.reason)
        self.unknown = unknown


@_fn("keys", shallow=True)
def _keys(mapping):
    return sorted(as_map(mapping, "keys"))


@_fn("values", shallow=True)
def _values(mapping):
    mapping = as_map(mapping, "values")
    return [mapping[k] for k in sorted(mapping)]


@_fn("zipmap", shallow=True)
def _zipmap(keys, values):
    keys, values = _list(keys, "zipmap"), _list(values, "zipmap")
    unknown = deep_unknown(keys)
    if unknown is not None:
        return unknown
    if len(keys) != len(values):
        raise EvalError("zipmap(): the lists have different lengths")
    return {to_str(k): v for k, v in zip(keys, values)}


@_fn("tolist", shallow=True)
def _tolist(values):
    return list(_list(values, "tolist"))


@_fn("toset")
def _toset(values):
    return as_set(_list(values, "toset"))


@_fn("tomap", shallow=True)
def _tomap(mapping):
    return dict(as_map(mapping, "tomap"))


@_fn("one", shallow=True)
def _one(values):
    values = _list(values, "one")
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    raise EvalError(f"one(): the list has {len(values)} elements")


@_fn("reverse", shallow=True)
def _reverse(values):
    return list(reversed(_list(values, "reverse")))


@_fn("coalesce", shallow=True)
def _coalesce(*values):
    for value in values:
        if value is not None and value != "":
            return value
    raise EvalError("coalesce(): no non-null, non-empty argument")


@_fn("coalescelist", shallow=True)
def _coalescelist(*values):
    for value in values:
        if _list(value, "coalescelist"):
            return value
    raise EvalError("coalescelist(): every list is empty")


@_fn("compact")
def _compact(values):
    return [v for v in _list(values, "compact") if v is not None and v != ""]


@_fn("distinct")
def _distinct(values):
    out: list = []
    for value in _list(values, "distinct"):
        if value not in out:
            out.append(value)
    return out


@_fn("contains")
def _contains(values, value):
    return value in _list(values, "contains")


@_fn("index")
def _index(values, value):
    values = _list(values, "index")
    if value not in values:
        raise EvalError("index(): the value is not in the list")
    return values.index(value)


@_fn("sort")
def _sort(values):
    return sorted(to_str(v) for v in _list(values, "sort"))


@_fn("range")
def _range(*args):
    numbers = [to_number(a) for a in args]
    if len(numbers) == 1:
        start, end, step = 0, numbers[0], 1
    elif len(numbers) == 2:
        start, end, step = numbers[0], numbers[1], 1 if numbers[1] >= numbers[0] else -1
    elif len(numbers) == 3:
        start, end, step = numbers
    else:
        raise EvalError("range(): takes one to three arguments")
    if step == 0:
        raise EvalError("range(): step must not be zero")
    out, value = [], start
    while (value < end) if step > 0 else (value > end):
        out.append(norm_number(value))
        value += step
        if len(out) > 1024:
            raise EvalError("range(): more than 1024 elements")
    return out


@_fn("alltrue")
def _alltrue(values):
    return all(to_bool(v) for v in _list(values, "alltrue"))


@_fn("anytrue")
def _anytrue(values):
    return any(to_bool(v) for v in _list(values, "anytrue"))


# --- numbers --------------------------------------------------------------------------------


@_fn("min")
def _min(*values):
    if not values:
        raise EvalError("min(): no arguments")
    return min(to_number(v) for v in values)


@_fn("max")
def _max(*values):
    if not values:
        raise EvalError("max(): no arguments")
    return max(to_number(v) for v in values)


@_fn("abs")
def _abs(value):
    return abs(to_number(value))


@_fn("ceil")
def _ceil(value):
    return math.ceil(to_number(value))


@_fn("floor")
def _floor(value):
    return math.floor(to_number(value))


@_fn("sum")
def _sum(values):
    return norm_number(sum(to_number(v) for v in _list(values, "sum")))


# --- strings --------------------------------------------------------------------------------


_FORMAT_VERB = re.compile(r"%([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def _format_one(spec: str, args: list, position: list[int]) -> str:
    match = _FORMAT_VERB.fullmatch(spec)
    flags, width, precision, verb = match.groups()
    if verb == "%":
        return "%"
    if position[0] >= len(args):
        raise EvalError("format(): not enough arguments")
    value = args[position[0]]
    position[0] += 1
    if verb in ("s", "v"):
        text = to_str(value) if verb == "s" or not isinstance(value, (list, dict)) else \
            _jsonencode(value)
        py = "%" + flags.replace("#", "") + (width or "") + (f".{precision}" if precision else "") + "s"
        return py % text
    if verb == "q":
        return json.dumps(to_str(value), ensure_ascii=False)
    if verb == "t":
        return "true" if to_bool(value) else "false"
    if verb in ("d", "f", "e", "g", "x", "X", "o", "b"):
        number = to_number(value)
        if verb in ("d", "x", "X", "o", "b"):
            if isinstance(number, float) and not number.is_integer():
                raise EvalError(f"format(): {number} is not a whole number for %{verb}")
            number = int(number)
            if verb == "b":
                return format(number, "b")
        py = "%" + flags + (width or "") + (f".{precision}" if precision else "") + verb
        return py % number
    raise EvalError(f"format(): verb %{verb} is not supported")


def _format_text(fmt: str, args: list) -> str:
    position = [0]
    return _FORMAT_VERB.sub(lambda m: _format_one(m.group(0), args, position), fmt)


@_fn("format")
def _format(fmt, *args):
    return _format_text(to_str(fmt), list(args))


@_fn("formatlist")
def _formatlist(fmt, *args):
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist(): the lists have different lengths")
    count = lengths.pop() if lengths else 1
    return [_format_text(to_str(fmt), [a[i] if isinstance(a, list) else a for a in args])
            for i in range(count)]


@_fn("join")
def _join(separator, *lists):
    items: list[str] = []
    for value in lists:
        items.extend(to_str(v) for v in _list(value, "join"))
    return to_str(separator).join(items)


@_fn("split")
def _split(separator, text):
    text = to_str(text)
    if text == "":
        return [""]
    return text.split(to_str(separator))


@_fn("lower")
def _lower(text):
    return to_str(text).lower()


@_fn("upper")
def _upper(text):
    return to_str(text).upper()


@_fn("title")
def _title(text):
    return re.sub(r"\b\w", lambda m: m.group().upper(), to_str(text))


@_fn("replace")
def _replace(text, search, replacement):
    text, search, replacement = to_str(text), to_str(search), to_str(replacement)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        pattern = compile_regex(search[1:-1], text, "replace")
        if isinstance(pattern, Unknown):
            return pattern
        python_repl = re.sub(r"\$\{?(\d+)\}?", r"\\g<\1>", replacement.replace("\\", "\\\\"))
        return pattern.sub(python_repl, text)
    return text.replace(search, replacement)


@_fn("trimspace")
def _trimspace(text):
    return to_str(text).strip()


@_fn("trim")
def _trim(text, chars):
    return to_str(text).strip(to_str(chars))


@_fn("trimprefix")
def _trimprefix(text, prefix):
    text, prefix = to_str(text), to_str(prefix)
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


@_fn("trimsuffix")
def _trimsuffix(text, suffix):
    text, suffix = to_str(text), to_str(suffix)
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text


@_fn("substr")
def _substr(text, offset, length):
    text, offset, length = to_str(text), _int(offset), _int(length)
    if offset < 0:
        offset = max(len(text) + offset, 0)
    if offset > len(text):
        raise EvalError("substr(): offset beyond the end of the string")
    return text[offset:] if length < 0 else text[offset:offset + length]


@_fn("startswith")
def _startswith(text, prefix):
    return to_str(text).startswith(to_str(prefix))


@_fn("endswith")
def _endswith(text, suffix):
    return to_str(text).endswith(to_str(suffix))


@_fn("strcontains")
def _strcontains(text, part):
    return to_str(part) in to_str(text)


@_fn("base64encode")
def _base64encode(text):
    return base64.b64encode(to_str(text).encode()).decode()


# --- type conversions ----------------------------------------------------------------------


@_fn("tostring")
def _tostring(value):
    return None if value is None else to_str(value)


@_fn("tonumber")
def _tonumber(value):
    return None if value is None else to_number(value)


@_fn("tobool")
def _tobool(value):
    return None if value is None else to_bool(value)


# --- encoding -------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, float):
        return norm_number(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, eq=False)
class EncodedUnknown(Unknown):
    """`jsonencode(x)` where parts of `x` are unknown: still an Unknown (the string is not
    known), but `decoded` keeps `x` (Unknown leaves) so that an adapter can read the known
    parts of a policy (its Effect and Condition) when only a Resource ARN is unknown."""

    decoded: Any = None


def _jsonencode_partial(value):
    unknown = deep_unknown(value)
    if unknown is None:
        return _jsonencode(value)
    return EncodedUnknown(unknown.reason, unknown.refs, decoded=_jsonable(value))


@_fn("jsonencode")
def _jsonencode(value):
    """As Terraform writes it: sorted keys, no spaces, HTML characters escaped (Go style)."""
    text = json.dumps(_jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@_fn("jsondecode")
def _jsondecode(text):
    try:
        return _jsonable(json.loads(to_str(text), parse_float=lambda s: norm_number(float(s))))
    except json.JSONDecodeError as exc:
        raise EvalError(f"jsondecode(): invalid JSON ({exc.msg} at line {exc.lineno})") from None


# --- files and paths ---------------------------------------------------------------------------
# Terraform evaluates these at plan time on the configuration's own files; hds-iac reads
# only files inside the configuration (Context.config_file) and at most MAX_FILE_BYTES.


def read_config_file(ctx: Context, path: str, fname: str) -> str | Unknown:
    full = ctx.config_file(path)
    if isinstance(full, Unknown):
        return Unknown(f"{fname}(): {full.reason}")
    try:
        if os.path.getsize(full) > MAX_FILE_BYTES:
            return Unknown(f"{fname}({path!r}): the file is larger than "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB: not read")
        with open(full, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return Unknown(f"{fname}({path!r}): the file is not UTF-8 text")
    except OSError as exc:
        # Terraform fails the plan on a missing file: the value is not known here
        return Unknown(f"{fname}({path!r}): the file cannot be read "
                       f"({exc.strerror or type(exc).__name__})")


@_fn("file", ctx=True)
def _file(ctx, path):
    return read_config_file(ctx, to_str(path), "file")


@_fn("fileexists", ctx=True)
def _fileexists(ctx, path):
    path = to_str(path)
    full = ctx.config_file(path)
    if isinstance(full, Unknown):
        return Unknown(f"fileexists(): {full.reason}")
    return os.path.isfile(full)




@_fn("basename")
def _basename(path):
    """Go's filepath.Base, as Terraform uses it."""
    path = to_str(path)
    if path == "":
        return "."
    trimmed = path.rstrip("/")
    return trimmed.rsplit("/", 1)[-1] if trimmed else "/"


@_fn("dirname")
def _dirname(path):
    """Go's filepath.Dir: everything before the last element, cleaned."""
    head = posixpath.dirname(to_str(path))
    return posixpath.normpath(head) if head else "."


@_fn("abspath", ctx=True)
def _abspath(ctx, path):
    base = ctx.working_dir()
    if base is None:
        return Unknown("abspath(): the working folder is not known here")
    return os.path.abspath(os.path.join(base, to_str(path)))


# --- network --------------------------------------------------------------------------------


def _network(prefix: Any, fname: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(to_str(prefix), strict=False)
    except ValueError:
        raise EvalError(f"{fname}(): {to_str(prefix)[:60]!r} is not a CIDR prefix") from None


def _block(base: int, prefixlen: int, bits: int) -> tuple[int, int]:
    """(first, last) address of the block of length `prefixlen` holding `base`."""
    size = 1 << (bits - prefixlen)
    first = base & ~(size - 1) & ((1 << bits) - 1)
    return first, first + size - 1


@_fn("cidrsubnet")
def _cidrsubnet(prefix, newbits, netnum):
    net = _network(prefix, "cidrsubnet")
    newbits, netnum = _int(newbits), _int(netnum)
    length = net.prefixlen + newbits
    if newbits < 0 or length > net.max_prefixlen:
        raise EvalError(f"cidrsubnet(): {newbits} new bits do not fit in {net}")
    if not 0 <= netnum < (1 << newbits):
        raise EvalError(f"cidrsubnet(): network number {netnum} does not fit in {newbits} bits")
    first = int(net.network_address) + (netnum << (net.max_prefixlen - length))
    return str(ipaddress.ip_network((first, length)))


@_fn("cidrsubnets")
def _cidrsubnets(prefix, *newbits):
    """go-cidr's NextSubnet walk, as Terraform allocates consecutive aligned blocks."""
    net = _network(prefix, "cidrsubnets")
    bits, start = net.max_prefixlen, int(net.network_address)
    if not newbits:
        return []
    out = []
    lengths = [net.prefixlen + _int(n) for n in newbits]
    if any(n < net.prefixlen + 1 or n > bits for n in lengths):
        raise EvalError(f"cidrsubnets(): new bits out of range for {net}")
    current = _block((start - 1) % (1 << bits), lengths[0], bits)  # PreviousSubnet
    for length in lengths:
        _, last = _block(current[1], length, bits)
        nxt = (last + 1) % (1 << bits)
        block = _block(nxt, length, bits)
        if nxt == 0 or not (start <= block[0] and block[1] <= int(net.broadcast_address)):
            raise EvalError(f"cidrsubnets(): not enough room in {net}")
        current = block
        out.append(str(ipaddress.ip_network((block[0], length))))
    return out


@_fn("cidrhost")
def _cidrhost(prefix, hostnum):
    net = _network(prefix, "cidrhost")
    hostnum = _int(hostnum)
    if not -net.num_addresses <= hostnum < net.num_addresses:
        raise EvalError(f"cidrhost(): host number {hostnum} is outside {net}")
    base = net.network_address if hostnum >= 0 else net.broadcast_address + 1
    return str(base + hostnum)


@_fn("cidrnetmask")
def _cidrnetmask(prefix):
    net = _network(prefix, "cidrnetmask")
    if net.version != 4:
        raise EvalError("cidrnetmask(): only IPv4 prefixes have a netmask")
    return str(net.netmask)


# --- regular expressions ---------------------------------------------------------------------
# Terraform uses RE2 (linear time); Python's engine backtracks. A hostile pattern must not
# stall a scan, so patterns that can backtrack badly are not evaluated (Unknown, not a guess).

MAX_REGEX_TEXT = 4096
MAX_REGEX_PATTERN = 512
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{?]")
_UNBOUNDED = re.compile(r"(?<!\\)(?:[*+]|\{\d+,\})")


def compile_regex(pattern: str, text: str, fname: str) -> re.Pattern | Unknown:
    """`pattern` compiled when it is safe to run on `text`; an Unknown saying why not."""
    if len(pattern) > MAX_REGEX_PATTERN or len(text) > MAX_REGEX_TEXT:
        return Unknown(f"{fname}(): pattern or text too long to be evaluated safely")
    if _NESTED_QUANTIFIER.search(pattern) or len(_UNBOUNDED.findall(pattern)) > 2:
        return Unknown(f"{fname}(): pattern with nested or many repetitions, not evaluated "
                       "(it could take too long)")
    go_to_python = pattern.replace("\\z", "\\Z")
    try:
        return re.compile(go_to_python)
    except re.error as exc:
        raise EvalError(f"{fname}(): invalid pattern ({exc.msg})") from None


def _match_value(match: re.Match, compiled: re.Pattern) -> Any:
    if compiled.groupindex:
        return {name: match.group(name) or "" for name in compiled.groupindex}
    if compiled.groups:
        return [g or "" for g in match.groups()]
    return match.group(0)


@_fn("regex")
def _regex(pattern, text):
    text = to_str(text)
    compiled = compile_regex(to_str(pattern), text, "regex")
    if isinstance(compiled, Unknown):
        return compiled
    match = compiled.search(text)
    if match is None:
        raise EvalError("regex(): the pattern does not match")
    return _match_value(match, compiled)


@_fn("regexall")
def _regexall(pattern, text):
    text = to_str(text)
    compiled = compile_regex(to_str(pattern), text, "regexall")
    if isinstance(compiled, Unknown):
        return compiled
    return [_match_value(m, compiled) for m in compiled.finditer(text)]


__all__ = ["call", "register", "EncodedUnknown"]
