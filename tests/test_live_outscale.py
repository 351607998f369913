"""`hds-iac live outscale` end to end: the real osc-sdk-python client signs and sends every
request over HTTP to a local Outscale API (tests/outscale_mock) that checks it against the
official OpenAPI spec bundled with the SDK, verifies its signature and answers with the
scenario of tests/data/outscale; one test does the same through Prism (npm).

The command runs in a subprocess with fake credentials, as a user would run it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

try:
    import osc_sdk_python  # noqa: F401
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI"):
        raise  # .ci/run installs the outscale extra: a missing SDK is a broken setup
    pytest.skip("pip install 'hds-iac[outscale]' for the live Outscale tests",
                allow_module_level=True)

from hds_iac import catalogue  # noqa: E402
from hds_iac.live.outscale import adapt, collect  # noqa: E402
from hds_iac.live.outscale.session import OutscaleSession, SessionOptions  # noqa: E402
from hds_iac.model import Unknown  # noqa: E402
from outscale_mock import prism, scenario  # noqa: E402
from outscale_mock.server import OutscaleMock  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "docs" / "iam" / "hds-iac-outscale-eim.json"
ACCESS_KEY = "AKTESTFAKE0000000001"
SECRET_KEY = "SKtest-Fake-Secret-Never-Printed-0123456789"
SECRET_MARKER = "SECRET-MARKER"  # planted in a VM's UserData and a VPN's configuration
REGION = "eu-west-2"
FAST = ["--max-requests-per-second", "100"]  # the SDK's 5/s is for the real API


def policy_actions() -> set[str]:
    doc = json.loads(POLICY.read_text())
    return {a for statement in doc["Statement"] for a in statement["Action"]}


@pytest.fixture
def account() -> dict:
    return scenario.load("account.json", ACCESS_KEY)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user whose only credentials are the fake ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSC_")}
    env.update(HOME=str(home), OSC_ACCESS_KEY=ACCESS_KEY, OSC_SECRET_KEY=SECRET_KEY)
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr

    def json(self) -> dict:
        return json.loads(self.stdout)


def live(tmp_path: Path, *args: str, env: dict | None = None) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "hds_iac.cli", "live", "outscale", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=env if env is not None else clean_env(tmp_path))
    return Run(proc)


def verdicts(doc: dict) -> dict[tuple[str, str], str]:
    return {(f["rule_id"], f["resource"]["address"]): f["status"] for f in doc["findings"]}


# What the scenario must give, finding by finding (docs/model-contract.md). Rules are
# checked when the catalogue has them, so this table holds for every rule as it lands.
EXPECTED = {
    ("HDS-LOC-001", "vol-0000enc1"): "pass",
    ("HDS-LOC-001", "snap-public01"): "pass",
    ("HDS-LOC-001", "ami-00public"): "pass",
    ("HDS-LOC-001", "i-0000000a"): "pass",
    ("HDS-ENC-001", "vol-0000enc1"): "pass",  # attestation tag
    ("HDS-ENC-001", "vol-00plain1"): "fail",  # no attestation: Outscale cannot show it
    ("HDS-ENC-001", "vol-0000bta1"): "pass",
    ("HDS-ENC-001", "vol-0000btb1"): "fail",
    ("HDS-ENC-001", "i-0000000a"): "pass",
    ("HDS-ENC-001", "i-0000000b"): "fail",
    ("HDS-LOG-008", "i-0000000a"): "pass",  # logging attestation tag (declared)
    ("HDS-LOG-008", "i-0000000b"): "unknown",  # nothing declared: the API cannot show it
    ("HDS-AZ-003", "i-0000000a"): "fail",  # both VMs in eu-west-2a
    ("HDS-AZ-003", "i-0000000b"): "fail",
    ("HDS-AZ-002", "lb-http"): "fail",  # one subregion
    ("HDS-AZ-002", "lb-https"): "pass",  # subnets in 2a and 2b
    ("HDS-TLS-001", "lb-http"): "fail",
    ("HDS-TLS-001", "lb-https"): "pass",
    ("HDS-TLS-001", "lb-nocert"): "fail",  # HTTPS without a server certificate
    ("HDS-TLS-006", "sg-0telnet1"): "fail",  # 23/tcp from 0.0.0.0/0
    ("HDS-TLS-006", "sg-00https"): "pass",  # 443 public, 23 only from 10.0.0.0/16
    ("HDS-BAK-006", "snap-public01"): "fail",
    ("HDS-BAK-006", "snap-shared01"): "fail",
    ("HDS-BAK-006", "snap-fresh001"): "pass",
    ("HDS-BAK-006", "ami-00public"): "fail",
    ("HDS-BAK-006", "ami-0private"): "pass",
    ("HDS-BAK-004", "vol-0000enc1"): "pass",  # backup attestation tag
    ("HDS-BAK-007", "vol-0000enc1"): "pass",  # snapshot of today
    ("HDS-BAK-007", "vol-00plain1"): "fail",  # newest completed snapshot 10 days old
    ("HDS-BAK-007", "vol-0000btb1"): "fail",  # no snapshot at all
    ("HDS-MFA-004", "api-access-policy/123456789012"): "fail",  # RequireTrustedEnv false
    ("HDS-KEY-001", "api-access-policy/123456789012"): "fail",  # keys may live for ever
    ("HDS-KEY-001", ACCESS_KEY): "fail",  # no expiration date, 400 days old
    ("HDS-KEY-001", "ALICEKEY000000000001"): "pass",  # expires, 20 days old
}


def test_scan_of_an_account_finding_by_finding(tmp_path: Path, account: dict) -> None:
    # Two items a page everywhere: every paged call needs several pages. The mock enforces
    # the shipped EIM policy: the scan needs nothing more.
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY, page_cap=2, users_page_cap=2,
                      allowed_actions=policy_actions()) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "-o", "json", *FAST)
    assert mock.violations == []
    assert run.code == 1, run.stderr
    doc = run.json()
    assert doc["errors"] == []
    got = verdicts(doc)
    rules = set(catalogue.load().rules)
    expected = {k: v for k, v in EXPECTED.items() if k[0] in rules}
    assert "HDS-LOC-001" in rules and expected
    assert {k: got.get(k) for k in expected} == expected
    addresses = {f["resource"]["address"] for f in doc["findings"]}
    # other accounts' public snapshots and images are not ours; terminated VMs hold nothing
    assert not addresses & {"snap-foreign1", "ami-0ubuntu1", "i-0000dead"}
    finding = next(f for f in doc["findings"] if f["resource"]["address"] == "vol-00plain1")
    assert finding["resource"]["provider"] == "outscale"
    assert finding["resource"]["cloud_id"] == "vol-00plain1"
    assert finding["resource"]["region"] == REGION
    # coverage: eu-west-2 read completely; cloudgouv-eu-west-1 refuses these credentials
    # (an account lives in one region): a notice, not an error, since no --region was given
    inputs = {i["region"]: i for i in doc["inputs"]}
    assert inputs[REGION]["status"] == "complete"
    assert inputs[REGION]["account_id"] == "123456789012"
    assert inputs[REGION]["subregions"] == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    assert inputs[REGION]["calls"]["ReadSnapshots"] == {"status": "ok", "pages": 3, "items": 5}
    assert inputs["cloudgouv-eu-west-1"]["status"] == "not scanned"
    notices = {n["path"]: n["message"] for n in doc["notices"]}
    assert "credentials are refused" in notices["outscale:cloudgouv-eu-west-1"]
    assert "4 volumes" in notices[f"outscale:{REGION}"]
    # read-only, proved by the server's log; snapshots and images filtered on the account
    assert mock.log and all(e.action.startswith("Read") for e in mock.log)
    assert {e.region for e in mock.log} == {REGION, "cloudgouv-eu-west-1"}
    assert set(mock.actions(REGION)) == set(collect.READ_ACTIONS)
    for action in ("ReadSnapshots", "ReadImages"):
        assert all(b["Filters"] == {"AccountIds": ["123456789012"]}
                   for b in mock.requests_of(action))
    # secrets the API returns are never read, credentials never printed
    for text in (run.stdout, run.stderr):
        assert SECRET_MARKER not in text and SECRET_KEY not in text


def _session(monkeypatch: pytest.MonkeyPatch, endpoint: str, **options) -> OutscaleSession:
    """An in-process SDK session on the mock, with only the fake credentials around."""
    for name in [k for k in os.environ if k.startswith("OSC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OSC_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("OSC_SECRET_KEY", SECRET_KEY)
    return OutscaleSession(SessionOptions(regions=[REGION], endpoint=endpoint,
                                          max_requests_per_second=100, **options))


def test_model_facets_match_the_contract(monkeypatch: pytest.MonkeyPatch, account: dict) -> None:
    """The adapter fills the facets the Terraform adapter fills, plus the live-only ones."""
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as mock:
        session = _session(monkeypatch, mock.url)
        data = collect.Collector(session, REGION).collect()
        session.close()
    assert mock.violations == [] and data.errors == [] and data.refused is None
    inventory, errors = adapt.to_inventory(data, now=datetime.now(timezone.utc))
    assert errors == []
    res = {r.address: r for r in inventory}
    assert all(r.provider == "outscale" and r.origin.source == "outscale" for r in inventory)

    vol = res["vol-0000enc1"]
    assert vol.kind == "volume" and vol.stores_data and vol.region == REGION
    assert vol.origin.cloud_id == "vol-0000enc1"
    assert [(a.default, a.attested) for a in vol.at_rest] == [("client-side", True)]
    assert vol.backup.attested is True
    assert vol.backup.newest_snapshot_age_days == 0 and vol.backup.snapshot_count == 2
    plain = res["vol-00plain1"]
    assert [(a.default, a.attested) for a in plain.at_rest] == [("client-side", False)]
    # newest completed snapshot: 10 days (the pending one of today does not count)
    assert plain.backup.newest_snapshot_age_days == 10 and plain.backup.snapshot_count == 2
    assert res["vol-0000btb1"].backup.newest_snapshot_age_days is None
    assert res["vol-0000btb1"].backup.snapshot_count == 0

    vm_a, vm_b = res["i-0000000a"], res["i-0000000b"]
    assert vm_a.kind == "instance" and vm_a.placement.standalone
    assert vm_a.placement.zones == ("eu-west-2a",) == vm_b.placement.zones
    assert [(a.part, a.attested) for a in vm_a.at_rest] == [("boot disk /dev/sda1", True)]
    assert [(a.part, a.attested) for a in vm_b.at_rest] == [("boot disk /dev/sda1", False)]
    assert "i-0000dead" not in res

    assert res["snap-public01"].sharing.public is True
    assert res["snap-shared01"].sharing.accounts == ("987654321098",)
    assert res["snap-fresh001"].sharing.public is False
    assert res["ami-00public"].sharing.public is True and res["ami-00public"].kind == "image"
    assert "snap-foreign1" not in res and "ami-0ubuntu1" not in res

    http = res["lb-http"]
    assert [(f.name, f.encrypted) for f in http.flows] == [("listener :80", False)]
    assert http.placement.zones == ("eu-west-2a",)
    https = res["lb-https"]
    assert [(f.encrypted, f.certificate) for f in https.flows] == [(True, True)]
    assert https.placement.zones == ("eu-west-2a", "eu-west-2b")
    assert [(f.encrypted, f.certificate) for f in res["lb-nocert"].flows] == [(True, False)]

    ports = {(p.protocol, p.from_port, p.to_port, p.sources)
             for p in res["sg-0telnet1"].open_ports}
    assert ports == {("tcp", 23, 23, ("0.0.0.0/0",))}

    policy = res["api-access-policy/123456789012"]
    assert policy.kind == "account-policy" and policy.region is None
    assert policy.identity.mfa_enforced is False and policy.identity.key_max_age_days == 0
    assert policy.origin.cloud_id == "123456789012"
    own = res[ACCESS_KEY].identity
    assert own.key_max_age_days == 0 and own.key_age_days == 400
    alice = res["ALICEKEY000000000001"].identity
    assert 0 < alice.key_max_age_days <= 91 and alice.key_age_days == 20
    assert "user alice" in alice.detail
    users = {r.address: r.identity for r in inventory.of_kind("user")}
    assert users["ABCDEFGHIJKLMNOPQRSTUVWXY01"].console_access is True
    assert users["ABCDEFGHIJKLMNOPQRSTUVWXY02"].console_access is False
    assert users["ABCDEFGHIJKLMNOPQRSTUVWXY03"].console_access is None
    assert isinstance(users["ABCDEFGHIJKLMNOPQRSTUVWXY01"].mfa_enforced, Unknown)
    assert res["vpn-00000001"].kind == "vpn"
    assert SECRET_MARKER not in repr(inventory.resources)


def test_every_page_is_read(tmp_path: Path, account: dict) -> None:
    """1,200 snapshots served 500 a page, 5 users 2 a page: all of them are seen."""
    account[REGION]["ReadSnapshots"] = scenario.many_snapshots(1200, public_every=100)
    account[REGION]["ReadUsers"] = [
        {"UserId": f"USER{i:023d}", "UserName": f"user{i}", "Path": "/"} for i in range(5)]
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY, page_cap=500,
                      users_page_cap=2) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION, "-o", "json",
                   "--check", "HDS-BAK-006", *FAST)
    assert mock.violations == []
    assert run.code == 1, run.stderr
    doc = run.json()
    calls = doc["inputs"][0]["calls"]
    assert calls["ReadSnapshots"] == {"status": "ok", "pages": 3, "items": 1200}
    assert calls["ReadUsers"] == {"status": "ok", "pages": 3, "items": 5}
    pages = mock.requests_of("ReadSnapshots")
    assert [("NextPageToken" in p) for p in pages] == [False, True, True]
    assert all(p["ResultsPerPage"] == 1000 for p in pages)
    assert [p["FirstItem"] for p in mock.requests_of("ReadUsers")] == [0, 2, 4]
    snaps = [f for f in doc["findings"] if f["resource"]["type"] == "outscale_snapshot"]
    assert len({f["resource"]["address"] for f in snaps}) == 1200
    assert sum(f["status"] == "fail" for f in snaps) == 12
    # and one access-key read per user, plus the caller's own
    assert len(mock.requests_of("ReadAccessKeys")) == 6


def test_denied_call_is_one_error_and_the_scan_goes_on(tmp_path: Path, account: dict) -> None:
    """The EIM policy lacks api:ReadSecurityGroups: one error naming the call and the
    permission, exit 2, everything else still judged; --debug prints no credential."""
    allowed = policy_actions() - {"api:ReadSecurityGroups"}
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY, allowed_actions=allowed) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION, "--debug",
                   "-o", "json,cli", "--output-file", "report.json", *FAST)
    assert mock.violations == []
    assert run.code == 2, run.stderr
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["errors"] == [{
        "path": f"outscale:{REGION} ReadSecurityGroups",
        "message": doc["errors"][0]["message"]}]
    message = doc["errors"][0]["message"]
    assert "access denied" in message and "api:ReadSecurityGroups" in message
    assert "security groups" in message  # what was not checked
    assert f"outscale:{REGION} ReadSecurityGroups: access denied" in run.stderr
    got = verdicts(doc)
    assert got[("HDS-LOC-001", "vol-0000enc1")] == "pass"
    assert not any(rule == "HDS-TLS-006" for rule, _ in got)
    assert doc["inputs"][0]["status"] == "partial"
    assert doc["inputs"][0]["calls"]["ReadSecurityGroups"]["status"] == "denied"
    assert "not read: ReadSecurityGroups (denied)" in run.stdout  # cli report: coverage
    assert "hds-iac debug:" in run.stderr and "ReadSnapshots" in run.stderr
    for text in (run.stdout, run.stderr, (tmp_path / "report.json").read_text()):
        assert SECRET_KEY not in text and SECRET_MARKER not in text


def test_live_report_of_a_partial_scan_says_it_is_incomplete(tmp_path: Path,
                                                             account: dict) -> None:
    """`live outscale -o hds-markdown` after a denied call: the auditors' report is still
    written, says up front that it is incomplete, names the call, and fills the chapter 8
    row of Outscale with the region scanned."""
    allowed = policy_actions() - {"api:ReadSecurityGroups"}
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY, allowed_actions=allowed) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION,
                   "-o", "hds-markdown,hds-json", "--output-file", "rapport.md",
                   "--output-file", "report.json", *FAST)
    assert mock.violations == [] and all(e.action.startswith("Read") for e in mock.log)
    assert run.code == 2, run.stderr
    text = (tmp_path / "rapport.md").read_text("utf-8")
    head = text.split("## Synthèse")[0]
    assert "# Rapport de conformité HDS" in head and "Rapport incomplet : 1 entrée(s)" in head
    assert f"`outscale:{REGION} ReadSecurityGroups`" in text.split("## Erreurs de lecture")[1]
    doc = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert doc["complete"] is False and doc["sources"][0]["file"] == "live outscale"
    actors = {a["key"]: a for a in doc["chapter8"]["actors"]}
    assert actors["outscale"]["regions"] == [REGION] and "aws" not in actors
    # the matrix mentions HDS-certified services but is no certificate: not established
    assert actors["outscale"]["facts"]["hds_certified"]["value"] == "unknown"
    duties = {d["key"]: d for d in doc["duties"]}
    assert duties and {d["provider"] for d in duties.values()} == {"outscale"}
    assert sum(d["counts"]["fail"] for d in duties.values()) > 0
    for out in (text, (tmp_path / "report.json").read_text("utf-8"), run.stdout, run.stderr):
        assert SECRET_KEY not in out and SECRET_MARKER not in out


def test_throttled_call_is_retried_then_reported(tmp_path: Path, account: dict) -> None:
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY,
                      faults={(REGION, "ReadImages"): "throttled"}) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION, "--max-retries", "1",
                   "-o", "json", *FAST)
    assert mock.violations == []
    assert run.code == 2
    assert len(mock.requests_of("ReadImages")) == 2  # the SDK retried once
    (error,) = run.json()["errors"]
    assert error["path"] == f"outscale:{REGION} ReadImages"
    assert "throttled" in error["message"] and "code 6" in error["message"]
    assert ("HDS-BAK-006", "snap-public01") in verdicts(run.json())


def test_shipped_eim_policy_is_read_only_and_complete() -> None:
    actions = policy_actions()
    assert actions == {collect.permission(a) for a in collect.READ_ACTIONS}
    assert all(a.startswith("api:Read") for a in actions)
    doc = json.loads(POLICY.read_text())
    assert all(s["Effect"] == "Allow" and s["Resource"] == ["*"] for s in doc["Statement"])


def test_credentials_from_a_profile_file(tmp_path: Path, account: dict) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"hds": {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
                                          "region": REGION}}))
    env = clean_env(tmp_path, OSC_ACCESS_KEY="", OSC_SECRET_KEY="")
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--osc-config", str(config),
                   "--profile", "hds", "--region", REGION, "-o", "json", *FAST, env=env)
    assert mock.violations == []
    assert run.code == 1, run.stderr
    assert run.json()["errors"] == []
    # a profile that does not exist, and no credentials at all: one clear line, exit 2
    run = live(tmp_path, "--osc-config", str(config), "--profile", "nope", env=env)
    assert run.code == 2 and "profile 'nope' not found" in run.stderr
    run = live(tmp_path, env=env)
    assert run.code == 2 and "no Outscale credentials" in run.stderr
    assert "Traceback" not in run.stderr


def test_refused_region_and_unreachable_api(tmp_path: Path, account: dict) -> None:
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", "cloudgouv-eu-west-1",
                   "-o", "json", *FAST)
    assert run.code == 2
    (error,) = run.json()["errors"]
    assert error["path"] == "outscale:cloudgouv-eu-west-1"
    assert "credentials are refused" in error["message"] and "not scanned" in error["message"]
    assert mock.actions() == ["ReadSubregions"]  # nothing more is tried there

    port = prism.free_port()  # nothing listens there
    run = live(tmp_path, "--endpoint", f"http://127.0.0.1:{port}/api/v1", "--max-retries", "0",
               "-o", "json", *FAST)
    assert run.code == 2
    errors = run.json()["errors"]
    assert [e["path"] for e in errors] == ["outscale:eu-west-2", "outscale:cloudgouv-eu-west-1"]
    assert all("cannot be reached" in e["message"] for e in errors)


def test_prism_validates_every_request_against_the_spec(tmp_path: Path, account: dict) -> None:
    """Prism (a generic OpenAPI mock) checks each request the scan sends against the
    official spec; the scenario is served as the spec's examples."""
    executable = prism.find()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("prism is missing: .ci/run installs it with npm")
        pytest.skip("run `npm install` for @stoplight/prism-cli")
    spec = prism.write_spec(tmp_path / "outscale-scenario.json", account[REGION])
    server = prism.Prism(executable, spec, tmp_path / "prism.log")
    try:
        server.wait()
        run = live(tmp_path, "--endpoint", server.url, "--region", REGION, "-o", "json", *FAST)
        # the check works: a request that breaks the spec is refused and logged
        from osc_sdk_python import Gateway
        from osc_sdk_python.credentials import Endpoint

        bad = Gateway(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION,
                      endpoints=Endpoint(api=server.url), max_retries=0)
        with pytest.raises(Exception):
            bad.raw("ReadVms", NotAParameter=1)
        log = server.log()
    finally:
        server.stop()
    assert run.code == 1, run.stderr
    doc = run.json()
    assert doc["errors"] == []
    sent = [line.split("post /api/v1/")[1].split()[0] for line in log.splitlines()
            if "post /api/v1/" in line and "Request received" in line]
    assert set(sent[:-1]) == set(collect.READ_ACTIONS)
    violations = [line for line in log.splitlines() if "Violation" in line]
    assert len(violations) == 1 and "NotAParameter" in violations[0]
    got = verdicts(doc)
    assert got[("HDS-TLS-001", "lb-http")] == "fail"
    assert got[("HDS-ENC-001", "vol-00plain1")] == "fail"


