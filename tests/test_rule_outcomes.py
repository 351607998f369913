"""Rules on model objects built by hand, for what the fixture cases cannot reach (live-only
facets: an unreadable trail, root access keys, drift, key ages) and for the message each
verdict picks (a wrong message under a right status is still a wrong report). Written from
mutants that no test noticed (scripts/mutation.py)."""
from __future__ import annotations

import pytest

from hds_iac import engine
from hds_iac.model import (Drift, Identity, Inventory, KeyRotation, Logging, Origin, Resource,
                           Trail, Unknown)
from hds_iac.settings import Settings
from rule_helpers import by_address, run, text


def make(kind: str, address: str, provider: str = "aws", **facets) -> Resource:
    return Resource(address=address, type=f"{provider}_{kind}", provider=provider, kind=kind,
                    region="eu-west-3", origin=Origin("hcl", "main.tf", 1), **facets)


def trail(address: str, value) -> Resource:
    return make("trail", address, logging=Logging(trail=value))


def test_log_001_a_trail_that_cannot_be_read_or_judged_is_unknown_with_its_reason() -> None:
    got = by_address(run(
        "HDS-LOG-001",
        trail("aws_cloudtrail.denied", Unknown("cloudtrail:DescribeTrails denied")),
        trail("aws_cloudtrail.var", Trail(all_regions=Unknown("var.multi has no value"),
                                          organization=False, bucket="logs"))))
    assert {a: (v.status, v.message) for a, v in got.items()} == {
        "aws_cloudtrail.denied": ("unknown", "unknown"),
        "aws_cloudtrail.var": ("unknown", "unknown")}
    assert "DescribeTrails denied" in text("HDS-LOG-001", got["aws_cloudtrail.denied"])
    assert "var.multi" in text("HDS-LOG-001", got["aws_cloudtrail.var"])


def test_log_001_an_account_without_any_trail_fails() -> None:
    # A live scan records the account's lack of trail as a trail that does not exist.
    (verdict,) = run("HDS-LOG-001", trail("account", Trail(exists=False, bucket="")))
    assert (verdict.status, verdict.message) == ("fail", "fail_none")


@pytest.mark.parametrize("rule_id,kind", [("HDS-LOG-004", "network"),
                                          ("HDS-LOG-005", "load-balancer")])
def test_own_log_switch_picks_the_message_of_its_status(rule_id: str, kind: str) -> None:
    # A wrong message under a right status is still a wrong report (found by mutation).
    got = by_address(run(rule_id,
                         make(kind, "aws_x.on", logging=Logging(enabled=True, detail="d")),
                         make(kind, "aws_x.off", logging=Logging(enabled=False, detail="d"))))
    assert {a: (v.status, v.message) for a, v in got.items()} == {
        "aws_x.on": ("pass", "pass"), "aws_x.off": ("fail", "fail")}


def test_log_003_an_unreadable_trail_is_unknown_and_no_trail_is_not_judged() -> None:
    got = run("HDS-LOG-003",
              trail("aws_cloudtrail.denied", Unknown("cloudtrail:DescribeTrails denied")),
              trail("account", Trail(exists=False, bucket="")))
    assert [(v.resource.address, v.status, v.message) for v in got] == [
        ("aws_cloudtrail.denied", "unknown", "unknown")]
    assert "DescribeTrails denied" in text("HDS-LOG-003", got[0])


def test_log_008_a_declared_machine_passes_with_the_pass_message() -> None:
    vm = make("instance", "outscale_vm.pacs", provider="outscale",
              logging=Logging(attested=True))
    (verdict,) = run("HDS-LOG-008", vm)
    assert (verdict.status, verdict.message) == ("pass", "pass")


def test_log_008_reads_the_facet_and_the_engine_keeps_the_providers_its_entry_lists() -> None:
    # The rule reads no provider: a machine of a provider whose adapter gave the facet would
    # be judged, and the engine drops that verdict (HDS-LOG-008 lists Outscale only), saying so.
    aws = make("instance", "aws_instance.app", logging=Logging(attested=True))
    (verdict,) = run("HDS-LOG-008", aws)
    assert verdict.status == "pass"
    heard: list = []
    assert engine.run(Inventory([aws]), Settings(), ["HDS-LOG-008"],
                      on_not_listed=lambda *a: heard.append(a)) == []
    assert heard == [("HDS-LOG-008", "aws", 1)]


