"""hds-iac rules as checkov checks: one check per catalogue rule of scope "resource".

checkov imports this file by its bare stem from its own environment, which must not share
packages with hds-iac (checkov pins bc-python-hcl2, whose `hcl2` module clashes with the
python-hcl2 hds-iac reads code with). Only hds-iac's pure-Python core is needed here (model,
catalogue, rules, adapters: standard library only), so when `hds_iac` is not importable
it is loaded straight from the folder beside this one, without putting any other package
on checkov's path. The checks themselves are generated from the catalogue (through the
table `hds_iac.checkov_check_table` keeps in the user cache, so that checkov's process does
not import the catalogue, rules and adapters in each run); the verdicts come from the
native engine (`hds_iac.checkov_native`), else, in the fallback, from
`hds_iac.checkov_support` with the same adapters and rule functions as `hds-iac scan`.
"""
from __future__ import annotations

import atexit
import functools
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

# First of all, before the rest of hds-iac and checkov's classes are imported: start the
# native scan of what the runner loading these checks will check, so that it runs while
# checkov parses (`_prefetch`, just below).
from hds_iac import checkov_native  # noqa: E402  (standard library only)

# One cache per checkov process (see hds_iac.checkov_native.shared).
NATIVE = checkov_native.shared()


_PLANS: dict[tuple[int, int], tuple[str, ...]] = {}


def _plans_of(runner: object) -> tuple[str, ...]:
    """The plan files a checkov plan runner checks (its `definitions`), absolute; worked
    out once per runner and count of plans, not once per resource."""
    definitions = getattr(runner, "definitions", None) or ()
    key = (id(definitions), len(definitions))
    found = _PLANS.get(key)
    if found is None:
        found = _PLANS[key] = tuple(sorted(os.path.abspath(p) for p in definitions
                                           if isinstance(p, str)))
    return found


def _prefetch() -> None:
    """Start the native scan of what the runner loading these checks will check, so that
    it runs while checkov parses and builds its graph (the terraform runner loads external
    checks first; the plan runner once its plans are read). The runner is found up the
    stack; when it is not (another checkov version), checkov's command line says what a
    run of one framework scans (`checkov_native.inputs_from_argv`); else the scan starts
    at the first check."""
    frame = sys._getframe(1)
    for _ in range(40):
        if frame is None:
            break
        runner = frame.f_locals.get("self")
        module = type(runner).__module__
        if module == "checkov.terraform.plan_runner" and getattr(runner, "definitions", None):
            NATIVE.prefetch(_plans_of(runner), True)
            return
        if module == "checkov.terraform.runner" and "root_folder" in frame.f_locals:
            root, files = frame.f_locals.get("root_folder"), frame.f_locals.get("files")
            if not root and files:  # as the runner does for `-f main.tf`
                root = os.path.split(os.path.commonprefix(files))[0]
            if isinstance(root, str) and root and os.path.isdir(root):
                NATIVE.prefetch((os.path.abspath(root),), False)
            return
        frame = frame.f_back
    for targets, plan in checkov_native.inputs_from_argv(sys.argv):
        NATIVE.prefetch(targets, plan)


_prefetch()

from checkov.common.bridgecrew.severities import BcSeverities, Severities  # noqa: E402
from checkov.common.models.enums import CheckCategories, CheckResult  # noqa: E402
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck  # noqa: E402
from checkov.terraform.checks.resource.registry import resource_registry  # noqa: E402
from checkov.terraform.parser_functions import handle_dynamic_values  # noqa: E402

from hds_iac import checkov_check_table  # noqa: E402  (standard library only)

# A verdict's status (native report, or `checkov_support.Judgement`) -> checkov's result.
_RESULTS = {
    "pass": CheckResult.PASSED,
    "fail": CheckResult.FAILED,
    "unknown": CheckResult.UNKNOWN,
    "skipped": CheckResult.SKIPPED,
}


# The frame of the checkov runner's `run_block` met last, how far up the stack of
# `_checkov_input` it is, and its answers (plan or not): checkov checks every resource of
# one file within one `run_block` call, so the stack is searched once per file, not once
# per resource (reading a frame's locals copies them). The frame is held, so that while it
# is, no other frame can have its identity; it is dropped at exit (`_let_go`).
_RUNNER: list = []  # [frame, depth, {is a plan: answer}]


