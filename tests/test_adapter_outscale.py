"""The Outscale Terraform adapter: records built by hand (HCL, plan and state shapes) -> model,
and every managed resource of the public Outscale provider states in shared/corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hds_iac.adapters import terraform_outscale
from hds_iac.adapters.attestation import attestation
from hds_iac.adapters.terraform import TfIndex, to_inventory
from hds_iac.model import AtRest, Backup, Destination, OpenPort, Resource, Sharing, Unknown
from hds_iac.terraform.records import TfConfiguration, TfResource

REGION = "eu-west-2"
ENC = "hds-iac:encryption"
BAK = "hds-iac:backup"
STATE_REGION = Unknown("states do not record the provider region")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "state-outscale"


def rec(address: str, values: dict | None = None, *, source: str = "hcl", region=REGION,
        mode: str = "managed", provider: str = "outscale") -> TfResource:
    rtype, name = address.split(".")[-2], address.split(".")[-1].split("[")[0]
    return TfResource(address=address, mode=mode, type=rtype, name=name, provider=provider,
                      provider_region=region, values=values or {}, source=source,
                      file="main.tf", line=1)


def state(address: str, values: dict) -> TfResource:
    return rec(address, values, source="state", region=STATE_REGION)


def ref(*addresses: str) -> Unknown:
    return Unknown("known after apply", refs=addresses)


def tags(**pairs: str) -> list[dict]:
    return [{"key": k.replace("__", ":").replace("_", "-"), "value": v} for k, v in pairs.items()]


def adapt(*records: TfResource) -> dict[str, Resource]:
    index = TfIndex(records)
    out: dict[str, Resource] = {}
    for r in records:
        for res in terraform_outscale.adapt(r, index):
            assert res.address not in out
            assert res.provider == "outscale"
            out[res.address] = res
    return out


def one(*records: TfResource) -> Resource:
    return adapt(*records)[records[0].address]


# --- regions, ids, tags, dispatch -------------------------------------------------------


def test_region_from_provider_or_subregion():
    assert one(rec("outscale_volume.v", {"subregion_name": "eu-west-2a"})).region == REGION
    # provider region wins over the subregion
    assert one(rec("outscale_volume.v", {"subregion_name": "us-east-2a"})).region == REGION
    # states: derived from the subregion (cloudgouv too)
    assert one(state("outscale_volume.v", {"subregion_name": "cloudgouv-eu-west-1b"})).region \
        == "cloudgouv-eu-west-1"
    assert one(state("outscale_volume.v", {"subregion_name": "us-east-2a"})).region == "us-east-2"


def test_masked_or_missing_region_stays_unknown():
    got = one(state("outscale_volume.v", {"subregion_name": "########"}))
    assert got.region is STATE_REGION
    got = one(state("outscale_volume.v", {"subregion_name": "##id-3##"}))
    assert got.region is STATE_REGION
    got = one(rec("outscale_volume.v", {"subregion_name": "not a zone"}, region=None))
    assert isinstance(got.region, Unknown)
    got = one(rec("outscale_volume.v", {}, region="########"))
    assert isinstance(got.region, Unknown)


def test_ids_and_tags():
    got = one(state("outscale_volume.v", {"id": "vol-1", "volume_id": "vol-1",
                                          "tags": tags(Name="data", env="prod")}))
    assert got.ids == ("vol-1",)
    assert got.tags == {"Name": "data", "env": "prod"}
    assert got.origin.source == "state"
    got = one(rec("outscale_vm.a", {"vm_id": "i-1", "id": "i-1"}))
    assert got.ids == ("i-1",)
    # a masked bare value is not an id
    assert one(state("outscale_volume.v", {"id": "########"})).ids == ()
    # a tags map (older provider) is read too
    assert one(rec("outscale_volume.v", {"tags": {"a": "b"}})).tags == {"a": "b"}


def test_unknown_and_unexpected_tags():
    assert isinstance(one(rec("outscale_volume.v", {"tags": ref("var.tags")})).tags, Unknown)
    assert isinstance(one(rec("outscale_volume.v", {"tags": 5})).tags, Unknown)
    got = one(rec("outscale_volume.v", {"tags": [{"key": ref("var.k"), "value": "x"}]}))
    assert isinstance(got.tags, Unknown)


def test_other_providers_and_data_sources_are_ignored():
    index = TfIndex([])
    assert terraform_outscale.adapt(rec("outscale_volume.v", provider="aws"), index) == []
    assert terraform_outscale.adapt(rec("outscale_volume.v", mode="data"), index) == []
    assert terraform_outscale.adapt(rec("outscale_keypair.k"), index) == []


def test_net_subnet_and_listener_rule_map_to_nothing():
    assert adapt(rec("outscale_net.n", {"ip_range": "10.0.0.0/16"}),
                 rec("outscale_subnet.s", {"subregion_name": "eu-west-2a"}),
                 rec("outscale_load_balancer_listener_rule.r",
                     {"listener": [{"load_balancer_name": "lb", "load_balancer_port": 80}]})) == {}


def test_dispatcher_uses_this_adapter():
    config = TfConfiguration(resources=[rec("outscale_volume.v", {"subregion_name": "eu-west-2a"}),
                                        rec("outscale_user.u", {"user_name": "alice"})])
    inventory = to_inventory(config)
    assert config.errors == []
    assert sorted(r.kind for r in inventory) == ["user", "volume"]


# --- volumes and VMs ----------------------------------------------------------------------


def test_volume_client_side_encryption_needs_attestation():
    got = one(rec("outscale_volume.v", {"subregion_name": "eu-west-2a", "size": 10}))
    assert got.kind == "volume" and got.stores_data
    assert got.at_rest == [AtRest(enabled=None, default="client-side", attested=False, part="volume")]
    assert got.placement.zones == ("eu-west-2a",)
    assert got.backup == Backup(attested=False, provider_plans=False)


@pytest.mark.parametrize("value, expected", [
    ("luks", True), ("true", True), ("yes", True),
    ("false", False), ("No", False), ("0", False), ("", False),
])
def test_volume_attestation_values(value, expected):
    got = one(rec("outscale_volume.v", {"tags": [{"key": ENC, "value": value},
                                                 {"key": BAK, "value": value}]}))
    assert got.at_rest[0].attested is expected
    assert got.backup.attested is expected


def test_volume_unknown_attestation_is_unknown_not_false():
    got = one(rec("outscale_volume.v", {"tags": [{"key": ENC, "value": ref("var.enc")}]}))
    assert isinstance(got.at_rest[0].attested, Unknown)
    assert got.backup.attested is False
    got = one(rec("outscale_volume.v", {"tags": ref("local.tags")}))
    assert isinstance(got.at_rest[0].attested, Unknown)
    assert isinstance(got.backup.attested, Unknown)


def test_attestation_helper_with_a_custom_tag():
    assert attestation({"my:enc": "on"}, "my:enc") is True
    assert attestation({"my:enc": "on"}, ENC) is False
    assert isinstance(attestation(Unknown("x"), ENC), Unknown)


def test_vm_zone_disks_and_no_user_data():
    secret = "c3VwZXItc2VjcmV0LXBhc3N3b3Jk"
    got = one(rec("outscale_vm.a", {
        "image_id": "ami-1", "placement_subregion_name": "eu-west-2b",
        "user_data": secret, "admin_password": "hunter2",
        "tags": tags(hds_iac__encryption="luks"),
        "block_device_mappings": [
            {"device_name": "/dev/sda1", "bsu": [{"volume_size": 20}]},
            {"device_name": "/dev/sdb", "bsu": [{"volume_size": 100}]},
            {"device_name": "/dev/sdc", "no_device": "true"},
        ],
    }))
    assert got.kind == "instance" and got.stores_data
    assert got.region == REGION
    assert got.placement.standalone is True and got.placement.zones == ("eu-west-2b",)
    assert [d.part for d in got.at_rest] == ["boot disk /dev/sda1", "bsu /dev/sdb"]
    assert all(d.default == "client-side" and d.enabled is None and d.attested for d in got.at_rest)
    assert secret not in repr(got) and "hunter2" not in repr(got)


def test_vm_boot_disk_only_and_per_disk_attestation():
    got = one(rec("outscale_vm.a", {"block_device_mappings": [
        {"device_name": "/dev/sdb", "bsu": [{"volume_size": 100,
                                            "tags": [{"key": ENC, "value": "luks"}]}]}]}))
    assert [(d.part, d.attested) for d in got.at_rest] == [
        ("boot disk /dev/sda1", False), ("bsu /dev/sdb", True)]


def test_vm_zone_from_subnet_in_code():
    subnet = rec("outscale_subnet.s", {"subregion_name": "eu-west-2c", "net_id": ref("outscale_net.n")})
    vm = rec("outscale_vm.a", {"subnet_id": ref("outscale_subnet.s")})
    got = adapt(vm, subnet)
    assert got["outscale_vm.a"].placement.zones == ("eu-west-2c",)
    assert "outscale_subnet.s" not in got


def test_vm_zone_from_subnet_in_plan_with_computed_placement():
    subnet = rec("outscale_subnet.s", {"subregion_name": "eu-west-2a"}, source="plan")
    vm = rec("outscale_vm.a", {"subnet_id": ref("outscale_subnet.s"),
                               "placement_subregion_name": Unknown("known after apply")},
             source="plan")
    assert one(vm, subnet).placement.zones == ("eu-west-2a",)


def test_vm_zone_from_subnet_in_state_by_id_masked_or_not():
    for subnet_id in ("subnet-12345678", "##id-4##"):
        subnet = state("outscale_subnet.s", {"id": subnet_id, "subnet_id": subnet_id,
                                             "subregion_name": "us-east-2a"})
        vm = state("outscale_vm.a", {"id": "i-1", "vm_id": "i-1", "subnet_id": subnet_id})
        got = one(vm, subnet)
        assert got.placement.zones == ("us-east-2a",)
        assert got.region == "us-east-2"


def test_vm_zone_unknown_when_unresolvable():
    got = one(rec("outscale_vm.a", {"subnet_id": "subnet-elsewhere"}))
    assert isinstance(got.placement.zones, Unknown)
    assert got.region == REGION
    got = one(rec("outscale_vm.a", {}))
    assert isinstance(got.placement.zones, Unknown)
    got = one(rec("outscale_vm.a", {"placement_subregion_name": 42}))
    assert got.placement.zones == Unknown("unexpected value for placement_subregion_name")
    got = one(state("outscale_vm.a", {"placement_subregion_name": "########"}))
    assert isinstance(got.placement.zones, Unknown) and got.region is STATE_REGION


# --- snapshots and images -----------------------------------------------------------------


def test_snapshot_copy_lands_in_this_region():
    got = one(rec("outscale_snapshot.copy", {"source_snapshot_id": "snap-1",
                                             "source_region_name": "us-east-2"}))
    assert got.kind == "snapshot" and got.stores_data
    assert got.region == REGION
    assert got.destinations == [Destination(region=REGION, what="snapshot copy from us-east-2")]
    # a copy INTO a region outside the area: the destination is that region
    got = one(rec("outscale_snapshot.copy", {"source_region_name": "eu-west-2"}, region="us-west-1"))
    assert got.destinations[0].region == "us-west-1"


def test_snapshot_copy_with_unknown_region_or_source():
    got = one(rec("outscale_snapshot.copy", {"source_region_name": "eu-west-2"}, region=None))
    assert isinstance(got.destinations[0].region, Unknown)
    got = one(rec("outscale_snapshot.copy", {"source_region_name": ref("var.src")}))
    assert got.destinations == [Destination(region=REGION, what="snapshot copy from another region")]


def test_snapshot_not_a_copy():
    got = one(rec("outscale_snapshot.s", {"volume_id": ref("outscale_volume.v")}))
    assert got.destinations == [] and got.sharing == Sharing()
    # plan: a computed source_region_name the config omits is not a copy
    got = one(rec("outscale_snapshot.s", {"source_region_name": Unknown("known after apply")},
                  source="plan"))
    assert got.destinations == []
    got = one(state("outscale_snapshot.s", {"source_region_name": None}))
    assert got.destinations == []


def test_snapshot_region_from_its_volume_in_a_state():
    vol = state("outscale_volume.v", {"id": "vol-1", "volume_id": "vol-1",
                                      "subregion_name": "eu-west-2a"})
    snap = state("outscale_snapshot.s", {"id": "snap-1", "snapshot_id": "snap-1",
                                         "volume_id": "vol-1"})
    assert adapt(snap, vol)["outscale_snapshot.s"].region == REGION


def test_snapshot_sharing_in_state():
    got = one(state("outscale_snapshot.s", {"snapshot_id": "snap-1", "permissions_to_create_volume": [
        {"global_permission": True, "account_ids": ["123456789012"]}]}))
    assert got.sharing == Sharing(public=True, accounts=("123456789012",))


def test_snapshot_attributes_share():
    got = one(rec("outscale_snapshot_attributes.p", {
        "snapshot_id": ref("outscale_snapshot.s"),
        "permissions_to_create_volume_additions": [
            {"global_permission": True, "account_ids": ["123456789012"]}]}))
    assert got.kind == "snapshot" and got.stores_data is False
    assert got.sharing == Sharing(public=True, accounts=("123456789012",))
    got = one(state("outscale_snapshot_attributes.p", {
        "snapshot_id": "snap-1",
        "permissions_to_create_volume_additions": [
            {"global_permission": "false", "account_ids": ["123456789012", "210987654321"]}]}))
    assert got.sharing == Sharing(public=False, accounts=("123456789012", "210987654321"))
    got = one(rec("outscale_snapshot_attributes.p", {
        "permissions_to_create_volume_additions": [
            {"global_permission": ref("var.public"), "account_ids": ref("var.accounts")}]}))
    assert isinstance(got.sharing.public, Unknown) and isinstance(got.sharing.accounts, Unknown)
    got = one(rec("outscale_snapshot_attributes.p", {
        "permissions_to_create_volume_additions": [{"global_permission": "maybe"}]}))
    assert got.sharing.public == Unknown("unexpected value for global_permission")


def test_snapshot_attributes_region_from_the_snapshot():
    vol = state("outscale_volume.v", {"id": "vol-1", "volume_id": "vol-1", "subregion_name": "us-east-2b"})
    snap = state("outscale_snapshot.s", {"id": "snap-1", "snapshot_id": "snap-1", "volume_id": "vol-1"})
    perm = state("outscale_snapshot_attributes.p", {"id": "snap-1", "snapshot_id": "snap-1",
                                                    "permissions_to_create_volume_additions": []})
    assert adapt(perm, snap, vol)["outscale_snapshot_attributes.p"].region == "us-east-2"


def test_image_and_launch_permission():
    got = one(state("outscale_image.i", {
        "id": "ami-1", "image_id": "ami-1", "is_public": None,
        "permissions_to_launch": [{"account_ids": [], "global_permission": False}]}))
    assert got.kind == "image" and got.stores_data and got.ids == ("ami-1",)
    assert got.sharing == Sharing(public=False, accounts=())
    got = one(rec("outscale_image.copy", {"source_image_id": "ami-1", "source_region_name": "us-east-2"}))
    assert got.destinations == [Destination(region=REGION, what="image copy from us-east-2")]
    got = one(rec("outscale_image_launch_permission.p", {
        "image_id": ref("outscale_image.i"),
        "permission_additions": [{"global_permission": "true", "account_ids": []}]}))
    assert got.kind == "image" and got.stores_data is False
    assert got.sharing == Sharing(public=True, accounts=())
    got = one(rec("outscale_image_launch_permission.p", {
        "permission_additions": [{"account_ids": ["123456789012"]}]}))
    assert got.sharing == Sharing(public=False, accounts=("123456789012",))


# --- load balancers -------------------------------------------------------------------------


def test_load_balancer_listeners():
    got = one(rec("outscale_load_balancer.lb", {
        "subregion_names": ["eu-west-2a", "eu-west-2b"],
        "listeners": [
            {"load_balancer_protocol": "HTTP", "load_balancer_port": 80,
             "backend_protocol": "HTTP", "backend_port": 8080},
            {"load_balancer_protocol": "TCP", "load_balancer_port": "5432", "backend_protocol": "TCP"},
            {"load_balancer_protocol": "HTTPS", "load_balancer_port": 443,
             "backend_protocol": "HTTP", "server_certificate_id": "orn:ows:idauth::1:server-certificate/c"},
            {"load_balancer_protocol": "SSL", "load_balancer_port": 8443, "backend_protocol": "TCP",
             "server_certificate_id": ""},
            {"load_balancer_protocol": "https", "load_balancer_port": 9443,
             "server_certificate_id": ref("outscale_server_certificate.c")},
        ]}))
    assert got.kind == "load-balancer" and got.region == REGION
    tcp = got.flows[1].encrypted
    assert isinstance(tcp, Unknown) and "passes the bytes through" in tcp.reason
    assert [(f.name, f.encrypted, f.certificate, f.min_tls) for f in got.flows] == [
        ("listener :80", False, None, None),
        ("listener :5432", tcp, None, None),
        ("listener :443", True, True, None),
        ("listener :8443", True, False, None),
        ("listener :9443", True, True, None),
    ]
    assert not any(f.redirects_to_https for f in got.flows)
    assert got.placement.zones == ("eu-west-2a", "eu-west-2b")


def test_load_balancer_unknown_and_unexpected_values():
    got = one(rec("outscale_load_balancer.lb", {"listeners": [
        {"load_balancer_protocol": ref("var.proto"), "load_balancer_port": 80},
        {"load_balancer_protocol": "QUIC", "load_balancer_port": 80},
        {"load_balancer_protocol": ["x"], "load_balancer_port": 80}]}))
    assert isinstance(got.flows[0].encrypted, Unknown)
    assert isinstance(got.flows[1].encrypted, Unknown)
    assert isinstance(got.flows[2].encrypted, Unknown)
    assert isinstance(got.placement.zones, Unknown)
    got = one(rec("outscale_load_balancer.lb", {"listeners": "nope", "subregion_names": 7}))
    assert isinstance(got.flows[0].encrypted, Unknown)
    assert isinstance(got.placement.zones, Unknown)


def test_load_balancer_zones_from_subnets():
    a = rec("outscale_subnet.a", {"subregion_name": "eu-west-2a"})
    b = rec("outscale_subnet.b", {"subregion_name": "eu-west-2b"})
    lb = rec("outscale_load_balancer.lb", {"subnets": [ref("outscale_subnet.a"), ref("outscale_subnet.b")],
                                           "listeners": []})
    assert one(lb, a, b).placement.zones == ("eu-west-2a", "eu-west-2b")
    # a splat over every instance
    s0 = rec("outscale_subnet.s[0]", {"subregion_name": "eu-west-2a"})
    s1 = rec("outscale_subnet.s[1]", {"subregion_name": "eu-west-2c"})
    lb = rec("outscale_load_balancer.lb", {"subnets": ref("outscale_subnet.s"), "listeners": []})
    assert one(lb, s0, s1).placement.zones == ("eu-west-2a", "eu-west-2c")
    # state: ids
    s = state("outscale_subnet.s", {"id": "subnet-1", "subnet_id": "subnet-1", "subregion_name": "us-east-2a"})
    lb = state("outscale_load_balancer.lb", {"subnets": ["subnet-1"], "subregion_names": ["us-east-2a"],
                                             "listeners": []})
    got = one(lb, s)
    assert got.placement.zones == ("us-east-2a",) and got.region == "us-east-2"
    # a subnet outside the configuration
    lb = rec("outscale_load_balancer.lb", {"subnets": ["subnet-x"], "listeners": []})
    assert isinstance(one(lb).placement.zones, Unknown)


# --- security groups ------------------------------------------------------------------------


def test_security_group_with_rules_in_code():
    sg = rec("outscale_security_group.sg", {"description": "web"})
    r1 = rec("outscale_security_group_rule.ssh", {
        "flow": "Inbound", "security_group_id": ref("outscale_security_group.sg"),
        "from_port_range": "22", "to_port_range": "22", "ip_protocol": "tcp", "ip_range": "0.0.0.0/0"})
    r2 = rec("outscale_security_group_rule.many", {
        "flow": "Inbound", "security_group_id": ref("outscale_security_group.sg"),
        "rules": [
            {"from_port_range": 80, "to_port_range": 80, "ip_protocol": "tcp",
             "ip_ranges": ["0.0.0.0/0", "10.0.0.0/8"]},
            {"ip_protocol": "-1", "ip_ranges": ["192.168.0.0/16"]},
            {"from_port_range": -1, "to_port_range": -1, "ip_protocol": "icmp", "ip_ranges": ["0.0.0.0/0"]},
            {"from_port_range": 5432, "to_port_range": 5432, "ip_protocol": "tcp",
             "security_groups_members": [{"security_group_name": "other"}]},
        ]})
    out = rec("outscale_security_group_rule.out", {
        "flow": "Outbound", "security_group_id": ref("outscale_security_group.sg"),
        "from_port_range": 0, "to_port_range": 65535, "ip_protocol": "tcp", "ip_range": "0.0.0.0/0"})
    got = adapt(sg, r1, r2, out)
    assert list(got) == ["outscale_security_group.sg"]
    ports = got["outscale_security_group.sg"].open_ports
    assert got["outscale_security_group.sg"].kind == "security-group"
    assert OpenPort("tcp", 22, 22, ("0.0.0.0/0",)) in ports
    assert OpenPort("tcp", 80, 80, ("0.0.0.0/0", "10.0.0.0/8")) in ports
    assert OpenPort("all", 0, 65535, ("192.168.0.0/16",)) in ports
    assert OpenPort("tcp", 5432, 5432, ()) in ports
    assert len(ports) == 4  # icmp skipped, outbound ignored


def test_security_group_in_state_inline_and_rule_by_masked_id():
    sg = state("outscale_security_group.sg", {
        "id": "##id-1##", "security_group_id": "##id-1##",
        "inbound_rules": [{"from_port_range": 80, "to_port_range": 80, "ip_protocol": "tcp",
                           "ip_ranges": ["0.0.0.0/0"]},
                          {"from_port_range": 22, "to_port_range": 22, "ip_protocol": "tcp",
                           "ip_ranges": "########"}]})
    rule = state("outscale_security_group_rule.r", {
        "flow": "Inbound", "id": "##id-1##", "security_group_id": "##id-1##", "rules": [],
        "from_port_range": 80, "to_port_range": 80, "ip_protocol": "tcp", "ip_range": "0.0.0.0/0"})
    got = adapt(sg, rule)
    assert list(got) == ["outscale_security_group.sg"]
    ports = got["outscale_security_group.sg"].open_ports
    assert ports[0] == OpenPort("tcp", 80, 80, ("0.0.0.0/0",))  # deduplicated
    assert ports[1].from_port == 22 and isinstance(ports[1].sources, Unknown)
    assert len(ports) == 2


def test_security_group_rule_without_its_group_stands_alone():
    rule = rec("outscale_security_group_rule.r", {
        "flow": "Inbound", "security_group_id": "sg-elsewhere",
        "from_port_range": 3389, "to_port_range": 3389, "ip_protocol": "tcp", "ip_range": "0.0.0.0/0"})
    got = one(rule)
    assert got.kind == "security-group"
    assert got.open_ports == [OpenPort("tcp", 3389, 3389, ("0.0.0.0/0",))]
    assert adapt(rec("outscale_security_group_rule.o", {"flow": "Outbound", "ip_range": "0.0.0.0/0"})) == {}


def test_security_group_rule_unknown_values():
    got = one(rec("outscale_security_group_rule.r", {"flow": ref("var.flow"), "ip_range": "0.0.0.0/0"}))
    assert isinstance(got.open_ports[0].sources, Unknown)
    got = one(rec("outscale_security_group_rule.r", {
        "flow": "Inbound", "from_port_range": "ssh", "to_port_range": 22, "ip_protocol": "tcp",
        "ip_range": ref("var.cidr")}))
    assert got.open_ports[0].from_port == Unknown("unexpected value for from_port_range")
    assert isinstance(got.open_ports[0].sources, Unknown)
    got = one(rec("outscale_security_group_rule.r", {"flow": "Inbound", "rules": "bad"}))
    assert isinstance(got.open_ports[0].from_port, Unknown)


# --- VPN, identity ---------------------------------------------------------------------------


def test_vpn_connection_is_encrypted():
    got = one(rec("outscale_vpn_connection.v", {"connection_type": "ipsec.1",
                                                "client_gateway_id": ref("outscale_client_gateway.c")}))
    assert got.kind == "vpn" and got.region == REGION
    assert [f.encrypted for f in got.flows] == [True]


@pytest.mark.parametrize("seconds, days", [
    (0, 0), (31536000, 365), ("7776000", 90), (3600, 1), (86401, 2),
])
def test_api_access_policy(seconds, days):
    got = one(rec("outscale_api_access_policy.unique", {
        "max_access_key_expiration_seconds": seconds, "require_trusted_env": seconds != 0}))
    assert got.kind == "account-policy" and got.region is None
    assert got.identity.key_max_age_days == days
    assert got.identity.mfa_enforced is (seconds != 0)


def test_api_access_policy_unknowns():
    got = one(rec("outscale_api_access_policy.unique", {
        "max_access_key_expiration_seconds": ref("var.max"), "require_trusted_env": "yes please"}))
    assert isinstance(got.identity.key_max_age_days, Unknown)
    assert got.identity.mfa_enforced == Unknown("unexpected value for require_trusted_env")
    got = one(rec("outscale_api_access_policy.unique", {"require_trusted_env": "true",
                                                         "max_access_key_expiration_seconds": 1.5}))
    assert got.identity.mfa_enforced is True
    assert isinstance(got.identity.key_max_age_days, Unknown)


def test_access_key_expiration():
    got = one(rec("outscale_access_key.k", {"state": "ACTIVE"}))
    assert got.kind == "access-key" and got.region is None
    assert got.identity.key_max_age_days == 0
    got = one(state("outscale_access_key.k", {"expiration_date": "", "secret_key": "S3CR3T"}))
    assert got.identity.key_max_age_days == 0 and "S3CR3T" not in repr(got)
    got = one(state("outscale_access_key.k", {"creation_date": "2026-01-01T10:00:00.000+0000",
                                              "expiration_date": "2026-04-01T10:00:00.000+0000"}))
    assert got.identity.key_max_age_days == 90
    got = one(rec("outscale_access_key.k", {"expiration_date": "2028-01-01"}))
    assert got.identity.key_max_age_days == 1  # expires; lifetime unknown before creation
    got = one(rec("outscale_access_key.k", {"expiration_date": Unknown("function timeadd is not evaluated")}))
    assert got.identity.key_max_age_days == 1
    got = one(state("outscale_access_key.k", {"expiration_date": "########"}))
    assert isinstance(got.identity.key_max_age_days, Unknown)
    got = one(rec("outscale_access_key.k", {"expiration_date": "soon"}))
    assert got.identity.key_max_age_days == Unknown("unexpected value for expiration_date")
    got = one(rec("outscale_access_key.k", {"expiration_date": 12}))
    assert isinstance(got.identity.key_max_age_days, Unknown)
    got = one(rec("outscale_access_key.k", {"expiration_date": Unknown("known after apply")}, source="plan"))
    assert got.identity.key_max_age_days == 0


def test_user_mfa_is_unknown_with_the_reason():
    got = one(rec("outscale_user.u", {"user_name": "alice", "path": "/"}))
    assert got.kind == "user" and got.region is None
    assert got.identity.mfa_enforced == Unknown(terraform_outscale.USER_MFA_UNKNOWN)
    assert "require_trusted_env" in got.identity.mfa_enforced.reason


# --- the public provider states ------------------------------------------------------------


def _load_state(path: Path) -> list[TfResource]:
    """A tiny format-4 state loader, independent of the project's state reader."""
    doc = json.loads(path.read_text("utf-8"))
    records = []
    for res in doc.get("resources", []):
        provider = "outscale" if "outscale/outscale" in res.get("provider", "") else "other"
        prefix = (res["module"] + ".") if res.get("module") else ""
        for inst in res.get("instances", []):
            key = inst.get("index_key")
            suffix = "" if key is None else f"[{json.dumps(key)}]"
            data = "data." if res["mode"] == "data" else ""
            records.append(TfResource(
                address=f"{prefix}{data}{res['type']}.{res['name']}{suffix}", mode=res["mode"],
                type=res["type"], name=res["name"], provider=provider,
                provider_region=STATE_REGION, values=inst.get("attributes") or {},
                source="state", file=path.name))
    return records


