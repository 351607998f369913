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

import gc
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
    """Does a document `json.loads` returned nest arrays/objects deeper than `limit`?
    (Iterative: the point is to refuse what recursive code downstream could not walk.)

    One level at a time, each in one C call: `gc.get_referents` hands the children of
    every container of a level at once (an object's values, an array's items), and the
    scalars of a level have none (strings, numbers, booleans and null are no collector
    objects), so after `limit` steps what is left is what sits below level `limit`. No
    Python step per container: on a 5,000-resource plan (175,000 values) 16 M
    instructions, where a text scan of brackets and quotes cost 76 M and a Python walk of
    the 100,000 containers more. Only for what `json.loads` returns (dicts, lists and
    scalars): an object of another class would be walked into as well."""
    level = [doc]
    for _ in range(limit):
        level = gc.get_referents(*level)
        if not level:
            return False
    return any(isinstance(node, (dict, list)) for node in level)


def json_too_deep() -> str:
    return (f"arrays or objects nested more than {MAX_JSON_DEPTH} levels deep: not read "
            "(see Limits in the README)")
