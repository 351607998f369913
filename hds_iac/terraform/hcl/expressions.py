"""The Terraform expression language: a small parser and a lazy evaluator.

python-hcl2 hands attribute values back as source text (`'"${var.region}a"'`,
`'${var.x ? 1 : 2}'`); this module parses that text into a tuple-based syntax tree and
evaluates it against a context that resolves names (`var`, `local`, resource types...).

Values are plain Python: str, int/float, bool, None, list, dict, plus `Unknown` for what
cannot be resolved and `LazyObject` for objects whose attributes are computed on demand
(resources, modules, the `var`/`local` namespaces). `Unknown` propagates through every
operation and keeps the `refs` of every unknown operand. A definite error (missing map
key, bad type) raises `EvalError`, which `try()`/`can()` catch and the caller turns into an
`Unknown` naming the error.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from hds_iac.model import Unknown
from hds_iac.terraform.hcl import functions
from hds_iac.terraform.hcl.values import (  # noqa: F401 - the evaluator's public names
    Context, EvalError, LazyObject, TemplateUnknown, deep_unknown,
    iter_collection, merge_unknowns, norm_number, plain, shallow_unknown, to_bool, to_number,
    to_str, type_name,
)


class ParseError(Exception):
    """Text that is not a Terraform expression."""


# --- parser ---------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?")
_WS = re.compile(r"(?:\s+|#[^\n]*|//[^\n]*|/\*.*?\*/)+", re.S)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")

_BINARY_LEVELS = [
    ("||",),
    ("&&",),
    ("==", "!="),
    ("<=", ">=", "<", ">"),
    ("+", "-"),
    ("*", "/", "%"),
]


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    # low level
    def error(self, message: str) -> ParseError:
        return ParseError(f"{message} at offset {self.pos} in {self.text[:80]!r}")

    def skip(self) -> None:
        match = _WS.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.pos)

    def accept(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.accept(token):
            raise self.error(f"expected {token!r}")

    def ident(self) -> str | None:
        self.skip()
        match = _IDENT.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return match.group()
        return None

    def peek_keyword(self, word: str) -> bool:
        self.skip()
        match = _IDENT.match(self.text, self.pos)
        return bool(match and match.group() == word)

    # grammar
    def parse_all(self) -> tuple:
        node = self.expression()
        self.skip()
        if self.pos != len(self.text):
            raise self.error("unexpected text")
        return node

    def expression(self) -> tuple:
        cond = self.binary(0)
        if self.accept("?"):
            yes = self.expression()
            self.expect(":")
            no = self.expression()
            return ("cond", cond, yes, no)
        return cond

    def binary(self, level: int) -> tuple:
        if level == len(_BINARY_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            self.skip()
            op = next((o for o in _BINARY_LEVELS[level] if self.text.startswith(o, self.pos)), None)
            # `=>` and `==` are not `=`; `<=`/`>=` come first in their tuple
            if op is None or (op == "*" and self.text.startswith("*]", self.pos)):
                return left
            self.pos += len(op)
            right = self.binary(level + 1)
            left = ("bin", op, left, right)

    def unary(self) -> tuple:
        if self.accept("!"):
            return ("not", self.unary())
        if self.peek("-") and not self.text.startswith("->", self.pos):
            self.pos += 1
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: tuple) -> tuple:
        while True:
            self.skip()
            if self.text.startswith("[*]", self.pos):
                self.pos += 3
                return ("splat", node, self.splat_ops(full=True))
            if self.text.startswith(".*", self.pos):
                self.pos += 2
                return ("splat", node, self.splat_ops(full=False))
            if self.text.startswith("...", self.pos):
                return node
            if self.text.startswith(".", self.pos):
                self.pos += 1
                self.skip()
                number = re.compile(r"\d+").match(self.text, self.pos)
                if number:  # legacy `x.0` index
                    self.pos = number.end()
                    node = ("idx", node, ("lit", int(number.group())))
                    continue
                name = self.ident()
                if name is None:
                    raise self.error("expected an attribute name")
                node = ("get", node, name)
                continue
            if self.text.startswith("[", self.pos):
                self.pos += 1
                key = self.expression()
                self.expect("]")
                node = ("idx", node, key)
                continue
            return node

    def splat_ops(self, full: bool) -> list:
        ops: list = []
        while True:
            self.skip()
            if self.text.startswith("...", self.pos):
                return ops
            if self.text.startswith(".", self.pos) and not self.text.startswith(".*", self.pos):
                self.pos += 1
                name = self.ident()
                if name is None:
                    raise self.error("expected an attribute name")
                ops.append(("get", name))
            elif full and self.text.startswith("[", self.pos) and not self.text.startswith("[*]", self.pos):
                self.pos += 1
                key = self.expression()
                self.expect("]")
                ops.append(("idx", key))
            else:
                return ops

    def primary(self) -> tuple:
        self.skip()
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.error("unexpected end of expression")
        char = text[pos]
        if char == '"':
            self.pos += 1
            return self.template('"')
        if text.startswith("<<", pos):
            return self.heredoc()
        if char.isdigit():
            match = _NUMBER.match(text, pos)
            self.pos = match.end()
            raw = match.group()
            return ("lit", norm_number(float(raw)) if any(c in raw for c in ".eE") else int(raw))
        if char == "(":
            self.pos += 1
            node = self.expression()
            self.expect(")")
            return ("paren", node)
        if char == "[":
            self.pos += 1
            if self.peek_keyword("for"):
                return self.for_expr("]")
            items = []
            while not self.accept("]"):
                items.append(self.expression())
                if not self.accept(","):
                    self.expect("]")
                    break
            return ("list", items)
        if char == "{":
            self.pos += 1
            if self.peek_keyword("for"):
                return self.for_expr("}")
            return self.object_body()
        name = self.ident()
        if name is None:
            raise self.error(f"unexpected character {char!r}")
        if name == "true":
            return ("lit", True)
        if name == "false":
            return ("lit", False)
        if name == "null":
            return ("lit", None)
        if self.peek("::"):  # provider-defined function: provider::aws::arn_parse(...)
            while self.accept("::"):
                name += "::" + (self.ident() or "")
        if self.peek("("):
            self.pos += 1
            args, expand = [], False
            while not self.accept(")"):
                args.append(self.expression())
                if self.accept("..."):
                    expand = True
                if not self.accept(","):
                    self.expect(")")
                    break
            return ("call", name, args, expand)
        return ("var", name)

    def object_body(self) -> tuple:
        items = []
        while not self.accept("}"):
            key = self.expression()
            if key[0] == "var":  # a bare name is a literal key
                key = ("lit", key[1])
            self.skip()
            if self.text.startswith("=", self.pos) and not self.text.startswith("==", self.pos):
                self.pos += 1
            elif self.text.startswith(":", self.pos):
                self.pos += 1
            else:
                raise self.error("expected '=' or ':' in object")
            items.append((key, self.expression()))
            self.accept(",")
        return ("obj", items)

    def for_expr(self, close: str) -> tuple:
        self.ident()  # "for"
        first = self.ident()
        second = self.ident() if self.accept(",") else None
        if first is None:
            raise self.error("expected a name after 'for'")
        key_name, value_name = (first, second) if second else (None, first)
        if self.ident() != "in":
            raise self.error("expected 'in'")
        collection = self.expression()
        self.expect(":")
        key_expr = None
        value_expr = self.expression()
        group = False
        if close == "}":
            self.expect("=>")
            key_expr, value_expr = value_expr, self.expression()
            group = self.accept("...")
        cond = None
        if self.peek_keyword("if"):
            self.ident()
            cond = self.expression()
        self.expect(close)
        return ("for", key_name, value_name, collection, key_expr, value_expr, cond, group,
                close == "}")

    def template(self, end: str | None) -> tuple:
        """A template up to `end` ('"' for quoted strings, None for a heredoc body):
        literal text, `${ }` interpolations and `%{ if }`/`%{ for }` directives, with the
        `~` strip markers applied to the neighbouring text."""
        tokens: list[list] = []  # ["text", str] | ["interp", node] | ["dir", kind, data]
        buf: list[str] = []
        text = self.text
        quoted = end == '"'

        def flush() -> None:
            if buf:
                tokens.append(["text", "".join(buf)])
                buf.clear()

        def strip_before() -> None:
            if tokens and tokens[-1][0] == "text":
                tokens[-1][1] = tokens[-1][1].rstrip()

        while True:
            if self.pos >= len(text):
                if quoted:
                    raise self.error("unterminated string")
                break
            char = text[self.pos]
            if quoted and char == '"':
                self.pos += 1
                break
            if quoted and char == "\\":
                buf.append(self.escape())
                continue
            if text.startswith("$${", self.pos) or text.startswith("%%{", self.pos):
                buf.append(text[self.pos + 1:self.pos + 3])
                self.pos += 3
                continue
            if text.startswith("${", self.pos) or text.startswith("%{", self.pos):
                is_directive = char == "%"
                self.pos += 2
                flush()
                if text.startswith("~", self.pos):
                    self.pos += 1
                    strip_before()
                token = self.directive() if is_directive else ["interp", self.expression()]
                self.skip()
                strip_after = text.startswith("~", self.pos)
                if strip_after:
                    self.pos += 1
                self.expect("}")
                tokens.append(token)
                if strip_after:
                    tokens.append(["lstrip"])  # the whitespace that follows is dropped
                continue
            buf.append(char)
            self.pos += 1
        flush()
        parts, index, stop = _template_parts(tokens, 0, ())
        if stop is not None:
            raise self.error(f"unexpected %{{{stop}}} in template")
        parts = [p for p in parts if p != ""]
        if not parts:
            return ("lit", "")
        if len(parts) == 1 and isinstance(parts[0], str):
            return ("lit", parts[0])
        return ("tpl", parts)

    def directive(self) -> list:
        """The inside of `%{ ... }`: if COND, else, endif, for [K,] V in COLL, endfor."""
        word = self.ident()
        if word == "if":
            return ["dir", "if", self.expression()]
        if word in ("else", "endif", "endfor"):
            return ["dir", word, None]
        if word == "for":
            first = self.ident()
            second = self.ident() if self.accept(",") else None
            if first is None or self.ident() != "in":
                raise self.error("expected 'for NAME in' in a template directive")
            names = (first, second) if second else (None, first)
            return ["dir", "for", (names[0], names[1], self.expression())]
        raise self.error(f"unknown template directive {word!r}")

    def escape(self) -> str:
        text = self.text
        nxt = text[self.pos + 1:self.pos + 2]
        simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
        if nxt in simple:
            self.pos += 2
            return simple[nxt]
        if nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            digits = text[self.pos + 2:self.pos + 2 + width]
            try:
                char = chr(int(digits, 16))
            except ValueError:
                raise self.error("bad unicode escape") from None
            self.pos += 2 + width
            return char
        self.pos += 2
        return "\\" + nxt

    def heredoc(self) -> tuple:
        match = _HEREDOC.match(self.text, self.pos)
        if not match:
            raise self.error("bad heredoc")
        trim, marker = match.group(1) == "-", match.group(2)
        end = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.M)
        close = end.search(self.text, match.end())
        if not close:
            raise self.error(f"heredoc {marker} is not closed")
        body = self.text[match.end():close.start()]
        self.pos = close.end()
        if trim:
            lines = body.split("\n")
            indents = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
            cut = min(indents) if indents else 0
            body = "\n".join(l[cut:] for l in lines)
        return _Parser(body).template(None)


def _template_parts(tokens: list[list], index: int, stops: tuple) -> tuple[list, int, str | None]:
    """Nest the flat template tokens: ("tif", cond, yes, no) and ("tfor", k, v, coll, body)
    parts; returns (parts, next index, the stop directive met or None)."""
    parts: list = []
    strip = False
    while index < len(tokens):
        token = tokens[index]
        index += 1
        kind = token[0]
        if kind == "lstrip":
            strip = True
            continue
        if kind == "text":
            parts.append(token[1].lstrip() if strip else token[1])
        elif kind == "interp":
            parts.append(token[1])
        elif token[1] in stops or token[1] in ("else", "endif", "endfor"):
            return parts, index, token[1]
        elif token[1] == "if":
            yes, index, stop = _template_parts(tokens, index, ("else", "endif"))
            no: list = []
            if stop == "else":
                no, index, stop = _template_parts(tokens, index, ("endif",))
            if stop != "endif":
                raise ParseError("%{if} without %{endif} in template")
            parts.append(("tif", token[2], yes, no))
        else:  # for
            body, index, stop = _template_parts(tokens, index, ("endfor",))
            if stop != "endfor":
                raise ParseError("%{for} without %{endfor} in template")
            parts.append(("tfor", *token[2], body))
        strip = False
    return parts, index, None


@lru_cache(maxsize=8192)
def parse(text: str) -> tuple:
    """The syntax tree of one expression (ParseError when it is not one)."""
    try:
        return _Parser(text).parse_all()
    except RecursionError:
        raise ParseError("expression nested too deeply") from None


@lru_cache(maxsize=8192)
def parse_hcl2_value(text: str) -> tuple:
    """python-hcl2's serialized value: `'"quoted"'`, `'${expr}'`, a bare name (`string`) or
    a heredoc kept verbatim between quotes (`'"<<EOT\\n...\\nEOT"'`; python-hcl2's own
    heredoc-to-string conversion escapes quotes inside `${}` and so breaks them)."""
    if text.startswith('"<<') and text.endswith('"') and _HEREDOC.match(text, 1):
        return parse(text[1:-1] + "\n")
    if text.startswith("${") and text.endswith("}"):
        try:
            return parse(text[2:-1])
        except ParseError:
            pass  # `"${a}" ... "${b}"`-like text: parse it whole below
    return parse(text)


def template_file(text: str, name: str, ctx: "Context", env: Mapping[str, Any]) -> Any:
    """A templatefile() body rendered with `env` (a parse error is an EvalError naming it)."""
    try:
        node = _Parser(text).template(None)
    except (ParseError, RecursionError) as exc:
        raise EvalError(f"templatefile({name!r}): not a valid template ({exc})"[:300]) from None
    result = evaluate(node, ctx, env)
    if node[0] == "tpl" and len(node[1]) == 1 and not isinstance(result, (str, Unknown)):
        result = to_str(result)  # templatefile always returns a string
    return result


def from_hcl2(value: Any) -> tuple:
    """A syntax tree for a value from python-hcl2's dict (strings, numbers, lists, dicts)."""
    if isinstance(value, str):
        return parse_hcl2_value(value)
    if isinstance(value, list):
        return ("list", [from_hcl2(v) for v in value])
    if isinstance(value, dict):
        items = []
        for key, val in value.items():
            if key.startswith("__") and key.endswith("__"):
                continue
            key_node = parse_hcl2_value(key)
            if key_node[0] == "var":
                key_node = ("lit", key_node[1])
            items.append((key_node, from_hcl2(val)))
        return ("obj", items)
    return ("lit", value)


