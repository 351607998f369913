"""The HCL reader: Terraform code folders as `TfResource` records (`source="hcl"`).

`find_roots(path)` lists the root modules under a folder; `read_folder(root, ...)` reads
one root with its local (and downloaded) modules and resolves what code alone can tell:
variables (with Terraform's precedence), locals, expressions and functions, count and
for_each instances, module arguments and outputs, providers and their regions, references
between resources. What cannot be resolved is an `Unknown` with the reason. Bad input
(broken HCL, binary or unreadable files) becomes `ReadError`s; the rest is still read.

Modules: `files` (discovery, parsing, tfvars), `expressions` (parser and evaluator),
`functions` (built-in functions), `modules` (module instances, providers, records).
"""
from __future__ import annotations

import os
from typing import Mapping, Sequence

from hds_iac.terraform.hcl.files import find_roots
from hds_iac.terraform.hcl.modules import (
    Evaluation,
    ModuleInstance,
    downloaded_modules,
    root_variables,
)
from hds_iac.terraform.records import ReadError, TfConfiguration, TfResource

__all__ = ["find_roots", "read_folder"]


def read_folder(
    root: str,
    display_base: str,
    var_files: Sequence[str] = (),
    variables: Mapping[str, str] = {},  # noqa: B006 - never mutated
    environ: Mapping[str, str] | None = None,
) -> TfConfiguration:
    """Every resource and data source instance of the root module at `root`.

    `TfResource.file` is relative to `display_base` ("/" separators). `environ` defaults to
    `os.environ` (for `TF_VAR_name` values).
    """
    config = TfConfiguration(path=root, source="hcl", base=display_base)
    evaluation = Evaluation(root, display_base)
    resources: list[TfResource] = []
    try:
        if not os.path.isdir(root):
            evaluation.errors.append(ReadError(root, "not a folder"))
        else:
            evaluation.downloaded = downloaded_modules(root)
            source = evaluation.source(root)
            if source.tf_count == 0:
                evaluation.errors.append(
                    ReadError(root, "no Terraform files (*.tf) in this folder"))
            root_variables(evaluation, source, var_files, variables,
                           os.environ if environ is None else environ)
            ModuleInstance(evaluation, source).records(resources)
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the scan
        evaluation.errors.append(ReadError(
            root, f"internal error while reading this folder ({type(exc).__name__}); "
                  "please report it"))
    config.resources = resources
    config.errors = evaluation.errors
    config.notices = evaluation.notices
    config.unread_modules = evaluation.unread_modules
    config.folders = sorted(evaluation.sources)
    return config