def test_drift_001_a_managed_resource_passes_naming_its_state() -> None:
    live = make("volume", "vol-1", drift=Drift(side="live", status="managed",
                                               state="prod.tfstate", address="aws_ebs_volume.a"))
    (verdict,) = run("HDS-DRIFT-001", live)
    assert (verdict.status, verdict.message) == ("pass", "pass")
    assert "prod.tfstate" in text("HDS-DRIFT-001", verdict)


def root(address: str, keys) -> Resource:
    return make("user", address, identity=Identity(account_root=True, active_access_keys=keys))


def test_key_002_root_access_keys() -> None:
    got = by_address(run(
        "HDS-KEY-002",
        root("root-none", 0), root("root-one", 1), root("root-two", 2), root("root-unread", None),
        root("root-denied", Unknown("iam:GetAccountSummary denied")),
        make("user", "alice", identity=Identity(active_access_keys=3))))
    assert {a: v.status for a, v in got.items()} == {
        "root-none": "pass", "root-one": "fail", "root-two": "fail", "root-denied": "unknown"}
    assert "2" in text("HDS-KEY-002", got["root-two"])
    assert got["root-denied"].message == "unknown"
    assert "iam:GetAccountSummary denied" in text("HDS-KEY-002", got["root-denied"])


def test_log_002_each_missing_protection_is_named() -> None:
    def settings(validation, customer_key):
        return Trail(all_regions=True, validation=validation, customer_key=customer_key,
                     bucket="logs", detail="d")
    got = by_address(run(
        "HDS-LOG-002",
        trail("both", settings(False, False)), trail("validation", settings(False, True)),
        trail("key", settings(True, False)), trail("good", settings(True, True)),
        trail("unread", Unknown("cloudtrail:DescribeTrails denied")),
        trail("half", settings(True, Unknown("var.kms has no value")))))
    assert {a: (v.status, v.message) for a, v in got.items()} == {
        "both": ("fail", "fail_both"), "validation": ("fail", "fail_validation"),
        "key": ("fail", "fail_key"), "good": ("pass", "pass"),
        "unread": ("unknown", "unknown"), "half": ("unknown", "unknown")}
    assert "cloudtrail:DescribeTrails denied" in text("HDS-LOG-002", got["unread"])
    assert "var.kms has no value" in text("HDS-LOG-002", got["half"])


def test_key_001_a_young_key_under_a_too_long_lifetime_still_fails_on_the_lifetime() -> None:
    """Live: a key 10 days old passes on its age only when the lifetime allowed is within
    the limit too; a policy allowing 400 days is judged on that lifetime."""
    young_long = make("access-key", "alice",
                      identity=Identity(key_age_days=10, key_max_age_days=400))
    young_short = make("access-key", "bob", identity=Identity(key_age_days=10, key_max_age_days=90))
    got = by_address(run("HDS-KEY-001", young_long, young_short))
    assert (got["alice"].status, got["alice"].message) == ("fail", "fail_key_long")
    assert (got["bob"].status, got["bob"].message) == ("pass", "pass_age")


def test_enc_004_an_unexpected_rotation_value_is_unknown() -> None:
    key = make("key", "aws_kms_key.odd", key_rotation=KeyRotation("sometimes", possible=True))
    (verdict,) = run("HDS-ENC-004", key)
    assert (verdict.status, verdict.message) == ("unknown", "unknown")
    assert "sometimes" in text("HDS-ENC-004", verdict)