STATE_FILES = sorted(CORPUS.glob("*.json"))


@pytest.mark.skipif(not STATE_FILES, reason="shared corpus not present")
def test_every_corpus_state_resource_adapts():
    kinds: dict[str, int] = {}
    adapted = 0
    for path in STATE_FILES:
        records = _load_state(path)
        index = TfIndex(records)
        for record in records:
            for res in terraform_outscale.adapt(record, index):  # must not raise
                adapted += 1
                kinds[res.kind] = kinds.get(res.kind, 0) + 1
                assert res.provider == "outscale" and res.address == record.address
                assert res.region is None or isinstance(res.region, (str, Unknown))
                if record.values.get("user_data"):
                    assert record.values["user_data"] not in repr(res)
        config = TfConfiguration(resources=records, path=str(path))
        to_inventory(config)
        assert config.errors == [], (path.name, config.errors)
    assert adapted > 300
    assert {"volume", "instance", "snapshot", "image", "load-balancer", "security-group",
            "vpn", "user", "access-key"} <= set(kinds)


@pytest.mark.skipif(not STATE_FILES, reason="shared corpus not present")
def test_corpus_vm_facets():
    path = CORPUS / ("vm_TF-146_vm_resource_public_with_BDM_attributes_ok_step1."
                     "vm_resource_public_with_multiple_BDM_ok.tfstate.json")
    if not path.exists():
        pytest.skip("corpus file renamed")
    records = _load_state(path)
    got = adapt(*[r for r in records if r.mode == "managed"])
    vms = [r for r in got.values() if r.kind == "instance"]
    assert vms and vms[0].region == REGION and vms[0].placement.zones == ("eu-west-2a",)
    assert [d.part for d in vms[0].at_rest] == ["boot disk /dev/sda1", "bsu /dev/sdb", "bsu /dev/sdc"]


