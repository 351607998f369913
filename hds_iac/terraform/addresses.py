"""Terraform resource addresses and attribute paths, standard library only: the checkov
front-end (`hds_iac.checkov_native`) reads thousands of them in checkov's own process,
which must not pay for importing the adapters, the model and the catalogue to do so."""
from __future__ import annotations

from hds_iac.lazy_pattern import LazyPattern

# An address whose instance keys hold no bracket, and one such key (unquoted keys only:
# a quoted key may hold brackets, which the loop below reads).
_FLAT_KEYS = LazyPattern(r"[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*")
_KEY = LazyPattern(r"\[[^\[\]]*\]")


def base_address(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` -> `module.a.aws_s3_bucket.b` (instance keys dropped)."""
    if "[" not in address and "]" not in address:
        return address
    if '"' not in address and _FLAT_KEYS.fullmatch(address):
        return _KEY.sub("", address)  # numeric keys only (count): one regular expression
    # A key may hold brackets inside its quotes (`["a[1]"]`, `["k]"]`): only the brackets
    # outside a quoted key open or close one.
    out, depth, quoted, escaped = [], 0, False, False
    for ch in address:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"' and depth > 0:
            quoted = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def checkov_key(path: str) -> str:
    """An attribute path (`root_block_device.encrypted`, `ebs_block_device[1].encrypted`:
    `hds_iac.model.SourceAttribute.path`) as checkov writes `evaluated_keys`
    (`root_block_device/[0]/encrypted`): every nested block is a list there."""
    parts = []
    segments = path.split(".")
    for i, segment in enumerate(segments):
        name, _, index = segment.partition("[")
        parts.append(name)
        if index or i < len(segments) - 1:
            parts.append(f"[{index.rstrip(']') or 0}]")
    return "/".join(parts)
