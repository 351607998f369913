"""Findings point at the attribute that decided them (issue 11): `encrypted = false` on its
own line in SARIF, the terminal and JSON, with the resource's range kept; "not set" when
the default decided; the attribute path without a line for plans; checkov's form of it."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from hds_iac import scan
from hds_iac.model import SourceAttribute
from hds_iac.output import json_report, sarif, text

HCL = textwrap.dedent("""\
    provider "aws" {
      region = "eu-west-3"
    }

    resource "aws_ebs_volume" "v" {
      availability_zone = "eu-west-3a"
      size              = 10
      /* a block comment
         encrypted = true */
      encrypted = false
    }

    resource "aws_instance" "i" {
      ami               = "ami-1"
      instance_type     = "t3.micro"
      availability_zone = "eu-west-3a"
      root_block_device {
        volume_size = 8
      }
      ebs_block_device {
        device_name = "/dev/sdb"
        encrypted   = true
      }
      ebs_block_device {
        device_name = "/dev/sdc"
        encrypted   = false
      }
    }

    resource "aws_db_instance" "db" {
      engine                  = "postgres"
      instance_class          = "db.t3.micro"
      storage_encrypted       = true
      backup_retention_period = 0
    }
    """)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("attr")
    (root / "main.tf").write_text(HCL)
    return scan.scan([str(root)])


def _finding(result, rule_id, address):
    found = [f for f in result.findings if f.rule_id == rule_id and f.resource.address == address]
    assert len(found) == 1, [(f.rule_id, f.resource.address) for f in result.findings]
    return found[0]


def test_hcl_finding_points_at_the_deciding_line(result):
    volume = _finding(result, "HDS-ENC-001", "aws_ebs_volume.v")
    assert volume.status == "fail"
    assert volume.attribute == SourceAttribute("encrypted", 10, True)
    assert volume.line == 10 and volume.resource.origin.line == 5
    assert volume.resource.origin.end_line == 11
    retention = _finding(result, "HDS-BAK-001", "aws_db_instance.db")
    assert (retention.attribute.path, retention.line) == ("backup_retention_period", 34)
    assert _finding(result, "HDS-ENC-002", "aws_db_instance.db").line == 33


def test_a_repeated_nested_block_is_told_apart(result):
    machine = _finding(result, "HDS-ENC-001", "aws_instance.i")
    # The root disk says nothing (the account default decides): "not set", no line; the
    # second EBS block's `encrypted = false` is on line 26.
    assert machine.attributes == (SourceAttribute("root_block_device.encrypted", None, False),
                                  SourceAttribute("ebs_block_device[1].encrypted", 26, True))
    assert machine.line == 26
    assert machine.evaluated_keys() == ["root_block_device/[0]/encrypted",
                                        "ebs_block_device/[1]/encrypted"]


def test_a_default_points_at_the_resource_and_says_not_set(result):
    multi_az = _finding(result, "HDS-AZ-001", "aws_db_instance.db")
    assert multi_az.attribute == SourceAttribute("multi_az", None, False)
    assert multi_az.line == multi_az.resource.origin.line == 30
    assert multi_az.attribute_note() == " (multi_az: not set)"
    assert multi_az.attribute_note("fr") == " (multi_az: non défini)"


def test_sarif_region_is_the_attribute_and_context_the_resource(result):
    doc = json.loads(sarif.render(result))
    results = [r for r in doc["runs"][0]["results"]
               if r["ruleId"] == "HDS-ENC-001" and "aws_ebs_volume.v" in r["message"]["text"]]
    physical = results[0]["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 10}
    assert physical["contextRegion"] == {"startLine": 5, "endLine": 11}
    assert results[0]["properties"]["attributes"] == [
        {"path": "encrypted", "set": True, "line": 10}]
    assert results[0]["message"]["text"].startswith("aws_ebs_volume.v (encrypted): ")


def test_terminal_and_json_show_the_attribute(result):
    out = text.render(result)
    assert "aws_ebs_volume.v (encrypted) (main.tf:10): " in out
    assert "aws_db_instance.db (multi_az: not set) (main.tf:30): " in out
    doc = json.loads(json_report.render(result))
    volume = next(f for f in doc["findings"] if f["rule_id"] == "HDS-ENC-001"
                  and f["resource"]["address"] == "aws_ebs_volume.v")
    assert volume["attributes"] == [{"path": "encrypted", "set": True, "line": 10}]
    assert (volume["resource"]["line"], volume["resource"]["end_line"]) == (5, 11)


def test_a_plan_gives_the_attribute_path_without_a_line(tmp_path):
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{
            "address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume",
            "name": "v", "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {"availability_zone": "eu-west-3a", "encrypted": False, "size": 10},
        }]}},
        "configuration": {"provider_config": {"aws": {
            "name": "aws", "expressions": {"region": {"constant_value": "eu-west-3"}}}}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    run = subprocess.run([sys.executable, "-m", "hds_iac.cli", "scan", str(path), "-o", "sarif"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    results = [r for r in json.loads(run.stdout)["runs"][0]["results"]
               if r["ruleId"] == "HDS-ENC-001"]
    assert results and results[0]["properties"]["attributes"] == [
        {"path": "encrypted", "set": True}]
    assert "region" not in results[0]["locations"][0].get("physicalLocation", {})


def test_checkov_key_form():
    assert SourceAttribute("encrypted").checkov_key() == "encrypted"
    assert SourceAttribute(
        "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default"
        ".sse_algorithm").checkov_key() == (
        "server_side_encryption_configuration/[0]/rule/[0]/"
        "apply_server_side_encryption_by_default/[0]/sse_algorithm")


def test_identity_settings_point_at_their_attribute(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        provider "outscale" {
          api {
            region = "eu-west-2"
          }
        }

        resource "outscale_api_access_policy" "account" {
          max_access_key_expiration_seconds = 0
          require_trusted_env               = false
        }

        resource "aws_cognito_user_pool" "pool" {
          name = "patients"
        }
        """))
    found = {f.rule_id: f for f in scan.scan([str(tmp_path)]).findings}
    assert (found["HDS-MFA-004"].status, found["HDS-MFA-004"].line) == ("fail", 9)
    assert found["HDS-MFA-004"].attribute.path == "require_trusted_env"
    assert (found["HDS-KEY-001"].status, found["HDS-KEY-001"].line) == ("fail", 8)
    pool = found["HDS-MFA-003"]
    assert pool.status == "fail"
    assert pool.attribute == SourceAttribute("mfa_configuration", None, False)
    assert pool.line == 12


