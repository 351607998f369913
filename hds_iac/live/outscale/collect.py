"""Read-only calls to the Outscale API, every page of every answer.

Each call is wrapped: a refused, throttled or failed call becomes one `CallError` naming
the call and the EIM permission to add, and the scan goes on with the other calls. Only
`Read*` actions are ever sent (`READ_ACTIONS`; a test proves it from the mock's log).

Pagination, as the API does it:
- `NextPageToken` + `ResultsPerPage` (at most 1,000): ReadVms, ReadVolumes, ReadSnapshots,
  ReadImages, ReadSecurityGroups, ReadSubnets, ReadSubregions, ReadVpnConnections;
- `FirstItem` + `ResultsPerPage` with `HasMoreItems` in the answer: ReadUsers;
- no paging: ReadAccounts, ReadLoadBalancers, ReadAccessKeys, ReadApiAccessRules,
  ReadApiAccessPolicy.
The next page is asked for as long as the API hands out a token (or says it has more),
whatever the page size it chose, so no resource is ever missed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

# action -> (answer key, paging style: "token" | "item" | None, kinds of model resources
# whose listing it feeds). When a call does not answer, resources of those kinds may be
# missing from the region's inventory: the adapter records a `ReadGap` for them. Calls that
# feed only facets of resources read otherwise (subnets -> zones, accounts -> whose
# snapshots) feed no listing; the adapter makes those facets Unknown.
READ_ACTIONS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "ReadSubregions": ("Subregions", "token", ()),
    "ReadAccounts": ("Accounts", None, ()),
    "ReadSubnets": ("Subnets", "token", ()),
    "ReadVolumes": ("Volumes", "token", ("volume",)),
    "ReadVms": ("Vms", "token", ("instance",)),
    "ReadSecurityGroups": ("SecurityGroups", "token", ("security-group",)),
    "ReadSnapshots": ("Snapshots", "token", ("snapshot",)),
    "ReadImages": ("Images", "token", ("image",)),
    "ReadLoadBalancers": ("LoadBalancers", None, ("load-balancer", "listener")),
    "ReadVpnConnections": ("VpnConnections", "token", ("vpn",)),
    "ReadApiAccessPolicy": ("ApiAccessPolicy", None, ("account-policy",)),
    "ReadApiAccessRules": ("ApiAccessRules", None, ()),
    "ReadUsers": ("Users", "item", ("user",)),
    "ReadAccessKeys": ("AccessKeys", None, ("access-key",)),
}


def feeds(action: str) -> frozenset[str]:
    """The kinds of resources whose listing `action` feeds (empty: only facets)."""
    return frozenset(READ_ACTIONS[action][2]) if action in READ_ACTIONS else frozenset()


# What each call is needed for (coverage lines and error messages).
PURPOSE = {
    "ReadSubregions": "the region's subregions (also proves the credentials work there)",
    "ReadAccounts": "the account id, to tell this account's snapshots and images from public ones",
    "ReadSubnets": "the subregions of load balancers in a Net",
    "ReadVolumes": "volumes (encryption attestation, backup, location)",
    "ReadVms": "VMs (disks, subregion spread)",
    "ReadSecurityGroups": "security groups (plaintext ports open to the internet)",
    "ReadSnapshots": "snapshots (public sharing, newest snapshot of each volume)",
    "ReadImages": "images (public sharing)",
    "ReadLoadBalancers": "load balancers (listeners, subregions)",
    "ReadVpnConnections": "VPN connections",
    "ReadApiAccessPolicy": "the API access policy (MFA through trusted environment, key lifetime)",
    "ReadApiAccessRules": "API access rules",
    "ReadUsers": "EIM users",
    "ReadAccessKeys": "access keys (expiration)",
}
# The region's first call: cheap, and tells whether the credentials work there at all.
PROBE = "ReadSubregions"
PAGE_SIZE = 1000  # the API's maximum for NextPageToken paging
USERS_PAGE_SIZE = 100  # ReadUsers' documented default
MAX_PAGES = 10_000  # a guard against an API that never stops handing out tokens

# Outscale error codes (docs: API errors): 1 authentication failed; 4, 5, 7 not allowed
# (EIM); 6 throttled.
AUTH_CODES = {"1", "9", "11", "12", "13"}
DENIED_CODES = {"4", "5", "7"}
THROTTLED_CODES = {"6"}


def permission(action: str) -> str:
    """The EIM policy action that allows `action`."""
    return f"api:{action}"


@dataclass
class CallError(Exception):
    action: str
    region: str
    kind: str  # "auth" | "denied" | "throttled" | "rejected" | "failed" | "unreachable"
    detail: str  # never holds a secret: built from the status, code and type only
    requests: int = 1  # requests sent for this call, the SDK's retries included

    def _sent(self) -> str:
        return f"{self.requests} request{'s' if self.requests > 1 else ''}"

    @property
    def permission(self) -> str:
        return permission(self.action)

    def message(self) -> str:
        what = PURPOSE.get(self.action, self.action)
        if self.kind == "denied":
            return (f"access denied ({self.detail}): add {self.permission} to the EIM policy of "
                    f"the scanning user (docs/iam/hds-iac-outscale-eim.json); not checked: {what}")
        if self.kind == "throttled" and self.action == PROBE:
            return (f"throttled by Outscale ({self.detail}) on the region's first call"
                    f" ({self.action}, {self._sent()}): none of the region's other reads was"
                    " sent, nothing in it is judged; run the scan again later or with a lower"
                    " --max-requests-per-second")
        if self.kind == "throttled":
            return (f"throttled by Outscale ({self.detail}) after {self._sent()}; not checked: "
                    f"{what}; run the scan again later or with a lower --max-requests-per-second")
        if self.kind == "auth":
            return f"the credentials are refused in {self.region} ({self.detail})"
        if self.kind == "unreachable":
            return f"the Outscale API cannot be reached ({self.detail}, {self._sent()})"
        if self.kind in ("rejected", "failed") and self.action == PROBE:
            return f"the endpoint does not answer as the Outscale API does ({self.detail})"
        if self.kind == "skipped":
            return f"not read: {self.detail}; not checked: {what}"
        sent = f" after {self._sent()}" if self.requests > 1 else ""
        return f"call failed ({self.detail}){sent}; not checked: {what}"


@dataclass
class CallRecord:
    action: str
    # "ok" | "denied" | "throttled" | "rejected" | "failed" | "unreachable" | "refused"
    # (credentials refused in the region) | "skipped" (not sent)
    status: str
    pages: int = 0
    items: int = 0
    calls: int = 0  # requests sent (one per page, per user for ReadAccessKeys)


@dataclass
class RegionData:
    """Everything read in one region. `answers[action]` is None when the call failed."""

    region: str
    answers: dict[str, Any] = field(default_factory=dict)
    records: dict[str, CallRecord] = field(default_factory=dict)
    errors: list[CallError] = field(default_factory=list)
    account_id: str | None = None
    # Set when the whole region could not be read (credentials refused, API unreachable).
    refused: CallError | None = None
    seconds: float = 0.0

    def got(self, action: str) -> bool:
        return self.answers.get(action) is not None

    def items(self, action: str) -> list[dict]:
        got = self.answers.get(action)
        return got if isinstance(got, list) else []

    @property
    def requests(self) -> int:
        return sum(r.calls for r in self.records.values())


def _classify(action: str, region: str, exc: BaseException, probe: bool) -> CallError:
    """Turn whatever the SDK raised into a CallError, without echoing texts that may hold
    a key (the SDK's messages and the request never reach the user)."""
    import requests

    response = getattr(exc, "response", None)
    if isinstance(exc, requests.ReadTimeout):  # this call is slow: the others may not be
        return CallError(action, region, "failed", "no answer in time (--read-timeout)")
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)) and response is None:
        kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
        return CallError(action, region, "unreachable", kind)
    if response is None:
        if isinstance(exc, ValueError):  # a 200 answer that is not JSON
            return CallError(action, region, "failed", "the answer is not JSON")
        return CallError(action, region, "failed", type(exc).__name__)
    status = response.status_code
    code = kind_type = ""
    try:
        body = response.json()
        errors = body.get("Errors") if isinstance(body, dict) else None
        if errors and isinstance(errors[0], dict):
            code = str(errors[0].get("Code") or "")
            kind_type = str(errors[0].get("Type") or "")
    except ValueError:
        pass
    detail = f"HTTP {status}" + (f", code {code}" if code else "") + (
        f" {kind_type}" if kind_type else "")
    if code in AUTH_CODES or (probe and status == 401 and code not in DENIED_CODES):
        return CallError(action, region, "auth", detail)
    if code in THROTTLED_CODES or status in (429, 503):
        return CallError(action, region, "throttled", detail)
    if code in DENIED_CODES or status in (401, 403):
        return CallError(action, region, "denied", detail)
    if 400 <= status < 500:
        return CallError(action, region, "rejected", detail)
    return CallError(action, region, "failed", detail)


