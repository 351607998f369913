"""In-code suppressions: `# hds-iac:skip=HDS-ENC-001 reason` inside a resource block.

checkov users write `#checkov:skip=CKV_HDS_ENC_001:reason`; both forms are honoured so a
team can move between the two front-ends. A suppressed finding is reported as skipped with
its reason, never dropped. A suppression without a reason is not applied and is reported:
an HDS auditor will ask why a control was waived.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DIRECTIVE = re.compile(
    r"(?:#|//)\s*(?P<tool>hds-iac|checkov)\s*:\s*skip\s*=\s*(?P<id>[A-Za-z0-9_\-]+)"
    r"(?:\s*[:\s]\s*(?P<reason>.*))?$")


@dataclass(frozen=True)
class Directive:
    rule_id: str  # our id (checkov ids are translated)
    reason: str
    tool: str  # "hds-iac" | "checkov"
    line: int


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
            found.append(Directive(rule_id.upper(), (match.group("reason") or "").strip(),
                                   match.group("tool"), i + 1))
    return found
