"""What AWS load balancer listeners, CloudFront distributions, site-to-site VPN tunnels and
Client VPN endpoints mean for flows (and, for Client VPN, for authentication), once for
every source.

`terraform_aws_network` (Terraform attributes) and `live.aws.adapt` (ELB, ELBv2,
CloudFront and EC2 API answers) read their own format and hand the native values here: a
protocol, an SSL policy, a certificate, redirect actions, viewer and origin protocol
policies, tunnel options, authentication types. The flow each one makes
(HDS-TLS-001/002/003/007, HDS-MFA-006) is therefore decided once.
"""
from __future__ import annotations

from typing import Any, Iterable

from hds_iac.adapters import aws_tls
from hds_iac.adapters.network import listener_encrypted
from hds_iac.model import Flow, Identity, Ipsec, Maybe, Unknown

# --- load balancer listeners ---------------------------------------------------------


def _shown(value: Any) -> str:
    """A value in a flow's label. An unresolved one is shown by what it references, or as
    "?": its reason is the verdict's reason already, and would be said twice."""
    if isinstance(value, Unknown):
        return ", ".join(value.refs) or "?"
    return str(value)


def redirects_to_https(actions: Iterable[tuple[Any, Any]]) -> bool:
    """A listener whose every default action is a redirect to HTTPS carries no data.
    `actions`: (action type, redirect protocol) pairs."""
    actions = list(actions)
    return bool(actions) and all(
        kind == "redirect" and isinstance(protocol, str) and protocol.upper() == "HTTPS"
        for kind, protocol in actions)


def listener_flow(protocol: Maybe[str] | None, port: Any, policy: Maybe[str] | None,
                  certificate: Maybe[bool], redirects: Maybe[bool] = False,
                  default_policy: str = aws_tls.ELB_DEFAULT_POLICY) -> Flow:
    """One listener of an ALB/NLB/Gateway or Classic load balancer. `policy` None: the
    listener has no SSL policy of its own and gets the load balancer's default one."""
    encrypted = listener_encrypted(protocol)
    flow = Flow(f"listener :{_shown(port) if port is not None else '?'}", encrypted=encrypted,
                detail=protocol if isinstance(protocol, str) else "")
    if encrypted is True:
        policy = default_policy if policy is None else policy
        flow.min_tls = aws_tls.elb_min_tls(policy)
        flow.detail += f" {_shown(policy)}"
        flow.certificate = certificate
    elif encrypted is False:
        flow.redirects_to_https = redirects
    return flow


SSL_NEGOTIATION = "SSLNegotiationPolicyType"
REFERENCE_POLICY = "Reference-Security-Policy"


# A Classic Load Balancer policy: (name, policy type, {attribute name: value}).
Policy = tuple[str, Any, dict[str, Any]]


def classic_ssl_policy(policies: Iterable[Policy]) -> Maybe[str] | None:
    """The SSL policy a Classic Load Balancer listener uses, from the policies attached to
    it: (name, policy type, attributes) each. A negotiation policy names a predefined
    policy (`Reference-Security-Policy`) or lists its own protocols and ciphers (unknown:
    hds-iac does not judge custom lists). None when no negotiation policy is attached."""
    chosen = negotiation_policy(policies)
    if chosen is None:
        return None
    name, _, attributes = chosen
    if REFERENCE_POLICY in attributes:
        value = attributes[REFERENCE_POLICY]
        if isinstance(value, Unknown):
            return value
        return value if isinstance(value, str) and value else \
            Unknown(f"empty {REFERENCE_POLICY}")
    return Unknown(f"{name} lists its own protocols and ciphers")


def negotiation_policy(policies: Iterable[Policy]) -> Policy | None:
    """The first SSL negotiation policy among those attached to a Classic Load Balancer
    listener (name, policy type, attributes): the one that decides its TLS versions."""
    return next((p for p in policies if p[1] == SSL_NEGOTIATION), None)


# --- CloudFront --------------------------------------------------------------------------

VIEWER = {"allow-all": False, "redirect-to-https": True, "https-only": True}
ORIGIN = {"http-only": False, "https-only": True}
MATCH_VIEWER = "match-viewer"
S3_ORIGIN = object()  # an S3 (REST) origin: reached over HTTPS


def cloudfront_version(default_certificate: Maybe[bool], version: Any) -> Any:
    """The minimum protocol version viewers get: *.cloudfront.net accepts TLSv1."""
    if default_certificate is True or version is None or version == "":
        return aws_tls.CLOUDFRONT_DEFAULT_PROTOCOL
    return version