# --- evaluator ------------------------------------------------------------------------


def file_in_trees(working_dir: str, trees: Iterable[str], path: str) -> str | Unknown:
    """`path` resolved from `working_dir` (links followed) when it lies in one of `trees`
    (real paths); an Unknown saying it is outside otherwise."""
    full = os.path.realpath(os.path.join(working_dir, path))
    for tree in trees:
        if full == tree or full.startswith(tree.rstrip(os.sep) + os.sep):
            return full
    return Unknown(f"file {path!r} is outside the configuration read: not opened")


def evaluate(node: tuple, ctx: Context, env: Mapping[str, Any] | None = None) -> Any:
    """The value of a syntax tree; may raise EvalError."""
    return _EVAL[node[0]](node, ctx, env or {})


def evaluate_safe(node: tuple, ctx: Context, env: Mapping[str, Any] | None = None) -> Any:
    """Like `evaluate` but a Terraform error becomes an Unknown naming it."""
    try:
        return evaluate(node, ctx, env)
    except EvalError as exc:
        return Unknown(f"cannot evaluate: {exc}")
    except RecursionError:
        return Unknown("cannot evaluate: expression nested too deeply")


def _lit(node, ctx, env):
    return node[1]


def _paren(node, ctx, env):
    return evaluate(node[1], ctx, env)


