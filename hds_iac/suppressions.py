"""In-code suppressions: `# hds-iac:skip=HDS-ENC-001 reason` inside a resource block.

They are read from the comments python-hcl2's parser finds (`terraform/hcl/source_map.py`):
`#`, `//` and `/* */` comments anywhere in the block, nested blocks included, and never
text inside a string or a heredoc. No second lexer: what the parser calls a comment is one.

checkov users write `#checkov:skip=CKV_HDS_ENC_001:reason`; both forms are honoured so a
team can move between the two front-ends. A suppressed finding is reported as skipped with
its reason, never dropped. A suppression without a reason is not applied and is reported:
an HDS auditor will ask why a control was waived.

A waiver may end: `until=YYYY-MM-DD` anywhere after the id (`# hds-iac:skip=HDS-ENC-001
until=2027-03-31 migration to encrypted volumes planned`) makes it apply through that day
(UTC) only. Past it, the finding counts again and a notice says the waiver expired: a
temporary exception must not become a permanent one by neglect.
"""
from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone

from hds_iac.lazy_pattern import LazyPattern

# A comment's text, its markers (`#`, `//`, `/* */`) removed.
_DIRECTIVE = LazyPattern(
    r"(?P<tool>hds-iac|checkov)\s*:\s*skip\s*=\s*(?P<id>[A-Za-z0-9_\-]+)"
    r"(?:\s*[:\s]\s*(?P<reason>.*))?$")
_UNTIL = LazyPattern(r"(?:^|\s)until\s*=\s*(?P<date>\S*)")


class ExpiryError(ValueError):
    """An `until=` value that is not a calendar date YYYY-MM-DD."""


def parse_until(text: str) -> date:
    """`until=` values: YYYY-MM-DD, a real calendar day."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ExpiryError(f"until={text[:20]!r} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExpiryError(f"until={text!r} is not a calendar date") from None


def today() -> date:
    """Today in UTC: an expiry means the same day wherever the gate runs."""
    return datetime.now(timezone.utc).date()


def expired(until: str, on: date | None = None) -> bool:
    """True when the last day a waiver applies (`until`, valid YYYY-MM-DD) has passed."""
    return parse_until(until) < (on or today())


def split_until(reason: str) -> tuple[str, str | None]:
    """(the reason without its `until=...` token, the token's value or None)."""
    match = _UNTIL.search(reason)
    if not match:
        return reason, None
    rest = (reason[:match.start()] + " " + reason[match.end():]).strip()
    return " ".join(rest.split()), match.group("date")


@dataclass(frozen=True)
class Directive:
    rule_id: str  # our id (checkov ids are translated)
    reason: str
    tool: str  # "hds-iac" | "checkov"
    line: int
    until: str | None = None  # the `until=` value as written (checked by parse_until)


def checkov_id(rule_id: str) -> str:
    """HDS-ENC-001 -> CKV_HDS_ENC_001: the id our checks carry inside checkov."""
    return "CKV_" + rule_id.replace("-", "_")


def from_checkov_id(check_id: str) -> str:
    if check_id.upper().startswith("CKV_HDS_"):
        return check_id.upper()[len("CKV_"):].replace("_", "-")
    return check_id


def directives(path: str, line: int) -> list[Directive]:
    """Skip directives in the comments of the block that starts at `line` (1-based) of
    `path`, as python-hcl2's parser reads them (`#`, `//` and `/* */` comments, nested
    blocks included; text inside a string or a heredoc is not a comment). The file was
    already parsed for the scan (`files.parse_file` keeps it): a file that does not parse
    has no resource, hence nothing to waive, and its one-line error is the read's."""
    if not _comment_parser():
        return _checkov_directives(path, line)
    from hds_iac.terraform.hcl import files

    parsed = files.parse_file(path, path)
    block = parsed.block_at(line) if isinstance(parsed, files.ParsedFile) else None
    if block is None:
        return []
    found = []
    for comment in block.comments:
        for offset, text in enumerate(comment.text.splitlines()):
            directive = parse_directive(text.strip(), comment.line + offset)
            if directive is not None:
                found.append(directive)
    return found


@functools.lru_cache(maxsize=None)
def _comment_parser() -> bool:
    """True where python-hcl2 (whose parser keeps comments) is the `hcl2` module: not in
    checkov's own environment, where bc-python-hcl2 takes that name and drops comments
    (it has no `hcl2.utils`). Told from the package's files, without importing it: with
    every file from the parse cache, a scan never needs the parser (its import is about
    a fifth of a warm scan)."""
    import importlib.util

    try:
        if "hcl2" in sys.modules:
            return importlib.util.find_spec("hcl2.utils") is not None
        spec = importlib.util.find_spec("hcl2")
    except (ImportError, ValueError):
        return False
    return spec is not None and any(
        os.path.isfile(os.path.join(folder, "utils.py"))
        or os.path.isdir(os.path.join(folder, "utils"))
        for folder in spec.submodule_search_locations or ())


_LINE_COMMENT = LazyPattern(r"(?:#|//)\s*(.*)$")


def _checkov_directives(path: str, line: int) -> list[Directive]:
    """Inside checkov (its fallback checks), where no parser keeps comments: the comment
    lines of the block as checkov reads its own `checkov:skip` (from the block's first
    line to its closing `}` at the start of a line, as `terraform fmt` writes it)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    found = []
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if number > line and text.startswith("}"):
            break
        match = _LINE_COMMENT.search(text)
        directive = parse_directive(match.group(1).strip(), number) if match else None
        if directive is not None:
            found.append(directive)
    return found


def parse_directive(text: str, line: int) -> Directive | None:
    """The skip directive a comment's text (markers removed) holds, or None."""
    match = _DIRECTIVE.match(text)
    if not match:
        return None
    rule_id = match.group("id")
    if match.group("tool") == "checkov":
        rule_id = from_checkov_id(rule_id)
    reason, until = split_until((match.group("reason") or "").strip())
    return Directive(rule_id.upper(), reason, match.group("tool"), line, until)
