"""Responsibility matrices: the client duties of each provider, and the rules that evidence them.

A provider's matrix binds that provider and its clients only, so there is one file per
provider (`<provider>.toml` beside this module) and a finding on an AWS resource can only
ever link to a duty of AWS's model, never to one of Outscale's matrix. Where no duty of the
resource's provider is evidenced by a rule, the finding carries no duty and the reports say
so instead of borrowing another provider's.

A certified host plans the split of responsibilities with its clients (HDS EXI 13): the
matrix of the actual contract may differ from the bundled one. `--matrix FILE` (scan, live,
report) reads a file in the same format that replaces the bundled matrix of its provider,
or adds duties to it with `mode = "extend"`. The format is described in docs/report.md.

Every duty keeps the modality of its source ("doit": obligation; "recommande", "il est
conseillé": recommendation; "si nécessaire", "voire": if-needed), because a rule backing a
recommendation can show that it was not followed, never that the client is non-compliant.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from hds_iac import bundled_toml
from hds_iac.catalogue import LANGS, Text

MODALITIES = ("obligation", "recommendation", "if-needed")
MODES = ("replace", "extend")


class MatrixError(ValueError):
    """A matrix file is malformed: a usage error when it is the user's (`--matrix FILE`)."""


@dataclass(frozen=True)
class Document:
    """The document a matrix paraphrases: a contract annex, a public page."""

    provider: str
    title: Text
    version: str
    where: Text  # how a reader finds the document (annex of the contract, public URL)


@dataclass(frozen=True)
class Duty:
    """One client duty of a provider's responsibility matrix, and the rules evidencing it."""

    key: str
    document: Document
    section: str  # "4", "12", or a heading of a public page (in English)
    heading: Text  # the section as each report shows it ("Customer data" / "Données client")
    modality: str  # obligation | recommendation | if-needed
    duty: Text  # short paraphrase in our own words (a contract matrix is confidential)
    cites: str  # what the matrix itself cites for the duty, verbatim ("HDS – 4.4.7.1 C")
    rules: tuple[str, ...]  # rules whose findings evidence this duty

    @property
    def provider(self) -> str:
        return self.document.provider

    @property
    def cites_hds_2018(self) -> bool:
        """The matrix (30 May 2023) numbers HDS requirements as the 2018 référentiel did
        ("HDS – 4.4.7.1 C"): these are not references of HDS v2.0."""
        return self.cites.strip().upper().startswith("HDS")

    def as_dict(self, lang: str) -> dict:
        out = {"key": self.key, "provider": self.provider,
               "document": self.document.title.get(lang), "version": self.document.version,
               "section": self.heading.get(lang), "modality": self.modality,
               "duty": self.duty.get(lang)}
        if self.cites:
            out["cites"] = self.cites
            if self.cites_hds_2018:
                out["cites_version"] = "HDS 2018"
        return out


@dataclass(frozen=True)
class Matrix:
    """A provider's responsibility matrix: its document and its client duties."""

    document: Document
    duties: tuple[Duty, ...]
    file: str  # where it was read (the bundled file or the user's)


@dataclass(frozen=True)
class Matrices:
    """The matrix of each provider: bundled, or the user's (`--matrix`)."""

    by_provider: dict[str, Matrix]

    def duties_for(self, provider: str | None, rule_id: str) -> tuple[Duty, ...]:
        """The duties of `provider`'s own matrix that `rule_id` evidences (none for a
        provider without a matrix)."""
        matrix = self.by_provider.get(provider or "")
        if matrix is None:
            return ()
        return tuple(d for d in matrix.duties if rule_id in d.rules)

    def all_duties(self) -> list[Duty]:
        return [d for p in sorted(self.by_provider) for d in self.by_provider[p].duties]

    def files(self) -> list[str]:
        return [self.by_provider[p].file for p in sorted(self.by_provider)]


def _text(raw: object, where: str) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGS) or not all(
            isinstance(raw[k], str) and raw[k].strip() for k in LANGS):
        raise MatrixError(f"{where}: needs a non-empty 'en' and 'fr' text")
    return Text(en=" ".join(raw["en"].split()), fr=" ".join(raw["fr"].split()))


