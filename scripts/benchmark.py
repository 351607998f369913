#!/usr/bin/env python3
"""Benchmark `hds-iac scan` on generated inputs: wall time and peak memory.

Not a test: run it by hand and note the figures on the issue.

    python scripts/benchmark.py                 # 5,000-resource plan + 300-file HCL tree
    python scripts/benchmark.py --runs 5 --checkov /path/to/checkov

Inputs are generated into a temporary folder (never committed). Each scan runs in its
own process; the median of --runs runs is printed, with the peak resident memory of the
process (ru_maxrss). With --checkov, checkov runs on the same inputs for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, exit status of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench(label: str, cmd: list[str], runs: int) -> None:
    results = [measure(cmd) for _ in range(runs)]
    walls = [r[0] for r in results]
    peak = max(r[1] for r in results)
    print(f"{label:<46} median {statistics.median(walls):7.2f} s   min {min(walls):6.2f} s"
          f"   peak {peak:7.1f} MiB   exit {results[-1][2]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plan-resources", type=int, default=5000)
    parser.add_argument("--hcl-files", type=int, default=300)
    parser.add_argument("--checkov", help="path to a checkov executable to compare with")
    args = parser.parse_args()
    hds = [sys.executable, "-m", "hds_iac.cli", "scan", "-o", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        plan, tree = Path(tmp) / "plan.json", Path(tmp) / "tree"
        make_plan(plan, args.plan_resources)
        make_tree(tree, args.hcl_files)
        nfiles = sum(1 for _ in tree.rglob("*.tf"))
        print(f"inputs: plan with {args.plan_resources} resources "
              f"({plan.stat().st_size / 1e6:.1f} MB), HCL tree of {nfiles} files; {args.runs} runs")
        bench(f"hds-iac scan plan ({args.plan_resources} resources)", hds + [str(plan)], args.runs)
        bench(f"hds-iac scan HCL tree ({nfiles} files)", hds + [str(tree)], args.runs)
        bench("hds-iac scan one module folder", hds + [str(tree / "service00")], args.runs)
        if args.checkov:
            base = [args.checkov, "--quiet", "--compact", "-o", "json"]
            bench("checkov -f plan", base + ["-f", str(plan), "--framework", "terraform_plan"],
                  args.runs)
            bench("checkov -d HCL tree", base + ["-d", str(tree), "--framework", "terraform"],
                  args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
