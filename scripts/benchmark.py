#!/usr/bin/env python3
"""Benchmark `hds-iac scan` on generated inputs: wall time and peak memory.

Not a test: run it by hand and note the figures on the issue.

    python scripts/benchmark.py                 # 5,000-resource plan + 300-file HCL tree
    python scripts/benchmark.py --runs 5 --checkov /path/to/checkov

Inputs are generated into a temporary folder (never committed). Each scan runs in its
own process; the median of --runs runs is printed, with the peak resident memory of the
process (ru_maxrss, the largest process of the run). checkov (from --checkov,
$HDS_IAC_CHECKOV or /tmp/checkov-venv) runs on the same inputs four ways: alone, with
hds-iac's checks (`--external-checks-dir checks/`) answering from the native engine
(`HDS_IAC_BIN` names this hds-iac: one native scan per folder or plan, as a subprocess),
with the checks in their fallback (`HDS_IAC_BIN=none`: each resource judged alone), and
with our results replayed (scripts/checkov_replay: checks with our ids, names and resource
types that give the very results our checks gave on that input, recorded into a table by
one untimed run before the timed ones and checked to give back the same CKV_HDS records,
doing no work at all: the reference for checkov's own cost of our results; --no-replay
skips it), on (a) one typical module folder, (b) the HCL tree, (c) the plan. With our
checks (and for `hds-iac scan`) each input is timed cold (an empty parse cache,
$HDS_IAC_CACHE_DIR, in each run: a first scan of that code) and warm (a cache filled by
one untimed `hds-iac scan` of the input: checkov run again on code already scanned, as in
CI or pre-commit); Lark's build of the HCL grammar and the checks' metadata table
(`hds_iac.checkov_check_table`), kept in the user cache once per install, are there in
both (an untimed first checkov run fills the table). The runs of one input are interleaved
(alone, cold, warm, alone, ...), so that a change of the machine's load hits every variant
alike; the load average is printed before and after. The
floor (issue 11:
starting Python and `json.load` of the plan, the least any Python scan of it costs) is
timed first, and the plan's `-o json` scan is printed as a multiple of it, with the size
of the JSON report it writes. The native scans of the HCL inputs (a, b) are also timed
with the cache of parsed files off (`--no-cache`), in a table of their own; every run uses
a cache folder of this run, never the user's, and the hostile inputs run with
`--no-cache`. The second table
gives what our checks add to checkov alone (wall time, then CPU time of the whole process
tree, the native subprocess included: the goal's figure, at most +15 %), then splits it in
two parts that add up: checkov's own cost of our results (replayed - alone: its filter,
Record, censoring and output per result, which checks doing nothing cost as well) and what
is ours (our checks - replayed: the native scan, its wait, our code in checkov's process);
every time is a median with the min-max of its runs. The summary tables at the end are
the ones to paste on the issue or in the README (`--markdown`: the progress lines go to
standard error, standard output is the tables alone).

Then hostile inputs (issue 9 §4; `--hostile-only` for these alone, `--no-hostile` to skip
them): module cycles and fan-out, huge counts, files, strings and nesting over the limits
of hds_iac/terraform/limits.py, and the largest code file under them. Each runs once, with
its memory capped (--hostile-memory, so that a regression fails instead of swapping the
machine) and killed after --hostile-timeout seconds; the table gives wall time, peak
memory, exit status and the number of error lines.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple

KINDS = [
    ("aws_ebs_volume", lambda i: {"availability_zone": "eu-west-3a", "size": 10,
                                  "encrypted": i % 3 != 0, "tags": {"n": str(i)}}),
    ("aws_s3_bucket", lambda i: {"bucket": f"bucket-{i}", "tags": {}}),
    ("aws_db_instance", lambda i: {"identifier": f"db-{i}", "engine": "postgres",
                                   "storage_encrypted": i % 2 == 0, "multi_az": i % 4 != 0,
                                   "backup_retention_period": i % 10, "skip_final_snapshot": False,
                                   "deletion_protection": True, "kms_key_id": None}),
    ("aws_instance", lambda i: {"ami": "ami-1", "instance_type": "t3.micro",
                                "availability_zone": f"eu-west-3{'abc'[i % 3]}",
                                "root_block_device": [{"encrypted": True, "volume_size": 8}],
                                "ebs_block_device": []}),
    ("aws_lb_listener", lambda i: {"port": 443 if i % 2 else 80,
                                   "protocol": "HTTPS" if i % 2 else "HTTP",
                                   "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06" if i % 2 else None,
                                   "certificate_arn": "arn:aws:acm:eu-west-3:1:certificate/x" if i % 2 else None,
                                   "default_action": [{"type": "forward"}]}),
    ("aws_security_group", lambda i: {"name": f"sg-{i}", "ingress": [
        {"from_port": 22 if i % 2 else 80, "to_port": 22 if i % 2 else 80, "protocol": "tcp",
         "cidr_blocks": ["0.0.0.0/0"]}], "egress": []}),
]


def make_plan(path: Path, count: int) -> None:
    resources, changes, config_resources = [], [], []
    for i in range(count):
        rtype, values = KINDS[i % len(KINDS)]
        vals = values(i)
        address = f"module.m{i % 50}.{rtype}.r{i}"
        resources.append({"address": address, "mode": "managed", "type": rtype, "name": f"r{i}",
                          "provider_name": "registry.terraform.io/hashicorp/aws",
                          "values": vals})
        changes.append({"address": address, "module_address": f"module.m{i % 50}",
                        "mode": "managed", "type": rtype, "name": f"r{i}",
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": vals,
                                   "after_unknown": {"id": True, "arn": True}}})
    modules = {}
    for i, res in enumerate(resources):
        modules.setdefault(f"module.m{i % 50}", []).append(res)
    plan = {
        "format_version": "1.2", "terraform_version": "1.11.0",
        "variables": {"region": {"value": "eu-west-3"}},
        "planned_values": {"root_module": {"child_modules": [
            {"address": name, "resources": items} for name, items in modules.items()]}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                        "expressions": {"region": {"references": ["var.region"]}}}},
            "root_module": {"resources": config_resources, "module_calls": {
                name.split(".", 1)[1]: {"source": "./m", "module": {"resources": []}}
                for name in modules}}},
    }
    path.write_text(json.dumps(plan))


HCL_FILES = {
    "providers.tf": 'provider "aws" {{\n  region = var.region\n}}\n',
    "variables.tf": 'variable "region" {{\n  default = "eu-west-3"\n}}\nvariable "n" {{\n  default = 2\n}}\n',
    "storage.tf": 'resource "aws_ebs_volume" "v{i}" {{\n  count = var.n\n  availability_zone = "${{var.region}}a"\n  size = 10\n  encrypted = {enc}\n}}\n',
    "db.tf": 'module "db" {{\n  source = "./modules/db"\n  name = "db{i}"\n}}\n',
    "lb.tf": 'resource "aws_lb_listener" "l{i}" {{\n  port = 443\n  protocol = "HTTPS"\n  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n  certificate_arn = "arn:aws:acm:eu-west-3:1:certificate/x"\n  default_action {{\n    type = "forward"\n  }}\n}}\n',
    "sg.tf": 'resource "aws_security_group" "s{i}" {{\n  ingress {{\n    from_port = 80\n    to_port = 80\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }}\n}}\n',
    "bucket.tf": 'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{i}"\n}}\n',
    "instance.tf": 'resource "aws_instance" "i{i}" {{\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  availability_zone = "${{var.region}}b"\n  root_block_device {{\n    encrypted = true\n  }}\n}}\n',
    "modules/db/main.tf": 'variable "name" {{}}\nresource "aws_db_instance" "this" {{\n  identifier = var.name\n  storage_encrypted = true\n  multi_az = true\n  backup_retention_period = 7\n}}\n',
    "modules/db/outputs.tf": 'output "id" {{\n  value = aws_db_instance.this.id\n}}\n',
}


def make_tree(root: Path, files: int) -> None:
    roots = files // len(HCL_FILES)
    for i in range(roots):
        for name, template in HCL_FILES.items():
            target = root / f"service{i:02d}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.format(i=i, enc="true" if i % 2 else "false"))


def measure(cmd: list[str], timeout: float | None = None, memory: int | None = None,
            stderr_lines: list[str] | None = None,
            env: dict[str, str] | None = None) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MiB, exit status, CPU seconds (user + system: what a
    loaded machine does not inflate) of one run of `cmd` (killed after `timeout`
    seconds: exit -9; address space capped at `memory` bytes). The error lines the run
    printed are added to `stderr_lines` when given."""
    def cap() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=cap,
                                env=env)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        if timer:
            timer.cancel()
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read()
        if b"Traceback (most recent call last)" in text and stderr_lines is None:
            raise SystemExit(f"benchmark: {' '.join(cmd[:4])}... crashed; figures would be wrong")
        if stderr_lines is not None:
            stderr_lines.extend(text.decode("utf-8", "replace").splitlines())
    return (wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
            usage.ru_utime + usage.ru_stime)


