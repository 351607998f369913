"""In-code suppressions: `# hds-iac:skip=HDS-ENC-001 reason` inside a resource block.

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

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache

_DIRECTIVE = re.compile(
    r"(?:#|//)\s*(?P<tool>hds-iac|checkov)\s*:\s*skip\s*=\s*(?P<id>[A-Za-z0-9_\-]+)"
    r"(?:\s*[:\s]\s*(?P<reason>.*))?$")
_UNTIL = re.compile(r"(?:^|\s)until\s*=\s*(?P<date>\S*)")


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


@lru_cache(maxsize=256)
def _lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def _block_end(lines: tuple[str, ...], start: int) -> int:
    """Index of the line closing the block opened at `start` (0-based), skipping strings."""
    depth, opened = 0, False
    heredoc: str | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        in_string, j = False, 0
        while j < len(line):
            ch = line[j]
            if in_string:
                if ch == "\\":
                    j += 1
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#" or line.startswith("//", j):
                break
            elif line.startswith("<<", j):
                match = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_]*)", line[j:])
                if match:
                    heredoc = match.group(1)
                    break
            elif ch == "{":
                depth, opened = depth + 1, True
            elif ch == "}":
                depth -= 1
                if opened and depth == 0:
                    return i
            j += 1
    return len(lines) - 1


def directives(path: str, line: int) -> list[Directive]:
    """Skip directives inside the block that starts at `line` (1-based) of `path`."""
    lines = _lines(path)
    if not lines or line < 1 or line > len(lines):
        return []
    found = []
    for i in range(line - 1, _block_end(lines, line - 1) + 1):
        match = _DIRECTIVE.search(lines[i].strip())
        if match:
            rule_id = match.group("id")
            if match.group("tool") == "checkov":
                rule_id = from_checkov_id(rule_id)
            reason, until = split_until((match.group("reason") or "").strip())
            found.append(Directive(rule_id.upper(), reason, match.group("tool"), i + 1, until))
    return found
