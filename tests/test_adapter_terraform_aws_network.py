"""The AWS Terraform types that carry flows or spread workloads
(`hds_iac.adapters.terraform_aws_network`): load balancers and their listeners, Classic
ELBs and their SSL policies, CloudFront, security groups, VPN connections, Client VPN
endpoints and autoscaling groups. Records are built by hand in the shapes HCL, plans and
states give; each case is a fact a rule turns into a verdict (or the attribute a finding
points at). The mutation run (scripts/mutation.py) showed these cases had no test."""
from __future__ import annotations

from hds_iac.model import Unknown
from test_adapter_aws import PLAN_UNKNOWN, adapt, one, rec, ref

SUBNETS = (rec("aws_subnet.a", {"availability_zone": "eu-west-3a"}),
           rec("aws_subnet.b", {"availability_zone": "eu-west-3b"}))


# --- load balancers and listeners ------------------------------------------------------------

def test_load_balancer_zones_from_subnets_or_mappings():
    lb = rec("aws_lb.l", {"subnets": [ref("aws_subnet.a"), ref("aws_subnet.b")]})
    got = adapt(lb, *SUBNETS)["aws_lb.l"]
    assert got.placement.zones == ("eu-west-3a", "eu-west-3b")
    assert got.attributes["placement.zones"].path == "subnets"
    mapped = rec("aws_lb.l", {"subnet_mapping": [{"subnet_id": ref("aws_subnet.a")},
                                                  {"subnet_id": ref("aws_subnet.b")}]})
    got = adapt(mapped, *SUBNETS)["aws_lb.l"]
    assert got.placement.zones == ("eu-west-3a", "eu-west-3b")
    assert got.attributes["placement.zones"].path == "subnet_mapping.subnet_id"
    # a plan's computed `subnets` is the mappings' subnets
    planned = rec("aws_lb.l", {"subnets": PLAN_UNKNOWN, "subnet_mapping": [
        {"subnet_id": ref("aws_subnet.a")}]}, source="plan")
    assert adapt(planned, *SUBNETS)["aws_lb.l"].placement.zones == ("eu-west-3a",)
    # a dynamic block over an unknown collection: unknown zones (once a TypeError)
    dynamic = Unknown("dynamic block subnet_mapping: for_each is not known")
    unread = one(rec("aws_lb.l", {"subnet_mapping": dynamic}))
    assert unread.placement.zones == dynamic
    assert unread.attributes["placement.zones"].path == "subnet_mapping.subnet_id"
    assert one(rec("aws_lb.l")).placement.zones == Unknown("no subnets given")
    assert one(rec("aws_lb.l")).attributes["placement.zones"].path == "subnets"
    assert one(rec("aws_lb.l")).logging.enabled is False


def _listener(values: dict, *others):
    return adapt(rec("aws_lb_listener.x", values), *others)["aws_lb_listener.x"]


def test_listener_protocol_defaults_follow_the_load_balancer_type():
    assert _listener({"port": 80}).flows[0].encrypted is False  # no load balancer: HTTP
    for lb_type, encrypted in (("application", False), (None, False)):
        lb = rec("aws_lb.l", {} if lb_type is None else {"load_balancer_type": lb_type})
        got = _listener({"port": 80, "load_balancer_arn": ref("aws_lb.l")}, lb)
        assert got.flows[0].encrypted is encrypted and got.flows[0].detail == "HTTP"
    gateway = rec("aws_lb.l", {"load_balancer_type": "gateway"})
    got = _listener({"load_balancer_arn": ref("aws_lb.l")}, gateway)
    assert got.flows[0].encrypted is False and got.flows[0].detail == "GENEVE"
    network = rec("aws_lb.l", {"load_balancer_type": "network"})
    got = _listener({"load_balancer_arn": ref("aws_lb.l")}, network)
    assert isinstance(got.flows[0].encrypted, Unknown)  # an NLB listener names its protocol
    legacy = rec("aws_alb.l", {"load_balancer_type": "network"})  # the older type name
    got = _listener({"load_balancer_arn": ref("aws_alb.l")}, legacy)
    assert isinstance(got.flows[0].encrypted, Unknown)