def test_tls_006_protocols_that_run_on_both_transports_are_seen_on_each() -> None:
    """SNMP, LDAP, NFS and Memcached speak TCP and UDP: an ingress rule on either exposes
    them (written out here, not read back from the table it checks)."""
    from hds_iac.rules._plaintext_protocols import exposed

    assert exposed("tcp", 161, 161) == ["SNMP 161/tcp"]
    assert exposed("udp", 161, 161) == ["SNMP 161/udp"]
    assert exposed("udp", 389, 389) == ["LDAP 389/udp"]
    assert exposed("tcp", 389, 389) == ["LDAP 389/tcp"]
    assert exposed("udp", 2049, 2049) == ["NFS 2049/udp"]
    assert exposed("tcp", 2049, 2049) == ["NFS 2049/tcp"]
    assert exposed("udp", 11211, 11211) == ["Memcached 11211/udp"]
    assert exposed("tcp", 11211, 11211) == ["Memcached 11211/tcp"]
    assert exposed("udp", 23, 23) == []  # Telnet is TCP only


def test_enc_003_when_encryption_itself_is_unknown_the_message_says_which_key_is_set() -> None:
    from hds_iac.model import AtRest

    cmk = make("volume", "aws_ebs_volume.cmk", at_rest=[AtRest(
        enabled=Unknown("var.encrypted has no value"), customer_key=True, part="volume")])
    plain = make("volume", "aws_ebs_volume.plain", at_rest=[AtRest(
        enabled=Unknown("var.encrypted has no value"), customer_key=False, part="volume")])
    got = by_address(run("HDS-ENC-003", cmk, plain))
    assert {a: v.status for a, v in got.items()} == {
        "aws_ebs_volume.cmk": "unknown", "aws_ebs_volume.plain": "unknown"}
    assert "; a customer-managed key is configured" in text("HDS-ENC-003", got["aws_ebs_volume.cmk"])
    assert "; no customer-managed key is configured" in text("HDS-ENC-003",
                                                            got["aws_ebs_volume.plain"])


# --- the shared pieces of rules (hds_iac/rules/_outcome.py, _plaintext_protocols.py) ----------

def test_a_failing_part_decides_over_an_unknown_one_in_any_order() -> None:
    from hds_iac.rules._outcome import Outcome, worst
    unknown, fail, ok = (Outcome("unknown", "disk a", reason="r"), Outcome("fail", "disk b"),
                         Outcome("pass", "disk c"))
    for parts in ([unknown, fail, ok], [ok, fail, unknown], [fail, unknown]):
        assert worst(parts) == ("fail", [fail])
    for parts in ([unknown, ok], [ok, unknown]):
        assert worst(parts) == ("unknown", [unknown])
    assert worst([]) == ("pass", [])


def test_labels_and_facets_name_each_deciding_part_once_in_order() -> None:
    from hds_iac.catalogue import Text
    from hds_iac.rules._outcome import Outcome, facets, labels
    parts = [Outcome("fail", "disk b", facet="at_rest[b].enabled"), Outcome("fail", "disk a"),
             Outcome("fail", "disk b", facet="at_rest[b].enabled"),
             Outcome("fail", "disk c", facet="at_rest[c].enabled")]
    # plain labels make a plain text; one label in two languages makes the whole a Text
    assert labels(parts) == "disk b, disk a, disk c"
    assert labels([*parts, Outcome("fail", Text(en="copy (Germany)", fr="copie (Allemagne)"))]) \
        == Text(en="disk b, disk a, disk c, copy (Germany)",
                fr="disk b, disk a, disk c, copie (Allemagne)")
    # a part that judged no facet value adds none
    assert facets(parts) == ("at_rest[b].enabled", "at_rest[c].enabled")
    assert facets([Outcome("fail", "disk a")]) == ()
    # one outcome, two, none: each answered as the loop over them answers (`_outcome`
    # answers one without the loop)
    assert labels(parts[:1]) == "disk b" and facets(parts[:1]) == ("at_rest[b].enabled",)
    assert labels([parts[0], parts[3]]) == "disk b, disk c"
    assert facets([parts[0], parts[3]]) == ("at_rest[b].enabled", "at_rest[c].enabled")
    assert labels([]) == "" and facets([]) == ()


def test_unknown_reasons_name_their_part_once() -> None:
    from hds_iac.rules._outcome import Outcome, reasons
    parts = [Outcome("unknown", "disk a", reason="r1"), Outcome("unknown", "", reason="r2"),
             Outcome("unknown", "disk a", reason="r1"), Outcome("unknown", "disk b")]
    assert reasons(parts) == "disk a: r1; r2"