MAX_TEMPLATE_CHARS = 1024 * 1024


def _tpl(node, ctx, env):
    parts = node[1]
    if len(parts) == 1 and not isinstance(parts[0], str) and parts[0][0] not in ("tif", "tfor"):
        # HCL unwraps a template that is one interpolation: "${var.tags}" is the map itself,
        # not its text (Terraform 0.11 style, and every expression of the JSON syntax).
        return evaluate(parts[0], ctx, env)
    out: list[str] = []
    # The template's text with "*" where a part is unknown: a policy resource such as
    # "${aws_s3_bucket.b.arn}/*" keeps its shape before apply (TemplateUnknown).
    shape: list[str] = []
    unknowns: list[Unknown] = []
    _render(parts, ctx, env, out, shape, unknowns)
    merged = merge_unknowns(unknowns)
    if merged is None:
        return "".join(out)
    return TemplateUnknown(merged.reason, merged.refs, shape="".join(shape))


_UNKNOWN_PART = object()


def _known_part(node: Any, ctx: Context, env: Mapping[str, Any], shape: list[str],
                unknowns: list[Unknown]) -> Any:
    """A template part's value, materialized; `_UNKNOWN_PART` when it is not known, noted in
    `unknowns` and as "*" in the template's shape."""
    value = evaluate(node, ctx, env)
    if isinstance(value, LazyObject):
        value = value.materialize()
    if isinstance(value, Unknown):
        unknowns.append(value)
        shape.append("*")
        return _UNKNOWN_PART
    return value