def test_https_listener_certificate_and_where_findings_point():
    got = _listener({"protocol": "HTTPS", "port": 443, "certificate_arn": "arn:cert",
                     "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})
    (flow,) = got.flows
    assert (flow.encrypted, flow.min_tls, flow.certificate) == (True, "1.2", True)
    assert got.attributes["flows[listener :443].min_tls"].path == "ssl_policy"
    assert got.attributes["flows[listener :443].encrypted"].path == "protocol"
    assert got.attributes["flows[listener :443].certificate"].path == "certificate_arn"
    assert _listener({"protocol": "HTTPS", "port": 443}).flows[0].certificate is False
    extra = rec("aws_lb_listener_certificate.c", {"listener_arn": ref("aws_lb_listener.x")})
    assert _listener({"protocol": "HTTPS", "port": 443}, extra).flows[0].certificate is True


def test_http_listener_redirects():
    redirect = [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]
    assert _listener({"protocol": "HTTP", "port": 80, "default_action": redirect}) \
        .flows[0].redirects_to_https is True
    forward = [{"type": "forward"}]
    assert _listener({"protocol": "HTTP", "port": 80, "default_action": forward}) \
        .flows[0].redirects_to_https is False
    no_block = [{"type": "redirect"}]
    assert _listener({"protocol": "HTTP", "port": 80, "default_action": no_block}) \
        .flows[0].redirects_to_https is False
    unread = _listener({"protocol": "HTTP", "port": 80, "default_action": ref("var.a")})
    got = unread.flows[0].redirects_to_https
    assert isinstance(got, Unknown) and "default actions are not known" in got.reason


# --- Classic load balancers -----------------------------------------------------------------

def _elb(listeners, *others, **values):
    return adapt(rec("aws_elb.e", {"name": "classic", "listener": listeners, **values}),
                 *others)["aws_elb.e"]


HTTPS_443 = {"lb_port": 443, "lb_protocol": "https", "ssl_certificate_id": "arn:cert"}


def test_classic_listeners_and_where_findings_point():
    got = _elb([{"lb_port": 80, "lb_protocol": "http"}, HTTPS_443])
    assert [(f.name, f.encrypted) for f in got.flows] == [("listener :80", False),
                                                          ("listener :443", True)]
    assert got.flows[1].min_tls == "1.0"  # no negotiation policy: ELBSecurityPolicy-2016-08
    assert got.flows[1].certificate is True and got.flows[0].certificate is None
    assert got.attributes["flows[listener :443].encrypted"].path == "listener[1].lb_protocol"
    assert got.attributes["flows[listener :443].certificate"].path == \
        "listener[1].ssl_certificate_id"
    unread = one(rec("aws_elb.e", {"listener": ref("var.l")}))
    assert unread.flows[0].name == "listeners" and unread.flows[0].encrypted == ref("var.l")


def _policy(name: str, reference: str = "ELBSecurityPolicy-TLS-1-2-2017-01"):
    return rec(f"aws_load_balancer_policy.{name}", {
        "policy_name": name, "policy_type_name": "SSLNegotiationPolicyType",
        "policy_attribute": [{"name": "Reference-Security-Policy", "value": reference}]})


def test_classic_ssl_policy_linked_by_name_and_port():
    policy = _policy("tls12")
    attach = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": ref("aws_elb.e"), "load_balancer_port": 443,
        "policy_names": [ref("aws_load_balancer_policy.tls12")]})
    assert _elb([HTTPS_443], policy, attach).flows[0].min_tls == "1.2"
    by_id = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": "classic", "load_balancer_port": "443",
        "policy_names": ["tls12"]})
    assert _elb([HTTPS_443], policy, by_id).flows[0].min_tls == "1.2"
    other_port = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": "classic", "load_balancer_port": 8443, "policy_names": ["tls12"]})
    assert _elb([HTTPS_443], policy, other_port).flows[0].min_tls == "1.0"
    missing = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": "classic", "load_balancer_port": 443, "policy_names": ["gone"]})
    got = _elb([HTTPS_443], missing).flows[0].min_tls
    assert got == Unknown("listener policy gone is not in this configuration")
    unread = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": "classic", "load_balancer_port": 443,
        "policy_names": ref("var.p")})
    got = _elb([HTTPS_443], unread).flows[0].min_tls
    assert got == Unknown("the policies of aws_load_balancer_listener_policy.a are unknown")
    stickiness = rec("aws_load_balancer_policy.s", {"policy_name": "s",
                                                    "policy_type_name": "LBCookieStickinessPolicyType"})
    only_other = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": "classic", "load_balancer_port": 443, "policy_names": ["s"]})
    assert _elb([HTTPS_443], stickiness, only_other).flows[0].min_tls == "1.0"