def test_each_plaintext_protocol_is_found_on_its_own_well_known_ports() -> None:
    """The IANA ports of each protocol HDS-TLS-006 names: a rule opening exactly those
    ports shows that protocol and those ports, and the ports beside them do not."""
    from hds_iac.rules._plaintext_protocols import PLAINTEXT_PROTOCOLS, exposed
    iana = {"FTP": (20, 21), "Telnet": (23, 23), "HTTP": (80, 80), "POP3": (110, 110),
            "IMAP": (143, 143), "SNMP": (161, 161), "LDAP": (389, 389),
            "rsh/rlogin/rexec": (512, 514), "rsync": (873, 873), "NFS": (2049, 2049),
            "VNC": (5900, 5900), "Redis": (6379, 6379), "Memcached": (11211, 11211)}
    assert {name: (first, last) for name, first, last, _ in PLAINTEXT_PROTOCOLS} == iana
    for name, first, last, transports in PLAINTEXT_PROTOCOLS:
        shown = str(first) if first == last else f"{first}-{last}"
        for transport in transports:
            assert exposed(transport, first, first) == [f"{name} {shown}/{transport}"]
            assert exposed(transport, last, last) == [f"{name} {shown}/{transport}"]
            assert not any(e.startswith(f"{name} ") for e in exposed(transport, last + 1, last + 1))
            assert not any(e.startswith(f"{name} ") for e in exposed(transport, first - 1, first - 1))


def _drift(side: str, status: str, **kw) -> Resource:
    return make("volume", f"vol-{status}-{len(kw)}", drift=Drift(side=side, status=status,
                                                                 state="prod.tfstate", **kw))


def test_drift_001_unmanaged_fails_and_unknown_says_why() -> None:
    from hds_iac.model import FactChange  # noqa: F401 - the facet's own type
    got = by_address(run("HDS-DRIFT-001", _drift("live", "unmanaged"),
                         _drift("live", "unknown", reason="ec2:DescribeVolumes denied"),
                         _drift("state", "missing")))
    assert {a: v.status for a, v in got.items()} == {"vol-unmanaged-0": "fail",
                                                     "vol-unknown-1": "unknown"}
    assert "ec2:DescribeVolumes denied" in text("HDS-DRIFT-001", got["vol-unknown-1"])


def test_drift_002_each_comparison_gives_its_verdict_and_message() -> None:
    from hds_iac.model import FactChange
    region = FactChange("region", "eu-west-3", "us-east-1")
    key = FactChange("customer-managed key", "the state holds no key", "?")
    denied = FactChange("encryption at rest", "true", "kms:DescribeKey denied")
    cases = {
        "changed": dict(compared=("region",), changes=(region,)),
        "unresolved": dict(compared=("region",), unresolved=(denied,)),
        "nothing compared": dict(not_in_state=(key,)),
        "partial": dict(compared=("region",), not_in_state=(key,)),
        "equal": dict(compared=("region", "multi-AZ")),
        "nothing to compare": dict(),
    }
    resources = [make("volume", name, drift=Drift(side="live", status="managed",
                                                  state="prod.tfstate", address="aws_x.y", **kw))
                 for name, kw in cases.items()]
    resources.append(make("volume", "unmanaged", drift=Drift(
        side="live", status="unmanaged", compared=("region",), changes=(region,))))
    got = by_address(run("HDS-DRIFT-002", *resources))
    assert {a: (v.status, v.message) for a, v in got.items()} == {
        "changed": ("fail", "fail"), "unresolved": ("unknown", "unknown"),
        "nothing compared": ("unknown", "unknown"), "partial": ("pass", "pass_partial"),
        "equal": ("pass", "pass")}
    assert "region: state eu-west-3, live us-east-1" in text("HDS-DRIFT-002", got["changed"])
    assert "kms:DescribeKey denied" in text("HDS-DRIFT-002", got["unresolved"])
    assert "the state holds no key" in text("HDS-DRIFT-002", got["nothing compared"])
    partial = text("HDS-DRIFT-002", got["partial"])
    assert "region" in partial and "customer-managed key (the state holds no key)" in partial
    assert "region, multi-AZ" in text("HDS-DRIFT-002", got["equal"])


