"""Finding Terraform folders and parsing .tf / .tf.json / .tfvars files, each file once per
process.

python-hcl2 builds its Lark parser on first use and caches it next to its own code; when
that folder is not writable (system installs, read-only images) the cache goes to the
user's cache folder instead, so only the very first run pays the ~2 s build.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from hds_iac.terraform import limits
from hds_iac.user_cache import root as user_cache_root
from hds_iac.errors import ParseFailure, ReadError
from hds_iac.terraform.hcl import parse_cache
from hds_iac.terraform.hcl.json_syntax import parse_json_config
from hds_iac.terraform.hcl.source_map import BlockSource, block_source

SERIALIZE_OPTIONS = None  # built lazily (importing hcl2 costs a little)
_LARK = None


def _writable(folder: str) -> bool:
    return os.access(folder, os.W_OK)


def lark_parser():
    """python-hcl2's Lark parser, with its build cached somewhere writable."""
    global _LARK
    if _LARK is not None:
        return _LARK
    from hcl2 import parser as hcl2_parser

    site_cache = hcl2_parser.PARSER_FILE
    if _writable(str(site_cache.parent)):
        _LARK = hcl2_parser.parser()
        return _LARK
    from lark import Lark

    from hcl2.postlexer import PostLexer

    try:
        from hcl2.version import version as hcl2_version
    except ImportError:  # pragma: no cover - every release has it
        hcl2_version = "unknown"
    user_cache = os.path.join(user_cache_root(), f"hcl2-{hcl2_version}-lark.bin")
    # (Copying the site cache would not help: Lark's cache key includes the cache path.)
    try:
        os.makedirs(os.path.dirname(user_cache), exist_ok=True)
    except OSError:
        pass  # no writable cache anywhere: Lark builds the parser in memory, every run
    _LARK = Lark.open(
        "hcl2.lark", parser="lalr", cache=user_cache, rel_to=hcl2_parser.__file__,
        propagate_positions=True, postlex=PostLexer(),
    )
    return _LARK


def _describe_lark_error(exc: Exception) -> str:
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    where = f"line {line}" + (f", column {column}" if column and column > 0 else "") \
        if isinstance(line, int) and line > 0 else ""
    token = getattr(exc, "token", None)
    char = getattr(exc, "char", None)
    what = ""
    if token is not None and str(token) != "":
        what = f"unexpected {str(token)[:40]!r}"
    elif char is not None:
        what = f"unexpected character {char!r}"
    elif type(exc).__name__ == "UnexpectedEOF":
        what = "unexpected end of file"
    parts = [p for p in ("syntax error", where, what) if p]
    return parts[0] + (" at " + ", ".join(parts[1:]) if len(parts) > 1 else "")


# In code: a string, a heredoc opener (its marker), a comment, a brace.
_CODE_TOKEN = re.compile(r'"|<<-?([A-Za-z][\w.-]*)\r?\n|#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|[{}]',
                         re.S)
# In a quoted string: an escape, an escaped or a real interpolation, the closing quote.
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"', re.S)


def long_string_at(text: str, limit: int = limits.MAX_STRING_CHARS) -> int | None:
    """The line of the first string literal (quoted, interpolations included, or heredoc)
    longer than `limit` characters, or None.

    python-hcl2's lexer costs about 240 bytes of memory per character of one string (a
    10 MB string took 2 GB): this linear scan refuses such a file before it is parsed.
    """
    frames: list[list] = []  # ["string", start] or ["interpolation", open braces]
    pos, end = 0, len(text)
    while pos < end:
        if frames and frames[-1][0] == "string":
            start = frames[-1][1]
            match = _STRING_TOKEN.search(text, pos)
            stop = match.start() if match else end
            if stop - start > limit:
                return text.count("\n", 0, start) + 1
            if match is None:
                return None  # unterminated: the parser says where
            pos = match.end()
            if match.group() == '"':
                frames.pop()
            elif match.group() in ("${", "%{"):
                frames.append(["interpolation", 0])
            continue
        match = _CODE_TOKEN.search(text, pos)
        if match is None:
            return None
        token, pos = match.group(), match.end()
        if token == '"':
            frames.append(["string", match.start()])
        elif match.group(1):
            closing = re.compile(r"^[ \t]*" + re.escape(match.group(1)) + r"\r?$", re.M)
            found = closing.search(text, pos)
            if (found.start() if found else end) - pos > limit:
                return text.count("\n", 0, match.start()) + 1
            pos = found.end() if found else end
        elif token == "{" and frames:
            frames[-1][1] += 1
        elif token == "}" and frames:
            if frames[-1][1] == 0:
                frames.pop()  # end of an interpolation: back in its string
            else:
                frames[-1][1] -= 1
    return None