def test_classic_ssl_policy_findings_point_at_its_reference_policy():
    """A finding on a Classic listener's TLS version points at the negotiation policy's
    `Reference-Security-Policy` value, held by that policy (not at the listener)."""
    attach = rec("aws_load_balancer_listener_policy.a", {
        "load_balancer_name": ref("aws_elb.e"), "load_balancer_port": 443,
        "policy_names": [ref("aws_load_balancer_policy.tls12")]})
    second = rec("aws_load_balancer_policy.tls12", {
        "policy_name": "tls12", "policy_type_name": "SSLNegotiationPolicyType",
        "policy_attribute": [{"name": "Protocol-TLSv1.2", "value": "true"},
                             {"name": "Reference-Security-Policy",
                              "value": "ELBSecurityPolicy-TLS-1-2-2017-01"}]})
    got = _elb([HTTPS_443], second, attach).attributes["flows[listener :443].min_tls"]
    assert (got.path, got.address) == ("policy_attribute[1].value",
                                       "aws_load_balancer_policy.tls12")
    got = _elb([HTTPS_443], _policy("tls12"), attach).attributes["flows[listener :443].min_tls"]
    assert (got.path, got.address) == ("policy_attribute.value", "aws_load_balancer_policy.tls12")


def test_classic_zones():
    got = _elb([], *SUBNETS, subnets=[ref("aws_subnet.a"), ref("aws_subnet.b")])
    assert got.placement.zones == ("eu-west-3a", "eu-west-3b")
    assert got.attributes["placement.zones"].path == "subnets"
    got = _elb([], availability_zones=["eu-west-3a", "eu-west-3c", "eu-west-3a"])
    assert got.placement.zones == ("eu-west-3a", "eu-west-3c")
    assert got.attributes["placement.zones"].path == "availability_zones"
    planned = adapt(rec("aws_elb.e", {"subnets": PLAN_UNKNOWN,
                                      "availability_zones": ["eu-west-3a"]}, source="plan"))
    assert planned["aws_elb.e"].placement.zones == ("eu-west-3a",)
    assert _elb([], availability_zones=["eu-west-3a", 3]).placement.zones == Unknown(
        "unexpected value for availability_zones")
    assert _elb([], availability_zones=[ref("var.z")]).placement.zones == ref("var.z")


# --- CloudFront ------------------------------------------------------------------------------

