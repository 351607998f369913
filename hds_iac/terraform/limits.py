"""Limits on what one Terraform input may cost to read (documented in the README, "Limits").

Inputs are hostile: a pre-commit hook or a CI gate must answer in bounded time and memory
whatever a commit holds. Each limit is far above what real configurations use, and each is
enforced before the expensive step (parsing, expansion), so that what a read costs stays
proportional to the input. Going over a limit is a one-line error naming the file (the
scan is incomplete: exit status 2); the rest of the scan goes on.

Why these numbers (measured with `scripts/benchmark.py --hostile-only`):
- python-hcl2's parser costs about 20 s and 300 MB per MB of HCL (over 100 s on a loaded
  machine), and its string lexer about 240 bytes of memory per character of one string:
  512 KiB per file and 256 KiB per string keep one file to about 10 s and 150 MB;
- the HCL transformer and our evaluator recurse once or twice per syntax level:
  256 levels keep them far from Python's recursion limit;
- `json.loads` costs about 10 bytes of memory per byte of a plan.
"""
from __future__ import annotations

from itertools import accumulate
from typing import Any

# Terraform code (.tf, .tf.json) and variables files (.tfvars, .tfvars.json).
MAX_CODE_FILE_BYTES = 512 * 1024
# One string literal (a quoted string is one line; a heredoc runs to its end marker).
MAX_STRING_CHARS = 256 * 1024
# Depth of the HCL syntax tree (blocks, brackets, calls, operators: a `[` adds 2 levels).
MAX_SYNTAX_DEPTH = 256
# Plans and states (`terraform show -json`, terraform.tfstate).
MAX_JSON_FILE_BYTES = 256 * 1024 * 1024
# Nesting of arrays and objects in any JSON input.
MAX_JSON_DEPTH = 256
# Module instances (all calls, counts and for_each together) in one root folder.
MAX_MODULE_INSTANCES = 1000
# Resource and data source instances (count/for_each expanded) in one root folder.
MAX_RESOURCE_INSTANCES = 50_000


def size_text(size: int) -> str:
    """1048576 -> "1 MiB", 262144 -> "256 KiB", 5000000 -> "4.8 MiB"."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{size} bytes"


def too_big(size: int, limit: int, what: str) -> str | None:
    """The one-line error for a file of `size` bytes over `limit`, or None."""
    if size <= limit:
        return None
    return (f"{size_text(size)}, over the {size_text(limit)} limit for {what}: not read "
            "(see Limits in the README)")


def json_depth_over(doc: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does a parsed JSON document nest arrays/objects deeper than `limit`? (Iterative:
    the point is to refuse what recursive code downstream could not walk.) One level at a
    time, each with list comprehensions: a 5,000-resource plan has 100,000 containers and
    a stack of (node, depth) pairs made this a fifth of reading the plan."""
    level = [doc] if isinstance(doc, (dict, list)) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        deeper: list = []
        for node in level:
            deeper += [child for child in (node.values() if isinstance(node, dict) else node)
                       if isinstance(child, (dict, list))]
        level = deeper
        depth += 1
    return False


# Bytes `json_text_depth_over` keeps (quotes and brackets, `{}` counted as `[]`), and
# the table that deletes every other byte.
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{}')
# +1 for an opening bracket, -1 for a closing one (the only bytes left to count).
_STEP = [0] * 256
_STEP[ord("[")], _STEP[ord("]")] = 1, -1
# Passes that drop the innermost pairs before counting (a plan is about 8 levels deep).
_LEAF_PASSES = 8


def json_text_depth_over(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does the JSON text `text` nest arrays/objects deeper than `limit`? The answer
    `json_depth_over` gives on the parsed document, from the text, at C speed (walking the
    100,000 containers of a 5,000-resource plan in Python was a sixth of reading it):
    escaped backslashes and quotes dropped (left to right, as the JSON lexer pairs them);
    every byte but quotes and brackets deleted; adjacent quotes dropped (an empty string,
    or two strings joined: no bracket moves in or out of a string), then the quoted runs
    left (brackets inside strings); then a few passes that each drop the innermost pairs
    (one level each), and the running depth of what is left. Linear in the text whatever
    its shape. Meant for text the decoder accepts (call it after parsing): on invalid
    JSON the answer is an estimate."""
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = data.replace(b"\\\\", b"")
        data = data.replace(b'\\"', b"")
    marks = data.translate(_BRACKETS, _NOT_STRUCTURE)
    del data
    if marks.count(b"[") <= limit:
        return False  # fewer containers than levels: cannot be too deep
    marks = marks.replace(b'""', b"")
    structure = b"".join(marks.split(b'"')[0::2]) if b'"' in marks else marks
    del marks
    for depth in range(_LEAF_PASSES):  # `depth` levels dropped so far
        if not structure:
            return depth > limit
        structure = structure.replace(b"[]", b"")
    if not structure:
        return _LEAF_PASSES > limit
    return _LEAF_PASSES + max(accumulate(map(_STEP.__getitem__, structure))) > limit


def json_too_deep() -> str:
    return (f"arrays or objects nested more than {MAX_JSON_DEPTH} levels deep: not read "
            "(see Limits in the README)")
