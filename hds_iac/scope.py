"""The `scope:` section of `.hds-iac.yaml`: what the HDS report is about.

An auditor reads a report against a scope: who the host is, which hosting activities of
article R.1111-9 of the Code de la santé publique it exercises (1 physical sites, 2
hardware infrastructure, 3 virtual infrastructure, 4 application hosting platform, 5
administration and operation of the information system, 6 backup of health data), which
cloud accounts, regions and repositories are meant to be covered, and which documents the
host can produce for the requirements no scan can judge. A scan sees only what it is
shown; comparing the declared scope with what was scanned is how the report says
"complete" or "this account was never scanned".

Everything here is the user's declaration: the report shows it as declared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from hds_iac.lazy_pattern import LazyPattern

ACTIVITIES = (1, 2, 3, 4, 5, 6)
MAX_ITEMS = 500  # entries per list: a scope is a short declaration
MAX_TEXT = 500  # characters per value
KEYS = {
    "host": "legal name of the host (the entity certified or applying for HDS)",
    "activities": "hosting activities of article R.1111-9 CSP exercised (numbers 1 to 6)",
    "accounts": "cloud account ids in scope (AWS account ids, Outscale account ids)",
    "regions": "cloud regions in scope",
    "repositories": "code repositories in scope (URLs or names)",
    "documents": "documents the host can produce, by key: a reference where the auditor finds"
                 " each (see `hds-iac` docs/evidence.md for the keys)",
}
_ACCOUNT = LazyPattern(r"^[A-Za-z0-9._:-]{1,64}$")


class ScopeError(ValueError):
    """The scope section is malformed; the message says what to fix."""


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document the hds-* reports ask an auditee for (`report/evidence.toml`)."""

    key: str
    title: dict[str, str]  # lang -> text
    requirements: tuple[str, ...]  # "EXI 05"
    what: dict[str, str]  # lang -> what the document must show


@dataclass
class Scope:
    """What the configuration file declares the certification covers (`scope:`)."""

    host: str | None = None
    activities: list[int] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    repositories: list[str] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # key -> reference

    def as_dict(self) -> dict:
        return {"host": self.host, "activities": self.activities, "accounts": self.accounts,
                "regions": self.regions, "repositories": self.repositories,
                "documents": self.documents}

    @property
    def declared(self) -> bool:
        return any((self.host, self.activities, self.accounts, self.regions,
                    self.repositories, self.documents))


@lru_cache(maxsize=1)
def document_kinds() -> tuple[DocumentKind, ...]:
    """The documents an HDS host supplies for the requirements no scan can judge
    (hds_iac/report/evidence.toml)."""
    import tomllib  # here: only the hds-* reports and a declared scope need it
    from importlib import resources

    raw = tomllib.loads(resources.files("hds_iac.report").joinpath("evidence.toml")
                        .read_text("utf-8"))
    return tuple(DocumentKind(key=d["key"], title=d["title"], what=d["what"],
                              requirements=tuple(d["requirements"]))
                 for d in raw["document"])


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ScopeError(f"scope.{where} must be a text")
    text = str(value).strip()
    if not text or len(text) > MAX_TEXT or not text.isprintable():
        raise ScopeError(f"scope.{where} must be a printable text of 1 to {MAX_TEXT} characters")
    return text


def _list(value: object, where: str) -> list:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise ScopeError(f"scope.{where} must be a list")
    if len(value) > MAX_ITEMS:
        raise ScopeError(f"scope.{where} has more than {MAX_ITEMS} entries")
    return value


def parse(raw: object) -> Scope:
    """The `scope:` mapping of the configuration file; unknown keys are errors (a typo in a
    compliance declaration must not pass unnoticed)."""
    if raw is None:
        return Scope()
    if not isinstance(raw, dict):
        raise ScopeError("scope must be a mapping (host, activities, accounts, regions,"
                         " repositories, documents)")
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise ScopeError(f"unknown scope key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    scope = Scope()
    if raw.get("host") is not None:
        scope.host = _text(raw["host"], "host")
    for value in _list(raw.get("activities", []), "activities"):
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
        if isinstance(value, bool) or number not in ACTIVITIES:
            raise ScopeError(f"scope.activities: {str(value)[:40]!r} is not an activity of"
                             " article R.1111-9 CSP (1 to 6)")
        if number not in scope.activities:
            scope.activities.append(number)
    scope.activities.sort()
    for key in ("accounts", "regions", "repositories"):
        items = [_text(v, key) for v in _list(raw.get(key, []), key)]
        if key == "accounts":
            bad = [a for a in items if not _ACCOUNT.match(a)]
            if bad:
                raise ScopeError(f"scope.accounts: {bad[0][:40]!r} is not an account id")
        setattr(scope, key, list(dict.fromkeys(items)))
    documents = raw.get("documents", {}) or {}
    if not isinstance(documents, dict):
        raise ScopeError("scope.documents must be a mapping of document key to reference")
    known = {d.key for d in document_kinds()}
    for key, ref in documents.items():
        if key not in known:
            raise ScopeError(f"scope.documents: unknown document {str(key)[:40]!r}; known:"
                             f" {', '.join(sorted(known))}")
        if ref is None or ref is False:
            continue  # declared as not provided yet
        scope.documents[key] = "yes" if ref is True else _text(ref, f"documents.{key}")
    return scope