# --- hostile inputs (issue 9 §4) ------------------------------------------------------------

VOLUME = ('resource "aws_ebs_volume" "v{i}" {{\n  availability_zone = "eu-west-3a"\n'
          '  size = 10\n  encrypted = true\n  tags = {{ Name = "volume-{i}" }}\n}}\n')


def volumes(size: int) -> str:
    """About `size` bytes of realistic HCL (EBS volumes)."""
    out, total, i = [], 0, 0
    while total < size:
        block = VOLUME.format(i=i)
        out.append(block)
        total += len(block)
        i += 1
    return "".join(out)


def make_hostile(base: Path) -> list[tuple[str, Path]]:
    """(label, path to scan) of each hostile input, written under `base`."""
    def write(rel: str, text: str) -> Path:
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    self_call = 'module "m{n}" {{\n  source = "./"\n}}\n'
    write("self2/main.tf", self_call.format(n=1) + self_call.format(n=2) + VOLUME.format(i=0))
    write("self3/main.tf", "".join(self_call.format(n=n) for n in range(3)) + VOLUME.format(i=0))
    write("fanout/main.tf", 'module "l1" {\n  count = 10\n  source = "./l1"\n}\n')
    for level in range(1, 7):
        inner = (f'module "l{level + 1}" {{\n  count = 10\n  source = "../l{level + 1}"\n}}\n'
                 if level < 6 else "")
        write(f"fanout/l{level}/main.tf", inner + VOLUME.format(i=level))
    write("count/main.tf", VOLUME.format(i=0).replace("{\n", "{\n  count = 100000000\n", 1))
    write("tf5mb/main.tf", volumes(5_000_000))
    write("tf500k/main.tf", volumes(500_000))
    write("string10mb/main.tf", 'variable "x" {\n  default = "' + "a" * 10_000_000 + '"\n}\n')
    write("string300k/main.tf", 'variable "x" {\n  default = "' + "a" * 300_000 + '"\n}\n')
    write("tfvars10mb/main.tf", 'variable "x" {}\n' + VOLUME.format(i=0))
    write("tfvars10mb/terraform.tfvars", 'x = "' + "a" * 10_000_000 + '"\n')
    write("nest5000/main.tf", "locals {\n  x = " + "[" * 5000 + "1" + "]" * 5000 + "\n}\n")
    plan = {"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {},
            "resource_changes": [], "configuration": {}}
    deep = write("plan-nest5000.json", json.dumps(plan)[:-1] + ', "variables": {"x": {"value": '
                 + "[" * 5000 + "]" * 5000 + "}}}")
    future = write("plan-format9.json", json.dumps({**plan, "format_version": "9.0"}))
    return [
        ("module calling itself twice", base / "self2"),
        ("module calling itself 3 times", base / "self3"),
        ("module fan-out 10^6 (6 levels x 10)", base / "fanout"),
        ("count = 10^8", base / "count"),
        ("5 MB .tf (over the limit)", base / "tf5mb"),
        ("500 KB .tf (under the limit)", base / "tf500k"),
        ("10 MB string default", base / "string10mb"),
        ("300 KB string default", base / "string300k"),
        ("10 MB terraform.tfvars", base / "tfvars10mb"),
        ("HCL nested 5,000 levels", base / "nest5000"),
        ("plan JSON nested 5,000 levels", deep),
        ("plan format_version 9.0", future),
    ]