def _checkov_input(conf: dict) -> tuple[str, tuple[str, ...], bool] | None:
    """(absolute path of the resource's file, what to scan natively, is a plan).

    checkov gives a check the file relative to the folder it scans, not the folder; its
    runner holds both in `run_block(..., full_file_path, root_folder, ...)`, a few frames up
    the stack (checkov 3.x). What to scan: the folder checkov scans (the native scan finds
    every root module under it), or every plan file of the plan runner (its
    `definitions`), in one native run. None when that cannot be found: the checks then fall
    back."""
    plan = "__startline__" in conf or "__change_actions__" in conf
    if _RUNNER:
        frame, depth, answers = _RUNNER
        try:
            same = sys._getframe(depth) is frame
        except ValueError:  # a shallower stack: another caller
            same = False
        if same and plan in answers:
            return answers[plan]
    frame = sys._getframe(1)
    for depth in range(1, 17):
        if frame is None:
            return None
        local = frame.f_locals
        if "full_file_path" in local and "root_folder" in local:
            answer = _input_of(local, plan)
            if _RUNNER and _RUNNER[0] is frame:
                _RUNNER[2][plan] = answer
            else:
                _RUNNER[:] = [frame, depth, {plan: answer}]
            return answer
        frame = frame.f_back
    return None


def _input_of(local: dict, plan: bool) -> tuple[str, tuple[str, ...], bool] | None:
    """`_checkov_input` from the locals of checkov's `run_block`."""
    full = local["full_file_path"]
    full = getattr(full, "file_path", full)
    if not isinstance(full, str):
        return None
    full = os.path.abspath(full)
    if plan:
        plans = _plans_of(local.get("self"))
        return full, plans if full in plans else (full,), True
    root = local["root_folder"]
    root = os.path.abspath(root) if isinstance(root, str) and root else ""
    if not root or not os.path.isdir(root):
        root = os.path.dirname(full)
    return full, (root,), False


# Every check of one resource gets the same `conf` object from checkov, one check after the
# other: the resource's native verdicts are looked up once and kept until the next one.
_LAST: tuple[object, tuple[str | None, dict | None]] | None = None
_REAL: dict[str, str] = {}  # a resource's file -> its real path, once per file


def _real(path: str) -> str:
    found = _REAL.get(path)
    if found is None:
        found = _REAL[path] = os.path.realpath(path)
    return found