# --- pinned by mutation testing (scripts/mutation.py): tags, lists of strings -----------------


def test_tags_as_a_map_or_as_one_block():
    # a plan may give one `tags` block as a dict; a map may hold a key named "value"
    assert one(rec("outscale_volume.v", {"tags": {"key": ENC, "value": "luks"}})).tags \
        == {ENC: "luks"}
    assert one(rec("outscale_volume.v", {"tags": {"value": "v"}})).tags == {"value": "v"}
    assert one(rec("outscale_volume.v", {"tags": {"key": "k"}})).tags == {"k": ""}
    assert one(rec("outscale_volume.v", {"tags": {"key": "k", "value": "v", "x": "y"}})).tags \
        == {"key": "k", "value": "v", "x": "y"}
    assert one(rec("outscale_volume.v", {"tags": ""})).tags == {}
    assert one(rec("outscale_volume.v", {"tags": None})).tags == {}


def test_tag_values_that_are_not_strings():
    got = one(rec("outscale_volume.v", {"tags": [{"key": "a", "value": None},
                                                 {"key": "b", "value": 5}]}))
    assert got.tags == {"a": "", "b": "5"}


def test_an_unknown_tag_key_says_why():
    got = one(rec("outscale_volume.v", {"tags": [{"key": Unknown("set by a module"), "value": "x"}]}))
    assert isinstance(got.tags, Unknown) and "set by a module" in got.tags.reason
    got = one(rec("outscale_volume.v", {"tags": [{"key": Unknown("", refs=("var.k",)), "value": "x"}]}))
    assert "var.k" in got.tags.reason


