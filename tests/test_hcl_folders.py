"""Reading Terraform folders: variables, locals, providers, modules, instances, references."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from hds_iac.model import Unknown
from hds_iac.terraform.hcl import find_roots, read_folder
from hds_iac.terraform.records import TfConfiguration, TfResource

DATA = Path(__file__).parent / "data" / "hcl"

AWS_PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def write(root: Path, tree: dict[str, str]) -> Path:
    for name, text in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def read(root: Path, *, var_files=(), variables=None, environ=None) -> TfConfiguration:
    return read_folder(str(root), str(root), var_files, variables or {}, environ=environ or {})


def by_address(config: TfConfiguration) -> dict[str, TfResource]:
    return {r.address: r for r in config.resources}


# --- variables ------------------------------------------------------------------------------


def test_variable_precedence_follows_terraform(tmp_path):
    names = ["dflt", "env", "tfvars", "tfvars_json", "auto_a", "auto_b", "var_file", "cli"]
    variables = "\n".join(f'variable "{n}" {{\n  default = "default"\n}}' for n in names)
    values = "\n".join(f'    {n} = var.{n}' for n in names)
    write(tmp_path, {
        "main.tf": variables + f'\nresource "null_resource" "r" {{\n  triggers = {{\n{values}\n  }}\n}}\n',
        "terraform.tfvars": "".join(f'{n} = "tfvars"\n' for n in names[2:]),
        "terraform.tfvars.json": json.dumps({n: "tfvars.json" for n in names[3:]}),
        "a.auto.tfvars": "".join(f'{n} = "auto_a"\n' for n in names[4:]),
        "b.auto.tfvars.json": json.dumps({n: "auto_b" for n in names[5:]}),
    })
    extra = tmp_path / "extra.tfvars"
    extra.write_text('var_file = "var_file"\ncli = "var_file"\n')
    config = read(tmp_path, var_files=[str(extra)], variables={"cli": "cli"},
                  environ={f"TF_VAR_{n}": "env" for n in names[1:]})
    assert config.errors == []
    triggers = config.resources[0].values["triggers"]
    assert triggers == {"dflt": "default", "env": "env", "tfvars": "tfvars",
                        "tfvars_json": "tfvars.json", "auto_a": "auto_a", "auto_b": "auto_b",
                        "var_file": "var_file", "cli": "cli"}


def test_unset_variable_is_unknown_with_the_reason_and_no_region_is_guessed(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "region" {}
        provider "aws" {
          region = var.region
        }
        resource "aws_ebs_volume" "v" {
          availability_zone = "${var.region}a"
        }
    """})
    rec = read(tmp_path).resources[0]
    reason = "var.region has no value (no default, not set in tfvars or --var)"
    assert rec.provider_region == Unknown(reason)
    assert rec.values["availability_zone"] == Unknown(reason)
    rec = read(tmp_path, variables={"region": "eu-west-3"}).resources[0]
    assert rec.provider_region == "eu-west-3"
    assert rec.values["availability_zone"] == "eu-west-3a"


