"""What every report says about how complete the scan was, in the same words everywhere.

A gate must never look clean when parts were not read: module calls that were not read, a
scan that judged no resource at all, and the configuration file that shaped the verdicts
are stated by every format (cli, json, sarif, junitxml, csv, markdown, and through the JSON
result the hds-* reports), from these texts.
"""
from __future__ import annotations

from hds_iac.scan import ScanResult

_TEXTS = {
    "en": {
        "modules_not_read": "module calls not read",
        "nothing_judged": "nothing was judged: no resource was read, so this scan shows no "
                          "compliance at all",
        "config": "configuration file: {path}",
        "no_config": "configuration file: none",
        "allowed": "{n} module call(s) not read, accepted by {who}: the exit status ignores "
                   "them, but their resources were not judged",
        "not_allowed": "{n} module call(s) not read: the scan is incomplete (exit status 2); "
                       "run `terraform init` so that they are read, or accept it with "
                       "--allow-missing-modules",
    },
    "fr": {
        "modules_not_read": "appels de module non lus",
        "nothing_judged": "rien n'a été jugé : aucune ressource n'a été lue, ce scan ne "
                          "montre donc aucune conformité",
        "config": "fichier de configuration : {path}",
        "no_config": "fichier de configuration : aucun",
        "allowed": "{n} appel(s) de module non lu(s), accepté(s) par {who} : le code de "
                   "sortie n'en tient pas compte, mais leurs ressources n'ont pas été jugées",
        "not_allowed": "{n} appel(s) de module non lu(s) : le scan est incomplet (code de "
                       "sortie 2) ; lancez `terraform init` pour qu'ils soient lus, ou "
                       "acceptez-le avec --allow-missing-modules",
    },
}


def text(key: str, lang: str = "en", **params: object) -> str:
    return _TEXTS.get(lang, _TEXTS["en"])[key].format(**params)


def config_line(result: ScanResult, lang: str = "en") -> str:
    """The configuration file in use, or that there was none."""
    if result.config_file:
        return text("config", lang, path=result.config_file)
    return text("no_config", lang)


def unread_line(result: ScanResult, lang: str = "en") -> str | None:
    """What the module calls not read mean for the exit status; None when there are none."""
    if not result.unread_modules:
        return None
    n = len(result.unread_modules)
    if result.missing_modules_allowed_by:
        return text("allowed", lang, n=n, who=result.missing_modules_allowed_by)
    return text("not_allowed", lang, n=n)


def statements(result: ScanResult, lang: str = "en") -> list[str]:
    """The plain statements a report ends with: module calls not read, nothing judged,
    configuration file."""
    lines = [line for line in (unread_line(result, lang),) if line]
    if result.judged_nothing:
        lines.append(text("nothing_judged", lang))
    lines.append(config_line(result, lang))
    return lines
