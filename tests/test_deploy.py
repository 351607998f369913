"""deploy/: the container image definition and the example schedules.

Every hds-iac command in the manifests parses with hds-iac's own command line (the
organisation's Indexed Job and its merge job also run against moto in
test_live_aws_org.py); the Dockerfile runs as a non-root user with hds-iac as entrypoint
and installs exactly the pinned packages; the image is built only where a container tool
works (not on the machines these tests were written on: docker without a daemon).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from importlib import metadata

import pytest
import yaml

from deploy_manifests import (DEPLOY, REPO, container_commands, containers, documents,
                              workflow_commands)
from hds_iac import cli, command

MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
WORKFLOWS = sorted((DEPLOY / "github-actions").glob("*.yml"))
VALUES = {"SHARD": "3", "EXTERNAL_ID": "example-external-id", "shard": "2",
          "HDS_IAC_EXTERNAL_ID": "example-external-id"}


def _parse(argv: list[str]):
    """hds-iac's own parser, then the checks its commands make before any work."""
    try:
        args = cli.build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"not a valid hds-iac command: {argv} (exit {exc.code})")
    if getattr(args, "output", None) is not None and getattr(args, "output_file", None):
        if isinstance(args.output, list):
            command._pair_outputs([f for group in args.output for f in group], args.output_file)
    return args


def _all_commands() -> list[tuple[str, list[str]]]:
    found = []
    for path in MANIFESTS:
        for doc in documents(path):
            for container in containers(doc):
                found += [(path.name, argv) for argv in container_commands(container, VALUES)]
    for path in WORKFLOWS:
        found += [(path.name, argv) for argv in workflow_commands(
            yaml.safe_load(path.read_text()), VALUES)]
    return found


def test_the_examples_exist():
    names = {p.name for p in MANIFESTS + WORKFLOWS}
    assert names == {"cronjob-one-account.yaml", "indexed-job-organization.yaml",
                     "hds-iac-scheduled.yml"}
    commands = _all_commands()
    assert len(commands) == 6, commands  # cronjob, 4-shard pod, import + report, scan + report


@pytest.mark.parametrize("name,argv", _all_commands(), ids=lambda v: v if isinstance(v, str)
                         else " ".join(v[:2]))
def test_every_command_is_a_valid_hds_iac_command(name, argv):
    args = _parse(argv)
    assert args.command in ("live", "report", "history"), argv
    if args.command == "live":
        assert args.soft_fail, f"{name}: a failing finding would fail the scheduled job"
        assert args.no_progress


def test_sharded_examples_split_as_their_scheduler_does():
    """--shard I/N: N is the Indexed Job's completions and the CI matrix's size, and the
    merge steps read the N files the shards write."""
    job, merge = documents(DEPLOY / "kubernetes" / "indexed-job-organization.yaml")
    completions = job["spec"]["jobTemplate"]["spec"]["completions"]
    [argv] = container_commands(containers(job)[0], VALUES)
    assert _parse(argv).shard.count == completions
    assert _parse(argv).shard.index == int(VALUES["SHARD"])
    env = {e["name"]: e for e in containers(job)[0]["env"]}
    assert env["SHARD"]["valueFrom"]["fieldRef"]["fieldPath"] == (
        "metadata.annotations['batch.kubernetes.io/job-completion-index']")
    written = {f"/results/shard-{i}.json" for i in range(completions)}
    for argv in container_commands(containers(merge)[0], VALUES):
        assert written <= set(argv), argv
    workflow = yaml.safe_load(WORKFLOWS[0].read_text())
    shards = workflow["jobs"]["scan"]["strategy"]["matrix"]["shard"]
    scan, report = workflow_commands(workflow, VALUES)
    assert _parse(scan).shard.count == len(shards) == completions
    assert {f"shard-{i}.json" for i in shards} <= set(report)
    assert workflow.get("on", workflow.get(True))["schedule"]  # YAML 1.1 reads `on` as True


def _requirement_names(dist: str, extras: tuple[str, ...] = ()) -> set[str]:
    """The installed distribution's dependency closure on Linux (with `extras` at the top),
    as pip would install it in the image."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [(dist, extras)]
    while todo:
        name, wanted = todo.pop()
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker and not any(req.marker.evaluate({"extra": e, "sys_platform": "linux",
                                                           "platform_system": "Linux"})
                                      for e in (*wanted, "")):
                continue
            key = re.sub(r"[-_.]+", "-", req.name).lower()
            if key not in seen:
                seen.add(key)
                todo.append((req.name, tuple(req.extras)))
    return seen


def test_dockerfile_is_pinned_non_root_with_hds_iac_entrypoint():
    text = (DEPLOY / "Dockerfile").read_text()
    instructions = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    base = [ln for ln in instructions if ln.startswith("FROM ")]
    assert len(base) == 1 and re.fullmatch(r"FROM python:\d+\.\d+\.\d+-slim-\w+(@sha256:\w+)?",
                                           base[0]), base
    user = [ln for ln in instructions if ln.startswith("USER ")]
    assert user and user[-1] != "USER root" and not user[-1].startswith("USER 0")
    assert instructions[-2:] == ['ENTRYPOINT ["hds-iac"]', 'CMD ["--help"]']
    assert "pip install --no-deps -r /tmp/requirements.txt" in text
    assert "pip install --no-deps /src" in text
    pins = {}
    for line in (DEPLOY / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version and re.fullmatch(r"[\w.]+", version), line
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    needed = _requirement_names("hds-iac", ("aws", "outscale"))
    assert needed - set(pins) == set(), "runtime dependencies not pinned"
    assert set(pins) - needed == set(), "pinned packages hds-iac does not need"


def _container_tool() -> str | None:
    for tool in ("docker", "podman"):
        path = shutil.which(tool)
        if path and subprocess.run([path, "info"], capture_output=True,
                                   timeout=60).returncode == 0:
            return path
    return None


def test_image_builds_and_runs_as_non_root():
    tool = _container_tool()
    if tool is None:
        pytest.skip("no working container tool (docker/podman with a daemon): image not built")
    tag = "hds-iac-test:deploy"
    build = subprocess.run([tool, "build", "-f", "deploy/Dockerfile", "-t", tag, "."],
                           cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        rules = subprocess.run([tool, "run", "--rm", tag, "rules"], capture_output=True,
                               text=True, timeout=300)
        assert rules.returncode == 0 and "HDS-ENC-001" in rules.stdout, rules.stderr
        whoami = subprocess.run([tool, "run", "--rm", "--entrypoint", "id", tag, "-u"],
                                capture_output=True, text=True, timeout=300)
        assert whoami.stdout.strip() == "10001"
    finally:
        subprocess.run([tool, "rmi", "-f", tag], capture_output=True, timeout=300)
