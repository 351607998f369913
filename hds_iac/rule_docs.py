"""One Markdown page per rule (docs/rules/<RULE-ID>.md) and an index, from the catalogue only.

Pages are bilingual (English first, then French) and list every reference an auditor needs:
HDS v2 requirements, ISO/IEC 27001:2022 Annex A controls, the SecNumCloud 3.2 chapters HDS
Annex 1 maps them to, and, per provider, the client duties of THAT provider's responsibility
matrix the rule evidences (hds_iac/matrices), with their modality and what the matrix cites;
a provider whose matrix no duty covers the rule for is said so. The output depends only on
the catalogue and the bundled matrices, so the same data always gives the same bytes (`hds-iac docs`, and a test that the committed pages
are up to date).
"""
from __future__ import annotations

import re
from pathlib import Path

from hds_iac import catalogue as catalogue_mod
from hds_iac import matrices, provider_registry
from hds_iac.catalogue import TOPICS, Catalogue, RuleMeta

INDEX = "README.md"
PAGE = re.compile(r"^HDS-[A-Z]+-\d{3}\.md$")

_SCOPES = {
    "resource": ("judged from one resource alone", "jugée sur une seule ressource"),
    "inventory": ("needs several resources of the configuration",
                  "nécessite plusieurs ressources de la configuration"),
}
_PROVIDERS = provider_registry.LABELS


def table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (on one line, pipes escaped); Markdown inside it
    (code spans, links) is kept: catalogue texts are the project's own."""
    return " ".join(text.split()).replace("|", "\\|")