def test_typed_variables_from_the_command_line_and_environment(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "zones" { type = list(string) }
        variable "n" { type = number }
        variable "on" { type = bool }
        variable "s" {}
        resource "null_resource" "r" {
          triggers = { zones = var.zones, n = var.n + 1, on = var.on, s = var.s }
        }
    """})
    config = read(tmp_path, variables={"zones": '["a", "b"]', "n": "2", "s": "[x]"},
                  environ={"TF_VAR_on": "true"})
    assert config.resources[0].values["triggers"] == {
        "zones": ["a", "b"], "n": 3, "on": True, "s": "[x]"}


def test_missing_var_file_is_an_error_and_the_folder_is_still_read(tmp_path):
    write(tmp_path, {"main.tf": 'resource "null_resource" "r" {}\n'})
    config = read(tmp_path, var_files=[str(tmp_path / "nope.tfvars")])
    assert [e.message for e in config.errors] == ["variables file not found"]
    assert len(config.resources) == 1


# --- locals, expressions, references -----------------------------------------------------------


def test_locals_interpolation_and_references_between_resources(tmp_path):
    write(tmp_path, {"main.tf": AWS_PROVIDER + """
        variable "region" { default = "eu-west-3" }
        locals {
          zones = ["${var.region}a", "${var.region}b"]
          multi = length(local.zones) > 1 ? true : false
        }
        resource "aws_subnet" "a" {
          vpc_id            = aws_vpc.main.id
          availability_zone = local.zones[0]
        }
        resource "aws_vpc" "main" {
          cidr_block = "10.0.0.0/16"
        }
        resource "aws_instance" "web" {
          subnet_id         = aws_subnet.a.id
          availability_zone = aws_subnet.a.availability_zone
          monitoring        = local.multi
        }
    """})
    recs = by_address(read(tmp_path))
    web = recs["aws_instance.web"]
    assert web.values["availability_zone"] == "eu-west-3a"
    assert web.values["subnet_id"] == Unknown("aws_subnet.a.id is known only after apply",
                                              refs=("aws_subnet.a",))
    assert web.values["monitoring"] is True
    assert recs["aws_subnet.a"].values["vpc_id"].refs == ("aws_vpc.main",)


def test_cycles_are_unknown_not_a_crash(tmp_path):
    write(tmp_path, {"main.tf": """
        locals {
          a = local.b
          b = local.a
        }
        resource "null_resource" "r" {
          triggers = { x = local.a }
        }
    """})
    value = read(tmp_path).resources[0].values["triggers"]["x"]
    assert isinstance(value, Unknown) and value.reason == "cycle: local.a depends on itself"


def test_jsonencode_policies_and_data_sources(tmp_path):
    write(tmp_path, {
        "main.tf": AWS_PROVIDER + """
        resource "aws_s3_bucket" "b" {
          bucket = "docs"
        }
        resource "aws_s3_bucket_policy" "p" {
          bucket = aws_s3_bucket.b.id
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Deny"
              Principal = "*"
              Action    = "s3:*"
              Resource  = "arn:aws:s3:::docs/*"
              Condition = { Bool = { "aws:SecureTransport" = "false" } }
            }]
          })
        }
        data "aws_iam_policy_document" "doc" {
          statement {
            effect  = "Deny"
            actions = ["s3:*"]
          }
        }
        resource "aws_iam_policy" "from_doc" {
          policy = data.aws_iam_policy_document.doc.json
        }
        resource "aws_iam_policy" "from_file" {
          policy = file("${path.module}/policy.json")
        }
        """,
        "policy.json": '{"Version": "2012-10-17"}',
    })
    recs = by_address(read(tmp_path))
    policy = json.loads(recs["aws_s3_bucket_policy.p"].values["policy"])
    assert policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    doc = recs["data.aws_iam_policy_document.doc"]
    assert (doc.mode, doc.type, doc.name) == ("data", "aws_iam_policy_document", "doc")
    assert doc.values["statement"] == [{"effect": "Deny", "actions": ["s3:*"]}]
    from_doc = recs["aws_iam_policy.from_doc"].values["policy"]
    assert isinstance(from_doc, Unknown) and from_doc.refs == ("data.aws_iam_policy_document.doc",)
    assert recs["aws_iam_policy.from_file"].values["policy"] == '{"Version": "2012-10-17"}'


# --- count, for_each, dynamic -----------------------------------------------------------------


def test_count_and_for_each_instances_are_addressed_like_terraform(tmp_path):
    write(tmp_path, {"main.tf": AWS_PROVIDER + """
        locals { zones = ["eu-west-3a", "eu-west-3b"] }
        resource "aws_subnet" "s" {
          count             = 2
          availability_zone = local.zones[count.index]
          cidr_block        = "10.0.${count.index}.0/24"
        }
        resource "aws_s3_bucket" "b" {
          for_each = toset(["logs", "data"])
          bucket   = "x-${each.key}"
        }
        resource "aws_instance" "by_subnet" {
          for_each          = { first = 0, second = 1 }
          availability_zone = aws_subnet.s[each.value].availability_zone
        }
        resource "aws_instance" "none" {
          count = 0
        }
        resource "aws_instance" "zones" {
          count             = length(aws_subnet.s)
          availability_zone = (aws_subnet.s[*].availability_zone)[count.index]
        }
    """})
    recs = by_address(read(tmp_path))
    assert set(recs) == {
        "aws_subnet.s[0]", "aws_subnet.s[1]", 'aws_s3_bucket.b["data"]', 'aws_s3_bucket.b["logs"]',
        'aws_instance.by_subnet["first"]', 'aws_instance.by_subnet["second"]',
        "aws_instance.zones[0]", "aws_instance.zones[1]"}
    assert recs["aws_subnet.s[1]"].values["cidr_block"] == "10.0.1.0/24"
    assert recs['aws_s3_bucket.b["logs"]'].values["bucket"] == "x-logs"
    assert recs['aws_instance.by_subnet["second"]'].values["availability_zone"] == "eu-west-3b"
    assert recs["aws_instance.zones[1]"].values["availability_zone"] == "eu-west-3b"
    assert recs["aws_subnet.s[0]"].name == "s"


def test_unknown_count_gives_one_record_and_a_notice(tmp_path):
    write(tmp_path, {"main.tf": AWS_PROVIDER + """
        variable "n" {}
        resource "aws_instance" "app" {
          count         = var.n
          instance_type = "t3.micro"
          tags          = { Name = "app-${count.index}" }
        }
        resource "aws_s3_bucket" "b" {
          for_each = var.n
          bucket   = each.key
        }
    """})
    config = read(tmp_path)
    recs = by_address(config)
    assert set(recs) == {"aws_instance.app", "aws_s3_bucket.b"}
    app = recs["aws_instance.app"]
    assert app.values["instance_type"] == "t3.micro"
    assert isinstance(app.values["tags"]["Name"], Unknown)
    assert isinstance(recs["aws_s3_bucket.b"].values["bucket"], Unknown)
    notes = [n.message for n in config.notices]
    assert any(m.startswith("aws_instance.app: count is not known (var.n has no value") for m in notes)
    assert any("aws_s3_bucket.b: for_each is not known" in m for m in notes)


def test_dynamic_blocks_expand_over_known_collections(tmp_path):
    write(tmp_path, {"main.tf": AWS_PROVIDER + """
        variable "ports" { default = { ssh = 22, https = 443 } }
        variable "unknown_ports" {}
        resource "aws_security_group" "sg" {
          ingress {
            from_port = 80
          }
          dynamic "ingress" {
            for_each = var.ports
            iterator = p
            content {
              description = p.key
              from_port   = p.value
              cidr_blocks = ["0.0.0.0/0"]
            }
          }
        }
        resource "aws_security_group" "unknown" {
          dynamic "ingress" {
            for_each = var.unknown_ports
            content {
              from_port = ingress.value
            }
          }
        }
    """})
    recs = by_address(read(tmp_path))
    assert recs["aws_security_group.sg"].values["ingress"] == [
        {"from_port": 80},
        {"description": "https", "from_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
        {"description": "ssh", "from_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
    ]
    assert "dynamic" not in recs["aws_security_group.sg"].values
    unknown = recs["aws_security_group.unknown"].values["ingress"]
    assert isinstance(unknown, Unknown) and "for_each is not known" in unknown.reason


# --- providers --------------------------------------------------------------------------------


def test_provider_aliases_local_names_and_regionless_providers(tmp_path):
    write(tmp_path, {"main.tf": """
        terraform {
          required_providers {
            osc = { source = "outscale/outscale" }
          }
        }
        provider "aws" {
          region = "eu-west-3"
        }
        provider "aws" {
          alias  = "london"
          region = "eu-west-2"
        }
        provider "osc" {
          api {
            region = "eu-west-2"
          }
        }
        provider "outscale" {
          region = "cloudgouv-eu-west-1"
        }
        resource "aws_s3_bucket" "paris" {}
        resource "aws_s3_bucket" "london" {
          provider = aws.london
        }
        resource "outscale_volume" "v" {
          provider = osc
        }
        resource "outscale_vm" "old_style" {}
        resource "random_id" "r" {}
        resource "google_storage_bucket" "g" {}
    """})
    recs = by_address(read(tmp_path))
    assert recs["aws_s3_bucket.paris"].provider_region == "eu-west-3"
    assert recs["aws_s3_bucket.london"].provider_region == "eu-west-2"
    assert recs["aws_s3_bucket.london"].provider == "aws"
    assert (recs["outscale_volume.v"].provider, recs["outscale_volume.v"].provider_region) == (
        "outscale", "eu-west-2")
    assert recs["outscale_vm.old_style"].provider_region == "cloudgouv-eu-west-1"
    assert (recs["random_id.r"].provider, recs["random_id.r"].provider_region) == ("random", None)
    assert recs["google_storage_bucket.g"].provider_region == Unknown(
        "no region configured for provider google (it would come from the environment at "
        "apply time)")


# --- modules ----------------------------------------------------------------------------------


MODULE_TREE = {
    "main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        provider "aws" {
          alias  = "paris"
          region = "eu-west-3"
        }
        provider "aws" {
          alias  = "frankfurt"
          region = "eu-central-1"
        }
        module "net" {
          source = "./modules/net"
          zone   = "eu-west-3b"
        }
        module "db" {
          source    = "./modules/db"
          providers = { aws = aws.frankfurt }
          subnet_id = module.net.subnet_id
          zone      = module.net.subnet_zone
          password  = "hunter2"
        }
        module "app" {
          count  = 2
          source = "./modules/app"
          name   = "app-${count.index}"
        }
        module "per_env" {
          for_each = toset(["prod"])
          source   = "./modules/app"
          name     = each.key
        }
        resource "aws_instance" "uses_output" {
          availability_zone = module.net.subnet_zone
          tags              = { first = module.app[0].name_out }
        }
    """,
    "modules/net/main.tf": """
        variable "zone" {}
        resource "aws_subnet" "this" {
          availability_zone = var.zone
        }
        output "subnet_id" { value = aws_subnet.this.id }
        output "subnet_zone" { value = aws_subnet.this.availability_zone }
    """,
    "modules/db/main.tf": """
        variable "subnet_id" {}
        variable "zone" {}
        variable "password" {
          sensitive = true
        }
        resource "aws_db_instance" "this" {
          availability_zone = var.zone
          db_subnet_group_name = var.subnet_id
          password          = var.password
          tags              = { owner = var.password }
        }
        module "backup" {
          source = "../backup"
        }
    """,
    "modules/backup/main.tf": """
        resource "aws_backup_vault" "v" {
          name = "vault"
        }
    """,
    "modules/app/main.tf": """
        variable "name" {}
        resource "aws_instance" "x" {
          tags = { Name = var.name }
        }
        output "name_out" { value = var.name }
    """,
}