def test_tag_path_names_where_the_attestation_is_written():
    tag_path = terraform_outscale.tag_path
    assert tag_path(rec("outscale_volume.v", {"tags": {ENC: "luks"}}), ENC) == "tags"
    assert tag_path(rec("outscale_volume.v", {"tags": {"other": "x"}}), ENC) is None
    listed = rec("outscale_volume.v", {"tags": tags(Name="x", hds_iac__encryption="luks")})
    assert tag_path(listed, ENC) == "tags[1].value"
    assert tag_path(rec("outscale_volume.v", {"tags": tags(hds_iac__encryption="luks")}), ENC) \
        == "tags.value"
    assert tag_path(listed, BAK) is None
    assert tag_path(rec("outscale_volume.v", {"tags": ""}), ENC) is None
    assert tag_path(rec("outscale_volume.v", {"tags": ["x", {"key": ENC}]}), ENC) is None


def test_lists_of_strings_drop_empty_and_repeated_items():
    got = one(rec("outscale_load_balancer.lb", {"subregion_names": ["eu-west-2a", "", "eu-west-2a"]}))
    assert got.placement.zones == ("eu-west-2a",)
    got = one(rec("outscale_snapshot.s", {"permissions_to_create_volume": [
        {"account_ids": ["123456789012", "123456789012", ""]}]}))
    assert got.sharing.accounts == ("123456789012",)