def test_cloudfront_flows_and_where_findings_point():
    got = one(rec("aws_cloudfront_distribution.d", {
        "viewer_certificate": [{"minimum_protocol_version": "TLSv1.2_2021"}],
        "default_cache_behavior": [{"viewer_protocol_policy": "https-only"}],
        "ordered_cache_behavior": [{"path_pattern": "/a", "viewer_protocol_policy": "https-only"},
                                   {"path_pattern": "/b", "viewer_protocol_policy": "allow-all"}],
        "origin": [{"origin_id": "s3"},
                   {"origin_id": "api", "custom_origin_config": [{
                       "origin_protocol_policy": "https-only",
                       "origin_ssl_protocols": ["TLSv1.2"]}]},
                   {"origin_id": "odd", "custom_origin_config": [{
                       "origin_protocol_policy": "match-viewer",
                       "origin_ssl_protocols": "TLSv1.2"}]},
                   {"origin_id": "unread", "custom_origin_config": ref("var.c")}]}))
    flows = {f.name: f for f in got.flows}
    assert flows["viewer"].min_tls == "1.2" and flows["viewer (path /b)"].encrypted is False
    assert flows["origin s3"].detail == "S3 origin"
    assert flows["origin api"].detail == "https-only TLSv1.2"
    assert flows["origin odd"].encrypted is False and flows["origin odd"].detail == "match-viewer"
    assert flows["origin unread"].encrypted == ref("var.c")
    assert got.region is None
    attrs = got.attributes
    assert attrs["flows[viewer].encrypted"].path == "default_cache_behavior.viewer_protocol_policy"
    assert attrs["flows[viewer (path /b)].encrypted"].path == \
        "ordered_cache_behavior[1].viewer_protocol_policy"
    assert attrs["flows[origin api].encrypted"].path == \
        "origin[1].custom_origin_config.origin_protocol_policy"
    assert attrs["flows[viewer].min_tls"].path == "viewer_certificate.minimum_protocol_version"
    assert "flows[origin api].min_tls" not in attrs


def test_cloudfront_default_certificate_decides_the_version():
    got = one(rec("aws_cloudfront_distribution.d", {
        "viewer_certificate": [{"cloudfront_default_certificate": True,
                                "minimum_protocol_version": "TLSv1.2_2021"}],
        "default_cache_behavior": [{"viewer_protocol_policy": "https-only"}]}))
    assert got.flows[0].min_tls == "1.0"
    assert got.attributes["flows[viewer].min_tls"].path == \
        "viewer_certificate.cloudfront_default_certificate"


# --- security groups -------------------------------------------------------------------------

def test_inline_ingress_and_where_findings_point():
    got = one(rec("aws_security_group.g", {"ingress": [
        {"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"],
         "ipv6_cidr_blocks": ["::/0"]},
        {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": "0.0.0.0/0",
         "ipv6_cidr_blocks": "::/0"}]}))
    assert [(p.from_port, p.sources) for p in got.open_ports] == [
        (22, ("10.0.0.0/8", "::/0")), (80, ("0.0.0.0/0", "::/0"))]
    assert got.attributes["open_ports[0].sources"].path == "ingress[1].ipv6_cidr_blocks"
    assert got.attributes["open_ports[0].ports"].path == "ingress[1].from_port"
    assert got.attributes["open_ports[1].sources"].path == "ingress[2].cidr_blocks"
    assert got.account_default is False
    assert one(rec("aws_default_security_group.d")).account_default is True
    unread = one(rec("aws_security_group.g", {"ingress": ref("var.i")}))
    (port,) = unread.open_ports
    assert port.protocol == "all" and port.from_port == ref("var.i")