def test_local_modules_arguments_outputs_providers_and_instances(tmp_path):
    write(tmp_path, MODULE_TREE)
    config = read(tmp_path)
    assert config.errors == [] and config.notices == []
    recs = by_address(config)
    assert set(recs) == {
        "module.net.aws_subnet.this", "module.db.aws_db_instance.this",
        "module.db.module.backup.aws_backup_vault.v", "module.app[0].aws_instance.x",
        "module.app[1].aws_instance.x", 'module.per_env["prod"].aws_instance.x',
        "aws_instance.uses_output"}
    db = recs["module.db.aws_db_instance.this"]
    assert db.module == "module.db"
    assert db.file == "modules/db/main.tf" and db.line == 7
    assert db.values["availability_zone"] == "eu-west-3b"
    assert db.values["db_subnet_group_name"] == Unknown(
        "module.net.aws_subnet.this.id is known only after apply",
        refs=("module.net.aws_subnet.this",))
    # providers passed explicitly, inherited by nested modules, defaults inherited otherwise
    assert db.provider_region == "eu-central-1"
    assert recs["module.db.module.backup.aws_backup_vault.v"].provider_region == "eu-central-1"
    assert recs["module.net.aws_subnet.this"].provider_region == "eu-west-3"
    assert recs["module.app[1].aws_instance.x"].values["tags"] == {"Name": "app-1"}
    assert recs['module.per_env["prod"].aws_instance.x'].module == 'module.per_env["prod"]'
    uses = recs["aws_instance.uses_output"]
    assert uses.values["availability_zone"] == "eu-west-3b"
    assert uses.values["tags"] == {"first": "app-0"}
    # sensitive: the variable is marked sensitive, and `password` by its name
    assert db.sensitive >= {"password", "tags"}
    assert "availability_zone" not in db.sensitive