def hostile(hds: list[str], timeout: float, memory: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = make_hostile(Path(tmp))
        print(f"\nhostile inputs (one run each, memory capped at {memory / 2**30:.0f} GiB, "
              f"killed after {timeout:.0f} s)\n")
        print("| input | wall | CPU | peak memory | exit | error lines | first error |")
        print("|---|---|---|---|---|---|---|")
        for label, path in cases:
            lines: list[str] = []
            wall, peak, code, cpu = measure(hds + [str(path)], timeout, memory, lines)
            errors = [line for line in lines if line.startswith("hds-iac: error")]
            first = errors[0][len("hds-iac: error: "):][:90] if errors else ""
            if any("Traceback" in line for line in lines):
                first = "TRACEBACK"
            shown = "killed (timeout)" if code == -9 else str(code)
            print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {peak:.0f} MiB | {shown} | "
                  f"{len(errors)} | "
                  f"{first.replace('|', '/')} |", flush=True)


class Timing(NamedTuple):
    """The runs of one variant: medians (wall, CPU) and their spread, peak memory."""
    wall: float  # median wall seconds
    peak: float  # peak RSS of the largest process of any run, MiB
    cpu: float  # median CPU seconds (user + system) of the process tree
    walls: tuple[float, ...]  # every run, in order
    cpus: tuple[float, ...]