def syntax_too_deep(tree: Any, limit: int = limits.MAX_SYNTAX_DEPTH) -> int | None:
    """The line where the syntax tree gets deeper than `limit`, or None. (Iterative:
    python-hcl2's transformer and our evaluator recurse per level, and must not meet
    Python's recursion limit. Level by level, branches only: the tokens, most of the
    nodes, are never put on a stack.)"""
    level = [tree] if getattr(tree, "children", None) is not None else []
    depth = 1
    while level:
        if depth > limit:
            # The last of the level: the first one a depth-first walk from the end meets.
            meta = getattr(level[-1], "meta", None)
            return getattr(meta, "line", None) if meta is not None and not meta.empty else 0
        level = [child for node in level for child in node.children
                 if getattr(child, "children", None) is not None]
        depth += 1
    return None


def _numbers_as_text_inside_expressions() -> None:
    """python-hcl2 8.1.4 serialises a number literal as a Python number even inside an
    expression it writes back as text, then concatenates it to that text: the valid
    `[for s in var.l : 1]` and `{for k, v in var.m : k => 0.5}` fail with a TypeError and
    the whole file would be unreadable (found by tests/test_fuzz.py). Inside `${...}` a
    number must serialise as its source text, as python-hcl2's keywords already do."""
    from hcl2.rules import literal_rules
    from hcl2.utils import SerializationContext, SerializationOptions

    for rule in (literal_rules.IntLitRule, literal_rules.FloatLitRule):
        original = rule.serialize
        if getattr(original, "hds_iac_fixed", False):
            continue

        def serialize(self, options=SerializationOptions(), context=SerializationContext(),
                      _original=original):
            if context.inside_dollar_string:
                return str(self.token.value)
            return _original(self, options, context)

        serialize.hds_iac_fixed = True  # type: ignore[attr-defined]
        rule.serialize = serialize


