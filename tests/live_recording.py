"""Recorded live answers: what a live scan collected, written once to JSON and read back.

The live adapters (`hds_iac/live/aws/adapt.py`, `hds_iac/live/outscale/adapt.py`) are reached
end to end only through `hds-iac live` against a real moto_server or the Outscale mock. A
recording keeps what the collector read there (its `AccountData`, boto3's own shapes) and
the findings the scan reported from it, so that a fast in-process test can feed the same
answers to the adapter and the engine and compare verdicts (`tests/test_live_aws_adapt.py`).
`scripts/record_live.py` makes the recordings.

JSON cannot hold a failed call, a datetime or bytes: they are written as one-key objects
{"$failed": reason}, {"$datetime": ISO text}, {"$bytes": base64}.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from hds_iac.live.aws.collect import AccountData, CallError, Failed

def judged(inventory: Any, settings: Any, source: str, account: str | None) -> list[tuple]:
    """What a user sees of a live scan of `inventory`: (rule, resource, status, message,
    deciding field) of every finding, sorted; no rule may raise. One judge for the AWS and
    Outscale in-process tests, as `scan.judge_inventory` is one for the live commands."""
    from hds_iac.scan import ScanResult, judge_inventory

    result = ScanResult()
    judge_inventory(result, inventory, settings, None, source, account=account)
    assert result.errors == [], result.errors  # no rule raised
    return sorted((f.rule_id, f.resource.address, f.status, f.message(), f.attribute_note())
                  for f in result.findings)


def verdicts_of(findings: list[tuple]) -> dict[tuple[str, str], str]:
    """(rule, resource) -> status of `judged` findings."""
    return {(rule, address): status for rule, address, status, *_ in findings}


RECORDINGS = Path(__file__).resolve().parent / "data" / "live"
# Fields the collectors receive and the adapters never read because they may hold secrets
# (a VM's user data, a VPN's pre-shared keys): kept out of a recording.
SECRET_FIELDS = frozenset({"UserData", "ClientGatewayConfiguration",
                           "CustomerGatewayConfiguration"})


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def encode(value: Any) -> Any:
    if isinstance(value, Failed):
        return {"$failed": value.reason}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot record {type(value).__name__}")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "$failed":
                return Failed(inner)
            if key == "$datetime":
                return dt.datetime.fromisoformat(inner)
            if key == "$bytes":
                return base64.b64decode(inner)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode_account(data: AccountData) -> dict:
    return {"account": data.account, "caller": data.caller, "partition": data.partition,
            "regions": encode(_without_secrets(data.regions)),
            "global": encode(_without_secrets(data.global_)),
            "errors": [{"service": e.service, "operation": e.operation, "region": e.region,
                        "kind": e.kind, "message": e.message} for e in data.errors],
            "notices": list(data.notices), "services": list(data.services),
            "calls": dict(sorted(data.calls.items()))}


def decode_account(raw: dict) -> AccountData:
    return AccountData(account=raw["account"], caller=raw["caller"],
                       partition=raw["partition"], regions=decode(raw["regions"]),
                       global_=decode(raw["global"]),
                       errors=[CallError(**e) for e in raw["errors"]],
                       notices=list(raw["notices"]), services=list(raw["services"]),
                       calls=Counter(raw["calls"]))


def load(name: str) -> dict:
    """A recording: {"now", "data" (AccountData), "findings": [[rule, address, status,
    message], …]}."""
    raw = json.loads((RECORDINGS / f"{name}.json").read_text("utf-8"))
    return {"now": dt.datetime.fromisoformat(raw["now"]), "data": decode_account(raw["data"]),
            "findings": [tuple(f) for f in raw["findings"]], "about": raw.get("about", "")}




def encode_region(data) -> dict:
    """An Outscale `RegionData` (live/outscale/collect.py): the API's answers per action."""
    return {"region": data.region, "account_id": data.account_id,
            "answers": encode(_without_secrets(data.answers)),
            "records": {a: {"status": r.status, "pages": r.pages, "items": r.items,
                            "calls": r.calls} for a, r in data.records.items()},
            "errors": [{"action": e.action, "region": e.region, "kind": e.kind,
                        "detail": e.detail, "requests": e.requests} for e in data.errors]}


def decode_region(raw: dict):
    from hds_iac.live.outscale.collect import CallError as OscCallError
    from hds_iac.live.outscale.collect import CallRecord, RegionData

    return RegionData(region=raw["region"], account_id=raw["account_id"],
                      answers=decode(raw["answers"]),
                      records={a: CallRecord(a, **r) for a, r in raw["records"].items()},
                      errors=[OscCallError(**e) for e in raw["errors"]])


def load_outscale(name: str) -> dict:
    """An Outscale recording: {"now", "data" (RegionData), "findings"}."""
    raw = json.loads((RECORDINGS / f"{name}.json").read_text("utf-8"))
    return {"now": dt.datetime.fromisoformat(raw["now"]), "data": decode_region(raw["data"]),
            "findings": [tuple(f) for f in raw["findings"]], "about": raw.get("about", "")}