def test_remote_module_not_downloaded_is_a_module_call_not_read(tmp_path):
    write(tmp_path, {"main.tf": """
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.0.0"
        }
        resource "null_resource" "r" {}
    """})
    config = read(tmp_path)
    assert [r.address for r in config.resources] == ["null_resource.r"]
    assert [(n.path, n.message) for n in config.unread_modules] == [(
        "main.tf:2", "module.vpc: source 'terraform-aws-modules/vpc/aws' is not local and not "
                     "downloaded (run terraform init): module call not read, its resources "
                     "were not scanned")]
    assert config.errors == [] and config.notices == []


def test_downloaded_remote_module_is_read_from_modules_json(tmp_path):
    shutil.copytree(DATA / "downloaded", tmp_path / "downloaded")
    (tmp_path / "downloaded" / "dot-terraform").rename(tmp_path / "downloaded" / ".terraform")
    config = read_folder(str(tmp_path / "downloaded"), str(tmp_path))
    recs = by_address(config)
    assert config.notices == [] and config.errors == [] and config.unread_modules == []
    bucket = recs["module.store.aws_s3_bucket.this"]
    assert bucket.values["bucket"] == "records"
    assert bucket.provider_region == "eu-west-3"
    assert bucket.file == "downloaded/.terraform/modules/store/main.tf"