def _render(parts: list, ctx: Context, env: Mapping[str, Any], out: list[str],
            shape: list[str], unknowns: list[Unknown]) -> None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            shape.append(part)
        elif part[0] == "tif":
            cond = _known_part(part[1], ctx, env, shape, unknowns)
            if cond is not _UNKNOWN_PART:
                _render(part[2] if to_bool(cond) else part[3], ctx, env, out, shape, unknowns)
        elif part[0] == "tfor":
            _, key_name, value_name, coll_node, body = part
            collection = _known_part(coll_node, ctx, env, shape, unknowns)
            if collection is _UNKNOWN_PART:
                continue
            for key, value in iter_collection(collection):
                scope = dict(env)
                scope[value_name] = value
                if key_name:
                    scope[key_name] = key
                _render(body, ctx, scope, out, shape, unknowns)
        else:
            value = _known_part(part, ctx, env, shape, unknowns)
            if value is _UNKNOWN_PART:
                continue
            text = to_str(value)
            out.append(text)
            shape.append(text)
        if len(out) > 64 and sum(map(len, out)) > MAX_TEMPLATE_CHARS:
            raise EvalError(f"template result larger than {MAX_TEMPLATE_CHARS} characters")
        if len(out) > 64:
            out[:] = ["".join(out)]  # keeps the size check linear
            shape[:] = ["".join(shape)]


