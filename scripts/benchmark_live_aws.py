"""Benchmark `hds-iac live aws` on a large account served by moto.

    python scripts/benchmark_live_aws.py [--volumes 10000] [--snapshots 20000] [--output json]
        [--single-page] [--page-size N] [--max-attribute-reads N]
    python scripts/benchmark_live_aws.py --drift [--volumes 10000]

Starts moto's threaded server in this process, creates the volumes and snapshots directly
in moto's backend (bulk, no HTTP: creating 30,000 objects through the API would dominate
the run), then runs the real CLI in a subprocess against it and prints the API requests it
made per call, wall time and peak memory (the peak RSS of the scanning process, VmHWM,
which the process writes on its way out), beside the figures measured before the
memory work of issue 13 (`PREVIOUS`). It runs a small account first (a tenth of the size)
so the two can be compared: API calls must grow with pages, not with resources.

moto 5.2 answers DescribeVolumes/DescribeSnapshots in a single page whatever MaxResults
says; AWS answers in pages of at most MaxResults (1,000, the page size the scanner asks
for). So that the benchmark measures what a real account costs, moto is made to page
those two calls as AWS does (`_page_like_aws`; `--single-page` keeps moto's one page, the
worst case for memory: the whole listing parsed at once).

`--drift` measures `--against` instead: an account of `--volumes` volumes against a raw
Terraform state of the same size (9 in 10 of the volumes managed, one in 20 of those with
another encryption than the state's, one in 10 made outside Terraform, and as many volumes
of the state gone from the account), scanned with and without `--against` (median of 3
each); it prints wall and CPU times of both, the parts the scan times itself (state read,
comparison, drift rules),
and the drift findings by status.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time

ACCOUNT = "123456789012"
REGION = "eu-west-3"
# Measured before the memory work of issue 13 (every finding's dictionary, an escaped copy
# of the document and one string of it built before writing), with this script (peak RSS of
# the scanning process, -o json) on this 2-core machine:
# (volumes, snapshots, format, single page) -> (peak MiB, findings). The figure,
# 880 MiB for 75,000 findings, predates rules added since; this script then read the peak
# from RUSAGE_CHILDREN, which keeps the high-water mark of the process the scan was forked
# from (187 MiB reported for a scan of 30 volumes), so it is not comparable.
PREVIOUS = {(10_000, 20_000, "json", False): (1087, 85_001),
            (1_000, 2_000, "json", False): (148, 8_501),
            (10_000, 20_000, "json", True): (1089, 85_001),
            (1_000, 2_000, "json", True): (150, 8_501)}


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


def _page_like_aws() -> None:
    """Make moto honour MaxResults/NextToken on DescribeVolumes and DescribeSnapshots, as
    AWS does (moto 5.2 returns everything in one page)."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def paged(method, key):
        def describe(self):
            answer = method(self)
            size = self._get_param("MaxResults")
            if not size or self._get_param("VolumeIds") or self._get_param("SnapshotIds"):
                return answer
            items = sorted(answer.result[key], key=lambda item: item.id)
            start = int(self._get_param("NextToken") or 0)
            page = {key: items[start:start + int(size)]}
            if start + int(size) < len(items):
                page["NextToken"] = str(start + int(size))
            return ActionResult(page)
        return describe

    ElasticBlockStore.describe_volumes = paged(ElasticBlockStore.describe_volumes, "Volumes")
    ElasticBlockStore.describe_snapshots = paged(ElasticBlockStore.describe_snapshots,
                                                 "Snapshots")


