"""The flows of AWS load balancer listeners, CloudFront distributions, site-to-site VPN
tunnels and Client VPN endpoints (`hds_iac.adapters.aws_flows`), shared by the Terraform
and live adapters (HDS-TLS-001/002/003/007, HDS-MFA-006). Each case pins what a user sees
through the rules: encrypted or not, the minimum TLS version, what stays unknown, and the
words of the flow's label; the mutation run (scripts/mutation.py) showed they had no test."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_flows, aws_tls
from hds_iac.adapters.aws_flows import S3_ORIGIN
from hds_iac.model import Flow, Unknown

DENIED = Unknown("denied", ("aws_lb.x",))
UNNAMED = Unknown("known after apply")


# --- load balancer listeners ------------------------------------------------------------

@pytest.mark.parametrize("actions, expected", [
    ([], False),
    ([("redirect", "HTTPS")], True),
    ([("redirect", "https")], True),
    ([("redirect", "HTTPS"), ("redirect", "HTTPS")], True),
    ([("redirect", "HTTPS"), ("forward", None)], False),
    ([("redirect", "HTTP")], False),
    ([("redirect", DENIED)], False),
    ([("forward", "HTTPS")], False),
])
def test_a_listener_carries_no_data_only_when_every_action_redirects_to_https(actions, expected):
    assert aws_flows.redirects_to_https(iter(actions)) is expected


def test_an_https_listener_without_a_policy_gets_the_default_one():
    flow = aws_flows.listener_flow("HTTPS", 443, None, True)
    assert flow == Flow("listener :443", encrypted=True, min_tls=aws_tls.elb_min_tls(
        aws_tls.ELB_DEFAULT_POLICY), certificate=True,
        detail=f"HTTPS {aws_tls.ELB_DEFAULT_POLICY}")
    strict = aws_flows.listener_flow("TLS", 8443, "ELBSecurityPolicy-TLS13-1-2-2021-06", False)
    assert strict.min_tls == "1.2" and strict.certificate is False
    assert strict.detail == "TLS ELBSecurityPolicy-TLS13-1-2-2021-06"
    classic = aws_flows.listener_flow("SSL", 443, None, True, default_policy="ELBSecurityPolicy-TLS-1-1-2017-01")
    assert classic.min_tls == "1.1"


def test_a_plaintext_listener_says_whether_it_redirects():
    # a Classic Load Balancer's listener has no redirect action: it carries data
    assert aws_flows.listener_flow("HTTP", 80, None, False).redirects_to_https is False
    flow = aws_flows.listener_flow("HTTP", 80, "ignored", True, redirects=True)
    assert flow == Flow("listener :80", encrypted=False, redirects_to_https=True, detail="HTTP")
    unread = aws_flows.listener_flow("HTTP", 80, None, True, redirects=DENIED)
    assert unread.redirects_to_https == DENIED and unread.min_tls is None


def test_a_listener_of_unresolved_protocol_or_port_is_unknown_and_labelled():
    flow = aws_flows.listener_flow(DENIED, DENIED, "p", True, redirects=True)
    assert flow.encrypted == DENIED and flow.name == "listener :aws_lb.x"
    assert flow.redirects_to_https is False and flow.certificate is None and flow.detail == ""
    assert aws_flows.listener_flow("HTTPS", None, UNNAMED, True).name == "listener :?"
    assert aws_flows.listener_flow("HTTPS", UNNAMED, UNNAMED, True).name == "listener :?"
    assert aws_flows.listener_flow("HTTPS", 443, UNNAMED, True).detail == "HTTPS ?"
    assert aws_flows.listener_flow("TCP", 443, None, True).certificate is None


@pytest.mark.parametrize("policies, expected", [
    ([], None),
    ([("stickiness", "LBCookieStickinessPolicyType", {})], None),
    ([("ssl", aws_flows.SSL_NEGOTIATION, {aws_flows.REFERENCE_POLICY: "ELBSecurityPolicy-TLS-1-2-2017-01"})],
     "ELBSecurityPolicy-TLS-1-2-2017-01"),
    ([("stickiness", "LBCookieStickinessPolicyType", {aws_flows.REFERENCE_POLICY: "x"}),
      ("ssl", aws_flows.SSL_NEGOTIATION, {aws_flows.REFERENCE_POLICY: "ELBSecurityPolicy-2016-08"})],
     "ELBSecurityPolicy-2016-08"),
    ([("ssl", aws_flows.SSL_NEGOTIATION, {aws_flows.REFERENCE_POLICY: DENIED})], DENIED),
])
def test_the_ssl_policy_of_a_classic_listener(policies, expected):
    assert aws_flows.classic_ssl_policy(policies) == expected


@pytest.mark.parametrize("attributes, why", [
    ({aws_flows.REFERENCE_POLICY: ""}, "empty Reference-Security-Policy"),
    ({aws_flows.REFERENCE_POLICY: None}, "empty Reference-Security-Policy"),
    ({"Protocol-TLSv1.2": "true"}, "custom lists its own protocols and ciphers"),
])
def test_a_classic_ssl_policy_that_names_no_predefined_policy_is_unknown(attributes, why):
    got = aws_flows.classic_ssl_policy([("custom", aws_flows.SSL_NEGOTIATION, attributes)])
    assert got == Unknown(why)


# --- CloudFront ---------------------------------------------------------------------------

@pytest.mark.parametrize("default, version, expected", [
    (True, "TLSv1.2_2021", aws_tls.CLOUDFRONT_DEFAULT_PROTOCOL),
    (False, None, aws_tls.CLOUDFRONT_DEFAULT_PROTOCOL),
    (False, "", aws_tls.CLOUDFRONT_DEFAULT_PROTOCOL),
    (False, "TLSv1.2_2021", "TLSv1.2_2021"),
    (DENIED, "TLSv1.2_2021", "TLSv1.2_2021"),
    (False, DENIED, DENIED),
])
def test_cloudfront_version(default, version, expected):
    assert aws_flows.cloudfront_version(default, version) == expected


def test_cloudfront_viewer_flows():
    flows = aws_flows.cloudfront_flows("TLSv1.2_2021", [
        ("viewer", "redirect-to-https"), ("viewer /a", "https-only"), ("viewer /b", "allow-all"),
        ("viewer /c", DENIED), ("viewer /d", "sometimes")], [])
    assert [(f.name, f.encrypted) for f in flows[:3]] == [
        ("viewer", True), ("viewer /a", True), ("viewer /b", False)]
    assert flows[3].encrypted == DENIED
    assert flows[4].encrypted == Unknown("unexpected viewer protocol policy 'sometimes'")
    assert {f.min_tls for f in flows} == {"1.2"}
    assert flows[0].detail == "redirect-to-https TLSv1.2_2021" and flows[3].detail == "TLSv1.2_2021"


@pytest.mark.parametrize("viewers, expected", [
    (["https-only", "redirect-to-https"], True),
    (["https-only", "allow-all"], False),
    (["allow-all", "https-only"], False),
    ([DENIED, "https-only"], DENIED),
    (["https-only", DENIED], DENIED),
    ([DENIED, "allow-all"], False),
    (["allow-all", DENIED], False),
    ([], True),
])
def test_a_match_viewer_origin_is_as_safe_as_the_weakest_viewer(viewers, expected):
    flows = aws_flows.cloudfront_flows(
        "TLSv1.2_2021", [(f"viewer {i}", v) for i, v in enumerate(viewers)],
        [("origin", aws_flows.MATCH_VIEWER, [])])
    assert flows[-1].encrypted == expected and flows[-1].detail == "match-viewer"


def test_cloudfront_origin_flows():
    flows = aws_flows.cloudfront_flows("TLSv1", [], [
        ("origin s3", S3_ORIGIN, ["ignored"]), ("origin a", "https-only", ["TLSv1.2", "TLSv1.1"]),
        ("origin b", "http-only", []), ("origin c", DENIED, []), ("origin d", "tls-maybe", [])])
    assert flows[0] == Flow("origin s3", encrypted=True, detail="S3 origin")
    assert flows[1] == Flow("origin a", encrypted=True, detail="https-only TLSv1.2,TLSv1.1")
    assert flows[2] == Flow("origin b", encrypted=False, detail="http-only")
    assert flows[3] == Flow("origin c", encrypted=DENIED, detail="")
    assert flows[4].encrypted == Unknown("unexpected origin protocol policy 'tls-maybe'")


# --- site-to-site VPN tunnels -----------------------------------------------------------

def test_a_tunnel_that_sets_nothing_takes_every_aws_default():
    flow = aws_flows.vpn_tunnel_flow("tunnel 1", {})
    labels = tuple(label for label, _, _ in aws_flows.VPN_OPTIONS)
    assert flow.ipsec.defaulted == labels
    assert flow.ipsec.options == aws_flows.AWS_VPN_DEFAULTS
    assert flow.detail == "IPsec, IKE ikev1/ikev2 (default)" and flow.encrypted is True
    # AWS's defaults allow the weak values HDS-TLS-007 names (Site-to-Site VPN User Guide)
    assert "ikev1" in flow.ipsec.options["IKE versions"]
    assert "SHA1" in flow.ipsec.options["phase 1 integrity"]
    assert "SHA1" in flow.ipsec.options["phase 2 integrity"]
    assert "2" in flow.ipsec.options["phase 1 DH groups"]
    assert {"2", "5"} <= set(flow.ipsec.options["phase 2 DH groups"])
    assert "5" not in flow.ipsec.options["phase 1 DH groups"]


def test_a_tunnel_keeps_what_it_sets_and_defaults_what_it_leaves_empty():
    flow = aws_flows.vpn_tunnel_flow("tunnel 1", {
        "IKE versions": ["ikev2"], "phase 1 DH groups": [19, "20"], "phase 2 encryption": [],
        "phase 2 integrity": ()})
    assert flow.detail == "IPsec, IKE ikev2"
    assert flow.ipsec.options["IKE versions"] == ("ikev2",)
    assert flow.ipsec.options["phase 1 DH groups"] == ("19", "20")
    assert flow.ipsec.defaulted == ("phase 1 encryption", "phase 1 integrity",
                                    "phase 2 encryption", "phase 2 integrity",
                                    "phase 2 DH groups")


@pytest.mark.parametrize("value, why", [
    ("ikev2", "unexpected value for IKE versions"),
    (["ikev2", True], "unexpected value for IKE versions"),
    (["ikev2", 1.5], "unexpected value for IKE versions"),
    (["ikev2", DENIED], "a value of IKE versions is unknown (aws_lb.x)"),
])
def test_a_tunnel_option_that_cannot_be_read_is_unknown(value, why):
    flow = aws_flows.vpn_tunnel_flow("tunnel 1", {"IKE versions": value})
    assert flow.ipsec.options["IKE versions"].reason == why
    assert flow.detail == "IPsec, IKE unresolved" and flow.ipsec.defaulted == tuple(
        label for label, _, _ in aws_flows.VPN_OPTIONS[1:])
    whole = aws_flows.vpn_tunnel_flow("tunnel 1", {"IKE versions": DENIED})
    assert whole.ipsec.options["IKE versions"] == DENIED


# --- Client VPN endpoints -------------------------------------------------------------------

def test_client_vpn_flow_defaults_and_labels():
    assert aws_flows.client_vpn_flow(None, None) == Flow(
        "client connections", encrypted=True, detail="OpenVPN over TLS set by AWS, udp:443")
    assert aws_flows.client_vpn_flow("", "").detail.endswith("udp:443")
    assert aws_flows.client_vpn_flow("tcp", 1194).detail.endswith("tcp:1194")
    assert aws_flows.client_vpn_flow(DENIED, UNNAMED).detail.endswith("aws_lb.x:?")


C, D, F = aws_flows.CERTIFICATE, aws_flows.DIRECTORY, aws_flows.FEDERATED


@pytest.mark.parametrize("types, mfa, detail", [
    ([C, F], True, "client certificate + SAML identity provider"),
    ((D, C), True, "Active Directory + client certificate"),
    ([C], False, "client certificate"),
    ([C, C], False, "client certificate"),
    ([F, F, C], True, "SAML identity provider + client certificate"),
])
def test_client_vpn_identity_counts_factors(types, mfa, detail):
    got = aws_flows.client_vpn_identity(types)
    assert got.mfa_enforced is mfa and got.detail == detail


@pytest.mark.parametrize("types, why, detail", [
    ([], "names no authentication option", "no authentication option"),
    ([F], "SAML identity provider alone", "SAML identity provider"),
    ([D], "Active Directory alone", "Active Directory"),
    ([D, F], "SAML identity provider alone", "Active Directory + SAML identity provider"),
    ("certificate-authentication", "unexpected value for authentication_options",
     "authentication unresolved"),
    ([C, "password"], "unexpected authentication type 'password'", "authentication unresolved"),
    ([C, DENIED], "an authentication type is unknown: denied", "authentication unresolved"),
    (DENIED, "denied", "authentication unresolved"),
])
def test_client_vpn_identity_unknowns(types, why, detail):
    got = aws_flows.client_vpn_identity(types)
    assert isinstance(got.mfa_enforced, Unknown) and why in got.mfa_enforced.reason
    assert got.detail == detail