def _policy_state(policy: Any, table: dict[str, bool], what: str) -> Maybe[bool]:
    if isinstance(policy, Unknown):
        return policy
    if isinstance(policy, str) and policy in table:
        return table[policy]
    return Unknown(f"unexpected {what} {policy!r}")


def cloudfront_flows(version: Any, behaviours: Iterable[tuple[str, Any]],
                     origins: Iterable[tuple[str, Any, Iterable[Any]]]) -> list[Flow]:
    """The viewer flows (one per cache behaviour: name, viewer protocol policy) and origin
    flows (name, origin protocol policy or S3_ORIGIN or an Unknown config, SSL protocols).
    `match-viewer` origins are as safe as the weakest viewer behaviour."""
    min_tls = aws_tls.cloudfront_min_tls(version)
    flows: list[Flow] = []
    weakest: Maybe[bool] = True
    for name, policy in behaviours:
        encrypted = _policy_state(policy, VIEWER, "viewer protocol policy")
        if encrypted is False:
            weakest = False
        elif isinstance(encrypted, Unknown) and weakest is True:
            weakest = encrypted
        detail = f"{policy if isinstance(policy, str) else ''} {_shown(version)}".strip()
        flows.append(Flow(name, encrypted=encrypted, min_tls=min_tls, detail=detail))
    for name, policy, protocols in origins:
        if policy is S3_ORIGIN:
            flows.append(Flow(name, encrypted=True, detail="S3 origin"))
            continue
        if policy == MATCH_VIEWER:
            encrypted = weakest
        else:
            encrypted = _policy_state(policy, ORIGIN, "origin protocol policy")
        detail = policy if isinstance(policy, str) else ""
        protocols = [str(p) for p in protocols]
        if protocols:
            detail += " " + ",".join(protocols)
        flows.append(Flow(name, encrypted=encrypted, detail=detail))
    return flows


# --- site-to-site VPN tunnels -----------------------------------------------------------

# Each tunnel option: (label, Terraform suffix after `tunnelN_`, API field of TunnelOptions),
# in the order messages list them.
VPN_OPTIONS = (
    ("IKE versions", "ike_versions", "IkeVersions"),
    ("phase 1 encryption", "phase1_encryption_algorithms", "Phase1EncryptionAlgorithms"),
    ("phase 1 integrity", "phase1_integrity_algorithms", "Phase1IntegrityAlgorithms"),
    ("phase 1 DH groups", "phase1_dh_group_numbers", "Phase1DHGroupNumbers"),
    ("phase 2 encryption", "phase2_encryption_algorithms", "Phase2EncryptionAlgorithms"),
    ("phase 2 integrity", "phase2_integrity_algorithms", "Phase2IntegrityAlgorithms"),
    ("phase 2 DH groups", "phase2_dh_group_numbers", "Phase2DHGroupNumbers"),
)
_ALGORITHMS = ("AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16")
_INTEGRITY = ("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")
_DH = tuple(str(n) for n in (14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24))
# What a tunnel accepts for an option it does not set: AWS Site-to-Site VPN User Guide,
# "Tunnel options for your Site-to-Site VPN connection"
# (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html): every value is allowed.
AWS_VPN_DEFAULTS: dict[str, tuple[str, ...]] = {
    "IKE versions": ("ikev1", "ikev2"),
    "phase 1 encryption": _ALGORITHMS,
    "phase 1 integrity": _INTEGRITY,
    "phase 1 DH groups": ("2",) + _DH,
    "phase 2 encryption": _ALGORITHMS,
    "phase 2 integrity": _INTEGRITY,
    "phase 2 DH groups": ("2", "5") + _DH,
}


def _option_values(value: Any, label: str) -> Maybe[tuple[str, ...]] | None:
    """One option's values; None when it is not set (empty or absent: AWS's defaults)."""
    if isinstance(value, Unknown):
        return value
    if value is None or value == [] or value == ():
        return None
    if not isinstance(value, (list, tuple)):
        return Unknown(f"unexpected value for {label}")
    out = []
    for item in value:
        if isinstance(item, Unknown):
            return Unknown(f"a value of {label} is unknown ({_shown(item)})", item.refs)
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            return Unknown(f"unexpected value for {label}")
        out.append(str(item))
    return tuple(out)