def test_why_a_region_or_zone_is_unknown():
    assert "not known" in one(rec("outscale_volume.v", {}, region=None)).region.reason
    assert "masked" in one(rec("outscale_volume.v", {}, region="########")).region.reason
    assert one(rec("outscale_volume.v", {})).placement.zones is None
    got = one(rec("outscale_vm.a", {}))
    assert "Outscale chooses the subregion" in got.placement.zones.reason


def test_a_fully_masked_id_links_nothing():
    got = adapt(state("outscale_vm.a", {"subnet_id": "########"}),
                state("outscale_subnet.s", {"id": "########", "subnet_id": "########",
                                            "subregion_name": "eu-west-2a"}))
    zones = got["outscale_vm.a"].placement.zones
    assert isinstance(zones, Unknown) and "masked" in zones.reason


@pytest.mark.parametrize("key", ["id", "subnet_id"])
def test_a_masked_subnet_id_links_by_either_key(key):
    # masked ids are not in the index's id table ("#"), so the subnet's own keys link them
    got = adapt(state("outscale_vm.a", {"subnet_id": "##id-3##"}),
                state("outscale_subnet.s", {key: "##id-3##", "subregion_name": "eu-west-2b"}))
    assert got["outscale_vm.a"].placement.zones == ("eu-west-2b",)