def parse_hcl_blocks(text: str) -> tuple[dict, dict[str, list[BlockSource]]]:
    """(python-hcl2 dict, each top-level block by block type, in file order, with its
    lines, the lines of its attributes and its comments: `source_map`)."""
    global SERIALIZE_OPTIONS
    import hcl2
    from hcl2.utils import SerializationOptions

    if SERIALIZE_OPTIONS is None:
        SERIALIZE_OPTIONS = SerializationOptions(with_comments=False, preserve_heredocs=True)
        _numbers_as_text_inside_expressions()
    line = long_string_at(text)
    if line is not None:
        raise ParseFailure(f"line {line}: a string longer than "
                           f"{limits.size_text(limits.MAX_STRING_CHARS)} (the limit for one "
                           "string): not read (see Limits in the README)")
    try:
        tree = lark_parser().parse(text + "\n")
    except Exception as exc:  # noqa: BLE001 - Lark raises many kinds; all are bad input
        raise ParseFailure(_describe_lark_error(exc)) from None
    line = syntax_too_deep(tree)
    if line is not None:
        where = f"line {line}: " if line else ""
        raise ParseFailure(f"{where}blocks or expressions nested more than "
                           f"{limits.MAX_SYNTAX_DEPTH} levels deep (syntax tree): not read "
                           "(see Limits in the README)")
    blocks: dict[str, list[BlockSource]] = {}
    body = tree.children[0] if tree.children else None
    for child in getattr(body, "children", []):
        if getattr(child, "data", None) == "block":
            kind = _first_name(child.children[0]) if child.children else ""
            blocks.setdefault(kind, []).append(block_source(child))
    try:
        data = hcl2.serialize(hcl2.transform(tree), serialization_options=SERIALIZE_OPTIONS)
    except Exception as exc:  # noqa: BLE001 - transformer errors are bad input too
        raise ParseFailure(f"cannot read the configuration ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    return data, blocks


def _first_name(node: Any) -> str:
    if hasattr(node, "children"):
        return "".join(_first_name(c) for c in node.children)
    return str(node)


@dataclass
class ParsedFile:
    path: str
    body: dict = field(default_factory=dict)
    # Each top-level block by block type, in file order: its lines, its attributes' lines
    # and its comments (HCL; a .tf.json file gives only the first line of each block).
    blocks: dict[str, list[BlockSource]] = field(default_factory=dict)

    def block(self, kind: str, index: int) -> BlockSource:
        found = self.blocks.get(kind, [])
        return found[index] if index < len(found) else BlockSource(None)

    def block_at(self, line: int) -> BlockSource | None:
        """The top-level block that starts on `line`."""
        for found in self.blocks.values():
            for block in found:
                if block.line == line:
                    return block
        return None


_PARSE_CACHE: dict[tuple[int, int, int, int], ParsedFile | ReadError] = {}


def read_text(path: str) -> str:
    """A file's text; raises ParseFailure with a one-line reason."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            problem = limits.too_big(size, limits.MAX_CODE_FILE_BYTES,
                                     "Terraform code and variables files")
            if problem:
                raise ParseFailure(problem)
            data = handle.read(limits.MAX_CODE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ParseFailure("file vanished while reading the folder") from None
    except IsADirectoryError:
        raise ParseFailure("is a directory") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise ParseFailure("symbolic link loop") from None
        raise ParseFailure(f"cannot read ({exc.strerror or type(exc).__name__})") from None
    problem = limits.too_big(len(data), limits.MAX_CODE_FILE_BYTES,
                             "Terraform code and variables files")
    if problem:  # a file that grew while it was read
        raise ParseFailure(problem)
    if b"\x00" in data:
        raise ParseFailure("binary file, not Terraform text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseFailure(f"not UTF-8 text (invalid byte at line {line})") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_file(path: str, display: str) -> ParsedFile | ReadError:
    """One .tf, .tf.json or .tfvars file, parsed once per process (keyed by the file's
    identity, size and mtime), and an HCL one once per content across processes
    (`parse_cache`)."""
    try:
        stat = os.stat(path)
        # The file itself (device and inode, links followed: what `realpath` would say,
        # without its system call per path component on each of a file's several reads).
        key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _PARSE_CACHE:
        cached = _PARSE_CACHE[key]
        return ReadError(display, cached.message) if isinstance(cached, ReadError) else cached
    try:
        if path.endswith(".tf.json"):
            data, lines = parse_json_config(read_text(path))
            blocks = {kind: [BlockSource(line) for line in found]
                      for kind, found in lines.items()}
        else:
            data, blocks = parse_cache.cached_parse(read_text(path), parse_hcl_blocks)
        result: ParsedFile | ReadError = ParsedFile(path, data, blocks)
    except ParseFailure as exc:
        result = ReadError(display, str(exc))
    except RecursionError:
        result = ReadError(display, "expression nested too deeply to read")
    if key is not None:
        _PARSE_CACHE[key] = result
    return result


# --- discovery --------------------------------------------------------------------------

_SKIPPED_DIRS = {".terraform"}


def is_override(name: str) -> bool:
    stem = name[:-len(".json")] if name.endswith(".tf.json") else name
    return stem == "override.tf" or stem.endswith("_override.tf")


def tf_files(folder: str) -> tuple[list[str], list[str]]:
    """(the .tf and .tf.json files of a folder, sorted; override files, which we do not
    merge, apart)."""
    files, skipped = [], []
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return [], []
    for name in entries:
        if name.startswith(".") or name.endswith("~") or name.startswith("#"):
            continue
        if name.endswith((".tf", ".tf.json")):
            if is_override(name):
                skipped.append(name)
            else:
                files.append(os.path.join(folder, name))
    return files, skipped


_LOCAL_SOURCE = re.compile(r"^\.\.?(/|\\|$)")


def local_module_sources(parsed: ParsedFile) -> list[str]:
    """The `source` of every local module call in a parsed file ("./x", "../y")."""
    out = []
    for entry in parsed.body.get("module", []) or []:
        if not isinstance(entry, dict):
            continue
        for block in entry.values():
            if isinstance(block, dict):
                source = block.get("source")
                if isinstance(source, str) and source.startswith('"') and source.endswith('"'):
                    source = source[1:-1]
                    if _LOCAL_SOURCE.match(source):
                        out.append(source)
    return out


def walk_folders(path: str) -> list[str]:
    """Every folder under `path` (itself included), no hidden ones, no symlink loops."""
    out: list[str] = []
    seen: set[str] = set()
    stack = [path]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        out.append(folder)
        try:
            names = sorted(os.listdir(folder), reverse=True)
        except OSError:
            continue
        for name in names:
            if name.startswith(".") or name in _SKIPPED_DIRS:
                continue
            child = os.path.join(folder, name)
            if os.path.isdir(child):
                stack.append(child)
    return out


def find_roots(path: str) -> list[str]:
    """Folders with .tf files under `path` that no other folder there calls as a local module.

    Folders that call each other in a cycle (a -> b -> a) are all called, yet nothing
    else reads them: the first of each such group is a root too, so that its reading
    reports the cycle instead of the scan finding "no Terraform files".
    """
    if not os.path.isdir(path):
        return []
    with_tf: dict[str, str] = {}  # real path -> folder
    calls: dict[str, set[str]] = {}
    for folder in walk_folders(path):
        files, _ = tf_files(folder)
        if not files:
            continue
        real = os.path.realpath(folder)
        with_tf[real] = folder
        targets = calls.setdefault(real, set())
        for file in files:
            parsed = parse_file(file, file)
            if isinstance(parsed, ParsedFile):
                for source in local_module_sources(parsed):
                    target = os.path.realpath(os.path.join(folder, source))
                    if target != real:
                        targets.add(target)
    called = set().union(*calls.values()) if calls else set()
    roots = [real for real in sorted(with_tf, key=with_tf.get) if real not in called]
    reached: set[str] = set()

    def reach(start: str) -> None:
        stack = [start]
        while stack:
            real = stack.pop()
            if real not in reached:
                reached.add(real)
                stack.extend(calls.get(real, ()))

    for real in roots:
        reach(real)
    for real in sorted(with_tf, key=with_tf.get):
        if real not in reached:
            roots.append(real)
            reach(real)
    return sorted(with_tf[real] for real in roots)


# --- variables files ---------------------------------------------------------------------


def read_tfvars(path: str, display: str) -> tuple[dict[str, Any], str] | ReadError:
    """(name -> raw value, kind) of a .tfvars ("hcl": python-hcl2 values) or .tfvars.json."""
    if path.endswith(".json"):
        try:
            data = json.loads(read_text(path))
        except ParseFailure as exc:
            return ReadError(display, str(exc))
        except json.JSONDecodeError as exc:
            return ReadError(display, f"invalid JSON at line {exc.lineno}: {exc.msg}")
        except RecursionError:
            return ReadError(display, limits.json_too_deep())
        if limits.json_depth_over(data):
            return ReadError(display, limits.json_too_deep())
        if not isinstance(data, dict):
            return ReadError(display, "a variables file must hold a JSON object")
        return data, "json"
    parsed = parse_file(path, display)
    if isinstance(parsed, ReadError):
        return parsed
    values = {k: v for k, v in parsed.body.items() if not (k.startswith("__") and k.endswith("__"))}
    return values, "hcl"
