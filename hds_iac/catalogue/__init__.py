"""The rule catalogue: every rule's metadata, each rule's beside its code.

A rule is one module and one data file with the same stem in hds_iac/rules/
(`enc_001_volumes.py` holds the logic, `enc_001_volumes.toml` the metadata), the way a
Prowler check keeps its code and its `.metadata.json` in one folder: adding a rule touches
that one place. What is not one rule's stays here: `_topics.toml` (the topics in order,
with their titles, short names and checkov categories), `_documents.toml` (the cited documents), `_vocabulary.toml` (model
words in French).
The client duties of the providers' responsibility matrices are NOT here: a matrix binds one
provider, so each lives in hds_iac/matrices/<provider>.toml with the rules that evidence it.

The catalogue is data (like Prowler's check metadata): ids, topics, severities, texts in
English and French, references to HDS v2, ISO 27001:2022 and SecNumCloud 3.2. Reports, docs and the checkov front-end are generated
from it; rule code holds only the logic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from hds_iac import bundled_toml, provider_registry

SEVERITIES = ("low", "medium", "high", "critical")
LANGS = ("en", "fr")
# "resource": judged from one resource alone (runs in checkov too);
# "inventory": needs several resources (zone spread, group memberships, backup coverage).
SCOPES = ("resource", "inventory")
# What a rule can be judged from: Terraform code, plans, states, live accounts. Most rules
# judge every source; a few need facts only a live account shows (snapshot history).
SOURCES = ("code", "plan", "state", "live")


class CatalogueError(ValueError):
    """The catalogue file is malformed: a developer error, caught by the tests."""


# The width of a topic's column in the terminal trends table (`hds-iac history trends`).
SHORT_NAME_MAX = 7


@dataclass(frozen=True)
class Topic:
    """One topic of `_topics.toml`: what every front-end says of it, written once."""
    id: str
    title: Text  # reports and the rule docs
    short: str  # the terminal trends table's column header
    checkov_categories: tuple[str, ...]  # checkov's CheckCategories names for its CKV_HDS checks


@lru_cache(maxsize=1)
def _topic_table() -> dict[str, Topic]:
    """topic id -> its entry, in the order of `_topics.toml`."""
    raw = bundled_toml.table(__name__, "_topics.toml")
    return {t["id"]: _topic(t) for t in raw["topic"]}


def _topic(raw: dict) -> Topic:
    where = f"topic {raw.get('id')}"
    short = raw.get("short")
    if not isinstance(short, str) or not 0 < len(short) <= SHORT_NAME_MAX:
        raise CatalogueError(f"{where}: short must be 1 to {SHORT_NAME_MAX} characters")
    categories = raw.get("checkov_categories")
    if not isinstance(categories, list) or not categories or not all(
            isinstance(c, str) and c.isupper() for c in categories):
        raise CatalogueError(f"{where}: checkov_categories must list checkov category names")
    return Topic(raw["id"], _text(raw.get("title"), f"{where} title"), short, tuple(categories))


def topic(topic_id: str) -> Topic:
    """A topic's entry (KeyError for a topic `_topics.toml` does not list)."""
    return _topic_table()[topic_id]


def topic_title(topic_id: str) -> Text:
    """The title of a topic in English and French, as reports and the rule docs show it."""
    return _topic_table()[topic_id].title


