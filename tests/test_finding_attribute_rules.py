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
import json
import re

import pytest

from conftest import FIXTURES
from hds_iac import scan
from hds_iac.engine import Finding
from hds_iac.output import sarif, text

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
    # --- encryption at rest: keys, rotation, snapshots and images --------------------------
    ("HDS-ENC-003/aws-fail", "aws_db_instance.patients", "fail", [("kms_key_id", NOT_SET)]),
    ("HDS-ENC-003/aws-unknown-encryption", "aws_ebs_volume.data", "unknown",
     [("encrypted", "encrypted")]),
    ("HDS-ENC-004/aws-fail", "aws_kms_key.backups", "fail", [("enable_key_rotation", NOT_SET)]),
    ("HDS-ENC-004/aws-fail", "aws_kms_key.logs", "fail",
     [("enable_key_rotation", "enable_key_rotation *= *false")]),
    ("HDS-ENC-004/aws-fail", "aws_kms_key.data", "unknown",
     [("enable_key_rotation", "enable_key_rotation")]),
    ("HDS-ENC-005/aws-fail", "aws_ebs_snapshot.scans", "fail", [("volume_id", "volume_id")]),
    ("HDS-ENC-005/aws-fail", "aws_ebs_snapshot_copy.scans_copy", "fail", [("encrypted", NOT_SET)]),
    ("HDS-ENC-005/aws-fail", "aws_ami_from_instance.pacs", "fail",
     [("source_instance_id", "source_instance_id")]),
    ("HDS-ENC-005/aws-fail", "aws_db_cluster_snapshot.dpi", "fail",
     [("db_cluster_identifier", "db_cluster_identifier")]),
    # --- location of copies ------------------------------------------------------------------
    ("HDS-LOC-002/aws-fail", "aws_backup_plan.daily", "fail",
     [("rule.copy_action.destination_vault_arn", "destination_vault_arn")]),
    ("HDS-LOC-002/aws-fail", "aws_ebs_snapshot_copy.weekly", "fail",
     [("source_region", "source_region")]),
    ("HDS-LOC-002/aws-unknown", "aws_dynamodb_table.prescriptions", "unknown",
     [("replica.region_name", "region_name")]),
    ("HDS-LOC-002/outscale-fail", "outscale_snapshot.dr_copy", "fail",
     [("source_region_name", "source_region_name")]),
    # --- traceability ----------------------------------------------------------------------
    ("HDS-LOG-001/aws-fail", "aws_cloudtrail.paris_only", "fail",
     [("is_multi_region_trail", NOT_SET), ("is_organization_trail", NOT_SET)]),
    ("HDS-LOG-001/aws-fail", "aws_cloudtrail.write_only", "fail",
     [("event_selector.read_write_type", 'read_write_type *= *"WriteOnly"')]),
    ("HDS-LOG-001/aws-fail", "aws_cloudtrail.stopped", "fail",
     [("enable_logging", "enable_logging *= *false")]),
    ("HDS-LOG-001/aws-unknown", "aws_cloudtrail.from_variable", "unknown",
     [("is_multi_region_trail", "is_multi_region_trail")]),
    ("HDS-LOG-002/aws-fail", "aws_cloudtrail.unvalidated", "fail",
     [("enable_log_file_validation", NOT_SET)]),
    ("HDS-LOG-002/aws-fail", "aws_cloudtrail.sse_s3", "fail", [("kms_key_id", NOT_SET)]),
    ("HDS-LOG-003/aws-fail", "aws_cloudtrail.to_london", "fail",
     [("s3_bucket_name", "s3_bucket_name")]),
    ("HDS-LOG-005/aws-fail", "aws_lb.silent", "fail", [("access_logs.enabled", NOT_SET)]),
    ("HDS-LOG-005/aws-unknown", "aws_lb.web", "unknown", [("access_logs.enabled", "enabled")]),
    ("HDS-LOG-006/aws-fail", "aws_db_instance.mysql", "fail",
     [("enabled_cloudwatch_logs_exports", "enabled_cloudwatch_logs_exports")]),
    ("HDS-LOG-006/aws-fail", "aws_docdb_cluster.documents", "fail",
     [("enabled_cloudwatch_logs_exports", NOT_SET)]),
    ("HDS-LOG-007/aws-fail", "aws_cloudwatch_log_group.app", "fail",
     [("retention_in_days", "retention_in_days")]),
    ("HDS-LOG-008/outscale-fail", "outscale_vm.scratch", "fail", [("tags.value", "value")]),
    # --- Outscale attestation tags (encryption) ----------------------------------------------
    ("HDS-ENC-001/outscale-fail", "outscale_vm.app", "fail", [("tags.value", 'value *= *"false"')]),
    # --- zones, backups, sharing, identity ---------------------------------------------------
    ("HDS-AZ-002/aws-fail", "aws_autoscaling_group.worker", "fail",
     [("vpc_zone_identifier", "vpc_zone_identifier")]),
    ("HDS-AZ-002/aws-fail", "aws_lb.internal", "fail", [("subnet_mapping.subnet_id", "subnet_id")]),
    ("HDS-AZ-002/outscale-fail", "outscale_load_balancer.api", "fail", [("subnets", "subnets")]),
    ("HDS-AZ-003/aws-fail", "aws_instance.dr_bastion", "fail",
     [("availability_zone", "availability_zone")]),
    ("HDS-AZ-003/aws-fail", "aws_instance.app[1]", "fail", [("subnet_id", "subnet_id")]),
    ("HDS-AZ-003/outscale-fail", "outscale_vm.back", "fail",
     [("placement_subregion_name", "placement_subregion_name")]),
    ("HDS-BAK-006/aws-fail", "aws_ami_launch_permission.public", "fail", [("group", "group")]),
    ("HDS-BAK-006/aws-fail", "aws_db_snapshot.dossiers", "fail",
     [("shared_accounts", "shared_accounts")]),
    ("HDS-BAK-006/outscale-fail", "outscale_snapshot_attributes.export_public", "fail",
     [("permissions_to_create_volume_additions.global_permission", "global_permission")]),
    ("HDS-MFA-002/aws-fail", "aws_iam_role.ops_admin", "fail",
     [("assume_role_policy", "assume_role_policy")]),
    ("HDS-MFA-005/aws-fail-defaults", "aws_iam_account_password_policy.expiry_only", "fail",
     [("minimum_password_length", NOT_SET), ("password_reuse_prevention", NOT_SET)]),
    ("HDS-MFA-005/aws-fail-short", "aws_iam_account_password_policy.short", "fail",
     [("minimum_password_length", "minimum_password_length")]),
    ("HDS-MFA-006/aws-fail", "aws_ec2_client_vpn_endpoint.support", "fail",
     [("authentication_options.type", 'type *= *"certificate-authentication"')]),
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


