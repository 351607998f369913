"""The hds-iac command lines of the example manifests in deploy/ (Kubernetes, GitHub
Actions), as argument lists, with the variables the scheduler would expand filled in."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def containers(doc: dict) -> list[dict]:
    """The containers of a Job or CronJob manifest."""
    spec = doc["spec"]
    job = spec["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else spec
    return job["template"]["spec"]["containers"]


def expand(text: str, values: dict[str, str]) -> str:
    """Kubernetes' `$(VAR)` and GitHub's `${{ expr }}`, from `values` (the expression's last
    name: `matrix.shard` -> "shard")."""
    text = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: values[m.group(1)], text)
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: values[m.group(1).split(".")[-1]], text)


def container_commands(container: dict, values: dict[str, str]) -> list[list[str]]:
    """hds-iac argument lists of one container: its args (the image's entrypoint is
    hds-iac), or each `hds-iac ...` of its `sh -c` script."""
    if container.get("command") in (None, ["hds-iac"]):
        return [[expand(a, values) for a in container["args"]]]
    assert container["command"] == ["/bin/sh", "-c"], container["command"]
    return script_commands(container["args"][0], values)


def script_commands(script: str, values: dict[str, str]) -> list[list[str]]:
    """Each `hds-iac ...` command of a shell script (commands joined with && or newlines)."""
    out = []
    for part in re.split(r"&&|\n(?=\S)", expand(script, values)):
        words = shlex.split(part)
        if words and words[0] == "hds-iac":
            out.append(words[1:])
    return out


def workflow_commands(doc: dict, values: dict[str, str]) -> list[list[str]]:
    """Every hds-iac command of a GitHub Actions workflow's `run` steps."""
    out = []
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                out += script_commands(step["run"], values)
    return out