@dataclass(frozen=True)
class Text:
    """A text in English and in French (`get` picks the report's language)."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class References:
    """What a rule cites: HDS requirements, ISO 27001 controls, SecNumCloud chapters."""

    hds: tuple[str, ...]  # HDS v2 requirements: "EXI 28", "EXI 05 B.c"
    iso27001: tuple[str, ...]  # ISO/IEC 27001:2022 Annex A controls: "8.24"
    secnumcloud: tuple[str, ...]  # SecNumCloud 3.2 chapters, per HDS Annex 1: "10.2"
    # Why a reference a reader would expect is absent or limited (no EXI fits, a chapter
    # Annex 1 leaves unmapped): a claim the rule does NOT make is said, not left implicit.
    note: Text | None = None

    def as_dict(self, lang: str = "en") -> dict:
        out = {
            "hds": list(self.hds),
            "iso27001": list(self.iso27001),
            "secnumcloud": list(self.secnumcloud),
        }
        if self.note:
            out["note"] = self.note.get(lang)
        return out


@dataclass(frozen=True)
class Contract:
    """A rule's row of the model contract (docs/model-contract.md): the facets it reads and
    what each value means, and which resources of its kinds it judges when not all of them
    (the kinds themselves are the code's `@rule(kinds=...)`). English: it is written for
    whoever writes an adapter."""

    facets: str
    which: str | None = None


# How the checkov fallback judges a rule of scope "resource" that one resource cannot
# always decide: "partial" (its failures are a subset of hds-iac scan's, never a false
# alarm), "native-only" (not judged: only the native engine answers it in checkov).
CHECKOV_FALLBACKS = ("partial", "native-only")


@dataclass(frozen=True)
class CheckovNote:
    """How the checkov fallback judges a rule that one resource cannot always decide."""

    fallback: str  # one of CHECKOV_FALLBACKS
    why: str  # English, for docs/checkov.md and the checks' documentation


@dataclass(frozen=True)
class RuleMeta:
    """A rule's catalogue entry (`hds_iac/rules/<stem>.toml`): what reports say of it."""

    id: str
    topic: str
    severity: str
    scope: str
    providers: tuple[str, ...]
    sources: tuple[str, ...]
    title: Text
    rationale: Text  # why it matters for HDS
    remediation: Text  # every provider's fix, for docs and machine-readable reports
    references: References
    # Message templates the rule code picks by key, with {placeholders}.
    messages: dict[str, Text] = field(default_factory=dict)
    # The fix for one provider, when the catalogue gives one per provider
    # (`remediation.aws.en`): a developer reads only the fix for the resource they own.
    remediation_by_provider: dict[str, Text] = field(default_factory=dict)

    def remediation_for(self, provider: str) -> Text:
        """The fix for a resource of `provider`: its own text, else the rule's."""
        return self.remediation_by_provider.get(provider, self.remediation)

    # A provider for which the rule weighs differently (Outscale volumes: the provider
    # protects reallocated storage, client-side encryption is only recommended).
    severity_by_provider: dict[str, str] = field(default_factory=dict)

    def severity_for(self, provider: str | None) -> str:
        return self.severity_by_provider.get(provider or "", self.severity)

    # What the rule reads of the model, for developers: its row of docs/model-contract.md.
    contract: Contract | None = None
    # How the checkov fallback (no native engine: one resource per check) judges the rule,
    # when not as `hds-iac scan` does: docs/checkov.md's table and checkov_support read it.
    checkov: CheckovNote | None = None

    def message(self, key: str, lang: str, **params: object) -> str:
        return self.message_of(key, lang, params)

    def message_of(self, key: str, lang: str, params: Mapping[str, object]) -> str:
        """`message` with the params as they are (a verdict's dictionary, not copied into
        keyword arguments): the reports call it once per finding."""
        try:
            template = self.messages[key].get(lang)
        except KeyError:
            raise CatalogueError(f"{self.id}: no message {key!r} in the catalogue") from None
        return _formatted(template, lang, params)


# Messages already formatted, by (template, language, params): a 5,000-resource plan gives
# 19,000 findings but a few dozen distinct messages (`params_key` says which params are keys).
_FORMATTED: dict[tuple, str] = {}
_FORMATTED_MAX = 4096
# The types of the params that are keys by value. No two equal values of these exact types
# format differently; 1, 1.0 and True are equal keys that do, so float and bool are left
# out: a message with such a param is formatted each time (no rule gives one today).
_KEY_TYPES = frozenset({str, int, type(None), Text})


def keyable(params: Mapping[str, object]) -> bool:
    """Whether every value of `params` is of a type whose equal values give the same text
    (`_KEY_TYPES`): then params equal to these give the same message. Asked once per
    finding: a loop over a few values costs less than building a tuple of their types."""
    for v in params.values():
        if type(v) not in _KEY_TYPES:
            return False
    return True


def params_key(params: Mapping[str, object]) -> tuple | None:
    """`params` as a key of the message they give (their items), or None when some value
    is of a type whose text may not be its value (`keyable`)."""
    return tuple(params.items()) if keyable(params) else None


def _formatted(template: str, lang: str, params: Mapping[str, object]) -> str:
    if not keyable(params):  # (`params_key`, one call less: asked per finding)
        return _format(template, lang, params)
    key = (template, lang, tuple(params.items()))
    text = _FORMATTED.get(key)
    if text is None:
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        text = _FORMATTED[key] = _format(template, lang, params)
    return text


def _format(template: str, lang: str, params: Mapping[str, object]) -> str:
    # A parameter may itself exist in both languages (a country name, "EEA"/"EEE"), or
    # quote fixed words of the model that _vocabulary.toml translates.
    return template.format(**{k: v.get(lang) if isinstance(v, Text)
                              else translate(v, lang) if isinstance(v, str) else v
                              for k, v in params.items()})


@dataclass(frozen=True)
class Document:
    """A document the catalogue cites (`_documents.toml`), with its version."""

    key: str
    title: Text
    version: str


@dataclass(frozen=True)
class Catalogue:
    """Every rule's entry, by id, and the cited documents."""

    rules: dict[str, RuleMeta]
    documents: dict[str, Document]

    def __getitem__(self, rule_id: str) -> RuleMeta:
        return self.rules[rule_id]

    def __iter__(self):
        return iter(self.rules.values())


def _text(raw: object, where: str) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGS):
        raise CatalogueError(f"{where}: needs exactly an 'en' and an 'fr' text")
    if not all(isinstance(raw[k], str) and raw[k].strip() for k in LANGS):
        raise CatalogueError(f"{where}: empty text")
    return Text(en=raw["en"].strip(), fr=raw["fr"].strip())


