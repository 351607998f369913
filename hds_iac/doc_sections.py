"""The tables of the hand-written docs that say something per rule, generated from the rules.

A table that lists every rule (the model contract's "what each rule reads", the checkov
fallback's partial and native-only rules) would otherwise be a second copy of what each
rule's file in hds_iac/rules/ declares, kept by hand and stale the day a rule is added. The
prose around it stays hand-written; the table sits between two markers and `hds-iac docs`
rewrites it:

    <!-- hds-iac docs: model-contract -->
    | rule | kinds it reads | facet and meaning |
    ...
    <!-- end hds-iac docs -->

`tests/test_doc_sections.py` fails when a committed table differs from what the rules say.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from hds_iac import catalogue as catalogue_mod
from hds_iac.catalogue import TOPICS, Catalogue, RuleMeta
from hds_iac.rule_docs import table_cell

SECTION = re.compile(r"(<!-- hds-iac docs: ([a-z-]+) -->\n)(.*?)(<!-- end hds-iac docs -->)", re.S)


def _in_topic_order(catalogue: Catalogue) -> list[RuleMeta]:
    order = {topic: n for n, topic in enumerate(TOPICS)}
    return sorted(catalogue, key=lambda m: (order.get(m.topic, len(order)), m.id))


def _kinds(meta: RuleMeta) -> str:
    """The kinds a rule judges, as its code declares them (`@rule(kinds=...)`, in the
    model's order; "any" when it declares none), narrowed by its contract's `which`."""
    from hds_iac.model import Kind
    from hds_iac.rules import kinds_of

    declared = kinds_of(meta.id)
    kinds = ", ".join(k.value for k in Kind if k.value in declared) if declared else "any"
    which = meta.contract.which if meta.contract else None
    return f"{kinds} ({which})" if which else kinds


def model_contract(catalogue: Catalogue) -> str:
    """docs/model-contract.md: what each rule reads of the model (its `[contract]`), on the
    kinds its code declares."""
    lines = ["| rule | kinds it reads | facet and meaning |", "|---|---|---|"]
    for meta in _in_topic_order(catalogue):
        if meta.contract is None:
            raise catalogue_mod.CatalogueError(
                f"{meta.id}: no [contract] (facets) in its hds_iac/rules/<stem>.toml")
        live_only = " (live only)" if meta.sources == ("live",) else ""
        lines.append(f"| {meta.id} {table_cell(meta.title.en)}{live_only} | "
                     f"{table_cell(_kinds(meta))} | {table_cell(meta.contract.facets)} |")
    return "\n".join(lines) + "\n"


def checkov_fallback(catalogue: Catalogue) -> str:
    """docs/checkov.md: the rules checkov's one-resource fallback judges only in part, or
    not at all (each rule's `[checkov]`, and every rule of scope "inventory")."""
    from hds_iac.checkov_support import INVENTORY_REASON, shipped_rules

    shipped = set(shipped_rules())
    metas = [m for m in _in_topic_order(catalogue) if m.id in shipped]
    lines = ["| rule | in the fallback | why |", "|---|---|---|"]
    for fallback in catalogue_mod.CHECKOV_FALLBACKS:
        for meta in metas:
            if meta.checkov and meta.checkov.fallback == fallback:
                lines.append(f"| {meta.id} | {fallback.replace('-', ' ')} | "
                             f"{table_cell(meta.checkov.why)} |")
    inventory = [m.id for m in metas if m.scope == "inventory"]
    if inventory:
        lines.append(f"| {', '.join(inventory)} (every rule of scope `inventory`) | native only"
                     f" | {table_cell(INVENTORY_REASON)} |")
    return "\n".join(lines) + "\n"


SECTIONS: dict[str, Callable[[Catalogue], str]] = {
    "model-contract": model_contract,
    "checkov-fallback": checkov_fallback,
}


def refresh(text: str, catalogue: Catalogue | None = None) -> str:
    """`text` with every marked section rewritten from the catalogue."""
    cat = catalogue or catalogue_mod.load()

    def one(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in SECTIONS:
            raise ValueError(f"unknown generated section {name!r} (known: {', '.join(SECTIONS)})")
        return match.group(1) + SECTIONS[name](cat) + match.group(4)

    return SECTION.sub(one, text)


def write(folder: str | Path) -> list[Path]:
    """Rewrite the marked sections of the Markdown files of `folder` (the docs folder, which
    holds docs/rules/); files without a marker are not touched. Returns the changed files."""
    changed = []
    for path in sorted(Path(folder).glob("*.md")):
        text = path.read_text("utf-8")
        if not SECTION.search(text):
            continue
        new = refresh(text)
        if new != text:
            path.write_text(new, encoding="utf-8", newline="\n")
            changed.append(path)
    return changed