# --- reads that do not answer: what depends on them is unknown, never pass or fail -------------


def _judged(session: OutscaleSession) -> tuple[dict, list[str]]:
    """One region read through the real SDK and judged: (rule, address) -> (status,
    message), and the calls that did not answer."""
    from hds_iac import engine
    from hds_iac.settings import Settings

    data = collect.Collector(session, REGION).collect()
    inventory, errors = adapt.to_inventory(data, Settings())
    assert errors == []
    found = {(f.rule_id, f.resource.address): (f.status, f.message())
             for f in engine.run(inventory, Settings())}
    return found, [e.action for e in data.errors]


def test_a_call_that_fails_turns_verdicts_unknown_never_pass_or_fail(
        monkeypatch: pytest.MonkeyPatch, account: dict) -> None:
    """Each read denied in turn (then throttled for one): every finding is the full run's or
    became unknown. The first VM's disk is attested only by its volume's tag, so a denied
    ReadVolumes must not fail it."""
    account[REGION]["ReadVms"][0]["Tags"] = []
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as mock:
        session = _session(monkeypatch, mock.url, max_retries=0)
        try:
            full, failed = _judged(session)
            assert failed == []
            assert full[("HDS-ENC-001", "i-0000000a")][0] == "pass"
            degraded_runs = {}
            for action, fault in [(a, "denied") for a in collect.READ_ACTIONS] + [
                    ("ReadVolumes", "throttled")]:
                mock.faults = {(REGION, action): fault}
                degraded_runs[(action, fault)] = _judged(session)
        finally:
            session.close()
    assert mock.violations == []
    for (action, fault), (degraded, failed) in degraded_runs.items():
        assert action in failed, (action, failed)
        wrong = [f"{key}: {full[key][0] if key in full else 'absent'} -> {status} ({message})"
                 for key, (status, message) in sorted(degraded.items())
                 if status != "unknown" and full.get(key, ("absent",))[0] != status]
        assert wrong == [], (action, fault)
    for fault in ("denied", "throttled"):
        status, message = degraded_runs[("ReadVolumes", fault)][0][("HDS-ENC-001", "i-0000000a")]
        assert status == "unknown" and f"ReadVolumes {fault}" in message, message