def bench(label: str, cmd: list[str], runs: int,
          env: dict[str, str] | None = None) -> Timing:
    """(median wall s, peak MiB, median CPU s, ...): the CPU time keeps the comparison
    honest on a loaded machine, where wall times stretch unevenly."""
    return bench_interleaved([(label, cmd, lambda: env)], runs)[0]


def bench_interleaved(variants: list[tuple[str, list[str], Callable[[], dict | None]]],
                      runs: int) -> list[Timing]:
    """`bench` of several variants (label, command, environment of one run), their runs
    interleaved: run 1 of each, then run 2 of each..."""
    results: list[list[tuple[float, float, int, float]]] = [[] for _ in variants]
    for _ in range(runs):
        for i, (_, cmd, env) in enumerate(variants):
            results[i].append(measure(cmd, env=env()))
    out = []
    for (label, _, _), got in zip(variants, results):
        walls = tuple(r[0] for r in got)
        cpus = tuple(r[3] for r in got)
        peak = max(r[1] for r in got)
        say(f"{label:<46} median {statistics.median(walls):7.2f} s   min {min(walls):6.2f} s"
            f"   max {max(walls):6.2f} s   CPU {statistics.median(cpus):6.2f} s"
            f" ({min(cpus):.2f}-{max(cpus):.2f})   peak {peak:7.1f} MiB   exit {got[-1][2]}")
        out.append(Timing(statistics.median(walls), peak, statistics.median(cpus), walls,
                          cpus))
    return out


# --- checkov's own cost of our results: the replay reference (issue 15, "Measure") ---------

REPLAY_CHECKS = Path(__file__).resolve().parent / "checkov_replay"