# --- roots, files and lines --------------------------------------------------------------------


def test_find_roots_skips_called_modules_hidden_folders_and_symlink_loops(tmp_path):
    write(tmp_path, MODULE_TREE)
    write(tmp_path, {
        "other/main.tf": 'resource "null_resource" "x" {}\n',
        ".hidden/main.tf": 'resource "null_resource" "x" {}\n',
        ".terraform/modules/m/main.tf": 'resource "null_resource" "x" {}\n',
        "docs/readme.md": "no terraform here",
    })
    (tmp_path / "other" / "loop").symlink_to(tmp_path)
    assert find_roots(str(tmp_path)) == [str(tmp_path), str(tmp_path / "other")]
    assert find_roots(str(tmp_path / "modules")) == [str(tmp_path / "modules" / "app"),
                                                     str(tmp_path / "modules" / "db"),
                                                     str(tmp_path / "modules" / "net")]
    assert find_roots(str(tmp_path / "docs")) == []


def test_files_and_lines_are_relative_to_the_display_base(tmp_path):
    write(tmp_path, {"stack/a.tf": """
        # a comment

        resource "null_resource" "first" {}

        data "null_data_source" "d" {
          inputs = {}
        }
        resource "null_resource" "second" {
          triggers = {}
        }
    """})
    config = read_folder(str(tmp_path / "stack"), str(tmp_path))
    assert [(r.address, r.file, r.line) for r in config.resources] == [
        ("null_resource.first", "stack/a.tf", 4),
        ("null_resource.second", "stack/a.tf", 9),
        ("data.null_data_source.d", "stack/a.tf", 6),
    ]
    assert all(r.source == "hcl" for r in config.resources)
    assert config.source == "hcl"