def _var(node, ctx, env):
    name = node[1]
    if name in env:
        return env[name]
    return ctx.lookup(name)


def get_attr(value: Any, name: str) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, LazyObject):
        return value.get(name)
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"object has no attribute {name!r}")
    if value is None:
        raise EvalError(f"attribute {name!r} of a null value")
    raise EvalError(f"a {type_name(value)} has no attribute {name!r}")


def get_index(value: Any, key: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        if isinstance(value, list):
            found = deep_unknown(value)
            return merge_unknowns([key] + ([found] if found is not None else []))
        return key
    if isinstance(value, LazyObject):
        return value.index(key)
    if isinstance(value, list):
        try:
            idx = int(to_number(key))
        except EvalError:
            raise EvalError(f"a list index must be a number, not {key!r}") from None
        if not 0 <= idx < len(value):
            raise EvalError(f"index {idx} out of range (the list has {len(value)} elements)")
        return value[idx]
    if isinstance(value, dict):
        skey = to_str(key)
        if skey in value:
            return value[skey]
        raise EvalError(f"key {json.dumps(skey)} is not in the map")
    if value is None:
        raise EvalError("index of a null value")
    raise EvalError(f"a {type_name(value)} cannot be indexed")


def _get(node, ctx, env):
    return get_attr(evaluate(node[1], ctx, env), node[2])


def _idx(node, ctx, env):
    return get_index(evaluate(node[1], ctx, env), evaluate(node[2], ctx, env))


def _splat(node, ctx, env):
    value = evaluate(node[1], ctx, env)
    if isinstance(value, Unknown):
        return value
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        for op in node[2]:
            if op[0] == "get":
                item = get_attr(item, op[1])
            else:
                item = get_index(item, evaluate(op[1], ctx, env))
        out.append(item)
    return out


def _list(node, ctx, env):
    return [evaluate(item, ctx, env) for item in node[1]]


def _obj(node, ctx, env):
    out: dict[str, Any] = {}
    for key_node, value_node in node[1]:
        key = evaluate(key_node, ctx, env)
        value = evaluate(value_node, ctx, env)
        if isinstance(key, Unknown):
            return merge_unknowns([key])
        out[to_str(key)] = value
    return out


def _call(node, ctx, env):
    name, arg_nodes, expand = node[1], node[2], node[3]
    if name in LAZY:
        return LAZY[name](arg_nodes, ctx, env)
    args = [evaluate(arg, ctx, env) for arg in arg_nodes]
    if expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            raise EvalError(f"cannot expand a {type_name(last)} into arguments")
        args.extend(last)
    return functions.call(name, args, ctx)


def _cond(node, ctx, env):
    cond = evaluate(node[1], ctx, env)
    if isinstance(cond, Unknown):
        yes = evaluate_safe(node[2], ctx, env)
        no = evaluate_safe(node[3], ctx, env)
        if not isinstance(yes, Unknown) and deep_unknown(yes) is None and yes == no:
            return yes
        return cond
    return evaluate(node[2] if to_bool(cond) else node[3], ctx, env)


def _not(node, ctx, env):
    value = evaluate(node[1], ctx, env)
    if isinstance(value, Unknown):
        return value
    return not to_bool(value)


def _neg(node, ctx, env):
    value = evaluate(node[1], ctx, env)
    if isinstance(value, Unknown):
        return value
    return -to_number(value)


def _equal(left: Any, right: Any) -> Any:
    if left is None or right is None:
        # Terraform knows whether a value is null even when parts of it are unknown: a map
        # with unknown members is not null (`var.volumes != null` is true).
        other = right if left is None else left
        return other if isinstance(other, Unknown) else other is None
    found = deep_unknown(left, right)
    if found is not None:
        return found
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if type_name(left) != type_name(right):
        return False
    return left == right


def _bin(node, ctx, env):
    op = node[1]
    left = evaluate(node[2], ctx, env)
    right = evaluate(node[3], ctx, env)
    if op in ("&&", "||"):
        lk = None if isinstance(left, Unknown) else to_bool(left)
        rk = None if isinstance(right, Unknown) else to_bool(right)
        decisive = op == "||"
        if lk is decisive or rk is decisive:
            return decisive
        if lk is None or rk is None:
            return shallow_unknown(left, right)
        return (lk and rk) if op == "&&" else (lk or rk)
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        result = _equal(left, right)
        return result if isinstance(result, Unknown) else not result
    unknown = shallow_unknown(left, right)
    if unknown is not None:
        return unknown
    a, b = to_number(left), to_number(right)
    if op == "+":
        return norm_number(a + b)
    if op == "-":
        return norm_number(a - b)
    if op == "*":
        return norm_number(a * b)
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        return norm_number(a / b)
    if op == "%":
        if b == 0:
            raise EvalError("modulo by zero")
        return norm_number(a % b)
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _for(node, ctx, env):
    _, key_name, value_name, coll_node, key_expr, value_expr, cond, group, is_object = node
    collection = evaluate(coll_node, ctx, env)
    if isinstance(collection, Unknown):
        return collection
    if isinstance(collection, LazyObject):
        collection = collection.materialize()
        if isinstance(collection, Unknown):
            return collection
    pairs = iter_collection(collection)
    out_list: list = []
    out_map: dict = {}
    for key, value in pairs:
        scope = dict(env)
        scope[value_name] = value
        if key_name:
            scope[key_name] = key
        if cond is not None:
            keep = evaluate(cond, ctx, scope)
            if isinstance(keep, Unknown):
                return keep
            if not to_bool(keep):
                continue
        if not is_object:
            out_list.append(evaluate(value_expr, ctx, scope))
            continue
        out_key = evaluate(key_expr, ctx, scope)
        if isinstance(out_key, Unknown):
            return out_key
        out_key = to_str(out_key)
        out_value = evaluate(value_expr, ctx, scope)
        if group:
            out_map.setdefault(out_key, []).append(out_value)
        elif out_key in out_map:
            raise EvalError(f"duplicate key {json.dumps(out_key)} in a for expression "
                            "(use ... to group)")
        else:
            out_map[out_key] = out_value
    return out_map if is_object else out_list


_EVAL: dict[str, Callable] = {
    "lit": _lit, "paren": _paren, "tpl": _tpl, "var": _var, "get": _get, "idx": _idx,
    "splat": _splat, "list": _list, "obj": _obj, "call": _call, "cond": _cond,
    "not": _not, "neg": _neg, "bin": _bin, "for": _for,
}


def references(node: Any) -> set[str]:
    """Root names an expression reads (`var`, `local`, `aws_subnet`...), for quick checks."""
    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, tuple):
            if n and n[0] == "var":
                found.add(n[1])
                return
            for child in n[1:]:
                walk(child)
        elif isinstance(n, list):
            for child in n:
                walk(child)

    walk(node)
    return found


