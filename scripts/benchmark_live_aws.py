"""Benchmark `hds-iac live aws` on a large account served by moto.

    python scripts/benchmark_live_aws.py [--volumes 10000] [--snapshots 20000]

Starts moto's threaded server in this process, creates the volumes and snapshots directly
in moto's backend (bulk, no HTTP: creating 30,000 objects through the API would dominate
the run), then runs the real CLI in a subprocess against it and prints the API requests it
made per call, wall time and peak memory (RSS of the scanning process). It runs a small
account first (a tenth of the size) so the two can be compared: API calls must grow with
pages, not with resources.

moto 5.2 answers DescribeVolumes/DescribeSnapshots in a single page whatever MaxResults
says, so against moto the listing calls stay flat; against AWS they grow by one per 1,000
items (the page size the scanner asks for).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time

ACCOUNT = "123456789012"
REGION = "eu-west-3"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _populate(volumes: int, snapshots: int) -> None:
    from moto.backends import get_backend

    backend = get_backend("ec2")[ACCOUNT][REGION]
    made = []
    for i in range(volumes):
        made.append(backend.create_volume(size=8, zone_name=f"{REGION}{'abc'[i % 3]}",
                                          encrypted=i % 2 == 0))
    for i in range(snapshots):
        backend.create_snapshot(made[i % len(made)].id, f"bench {i}")


def _reset() -> None:
    from moto.backends import get_backend

    get_backend("ec2")[ACCOUNT].reset()


def _scan(url: str) -> tuple[dict, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000001", "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "hds_iac.live.cli", "live", "aws", "--endpoint-url", url,
         "--regions", REGION, "--services", "ec2", "-o", "json", "--no-progress"],
        capture_output=True, text=True, env=env, timeout=3600)
    wall = time.monotonic() - started
    if not proc.stdout:
        raise SystemExit(f"scan failed: {proc.stderr}")
    return json.loads(proc.stdout), wall, proc.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes", type=int, default=10_000)
    parser.add_argument("--snapshots", type=int, default=20_000)
    args = parser.parse_args()
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for volumes, snapshots in ((args.volumes // 10, args.snapshots // 10),
                                   (args.volumes, args.snapshots)):
            _reset()
            started = time.monotonic()
            _populate(volumes, snapshots)
            setup = time.monotonic() - started
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            report, wall, _ = _scan(url)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            calls = report["inputs"][0]["api_calls"]
            kinds = {}
            for f in report["findings"]:
                kinds[f["resource"]["type"]] = kinds.get(f["resource"]["type"], set())
                kinds[f["resource"]["type"]].add(f["resource"]["address"])
            rows.append((volumes, snapshots, setup, wall, max(peak, before), calls,
                         {k: len(v) for k, v in kinds.items()}, len(report["findings"])))
    finally:
        server.stop()
    for volumes, snapshots, setup, wall, peak, calls, kinds, findings in rows:
        print(f"\n== {volumes} volumes, {snapshots} snapshots (setup {setup:.1f} s in moto)")
        print(f"   scan wall time {wall:.1f} s, peak RSS of the scan process {peak / 1024:.0f} MiB")
        print(f"   resources judged: {kinds}; findings: {findings}")
        print(f"   API requests: {sum(calls.values())}")
        for name, count in sorted(calls.items()):
            print(f"     {name:<36} {count}")
    small, large = rows[0][5], rows[1][5]
    grown = {k: (small.get(k, 0), large[k]) for k in large if large[k] > small.get(k, 0) + 2}
    print("\ncalls that grew by more than 2 between the two sizes:", grown or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