def test_a_folder_of_300_counted_blocks_reads_whole(tmp_path):
    """Re-reading a changed 300-block file gives every instance (its speed is measured by
    scripts/benchmark.py: a timed assertion failed on a loaded machine for nothing)."""
    blocks = []
    for i in range(300):
        blocks.append(f'''
resource "aws_instance" "i{i}" {{
  count             = 2
  ami               = "ami-{i}"
  availability_zone = local.zones[count.index]
  subnet_id         = aws_subnet.s[count.index].id
  tags              = merge(local.tags, {{ Name = "i{i}-${{count.index}}" }})
  root_block_device {{
    encrypted = true
  }}
}}''')
    write(tmp_path, {
        "main.tf": AWS_PROVIDER + """
            locals {
              zones = ["eu-west-3a", "eu-west-3b"]
              tags  = { env = "prod" }
            }
            resource "aws_subnet" "s" {
              count             = 2
              availability_zone = local.zones[count.index]
            }
        """,
        "instances.tf": "\n".join(blocks),
    })
    read(tmp_path)  # parser built and warmed
    (tmp_path / "instances.tf").write_text("\n".join(blocks) + "\n")  # new mtime: parsed again
    config = read(tmp_path)
    assert len(config.resources) == 602


def test_heredoc_policies_passed_provider_aliases_and_unknown_module_count(tmp_path):
    write(tmp_path, {
        "main.tf": """
            provider "aws" {
              region = "eu-west-3"
            }
            provider "aws" {
              alias  = "london"
              region = "eu-west-2"
            }
            variable "n" {}
            module "m" {
              source    = "./m"
              providers = {
                aws         = aws
                aws.replica = aws.london
              }
            }
            module "u" {
              count  = var.n
              source = "./m"
              name   = "u-${count.index}"
            }
            resource "aws_iam_policy" "known" {
              policy = <<-EOF
                {"Effect": "Deny", "Name": "${upper("x")}"}
              EOF
            }
            resource "aws_iam_policy" "arn" {
              policy = <<EOF
            {"Resource": "${aws_s3_bucket.b.arn}/*"}
            EOF
            }
            resource "aws_s3_bucket" "b" {}
        """,
        "m/main.tf": """
            terraform {
              required_providers {
                aws = {
                  source                = "hashicorp/aws"
                  configuration_aliases = [aws.replica]
                }
              }
            }
            variable "name" { default = "m" }
            resource "aws_s3_bucket" "main" {
              bucket = var.name
            }
            resource "aws_s3_bucket" "copy" {
              provider = aws.replica
            }
        """,
    })
    config = read(tmp_path)
    recs = by_address(config)
    assert recs["module.m.aws_s3_bucket.main"].provider_region == "eu-west-3"
    assert recs["module.m.aws_s3_bucket.copy"].provider_region == "eu-west-2"
    # unknown module count: one instance, unkeyed, and a notice
    assert recs["module.u.aws_s3_bucket.main"].values["bucket"].reason.startswith(
        "count of module.u is not known")
    assert isinstance(recs["module.u.aws_s3_bucket.copy"].provider_region, Unknown)
    assert [n.path for n in config.notices] == ["main.tf:17"]
    assert "module.u: count is not known" in config.notices[0].message
    policy = recs["aws_iam_policy.known"].values["policy"]
    assert json.loads(policy) == {"Effect": "Deny", "Name": "X"}
    arn = recs["aws_iam_policy.arn"].values["policy"]
    assert arn.refs == ("aws_s3_bucket.b",)
