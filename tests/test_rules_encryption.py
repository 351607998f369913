"""HDS-ENC-001..004 (at rest) and HDS-TLS-001..006 (in transit) on hand-built model objects."""
from __future__ import annotations

import pytest

from hds_iac import catalogue
from hds_iac.model import AtRest, Flow, KeyRotation, OpenPort, Origin, Resource, Unknown
from hds_iac.rules._plaintext_protocols import PLAINTEXT_PROTOCOLS
from hds_iac.settings import Settings
from rule_helpers import by_address, run

ORIGIN = Origin("hcl", "main.tf", 1)


def res(address: str, kind: str, provider: str = "aws", region="eu-west-3", **kw) -> Resource:
    return Resource(address=address, type=address.split(".")[0], provider=provider, kind=kind,
                    region=region, origin=ORIGIN, **kw)


def text(rule_id: str, verdict, lang: str = "en") -> str:
    return catalogue.load()[rule_id].message(verdict.message, lang, **verdict.params)


def ebs_default(address: str, enabled, region="eu-west-3") -> Resource:
    return res(address, "account-setting", region=region, encryption_default=enabled)


# --- HDS-ENC-001 volumes and machine disks --------------------------------------------

ENC1 = "HDS-ENC-001"


def test_enc001_explicit_encryption() -> None:
    verdicts = by_address(run(
        ENC1,
        res("aws_ebs_volume.ok", "volume", at_rest=[AtRest(enabled=True, part="volume")]),
        res("aws_ebs_volume.no", "volume", at_rest=[AtRest(enabled=False, part="volume")]),
        res("aws_instance.mixed", "instance", at_rest=[
            AtRest(enabled=True, part="root_block_device"),
            AtRest(enabled=False, part="ebs_block_device /dev/sdb")]),
        res("aws_launch_template.lt", "launch-template", region=None,
            at_rest=[AtRest(enabled=Unknown("var.encrypt has no value"), part="block_device_mappings")]),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_ebs_volume.ok": "pass", "aws_ebs_volume.no": "fail",
        "aws_instance.mixed": "fail", "aws_launch_template.lt": "unknown"}
    mixed = text(ENC1, verdicts["aws_instance.mixed"])
    assert "/dev/sdb" in mixed and "root_block_device" not in mixed
    assert "var.encrypt has no value" in text(ENC1, verdicts["aws_launch_template.lt"], "fr")


def test_enc001_account_default_in_the_same_region_only() -> None:
    disk = [AtRest(enabled=None, default="account-default", part="root_block_device")]
    paris = res("aws_instance.paris", "instance", at_rest=disk)
    frankfurt = res("aws_instance.fra", "instance", region="eu-central-1", at_rest=disk)
    verdicts = by_address(run(ENC1, paris, frankfurt, ebs_default("aws_ebs_encryption_by_default.p", True)))
    assert verdicts["aws_instance.paris"].status == "pass"
    assert verdicts["aws_instance.paris"].message == "pass-account-default"
    assert verdicts["aws_instance.fra"].status == "fail"
    assert verdicts["aws_instance.fra"].message == "fail-account-default"
    assert "eu-central-1" in text(ENC1, verdicts["aws_instance.fra"])


def test_enc001_account_default_disabled_unknown_or_other_provider() -> None:
    disk = [AtRest(enabled=None, default="account-default", part="volume")]
    vol = res("aws_ebs_volume.v", "volume", at_rest=disk)
    assert [v.status for v in run(ENC1, vol, ebs_default("s.off", False))] == ["fail"]
    [unknown] = run(ENC1, vol, ebs_default("s.var", Unknown("var.ebs_default has no value")))
    assert unknown.status == "unknown" and "var.ebs_default" in text(ENC1, unknown)
    [other_region] = run(ENC1, vol, ebs_default("s.r", True, region=Unknown("var.region has no value")))
    assert other_region.status == "unknown"
    outscale_setting = ebs_default("s.o", True)
    outscale_setting.provider = "outscale"
    assert [v.status for v in run(ENC1, vol, outscale_setting)] == ["fail"]
    # and an unknown region of the disk itself cannot be matched with any setting
    lost = res("aws_ebs_volume.lost", "volume", region=Unknown("no provider region"), at_rest=disk)
    assert [v.status for v in run(ENC1, lost, ebs_default("s.p", True))] == ["unknown"]


def test_enc001_each_outcome_picks_its_message_and_only_an_attestation_is_declared() -> None:
    # A wrong message under a right status is still a wrong report (found by mutation).
    verdicts = by_address(run(
        ENC1,
        res("aws_ebs_volume.ok", "volume", at_rest=[AtRest(enabled=True, part="volume")]),
        res("aws_ebs_volume.no", "volume", at_rest=[AtRest(enabled=False, part="volume")]),
        res("outscale_volume.luks", "volume", provider="outscale", region="eu-west-2",
            at_rest=[AtRest(enabled=None, default="client-side", attested=True, part="volume")])))
    assert {a: (v.status, v.message, v.declared) for a, v in verdicts.items()} == {
        "aws_ebs_volume.ok": ("pass", "pass", False),
        "aws_ebs_volume.no": ("fail", "fail", False),
        "outscale_volume.luks": ("pass", "pass-attested", True)}


def test_enc001_account_default_of_a_disk_without_region_is_unknown() -> None:
    # A setting turns encryption on somewhere, and the disk's region is not set: which
    # setting applies cannot be told, so neither a pass nor a fail.
    disk = [AtRest(enabled=None, default="account-default", part="volume")]
    [verdict] = run(ENC1, res("aws_ebs_volume.v", "volume", region=None, at_rest=disk),
                    ebs_default("aws_ebs_encryption_by_default.p", True))
    assert (verdict.status, verdict.message) == ("unknown", "unknown")
    assert "not set" in text(ENC1, verdict)


def test_enc001_outscale_needs_an_attestation() -> None:
    tag = "hds-iac:encryption"
    attested = res("outscale_volume.luks", "volume", provider="outscale", region="eu-west-2",
                   at_rest=[AtRest(enabled=None, default="client-side", attested=True, part="volume")])
    silent = res("outscale_vm.vm", "instance", provider="outscale", region="eu-west-2",
                 at_rest=[AtRest(enabled=None, default="client-side", part="boot disk /dev/sda1"),
                          AtRest(enabled=None, default="client-side", attested=True, part="bsu /dev/sdb")])
    verdicts = by_address(run(ENC1, attested, silent))
    assert verdicts["outscale_volume.luks"].status == "pass"
    assert tag in text(ENC1, verdicts["outscale_volume.luks"])
    # the deciding value is the attestation, not `enabled` (which the volume does not set)
    assert any("attested" in f for f in verdicts["outscale_volume.luks"].facets)
    assert not any("enabled" in f for f in verdicts["outscale_volume.luks"].facets)
    vm = verdicts["outscale_vm.vm"]
    assert (vm.status, vm.message) == ("fail", "fail-client-side")
    for lang in ("en", "fr"):
        message = text(ENC1, vm, lang)
        assert "LUKS" in message and tag in message and "/dev/sda1" in message
        assert "/dev/sdb" not in message


def test_enc001_custom_attestation_tag_is_named_in_the_message() -> None:
    vol = res("outscale_volume.v", "volume", provider="outscale",
              at_rest=[AtRest(enabled=None, default="client-side", part="volume")])
    [v] = run(ENC1, vol, settings=Settings(encryption_attestation_tag="corp:luks"))
    assert "corp:luks" in text(ENC1, v)


def test_enc001_ignores_other_kinds() -> None:
    db = res("aws_db_instance.db", "database", at_rest=[AtRest(enabled=False)])
    assert run(ENC1, db) == []


# --- HDS-ENC-002 managed data stores -------------------------------------------------

ENC2 = "HDS-ENC-002"


def test_enc002_statuses() -> None:
    verdicts = by_address(run(
        ENC2,
        res("aws_db_instance.ok", "database", at_rest=[AtRest(enabled=True, part="storage")]),
        res("aws_rds_cluster.no", "database-cluster", at_rest=[AtRest(enabled=False, part="storage")]),
        res("aws_s3_bucket.b", "bucket", at_rest=[AtRest(enabled=None, default="encrypted")]),
        res("aws_efs_file_system.fs", "file-system",
            at_rest=[AtRest(enabled=None, default="unencrypted", part="file system")]),
        res("aws_elasticache_replication_group.c", "cache",
            at_rest=[AtRest(enabled=Unknown("var.at_rest has no value"), part="at rest")]),
        res("aws_ebs_volume.v", "volume", at_rest=[AtRest(enabled=False)]),  # ENC-001's
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_db_instance.ok": "pass", "aws_rds_cluster.no": "fail", "aws_s3_bucket.b": "pass",
        "aws_efs_file_system.fs": "fail", "aws_elasticache_replication_group.c": "unknown"}
    assert verdicts["aws_s3_bucket.b"].message == "pass-default"
    assert verdicts["aws_db_instance.ok"].message == "pass"
    assert "bucket" in text(ENC2, verdicts["aws_s3_bucket.b"], "fr")  # the kind labels an unnamed part
    assert "var.at_rest" in text(ENC2, verdicts["aws_elasticache_replication_group.c"])


def test_enc002_encryption_turned_off_fails_whatever_the_default_or_attestation() -> None:
    # `enabled = False` is the configuration's own answer: a service default or a tag
    # cannot turn it into a pass.
    verdicts = by_address(run(
        ENC2,
        res("aws_s3_bucket.off", "bucket", at_rest=[AtRest(enabled=False, default="encrypted")]),
        res("aws_db_instance.off", "database",
            at_rest=[AtRest(enabled=False, default="client-side", attested=True, part="storage")])))
    assert {a: (v.status, v.message) for a, v in verdicts.items()} == {
        "aws_s3_bucket.off": ("fail", "fail"), "aws_db_instance.off": ("fail", "fail")}


@pytest.mark.parametrize("kind", ["database", "database-cluster", "cache", "file-system", "table",
                                  "backup-vault", "bucket"])
def test_enc002_judges_every_data_store_kind(kind: str) -> None:
    # Found by mutation: a kind dropped from the rule's list is silently not judged.
    [verdict] = run(ENC2, res(f"x.{kind}", kind, at_rest=[AtRest(enabled=False, part="storage")]))
    assert (verdict.resource.kind, verdict.status) == (kind, "fail")


def test_enc004_rotation_on_passes_with_the_pass_message() -> None:
    [verdict] = run("HDS-ENC-004", res("aws_kms_key.k", "key",
                                       key_rotation=KeyRotation(True, possible=True)))
    assert (verdict.status, verdict.message) == ("pass", "pass")


# --- HDS-ENC-003 client-held keys ----------------------------------------------------

ENC3 = "HDS-ENC-003"


def test_enc003_statuses() -> None:
    verdicts = by_address(run(
        ENC3,
        res("aws_db_instance.cmk", "database",
            at_rest=[AtRest(enabled=True, customer_key=True, part="storage")]),
        res("aws_s3_bucket.sse", "bucket",
            at_rest=[AtRest(enabled=None, default="encrypted", customer_key=False)]),
        res("aws_ebs_volume.k", "volume", at_rest=[AtRest(
            enabled=True, customer_key=Unknown("KMS key arn:aws:kms:... is not in this configuration"))]),
        res("aws_instance.two", "instance", at_rest=[
            AtRest(enabled=True, customer_key=True, part="root_block_device"),
            AtRest(enabled=True, customer_key=False, part="ebs_block_device /dev/sdf")]),
        # no key choice (unencrypted, or Outscale): not judged
        res("aws_efs_file_system.plain", "file-system", at_rest=[AtRest(enabled=False)]),
        res("outscale_volume.v", "volume", provider="outscale",
            at_rest=[AtRest(enabled=None, default="client-side", attested=True)]),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_db_instance.cmk": "pass", "aws_s3_bucket.sse": "fail", "aws_ebs_volume.k": "unknown",
        "aws_instance.two": "fail"}
    assert "/dev/sdf" in text(ENC3, verdicts["aws_instance.two"])
    assert "root_block_device" not in text(ENC3, verdicts["aws_instance.two"])
    assert "is not in this configuration" in text(ENC3, verdicts["aws_ebs_volume.k"], "fr")


# --- HDS-ENC-004 key rotation ---------------------------------------------------------

ENC4 = "HDS-ENC-004"


def test_enc004_statuses() -> None:
    verdicts = by_address(run(
        ENC4,
        res("aws_kms_key.on", "key", key_rotation=KeyRotation(True, possible=True)),
        res("aws_kms_key.off", "key", key_rotation=KeyRotation(False)),
        res("aws_kms_key.var", "key", key_rotation=KeyRotation(Unknown("var.rotate has no value"))),
        res("aws_kms_key.sign", "key", key_rotation=KeyRotation(False, possible=False)),
        res("aws_kms_key.nofact", "key"),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_kms_key.on": "pass", "aws_kms_key.off": "fail", "aws_kms_key.var": "unknown"}
    assert "var.rotate" in text(ENC4, verdicts["aws_kms_key.var"], "fr")


def test_enc004_each_outcome_picks_its_message_and_names_its_values() -> None:
    verdicts = by_address(run(
        ENC4,
        res("aws_kms_key.off", "key", key_rotation=KeyRotation(False, possible=True)),
        res("aws_kms_key.spec", "key",
            key_rotation=KeyRotation(False, possible=Unknown("var.spec has no value")))))
    assert {a: (v.status, v.message) for a, v in verdicts.items()} == {
        "aws_kms_key.off": ("fail", "fail"), "aws_kms_key.spec": ("unknown", "unknown")}
    assert "var.spec" in text(ENC4, verdicts["aws_kms_key.spec"])


# --- HDS-TLS-001 listeners ------------------------------------------------------------

TLS1 = "HDS-TLS-001"


def listener(address: str, *flows: Flow, provider: str = "aws") -> Resource:
    kind = "listener" if address.startswith("aws_lb_listener") else "load-balancer"
    return res(address, kind, provider=provider, flows=list(flows))


def test_tls001_statuses() -> None:
    verdicts = by_address(run(
        TLS1,
        listener("aws_lb_listener.https", Flow("listener :443", True, certificate=True, detail="HTTPS")),
        listener("aws_lb_listener.redirect",
                 Flow("listener :80", False, redirects_to_https=True, detail="HTTP")),
        listener("aws_lb_listener.http", Flow("listener :80", False, detail="HTTP")),
        listener("aws_lb_listener.nocert", Flow("listener :443", True, certificate=False, detail="HTTPS")),
        listener("outscale_load_balancer.lbu",
                 Flow("listener :443", True, certificate=True, detail="HTTPS"),
                 Flow("listener :8080", False, detail="TCP"), provider="outscale"),
        listener("outscale_load_balancer.pending",
                 Flow("listener :443", True, certificate=Unknown("known only after apply")),
                 provider="outscale"),
        listener("aws_lb_listener.var", Flow("listener :443", Unknown("var.protocol has no value"))),
        res("aws_lb.alb", "load-balancer"),  # no listener of its own: not judged
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_lb_listener.https": "pass", "aws_lb_listener.redirect": "pass",
        "aws_lb_listener.http": "fail", "aws_lb_listener.nocert": "fail",
        "outscale_load_balancer.lbu": "fail", "outscale_load_balancer.pending": "unknown",
        "aws_lb_listener.var": "unknown"}
    assert verdicts["aws_lb_listener.redirect"].message == "pass-redirect"
    assert verdicts["aws_lb_listener.nocert"].message == "fail-certificate"
    lbu = text(TLS1, verdicts["outscale_load_balancer.lbu"], "fr")
    assert ":8080 (TCP)" in lbu and ":443" not in lbu
    assert "after apply" in text(TLS1, verdicts["outscale_load_balancer.pending"])


def test_tls001_a_redirect_that_cannot_be_read_is_unknown_only_on_a_plaintext_listener() -> None:
    # Found by mutation: a plaintext listener whose default actions cannot be read may
    # redirect or carry data; an HTTPS listener's redirect question does not arise.
    unread = Unknown("default actions of aws_lb_listener.http are not known")
    verdicts = by_address(run(
        TLS1,
        listener("aws_lb_listener.http", Flow("listener :80", False, redirects_to_https=unread,
                                              detail="HTTP")),
        listener("aws_lb_listener.https", Flow("listener :443", True, certificate=True,
                                               redirects_to_https=unread, detail="HTTPS"))))
    assert {a: (v.status, v.message) for a, v in verdicts.items()} == {
        "aws_lb_listener.http": ("unknown", "unknown"), "aws_lb_listener.https": ("pass", "pass")}
    [plain] = run(TLS1, listener("aws_lb_listener.plain", Flow("listener :80", False, detail="HTTP")))
    assert (plain.status, plain.message) == ("fail", "fail")
    assert "default actions" in text(TLS1, verdicts["aws_lb_listener.http"])


# --- HDS-TLS-002 minimum TLS version --------------------------------------------------

TLS2 = "HDS-TLS-002"


@pytest.mark.parametrize("kind", ["listener", "load-balancer", "cdn"])
def test_tls002_judges_every_kind_it_declares_through_the_engine(kind: str) -> None:
    # A Classic ELB or an Outscale load balancer carries its listeners itself (found by mutation).
    from hds_iac import engine
    from hds_iac.model import Inventory
    lb = res(f"x.{kind}", kind, flows=[Flow("listener :443", True, min_tls="1.0")])
    found = engine.run(Inventory([lb]), Settings(), [TLS2])
    assert [(f.resource.address, f.status) for f in found] == [(f"x.{kind}", "fail")]


@pytest.mark.parametrize("version", ["1", "1.2.3", "12"])
def test_tls002_a_version_not_of_the_form_major_minor_is_unknown(version: str) -> None:
    # Found by mutation: "1.2.3" must not read as TLS 1.2, nor "1" crash the rule.
    [verdict] = run(TLS2, res("aws_lb_listener.l", "listener",
                              flows=[Flow("listener :443", True, min_tls=version)]))
    assert verdict.status == "unknown"
    assert "unexpected TLS version" in text(TLS2, verdict)


def test_tls002_statuses() -> None:
    verdicts = by_address(run(
        TLS2,
        listener("aws_lb_listener.modern", Flow("listener :443", True, min_tls="1.2",
                                                detail="HTTPS ELBSecurityPolicy-TLS13-1-2-2021-06")),
        listener("aws_lb_listener.tls13", Flow("listener :443", True, min_tls="1.3")),
        listener("aws_lb_listener.old", Flow("listener :443", True, min_tls="1.0",
                                             detail="HTTPS ELBSecurityPolicy-2016-08")),
        res("aws_cloudfront_distribution.cdn", "cdn", region=None, flows=[
            Flow("viewer", True, min_tls="1.1"), Flow("origin web", True)]),
        listener("aws_lb_listener.custom", Flow("listener :443", True,
                                                min_tls=Unknown("TLS policy Custom is not in the table"))),
        listener("aws_lb_listener.http", Flow("listener :80", False)),  # no TLS: not judged
        listener("outscale_load_balancer.lbu", Flow("listener :443", True, certificate=True),
                 provider="outscale"),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_lb_listener.modern": "pass", "aws_lb_listener.tls13": "pass",
        "aws_lb_listener.old": "fail", "aws_cloudfront_distribution.cdn": "fail",
        "aws_lb_listener.custom": "unknown"}
    assert "ELBSecurityPolicy-2016-08" in text(TLS2, verdicts["aws_lb_listener.old"])
    assert "TLS 1.1" in text(TLS2, verdicts["aws_cloudfront_distribution.cdn"], "fr")


# --- HDS-TLS-003 CDN ------------------------------------------------------------------

TLS3 = "HDS-TLS-003"


def test_tls003_statuses() -> None:
    def cdn(address: str, *flows: Flow) -> Resource:
        return res(address, "cdn", region=None, flows=list(flows))

    verdicts = by_address(run(
        TLS3,
        cdn("aws_cloudfront_distribution.ok", Flow("viewer", True, detail="redirect-to-https"),
            Flow("origin s3", True, detail="S3 origin")),
        cdn("aws_cloudfront_distribution.origin", Flow("viewer", True, detail="https-only"),
            Flow("origin api", False, detail="http-only")),
        cdn("aws_cloudfront_distribution.var", Flow("viewer", Unknown("var.policy has no value")),
            Flow("origin s3", True)),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_cloudfront_distribution.ok": "pass", "aws_cloudfront_distribution.origin": "fail",
        "aws_cloudfront_distribution.var": "unknown"}
    assert "http-only" in text(TLS3, verdicts["aws_cloudfront_distribution.origin"])


# --- HDS-TLS-004 data stores require TLS ----------------------------------------------

TLS4 = "HDS-TLS-004"


def test_tls004_statuses() -> None:
    verdicts = by_address(run(
        TLS4,
        res("aws_db_instance.pg", "database",
            flows=[Flow("in-transit", True, detail="aws_db_parameter_group.pg: rds.force_ssl=1")]),
        res("aws_elasticache_replication_group.r", "cache",
            flows=[Flow("in-transit", False, detail="transit_encryption_enabled")]),
        res("aws_rds_cluster.c", "database-cluster", flows=[
            Flow("in-transit", Unknown("parameter group var.pg is not in this configuration"))]),
        res("aws_db_instance.other", "database", flows=[Flow("replication", False)]),  # not in-transit
        res("aws_s3_bucket.b", "bucket", flows=[Flow("in-transit", False)]),  # not a data store kind
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_db_instance.pg": "pass", "aws_elasticache_replication_group.r": "fail",
        "aws_rds_cluster.c": "unknown"}
    assert "rds.force_ssl=1" in text(TLS4, verdicts["aws_db_instance.pg"], "fr")


# --- HDS-TLS-005 buckets deny plain HTTP ----------------------------------------------

TLS5 = "HDS-TLS-005"


def test_tls005_statuses() -> None:
    verdicts = by_address(run(
        TLS5,
        res("aws_s3_bucket.ok", "bucket", flows=[Flow("https-only policy", True)]),
        res("aws_s3_bucket.open", "bucket",
            flows=[Flow("https-only policy", False, detail="no bucket policy")]),
        res("aws_s3_bucket.var", "bucket",
            flows=[Flow("https-only policy", Unknown("bucket policy: var.policy has no value"))]),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_s3_bucket.ok": "pass", "aws_s3_bucket.open": "fail", "aws_s3_bucket.var": "unknown"}
    assert "no bucket policy" in text(TLS5, verdicts["aws_s3_bucket.open"])


# --- HDS-TLS-006 plaintext protocols open to the internet -----------------------------

TLS6 = "HDS-TLS-006"


def sg(address: str, *ports: OpenPort, provider: str = "aws") -> Resource:
    return res(address, "security-group", provider=provider, open_ports=list(ports))


def test_tls006_statuses() -> None:
    world = ("0.0.0.0/0",)
    verdicts = by_address(run(
        TLS6,
        sg("aws_security_group.https", OpenPort("tcp", 443, 443, world),
           OpenPort("tcp", 22, 22, ("10.0.0.0/8",))),
        sg("aws_security_group.telnet", OpenPort("tcp", 23, 23, ("::/0",))),
        sg("aws_security_group.range", OpenPort("tcp", 6000, 7000, world)),  # includes Redis 6379
        sg("outscale_security_group.all", OpenPort("all", 0, 65535, world), provider="outscale"),
        sg("aws_security_group.private_redis", OpenPort("tcp", 6379, 6379, ("10.0.0.0/16",))),
        sg("aws_security_group.udp_http", OpenPort("udp", 80, 80, world)),  # HTTP is TCP
        sg("aws_security_group.snmp", OpenPort("udp", 161, 161, world)),
        sg("aws_security_group.var_cidr", OpenPort("tcp", 21, 21, Unknown("var.cidrs has no value"))),
        sg("aws_security_group.var_port", OpenPort("tcp", Unknown("var.port has no value"),
                                                   Unknown("var.port has no value"), world)),
        sg("aws_security_group.var_private", OpenPort("tcp", Unknown("var.port"), Unknown("var.port"),
                                                      ("10.0.0.0/8",))),
        sg("aws_security_group.empty"),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_security_group.https": "pass", "aws_security_group.telnet": "fail",
        "aws_security_group.range": "fail", "outscale_security_group.all": "fail",
        "aws_security_group.private_redis": "pass", "aws_security_group.udp_http": "pass",
        "aws_security_group.snmp": "fail", "aws_security_group.var_cidr": "unknown",
        "aws_security_group.var_port": "unknown", "aws_security_group.var_private": "pass",
        "aws_security_group.empty": "pass"}
    assert "Redis 6379/tcp" in text(TLS6, verdicts["aws_security_group.range"])
    assert "::/0" in text(TLS6, verdicts["aws_security_group.telnet"], "fr")
    everything = text(TLS6, verdicts["outscale_security_group.all"])
    for name, *_ in PLAINTEXT_PROTOCOLS:  # every protocol of the list is named
        assert name in everything
    assert "var.cidrs" in text(TLS6, verdicts["aws_security_group.var_cidr"])


@pytest.mark.parametrize("name,first,last,transports", PLAINTEXT_PROTOCOLS,
                         ids=[p[0] for p in PLAINTEXT_PROTOCOLS])
def test_tls006_each_listed_protocol_is_caught_alone(name, first, last, transports) -> None:
    for transport in sorted(transports):
        [v] = run(TLS6, sg("aws_security_group.one", OpenPort(transport, last, last, ("0.0.0.0/0",))))
        assert v.status == "fail" and name in text(TLS6, v)
    # the ports just around it are not in the list (the list has no neighbours)
    [v] = run(TLS6, sg("aws_security_group.edge", OpenPort("tcp", last + 1, last + 1, ("0.0.0.0/0",))))
    assert v.status == "pass" or name not in text(TLS6, v)


# Written out by hand, not read from PLAINTEXT_PROTOCOLS: a protocol or a transport dropped
# from that list must make this fail (Memcached over UDP is the amplification-attack port).
@pytest.mark.parametrize("port,transport", [
    (11211, "udp"), (11211, "tcp"), (161, "udp"), (2049, "udp"), (389, "udp"), (23, "tcp"),
    (21, "tcp"), (20, "tcp"), (514, "tcp"), (873, "tcp"), (5900, "tcp"), (6379, "tcp"),
    (110, "tcp"), (143, "tcp"), (80, "tcp"),
])
def test_tls006_known_plaintext_ports_fail(port, transport) -> None:
    [v] = run(TLS6, sg("aws_security_group.p", OpenPort(transport, port, port, ("0.0.0.0/0",))))
    assert v.status == "fail", (port, transport)


@pytest.mark.parametrize("low,high", [(20, Unknown("var.to has no value")),
                                      (Unknown("var.from has no value"), 30)])
def test_tls006_one_unknown_bound_is_unknown(low, high) -> None:
    [v] = run(TLS6, sg("aws_security_group.p", OpenPort("tcp", low, high, ("0.0.0.0/0",))))
    assert v.status == "unknown" and "has no value" in text(TLS6, v)


def test_enc004_unresolved_key_spec_is_unknown_when_rotation_is_off() -> None:
    """Rotation off on a key whose spec is a variable: it fails if the key is symmetric and
    is not judged if it cannot rotate; which one is not known, so neither is guessed.
    Rotation on passes whatever the spec."""
    verdicts = by_address(run(
        ENC4,
        res("aws_kms_key.off", "key", key_rotation=KeyRotation(False, possible=Unknown("var.spec has no value"))),
        res("aws_kms_key.on", "key", key_rotation=KeyRotation(True, possible=Unknown("var.spec has no value"))),
        res("aws_kms_key.hmac", "key", key_rotation=KeyRotation(False, possible=False)),
    ))
    assert {a: v.status for a, v in verdicts.items()} == {
        "aws_kms_key.off": "unknown", "aws_kms_key.on": "pass"}
    assert "var.spec has no value" in verdicts["aws_kms_key.off"].params["reason"]


# --- HDS-TLS-007 VPN tunnels (from mutation survivors) -----------------------------------

TLS7 = "HDS-TLS-007"


def tunnel(address: str, defaulted: tuple[str, ...] = (),
           options: dict[str, tuple[str, ...]] | None = None) -> Resource:
    """A tunnel of strong options, but for `options`."""
    from hds_iac.model import Ipsec
    strong = {"IKE versions": ("ikev2",), "phase 1 encryption": ("AES256",),
              "phase 1 integrity": ("SHA2-256",), "phase 1 DH groups": ("14", "19", "21"),
              "phase 2 encryption": ("AES256-GCM-16",), "phase 2 integrity": ("SHA2-512",),
              "phase 2 DH groups": ("14",)}
    strong.update(options or {})
    return res(address, "vpn", flows=[Flow("tunnel 1", True, ipsec=Ipsec(strong, defaulted))])


def test_tls007_dh_groups_14_to_21_only() -> None:
    got = by_address(run(
        TLS7, tunnel("aws_vpn_connection.strong"),
        tunnel("aws_vpn_connection.g13", options={"phase 1 DH groups": ("13", "14")}),
        tunnel("aws_vpn_connection.g22", options={"phase 2 DH groups": ("22",)})))
    assert {a: v.status for a, v in got.items()} == {
        "aws_vpn_connection.strong": "pass", "aws_vpn_connection.g13": "fail",
        "aws_vpn_connection.g22": "fail"}
    assert "DH groups 13" in text(TLS7, got["aws_vpn_connection.g13"])
    assert "14" not in text(TLS7, got["aws_vpn_connection.g13"]).split("DH groups")[1]


def test_tls007_an_option_left_to_the_defaults_says_so_in_both_languages() -> None:
    [verdict] = run(TLS7, tunnel("aws_vpn_connection.d", defaulted=("IKE versions",),
                                 options={"IKE versions": ("ikev1", "ikev2")}))
    assert verdict.status == "fail"
    assert "not set: the provider's defaults" in text(TLS7, verdict)
    assert "non réglé" in text(TLS7, verdict, "fr")
    [explicit] = run(TLS7, tunnel("aws_vpn_connection.e", options={"IKE versions": ("ikev1",)}))
    assert "non réglé" not in text(TLS7, explicit, "fr")
    assert "not set" not in text(TLS7, explicit)
