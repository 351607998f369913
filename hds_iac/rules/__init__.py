"""The rule registry. One module per rule; each registers a function with `@rule(ID)`.

A rule reads only the model (`hds_iac.model`) and yields `Verdict`s. Its metadata (title,
severity, references, message texts in English and French) lives in the catalogue, so
the code here is pure logic and imports no third-party package.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Iterable

from hds_iac.model import Inventory, Resource
from hds_iac.sensitive import mask
from hds_iac.settings import Settings

STATUSES = ("pass", "fail", "unknown")


@dataclass
class Verdict:
    resource: Resource
    status: str  # "pass" | "fail" | "unknown"
    message: str  # key of a message template in the rule's catalogue entry
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"bad status {self.status!r}")

    def shown_params(self) -> dict[str, object]:
        """The params as a message may print them: every sensitive input value masked
        (`Resource.sensitive`), whatever the rule put in them. Every renderer of a
        verdict's message goes through here."""
        secrets = self.resource.sensitive
        if not secrets:
            return self.params
        return {key: mask(str(value), secrets) for key, value in self.params.items()}


RuleFunc = Callable[[Inventory, Settings], Iterable[Verdict]]
_REGISTRY: dict[str, RuleFunc] = {}


def rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = func
        return func

    return register


def registry() -> dict[str, RuleFunc]:
    """All rules, importing every module of this package once."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(_REGISTRY)
