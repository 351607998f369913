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


# --- values held by other resources: ELB policies, flow logs, vault locks, login profiles ---

HELD_MAIN = textwrap.dedent("""\
    provider "aws" {
      region = "eu-west-3"
    }

    resource "aws_elb" "legacy" {
      name    = "legacy"
      subnets = ["subnet-1", "subnet-2"]
      listener {
        lb_port            = 443
        lb_protocol        = "https"
        instance_port      = 80
        instance_protocol  = "http"
        ssl_certificate_id = "arn:aws:acm:eu-west-3:123456789012:certificate/x"
      }
    }

    resource "aws_vpc" "main" {
      cidr_block = "10.0.0.0/16"
    }

    resource "aws_vpc" "quiet" {
      cidr_block = "10.1.0.0/16"
    }

    resource "aws_backup_vault" "records" {
      name = "records"
    }

    resource "aws_iam_user" "alice" {
      name = "alice"
    }
    """)

HELD_OTHERS = textwrap.dedent("""\
    resource "aws_load_balancer_policy" "tls" {
      load_balancer_name = aws_elb.legacy.name
      policy_name        = "tls"
      policy_type_name   = "SSLNegotiationPolicyType"

      policy_attribute {
        name  = "ConnectionDrainingTimeout"
        value = "30"
      }
      policy_attribute {
        name  = "Reference-Security-Policy"
        value = "ELBSecurityPolicy-2015-05"
      }
    }

    resource "aws_load_balancer_listener_policy" "tls" {
      load_balancer_name = aws_elb.legacy.name
      load_balancer_port = 443
      policy_names       = [aws_load_balancer_policy.tls.policy_name]
    }

    resource "aws_flow_log" "main" {
      vpc_id          = aws_vpc.main.id
      traffic_type    = "REJECT"
      log_destination = "arn:aws:s3:::logs"
    }

    resource "aws_flow_log" "quiet" {
      vpc_id          = aws_vpc.quiet.id
      log_destination = "arn:aws:s3:::logs"
    }

    resource "aws_backup_vault_lock_configuration" "records" {
      backup_vault_name  = var.vault_name
      min_retention_days = 7
    }

    resource "aws_iam_user_login_profile" "alice" {
      user = aws_iam_user.alice.name
    }
    """)

# (rule, judged resource, status, holder, its attribute, line in others.tf)
HELD = [
    ("HDS-TLS-002", "aws_elb.legacy", "fail", "aws_load_balancer_policy.tls",
     "policy_attribute[1].value", 12),
    ("HDS-LOG-004", "aws_vpc.main", "fail", "aws_flow_log.main", "traffic_type", 24),
    # The lock names its vault by a variable without a value: it may lock this vault.
    ("HDS-BAK-005", "aws_backup_vault.records", "unknown",
     "aws_backup_vault_lock_configuration.records", "backup_vault_name", 34),
    ("HDS-MFA-001", "aws_iam_user.alice", "fail", "aws_iam_user_login_profile.alice", "user", 39),
]
HELD_RULES = sorted({row[0] for row in HELD})


@pytest.fixture(scope="module")
def held_result(tmp_path_factory):
    root = tmp_path_factory.mktemp("held_others")
    (root / "main.tf").write_text(HELD_MAIN)
    (root / "others.tf").write_text(HELD_OTHERS)
    return scan.scan([str(root)], rule_ids=HELD_RULES)


@pytest.mark.parametrize("rule_id, address, status, holder, path, line", HELD,
                         ids=[row[0] for row in HELD])