def test_a_region_the_resource_names_itself_is_where_hds_loc_001_points(tmp_path):
    """AWS provider 6.x: `region` on the resource overrides the provider's; a resource
    without one points at its own first line (the provider block is elsewhere)."""
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-3"\n}\n\n'
        'resource "aws_s3_bucket" "us" {\n  bucket = "us"\n  region = "us-east-1"\n}\n\n'
        'resource "aws_s3_bucket" "paris" {\n  bucket = "paris"\n}\n')
    found = {f.resource.address: f for f in scan.scan([str(tmp_path)], rule_ids=["HDS-LOC-001"])
             .findings}
    us, paris = found["aws_s3_bucket.us"], found["aws_s3_bucket.paris"]
    assert (us.status, us.line, [a.path for a in us.attributes]) == ("fail", 7, ["region"])
    assert (paris.status, paris.line, paris.attributes) == ("pass", 10, ())


def test_a_long_list_of_attributes_is_cut_in_one_line_outputs():
    """A VPN left to AWS's defaults fails on ten unset options: the terminal and the SARIF
    message name three and count the rest; the finding keeps all ten."""
    vpn = next(f for f in _findings("HDS-TLS-007/aws-fail-defaults")
               if f.resource.address == "aws_vpn_connection.clinic")
    assert len(vpn.attributes) == 10
    assert vpn.attribute_note() == (" (tunnel1_ike_versions: not set, tunnel1_phase1_integrity"
                                    "_algorithms: not set, tunnel1_phase1_dh_group_numbers: not"
                                    " set, +7 more)")
    assert vpn.attribute_note("fr").endswith("non défini, +7 autres)")


def test_sarif_and_terminal_point_at_the_attribute_of_a_rule_family():
    """SARIF's region is the attribute's line and contextRegion the resource's block; the
    terminal prints file:line of the attribute (HDS-TLS-001 here, the same code serves all)."""
    case = "HDS-TLS-001/aws-fail"
    result = scan.scan([str(FIXTURES / "rules" / case)], rule_ids=["HDS-TLS-001"])
    listener = next(f for f in result.findings if f.resource.address == "aws_lb_listener.http")
    line = _line_of(case, "aws_lb_listener.http", 'protocol *= *"HTTP"')
    origin = listener.resource.origin
    doc = json.loads(sarif.render(result))
    found = [r for r in doc["runs"][0]["results"]
             if r["message"]["text"].startswith("aws_lb_listener.http (protocol): ")]
    assert len(found) == 1
    physical = found[0]["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": line}
    assert physical["contextRegion"] == {"startLine": origin.line, "endLine": origin.end_line}
    case_file = origin.file
    assert case_file.endswith("main.tf")
    assert f"aws_lb_listener.http (protocol) ({case_file}:{line}): " in text.render(result)