def vpn_tunnel_flow(name: str, values: dict[str, Any]) -> Flow:
    """One tunnel of a site-to-site VPN connection, from the values of each option (keyed
    by the labels of `VPN_OPTIONS`; a list of names or numbers, None or empty when the
    option is not set, Unknown when unreadable). An option not set takes AWS's defaults,
    which allow IKEv1, SHA-1 and DH groups 2 and 5: the flow says which were defaulted."""
    options: dict[str, Maybe[tuple[str, ...]]] = {}
    defaulted = []
    for label, _, _ in VPN_OPTIONS:
        got = _option_values(values.get(label), label)
        if got is None:
            defaulted.append(label)
            got = AWS_VPN_DEFAULTS[label]
        options[label] = got
    ike = options["IKE versions"]
    detail = "IPsec, IKE " + ("/".join(ike) if not isinstance(ike, Unknown) else "unresolved") + (
        " (default)" if "IKE versions" in defaulted else "")
    return Flow(name, encrypted=True, ipsec=Ipsec(options=options, defaulted=tuple(defaulted)),
                detail=detail)


# --- Client VPN endpoints ------------------------------------------------------------------

# The authentication types of a Client VPN endpoint (`authentication_options.type`,
# `AuthenticationOptions[].Type`), as messages name them. AWS Client VPN Administrator
# Guide, "Client authentication": mutual (certificate) authentication may be used alone or
# with one user-based method (Active Directory or SAML federation); both must then succeed.
CERTIFICATE = "certificate-authentication"
DIRECTORY = "directory-service-authentication"
FEDERATED = "federated-authentication"
AUTHENTICATION = {CERTIFICATE: "client certificate", DIRECTORY: "Active Directory",
                  FEDERATED: "SAML identity provider"}
# What an endpoint uses when `transport_protocol` / `vpn_port` are omitted (EC2 API
# reference, CreateClientVpnEndpoint).
CLIENT_VPN_TRANSPORT = "udp"
CLIENT_VPN_PORT = 443


def client_vpn_flow(transport: Any, port: Any) -> Flow:
    """The clients' connections to a Client VPN endpoint: always an OpenVPN session over
    TLS, whose protocol versions and ciphers AWS chooses (the API has no setting for them),
    so the flow is encrypted and its minimum TLS version is not stated."""
    transport = CLIENT_VPN_TRANSPORT if transport in (None, "") else transport
    port = CLIENT_VPN_PORT if port in (None, "") else port
    return Flow("client connections", encrypted=True,
                detail=f"OpenVPN over TLS set by AWS, {_shown(transport)}:{_shown(port)}")


def client_vpn_identity(types: Any) -> Identity:
    """Whether connecting to a Client VPN endpoint takes two authentication factors, from
    its authentication types: a client certificate (a key the device holds) together with a
    user sign-in (Active Directory or SAML) is two; a certificate alone is one. A user
    sign-in alone is as strong as the directory's or identity provider's own MFA setting,
    which the endpoint does not show: unknown."""
    if isinstance(types, Unknown):
        return Identity(mfa_enforced=types, detail="authentication unresolved")
    if not isinstance(types, (list, tuple)):
        return Identity(mfa_enforced=Unknown("unexpected value for authentication_options"),
                        detail="authentication unresolved")
    names: list[str] = []
    for item in types:
        if isinstance(item, Unknown):
            return Identity(mfa_enforced=Unknown(
                f"an authentication type is unknown: {item.reason}", item.refs),
                detail="authentication unresolved")
        if item not in AUTHENTICATION:
            return Identity(mfa_enforced=Unknown(f"unexpected authentication type {item!r}"),
                            detail="authentication unresolved")
        if item not in names:
            names.append(item)
    detail = " + ".join(AUTHENTICATION[n] for n in names) or "no authentication option"
    users = [n for n in names if n != CERTIFICATE]
    mfa: Maybe[bool]
    if not names:
        mfa = Unknown("the endpoint names no authentication option")
    elif CERTIFICATE in names:
        mfa = bool(users)
    elif FEDERATED in names:
        mfa = Unknown("a SAML identity provider alone: whether it asks for a second factor is"
                      " its own setting, which the endpoint does not show")
    else:
        mfa = Unknown("Active Directory alone: a second factor is the directory's RADIUS MFA"
                      " setting, which hds-iac does not read")
    return Identity(mfa_enforced=mfa, detail=detail)
