#!/usr/bin/env python3
"""The share of `unknown` findings on a folder tree of real Terraform, by reason class.

    python scripts/unknown_share.py FOLDER [FOLDER...] [--examples N] [--json]

Every root module under each FOLDER is read the way `hds-iac scan FOLDER` reads it (no
--var-file, no TF_VAR_ values: as a reviewer would first see it) and judged by every rule;
the unknown findings are grouped by the class of their reason, so that what is left can be
told apart: values a careful reader resolves (a bug to fix) from values nobody can know
before `terraform init` / `apply` (modules not downloaded, unset variables, values known
only after apply). The classes are matched on the reason texts hds-iac writes; an
unmatched reason is counted as "other" and shown with --examples.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hds_iac.scan import scan  # noqa: E402 - after the path set-up above

# (class, pattern on the finding's message), first match wins; the order puts what the
# inputs cannot give (modules, variables, apply-time values) before what code could fix.
CLASSES: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern, re.I)) for name, pattern in (
    ("module not downloaded", r"was not read \(its source is not available\)|not downloaded|"
                              r"\bmodule\.[\w-]+(\[[^\]]*\])?(\.[\w-]+)? (are|is) not in this "
                              r"configuration"),
    ("unset variable", r"has no value \(no default|no value in the plan|not passed by the "
                       r"module call"),
    ("provider region from the environment", r"no region configured|sets no region|records no "
                                             r"region|region is not known|depends on the "
                                             r"region, which is unknown"),
    ("known only after apply", r"known only after apply|known after apply|read from the "
                               r"provider|not known before apply|data\.\S+ (are|is) not in "
                               r"this configuration|random_\w+\.\w+ is not in this"),
    ("resource outside the input", r"is not in this configuration|not in this input"),
    ("count/for_each not known", r"(count|for_each) (of .* )?is not known|instances of .* are "
                                 r"not known"),
    ("function not evaluated", r"function \S+ is not evaluated|not evaluated \(it could take"),
    ("policy built from other documents' json (not rendered)", r"source_policy_documents cannot "
                                                                r"be read"),
    ("TCP listener (TLS may end on the targets)", r"TCP listener passes the bytes"),
    ("federated through SAML (MFA at the identity provider)", r"federated through SAML"),
    ("engine or service default not in the tables", r"table of engine defaults|not in hds-iac's "
                                                    r"table|option group"),
    ("attestation or live-only fact", r"attest|cannot be verified from|only a live scan"),
    ("evaluation error", r"cannot evaluate|cannot parse|does not match its type"),
)]
OTHER = "other"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def classify(message: str) -> str:
    for name, pattern in CLASSES:
        if pattern.search(message):
            return name
    return OTHER


def clean(text: str, limit: int = 200) -> str:
    """A reason safe for a terminal: control characters shown escaped, length bounded."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + "..."


def measure(folders: list[str]) -> dict:
    result = scan(folders)
    statuses = Counter(f.verdict.status for f in result.findings)
    classes: Counter = Counter()
    examples: dict[str, Counter] = defaultdict(Counter)
    for finding in result.findings:
        if finding.verdict.status != "unknown":
            continue
        message = finding.message()
        name = classify(message)
        classes[name] += 1
        examples[name][f"{finding.rule_id}: {clean(message)}"] += 1
    total = sum(statuses.values())
    return {
        "folders": folders, "roots": len(result.inputs), "resources": result.resources,
        "findings": total, "by_status": dict(statuses),
        "unknown_share": round(statuses["unknown"] / total, 4) if total else 0.0,
        "unknown_by_class": dict(classes.most_common()),
        "examples": {k: [text for text, _ in v.most_common()] for k, v in examples.items()},
        "read_errors": len(result.errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", metavar="FOLDER")
    parser.add_argument("--examples", type=int, default=0, metavar="N",
                        help="show N example reasons per class")
    parser.add_argument("--json", action="store_true", help="print the measure as JSON")
    args = parser.parse_args(argv)
    for folder in args.folders:
        if not Path(folder).is_dir():
            print(f"unknown_share: {clean(folder)}: not a folder", file=sys.stderr)
            return 2
    data = measure(args.folders)
    if args.json:
        data["examples"] = {k: v[:args.examples] for k, v in data["examples"].items()}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    unknown = data["by_status"].get("unknown", 0)
    print(f"{data['roots']} root modules, {data['resources']} resources, {data['findings']} "
          f"findings: {unknown} unknown ({data['unknown_share']:.1%}), "
          f"{data['read_errors']} read errors")
    for name, count in data["unknown_by_class"].items():
        print(f"  {count:6d}  {count / unknown:6.1%}  {name}")
        for text in data["examples"][name][:args.examples]:
            print(f"            - {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