def test_ids_come_from_the_type_id_key_too():
    assert one(state("outscale_vm.a", {"vm_id": "i-1"})).ids == ("i-1",)
    assert one(state("outscale_snapshot.s", {"snapshot_id": "snap-1", "id": "snap-1"})).ids \
        == ("snap-1",)


def test_every_resource_keeps_its_tags():
    got = one(rec("outscale_load_balancer.lb", {"subregion_names": ["eu-west-2a"],
                                                "tags": tags(env="prod")}))
    assert got.tags == {"env": "prod"}


@pytest.mark.parametrize("nic", ["primary_nic", "nics"])
def test_vm_zone_from_its_nic_subnet(nic):
    got = adapt(rec("outscale_vm.a", {nic: [{"subnet_id": ref("outscale_subnet.s")}]}),
                rec("outscale_subnet.s", {"subregion_name": "eu-west-2b"}))
    assert got["outscale_vm.a"].placement.zones == ("eu-west-2b",)


def test_vm_zone_when_placement_is_unknown_or_subnet_missing():
    # an unresolved placement: the subnet's subregion, when known, decides
    got = adapt(rec("outscale_vm.a", {"placement_subregion_name": Unknown("var.zone"),
                                      "subnet_id": ref("outscale_subnet.s")}),
                rec("outscale_subnet.s", {"subregion_name": "eu-west-2b"}))
    assert got["outscale_vm.a"].placement.zones == ("eu-west-2b",)
    # a subnet outside the configuration: why is its own
    zones = one(rec("outscale_vm.a", {"subnet_id": "subnet-123"})).placement.zones
    assert isinstance(zones, Unknown) and "subnet-123 is not in this configuration" in zones.reason
    # an unresolved placement and an unresolved subnet: the placement's reason
    zones = one(rec("outscale_vm.a", {"placement_subregion_name": Unknown("var.zone"),
                                      "subnet_id": "subnet-123"})).placement.zones
    assert zones.reason == "var.zone"


