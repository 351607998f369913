"""Every text the compliance report prints that is not in the catalogue or the data files,
in French and English. `tests/test_report.py` checks both languages have the same keys."""
from __future__ import annotations

from hds_iac import catalogue, provider_registry

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport de conformité HDS",
        "subtitle": "Référentiel de certification HDS v2.0 : exigences EXI 01 à 31, obligations du client de la matrice de responsabilités, tableau du chapitre 8",
        "generated": "Généré le",
        "tool": "Outil",
        "lang_note": "Les messages des constats sont dans la langue de l'analyse qui les a produits ({langs}) ; relancez l'analyse avec --lang {target} pour les avoir dans la langue du rapport.",
        "sources": "Résultats fusionnés",
        "source_file": "fichier",
        "source_kind": "type",
        "inputs": "entrées",
        "resources": "ressources",
        "findings": "constats",
        "summary": "Synthèse",
        "coverage": "Couverture",
        "req_with_checks": "Exigences avec contrôles automatisés",
        "req_passing": "Exigences avec contrôles conformes",
        "duties_passing": "Obligations du client (au sens strict) vérifiées conformes",
        "of": "sur",
        "coverage_note": "Calculé comme Prowler pour un référentiel : part des exigences ayant au moins un contrôle, puis part de ces exigences dont tous les constats sont conformes. Une exigence sans constat (aucune ressource concernée dans les entrées) n'est pas comptée conforme.",
        "findings_by_status": "Constats par statut",
        "by_topic": "Par thème",
        "topic": "thème",
        "requirements": "Exigences du référentiel (EXI 01 à 31)",
        "requirement": "exigence",
        "req_title": "intitulé",
        "automation": "automatisation",
        "status": "statut",
        "counts": "conf. / échec / inc.",
        "chart": "répartition",
        "why_manual": "pourquoi",
        "rules": "règles",
        "drift": "Dérive par rapport à Terraform",
        "drift_intro": "Ce que les analyses directes des comptes ont trouvé hors des états Terraform fournis (--against) : ressources non gérées (HDS-DRIFT-001), modifiées hors de la porte de contrôle (HDS-DRIFT-002) ou disparues (HDS-DRIFT-003), dans les régions que ces états couvrent. Les ressources autorisées hors de Terraform (drift_allow) figurent avec leur raison.",
        "drift_states": "États comparés",
        "drift_none": "Aucun état Terraform n'a été fourni aux analyses directes fusionnées.",
        "accounts": "Synthèse par compte",
        "accounts_intro": "Un compte par ligne pour les analyses directes de plusieurs comptes (organisation AWS, profils Outscale) : ses constats par statut et les erreurs de lecture rencontrées. Un compte sans constat mais avec des erreurs n'a pas été lu (par exemple un rôle qui n'a pas pu être assumé) : rien n'y est prouvé.",
        "account": "compte",
        "account_errors": "erreurs",
        "account_not_scanned": "non analysé",
        "account_more_errors": "… et {n} autres erreurs (voir le rapport JSON).",
        "evidence": "Éléments de preuve",
        "evidence_intro": "Pour chaque exigence contrôlée : les règles qui l'étayent et leurs constats (ressource, source, message).",
        "rule": "règle",
        "resource": "ressource",
        "where": "où",
        "source": "source",
        "message": "message",
        "severity": "sévérité",
        "more_rows": "… et {n} autres constats (voir le rapport JSON).",
        "no_evidence": "Aucun constat : aucune ressource concernée dans les résultats fusionnés.",
        "items": "Événements",
        "item": "événement",
        "duties": "Obligations du client (matrices de responsabilités)",
        "duties_intro": "Obligations du client qu'au moins une règle étaye, dans la matrice du fournisseur de chaque ressource : les constats d'un fournisseur ne valent que pour sa propre matrice. Paraphrases ; la matrice fait foi. Une recommandation non suivie, ou une mesure « si nécessaire » à apprécier, n'est pas une non-conformité.",
        "section": "section",
        "duty": "obligation (paraphrase)",
        "cites": "la matrice cite",
        "chapter8": "Tableau des acteurs (chapitre 8, EXI 29 à 31)",
        "chapter8_intro": "Pré-rempli pour les fournisseurs trouvés dans les résultats, à partir du fichier de faits {file}. Chaque fait porte sa source ; un fait que la source n'établit pas reste « indéterminé », un fait déduit est signalé comme tel. Ce fichier se modifie : --providers FICHIER.",
        "actor": "raison sociale de l'acteur",
        "role": "rôle",
        "hds_certified": "certifié HDS",
        "secnumcloud": "qualifié SecNumCloud 3.2",
        "activities": "activités d'hébergement",
        "third_country_access": "accès depuis des pays tiers à l'EEE (EXI 29)",
        "extra_eu_law": "soumis à une législation extra-européenne (EXI 30)",
        "regions_found": "régions trouvées",
        "sources_list": "Sources des faits",
        "no_actor": "Aucun fournisseur reconnu dans les résultats.",
        "errors": "Erreurs de lecture",
        "nothing_judged_note": "Rien n'a été jugé : les entrées ne contiennent aucune ressource lue ; ce rapport ne montre aucune conformité.",
        "incomplete_note": "Rapport incomplet : {n} entrée(s) n'ont pas pu être lues entièrement (voir « Erreurs de lecture ») ; les constats correspondants manquent et les chiffres ci-dessous peuvent paraître meilleurs qu'ils ne sont.",
        "errors_intro": "Entrées lues incomplètement : les constats correspondants peuvent manquer.",
        "notices": "Remarques",
        "legend": "Légende",
        "legend_text": "conforme : tous les constats sont conformes ; non conforme : au moins un constat en échec ; indéterminé : au moins un constat impossible à trancher (valeur non résolue) et aucun échec ; sans constat : contrôles prévus mais aucune ressource concernée ; manuel : à vérifier hors de l'infrastructure ; recommandation non suivie, à apprécier : une recommandation ou une mesure « si nécessaire » de la matrice que les constats ne montrent pas appliquée ; zone hors EEE : la zone autorisée de l'analyse déborde de l'EEE.",
        "method": "Méthode",
        "method_text": "Les règles et leurs références viennent du catalogue de hds-iac ; une exigence est reliée aux règles qui la citent. Ce rapport n'est pas une certification : il apporte des éléments de preuve techniques pour les exigences visibles dans l'infrastructure analysée.",
        "page": "page",
        "yes": "oui",
        "no": "non",
        "unknown": "indéterminé",
        "inferred": "déduit",
        "exempt": "exempté",
        "host": "hébergeur",
        "subcontractor": "sous-traitant",
        "countries": "pays",
        "toc": "Sommaire",
        "override_note": "La zone autorisée de l'analyse inclut {countries}, hors de l'Espace économique européen (EEE), alors que l'exigence EXI 28 impose un stockage exclusivement dans l'EEE : les constats de localisation dans ces pays ne sont conformes qu'au regard de ce choix, et EXI 28 n'est jamais présentée comme satisfaite dans ce rapport.",
        "supporting": "Exigence manuelle : les constats ci-dessous sont des éléments à l'appui, par événement, et ne la notent pas.",
        "modality": "modalité",
        "cites_hds_2018": "référence donnée par la matrice, dans la numérotation du référentiel HDS de 2018 (pas une exigence de la v2.0)",
        "uncovered": "Règles qu'aucune obligation du fournisseur ne couvre",
        "uncovered_intro": "Ces règles ont des constats sur les ressources d'un fournisseur dont la matrice ne contient aucune obligation du client qu'elles étayent. Aucune obligation d'un autre fournisseur n'est empruntée : à compléter, le cas échéant, avec la matrice du contrat (--matrix FICHIER).",
        "provider": "fournisseur",
        "matrix_files": "Matrices de responsabilités",
        "document": "document",
    },
    "en": {
        "title": "HDS compliance report",
        "subtitle": "HDS certification référentiel v2.0: requirements EXI 01 to 31, client duties of the responsibility matrix, chapter 8 table",
        "generated": "Generated on",
        "tool": "Tool",
        "lang_note": "Finding messages are in the language of the scan that produced them ({langs}); run the scan again with --lang {target} to have them in the report's language.",
        "sources": "Merged results",
        "source_file": "file",
        "source_kind": "kind",
        "inputs": "inputs",
        "resources": "resources",
        "findings": "findings",
        "summary": "Summary",
        "coverage": "Coverage",
        "req_with_checks": "Requirements with automated checks",
        "req_passing": "Requirements with checks passing",
        "duties_passing": "Client obligations checked passing",
        "of": "of",
        "coverage_note": "Computed as Prowler does for a framework: share of requirements with at least one check, then share of those requirements whose findings all pass. A requirement without findings (no resource concerned in the inputs) is not counted as passing.",
        "findings_by_status": "Findings by status",
        "by_topic": "By topic",
        "topic": "topic",
        "requirements": "Requirements of the référentiel (EXI 01 to 31)",
        "requirement": "requirement",
        "req_title": "title",
        "automation": "automation",
        "status": "status",
        "counts": "pass / fail / unk.",
        "chart": "breakdown",
        "why_manual": "why",
        "rules": "rules",
        "drift": "Drift from Terraform",
        "drift_intro": "What the live account scans found outside the given Terraform states (--against): unmanaged resources (HDS-DRIFT-001), resources changed outside the gate (HDS-DRIFT-002) or gone (HDS-DRIFT-003), in the regions those states cover. Resources allowed outside Terraform (drift_allow) are listed with their reason.",
        "drift_states": "States compared",
        "drift_none": "No Terraform state was given to the merged live scans.",
        "accounts": "Summary by account",
        "accounts_intro": "One row per account for live scans of several accounts (an AWS organisation, Outscale profiles): its findings by status and the read errors met. An account with errors and no finding was not read (for example a role that could not be assumed): nothing is proven there.",
        "account": "account",
        "account_errors": "errors",
        "account_not_scanned": "not scanned",
        "account_more_errors": "… and {n} more errors (see the JSON report).",
        "evidence": "Evidence",
        "evidence_intro": "For each checked requirement: the rules behind it and their findings (resource, source, message).",
        "rule": "rule",
        "resource": "resource",
        "where": "where",
        "source": "source",
        "message": "message",
        "severity": "severity",
        "more_rows": "… and {n} more findings (see the JSON report).",
        "no_evidence": "No finding: no resource concerned in the merged results.",
        "items": "Events",
        "item": "event",
        "duties": "Client duties (responsibility matrices)",
        "duties_intro": "Client duties that at least one rule gives evidence for, in the matrix of each resource's provider: a provider's findings count for its own matrix only. Paraphrased; the matrix is the authority. A recommendation not followed, or an \"if needed\" measure to assess, is not a failure.",
        "section": "section",
        "duty": "duty (paraphrase)",
        "cites": "the matrix cites",
        "chapter8": "Table of actors (chapter 8, EXI 29 to 31)",
        "chapter8_intro": "Pre-filled for the providers found in the results, from the facts file {file}. Every fact carries its source; a fact the source does not establish stays \"unknown\", an inferred fact says so. The file is meant to be edited: --providers FILE.",
        "actor": "actor's legal name",
        "role": "role",
        "hds_certified": "HDS certified",
        "secnumcloud": "SecNumCloud 3.2 qualified",
        "activities": "hosting activities",
        "third_country_access": "access from countries outside the EEA (EXI 29)",
        "extra_eu_law": "subject to non-European law (EXI 30)",
        "regions_found": "regions found",
        "sources_list": "Sources of the facts",
        "no_actor": "No known provider in the results.",
        "errors": "Read errors",
        "nothing_judged_note": "Nothing was judged: the inputs hold no resource that was read; this report shows no compliance at all.",
        "incomplete_note": "Incomplete report: {n} input(s) could not be read entirely (see \"Read errors\"); their findings are missing and the figures below may look better than they are.",
        "errors_intro": "Inputs read incompletely: the matching findings may be missing.",
        "notices": "Notices",
        "legend": "Legend",
        "legend_text": "pass: every finding passes; fail: at least one finding fails; unknown: at least one finding could not be decided (unresolved value) and none fails; no finding: checks exist but no resource is concerned; manual: to verify outside the infrastructure; recommendation not followed, to assess: a recommendation or an \"if needed\" measure of the matrix the findings do not show applied; area beyond the EEA: the scan's allowed area goes beyond the EEA.",
        "method": "Method",
        "method_text": "Rules and their references come from the hds-iac catalogue; a requirement is linked to the rules that cite it. This report is not a certification: it gives technical evidence for the requirements visible in the scanned infrastructure.",
        "page": "page",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "inferred": "inferred",
        "exempt": "exempt",
        "host": "host",
        "subcontractor": "subcontractor",
        "countries": "countries",
        "toc": "Contents",
        "override_note": "The scan's allowed area includes {countries}, outside the European Economic Area (EEA), while requirement EXI 28 demands storage exclusively within the EEA: data location findings in those countries pass only by this choice, and EXI 28 is never shown as met in this report.",
        "supporting": "Manual requirement: the findings below are supporting evidence, event by event, and do not score it.",
        "modality": "modality",
        "cites_hds_2018": "reference given by the matrix, in the numbering of the 2018 HDS référentiel (not a requirement of v2.0)",
        "uncovered": "Rules no duty of the provider covers",
        "uncovered_intro": "These rules have findings on the resources of a provider whose matrix holds no client duty they give evidence for. No other provider's duty is borrowed: complete it, if relevant, with the matrix of the contract (--matrix FILE).",
        "provider": "provider",
        "matrix_files": "Responsibility matrices",
        "document": "document",
    },
}