def _no_client_vpn() -> None:
    """Answer DescribeClientVpnEndpoints with no endpoint: moto 5.2 does not implement the
    call (an HTML 500 page, a read error in the scan), and the benchmark's account has none;
    without this every run would carry that read error and its figures be flagged."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    EC2Response.describe_client_vpn_endpoints = lambda self: ActionResult(
        {"ClientVpnEndpoints": []})


def _reset() -> None:
    from moto.backends import get_backend

    get_backend("ec2")[ACCOUNT].reset()


def _scan(url: str, *extra: str) -> tuple[dict, float, str]:
    """(report, wall seconds, stderr) of one CLI run; `_cpu()` after it gives its CPU time."""
    env = _env()
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "hds_iac.cli", "live", "aws", "--endpoint-url", url,
         "--regions", REGION, "--services", "ec2", "-o", "json", "--no-progress", *extra],
        capture_output=True, text=True, env=env, timeout=3600)
    wall = time.monotonic() - started
    if not proc.stdout:
        raise SystemExit(f"scan failed: {proc.stderr}")
    return json.loads(proc.stdout), wall, proc.stderr


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000001", "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    return env


# Runs the CLI and, on its way out, writes the process's peak RSS (VmHWM, KiB) to the file
# named by its first argument. The peak must come from the scanning process itself: the
# rusage of a child (`wait4`, RUSAGE_CHILDREN) keeps the high-water mark of the process it
# was forked from, this benchmark with 30,000 moto objects in memory.
_CHILD = """
import atexit, sys
def _peak(path=sys.argv[1]):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(l.split()[1] for l in status if l.startswith("VmHWM:")))
atexit.register(_peak)
from hds_iac.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _measured_scan(url: str, fmt: str, folder: str, *scan_args: str
                   ) -> tuple[dict, float, int]:
    """(JSON report, wall seconds, peak RSS in KiB) of one CLI run writing `fmt` to a file."""
    target = os.path.join(folder, f"report.{fmt}")
    extra = [*scan_args, "-o", "json", "--output-file", os.path.join(folder, "result.json")]
    if fmt != "json":
        extra += ["-o", fmt, "--output-file", target]
    started = time.monotonic()
    # moto is slow to answer 20,000 items (single page): a long read timeout, so that the
    # benchmark measures the scan and not the retries.
    peak_file = os.path.join(folder, "peak")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, peak_file, "live", "aws", "--endpoint-url", url,
         "--regions", REGION, "--services", "ec2", "--no-progress", "--read-timeout", "900",
         *extra], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=7200)
    wall = time.monotonic() - started
    try:
        with open(os.path.join(folder, "result.json"), encoding="utf-8") as handle:
            report = json.load(handle)
        with open(peak_file, encoding="utf-8") as handle:
            peak = int(handle.read())
    except (OSError, ValueError):
        raise SystemExit(f"scan failed (exit {proc.returncode}):"
                         f" {proc.stderr.decode('utf-8', 'replace')[-2000:]}") from None
    return report, wall, peak


def _state_for(volumes: int, folder: str) -> str:
    """A raw state (format 4) of as many volumes as the account holds: 9 in 10 of the
    account's, one in 20 of those with the other encryption, the rest gone from it."""
    from moto.backends import get_backend

    live = sorted(get_backend("ec2")[ACCOUNT][REGION].volumes.values(), key=lambda v: v.id)
    managed = live[: len(live) * 9 // 10]
    resources = []
    for n, vol in enumerate(managed):
        encrypted = bool(vol.encrypted) != (n % 20 == 0)
        resources.append((f"vol_{n}", vol.id, vol.zone.name, encrypted))
    for n in range(volumes - len(managed)):
        resources.append((f"gone_{n}", f"vol-0gone{n:012x}", f"{REGION}a", True))
    provider = 'provider["registry.terraform.io/hashicorp/aws"]'
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 1,
             "lineage": "bench-0000-4000-8000-000000000000", "outputs": {}, "resources": [
                 {"mode": "managed", "type": "aws_ebs_volume", "name": name, "provider": provider,
                  "instances": [{"schema_version": 0, "attributes": {
                      "id": vid, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{vid}",
                      "availability_zone": zone, "size": 8, "encrypted": encrypted,
                      "kms_key_id": "", "tags": {}}}]}
                 for name, vid, zone, encrypted in resources]}
    path = os.path.join(folder, "terraform.tfstate")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    return path