def parse(text: str, name: str) -> tuple[Matrix, str]:
    """One matrix file, and its mode (replace or extend the bundled matrix)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MatrixError(f"{name}: not valid TOML ({exc})") from None
    return _matrix(data, name)


def _matrix(data: dict[str, Any], name: str) -> tuple[Matrix, str]:
    """`parse` of the file's TOML table."""
    from hds_iac import catalogue

    provider = data.get("provider")
    if not isinstance(provider, str) or not provider:
        raise MatrixError(f"{name}: says which provider it binds (provider = \"aws\")")
    mode = data.get("mode", "replace")
    if mode not in MODES:
        raise MatrixError(f"{name}: mode must be one of {', '.join(MODES)}")
    raw_doc = data.get("document")
    if not isinstance(raw_doc, dict):
        raise MatrixError(f"{name}: needs a [document] table (title, version, where)")
    document = Document(provider=provider, title=_text(raw_doc.get("title"), f"{name}: document.title"),
                        version=str(raw_doc.get("version", "")).strip(),
                        where=_text(raw_doc.get("where"), f"{name}: document.where"))
    rules = catalogue.load().rules
    duties = []
    raw_duties = data.get("duties") or {}
    if not isinstance(raw_duties, dict):
        raise MatrixError(f"{name}: [duties.KEY] tables expected")
    for key, raw in raw_duties.items():
        where = f"{name}: duties.{key}"
        if not isinstance(raw, dict):
            raise MatrixError(f"{where}: expected a table")
        if raw.get("modality") not in MODALITIES:
            raise MatrixError(f"{where}: modality must be one of {', '.join(MODALITIES)}")
        linked = raw.get("rules", [])
        if not isinstance(linked, list) or not all(isinstance(r, str) for r in linked):
            raise MatrixError(f"{where}: rules must be a list of rule ids")
        for rid in linked:
            if rid not in rules:
                raise MatrixError(f"{where}: unknown rule {rid}")
            if provider not in rules[rid].providers:
                raise MatrixError(f"{where}: {rid} does not judge {provider} resources")
        raw_section = raw.get("section", "")
        if isinstance(raw_section, dict):
            heading = _text(raw_section, f"{where}.section")
        else:
            heading = Text(en=str(raw_section).strip(), fr=str(raw_section).strip())
        duties.append(Duty(key=key, document=document, section=heading.en, heading=heading,
                           modality=raw["modality"], duty=_text(raw.get("duty"), where),
                           cites=str(raw.get("cites", "")).strip(), rules=tuple(linked)))
    return Matrix(document, tuple(duties), name), mode


def bundled_names() -> list[str]:
    return bundled_toml.names(__name__)


def _bundled(fname: str) -> tuple[Matrix, str]:
    name = f"hds_iac/matrices/{fname}"
    try:
        data = bundled_toml.table(__name__, fname)
    except ValueError as exc:  # tomllib.TOMLDecodeError: tomllib is not imported on a hit
        raise MatrixError(f"{name}: not valid TOML ({exc})") from None
    return _matrix(data, name)


@lru_cache(maxsize=8)
def load(paths: tuple[str, ...] = ()) -> Matrices:
    """The bundled matrices, then each user file replacing (or extending) its provider's."""
    found: dict[str, Matrix] = {}
    for fname in bundled_names():
        matrix, _ = _bundled(fname)
        found[matrix.document.provider] = matrix
    for path in paths:
        try:
            text = Path(path).read_text("utf-8-sig")
        except OSError as exc:
            raise MatrixError(f"cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise MatrixError(f"{path}: not UTF-8 text") from None
        matrix, mode = parse(text, path)
        provider = matrix.document.provider
        if mode == "extend" and provider in found:
            base = found[provider]
            keys = {d.key for d in matrix.duties}
            matrix = Matrix(base.document,
                            tuple(d for d in base.duties if d.key not in keys) + matrix.duties,
                            f"{base.file} + {path}")
        found[provider] = matrix
    return Matrices(found)


def check(paths: Sequence[str]) -> Matrices:
    """Read the matrices once before a scan: a bad file is a usage error at once."""
    return load(tuple(paths))