def test_a_separate_resource_deciding_the_value_is_where_the_finding_points(
        held_result, rule_id, address, status, holder, path, line):
    finding = _finding(held_result, rule_id, address)
    assert finding.status == status
    assert (finding.file, finding.line) == ("others.tf", line)
    assert finding.resource.origin.file == "main.tf"
    assert f"{address} ({holder}: {path}) (others.tf:{line}): " in text.render(held_result)
    sarif_doc = json.loads(sarif.render(held_result))
    (res,) = [r for r in sarif_doc["runs"][0]["results"] if r["ruleId"] == rule_id
              and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address]
    physical = res["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "others.tf"
    assert physical["region"] == {"startLine": line}
    (found,) = [f for f in json.loads(json_report.render(held_result))["findings"]
                if f["rule_id"] == rule_id and f["resource"]["address"] == address]
    assert found["attributes"][0] == {"path": path, "set": True, "line": line,
                                      "address": holder, "file": "others.tf"}
    assert finding.evaluated_keys() == []  # not keys of the checked resource


def test_an_unset_attribute_of_the_holder_points_at_the_holder(held_result):
    # The flow log says no traffic type: unknown, and the place to write it is that flow
    # log's block (line 28), not the VPC's.
    quiet = _finding(held_result, "HDS-LOG-004", "aws_vpc.quiet")
    assert quiet.status == "unknown"
    assert quiet.attributes == (SourceAttribute("traffic_type", 28, False,
                                                "aws_flow_log.quiet", "others.tf"),)
    assert (quiet.file, quiet.line) == ("others.tf", 28)
    assert "aws_vpc.quiet (aws_flow_log.quiet: traffic_type: not set) (others.tf:28): " \
        in text.render(held_result)


def test_a_policy_enforcing_mfa_is_where_a_passing_user_points(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        resource "aws_iam_user" "bob" {
          name = "bob"
        }

        resource "aws_iam_user_login_profile" "bob" {
          user = aws_iam_user.bob.name
        }

        resource "aws_iam_user_policy" "mfa" {
          user   = aws_iam_user.bob.name
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{ Effect = "Deny", NotAction = "iam:*", Resource = "*",
              Condition = { BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" } } }]
          })
        }
        """))
    (bob,) = scan.scan([str(tmp_path)], rule_ids=["HDS-MFA-001"]).findings
    assert bob.status == "pass"
    assert [(a.address, a.path, a.line) for a in bob.attributes] == [
        ("aws_iam_user_policy.mfa", "policy", 11),
        ("aws_iam_user_login_profile.bob", "user", 6)]
    assert bob.line == 11


def _plan(values: dict[str, dict], refs: dict[str, dict[str, list[str]]]) -> dict:
    """A plan as `terraform show -json` writes it, in eu-west-3: `values` by address (what
    is known at plan time), `refs` the attributes that are references (unknown until apply)."""
    aws = "registry.terraform.io/hashicorp/aws"
    planned, changes, config = [], [], []
    for address, after in values.items():
        rtype, name = address.split(".")
        common = {"address": address, "mode": "managed", "type": rtype, "name": name,
                  "provider_name": aws}
        planned.append({**common, "values": after})
        unknown = {attr: True for attr in refs.get(address, {})}
        changes.append({**common, "change": {"actions": ["create"], "before": None,
                                             "after": after, "after_unknown": unknown}})
        config.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                       "provider_config_key": "aws", "expressions": {
                           attr: {"references": r} for attr, r in refs.get(address, {}).items()}})
    return {"format_version": "1.2", "terraform_version": "1.11.4",
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {
                "name": "aws", "full_name": aws,
                "expressions": {"region": {"constant_value": "eu-west-3"}}}},
                "root_module": {"resources": config}}}


def _held_plan() -> dict:
    """The HCL scenario above as a plan: names known at plan time are values, the VPC id
    is a reference."""
    return _plan({
        "aws_elb.legacy": {"name": "legacy", "subnets": ["subnet-1", "subnet-2"], "listener": [
            {"lb_port": 443, "lb_protocol": "https", "instance_port": 80,
             "instance_protocol": "http",
             "ssl_certificate_id": "arn:aws:acm:eu-west-3:123456789012:certificate/x"}]},
        "aws_load_balancer_policy.tls": {
            "load_balancer_name": "legacy", "policy_name": "tls",
            "policy_type_name": "SSLNegotiationPolicyType", "policy_attribute": [
                {"name": "ConnectionDrainingTimeout", "value": "30"},
                {"name": "Reference-Security-Policy", "value": "ELBSecurityPolicy-2015-05"}]},
        "aws_load_balancer_listener_policy.tls": {
            "load_balancer_name": "legacy", "load_balancer_port": 443, "policy_names": ["tls"]},
        "aws_vpc.main": {"cidr_block": "10.0.0.0/16"},
        "aws_flow_log.main": {"traffic_type": "REJECT", "log_destination": "arn:aws:s3:::logs"},
        "aws_backup_vault.records": {"name": "records"},
        "aws_backup_vault_lock_configuration.records": {"backup_vault_name": "records",
                                                        "min_retention_days": 7},
        "aws_iam_user.alice": {"name": "alice"},
        "aws_iam_user_login_profile.alice": {"user": "alice"},
    }, {"aws_flow_log.main": {"vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]}})


def test_a_plan_names_the_holder_without_a_line(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_held_plan()))
    result = scan.scan([str(path)], rule_ids=HELD_RULES)
    sarif_results = json.loads(sarif.render(result))["runs"][0]["results"]
    findings = json.loads(json_report.render(result))["findings"]
    for rule_id, address, status, holder, path_, _ in HELD:
        # The plan's lock names the vault: it passes (SARIF keeps no passing result).
        status = "pass" if rule_id == "HDS-BAK-005" else status
        (found,) = [f for f in findings
                    if f["rule_id"] == rule_id and f["resource"]["address"] == address]
        assert found["status"] == status
        assert found["attributes"][0] == {"path": path_, "set": True, "address": holder,
                                          "file": "plan.json"}, rule_id
        results = [r for r in sarif_results if r["ruleId"] == rule_id and r["locations"][0][
            "logicalLocations"][0]["fullyQualifiedName"] == address]
        assert len(results) == (status != "pass")
        for res in results:
            assert res["properties"]["attributes"][0]["address"] == holder
            assert "region" not in res["locations"][0]["physicalLocation"]


# --- a volume's backup coverage: the selection of another resource decides (HDS-BAK-004) ---

COVERED_MAIN = textwrap.dedent("""\
    provider "aws" {
      region = "eu-west-3"
    }

    resource "aws_ebs_volume" "documents" {
      availability_zone = "eu-west-3a"
      size              = 200
      tags = {
        backup = "daily"
      }
    }

    resource "aws_ebs_volume" "pacs" {
      availability_zone = "eu-west-3b"
      size              = 50
    }

    resource "aws_ebs_volume" "records" {
      availability_zone = "eu-west-3b"
      size              = 50
      tags = {
        tier = "gold"
      }
    }

    resource "aws_ebs_volume" "scratch" {
      availability_zone = "eu-west-3a"
      size              = 10
    }
    """)

COVERED_BACKUP = textwrap.dedent("""\
    resource "aws_backup_plan" "daily" {
      name = "daily"
      rule {
        rule_name         = "daily"
        target_vault_name = "vault"
        schedule          = "cron(0 3 * * ? *)"
      }
    }

    resource "aws_backup_selection" "tagged" {
      name         = "tagged"
      plan_id      = aws_backup_plan.daily.id
      iam_role_arn = "arn:aws:iam::123456789012:role/aws-backup"
      selection_tag {
        type  = "STRINGEQUALS"
        key   = "backup"
        value = "daily"
      }
    }

    resource "aws_backup_selection" "listed" {
      name         = "listed"
      plan_id      = aws_backup_plan.daily.id
      iam_role_arn = "arn:aws:iam::123456789012:role/aws-backup"
      resources    = [aws_ebs_volume.pacs.arn]
    }

    resource "aws_backup_selection" "tier" {
      name         = "tier"
      plan_id      = aws_backup_plan.daily.id
      iam_role_arn = "arn:aws:iam::123456789012:role/aws-backup"
      condition {
        string_equals {
          key   = "aws:ResourceTag/tier"
          value = var.tier
        }
      }
    }
    """)

# (volume, status, selection, its attribute, line in backup.tf)
COVERED = [
    ("aws_ebs_volume.documents", "pass", "aws_backup_selection.tagged", "selection_tag.value", 17),
    ("aws_ebs_volume.pacs", "pass", "aws_backup_selection.listed", "resources", 25),
    # The tier the selection wants is a variable without a value: it may select the volume.
    ("aws_ebs_volume.records", "unknown", "aws_backup_selection.tier",
     "condition.string_equals.value", 35),
]


def test_a_backup_selection_covering_a_volume_is_where_the_finding_points(tmp_path):
    (tmp_path / "main.tf").write_text(COVERED_MAIN)
    (tmp_path / "backup.tf").write_text(COVERED_BACKUP)
    result = scan.scan([str(tmp_path)], rule_ids=["HDS-BAK-004"])
    findings = json.loads(json_report.render(result))["findings"]
    sarif_results = json.loads(sarif.render(result))["runs"][0]["results"]
    for address, status, holder, path, line in COVERED:
        finding = _finding(result, "HDS-BAK-004", address)
        assert finding.status == status
        assert (finding.file, finding.line) == ("backup.tf", line), address
        assert finding.evaluated_keys() == []
        (found,) = [f for f in findings if f["resource"]["address"] == address]
        assert found["attributes"] == [{"path": path, "set": True, "line": line,
                                        "address": holder, "file": "backup.tf"}]
        in_sarif = [r for r in sarif_results if r["locations"][0]["logicalLocations"][0][
            "fullyQualifiedName"] == address]
        assert len(in_sarif) == (status != "pass")  # SARIF keeps no passing result
        for res in in_sarif:
            physical = res["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == "backup.tf"
            assert physical["region"] == {"startLine": line}
    assert "aws_ebs_volume.records (aws_backup_selection.tier: condition.string_equals.value) " \
        "(backup.tf:35): " in text.render(result)
    # No selection covers it: an absence, held by no resource; the volume is the place.
    scratch = _finding(result, "HDS-BAK-004", "aws_ebs_volume.scratch")
    assert (scratch.status, scratch.attributes) == ("fail", ())
    assert (scratch.file, scratch.line) == ("main.tf", 26)


def test_a_plan_names_the_covering_selection(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan({
        "aws_ebs_volume.documents": {"availability_zone": "eu-west-3a", "size": 200,
                                     "tags": {"backup": "daily"}},
        "aws_ebs_volume.pacs": {"availability_zone": "eu-west-3b", "size": 50},
        "aws_backup_selection.tagged": {"name": "tagged", "iam_role_arn": "arn:aws:iam::1:role/b",
                                        "selection_tag": [{"type": "STRINGEQUALS",
                                                           "key": "backup", "value": "daily"}]},
        "aws_backup_selection.listed": {"name": "listed", "iam_role_arn": "arn:aws:iam::1:role/b"},
        "aws_dlm_lifecycle_policy.hourly": {"state": "ENABLED", "policy_details": [{
            "resource_types": ["VOLUME"], "target_tags": {"backup": "daily"}}]},
    }, {"aws_backup_selection.listed": {"resources": ["aws_ebs_volume.pacs.arn",
                                                      "aws_ebs_volume.pacs"]}})))
    result = scan.scan([str(path)], rule_ids=["HDS-BAK-004"])
    got = {f["resource"]["address"]: (f["status"], f.get("attributes"))
           for f in json.loads(json_report.render(result))["findings"]}
    # The first plan that covers the volume decides: the selection before the DLM policy.
    assert got == {
        "aws_ebs_volume.documents": ("pass", [{"path": "selection_tag.value", "set": True,
                                               "address": "aws_backup_selection.tagged",
                                               "file": "plan.json"}]),
        "aws_ebs_volume.pacs": ("pass", [{"path": "resources", "set": True,
                                          "address": "aws_backup_selection.listed",
                                          "file": "plan.json"}])}