def _cpu() -> float:
    """User + system CPU seconds of the finished children so far (less sensitive than wall
    time to the other processes of a shared machine)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rounded(values: list[float]) -> list[float]:
    return [round(v, 2) for v in values]


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _drift(url: str, volumes: int) -> None:
    import tempfile

    _reset()
    _populate(volumes, 0)
    with tempfile.TemporaryDirectory() as folder:
        state = _state_for(volumes, folder)
        size = os.path.getsize(state)
        plain, against, parts = [], [], []
        cpu_plain, cpu_against = [], []
        for _ in range(3):
            before = _cpu()
            plain.append(_scan(url)[1])
            cpu_plain.append(_cpu() - before)
            before = _cpu()
            report, wall, _ = _scan(url, "--against", state)
            cpu_against.append(_cpu() - before)
            against.append(wall)
            notice = next(n["message"] for n in report["notices"]
                          if n["message"].startswith("drift against"))
            parts.append([float(x) for x in re.findall(r"in (\d+\.\d+) s", notice)]
                         + [float(x) for x in re.findall(r"\((\d+\.\d+) s CPU\)", notice)])
    counts: dict[tuple[str, str], int] = {}
    for f in report["findings"]:
        if f["topic"] == "drift":
            counts[(f["rule_id"], f["status"])] = counts.get((f["rule_id"], f["status"]), 0) + 1
    print(f"\n== drift: {volumes} volumes against a state of {volumes} volumes"
          f" ({size / 1e6:.1f} MB)")
    print(f"   scan without --against: wall median {_median(plain):.2f} s {_rounded(plain)},"
          f" CPU median {_median(cpu_plain):.2f} s {_rounded(cpu_plain)}")
    print(f"   scan with --against:    wall median {_median(against):.2f} s {_rounded(against)},"
          f" CPU median {_median(cpu_against):.2f} s {_rounded(cpu_against)}")
    print(f"   CPU difference of the medians: {_median(cpu_against) - _median(cpu_plain):+.2f} s"
          " (reading the state, comparing, the drift rules, 30,000 more findings in the JSON)")
    for n, what in enumerate(("state read and adapted", "comparison", "drift rules",
                              "comparison, CPU time")):
        values = [p[n] for p in parts]
        print(f"   {what} (the scan's own timing): median {_median(values):.2f} s"
              f" {_rounded(values)}")
    print(f"   drift findings: {dict(sorted(counts.items()))}")
    print(f"   {notice}")
    print(f"   load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
          f" on {os.cpu_count()} CPUs")


def _sizes(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes", type=_sizes, default=10_000)
    parser.add_argument("--snapshots", type=_sizes, default=20_000)
    parser.add_argument("--output", choices=("json", "sarif", "csv"), default="json",
                        help="report format written besides the JSON result (default: json)")
    parser.add_argument("--single-page", action="store_true",
                        help="keep moto's single-page answers (the whole listing at once)")
    parser.add_argument("--page-size", type=_sizes, metavar="N",
                        help="the scan's --page-size (default: each API's maximum, 1,000)")
    parser.add_argument("--max-attribute-reads", type=int, default=1000, metavar="N",
                        help="the scan's --max-attribute-reads (default: 1000)")
    parser.add_argument("--drift", action="store_true",
                        help="measure --against on --volumes volumes and a state as large")
    args = parser.parse_args()
    import logging
    import tempfile

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _no_client_vpn()
    url = f"http://127.0.0.1:{port}"
    rows = []
    if args.drift:
        try:
            _drift(url, args.volumes)
        finally:
            server.stop()
        return 0
    if not args.single_page:
        _page_like_aws()
    try:
        for volumes, snapshots in ((max(1, args.volumes // 10), max(1, args.snapshots // 10)),
                                   (args.volumes, args.snapshots)):
            _reset()
            started = time.monotonic()
            _populate(volumes, snapshots)
            setup = time.monotonic() - started
            with tempfile.TemporaryDirectory() as folder:
                scan_args = ["--max-attribute-reads", str(args.max_attribute_reads)]
                if args.page_size:
                    scan_args += ["--page-size", str(args.page_size)]
                report, wall, peak = _measured_scan(url, args.output, folder, *scan_args)
            calls = report["inputs"][0]["api_calls"]
            kinds: dict[str, set] = {}
            for f in report["findings"]:
                kinds.setdefault(f["resource"]["type"], set()).add(f["resource"]["address"])
            rows.append((volumes, snapshots, setup, wall, peak, calls,
                         {k: len(v) for k, v in kinds.items()}, len(report["findings"]),
                         report["errors"]))
            del report, kinds
    finally:
        server.stop()
    paging = "moto single page" if args.single_page else \
        f"pages of {args.page_size or 1000:,} as AWS"
    for volumes, snapshots, setup, wall, peak, calls, kinds, findings, errors in rows:
        print(f"\n== {volumes} volumes, {snapshots} snapshots, -o {args.output}, {paging}"
              f" (setup {setup:.1f} s in moto)")
        before = PREVIOUS.get((volumes, snapshots, args.output, args.single_page))
        print(f"   scan wall time {wall:.1f} s, peak RSS of the scan process {peak / 1024:.0f} MiB"
              + (f" (before issue 13's memory work: {before[0]} MiB, {before[1]} findings)"
                 if before else ""))
        print(f"   resources judged: {kinds}; findings: {findings}")
        if errors:
            print(f"   READ ERRORS (figures not comparable): {errors}")
        print(f"   API requests: {sum(calls.values())}")
        for name, count in sorted(calls.items()):
            print(f"     {name:<36} {count}")
    small, large = rows[0][5], rows[1][5]
    grown = {k: (small.get(k, 0), large[k]) for k in large if large[k] > small.get(k, 0) + 2}
    print("\ncalls that grew by more than 2 between the two sizes:", grown or "none")
    print(f"(listing calls grow by one per {args.page_size or 1000:,} items: pages, not"
          " resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
