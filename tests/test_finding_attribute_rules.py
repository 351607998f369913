"""Every rule family's findings point at the attribute that decided them (issue 11), on the
rule fixtures: the attribute's path, and its exact line (the first line at or after the
resource's header that holds the written value), or "not set" and the resource's own line
when a default decided. Scans run in-process, once per fixture case (fast: no CLI start).

Each row: (fixture case, address, status, [(attribute path, text on its line, or None
when the attribute is not set)]). The first attribute with a line is where the finding
points (`Finding.line`: SARIF region, CLI file:line); checkov's `evaluated_keys` are the
same paths (`SourceAttribute.checkov_key`)."""
from __future__ import annotations

import functools
import re

import pytest

from conftest import FIXTURES
from hds_iac import scan
from hds_iac.engine import Finding

NOT_SET = None

CASES = [
    # --- encryption in transit -----------------------------------------------------------
    ("HDS-TLS-001/aws-fail", "aws_lb_listener.http", "fail", [("protocol", 'protocol *= *"HTTP"')]),
    ("HDS-TLS-001/aws-fail", "aws_lb_listener.admin", "fail", [("protocol", NOT_SET)]),
    ("HDS-TLS-001/aws-fail", "aws_elb.legacy", "fail", [("listener.ssl_certificate_id", NOT_SET)]),
    ("HDS-TLS-001/outscale-fail", "outscale_load_balancer.portal", "fail",
     [("listeners[1].load_balancer_protocol", 'load_balancer_protocol *= *"HTTP"')]),
    ("HDS-TLS-002/aws-fail", "aws_lb_listener.https", "fail", [("ssl_policy", NOT_SET)]),
    ("HDS-TLS-002/aws-fail", "aws_lb_listener.partners", "fail", [("ssl_policy", "ssl_policy")]),
    ("HDS-TLS-002/aws-unknown", "aws_lb_listener.tls", "unknown", [("ssl_policy", "ssl_policy")]),
    ("HDS-TLS-003/aws-fail", "aws_cloudfront_distribution.portal", "fail",
     [("default_cache_behavior.viewer_protocol_policy", 'viewer_protocol_policy *= *"allow-all"'),
      ("origin.custom_origin_config.origin_protocol_policy", "origin_protocol_policy")]),
    ("HDS-TLS-004/aws-fail", "aws_db_instance.billing", "fail", [("parameter_group_name", NOT_SET)]),
    ("HDS-TLS-004/aws-fail", "aws_db_instance.reports", "unknown",
     [("parameter_group_name", "parameter_group_name")]),
    ("HDS-TLS-004/aws-fail", "aws_elasticache_replication_group.sessions", "fail",
     [("transit_encryption_enabled", NOT_SET)]),
    ("HDS-TLS-006/aws-fail", "aws_security_group.legacy", "fail",
     [("ingress.cidr_blocks", "cidr_blocks")]),
    ("HDS-TLS-006/aws-fail", "aws_security_group.ftp", "unknown",
     [("ingress.cidr_blocks", "cidr_blocks")]),
    ("HDS-TLS-007/aws-fail-weak", "aws_vpn_connection.lab", "fail",
     [("tunnel2_phase2_integrity_algorithms", "tunnel2_phase2_integrity_algorithms"),
      ("tunnel2_phase2_dh_group_numbers", "tunnel2_phase2_dh_group_numbers")]),
]


@functools.lru_cache(maxsize=None)
def _findings(case: str) -> tuple[Finding, ...]:
    rule = case.split("/")[0]
    result = scan.scan([str(FIXTURES / "rules" / case)], rule_ids=[rule])
    assert result.errors == []
    return tuple(f for f in result.findings if f.rule_id == rule)


def _line_of(case: str, address: str, text: str) -> int:
    """The first line matching `text` at or after the header of `address`'s block."""
    kind, name = address.split("[")[0].split(".")[-2:]
    header = re.compile(rf'^\s*resource\s+"{kind}"\s+"{name}"')
    for path in sorted((FIXTURES / "rules" / case).glob("*.tf")):
        lines = path.read_text().splitlines()
        start = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if start is None:
            continue
        for i in range(start, len(lines)):
            if re.search(text, lines[i]):
                return i + 1
    raise AssertionError(f"{text!r} not found in {address}'s block of {case}")


@pytest.mark.parametrize("case, address, status, attributes", CASES,
                         ids=[f"{c}:{a}" for c, a, _, _ in CASES])
def test_finding_points_at_its_deciding_attribute(case, address, status, attributes):
    found = [f for f in _findings(case) if f.resource.address == address]
    assert len(found) == 1, [(f.resource.address, f.status) for f in _findings(case)]
    finding = found[0]
    assert finding.status == status
    assert [a.path for a in finding.attributes] == [path for path, _ in attributes]
    for attribute, (_, text) in zip(finding.attributes, attributes):
        if text is NOT_SET:
            assert (attribute.set, attribute.line) == (False, None)
        else:
            assert attribute.set and attribute.line == _line_of(case, address, text)
    written = [a.line for a in finding.attributes if a.line is not None]
    # Where reports point: the first written attribute, else the resource ("not set").
    assert finding.line == (written[0] if written else finding.resource.origin.line)
    assert finding.evaluated_keys() == [a.checkov_key() for a in finding.attributes]
    if written:
        assert finding.resource.origin.line < finding.line <= finding.resource.origin.end_line
