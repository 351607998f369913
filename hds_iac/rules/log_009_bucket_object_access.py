"""HDS-LOG-009: who read or wrote the objects of a bucket that holds health data is traced.

A trail's management events say who changed a bucket's settings, not who downloaded a
patient's file: that needs object-level traces, either S3 server access logs on the bucket
or CloudTrail data events on its objects (EXI 05 D.c; EXI 15: the client consults the
traces of access to its health data). Both reads and writes must be traced: a trail
selector recording only "WriteOnly" misses every consultation, one recording only
"ReadOnly" every change, and two selectors or trails may together record both.

Every bucket holds health data unless the user's tag (`Settings.health_data_tag`) says
false/no/0, as the encryption and location rules judge every bucket. A trail counts when
it is logging and records the bucket's region (multi-region, organisation, or its home
region). A fail needs every trail that could record the bucket: a live scan lists them in
the bucket's region (a listing that did not answer makes the fail unknown, `needs_all`);
code, plans and states hold only the trails of one configuration, where an account or
organisation trail of another may record the objects: there, nothing found is unknown.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.catalogue import Text
from hds_iac.model import Inventory, Logging, Maybe, Resource, Trail, Unknown, first_unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._trail import trails
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings

# ARN partitions a selector prefix may name.
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-eusc", "aws-iso", "aws-iso-b")


def covers(prefix: str, bucket: str | None) -> bool:
    """A data-event ARN prefix records every object of `bucket` (`arn:aws:s3`,
    `arn:aws:s3:::`, `arn:aws:s3:::bucket/`; "" for a selector without ARN filter). A
    bucket whose name is not known is covered only by a prefix that covers every bucket."""
    target = "" if bucket is None else f"{bucket}/"
    return any(f"arn:{part}:s3:::{target}".startswith(prefix) for part in _PARTITIONS)


def _records_region(res: Resource, trail: Trail, region: Maybe[str] | None) -> Maybe[bool]:
    if trail.organization is True or trail.all_regions is True:
        return True
    if isinstance(region, Unknown):
        return region
    for value in (trail.organization, trail.all_regions, res.region):
        if isinstance(value, Unknown):
            return value
    return region is not None and res.region == region


class _Traced:
    """What the trails of the inventory record of one bucket's objects."""

    def __init__(self) -> None:
        self.read: Maybe[bool] = False
        self.write: Maybe[bool] = False
        self.names: list[str] = []

    def add(self, read: Maybe[bool], write: Maybe[bool], how: Maybe[bool], name: str) -> None:
        """One selector's part: `how` True when it certainly concerns the bucket (its
        prefix covers it, its trail logs in the bucket's region), Unknown when that is not
        known; `read`/`write` what it records. A half is True only when both are."""
        for half, value in (("read", read), ("write", write)):
            if how is False or value is False:
                continue
            if how is True and value is True:
                setattr(self, half, True)
                if name not in self.names:
                    self.names.append(name)
            elif getattr(self, half) is False:
                setattr(self, half, how if isinstance(how, Unknown) else value)


def _by_trails(found: list[tuple[Resource, Maybe[Trail]]], bucket: str | None,
               region: Maybe[str] | None) -> _Traced:
    traced = _Traced()
    for res, trail in found:
        if isinstance(trail, Unknown):
            traced.add(True, True, trail, res.address)
            continue
        if not trail.exists or trail.logging is False:
            continue
        events = trail.object_events
        if isinstance(events, Unknown):
            traced.add(True, True, events, res.address)
            continue
        scope = _records_region(res, trail, region)
        on = trail.logging
        for selector in events:
            for prefix in selector.prefixes:
                how: Maybe[bool] = prefix if isinstance(prefix, Unknown) else covers(
                    prefix, bucket)
                if how is True:
                    how = next((v for v in (scope, on) if v is not True), True)
                if how is not False:
                    traced.add(selector.read, selector.write, how, res.address)
    return traced


# The fixed texts of messages, built once (a plan may hold thousands of buckets).
_LOGS_UNRESOLVED = Text(en="server access logs unresolved",
                        fr="journaux d'accès serveur indéterminés")
_NO_LOGS = Text(en="no server access logs", fr="aucun journal d'accès serveur")
_READS_ONLY = Text(en="reads only", fr="les lectures seulement")
_WRITES_ONLY = Text(en="writes only", fr="les écritures seulement")
_NONE = Text(en="none", fr="aucun")


def _bucket_name(ids: tuple[str, ...]) -> str | None:
    """The bucket's name among its identifiers (the first that is not an ARN), None when
    not known."""
    for found in ids:
        if found and not found.startswith("arn:"):
            return found
    return None


def _access_logs(logs: Logging) -> Text:
    """The bucket's server access logs, for messages."""
    if logs.enabled is True:
        return Text(en=f"server access logs to bucket {logs.detail}",
                    fr=f"journaux d'accès serveur vers le compartiment {logs.detail}")
    if isinstance(logs.enabled, Unknown):
        return _LOGS_UNRESOLVED
    return _NO_LOGS


def _recorded(traced: _Traced) -> Text:
    """What the trails record of the bucket's object accesses, for messages."""
    if traced.read is True:
        return _READS_ONLY
    if traced.write is True:
        return _WRITES_ONLY
    return _NONE


@rule("HDS-LOG-009", kinds=("bucket",), needs_all={"trail": ("fail",)})
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    tag = settings.health_data_tag
    found = list(trails(inventory))  # listed once: an inventory may hold thousands of buckets
    for res in inventory.of_kind("bucket"):
        logs = res.logging
        if logs is None or logs.health_data is False:
            continue
        name = _bucket_name(res.ids)
        params: dict[str, object] = {"detail": _access_logs(logs), "tag": tag}
        if logs.enabled is True:
            yield Verdict(res, "pass", "pass_access_logs", params,
                          facets=("logging.enabled",))
            continue
        traced = _by_trails(found, name, res.region)
        if traced.read is True and traced.write is True:
            yield Verdict(res, "pass", "pass_trails",
                          {**params, "trails": ", ".join(traced.names)})
            continue
        unsure = first_unknown(logs.enabled, traced.read, traced.write, logs.health_data)
        if unsure is None and name is None:
            unsure = Unknown("the bucket's name is not known")
        params["recorded"] = _recorded(traced)
        if unsure is not None:
            yield Verdict(res, "unknown", "unknown", {**params, "reason": why(unsure)})
        elif not logs.all_trails:
            yield Verdict(res, "unknown", "unknown_elsewhere", params)
        else:
            yield Verdict(res, "fail", "fail", params, facets=("logging.enabled",))
