"""Where a report links a rule to its documentation page.

Markdown lands in pull-request comments and SARIF in code-scanning dashboards: a link
relative to this repository (`docs/rules/X.md`) would resolve against the reader's
repository and lead nowhere. Links are therefore absolute: the project's published pages
by default, or the base URL the user configured (`--rules-url`, `rules_base_url`), for a
mirror or an internal copy of docs/rules/.
"""
from __future__ import annotations

PROJECT_URL = "https://github.com/hds-iac/hds-iac"
DEFAULT_RULES_URL = f"{PROJECT_URL}/blob/main/docs/rules/"


def check_base(url: str) -> str:
    """The base URL as given, when it is an absolute http(s) URL; ValueError otherwise."""
    if not url.startswith(("https://", "http://")) or any(
            c.isspace() or c in '<>|"`\\' or ord(c) < 0x20 for c in url):
        raise ValueError(f"rules base URL must be an absolute http(s) URL, got {url!r}")
    return url


def rule_url(rule_id: str, base: str | None = None) -> str:
    """The documentation page of `rule_id` under `base` (default: the project's pages)."""
    base = base or DEFAULT_RULES_URL
    return f"{base}{'' if base.endswith('/') else '/'}{rule_id}.md"