@lru_cache(maxsize=1)
def topics() -> tuple[str, ...]:
    """The topics, in the order reports and docs list them (`_topics.toml`); also the
    module's attribute `TOPICS`, read when first asked for (not when this module is
    imported: the command line is read first, and `--no-cache` bypasses the cache of
    the data files, `bundled_toml`)."""
    return tuple(_topic_table())


def __getattr__(name: str) -> tuple[str, ...]:
    if name == "TOPICS":
        return topics()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

PROVIDER_LABELS = provider_registry.LABELS


def _remediation(rid: str, raw: object, providers: tuple[str, ...]) -> tuple[Text, dict[str, Text]]:
    """(the whole fix, the fix per provider): `remediation.en`/`.fr` for one text, or
    `remediation.<provider>.en`/`.fr` for one per provider of the rule, joined for the docs
    as "AWS: ...", "Outscale: ..."."""
    if isinstance(raw, dict) and set(raw) & set(PROVIDER_LABELS):
        if set(raw) != set(providers):
            raise CatalogueError(f"{rid}: remediation per provider needs exactly "
                                 f"{', '.join(providers)}")
        parts = {p: _text(raw[p], f"{rid} remediation {p}") for p in providers}
        whole = {lang: "\n\n".join(f"{PROVIDER_LABELS[p]}{' :' if lang == 'fr' else ':'} "
                                    f"{parts[p].get(lang)}" for p in providers)
                 for lang in LANGS}
        return Text(**whole), parts
    return _text(raw, f"{rid} remediation"), {}


def _sources(rid: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, (list, tuple)) or not raw or any(s not in SOURCES for s in raw):
        raise CatalogueError(f"{rid}: sources must be a non-empty list of {', '.join(SOURCES)}")
    return tuple(raw)


# The keys of a rule's file (hds_iac/rules/<stem>.toml): any other is a typo, refused.
RULE_KEYS = frozenset({
    "id", "topic", "severity", "scope", "providers", "sources", "title", "rationale",
    "remediation", "references", "messages", "severity_by_provider", "contract", "checkov",
})


def _one_line(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise CatalogueError(f"{where}: needs a text")
    return " ".join(raw.split())


def _contract(rid: str, raw: object) -> Contract | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and "kinds" in raw:
        raise CatalogueError(f"{rid}: contract.kinds is the code's @rule(kinds=...); say in"
                             " contract.which which resources of those kinds, if not all")
    if not isinstance(raw, dict) or "facets" not in raw or set(raw) - {"facets", "which"}:
        raise CatalogueError(f"{rid}: contract needs facets (and optionally which)")
    which = raw.get("which")
    return Contract(facets=_one_line(raw["facets"], f"{rid} contract.facets"),
                    which=None if which is None else _one_line(which, f"{rid} contract.which"))


def _checkov(rid: str, raw: object, scope: str) -> CheckovNote | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"fallback", "why"} \
            or raw["fallback"] not in CHECKOV_FALLBACKS:
        raise CatalogueError(f"{rid}: checkov needs fallback (one of"
                             f" {', '.join(CHECKOV_FALLBACKS)}) and why")
    if scope != "resource":
        raise CatalogueError(f"{rid}: a rule of scope {scope!r} is never judged by the checkov"
                             " fallback: it needs no checkov note")
    return CheckovNote(fallback=raw["fallback"], why=_one_line(raw["why"], f"{rid} checkov.why"))