STATUS: dict[str, dict[str, str]] = {
    "fr": {"pass": "conforme", "fail": "non conforme", "unknown": "indéterminé",
           "skipped": "écarté", "not-evaluated": "sans constat", "manual": "manuel", "not-run": "non exécuté",
           "not-followed": "recommandation non suivie", "to-assess": "à apprécier",
           "override": "zone hors EEE"},
    "en": {"pass": "pass", "fail": "fail", "unknown": "unknown", "skipped": "skipped",
           "not-evaluated": "no finding", "manual": "manual", "not-run": "not run",
           "not-followed": "recommendation not followed", "to-assess": "to assess",
           "override": "area beyond the EEA"},
}

MODALITY: dict[str, dict[str, str]] = {
    "fr": {"obligation": "obligation", "recommendation": "recommandation",
           "if-needed": "si nécessaire"},
    "en": {"obligation": "obligation", "recommendation": "recommendation",
           "if-needed": "if needed"},
}

AUTOMATION: dict[str, dict[str, str]] = {
    "fr": {"automated": "automatisée", "partial": "partiellement automatisée", "manual": "manuelle"},
    "en": {"automated": "automated", "partial": "partially automated", "manual": "manual"},
}

REASONS: dict[str, dict[str, str]] = {
    "fr": {"contractual": "contractuelle", "organisational": "organisationnelle",
           "not-visible": "non visible dans l'infrastructure",
           "not-yet-checked": "visible mais pas encore contrôlée"},
    "en": {"contractual": "contractual", "organisational": "organisational",
           "not-visible": "not visible in infrastructure",
           "not-yet-checked": "visible but not checked yet"},
}