def _paragraphs(text: str) -> str:
    """Catalogue texts are wrapped at ~90 columns; blank lines separate paragraphs."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def _providers(meta: RuleMeta) -> str:
    return ", ".join(_PROVIDERS.get(p, p) for p in meta.providers)


def _topic_title(topic: str) -> tuple[str, str]:
    title = catalogue_mod.topic_title(topic)
    return title.en, title.fr


def render_rule(meta: RuleMeta, catalogue: Catalogue | None = None) -> str:
    """The Markdown page of one rule."""
    cat = catalogue or catalogue_mod.load()
    refs = meta.references
    scope_en, scope_fr = _SCOPES.get(meta.scope, (meta.scope, meta.scope))
    topic_en, topic_fr = _topic_title(meta.topic)
    lines = [
        f"# {meta.id}: {meta.title.en}",
        "",
        f"*{meta.title.fr}*",
        "",
        "| | |",
        "|---|---|",
        f"| Id | `{meta.id}` |",
        f"| Topic / Thème | {meta.topic} ({topic_en} / {topic_fr}) |",
        f"| Severity / Sévérité | {meta.severity} |",
        f"| Scope / Portée | {meta.scope}: {scope_en} / {scope_fr} |",
        f"| Providers / Fournisseurs | {_providers(meta)} |",
        f"| Sources | {', '.join(meta.sources)} |",
        "",
    ]
    for heading, text in (("Rationale", meta.rationale.en), ("Remediation", meta.remediation.en),
                          ("Justification (FR)", meta.rationale.fr),
                          ("Remédiation (FR)", meta.remediation.fr)):
        lines += [f"## {heading}", "", _paragraphs(text), ""]
    lines += [
        "## References / Références",
        "",
        "| Source | References / Références |",
        "|---|---|",
    ]
    hds = cat.documents.get("hds-v2")
    hds_name = f"{hds.title.en} ({hds.version})" if hds else "HDS référentiel v2.0"
    lines.append(f"| {table_cell(hds_name)} | {', '.join(refs.hds) or '-'} |")
    lines.append(f"| ISO/IEC 27001:2022 Annex A | {', '.join(refs.iso27001) or '-'} |")
    lines.append(f"| SecNumCloud 3.2 (via HDS Annex 1) | {', '.join(refs.secnumcloud) or '-'} |")
    if refs.note:
        lines += ["", f"*{refs.note.en}*", "", f"*{refs.note.fr}*"]
    lines += [
        "",
        "### Client duties of each provider / Obligations du client de chaque fournisseur",
        "",
        "A provider's matrix binds that provider only: a finding links to duties of its own "
        "provider. Duties are paraphrased (a contract matrix is confidential). / La matrice "
        "d'un fournisseur ne lie que lui : un constat ne renvoie qu'aux obligations de son "
        "propre fournisseur. Les obligations sont paraphrasées (une matrice contractuelle est "
        "confidentielle).",
        "",
        "| Provider | Document | Section | Modality | Client duty | Obligation du client | Cites / Cite |",
        "|---|---|---|---|---|---|---|",
    ]
    loaded = matrices.load()
    for provider in meta.providers:
        duties = loaded.duties_for(provider, meta.id)
        name = _PROVIDERS.get(provider, provider)
        if not duties:
            lines.append(f"| {name} | - | - | - | No duty of this provider's matrix covers this "
                         "rule | Aucune obligation de la matrice de ce fournisseur ne couvre "
                         "cette règle | - |")
        for duty in duties:
            version = f" ({duty.document.version})" if duty.document.version else ""
            doc = f"{duty.document.title.en}{version}"
            section = duty.section if duty.heading.fr == duty.heading.en else (
                f"{duty.heading.en} / {duty.heading.fr}")
            cites = table_cell(duty.cites) if duty.cites else "-"
            if duty.cites_hds_2018:
                cites += " (HDS 2018 numbering / numérotation HDS 2018)"
            lines.append(f"| {name} | {table_cell(doc)} | {table_cell(section)} | "
                         f"{duty.modality} | "
                         f"{table_cell(duty.duty.en)} | {table_cell(duty.duty.fr)} | {cites} |")
    lines += ["", f"[All rules / Toutes les règles]({INDEX})", ""]
    return "\n".join(lines)


def render_index(catalogue: Catalogue) -> str:
    """The index page: every rule, grouped by topic in the catalogue's topic order."""
    lines = [
        "# Rules / Règles",
        "",
        "Generated from the rule catalogue by `hds-iac docs`; do not edit by hand. / "
        "Généré depuis le catalogue des règles par `hds-iac docs` ; ne pas modifier à la main.",
        "",
    ]
    topics = list(TOPICS) + sorted({m.topic for m in catalogue} - set(TOPICS))
    for topic in topics:
        metas = sorted((m for m in catalogue if m.topic == topic), key=lambda m: m.id)
        if not metas:
            continue
        en, fr = _topic_title(topic)
        lines += [
            f"## {en} / {fr} (`{topic}`)",
            "",
            "| Id | Severity | Scope | Providers | Title | Titre | HDS |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in metas:
            lines.append(f"| [{m.id}]({m.id}.md) | {m.severity} | {m.scope} | {_providers(m)} | "
                         f"{table_cell(m.title.en)} | {table_cell(m.title.fr)} | "
                         f"{', '.join(m.references.hds)} |")
        lines.append("")
    return "\n".join(lines)


def render_all(catalogue: Catalogue | None = None) -> dict[str, str]:
    """File name -> content for every page and the index."""
    cat = catalogue or catalogue_mod.load()
    pages = {f"{m.id}.md": render_rule(m, cat) for m in sorted(cat, key=lambda m: m.id)}
    pages[INDEX] = render_index(cat)
    return pages


def write(folder: str | Path) -> list[Path]:
    """Write every page and the index into `folder`; remove rule pages of rules that no
    longer exist (only files named like a rule page). Returns the written paths, sorted."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pages = render_all()
    for stale in out.iterdir():
        if PAGE.match(stale.name) and stale.name not in pages:
            stale.unlink()
    written = []
    for name in sorted(pages):
        path = out / name
        path.write_text(pages[name], encoding="utf-8", newline="\n")
        written.append(path)
    return written
