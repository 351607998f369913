"""What a plan scan imports (issue 11 speed: a plan's `-o json` scan close to the cost of
starting Python and reading the JSON): none of the HCL reader."""
from __future__ import annotations

import json
import subprocess
import sys

PLAN = "fixtures/rules/HDS-ENC-005/aws-plan/plan.json"


def test_a_plan_scan_imports_none_of_the_hcl_reader():
    code = ("import json, sys\n"
            "from hds_iac.cli import main\n"
            "try:\n"
            f"    main(['scan', {PLAN!r}, '-o', 'json'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "sys.stderr.write(json.dumps(sorted(sys.modules)))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    report = json.loads(run.stdout)
    assert report["inputs"][0]["kind"] == "plan" and report["findings"]  # the plan was judged
    modules = json.loads(run.stderr.strip().splitlines()[-1])
    assert [m for m in modules if m.startswith("hds_iac.terraform.hcl")] == []
    assert "uuid" not in modules  # the run reference: os.urandom


def test_a_folder_scan_opens_the_parse_cache_session(tmp_path, monkeypatch):
    """The parse cache's session (its entries written when the scan ends) is still opened
    for Terraform code, also for a .tf file named alone."""
    from hds_iac.cli import main
    from hds_iac.terraform.hcl import parse_cache

    opened = []
    real = parse_cache.session

    def session(off):
        opened.append(off)
        return real(off)

    monkeypatch.setattr(parse_cache, "session", session)
    (tmp_path / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n'
                                      '  availability_zone = "eu-west-3a"\n  size = 1\n}\n')
    for target, options in ((str(tmp_path), []), (str(tmp_path / "main.tf"), ["--no-cache"]),
                            (PLAN, ["--no-cache"]), (PLAN, [])):
        try:
            main(["scan", target, "-o", "json", *options])
        except SystemExit:
            pass
    assert opened == [False, True, True]