def _native_verdicts(conf: dict) -> tuple[str | None, dict | None]:
    """(the resource's file, rule id -> NativeVerdict), the verdicts None when the checks
    must fall back (no native engine, a failed scan, a file it could not read)."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is conf:
        return last[1]
    where = _checkov_input(conf)
    address = conf.get("__address__")
    verdicts = None
    if where is not None and isinstance(address, str):
        file = _real(where[0])
        scan = None
        if not where[2] and not file.startswith(_real(where[1][0]) + os.sep):
            scan = NATIVE.scan_that_read(file)  # an earlier `-d` folder's resource
        if scan is None:
            scan = NATIVE.scan(where[1], where[2])
        if scan is not None:
            verdicts = scan.verdicts(file, address)
            if verdicts is None:
                NATIVE.say_unread(scan, file)
    answer = (where[0] if where else None, verdicts)
    _LAST = (conf, answer)
    return answer


def _let_go() -> None:
    """Drop what the checks hold of checkov's run: the last `run_block` frame (and with it
    the runner's report and parsed input) and the last resource. Held to the end, they
    outlive checkov's own references and are still alive when the interpreter shuts down,
    whose collections then go over them: +2.3 s CPU on the 5,000-resource plan, against a
    release at exit that frees them once, as checkov frees its own. (checkov's parallel
    runners end with os._exit: no shutdown, nothing to drop.)"""
    global _LAST
    _RUNNER.clear()
    _LAST = None


atexit.register(_let_go)


@functools.lru_cache(maxsize=1024)
def _directives(path: str, line: int) -> tuple:
    """The skip directives of one resource block, read once for all its checks."""
    from hds_iac import suppressions

    return tuple(suppressions.directives(path, line))


def _fallback_skip(path: str | None, line: int | None, rule_id: str) -> str | None:
    """The reason of an unexpired `# hds-iac:skip=` for this rule in the resource block,
    for the fallback (the native scan applies it itself; `#checkov:skip=` is checkov's)."""
    if not path or not line:
        return None
    from hds_iac import suppressions

    for directive in _directives(path, line):
        if directive.tool != "hds-iac" or directive.rule_id != rule_id or not directive.reason:
            continue
        try:
            if directive.until and suppressions.expired(directive.until):
                continue
        except suppressions.ExpiryError:
            continue
        return f"hds-iac:skip: {directive.reason}"
    return None


class HdsIacCheck(BaseResourceCheck):
    """One hds-iac rule; the verdict comes from the native engine's scan of the whole root
    (or plan), else from the shared rule code on this one resource."""

    def __init__(self, spec: checkov_check_table.CheckSpec) -> None:
        self.rule_id = spec.rule_id
        super().__init__(
            name=spec.name,
            id=spec.checkov_id,
            categories=[CheckCategories[c] for c in spec.categories],
            supported_resources=list(spec.supported_resources),
            guideline=spec.guideline,
        )
        self.severity = Severities[getattr(BcSeverities, spec.severity)]
        self._skip_reason = ""

    def run(self, scanned_file, entity_configuration, entity_name, entity_type,
            skip_info):  # type: ignore[override]
        """checkov's `BaseCheck.run` and `BaseResourceCheck.scan_entity_conf`, less their
        debug record per check and resource (checkov formats every one and keeps it in
        memory: with our checks on thousands of resources, a large share of their cost) and
        less the expansion of dynamic blocks that only the fallback reads."""
        self.details = []
        self._skip_reason = ""
        if skip_info:
            return {"result": CheckResult.SKIPPED,
                    "suppress_comment": skip_info["suppress_comment"]}
        self.evaluated_keys = []
        self.entity_path = f"{scanned_file}:{entity_type}:{entity_name}"
        self.entity_type = entity_type
        try:
            if entity_configuration.get("count") == [0]:
                result = CheckResult.UNKNOWN
            else:
                result = self.scan_resource_conf(entity_configuration)
        except Exception:
            self.log_check_error(scanned_file=scanned_file, entity_type=entity_type,
                                 entity_name=entity_name,
                                 entity_configuration=entity_configuration)
            raise
        check_result = {"result": result, "evaluated_keys": self.get_evaluated_keys()}
        if result == CheckResult.SKIPPED and self._skip_reason:
            check_result["suppress_comment"] = self._skip_reason  # the waiver applied
        return check_result

    def scan_resource_conf(self, conf):  # type: ignore[override]
        self.evaluated_keys = []
        file, verdicts = _native_verdicts(conf)
        if verdicts is not None:
            verdict = verdicts.get(self.rule_id)
            if verdict is None:
                return CheckResult.UNKNOWN  # the rule does not judge this resource
            self.evaluated_keys = list(verdict.keys)
            if verdict.status == "fail" and verdict.message:
                self.details.append(verdict.message)
            if verdict.status == "skipped":
                self._skip_reason = verdict.reason
            return _RESULTS[verdict.status]
        handle_dynamic_values(conf)  # as checkov's scan_entity_conf does for its checks
        return self._one_resource(conf, file)

    def _one_resource(self, conf, path: str | None):
        """The fallback: today's judgement of the one resource checkov shows (the rule
        code is imported only here: the native path needs none of it)."""
        from hds_iac import checkov_support

        resource_type = self.entity_type
        name = self.entity_path.rsplit(":", 1)[-1] if self.entity_path else ""
        judgement = checkov_support.judge_conf(
            conf, resource_type, name, self.entity_path).get(self.rule_id)
        if judgement is None:
            return CheckResult.UNKNOWN
        plan = "__startline__" in conf or "__change_actions__" in conf  # no comments there
        reason = None if plan else _fallback_skip(path, checkov_support.line_of(conf),
                                                   self.rule_id)
        if reason:  # as `hds-iac scan`: a waived finding is skipped, whatever its status
            self._skip_reason = reason
            return CheckResult.SKIPPED
        self.evaluated_keys = list(judgement.keys)
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


def _computed_specs() -> list[checkov_check_table.CheckSpec]:
    """The checks' metadata from the catalogue, when the user cache holds no table for
    this hds-iac (its first checkov run, or after an upgrade or an edit)."""
    from hds_iac import checkov_support

    return checkov_support.check_specs()


_already = _registered()
CHECKS = [HdsIacCheck(spec) for spec in checkov_check_table.specs(_computed_specs)
          if spec.checkov_id not in _already]
