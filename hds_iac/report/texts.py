"""Every text the compliance report prints that is not in the catalogue or the data files,
in French and English. `tests/test_report.py` checks both languages have the same keys."""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport de conformité HDS",
        "subtitle": "Référentiel de certification HDS v2.0 : exigences EXI 01 à 31, obligations du client de la matrice de responsabilités, tableau du chapitre 8",
        "generated": "Généré le",
        "tool": "Outil",
        "lang_note": "Les messages des constats sont dans la langue du scan qui les a produits ({langs}) ; relancez le scan avec --lang {target} pour les avoir dans la langue du rapport.",
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
        "duties_passing": "Obligations du client vérifiées conformes",
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
        "duties": "Obligations du client (matrice de responsabilités)",
        "duties_intro": "Obligations du client qu'au moins une règle couvre, par section de la matrice (paraphrase ; la matrice fait foi).",
        "section": "section",
        "duty": "obligation (paraphrase)",
        "cites": "la matrice cite",
        "chapter8": "Tableau des acteurs (chapitre 8, EXI 29 à 31)",
        "chapter8_intro": "Pré-rempli pour les fournisseurs trouvés dans les résultats, à partir du fichier de faits {file}. Chaque fait porte sa source ; un fait non établi reste « inconnu ». Ce fichier se modifie : --providers FICHIER.",
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
        "legend_text": "conforme : tous les constats sont conformes ; non conforme : au moins un constat en échec ; inconnu : au moins un constat impossible à décider (valeur non résolue) et aucun échec ; sans constat : contrôles prévus mais aucune ressource concernée ; manuel : à vérifier hors de l'infrastructure.",
        "method": "Méthode",
        "method_text": "Les règles et leurs références viennent du catalogue de hds-iac ; une exigence est reliée aux règles qui la citent. Ce rapport n'est pas une certification : il apporte des éléments de preuve techniques pour les exigences visibles dans l'infrastructure analysée.",
        "page": "page",
        "yes": "oui",
        "no": "non",
        "unknown": "inconnu",
        "exempt": "exempté",
        "host": "hébergeur",
        "subcontractor": "sous-traitant",
        "countries": "pays",
        "toc": "Sommaire",
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
        "duties_passing": "Client duties checked passing",
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
        "duties": "Client duties (responsibility matrix)",
        "duties_intro": "Client duties that at least one rule covers, by section of the matrix (paraphrased; the matrix is the authority).",
        "section": "section",
        "duty": "duty (paraphrase)",
        "cites": "the matrix cites",
        "chapter8": "Table of actors (chapter 8, EXI 29 to 31)",
        "chapter8_intro": "Pre-filled for the providers found in the results, from the facts file {file}. Every fact carries its source; a fact not established stays \"unknown\". The file is meant to be edited: --providers FILE.",
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
        "legend_text": "pass: every finding passes; fail: at least one finding fails; unknown: at least one finding could not be decided (unresolved value) and none fails; no finding: checks exist but no resource is concerned; manual: to verify outside the infrastructure.",
        "method": "Method",
        "method_text": "Rules and their references come from the hds-iac catalogue; a requirement is linked to the rules that cite it. This report is not a certification: it gives technical evidence for the requirements visible in the scanned infrastructure.",
        "page": "page",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "exempt": "exempt",
        "host": "host",
        "subcontractor": "subcontractor",
        "countries": "countries",
        "toc": "Contents",
    },
}

STATUS: dict[str, dict[str, str]] = {
    "fr": {"pass": "conforme", "fail": "non conforme", "unknown": "inconnu",
           "skipped": "ignoré", "not-evaluated": "sans constat", "manual": "manuel"},
    "en": {"pass": "pass", "fail": "fail", "unknown": "unknown", "skipped": "skipped",
           "not-evaluated": "no finding", "manual": "manual"},
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

TOPICS: dict[str, dict[str, str]] = {
    "fr": {"data-location": "Localisation des données", "encryption-at-rest": "Chiffrement au repos",
           "encryption-in-transit": "Chiffrement en transit", "mfa": "Authentification multifacteur",
           "access-keys": "Clés d'accès", "multi-az": "Répartition multi-zones",
           "backup": "Sauvegardes", "drift": "Dérive par rapport à Terraform"},
    "en": {"data-location": "Data location", "encryption-at-rest": "Encryption at rest",
           "encryption-in-transit": "Encryption in transit", "mfa": "Multi-factor authentication",
           "access-keys": "Access keys", "multi-az": "Multi-zone deployment", "backup": "Backups",
           "drift": "Drift from Terraform"},
}

KINDS: dict[str, dict[str, str]] = {
    "fr": {"hcl": "code Terraform", "plan": "plan Terraform", "state": "état Terraform",
           "aws": "compte AWS (direct)", "outscale": "compte Outscale (direct)"},
    "en": {"hcl": "Terraform code", "plan": "Terraform plan", "state": "Terraform state",
           "aws": "live AWS account", "outscale": "live Outscale account"},
}

SEVERITY: dict[str, dict[str, str]] = {
    "fr": {"low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"},
    "en": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
}

PROVIDERS = {"aws": "AWS", "outscale": "Outscale"}


def label(lang: str, key: str, **params: object) -> str:
    text = LABELS[lang][key]
    return text.format(**params) if params else text


def colon(lang: str) -> str:
    """French puts a (no-break) space before a colon."""
    return "\u00a0: " if lang == "fr" else ": "


def percent(value: float | None, lang: str) -> str:
    """37.5 -> "37,5 %" (French, narrow no-break space) or "37.5%"."""
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") + "\u202f%" if lang == "fr" else text + "%"