# Topic titles live with the topics, in hds_iac/catalogue/_topics.toml.
TOPICS: dict[str, dict[str, str]] = {
    lang: {topic: catalogue.topic_title(topic).get(lang) for topic in catalogue.TOPICS}
    for lang in ("fr", "en")
}

KINDS: dict[str, dict[str, str]] = {
    "fr": {"hcl": "code Terraform", "plan": "plan Terraform", "state": "état Terraform",
           **{p.id: p.live_label["fr"] for p in provider_registry.PROVIDERS}},
    "en": {"hcl": "Terraform code", "plan": "Terraform plan", "state": "Terraform state",
           **{p.id: p.live_label["en"] for p in provider_registry.PROVIDERS}},
}

SEVERITY: dict[str, dict[str, str]] = {
    "fr": {"low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"},
    "en": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
}

PROVIDERS = provider_registry.LABELS


def label(lang: str, key: str, **params: object) -> str:
    text = LABELS[lang][key]
    return text.format(**params) if params else text


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def moment(iso: str, lang: str) -> str:
    """"2026-11-30T06:54:00Z" -> "30 novembre 2026 à 06:54 UTC" / "30 November 2026, 06:54
    UTC": a date an auditor reads, with its time zone; the ISO form stays in the JSON."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    zone = "UTC" if when.utcoffset() is not None and not when.utcoffset() else when.strftime("UTC%z")
    if lang == "fr":
        day = "1er" if when.day == 1 else str(when.day)
        return f"{day} {MONTHS_FR[when.month - 1]} {when.year} à {when:%H:%M} {zone}"
    return f"{when.day} {when:%B %Y}, {when:%H:%M} {zone}"


def colon(lang: str) -> str:
    """French puts a (no-break) space before a colon."""
    return "\u00a0: " if lang == "fr" else ": "


def percent(value: float | None, lang: str) -> str:
    """37.5 -> "37,5 %" (French, narrow no-break space) or "37.5%"."""
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") + "\u202f%" if lang == "fr" else text + "%"