class Collector:
    """Sends the calls of one region through the session's SDK client."""

    def __init__(self, session: Any, region: str, debug: Callable[[str], None] | None = None):
        self.session = session
        self.region = region
        self.debug = debug or (lambda text: None)
        self.data = RegionData(region)

    # --- one request, one answer ----------------------------------------------------

    def _send(self, action: str, params: dict, probe: bool = False) -> dict:
        if not action.startswith("Read"):  # the read-only promise, enforced here too
            raise ValueError(f"{action} is not a read action")
        started = time.monotonic()
        record = self.data.records.setdefault(action, CallRecord(action, "ok"))
        record.calls += 1
        try:
            answer = getattr(self.session.gateway, action)(**params)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error entry
            error = _classify(action, self.region, exc, probe)
            if error.kind in ("throttled", "unreachable") or error.detail.startswith("no answer") or \
                    error.detail.startswith("HTTP 5"):
                # what the SDK retries (429, 5xx, timeouts): say how many requests it sent
                retries = getattr(getattr(self.session, "options", None), "max_retries", 0)
                error.requests = 1 + max(0, int(retries or 0))
            self.debug(f"{self.region} {action}: {error.kind} ({error.detail}) in "
                       f"{time.monotonic() - started:.2f} s")
            raise error from None
        if not isinstance(answer, dict):
            raise CallError(action, self.region, "failed", "unexpected answer")
        self.debug(f"{self.region} {action}{_show_params(params)}: OK in "
                   f"{time.monotonic() - started:.2f} s")
        return answer

    def read(self, action: str, probe: bool = False, **params: Any) -> Any:
        """Every item of `action`, all pages followed; raises CallError."""
        key, paging, _ = READ_ACTIONS[action]
        record = self.data.records.setdefault(action, CallRecord(action, "ok"))
        if paging == "token":
            items: list = []
            token: str | None = None
            seen: set[str] = set()
            for _ in range(MAX_PAGES):
                page = dict(params, ResultsPerPage=PAGE_SIZE)
                if token:
                    page["NextPageToken"] = token
                answer = self._send(action, page, probe)
                got = answer.get(key) or []
                items += got
                record.pages += 1
                token = answer.get("NextPageToken") or None
                if not token:
                    break
                if token in seen:
                    raise CallError(action, self.region, "failed",
                                    "the API handed out the same page token twice")
                seen.add(token)
            else:
                raise CallError(action, self.region, "failed", f"more than {MAX_PAGES} pages")
            record.items += len(items)
            return items
        if paging == "item":
            items = []
            first = 0
            for _ in range(MAX_PAGES):
                answer = self._send(action, dict(params, FirstItem=first,
                                                 ResultsPerPage=USERS_PAGE_SIZE), probe)
                got = answer.get(key) or []
                items += got
                record.pages += 1
                if not answer.get("HasMoreItems") or not got:
                    break
                first += len(got)
            else:
                raise CallError(action, self.region, "failed", f"more than {MAX_PAGES} pages")
            record.items += len(items)
            return items
        answer = self._send(action, params, probe)
        record.pages += 1
        got = answer.get(key)
        record.items += len(got) if isinstance(got, list) else (1 if got else 0)
        return got if got is not None else ([] if key.endswith("s") else None)

    def attempt(self, action: str, probe: bool = False, **params: Any) -> Any:
        """`read`, with a failure recorded as an error entry (None returned)."""
        try:
            got = self.read(action, probe, **params)
        except CallError as error:
            self._failed(error)
            # The whole region fails: credentials refused, API unreachable, or (on the
            # probe) an endpoint that is not the Outscale API at all.
            # A throttled first call: every other call of the region would be throttled and
            # retried too (minutes of backoff); stop the region with one error line.
            if error.kind in ("auth", "unreachable") or (
                    probe and error.kind in ("rejected", "failed", "throttled")):
                raise
            return None
        self.data.answers[action] = got
        return got

    def _failed(self, error: CallError) -> None:
        record = self.data.records.setdefault(error.action, CallRecord(error.action, "ok"))
        record.status = "refused" if error.kind == "auth" else error.kind
        self.data.answers[error.action] = None
        self.data.errors.append(error)

    # --- the region --------------------------------------------------------------------

    def collect(self, on_step: Callable[[str], None] | None = None) -> RegionData:
        started = time.monotonic()
        step = on_step or (lambda action: None)
        try:
            self._collect(step)
        except CallError as error:  # the whole region: credentials refused, API unreachable
            self.data.refused = error
            for action in READ_ACTIONS:
                if action not in self.data.records:
                    self.data.records[action] = CallRecord(action, "skipped")
        self.data.seconds = time.monotonic() - started
        return self.data

    def _collect(self, step: Callable[[str], None]) -> None:
        data = self.data
        # The probe: cheap, and tells whether the credentials work in this region at all.
        self.attempt(PROBE, probe=True)
        step(PROBE)
        accounts = self.attempt("ReadAccounts")
        step("ReadAccounts")
        for account in accounts or []:
            if isinstance(account, dict) and account.get("AccountId"):
                data.account_id = str(account["AccountId"])
                break
        for action in ("ReadSubnets", "ReadVolumes", "ReadVms", "ReadSecurityGroups"):
            self.attempt(action)
            step(action)
        if data.account_id is None:
            # ReadAccounts refused: security groups are always the account's own.
            owners = {g.get("AccountId") for g in data.items("ReadSecurityGroups")
                      if isinstance(g, dict) and g.get("AccountId")}
            if len(owners) == 1:
                data.account_id = str(owners.pop())
        for action in ("ReadSnapshots", "ReadImages"):
            if data.account_id is None:
                # Without the account id, public snapshots/images of every other account
                # would be read as ours: skip rather than report someone else's.
                data.records[action] = CallRecord(action, "skipped")
                data.answers[action] = None
                data.errors.append(CallError(
                    action, self.region, "skipped",
                    "the account id is unknown (ReadAccounts refused and no security group "
                    "to read it from)"))
            else:
                self.attempt(action, Filters={"AccountIds": [data.account_id]})
            step(action)
        for action in ("ReadLoadBalancers", "ReadVpnConnections", "ReadApiAccessPolicy",
                       "ReadApiAccessRules", "ReadUsers"):
            self.attempt(action)
            step(action)
        self._access_keys()
        step("ReadAccessKeys")

    def _access_keys(self) -> None:
        """The caller's own keys, then every EIM user's (`UserName`)."""
        keys = self.attempt("ReadAccessKeys")
        if keys is None:
            return
        found = [dict(k, _owner="") for k in keys if isinstance(k, dict)]
        for user in self.data.items("ReadUsers"):
            name = user.get("UserName") if isinstance(user, dict) else None
            if not isinstance(name, str) or not name:
                continue
            try:
                got = self.read("ReadAccessKeys", UserName=name)
            except CallError as error:
                if error.kind in ("auth", "unreachable"):
                    raise
                self._failed(error)
                return
            found += [dict(k, _owner=name) for k in got or [] if isinstance(k, dict)]
        unique: dict[str, dict] = {}
        for key in found:  # the caller's own keys also come back under its user name
            kid = str(key.get("AccessKeyId"))
            if kid not in unique or (key["_owner"] and not unique[kid]["_owner"]):
                unique[kid] = key
        self.data.answers["ReadAccessKeys"] = list(unique.values())
        self.data.records["ReadAccessKeys"].items = len(unique)


def _show_params(params: dict) -> str:
    """Paging parameters for --debug lines (no filter values, never a credential)."""
    parts = []
    if "NextPageToken" in params:
        parts.append("next page")
    if "FirstItem" in params:
        parts.append(f"FirstItem={params['FirstItem']}")
    if "UserName" in params:
        parts.append("UserName=…")
    return f" ({', '.join(parts)})" if parts else ""