def test_throttled_first_call_stops_the_region(tmp_path: Path, account: dict) -> None:
    """The region's first call is throttled after the SDK's retries: no other call of the
    region is sent (each would be throttled and retried too), one error line says so."""
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY,
                      faults={(REGION, "ReadSubregions"): "throttled"}) as mock:
        run = live(tmp_path, "--endpoint", mock.url, "--region", REGION, "--max-retries", "1",
                   "-o", "json", *FAST)
    assert mock.violations == []
    assert run.code == 2, run.stderr
    assert mock.actions() == ["ReadSubregions", "ReadSubregions"]  # one retry, nothing else
    (error,) = run.json()["errors"]
    assert error["path"] == f"outscale:{REGION}"
    assert "throttled" in error["message"] and "2 requests" in error["message"]
    assert "none of the region's other reads was sent" in error["message"]
    assert run.json()["findings"] == []
    assert run.json()["inputs"][0]["status"] == "not scanned"


def test_timeout_options(tmp_path: Path) -> None:
    run = live(tmp_path, "--help")
    text = " ".join(run.stdout.split())
    assert "--read-timeout SECONDS" in text and "(default: 60)" in text
    assert "--connect-timeout SECONDS" in text and "(default: 10)" in text
    run = live(tmp_path, "--connect-timeout", "-1")
    assert run.code == 2 and "--connect-timeout" in run.stderr