BUCKET_POLICY = textwrap.dedent("""\
    resource "aws_s3_bucket_policy" "records" {
      bucket = aws_s3_bucket.records.id
      # allows reads, denies nothing over plain HTTP
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",
                       Resource = "${aws_s3_bucket.records.arn}/*" }]
      })
    }
    """)


@pytest.fixture(scope="module")
def policy_result(tmp_path_factory):
    root = tmp_path_factory.mktemp("held")
    (root / "main.tf").write_text('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
                                  'resource "aws_s3_bucket" "records" {\n  bucket = "records"\n}\n')
    (root / "policy.tf").write_text(BUCKET_POLICY)
    return scan.scan([str(root)], rule_ids=["HDS-TLS-005"])


def test_a_value_held_by_another_resource_points_at_that_resource(policy_result):
    # The bucket is judged; its https-only policy is a separate aws_s3_bucket_policy in
    # another file: the finding points at that resource's `policy` line, in its file.
    (bucket,) = policy_result.findings
    assert (bucket.resource.address, bucket.status) == ("aws_s3_bucket.records", "fail")
    assert (bucket.file, bucket.line) == ("policy.tf", 4)
    assert bucket.resource.origin.file == "main.tf"
    assert "aws_s3_bucket.records (aws_s3_bucket_policy.records: policy) (policy.tf:4): " \
        in text.render(policy_result)
    doc = json.loads(sarif.render(policy_result))
    (res,) = doc["runs"][0]["results"]
    physical = res["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "policy.tf"
    assert physical["region"] == {"startLine": 4}
    assert "contextRegion" not in physical  # the bucket's block is in another file
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "aws_s3_bucket.records"
    (finding,) = json.loads(json_report.render(policy_result))["findings"]
    assert finding["attributes"] == [{"path": "policy", "set": True, "line": 4,
                                      "address": "aws_s3_bucket_policy.records",
                                      "file": "policy.tf"}]
    assert bucket.evaluated_keys() == []  # not a key of the checked bucket


def test_a_separate_ingress_rule_is_where_the_group_finding_points(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        provider "aws" {
          region = "eu-west-3"
        }

        resource "aws_security_group" "ftp" {
          name = "ftp"
        }
        """))
    (tmp_path / "rules.tf").write_text(textwrap.dedent("""\
        resource "aws_vpc_security_group_ingress_rule" "ftp" {
          security_group_id = aws_security_group.ftp.id
          ip_protocol       = "tcp"
          from_port         = 21
          to_port           = 21
          cidr_ipv6         = "::/0"
        }
        """))
    result = scan.scan([str(tmp_path)], rule_ids=["HDS-TLS-006"])
    (group,) = result.findings
    assert (group.resource.address, group.status) == ("aws_security_group.ftp", "fail")
    assert (group.file, group.line) == ("rules.tf", 6)  # the CIDR that opens it to all
    assert group.attribute.address == "aws_vpc_security_group_ingress_rule.ftp"
    assert "aws_security_group.ftp (aws_vpc_security_group_ingress_rule.ftp: cidr_ipv6" \
        in text.render(result)
    assert "(rules.tf:6): " in text.render(result)
    assert group.evaluated_keys() == []