def _rule(raw: dict) -> RuleMeta:
    rid = raw.get("id", "?")
    unknown = sorted(set(raw) - RULE_KEYS)
    if unknown:
        raise CatalogueError(f"{rid}: unknown key(s) {', '.join(unknown)}")
    for key, allowed in (("topic", topics()), ("severity", SEVERITIES), ("scope", SCOPES)):
        if raw.get(key) not in allowed:
            raise CatalogueError(f"{rid}: {key} must be one of {', '.join(allowed)}")
    refs = raw.get("references", {})
    if "matrix" in refs:
        raise CatalogueError(f"{rid}: matrix duties live in hds_iac/matrices/<provider>.toml")
    note = _text(refs["note"], f"{rid} references.note") if "note" in refs else None
    if not refs.get("hds") and note is None:
        raise CatalogueError(f"{rid}: a rule cites an HDS requirement, or says in"
                             " references.note why none fits")
    severities = dict(raw.get("severity_by_provider", {}))
    if any(s not in SEVERITIES for s in severities.values()):
        raise CatalogueError(f"{rid}: severity_by_provider values must be severities")
    providers = tuple(raw.get("providers", provider_registry.IDS))
    remediation, by_provider = _remediation(rid, raw.get("remediation"), providers)
    return RuleMeta(
        id=rid,
        topic=raw["topic"],
        severity=raw["severity"],
        scope=raw["scope"],
        providers=providers,
        sources=_sources(rid, raw.get("sources", SOURCES)),
        title=_text(raw.get("title"), f"{rid} title"),
        rationale=_text(raw.get("rationale"), f"{rid} rationale"),
        remediation=remediation,
        references=References(
            hds=tuple(refs.get("hds", ())),
            iso27001=tuple(refs.get("iso27001", ())),
            secnumcloud=tuple(refs.get("secnumcloud", ())),
            note=note,
        ),
        messages={k: _text(v, f"{rid} message {k}") for k, v in raw.get("messages", {}).items()},
        remediation_by_provider=by_provider,
        severity_by_provider=severities,
        contract=_contract(rid, raw.get("contract")),
        checkov=_checkov(rid, raw.get("checkov"), raw["scope"]),
    )


def parse(texts: list[str], rules: dict[str, str] | None = None) -> Catalogue:
    """Build the catalogue from TOML texts: the topic-level files of this folder (documents),
    and `rules`, stem -> text of hds_iac/rules/<stem>.toml, one rule per file."""
    import tomllib

    return _built([tomllib.loads(text) for text in texts],
                  {stem: tomllib.loads(text) for stem, text in (rules or {}).items()})


def _built(tables: list[dict[str, Any]], rules: dict[str, dict[str, Any]]) -> Catalogue:
    """`parse` of the texts' TOML tables (`tomllib.loads` of each)."""
    if any("rule" in data for data in tables):
        raise CatalogueError("a rule's metadata lives beside its code, in"
                             " hds_iac/rules/<stem>.toml, not in hds_iac/catalogue/")
    documents = {
        key: Document(key=key, title=_text(d.get("title"), f"document {key}"), version=d["version"])
        for data in tables
        for key, d in data.get("documents", {}).items()
    }
    found: dict[str, RuleMeta] = {}
    for stem, raw in rules.items():
        meta = _rule(raw)
        if meta.id != rule_id_of(stem):
            raise CatalogueError(f"rules/{stem}.toml: id {meta.id!r} does not match its file"
                                 f" (expected {rule_id_of(stem)!r})")
        if meta.id in found:
            raise CatalogueError(f"{meta.id}: defined twice")
        found[meta.id] = meta
    return Catalogue(rules=dict(sorted(found.items())), documents=documents)


def rule_id_of(stem: str) -> str:
    """The rule id a rule file's stem names: `enc_001_volumes` -> "HDS-ENC-001"."""
    topic, number, *_ = stem.split("_") + ["", ""]
    return f"HDS-{topic.upper()}-{number}"


@lru_cache(maxsize=2)
def _vocabulary(lang: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    raw = bundled_toml.table(__name__, "_vocabulary.toml")
    table = {k: v for k, v in raw.get("vocabulary", {}).get(lang, {}).items() if k != v}
    if not table:
        return None, {}
    # whole phrases only: not inside an identifier (a Terraform address, a file path)
    alternatives = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w.:/@-])(?:{alternatives})(?![\w.:/@-])"), table


def translate(text: str, lang: str) -> str:
    """The fixed model words quoted in `text`, in `lang` (English text is left as is)."""
    if lang == "en":
        return text
    pattern, table = _vocabulary(lang)
    return pattern.sub(lambda m: table[m.group(0)], text) if pattern else text


def rule_files() -> dict[str, str]:
    """stem -> text of every rule's metadata file, hds_iac/rules/<stem>.toml (read as data:
    the rules package itself is not imported)."""
    from importlib import resources

    folder = resources.files("hds_iac").joinpath("rules")
    return {p.name[:-len(".toml")]: p.read_text("utf-8")
            for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".toml")}


@lru_cache(maxsize=1)
def load() -> Catalogue:
    """The bundled catalogue: `parse` of this folder's and hds_iac/rules/'s TOML files, their
    tables read through `bundled_toml` (the user cache)."""
    rules = "hds_iac.rules"
    return _built([bundled_toml.table(__name__, name) for name in bundled_toml.names(__name__)],
                  {name[:-len(".toml")]: bundled_toml.table(rules, name)
                   for name in bundled_toml.names(rules)})
