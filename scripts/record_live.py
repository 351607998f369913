#!/usr/bin/env python3
"""Record what a live AWS scan of a real moto_server reads, for the in-process adapter tests.

Builds a scenario of tests/aws_moto.py in a fresh moto_server (behind the logging proxy that
serves the calls moto lacks), scans it in-process with the scan `hds-iac live aws` runs
(`runner.scan_account`: the real collector over HTTP), and writes
tests/data/live/<name>.json: the collected answers (`AccountData`, boto3's shapes), the time
of the scan, and every finding the scan reported (rule, address, status, message, the
deciding API field). tests/test_live_aws_adapt.py feeds the answers to the adapter and the
engine in-process and expects the same findings: the live adapter's logic, tested without a
server, against what the real path said.

    python scripts/record_live.py            # every recording
    python scripts/record_live.py aws_main   # one

Re-record after a change of the scenario, of the collector, or of a rule's verdict or
message (the in-process test then names each finding that differs). moto generates the
ids (vol-…), so a new recording changes them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from aws_moto import LONDON, PARIS, LiveAccount, build_scenario, cli_env  # noqa: E402
from live_recording import RECORDINGS, encode_account  # noqa: E402


def finding_row(finding) -> list:
    """What a user sees of a finding: rule, resource, status, message, deciding field."""
    return [finding.rule_id, finding.resource.address, finding.status, finding.message(),
            finding.attribute_note()]


def _main_scenario(live: LiveAccount) -> None:
    build_scenario(live.url, live.stubs)


SCENARIOS = {
    "aws_main": ("tests/aws_moto.py build_scenario, regions eu-west-3 and eu-west-2, "
                 "every service", _main_scenario, [PARIS, LONDON]),
}
OUTSCALE = {
    "outscale_main": "tests/data/outscale/account.json through tests/outscale_mock "
                     "(OutscaleMock, the SDK's OpenAPI spec), region eu-west-2",
}
OSC_KEY, OSC_SECRET = "AKTESTFAKE0000000001", "SKtest-Fake-Secret-Never-Printed-0123456789"


def _write(name: str, about: str, now: dt.datetime, data: dict, findings) -> Path:
    out = RECORDINGS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"about": about, "now": now.isoformat(), "data": data,
                               "findings": sorted(finding_row(f) for f in findings)},
                              indent=1, sort_keys=True) + "\n", "utf-8")
    return out


def record_outscale(name: str) -> Path:
    """The Outscale mock's account scanned in-process by `hds_iac.live.outscale.scan` (the
    scan `hds-iac live outscale` runs), the collector's answers kept as it returns them."""
    from live_recording import encode_region
    from outscale_mock import scenario
    from outscale_mock.server import OutscaleMock

    from hds_iac.live import outscale
    from hds_iac.live.outscale import collect
    from hds_iac.live.outscale.session import SessionOptions

    collected = []
    original = collect.Collector.collect

    def keep(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        collected.append(data)
        return data

    old = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("OSC_")]:
        del os.environ[key]
    os.environ.update(OSC_ACCESS_KEY=OSC_KEY, OSC_SECRET_KEY=OSC_SECRET)
    collect.Collector.collect = keep
    try:
        with OutscaleMock(scenario.load("account.json", OSC_KEY), OSC_KEY, OSC_SECRET) as mock:
            result = outscale.scan(SessionOptions(regions=["eu-west-2"], endpoint=mock.url,
                                                  max_requests_per_second=100))
        now = dt.datetime.now(dt.timezone.utc)
    finally:
        collect.Collector.collect = original
        os.environ.clear()
        os.environ.update(old)
    assert len(collected) == 1 and not result.errors, result.errors
    return _write(name, OUTSCALE[name], now, encode_region(collected[0]), result.findings)


def record(name: str) -> Path:
    if name in OUTSCALE:
        return record_outscale(name)
    from hds_iac.live.aws.runner import scan_account
    from hds_iac.live.aws.session import SessionOptions
    from hds_iac.settings import Settings

    about, build, regions = SCENARIOS[name]
    with tempfile.TemporaryDirectory() as tmp, LiveAccount(Path(tmp)) as live:
        build(live)
        old = dict(os.environ)
        os.environ.update(cli_env())
        try:
            result, data = scan_account(SessionOptions(endpoint_url=live.proxy.url,
                                                       regions=regions), Settings())
            now = dt.datetime.now(dt.timezone.utc)
        finally:
            os.environ.clear()
            os.environ.update(old)
    assert data is not None and not result.errors, result.errors
    return _write(name, about, now, encode_account(data), result.findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", choices=[*SCENARIOS, *OUTSCALE, []], default=[])
    args = parser.parse_args(argv)
    for name in args.names or [*SCENARIOS, *OUTSCALE]:
        print(record(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
