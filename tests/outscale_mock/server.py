"""A local Outscale API (plain HTTP: the SDK verifies TLS and cannot be pointed at a
self-signed certificate) serving scenario data, page by page, to the real SDK.

Every request is checked like the real API would, and anything wrong is recorded in
`violations` (tests assert it stays empty) and answered with an Outscale error:
- `POST /api/v1/<Action>` where <Action> is an operation of the official spec;
- `Content-Type: application/json`, `X-Osc-Date`, and an `Authorization` header signed
  with OSC4-HMAC-SHA256 by the expected access key and secret key for the region it names
  (the signature is recomputed here, independently of the SDK);
- a body valid against the spec's `<Action>Request` schema.
Answers are validated against `<Action>Response` too, so a scenario that the real API could
not send is caught.

Scenario (per region): `{action: items}`; ReadApiAccessPolicy: a dict; ReadAccessKeys: items
with `_user` (absent: the caller's own keys, else the `UserName` they belong to).
Regions absent from the scenario refuse the credentials (code 1), as Outscale does for an
account of another region.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .spec import Validator

TOKEN_PAGED = {"ReadVms", "ReadVolumes", "ReadSnapshots", "ReadImages", "ReadSecurityGroups",
               "ReadSubnets", "ReadSubregions", "ReadVpnConnections", "ReadNets"}
ANSWER_KEYS = {
    "ReadSubregions": "Subregions", "ReadAccounts": "Accounts", "ReadSubnets": "Subnets",
    "ReadVolumes": "Volumes", "ReadVms": "Vms", "ReadSecurityGroups": "SecurityGroups",
    "ReadSnapshots": "Snapshots", "ReadImages": "Images", "ReadLoadBalancers": "LoadBalancers",
    "ReadVpnConnections": "VpnConnections", "ReadApiAccessPolicy": "ApiAccessPolicy",
    "ReadApiAccessRules": "ApiAccessRules", "ReadUsers": "Users", "ReadAccessKeys": "AccessKeys",
}
_AUTH = re.compile(r"^OSC4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/api/osc4_request, "
                   r"SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$")
ERRORS = {  # Outscale error codes (HTTP status, code, type)
    "auth": (401, "1", "AccessDenied"),
    "denied": (401, "4", "AccessDenied"),
    "throttled": (503, "6", "AccessDenied"),
    "invalid": (400, "3001", "InvalidParameter"),
    "server": (500, "2000", "InternalError"),
}


@dataclass
class Logged:
    region: str
    action: str
    body: dict


@dataclass
class OutscaleMock:
    scenario: dict[str, dict[str, Any]]  # region -> action -> answer data
    access_key: str
    secret_key: str
    page_cap: int = 1000  # the most items per page, whatever ResultsPerPage asks
    users_page_cap: int = 100
    # (region, action) -> "denied" | "throttled" | "server" (always answered so)
    faults: dict[tuple[str, str], str] = field(default_factory=dict)
    # EIM: when set, an action outside it is refused (code 4), as an EIM policy would
    allowed_actions: set[str] | None = None
    log: list[Logged] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.validator = Validator()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> str:
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = mock.handle(self.path, dict(self.headers.items()), raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                mock._violate(f"GET {self.path}: the API only takes POST")
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v1"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "OutscaleMock":
        self.url = self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- queries for tests -----------------------------------------------------------------

    def actions(self, region: str | None = None) -> list[str]:
        return [e.action for e in self.log if region is None or e.region == region]

    def requests_of(self, action: str, region: str | None = None) -> list[dict]:
        return [e.body for e in self.log
                if e.action == action and (region is None or e.region == region)]

    # --- one request --------------------------------------------------------------------------

    def _violate(self, text: str) -> None:
        with self._lock:
            self.violations.append(text)

    def _error(self, kind: str, details: str = "") -> tuple[int, dict]:
        status, code, type_ = ERRORS[kind]
        return status, {"Errors": [{"Code": code, "Type": type_, "Details": details}],
                        "ResponseContext": {"RequestId": str(uuid.uuid4())}}

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict]:
        headers = {k.lower(): v for k, v in headers.items()}
        match = re.fullmatch(r"/api/v1/([A-Za-z]+)", path)
        if not match or match.group(1) not in self.validator.actions():
            self._violate(f"POST {path}: not an operation of the Outscale API")
            return self._error("invalid", "unknown action")
        action = match.group(1)
        region = self._check_signature(action, path, headers, raw)
        if region is None:
            return self._error("auth")
        try:
            body = json.loads(raw.decode() or "{}")
        except ValueError:
            self._violate(f"{action}: the body is not JSON")
            return self._error("invalid")
        problems = self.validator.errors(f"{action}Request", body)
        if problems:
            self._violate(f"{action}: request does not match the spec: {problems}")
            return self._error("invalid", "; ".join(problems))
        with self._lock:
            self.log.append(Logged(region, action, body))
        if region not in self.scenario:
            return self._error("auth")  # the account does not exist in this region
        if self.allowed_actions is not None and f"api:{action}" not in self.allowed_actions:
            return self._error("denied")
        fault = self.faults.get((region, action))
        if fault:
            return self._error(fault)
        answer = self._answer(self.scenario[region], action, body)
        problems = self.validator.errors(f"{action}Response", answer)
        if problems:
            self._violate(f"{action}: the scenario's answer does not match the spec: {problems}")
            return self._error("server")
        return 200, answer

    def _check_signature(self, action: str, path: str, headers: dict[str, str],
                         raw: bytes) -> str | None:
        """The region the request was signed for, or None (recorded) when it is not right."""
        content_type = headers.get("content-type", "")
        date = headers.get("x-osc-date", "")
        found = _AUTH.match(headers.get("authorization", ""))
        if not content_type.startswith("application/json") or not date or not found:
            self._violate(f"{action}: missing or malformed Content-Type/X-Osc-Date/Authorization")
            return None
        access_key, day, region, signed, signature = found.groups()
        if access_key != self.access_key or not date.startswith(day) or \
                signed != "content-type;host;x-osc-date":
            self._violate(f"{action}: signed with another key, day or header list")
            return None
        host = headers.get("host", "").split(":")[0]
        canonical = "\n".join([
            "POST", path, "",
            f"content-type:{content_type}\nhost:{host}\nx-osc-date:{date}\n",
            signed, hashlib.sha256(raw).hexdigest()])
        scope = f"{day}/{region}/api/osc4_request"
        to_sign = "\n".join(["OSC4-HMAC-SHA256", date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("OSC4" + self.secret_key).encode()
        for part in (day, region, "api", "osc4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            self._violate(f"{action}: bad OSC4-HMAC-SHA256 signature")
            return None
        return region

    def _answer(self, data: dict[str, Any], action: str, body: dict) -> dict:
        key = ANSWER_KEYS.get(action, action.removeprefix("Read"))
        context = {"ResponseContext": {"RequestId": str(uuid.uuid4())}}
        got = data.get(action)
        if action == "ReadApiAccessPolicy":
            return {key: got or {}, **context}
        items = [dict(i) for i in got or []]
        filters = body.get("Filters") or {}
        if "AccountIds" in filters:
            items = [i for i in items if i.get("AccountId") in filters["AccountIds"]]
        if action == "ReadAccessKeys":
            user = body.get("UserName", "")
            items = [i for i in items if i.get("_user", "") == user]
            for item in items:
                item.pop("_user", None)
        if action in TOKEN_PAGED:
            start = int(base64.b64decode(body["NextPageToken"]).decode()) \
                if body.get("NextPageToken") else 0
            size = min(body.get("ResultsPerPage") or 100, self.page_cap)
            page = items[start:start + size]
            answer = {key: page, **context}
            if start + size < len(items):
                answer["NextPageToken"] = base64.b64encode(str(start + size).encode()).decode()
            return answer
        if action == "ReadUsers":
            start = body.get("FirstItem") or 0
            size = min(body.get("ResultsPerPage") or 100, self.users_page_cap)
            return {key: items[start:start + size],
                    "HasMoreItems": start + size < len(items), **context}
        return {key: items, **context}
