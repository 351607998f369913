"""The chapter 8 table of the HDS référentiel (actors, HDS certified, SecNumCloud 3.2,
access from third countries, extra-EU law exposure: EXI 29-31), pre-filled from a provider
facts file (`providers.toml`, or the user's own with `--providers FILE`).

A fact is {value, source, note.fr/en, countries, inferred}. Anything missing or without a
source stays "unknown": the report never turns an unknown into a yes or a no. A fact the
source does not state but that follows from it (AWS is not SecNumCloud-qualified: it is
controlled from outside the EU) is marked `inferred = true` and shown as inferred. A
source is one text, or `source.fr` / `source.en` so that each report reads in its language.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hds_iac.catalogue import LANGS, Text

FACTS = ("actor", "role", "hds_certified", "secnumcloud", "activities",
         "third_country_access", "extra_eu_law")
YES_NO = ("yes", "no", "unknown")
CHOICES = {
    "role": ("host", "subcontractor", "unknown"),
    "hds_certified": ("yes", "no", "exempt", "unknown"),
    "secnumcloud": YES_NO,
    "third_country_access": YES_NO,
    "extra_eu_law": YES_NO,
}
DEFAULT_FILE = "hds_iac/report/providers.toml"


class ProvidersError(ValueError):
    """The provider facts file is malformed: a usage error when it is the user's."""


@dataclass(frozen=True)
class Fact:
    value: str  # "unknown" when not established
    source: Text | None = None
    note: Text | None = None
    countries: tuple[str, ...] = ()
    inferred: bool = False  # deduced from the source, not stated by it

    @property
    def known(self) -> bool:
        return self.value != "unknown"


UNKNOWN = Fact("unknown")


@dataclass
class Actor:
    key: str
    provider: str | None
    facts: dict[str, Fact]
    regions: dict[str, dict[str, Fact]] = field(default_factory=dict)


@dataclass
class Row:
    """One line of the table: an actor, its facts, and the regions the scan found."""

    actor: Actor
    regions: list[str]
    overrides: dict[str, dict[str, Fact]]  # region found -> facts that differ there


def _fact(name: str, raw: object, where: str) -> Fact:
    if not isinstance(raw, dict):
        raise ProvidersError(f"{where}.{name}: expected a table with value and source")
    value = str(raw.get("value", "unknown")).strip() or "unknown"
    if name in CHOICES and value not in CHOICES[name]:
        raise ProvidersError(f"{where}.{name}: value must be one of {', '.join(CHOICES[name])}")
    note = raw.get("note")
    if note is not None:
        if not isinstance(note, dict) or set(note) != set(LANGS):
            raise ProvidersError(f"{where}.{name}.note: needs both 'fr' and 'en'")
        note = Text(en=str(note["en"]).strip(), fr=str(note["fr"]).strip())
    source = _source(raw.get("source", ""), f"{where}.{name}.source")
    if value != "unknown" and source is None:
        raise ProvidersError(f"{where}.{name}: a known fact needs its source (or set value ="
                             " \"unknown\")")
    countries = raw.get("countries", [])
    if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
        raise ProvidersError(f"{where}.{name}.countries: expected a list of country codes")
    inferred = raw.get("inferred", False)
    if not isinstance(inferred, bool):
        raise ProvidersError(f"{where}.{name}.inferred: expected true or false")
    return Fact(value=value, source=source, note=note,
                countries=tuple(c.strip().upper() for c in countries), inferred=inferred)


def _source(raw: object, where: str) -> Text | None:
    """A source in one text (the same in both languages) or in `fr` and `en`."""
    if isinstance(raw, dict):
        if set(raw) != set(LANGS) or not all(isinstance(raw[k], str) for k in LANGS):
            raise ProvidersError(f"{where}: needs both 'fr' and 'en'")
        text = Text(en=raw["en"].strip(), fr=raw["fr"].strip())
        return text if text.en and text.fr else None
    text = str(raw).strip()
    return Text(en=text, fr=text) if text else None


def _facts(raw: dict, where: str, complete: bool) -> dict[str, Fact]:
    unknown_keys = [k for k in raw if k not in FACTS and k not in ("provider", "regions")]
    if unknown_keys:
        raise ProvidersError(f"{where}: unknown fact {', '.join(unknown_keys)}"
                             f" (known: {', '.join(FACTS)})")
    facts = {name: _fact(name, raw[name], where) for name in FACTS if name in raw}
    if complete:
        facts = {name: facts.get(name, UNKNOWN) for name in FACTS}
    return facts


def parse(text: str, name: str = DEFAULT_FILE) -> list[Actor]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProvidersError(f"{name}: not valid TOML ({exc})") from None
    actors = []
    for key, raw in (data.get("actors") or {}).items():
        where = f"{name}: actors.{key}"
        if not isinstance(raw, dict):
            raise ProvidersError(f"{where}: expected a table")
        regions = {region: _facts(r, f"{where}.regions.{region}", complete=False)
                   for region, r in (raw.get("regions") or {}).items()}
        actors.append(Actor(key=key, provider=raw.get("provider"),
                            facts=_facts(raw, where, complete=True), regions=regions))
    return actors


def load(path: str | None = None) -> tuple[list[Actor], str]:
    """The actors of the facts file, and the name to print for it."""
    if path is None:
        text = resources.files("hds_iac.report").joinpath("providers.toml").read_text("utf-8")
        return parse(text), DEFAULT_FILE
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as exc:
        raise ProvidersError(f"cannot read {path}: {exc.strerror}") from None
    return parse(text, path), path


def rows(actors: list[Actor], found: dict[str, set[str]]) -> list[Row]:
    """Actors of the providers found (with the regions found), then the actors tied to no
    provider; a provider found with no actor in the file gets an all-unknown row."""
    out = []
    known_providers = {a.provider for a in actors if a.provider}
    for actor in actors:
        if actor.provider is None:
            out.append(Row(actor, [], {}))
        elif actor.provider in found:
            regions = sorted(found[actor.provider])
            out.append(Row(actor, regions,
                           {r: actor.regions[r] for r in regions if r in actor.regions}))
    for provider in sorted(set(found) - known_providers):
        facts = {name: UNKNOWN for name in FACTS}
        facts["actor"] = Fact(provider)  # the provider's name, from the scan itself
        out.append(Row(Actor(provider, provider, facts), sorted(found[provider]), {}))
    return out