# --- functions that evaluate: try / can (lazy arguments), templatefile -------------------
# They need the evaluator, so they live with it; the table of the other functions
# (`functions`) evaluates nothing and never imports this module.


def _try(arg_nodes, ctx, env):
    errors = []
    for node in arg_nodes:
        try:
            return evaluate(node, ctx, env)
        except EvalError as exc:
            errors.append(str(exc))
    raise EvalError("try(): no argument could be evaluated (" + "; ".join(errors) + ")")


def _can(arg_nodes, ctx, env):
    if len(arg_nodes) != 1:
        raise EvalError("can(): takes one argument")
    try:
        value = evaluate(arg_nodes[0], ctx, env)
    except EvalError:
        return False
    if isinstance(value, Unknown):
        return value
    return True


LAZY: dict[str, Callable] = {"try": _try, "can": _can}


class _TemplateContext(Context):
    """What a templatefile() template sees: only the variables given (and functions)."""

    def __init__(self, outer: Context):
        self.outer = outer
        self.base_dir = outer.base_dir

    def lookup(self, name: str) -> Any:
        raise EvalError(f"templatefile(): {name!r} is not among the template's variables")

    def working_dir(self) -> str | None:
        return self.outer.working_dir()

    def config_file(self, path: str) -> str | Unknown:
        return self.outer.config_file(path)


@functions.register("templatefile", shallow=True, ctx=True)
def _templatefile(ctx, path, variables):
    if isinstance(ctx, _TemplateContext):
        raise EvalError("templatefile(): cannot be called from inside a template")
    if isinstance(path, Unknown):
        return path
    path = to_str(path)
    text = functions.read_config_file(ctx, path, "templatefile")
    if isinstance(text, Unknown):
        return text
    env = functions.as_map(variables, "templatefile")
    return template_file(text, path, _TemplateContext(ctx), env)