def test_vm_mappings_that_are_not_bsu_disks_are_skipped():
    got = one(rec("outscale_vm.a", {"block_device_mappings": [
        {"device_name": "/dev/sdb", "virtual_device_name": "ephemeral0"},
        {"device_name": "/dev/sdc", "bsu": Unknown("dynamic")},
        {"device_name": "", "bsu": [{"volume_size": 10}]},
    ]}))
    assert [d.part for d in got.at_rest] == ["boot disk /dev/sda1", "bsu ?"]


def test_vm_zone_points_at_the_placement_or_the_subnet():
    def zone_path(values):
        return one(rec("outscale_vm.a", values)).attributes["placement.zones"].path

    assert zone_path({"placement_subregion_name": "eu-west-2a"}) == "placement_subregion_name"
    assert zone_path({}) == "placement_subregion_name"
    assert zone_path({"subnet_id": "subnet-1"}) == "subnet_id"
    assert zone_path({"placement_subregion_name": "", "subnet_id": "subnet-1"}) == "subnet_id"
    assert zone_path({"placement_subregion_name": "eu-west-2a", "subnet_id": "subnet-1"}) \
        == "placement_subregion_name"


def test_vm_logging_is_what_its_tag_declares():
    assert one(rec("outscale_vm.a", {})).logging.attested is None
    assert one(rec("outscale_vm.a", {"tags": tags(hds_iac__logging="yes")})).logging.attested is True
    assert one(rec("outscale_vm.a", {"tags": tags(hds_iac__logging="no")})).logging.attested is False
    assert isinstance(one(rec("outscale_vm.a", {"tags": ref("var.tags")})).logging.attested, Unknown)


def test_permissions_public_once_any_block_says_so_and_unquoted_account_ids():
    got = one(rec("outscale_snapshot.s", {"permissions_to_create_volume": [
        {"global_permission": True}, {"global_permission": Unknown("var.public")}]}))
    assert got.sharing.public is True
    got = one(rec("outscale_snapshot.s", {"permissions_to_create_volume": [
        {"account_ids": [123456789012]}]}))
    assert got.sharing.accounts == ("123456789012",)


def test_a_copy_finding_points_at_its_source_region():
    for address in ("outscale_snapshot.s", "outscale_image.i"):
        got = one(rec(address, {"source_region_name": "us-east-2"}))
        assert got.destinations == [Destination(region=REGION, what=(
            "snapshot copy" if "snapshot" in address else "image copy") + " from us-east-2")]
        assert got.attributes["destinations[0].region"].path == "source_region_name"


def test_snapshot_attestation_is_its_own_or_its_source():
    def attested(*records):
        return adapt(*records)[records[0].address].at_rest[0].attested

    enc = tags(hds_iac__encryption="luks")
    assert attested(rec("outscale_snapshot.s", {})) is False
    assert attested(rec("outscale_snapshot.s", {"tags": enc, "volume_id": "vol-gone"})) is True
    assert attested(rec("outscale_snapshot.s", {"volume_id": ref("outscale_volume.v")}),
                    rec("outscale_volume.v", {"tags": enc})) is True
    assert attested(rec("outscale_snapshot.s", {"volume_id": ref("outscale_volume.v")}),
                    rec("outscale_volume.v", {})) is False
    # a copy of a snapshot of an attested volume
    assert attested(rec("outscale_snapshot.c", {"source_snapshot_id": ref("outscale_snapshot.s")}),
                    rec("outscale_snapshot.s", {"volume_id": ref("outscale_volume.v")}),
                    rec("outscale_volume.v", {"tags": enc})) is True
    # a source this input does not hold may carry the attestation
    got = attested(rec("outscale_snapshot.s", {"volume_id": "vol-gone"}))
    assert isinstance(got, Unknown) and "vol-gone" in got.reason
    # a cycle of copies gives the snapshot's own answer
    assert attested(rec("outscale_snapshot.a", {"source_snapshot_id": ref("outscale_snapshot.b")}),
                    rec("outscale_snapshot.b", {"source_snapshot_id": ref("outscale_snapshot.a")})) \
        is False


def test_image_public_by_is_public_or_its_launch_permissions():
    got = one(rec("outscale_image.i", {"is_public": True}))
    assert got.sharing.public is True
    assert got.attributes["sharing.public"].path == "is_public"
    got = one(rec("outscale_image.i", {"is_public": False, "permissions_to_launch": [
        {"global_permission": False, "account_ids": ["123456789012"]}]}))
    assert got.sharing == Sharing(public=False, accounts=("123456789012",))
    assert got.attributes["sharing.public"].path == "permissions_to_launch.global_permission"
    got = one(rec("outscale_image.i", {"is_public": True, "permissions_to_launch": [
        {"account_ids": ["123456789012"]}]}))
    assert got.sharing == Sharing(public=True, accounts=("123456789012",))
    assert one(rec("outscale_image.i", {})).sharing == Sharing()


