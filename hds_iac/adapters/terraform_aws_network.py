"""AWS Terraform types that carry flows or spread workloads: load balancers and listeners,
CloudFront, security groups, VPN connections and Client VPN endpoints, autoscaling groups."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from hds_iac.adapters import aws_flows, aws_tls, terraform_aws_logging
from hds_iac.adapters.network import open_port
from hds_iac.adapters.terraform_index import TfIndex, block_path, held_by, part_sources
from hds_iac.adapters.terraform_aws_common import (
    as_int, as_list, as_str, blocks, computed_default, first_block, get_blocks, get_bool,
    get_int, get_str, handles, has, known_blocks, linked, resolve_one, resource, show, zones_of_subnets,
    zones_value,
)
from hds_iac.model import Flow, Maybe, OpenPort, Placement, Resource, SourceAttribute, Unknown
from hds_iac.terraform.records import TfResource

# --- load balancers ------------------------------------------------------------------


@handles("aws_lb", "aws_alb", kinds=("load-balancer",))
def load_balancer(rec: TfResource, index: TfIndex) -> list[Resource]:
    subnets = rec.values.get("subnets")
    zones_from = "subnets"  # where the zones come from (HDS-AZ-002)
    if not has(subnets) or (isinstance(subnets, Unknown) and not subnets.refs
                            and rec.source == "plan"):
        mappings = get_blocks(rec, "subnet_mapping")
        if isinstance(mappings, Unknown):
            subnets = mappings
        else:
            subnets = [m.get("subnet_id") for m in mappings]
        if isinstance(mappings, Unknown) or mappings:  # (an Unknown has no truth value)
            zones_from = "subnet_mapping.subnet_id"
    zones = zones_of_subnets(index, subnets) if has(subnets) else Unknown("no subnets given")
    return [resource(rec, "load-balancer", placement=Placement(zones=zones),
                     logging=terraform_aws_logging.lb_access_logs(rec),
                     sources={**terraform_aws_logging.access_logs_sources(rec),
                              "placement.zones": zones_from})]


def _redirects_to_https(actions: Any) -> Maybe[bool]:
    """Whether every default action redirects to HTTPS; unknown when the actions cannot be
    read (a plaintext listener that may only redirect is not a known failure)."""
    actions = blocks(actions, "default_action")
    if isinstance(actions, Unknown):
        return Unknown(f"the listener's default actions are not known ({actions.reason})")
    pairs = []
    for action in actions:
        redirect = blocks(action.get("redirect"), "redirect")
        protocol = redirect[0].get("protocol") if isinstance(redirect, list) and redirect \
            else None
        pairs.append((action.get("type"), protocol))
    return aws_flows.redirects_to_https(pairs)


@handles("aws_lb_listener", "aws_alb_listener", kinds=("listener",))
def listener(rec: TfResource, index: TfIndex) -> list[Resource]:
    protocol = get_str(rec, "protocol")
    if protocol is None:
        # ALB listeners default to HTTP; a Gateway LB listener has no protocol (GENEVE).
        lb = resolve_one(index, rec.values.get("load_balancer_arn"), ("aws_lb", "aws_alb"))
        lb_type = lb.values.get("load_balancer_type", "application") if lb is not None else None
        if lb is None or lb_type in ("application", None):
            protocol = "HTTP"
        elif lb_type == "gateway":
            protocol = "GENEVE"
    certificate = has(rec.values.get("certificate_arn")) or bool(
        linked(index, rec, "listener_arn", ("aws_lb_listener_certificate",)))
    flow = aws_flows.listener_flow(protocol, rec.values.get("port"), get_str(rec, "ssl_policy"),
                                   certificate,
                                   _redirects_to_https(rec.values.get("default_action")))
    return [resource(rec, "listener", flows=[flow], sources=_listener_sources(flow.name))]


@lru_cache(maxsize=256)
def _listener_sources(flow: str) -> dict[str, str]:
    """Where a listener's flow values are written: the same for every listener of a port
    (kept per flow name, read-only)."""
    return part_sources("flows", flow, {
        "encrypted": "protocol", "min_tls": "ssl_policy", "certificate": "certificate_arn"})


def _classic_policy(rec: TfResource, index: TfIndex, port: Any
                    ) -> tuple[Maybe[str], SourceAttribute | None]:
    """The SSL negotiation policy of a Classic Load Balancer listener, and the attribute of
    the other resource that decides it (`held_by`): the negotiation policy's
    `Reference-Security-Policy` value (its `policy_type_name` when it lists its own
    protocols), or the listener policy's `policy_names` when a name cannot be resolved.
    None when no policy is attached: the default policy applies, decided by absence."""
    for attach in linked(index, rec, "load_balancer_name", ("aws_load_balancer_listener_policy",),
                         name_keys=("name", "id")):
        if as_int(attach.values.get("load_balancer_port"), "load_balancer_port") != port:
            continue
        names = as_list(attach.values.get("policy_names"))
        if isinstance(names, Unknown):
            return (Unknown(f"the policies of {attach.address} are unknown"),
                    held_by(attach, "policy_names"))
        policies, records = [], {}
        for name in names:
            policy = resolve_one(index, name, ("aws_load_balancer_policy",), name_keys=("policy_name",))
            if policy is None:
                return (Unknown(f"listener policy {show(name)} is not in this configuration"),
                        held_by(attach, "policy_names"))
            attributes = {attr.get("name"): attr.get("value")
                          for attr in known_blocks(policy, "policy_attribute")}
            policies.append((policy.address, policy.values.get("policy_type_name"), attributes))
            records[policy.address] = policy
        found = aws_flows.classic_ssl_policy(policies)
        if found is not None:
            chosen = aws_flows.negotiation_policy(policies)
            return found, None if chosen is None else _reference_attribute(records[chosen[0]])
    return aws_tls.CLASSIC_ELB_DEFAULT_POLICY, None


def _reference_attribute(policy: TfResource) -> SourceAttribute:
    """Where a Classic ELB negotiation policy says which TLS versions it accepts: the value
    of its `Reference-Security-Policy` attribute, else its type (a list of its own)."""
    for i, attr in enumerate(known_blocks(policy, "policy_attribute")):
        if attr.get("name") == aws_flows.REFERENCE_POLICY:
            return held_by(policy, block_path("policy_attribute", i, "value"))
    return held_by(policy, "policy_type_name")


@handles("aws_elb", kinds=("load-balancer",))
def classic_elb(rec: TfResource, index: TfIndex) -> list[Resource]:
    flows: list[Flow] = []
    listeners = get_blocks(rec, "listener")
    if isinstance(listeners, Unknown):
        flows.append(Flow("listeners", encrypted=listeners))
        listeners = []
    sources: dict[str, str] = {}
    for i, block in enumerate(listeners):
        port = as_int(block.get("lb_port"), "lb_port")
        policy, policy_from = _classic_policy(rec, index, port)
        flow = aws_flows.listener_flow(
            as_str(block.get("lb_protocol"), "lb_protocol"), port,
            policy, has(block.get("ssl_certificate_id")))
        flows.append(flow)
        # The SSL policy is attached by other resources: their attribute, when one decides.
        sources.update(part_sources("flows", flow.name, {
            "encrypted": block_path("listener", i, "lb_protocol"),
            "certificate": block_path("listener", i, "ssl_certificate_id"),
            "min_tls": policy_from}))
    zones, zones_from = _zones(rec, index, "subnets")
    return [resource(rec, "load-balancer", flows=flows, placement=Placement(zones=zones),
                     logging=terraform_aws_logging.classic_access_logs(rec),
                     sources={**sources, **terraform_aws_logging.access_logs_sources(rec),
                              "placement.zones": zones_from})]


# --- CloudFront ------------------------------------------------------------------------

@handles("aws_cloudfront_distribution", kinds=("cdn",))
def cloudfront(rec: TfResource, index: TfIndex) -> list[Resource]:
    cert = first_block(rec, "viewer_certificate")
    default_certificate = get_bool(rec, "cloudfront_default_certificate", False, cert)
    version = aws_flows.cloudfront_version(
        default_certificate, get_str(rec, "minimum_protocol_version", None, cert))
    # *.cloudfront.net's certificate decides the version whatever else is written.
    version_path = "viewer_certificate." + ("cloudfront_default_certificate"
                                            if default_certificate is True
                                            else "minimum_protocol_version")
    behaviours = [("viewer", b.get("viewer_protocol_policy"))
                  for b in known_blocks(rec, "default_cache_behavior")]
    # The attribute each flow's `encrypted` comes from, by flow name.
    paths = {"viewer": "default_cache_behavior.viewer_protocol_policy"}
    for i, b in enumerate(known_blocks(rec, "ordered_cache_behavior")):
        name = f"viewer (path {show(b.get('path_pattern'))})"
        behaviours.append((name, b.get("viewer_protocol_policy")))
        paths[name] = block_path("ordered_cache_behavior", i, "viewer_protocol_policy")
    origins = []
    for i, origin in enumerate(known_blocks(rec, "origin")):
        name = f"origin {show(origin.get('origin_id'))}"
        custom = blocks(origin.get("custom_origin_config"), "custom_origin_config")
        if isinstance(custom, Unknown):
            origins.append((name, custom, ()))
        elif not custom:
            origins.append((name, aws_flows.S3_ORIGIN, ()))
        else:
            protocols = custom[0].get("origin_ssl_protocols")
            origins.append((name, custom[0].get("origin_protocol_policy"),
                            protocols if isinstance(protocols, (list, tuple)) else ()))
        paths[name] = block_path("origin", i, "custom_origin_config.origin_protocol_policy")
    flows = aws_flows.cloudfront_flows(version, behaviours, origins)
    sources: dict[str, str] = {}
    for flow in flows:
        sources.update(part_sources("flows", flow.name, {
            "encrypted": paths.get(flow.name),
            "min_tls": version_path if flow.min_tls is not None else None}))
    return [resource(rec, "cdn", region=None, flows=flows, sources=sources)]


# --- security groups -------------------------------------------------------------------

def _cidrs(*values: Any) -> Maybe[tuple[str, ...]]:
    out: list[str] = []
    for value in values:
        items = as_list(value)
        if isinstance(items, Unknown):
            return items
        for item in items:
            if isinstance(item, Unknown):
                return item
            if isinstance(item, str) and item and item not in out:
                out.append(item)
    return tuple(out)


def _port_sources(at: int, cidrs: str, from_port: str) -> dict[str, str]:
    """Where the `at`-th open port's sources and range are written (HDS-TLS-006)."""
    return part_sources("open_ports", str(at), {"sources": cidrs, "ports": from_port})