def checkov_records(report: bytes) -> list[tuple]:
    """The CKV_HDS records of a checkov JSON report (one framework's report or a list of
    them), sorted: (kind, id, file, line range, resource, evaluated keys, waiver comment,
    details, severity, guideline): what the replay must give back identically."""
    data = json.loads(report)
    out = []
    for part in data if isinstance(data, list) else [data]:
        for kind, records in (part.get("results") or {}).items():
            for r in records:
                if not str(r.get("check_id", "")).startswith("CKV_HDS"):
                    continue
                result = r.get("check_result") or {}
                out.append((kind, r["check_id"], r.get("file_path"),
                            tuple(r.get("file_line_range") or ()), r.get("resource"),
                            tuple(result.get("evaluated_keys") or ()),
                            result.get("suppress_comment"), tuple(r.get("details") or ()),
                            r.get("severity"), r.get("guideline")))
    return sorted(out, key=repr)


def record_replay(label: str, checkov_cmd: list[str], table: Path,
                  env: dict[str, str]) -> int:
    """Write the replay table of one input (untimed): checkov (`checkov_cmd`, without
    --external-checks-dir) with our real checks,
    recording every result they give (scripts/checkov_replay); then one replayed run,
    whose CKV_HDS records must be those of the recorded run, else the reference would
    not be the same results (SystemExit). The number of results recorded."""
    table.unlink(missing_ok=True)
    # Not --quiet, so that passed and skipped records are compared as well as failures.
    cmd = [c for c in checkov_cmd if c != "--quiet"] + ["--external-checks-dir",
                                                          str(REPLAY_CHECKS)]
    recorded = subprocess.run(cmd, env={**env, "HDS_IAC_REPLAY_RECORD": str(table)},
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    replayed = subprocess.run(cmd, env=replay_env(env, table), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
    want, got = checkov_records(recorded.stdout), checkov_records(replayed.stdout)
    if not want or want != got or b"not in the table" in replayed.stderr:
        raise SystemExit(f"benchmark: the replayed results differ from our checks' on "
                         f"{label}: {len(want)} records recorded, {len(got)} replayed")
    return sum(len(line) and len(json.loads(line)["results"])
               for line in table.read_text().splitlines())


def replay_env(env: dict[str, str], table: Path) -> dict[str, str]:
    """checkov + the replayed results: no native engine (the replay needs none: a run
    that reached for it would fail, not time it)."""
    return {**env, "HDS_IAC_REPLAY_TABLE": str(table), "HDS_IAC_BIN": "none"}


def say(text: str) -> None:
    """A progress line: on standard output, or standard error with --markdown."""
    print(text, file=sys.stderr if MARKDOWN else sys.stdout, flush=True)


MARKDOWN = False


def load_average() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def keep_bytecode(tmp: Path, pythons: list[str]) -> None:
    """Let every measured process keep its compiled modules, as an installed hds-iac does
    (pip writes them at install): in a folder of this run (PYTHONPYCACHEPREFIX, nothing
    written in the checkout), compiled once here. Without it (PYTHONDONTWRITEBYTECODE set,
    or a read-only checkout) each run recompiles every hds-iac module, in the native scan
    and again in checkov's process, and the figures measure that."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    repo = Path(__file__).resolve().parents[1]
    folders = [str(repo / name) for name in ("hds_iac", "checks", "providers")
               if (repo / name).is_dir()]
    for python in pythons:
        subprocess.run([python, "-m", "compileall", "-q", *folders], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def find_checkov(explicit: str | None) -> str | None:
    repo = Path(__file__).resolve().parents[1]
    for candidate in (explicit, os.environ.get("HDS_IAC_CHECKOV"),
                      "/tmp/checkov-venv/bin/checkov",
                      str(repo / ".ci-venv-checkov" / "bin" / "checkov")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def cell(m: Timing) -> str:
    """Median wall (min-max), median CPU (min-max), peak memory."""
    return (f"{m.wall:.2f} s ({min(m.walls):.2f}-{max(m.walls):.2f}), CPU {m.cpu:.2f} s "
            f"({min(m.cpus):.2f}-{max(m.cpus):.2f}), {m.peak:.0f} MiB")


def added(m: Timing, alone: Timing) -> str:
    """What `m` adds to `alone`, in % of `alone`: medians of wall, then CPU."""
    return f"{(m.wall / alone.wall - 1) * 100:+.0f} %, {(m.cpu / alone.cpu - 1) * 100:+.0f} %"


def share(m: Timing, minus: Timing, alone: Timing) -> str:
    """`m` - `minus` in % of `alone` (medians: wall, CPU): parts of `added` that add up."""
    return (f"{(m.wall - minus.wall) / alone.wall * 100:+.0f} %, "
            f"{(m.cpu - minus.cpu) / alone.cpu * 100:+.0f} %")


def spread(m: Timing) -> str:
    """How far apart the runs of one variant are: max / min - 1 (wall, CPU)."""
    return (f"{(max(m.walls) / min(m.walls) - 1) * 100:.0f} %, "
            f"{(max(m.cpus) / min(m.cpus) - 1) * 100:.0f} %")


def print_tables(rows: list[tuple[str, dict[str, Timing]]], with_checkov: bool, runs: int,
                 loads: list[str], out) -> None:
    """The times (medians and min-max of every variant), then what our checks add to
    checkov alone, the goal's figure first, then split: checkov's own cost of our results
    (replayed - alone) and what is ours (our checks - replayed), in % of checkov alone so
    that the two parts add up to the goal's figure."""
    names = [("cold", "hds-iac scan, cold"), ("warm", "hds-iac scan, warm")]
    if with_checkov:
        names += [("alone", "checkov alone"), ("replayed", "checkov + replayed results"),
                  ("ours cold", "checkov + our checks, cold"),
                  ("ours warm", "checkov + our checks, warm"),
                  ("fallback", "checkov + our checks, fallback (no native engine)")]
    names = [(k, h) for k, h in names if any(k in timed for _, timed in rows)]
    print("| input | runs | " + " | ".join(h for _, h in names) + " |", file=out)
    print("|" + "---|" * (len(names) + 2), file=out)
    for label, timed in rows:
        print(f"| {label} | {runs} | "
              + " | ".join(cell(timed[k]) if k in timed else "-" for k, _ in names) + " |",
              file=out)
    print(f"\nMedian (min-max) of {runs} interleaved runs: wall time, CPU time of the "
          "process tree (the native subprocess included), peak RSS of its largest process; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores,"
          f" {loads[0]} before and {loads[1]} after.", file=out)
    if not with_checkov:
        return
    print("\n| input | added by our checks, cold (goal: at most +15 %) | added, warm |"
          " checkov's own cost of our results (replayed - alone) | ours, cold (our checks -"
          " replayed) | ours, warm | spread of checkov alone (max/min) |", file=out)
    print("|---|---|---|---|---|---|---|", file=out)
    for label, t in rows:
        alone, replayed = t["alone"], t.get("replayed")
        cells = [added(t["ours cold"], alone), added(t["ours warm"], alone)]
        cells += ([share(replayed, alone, alone), share(t["ours cold"], replayed, alone),
                   share(t["ours warm"], replayed, alone)] if replayed else ["-"] * 3)
        cells.append(spread(alone))
        print(f"| {label} | " + " | ".join(cells) + " |", file=out)
    print("\nWall, then CPU; medians, in % of checkov alone's: the two parts (checkov's own"
          " cost of our results, and ours) add up to what our checks add.", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plan-resources", type=int, default=5000)
    parser.add_argument("--hcl-files", type=int, default=300)
    parser.add_argument("--checkov", help="path to a checkov executable to compare with"
                        " (default: $HDS_IAC_CHECKOV, /tmp/checkov-venv/bin/checkov)")
    parser.add_argument("--no-checkov", action="store_true", help="time hds-iac only")
    parser.add_argument("--no-replay", action="store_true",
                        help="do not time checkov with our results replayed (the reference"
                        " for checkov's own cost of our results)")
    parser.add_argument("--no-fallback", action="store_true",
                        help="do not time checkov with our checks in their fallback")
    parser.add_argument("--only", choices=("a", "b", "c"), action="append",
                        help="time only these inputs (repeatable): a module folder, b tree,"
                        " c plan")
    parser.add_argument("--hostile-only", action="store_true",
                        help="only the hostile inputs (issue 9 §4)")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile inputs")
    parser.add_argument("--hostile-timeout", type=float, default=300)
    parser.add_argument("--hostile-memory", type=float, default=4.0,
                        help="address-space cap of each hostile run, in GiB (default 4)")
    parser.add_argument("--markdown", action="store_true",
                        help="standard output: the summary table alone (progress on stderr)")
    args = parser.parse_args()
    global MARKDOWN
    MARKDOWN = args.markdown
    hds = [sys.executable, "-m", "hds_iac.cli", "scan", "-o", "json"]
    if args.hostile_only:
        hostile(hds + ["--no-cache"], args.hostile_timeout, int(args.hostile_memory * 2**30))
        return 0
    checkov = None if args.no_checkov else find_checkov(args.checkov)
    checks = Path(__file__).resolve().parents[1] / "checks"
    with tempfile.TemporaryDirectory() as tmp:
        pythons = [sys.executable]
        if checkov and (Path(checkov).parent / "python").exists():
            pythons.append(str(Path(checkov).parent / "python"))
        keep_bytecode(Path(tmp), pythons)
        plan, tree = Path(tmp) / "plan.json", Path(tmp) / "tree"
        make_plan(plan, args.plan_resources)
        make_tree(tree, args.hcl_files)
        nfiles = sum(1 for _ in tree.rglob("*.tf"))
        say(f"inputs: plan with {args.plan_resources} resources "
            f"({plan.stat().st_size / 1e6:.1f} MB), HCL tree of {nfiles} files; {args.runs} runs")
        folder = tree / "service00"
        inputs = [
            ("(a) one module folder", [str(folder)], ["-d", str(folder), "--framework", "terraform"]),
            (f"(b) HCL tree, {nfiles} files", [str(tree)],
             ["-d", str(tree), "--framework", "terraform"]),
            (f"(c) plan, {args.plan_resources} resources", [str(plan)],
             ["-f", str(plan), "--framework", "terraform_plan"]),
        ]
        if args.only:
            inputs = [i for i in inputs if i[0][1] in args.only]
        loads = [load_average()]
        # The floor (issue 11): starting Python and `json.load` of the plan, the least any
        # Python scan of it costs; the plan's scan is printed as a multiple of it.
        floor = bench("floor: python + json.load(plan)", [
            sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1], 'rb'))",
            str(plan)], args.runs)
        report = Path(tmp) / "report.json"
        with open(report, "wb") as out:
            subprocess.run(hds + [str(plan)], stdout=out, stderr=subprocess.DEVNULL, check=False)
        os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")  # checkov: no network look-ups
        # The cache of parsed HCL files in folders of this run, never the user's (the runs
        # below name their own: empty for each cold run, filled for the warm ones).
        os.environ["HDS_IAC_CACHE_DIR"] = str(Path(tmp) / "parse-cache")
        native_env = {**os.environ, "HDS_IAC_BIN": shlex.join([sys.executable, "-m",
                                                                "hds_iac.cli"])}
        fallback_env = {**os.environ, "HDS_IAC_BIN": "none"}
        caches = Path(tmp) / "caches"
        caches.mkdir()

        def cold(env: dict[str, str]) -> Callable[[], dict[str, str]]:
            """An empty parse cache for each run."""
            return lambda: {**env, "HDS_IAC_CACHE_DIR": tempfile.mkdtemp(dir=caches)}

        if checkov:
            # Untimed: with PYTHONPYCACHEPREFIX, the first run compiles every module it
            # imports (checkov's own included) into the run's folder.
            subprocess.run([checkov, "--quiet", "--compact", "-o", "json", "--skip-download",
                            "-d", str(folder), "--framework", "terraform",
                            "--external-checks-dir", str(checks)], env=native_env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        rows, cache_rows = [], []
        for label, paths, checkov_args in inputs:
            # The warm cache: filled by one untimed scan of the input.
            warm_dir = tempfile.mkdtemp(dir=caches)
            warm_env = {**native_env, "HDS_IAC_CACHE_DIR": warm_dir}
            subprocess.run(hds + paths, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=warm_env, check=False)
            variants = [(f"hds-iac scan {label}, cold", hds + paths, cold(native_env)),
                        (f"hds-iac scan {label}, warm", hds + paths, lambda: warm_env)]
            hcl = not label.startswith("(c)")
            if hcl:  # the parse cache off
                variants.append((f"hds-iac scan --no-cache {label}", hds + paths + ["--no-cache"],
                                 lambda: None))
            named: dict[str, int] = {}
            if checkov:
                base = [checkov, "--quiet", "--compact", "-o", "json", "--skip-download"]
                ours = base + checkov_args + ["--external-checks-dir", str(checks)]
                variants += [
                    (f"checkov alone {label}", base + checkov_args, lambda: None),
                    (f"checkov + hds-iac checks {label}, cold", ours, cold(native_env)),
                    (f"checkov + hds-iac checks {label}, warm", ours, lambda: warm_env)]
                if not args.no_replay:
                    table = Path(tmp) / f"replay-{label[1]}.jsonl"
                    say(f"replay table of {label}: "
                        f"{record_replay(label, base + checkov_args, table, warm_env)} results recorded")
                    variants.append((f"checkov + replayed results {label}",
                                     base + checkov_args + ["--external-checks-dir",
                                                            str(REPLAY_CHECKS)],
                                     lambda t=table: replay_env(dict(os.environ), t)))
                if not args.no_fallback:
                    variants.append((f"checkov + checks, fallback {label}", ours,
                                     lambda: fallback_env))
            got = bench_interleaved(variants, args.runs)
            timed = dict(zip(("cold", "warm", "nocache") if hcl else ("cold", "warm"), got))
            if hcl:
                cache_rows.append((label, timed["nocache"], timed["cold"], timed["warm"]))
            if checkov:
                rest = got[len(timed):]
                timed.update(zip(["alone", "ours cold", "ours warm"]
                                 + ([] if args.no_replay else ["replayed"])
                                 + ([] if args.no_fallback else ["fallback"]), rest))
            rows.append((label, timed))
        loads.append(load_average())
        say("")
        out = sys.stdout
        print_tables(rows, checkov is not None, args.runs, loads, out)
        if cache_rows:
            print("\n| native scan (`-o json`) | cache off (--no-cache) | cold cache (empty"
                  " folder each run) | warm cache | warm vs off (wall, CPU) |", file=out)
            print("|---|---|---|---|---|", file=out)
            for label, off, cold_, warm in cache_rows:
                cells = [f"{m.wall:.2f} s, {m.cpu:.2f} s CPU" for m in (off, cold_, warm)]
                cells.append(added(warm, off))
                print(f"| {label} | " + " | ".join(cells) + " |", file=out)
        say(f"floor (python start + json.load of the plan): {floor.wall:.2f} s wall, "
            f"{floor.cpu:.2f} s CPU; JSON report of the plan: "
            f"{report.stat().st_size / 1e6:.1f} MB")
        for label, got in rows:
            if label.startswith("(c)"):
                say(f"hds-iac scan -o json of the plan (cold): "
                    f"{got['cold'].wall / floor.wall:.1f}x the floor (wall), "
                    f"{got['cold'].cpu / floor.cpu:.1f}x (CPU)")
    os.environ.pop("PYTHONPYCACHEPREFIX", None)  # its folder is gone with the inputs
    os.environ.pop("HDS_IAC_CACHE_DIR", None)  # so is the parse cache's
    if not args.no_hostile:
        hostile(hds + ["--no-cache"], args.hostile_timeout, int(args.hostile_memory * 2**30))
    return 0


if __name__ == "__main__":
    sys.exit(main())