def test_drift_003_missing_fails_and_unknown_says_why() -> None:
    got = by_address(run("HDS-DRIFT-003", _drift("state", "found", address="vol-1"),
                         _drift("state", "missing", address="vol-2"),
                         _drift("state", "unknown", reason="listing incomplete"),
                         _drift("live", "managed")))
    assert {a: v.status for a, v in got.items()} == {
        "vol-found-1": "pass", "vol-missing-1": "fail", "vol-unknown-1": "unknown"}
    assert "vol-2" in text("HDS-DRIFT-003", got["vol-missing-1"])
    assert "listing incomplete" in text("HDS-DRIFT-003", got["vol-unknown-1"])


def test_log_003_each_fault_of_the_trail_bucket_is_named() -> None:
    def bucket(region, blocked):
        return Trail(all_regions=True, bucket="logs", bucket_region=region,
                     bucket_blocked=blocked, detail="d")
    got = by_address(run(
        "HDS-LOG-003",
        trail("both", bucket("us-east-1", False)), trail("region", bucket("us-east-1", True)),
        trail("public", bucket("eu-west-3", False)), trail("good", bucket("eu-west-3", True)),
        trail("unread block", bucket("eu-west-3", None)),
        trail("unknown block", bucket("eu-west-3", Unknown("var.block has no value")))))
    assert {a: (v.status, v.message) for a, v in got.items()} == {
        "both": ("fail", "fail_both"), "region": ("fail", "fail_region"),
        "public": ("fail", "fail_public"), "good": ("pass", "pass"),
        "unread block": ("unknown", "unknown"), "unknown block": ("unknown", "unknown")}
    assert "public access block of bucket logs was not read" in text(
        "HDS-LOG-003", got["unread block"])
    assert "var.block has no value" in text("HDS-LOG-003", got["unknown block"])


def test_an_unknown_is_explained_by_its_reason_else_its_references() -> None:
    from hds_iac.rules._unknown import why
    assert why(Unknown("var.x has no value", ("var.x",))) == "var.x has no value"
    assert why(Unknown("", ("aws_kms_key.a", "aws_kms_key.b"))) == \
        "depends on aws_kms_key.a, aws_kms_key.b, not known before apply"
    assert why(Unknown("")) == "the value cannot be resolved"


def test_log_007_and_tls_001_pass_with_their_pass_message() -> None:
    from hds_iac.model import Flow
    (kept,) = run("HDS-LOG-007", make("log-group", "g", logging=Logging(retention_days=365)))
    assert (kept.status, kept.message) == ("pass", "pass")
    (https,) = run("HDS-TLS-001", make("listener", "l", flows=[Flow("listener :443", encrypted=True)]))
    assert (https.status, https.message) == ("pass", "pass")


def test_log_007_a_short_retention_fails_with_the_fail_message() -> None:
    (short,) = run("HDS-LOG-007", make("log-group", "g", logging=Logging(retention_days=7)))
    assert (short.status, short.message) == ("fail", "fail")


def test_log_008_each_declaration_picks_its_message_and_only_a_pass_is_declared() -> None:
    # Found by mutation: a wrong message or declared flag under a right status.
    def vm(address: str, attested) -> Resource:
        return make("instance", address, provider="outscale", logging=Logging(attested=attested))
    got = by_address(run("HDS-LOG-008", vm("outscale_vm.yes", True), vm("outscale_vm.no", False),
                         vm("outscale_vm.var", Unknown("tags from var.tags")),
                         vm("outscale_vm.none", None)))
    assert {a: (v.status, v.message, v.declared) for a, v in got.items()} == {
        "outscale_vm.yes": ("pass", "pass", True), "outscale_vm.no": ("fail", "fail", False),
        "outscale_vm.var": ("unknown", "unknown", False),
        "outscale_vm.none": ("unknown", "unknown_undeclared", False)}
    assert "var.tags" in text("HDS-LOG-008", got["outscale_vm.var"])
