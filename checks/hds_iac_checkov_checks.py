"""hds-iac rules as checkov checks: one check per catalogue rule of scope "resource".

checkov imports this file by its bare stem from its own environment, which must not share
packages with hds-iac (checkov pins bc-python-hcl2, whose `hcl2` module clashes with the
python-hcl2 hds-iac reads code with). Only hds-iac's pure-Python core is needed here (model,
catalogue, rules, adapters: standard library only), so when `hds_iac` is not importable
it is loaded straight from the folder beside this one, without putting any other package
on checkov's path. The checks themselves are generated from the catalogue; the judging is
done by `hds_iac.checkov_support` with the same adapters and rule functions as
`hds-iac scan`.
"""
from __future__ import annotations

import importlib.util
import os
import sys


def _load_package(name: str, folder: str) -> None:
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(folder, "__init__.py"), submodule_search_locations=[folder])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {name} from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


def _bootstrap() -> None:
    """Make `hds_iac` importable: already installed, a checkout (`checks/` beside
    `hds_iac/`), or an installed package (`hds_iac/checkov_checks/`)."""
    if importlib.util.find_spec("hds_iac") is not None:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for root in (os.path.dirname(here), os.path.dirname(os.path.dirname(here))):
        package = os.path.join(root, "hds_iac")
        if os.path.isfile(os.path.join(package, "__init__.py")):
            _load_package("hds_iac", package)
            # A checkout keeps the region tables in `providers/` at the top; an install
            # maps them into `hds_iac/providers`.
            providers = os.path.join(root, "providers")
            if not os.path.isdir(os.path.join(package, "providers")) and os.path.isfile(
                    os.path.join(providers, "__init__.py")):
                _load_package("hds_iac.providers", providers)
            return
    raise ImportError("hds-iac checks: cannot find the hds_iac package beside " + here)


_bootstrap()

from checkov.common.bridgecrew.severities import BcSeverities, Severities  # noqa: E402
from checkov.common.models.enums import CheckCategories, CheckResult  # noqa: E402
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck  # noqa: E402
from checkov.terraform.checks.resource.registry import resource_registry  # noqa: E402

from hds_iac import checkov_support  # noqa: E402

_RESULTS = {
    checkov_support.PASS: CheckResult.PASSED,
    checkov_support.FAIL: CheckResult.FAILED,
    checkov_support.UNKNOWN: CheckResult.UNKNOWN,
}


class HdsIacCheck(BaseResourceCheck):
    """One hds-iac rule; the verdict comes from the shared rule code."""

    def __init__(self, spec: checkov_support.CheckSpec) -> None:
        self.rule_id = spec.rule_id
        super().__init__(
            name=spec.name,
            id=spec.checkov_id,
            categories=[CheckCategories[c] for c in spec.categories],
            supported_resources=list(spec.supported_resources),
            guideline=spec.guideline,
        )
        self.severity = Severities[getattr(BcSeverities, spec.severity)]

    def scan_resource_conf(self, conf):  # type: ignore[override]
        resource_type = self.entity_type
        name = self.entity_path.rsplit(":", 1)[-1] if self.entity_path else ""
        judgement = checkov_support.judge_conf(
            conf, resource_type, name, self.entity_path).get(self.rule_id)
        self.evaluated_keys = []
        if judgement is None:
            return CheckResult.UNKNOWN
        if judgement.status == checkov_support.FAIL and judgement.message:
            self.details.append(judgement.message)
        return _RESULTS[judgement.status]


def _registered() -> set[str]:
    """Ids already in checkov's registry (this file may be executed once per runner)."""
    ids = set()
    for checks in resource_registry.checks.values():
        ids.update(c.id for c in checks)
    for checks in getattr(resource_registry, "wildcard_checks", {}).values():
        ids.update(c.id for c in checks)
    return ids


_already = _registered()
CHECKS = [HdsIacCheck(spec) for spec in checkov_support.check_specs()
          if spec.checkov_id not in _already]