def test_several_accounts_with_profiles(tmp_path: Path, account: dict) -> None:
    """--profiles: two accounts (two local APIs, one per profile's endpoint) and a profile
    that does not exist: one error naming it, both accounts scanned, findings by account."""
    other_key, other_secret = "AKTESTFAKE0000000002", "SKtest-Other-Secret-Never-Printed-98765"
    other = json.loads(json.dumps(scenario.load("account.json", other_key)).replace(
        "123456789012", "210987654321"))
    with OutscaleMock(account, ACCESS_KEY, SECRET_KEY) as first, \
            OutscaleMock(other, other_key, other_secret) as second:
        config = tmp_path / "config.json"
        config.write_text(json.dumps({
            "prod": {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "region": REGION,
                     "endpoints": {"api": first.url}},
            "preprod": {"access_key": other_key, "secret_key": other_secret, "region": REGION,
                        "endpoints": {"api": second.url}}}))
        env = clean_env(tmp_path, OSC_ACCESS_KEY="", OSC_SECRET_KEY="")
        run = live(tmp_path, "--osc-config", str(config), "--profiles", "prod,gone,preprod",
                   "--region", REGION, "-o", "json", "-o", "cli", "--output-file", "r.json",
                   *FAST, env=env)
        shards = []
        for index in range(2):  # the same accounts split in two (profile, region) shards
            part = live(tmp_path, "--osc-config", str(config), "--profiles", "prod,gone,preprod",
                        "--region", REGION, "--shard", f"{index}/2", "-o", "json", *FAST,
                        env=env)
            assert part.code == 2, part.stderr  # the missing profile, in every shard
            shards.append(part.json())
        refused = live(tmp_path, "--osc-config", str(config), "--profiles", "prod",
                       "--region", REGION, *FAST)  # OSC_ACCESS_KEY set: would win
        no_region = live(tmp_path, "--osc-config", str(config), "--profiles", "prod",
                         "--shard", "0/2", *FAST, env=env)
    assert first.violations == [] and second.violations == []
    assert run.code == 2, run.stderr  # the missing profile
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["errors"] == [{"path": "outscale profile gone",
                              "message": doc["errors"][0]["message"]}]
    assert "'gone' not found" in doc["errors"][0]["message"]
    by_account = {}
    for f in doc["findings"]:
        by_account.setdefault(f["resource"]["account"], set()).add(
            (f["rule_id"], f["resource"]["address"], f["status"]))
    assert set(by_account) == {"123456789012", "210987654321"}
    # The same scenario in both accounts: the same verdicts, each under its own account.
    assert by_account["123456789012"] == {
        (r, a.replace("210987654321", "123456789012").replace(other_key, ACCESS_KEY), s)
        for r, a, s in by_account["210987654321"]}
    assert ("HDS-ENC-001", "vol-00plain1", "fail") in by_account["210987654321"]
    assert {i["profile"] for i in doc["inputs"]} == {"prod", "preprod"}
    assert len({i["path"] for i in doc["inputs"]}) == 2  # one input name per account
    assert set(doc["summary"]["by_account"]) == {"123456789012", "210987654321"}
    assert run.stdout.index("account 123456789012") < run.stdout.index("account 210987654321")
    assert SECRET_KEY not in run.stdout + run.stderr and other_secret not in run.stdout
    assert refused.code == 2 and "unset OSC_ACCESS_KEY" in refused.stderr
    assert no_region.code == 2 and "--shard needs --region" in no_region.stderr

    def key(f: dict) -> tuple:
        return (f["resource"]["account"], f["rule_id"], f["resource"]["address"], f["status"])

    union = sorted(key(f) for part in shards for f in part["findings"])
    assert union == sorted(key(f) for f in doc["findings"])
    assert all(part["findings"] for part in shards)  # prod and preprod in different shards
    assert [part["shard"] for part in shards] == [{"index": 0, "count": 2},
                                                  {"index": 1, "count": 2}]