def test_listener_detail_names_the_protocols():
    got = one(rec("outscale_load_balancer.lb", {"subregion_names": ["eu-west-2a"], "listeners": [
        {"load_balancer_protocol": "HTTPS", "load_balancer_port": 443, "backend_protocol": "HTTP",
         "server_certificate_id": "orn:ovh:cert"},
        {"load_balancer_protocol": Unknown("var.proto"), "load_balancer_port": 80,
         "backend_protocol": ""}]}))
    assert [(f.name, f.detail) for f in got.flows] == [
        ("listener :443", "HTTPS -> backend HTTP"), ("listener :80", "")]


def test_a_masked_certificate_is_a_certificate():
    got = one(state("outscale_load_balancer.lb", {"subregion_names": ["eu-west-2a"], "listeners": [
        {"load_balancer_protocol": "HTTPS", "load_balancer_port": 443,
         "server_certificate_id": "########"}]}))
    assert got.flows[0].encrypted is True and got.flows[0].certificate is True


def test_lb_zone_finding_points_at_subnets_or_subregion_names():
    got = one(rec("outscale_load_balancer.lb", {"subregion_names": ["eu-west-2a"]}))
    assert got.attributes["placement.zones"].path == "subregion_names"
    got = adapt(rec("outscale_load_balancer.lb", {"subnets": [ref("outscale_subnet.s")]}),
                rec("outscale_subnet.s", {"subregion_name": "eu-west-2b"}))["outscale_load_balancer.lb"]
    assert got.attributes["placement.zones"].path == "subnets"
    assert got.placement.zones == ("eu-west-2b",)


@pytest.mark.parametrize("key", ["id", "security_group_id"])
def test_a_masked_security_group_id_links_its_rules_by_either_key(key):
    got = adapt(state("outscale_security_group.g", {key: "##id-5##"}),
                state("outscale_security_group_rule.r", {
                    "security_group_id": "##id-5##", "flow": "Inbound", "ip_protocol": "tcp",
                    "from_port_range": 22, "to_port_range": 22, "ip_range": "0.0.0.0/0"}))
    assert list(got) == ["outscale_security_group.g"]
    assert [p.from_port for p in got["outscale_security_group.g"].open_ports] == [22]


@pytest.mark.parametrize("values, port", [
    ({"ip_range": "0.0.0.0/0"}, OpenPort("all", 0, 65535, ("0.0.0.0/0",))),
    ({"from_port_range": 22}, OpenPort("all", 0, 65535, ())),
    ({"ip_protocol": "tcp"}, OpenPort("tcp", 0, 65535, ())),
])
def test_a_one_rule_security_group_rule_needs_only_one_of_its_arguments(values, port):
    got = one(rec("outscale_security_group_rule.r", {"flow": "Inbound", **values}))
    assert got.open_ports == [port]


def test_a_security_group_rule_names_its_group_by_name():
    rule = {"security_group_name": "web", "flow": "Inbound", "ip_protocol": "tcp",
            "from_port_range": 443, "to_port_range": 443, "ip_range": "0.0.0.0/0"}
    got = adapt(rec("outscale_security_group.g", {"security_group_name": "web"}),
                rec("outscale_security_group_rule.r", rule))
    assert list(got) == ["outscale_security_group.g"]
    got = adapt(rec("outscale_security_group.g", {"security_group_name": "web"}),
                rec("outscale_security_group_rule.r", {**rule, "security_group_name": "other"}))
    assert sorted(got) == ["outscale_security_group.g", "outscale_security_group_rule.r"]
    # a masked name links nothing
    got = adapt(state("outscale_security_group.g", {"security_group_name": "##name##"}),
                state("outscale_security_group_rule.r", {**rule, "security_group_name": "##name##"}))
    assert sorted(got) == ["outscale_security_group.g", "outscale_security_group_rule.r"]


def test_vpn_detail_and_a_one_second_key_lifetime():
    got = one(rec("outscale_vpn_connection.v", {"connection_type": "ipsec.1"}))
    assert got.flows[0].detail == "IPsec (ipsec.1)"
    assert one(rec("outscale_vpn_connection.v", {})).flows[0].detail == "IPsec"
    got = one(rec("outscale_api_access_policy.p", {"max_access_key_expiration_seconds": 1,
                                                   "require_trusted_env": True}))
    assert got.identity.key_max_age_days == 1
    got = one(rec("outscale_api_access_policy.p", {"max_access_key_expiration_seconds": 0,
                                                   "require_trusted_env": True}))
    assert got.identity.key_max_age_days == 0


def test_an_access_key_date_with_trailing_text_is_read_by_its_first_ten_characters():
    got = one(state("outscale_access_key.k", {"expiration_date": "2026-03-02 (UTC) garbage",
                                              "creation_date": "2026-03-01T00:00:00Z"}))
    assert got.identity.key_max_age_days == 1


def test_access_key_details():
    got = one(state("outscale_access_key.k", {"expiration_date": "2026-03-01T12:00:00Z",
                                              "creation_date": "2026-03-01T00:00:00Z",
                                              "state": "ACTIVE"}))
    assert got.identity.key_max_age_days == 1
    assert got.identity.detail == "expires 2026-03-01T12:00:00Z, ACTIVE"
    got = one(state("outscale_access_key.k", {"state": "########"}))
    assert got.identity.detail == "no expiration date"
    got = one(rec("outscale_access_key.k", {"expiration_date": Unknown("timeadd")}))
    assert got.identity.detail == "expiration date set, value unknown (timeadd)"


def test_an_unknown_expiration_date_says_why_not_where():
    got = one(rec("outscale_access_key.k", {"expiration_date": Unknown("computed", refs=("local.t",))}))
    assert got.identity.detail == "expiration date set, value unknown (computed)"