def test_cidrs_that_cannot_be_read_stay_unknown():
    for blocks, expected in (([ref("var.c")], ref("var.c")), (ref("var.c"), ref("var.c")),
                             (["10.0.0.0/8", "", "10.0.0.0/8", None], ("10.0.0.0/8",))):
        got = one(rec("aws_security_group.g", {"ingress": [
            {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": blocks}]}))
        assert got.open_ports[0].sources == expected


def test_separate_rules_fold_into_their_group_or_stand_alone():
    group = rec("aws_security_group.g")
    ingress = rec("aws_security_group_rule.r", {
        "type": "ingress", "security_group_id": ref("aws_security_group.g"), "protocol": "udp",
        "from_port": 11211, "to_port": 11211, "ipv6_cidr_blocks": ["::/0"]})
    egress = rec("aws_security_group_rule.e", {
        "type": "egress", "security_group_id": ref("aws_security_group.g"), "protocol": "-1",
        "cidr_blocks": ["0.0.0.0/0"]})
    vpc_rule = rec("aws_vpc_security_group_ingress_rule.v", {
        "security_group_id": ref("aws_security_group.g"), "ip_protocol": "tcp",
        "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"})
    got = adapt(group, ingress, egress, vpc_rule)
    assert set(got) == {"aws_security_group.g"}
    assert [(p.protocol, p.from_port, p.sources) for p in got["aws_security_group.g"].open_ports] \
        == [("udp", 11211, ("::/0",)), ("tcp", 443, ("0.0.0.0/0",))]
    alone = adapt(ingress)["aws_security_group_rule.r"]
    assert alone.open_ports[0].protocol == "udp"
    assert alone.attributes["open_ports[0].sources"].path == "ipv6_cidr_blocks"
    assert alone.attributes["open_ports[0].ports"].path == "from_port"
    assert adapt(egress) == {}
    v6 = rec("aws_vpc_security_group_ingress_rule.v", {
        "security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
        "cidr_ipv6": "::/0"})
    assert adapt(v6)["aws_vpc_security_group_ingress_rule.v"].attributes[
        "open_ports[0].sources"].path == "cidr_ipv6"
    icmp = rec("aws_vpc_security_group_ingress_rule.v", {
        "security_group_id": "sg-1", "ip_protocol": "icmp", "cidr_ipv4": "0.0.0.0/0"})
    assert adapt(icmp) == {}


# --- VPN, Client VPN, autoscaling ------------------------------------------------------------

def test_vpn_tunnels_and_plan_defaults():
    got = one(rec("aws_vpn_connection.v", {"tunnel1_ike_versions": ["ikev2"],
                                           "tunnel2_ike_versions": PLAN_UNKNOWN}, source="plan"))
    assert [f.name for f in got.flows] == ["tunnel1", "tunnel2"]
    assert got.flows[0].ipsec.options["IKE versions"] == ("ikev2",)
    assert "IKE versions" in got.flows[1].ipsec.defaulted
    assert got.attributes["flows[tunnel2].ipsec.IKE versions"].path == "tunnel2_ike_versions"
    hcl = one(rec("aws_vpn_connection.v", {"tunnel2_ike_versions": ref("var.ike")}))
    assert hcl.flows[1].ipsec.options["IKE versions"] == ref("var.ike")


def test_client_vpn_endpoint():
    got = one(rec("aws_ec2_client_vpn_endpoint.c", {"authentication_options": [
        {"type": "certificate-authentication"}, {"type": "federated-authentication"}],
        "vpn_port": 1194}))
    assert got.identity.mfa_enforced is True
    assert got.flows[0].detail.endswith("udp:1194")
    assert got.attributes["identity.mfa_enforced"].path == "authentication_options.type"
    unread = one(rec("aws_ec2_client_vpn_endpoint.c", {"authentication_options": ref("var.a")}))
    assert unread.identity.mfa_enforced == ref("var.a")


def test_autoscaling_group_zones():
    asg = rec("aws_autoscaling_group.g", {"vpc_zone_identifier": [ref("aws_subnet.a"),
                                                                  ref("aws_subnet.b")]})
    got = adapt(asg, *SUBNETS)["aws_autoscaling_group.g"]
    assert got.placement.zones == ("eu-west-3a", "eu-west-3b")
    assert got.attributes["placement.zones"].path == "vpc_zone_identifier"
    zones = one(rec("aws_autoscaling_group.g", {"availability_zones": ["eu-west-3a"]}))
    assert zones.placement.zones == ("eu-west-3a",)
    assert zones.attributes["placement.zones"].path == "availability_zones"
    assert one(rec("aws_autoscaling_group.g")).placement.zones == Unknown(
        "neither vpc_zone_identifier nor availability_zones is set")
    planned = one(rec("aws_autoscaling_group.g", {"vpc_zone_identifier": PLAN_UNKNOWN,
                                                  "availability_zones": ["eu-west-3b"]},
                      source="plan"))
    assert planned.placement.zones == ("eu-west-3b",)
