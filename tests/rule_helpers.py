"""Running one rule on hand-built model objects, as the rule unit tests do.

`run` also checks that every verdict's message renders, differently, in English and
French, with no placeholder left: a catalogue mistake fails the rule's own tests.
"""
from __future__ import annotations

from hds_iac import catalogue
from hds_iac.model import Inventory, Resource
from hds_iac.rules import Verdict, registry
from hds_iac.settings import Settings

# Rules that cannot fail from code, plans or states, each with why (their fail is tested
# live, in tests/test_live_*.py): the fixture and checkov tests expect no fail from them.
NO_FAIL_FROM_CODE = {
    "HDS-LOG-009": "a fail needs every trail that could record the bucket's objects; a "
                   "configuration holds only its own, and an account or organisation trail "
                   "of another may record them (tests/test_live_aws_logging.py)",
}


def run(rule_id: str, *resources: Resource, settings: Settings | None = None) -> list[Verdict]:
    verdicts = list(registry()[rule_id](Inventory(list(resources)), settings or Settings()))
    meta = catalogue.load()[rule_id]
    for v in verdicts:
        en = meta.message(v.message, "en", **v.params)
        fr = meta.message(v.message, "fr", **v.params)
        assert en and fr and en != fr, (rule_id, v.message)
        assert "{" not in en and "{" not in fr
    return verdicts


def text(rule_id: str, verdict: Verdict, lang: str = "en") -> str:
    return catalogue.load()[rule_id].message(verdict.message, lang, **verdict.params)


def statuses(verdicts: list[Verdict]) -> dict[str, str]:
    return {v.resource.address: v.status for v in verdicts}


def by_address(verdicts: list[Verdict]) -> dict[str, Verdict]:
    return {v.resource.address: v for v in verdicts}
