"""The Terraform states given with `--against`: local files and S3 backend objects.

A state is read by the same readers and adapters as `hds-iac scan terraform.tfstate`
(`hds_iac.terraform.jsonfile`, `hds_iac.adapters.terraform`): a raw state (format 4) or
`terraform show -json` output, with the same bounds, the same masking of sensitive values
(secrets are dropped at the door, sensitive values kept for judging but never printed)
and one error line per state that cannot be read; the other states are still used.

Remote states (`s3://bucket/key`) are read with one `s3:GetObject`, nothing else: the
reader never lists, locks or writes the backend (no DynamoDB lock either; a state being
written at that moment is read as S3 serves it, whole).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterable

from hds_iac.adapters.terraform import to_inventory
from hds_iac.drift.compare import ManagedState
from hds_iac.settings import Settings
from hds_iac.terraform import jsonfile, limits
from hds_iac.terraform.records import ReadError, TfConfiguration, TfResource

# Reads one object of an S3 bucket, at most `limit + 1` bytes (the caller refuses more).
S3Reader = Callable[[str, str, int], bytes]

# Machine types whose state records the ids of their own disks (root and block devices).
_MACHINES = frozenset({"aws_instance", "outscale_vm"})
_MAX_DISK_DEPTH = 8


class StateReadError(Exception):
    """A remote state could not be read; the message is the one line for the user."""


def split_s3(url: str) -> tuple[str, str] | None:
    """(bucket, key) of `s3://bucket/key`, None when `url` is not one."""
    if not url.startswith("s3://"):
        return None
    bucket, _, key = url[len("s3://"):].partition("/")
    if not bucket or not key:
        raise StateReadError(f"{url}: expected s3://BUCKET/KEY")
    return bucket, key


def _disks(rec: TfResource) -> list[str]:
    """Every `volume_id` in a machine's values (root_block_device, ebs_block_device,
    Outscale block_device_mappings_created...)."""
    out: list[str] = []
    stack: list[tuple[Any, int]] = [(rec.values, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DISK_DEPTH:
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "volume_id" and isinstance(item, str) and item:
                    out.append(item)
                else:
                    stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return out


def managed(config: TfConfiguration, name: str, settings: Settings) -> ManagedState:
    """One read state as drift compares it."""
    state = ManagedState(name=name, inventory=to_inventory(config, settings))
    for rec in config.resources:
        if rec.mode == "managed" and rec.type in _MACHINES:
            for vol in _disks(rec):
                state.disks.setdefault(vol, rec.address)
    return state


def _config(source: str, s3_reader: S3Reader | None) -> TfConfiguration:
    where = split_s3(source)
    if where is None:
        return jsonfile.read_json_input(source, source)
    if s3_reader is None:
        raise StateReadError(f"{source}: remote states are read with the AWS SDK (boto3): "
                             "install hds-iac[aws]")
    data = s3_reader(*where, limits.MAX_JSON_FILE_BYTES)
    return jsonfile.read_json_data(data, source)


def read(sources: Iterable[str], settings: Settings, s3_reader: S3Reader | None = None
         ) -> tuple[list[ManagedState], list[ReadError], list[ReadError]]:
    """(the states, errors, notices). A state that cannot be read whole, or that is a plan,
    is left out with an error naming it; the others are still read."""
    states: list[ManagedState] = []
    errors: list[ReadError] = []
    notices: list[ReadError] = []
    for source in sources:
        try:
            config = _config(source, s3_reader)
        except StateReadError as exc:
            errors.append(ReadError(source, str(exc).removeprefix(f"{source}: ")))
            continue
        errors += config.errors
        notices += config.notices
        if config.source == "plan" and not config.errors:
            errors.append(ReadError(source, "a plan, not a state: drift compares the account "
                                            "with what Terraform manages now (give the state "
                                            "file, or `terraform show -json` of it)"))
            continue
        if config.errors:
            continue  # a state read in part would make what it manages look unmanaged
        if not os.path.isabs(source) and split_s3(source) is None:
            source = os.path.normpath(source)
        states.append(managed(config, source, settings))
    return states, errors, notices