def _cidr_attribute(values: dict, ipv4: str, ipv6: str) -> str:
    """The attribute holding an internet-wide source when one does (IPv4 unless only IPv6
    is open to the internet), so that a finding points at the CIDR that makes it one."""
    v6 = values.get(ipv6)
    v6 = [v6] if isinstance(v6, str) else v6
    if isinstance(v6, list) and "::/0" in v6:
        v4 = values.get(ipv4)
        v4 = [v4] if isinstance(v4, str) else v4
        if not (isinstance(v4, list) and "0.0.0.0/0" in v4):
            return ipv6
    return ipv4


def _inline_ingress(rec: TfResource) -> tuple[list[OpenPort], dict[str, str]]:
    """The group's inline ingress rules, and where each is written (`sources`)."""
    ingress = get_blocks(rec, "ingress")
    if isinstance(ingress, Unknown):
        return [OpenPort("all", ingress, ingress, ingress)], {}
    out: list[OpenPort] = []
    sources: dict[str, str] = {}
    for i, rule in enumerate(ingress):
        port = open_port(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"),
                         _cidrs(rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks")))
        if port:
            sources.update(_ingress_sources(
                len(out), i, _cidr_attribute(rule, "cidr_blocks", "ipv6_cidr_blocks")))
            out.append(port)
    return out, sources


@lru_cache(maxsize=1024)
def _ingress_sources(at: int, block: int, cidrs: str) -> dict[str, str]:
    """`_port_sources` of the `at`-th open port, read from the `block`-th inline ingress
    block, whose attribute `cidrs` holds its sources: the groups of an input repeat the
    same few (kept per arguments, read-only)."""
    return _port_sources(at, block_path("ingress", block, cidrs),
                         block_path("ingress", block, "from_port"))


def _rule_port(rule: TfResource) -> OpenPort | None:
    if rule.type == "aws_security_group_rule":
        if rule.values.get("type") != "ingress":
            return None
        return open_port(rule.values.get("protocol"), rule.values.get("from_port"),
                         rule.values.get("to_port"),
                         _cidrs(rule.values.get("cidr_blocks"), rule.values.get("ipv6_cidr_blocks")))
    return open_port(rule.values.get("ip_protocol"), rule.values.get("from_port"),
                     rule.values.get("to_port"),
                     _cidrs(rule.values.get("cidr_ipv4"), rule.values.get("cidr_ipv6")))


_RULE_TYPES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


@handles(*_GROUP_TYPES, kinds=("security-group",))
def security_group(rec: TfResource, index: TfIndex) -> list[Resource]:
    ports, sources = _inline_ingress(rec)
    # Separate rule resources: a finding on the group points at the rule's attributes.
    for rule in linked(index, rec, "security_group_id", _RULE_TYPES):
        port = _rule_port(rule)
        if port:
            sources.update(part_sources("open_ports", str(len(ports)), {
                "sources": held_by(rule, _rule_cidr_attribute(rule)),
                "ports": held_by(rule, "from_port")}))
            ports.append(port)
    return [resource(rec, "security-group", open_ports=ports, sources=sources,
                     account_default=rec.type == "aws_default_security_group")]


@handles(*_RULE_TYPES, kinds=("security-group",))
def security_group_rule(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Folded into its group; kept on its own when the group is not in this input.
    if resolve_one(index, rec.values.get("security_group_id"), _GROUP_TYPES) is not None:
        return []
    port = _rule_port(rec)
    if port is None:
        return []
    return [resource(rec, "security-group", open_ports=[port],
                     sources=_port_sources(0, _rule_cidr_attribute(rec), "from_port"))]


def _rule_cidr_attribute(rule: TfResource) -> str:
    """`_cidr_attribute` of a separate rule resource, by its type's argument names."""
    if rule.type == "aws_security_group_rule":
        return _cidr_attribute(rule.values, "cidr_blocks", "ipv6_cidr_blocks")
    return _cidr_attribute(rule.values, "cidr_ipv4", "cidr_ipv6")


# --- VPN, autoscaling ------------------------------------------------------------------------


@handles("aws_vpn_connection", kinds=("vpn",))
def vpn(rec: TfResource, index: TfIndex) -> list[Resource]:
    """Both tunnels of a site-to-site VPN connection, with the IPsec options each accepts
    (`tunnelN_ike_versions`, `tunnelN_phase1_*`...; unset: AWS's defaults). A plan's
    "known after apply" without a reference is an option left unset."""
    flows = []
    sources: dict[str, str] = {}
    for tunnel in ("tunnel1", "tunnel2"):
        values = {}
        for label, suffix, _ in aws_flows.VPN_OPTIONS:
            raw = rec.values.get(f"{tunnel}_{suffix}")
            values[label] = None if computed_default(rec, raw) else raw
        flows.append(aws_flows.vpn_tunnel_flow(tunnel, values))
        sources.update(part_sources("flows", tunnel, {
            f"ipsec.{label}": f"{tunnel}_{suffix}" for label, suffix, _ in aws_flows.VPN_OPTIONS}))
    return [resource(rec, "vpn", flows=flows, sources=sources)]


@handles("aws_ec2_client_vpn_endpoint", kinds=("vpn",))
def client_vpn(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A Client VPN endpoint: its clients' TLS flow and its authentication types
    (`authentication_options.type`, one or two blocks)."""
    options = get_blocks(rec, "authentication_options")
    types: Any = options if isinstance(options, Unknown) else [
        o.get("type") for o in options]
    transport = get_str(rec, "transport_protocol", aws_flows.CLIENT_VPN_TRANSPORT)
    port = get_int(rec, "vpn_port", aws_flows.CLIENT_VPN_PORT)
    return [resource(rec, "vpn", flows=[aws_flows.client_vpn_flow(transport, port)],
                     identity=aws_flows.client_vpn_identity(types),
                     sources={"identity.mfa_enforced": "authentication_options.type"})]


def _zones(rec: TfResource, index: TfIndex, subnets_name: str) -> tuple[Any, str]:
    """The zones of a Classic ELB or an Auto Scaling group, and the attribute they come
    from: its subnets' zones, else its `availability_zones` (a plan's unknown subnets
    with no reference to follow count as not set)."""
    subnets = rec.values.get(subnets_name)
    if has(subnets) and not (isinstance(subnets, Unknown) and not subnets.refs
                             and rec.source == "plan"):
        return zones_of_subnets(index, subnets), subnets_name
    return zones_value(rec.values.get("availability_zones"), "availability_zones"), \
        "availability_zones"


@handles("aws_autoscaling_group", kinds=("autoscaling-group",))
def autoscaling_group(rec: TfResource, index: TfIndex) -> list[Resource]:
    zones, zones_from = _zones(rec, index, "vpc_zone_identifier")
    if zones == ():
        zones = Unknown("neither vpc_zone_identifier nor availability_zones is set")
    return [resource(rec, "autoscaling-group", placement=Placement(zones=zones),
                     sources={"placement.zones": zones_from})]


@handles("aws_subnet", "aws_default_subnet", "aws_lb_listener_certificate",
         "aws_load_balancer_policy", "aws_load_balancer_listener_policy",
         kinds=())
def linked_only(rec: TfResource, index: TfIndex) -> list[Resource]:
    return []
