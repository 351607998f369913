"""Identity rules (topics mfa and access-keys) on model objects built by hand.

Each rule is run through the registry on a small inventory; every verdict's message is
rendered in English and French from the catalogue, so a missing key or placeholder fails.
"""
from __future__ import annotations

import pytest

from hds_iac.model import Identity, Origin, Resource, Unknown
from rule_helpers import run, statuses, text
from hds_iac.settings import Settings


def make(kind: str, address: str, provider: str = "aws", region=None, **facets) -> Resource:
    return Resource(address=address, type=f"{provider}_{kind}", provider=provider, kind=kind,
                    region=region, origin=Origin("hcl", "main.tf", 1), **facets)


# --- HDS-MFA-001 console users -------------------------------------------------------------


def user(address: str, console, mfa, detail: str = "") -> Resource:
    return make("user", address, identity=Identity(console_access=console, mfa_enforced=mfa,
                                                   detail=detail))


def test_mfa_001_console_users() -> None:
    got = run("HDS-MFA-001",
              user("aws_iam_user.alice", True, True, "aws_iam_group_policy_attachment.mfa denies"),
              user("aws_iam_user.bob", True, False, "no attached policy denies access without MFA"),
              user("aws_iam_user.carol", True, Unknown("a group of aws_iam_user_group_membership.c "
                                                        "cannot be resolved")),
              user("aws_iam_user.ci", False, False),
              user("aws_iam_user.dave", Unknown("login profile count unknown"), False))
    assert statuses(got) == {"aws_iam_user.alice": "pass", "aws_iam_user.bob": "fail",
                             "aws_iam_user.carol": "unknown", "aws_iam_user.dave": "unknown"}
    by = {v.resource.address: v for v in got}
    assert "no attached policy" in text("HDS-MFA-001", by["aws_iam_user.bob"])
    assert "cannot be resolved" in text("HDS-MFA-001", by["aws_iam_user.carol"], "fr")
    assert "login profile count unknown" in text("HDS-MFA-001", by["aws_iam_user.dave"])


def test_mfa_001_points_at_what_enforces_mfa_then_what_grants_the_console() -> None:
    # The deciding values, in that order, on a pass, a fail and an unknown MFA (found by mutation).
    got = run("HDS-MFA-001", user("aws_iam_user.alice", True, True),
              user("aws_iam_user.bob", True, False),
              user("aws_iam_user.carol", True, Unknown("a group cannot be resolved")))
    assert [v.facets for v in got] == [("identity.mfa_enforced", "identity.console_access")] * 3


def test_mfa_001_ignores_users_of_providers_without_console_notion() -> None:
    outscale_user = make("user", "outscale_user.ops", provider="outscale",
                         identity=Identity(mfa_enforced=Unknown("no API-visible MFA")))
    assert run("HDS-MFA-001", outscale_user) == []


# --- HDS-MFA-002 human-assumed roles ---------------------------------------------------------


def role(address: str, humans, mfa, detail: str = "assumable by arn:aws:iam::123456789012:root"):
    return make("role", address, identity=Identity(console_access=humans, mfa_enforced=mfa,
                                                   detail=detail))


def test_mfa_002_roles() -> None:
    got = run("HDS-MFA-002",
              role("aws_iam_role.admin", True, True),
              role("aws_iam_role.ops", True, False),
              role("aws_iam_role.saml", True, Unknown("federated through SAML")),
              role("aws_iam_role.lambda", False, False, "assumable by services only"),
              role("aws_iam_role.doc", Unknown("trust policy from a variable"),
                   Unknown("trust policy from a variable")))
    assert statuses(got) == {"aws_iam_role.admin": "pass", "aws_iam_role.ops": "fail",
                             "aws_iam_role.saml": "unknown", "aws_iam_role.doc": "unknown"}
    fail = next(v for v in got if v.status == "fail")
    assert "arn:aws:iam::123456789012:root" in text("HDS-MFA-002", fail)
    assert "sans MFA" in text("HDS-MFA-002", fail, "fr")


# --- HDS-MFA-003 user pools -------------------------------------------------------------------


def test_mfa_003_user_pools() -> None:
    pool = lambda a, mfa, d: make("user-pool", a, region="eu-west-3",  # noqa: E731
                                  identity=Identity(mfa_enforced=mfa, detail=d))
    got = run("HDS-MFA-003",
              pool("aws_cognito_user_pool.staff", True, "mfa_configuration=ON"),
              pool("aws_cognito_user_pool.patients", False, "mfa_configuration=OPTIONAL"),
              pool("aws_cognito_user_pool.x", Unknown("var.mfa has no value"), "mfa_configuration=?"))
    assert statuses(got) == {"aws_cognito_user_pool.staff": "pass",
                             "aws_cognito_user_pool.patients": "fail",
                             "aws_cognito_user_pool.x": "unknown"}
    assert "OPTIONAL" in text("HDS-MFA-003", got[1])
    assert "var.mfa has no value" in text("HDS-MFA-003", got[2], "fr")


# --- HDS-MFA-004 Outscale trusted environment -------------------------------------------------


def policy(address: str, provider: str = "outscale", trusted=None, max_days=None, detail: str = ""):
    return make("account-policy", address, provider=provider,
                identity=Identity(mfa_enforced=trusted, key_max_age_days=max_days, detail=detail))


def test_mfa_004_trusted_env() -> None:
    got = run("HDS-MFA-004",
              policy("outscale_api_access_policy.a", trusted=True, max_days=90),
              policy("outscale_api_access_policy.b", trusted=False, max_days=0),
              policy("outscale_api_access_policy.c", trusted=Unknown("var.trusted has no value")),
              # a policy without an MFA switch (an AWS password policy) is not judged: the
              # rule reads the facet, never the provider
              policy("aws_iam_account_password_policy.p", provider="aws"))
    assert statuses(got) == {"outscale_api_access_policy.a": "pass",
                             "outscale_api_access_policy.b": "fail",
                             "outscale_api_access_policy.c": "unknown"}
    assert "var.trusted has no value" in text("HDS-MFA-004", got[2])


# --- HDS-KEY-001 access keys --------------------------------------------------------------------


def key(address: str, provider: str = "aws", max_days=None, age=None, detail: str = "user ci"):
    """An access key as the adapters build it: AWS IAM keys cannot be given an expiry."""
    return make("access-key", address, provider=provider,
                identity=Identity(key_max_age_days=max_days, key_age_days=age, detail=detail,
                                  keys_can_expire=provider != "aws"))


def test_key_001_account_policies() -> None:
    got = run("HDS-KEY-001",
              policy("outscale_api_access_policy.ok", max_days=90),
              policy("outscale_api_access_policy.never", max_days=0),
              policy("outscale_api_access_policy.long", max_days=365),
              policy("outscale_api_access_policy.var", max_days=Unknown("var.lifetime has no value")),
              policy("aws_iam_account_password_policy.p", provider="aws"))
    assert statuses(got) == {"outscale_api_access_policy.ok": "pass",
                             "outscale_api_access_policy.never": "fail",
                             "outscale_api_access_policy.long": "fail",
                             "outscale_api_access_policy.var": "unknown"}
    by = {v.resource.address: v for v in got}
    assert by["outscale_api_access_policy.never"].message == "fail_policy_never"
    assert "365" in text("HDS-KEY-001", by["outscale_api_access_policy.long"])
    assert "var.lifetime" in text("HDS-KEY-001", by["outscale_api_access_policy.var"], "fr")


def test_key_001_a_young_key_whose_lifetime_passes_a_zero_limit_is_judged_by_its_lifetime() -> None:
    # max_access_key_age_days may be 0 (the configuration refuses only negative days): a key
    # created today is then not over the age limit, but a lifetime of 1 day still is (found
    # by mutation).
    [verdict] = run("HDS-KEY-001", key("outscale_access_key.day", provider="outscale",
                                       max_days=1, age=0, detail="expires tomorrow"),
                    settings=Settings(max_access_key_age_days=0))
    assert (verdict.status, verdict.message) == ("fail", "fail_key_long")


def test_key_001_keys_from_code() -> None:
    got = run("HDS-KEY-001",
              key("aws_iam_access_key.ci", max_days=0),
              key("outscale_access_key.forever", provider="outscale", max_days=0,
                  detail="no expiration date"),
              key("outscale_access_key.short", provider="outscale", max_days=30,
                  detail="expires 2026-12-01"),
              key("outscale_access_key.year", provider="outscale", max_days=365,
                  detail="expires 2027-11-01"))
    assert statuses(got) == {"aws_iam_access_key.ci": "fail",
                             "outscale_access_key.forever": "fail",
                             "outscale_access_key.short": "pass",
                             "outscale_access_key.year": "fail"}
    aws = got[0]
    assert aws.message == "fail_aws_never"
    assert "never expire" in text("HDS-KEY-001", aws) and "90" in text("HDS-KEY-001", aws)
    assert got[1].message == "fail_key_never"


def test_key_001_live_key_age_uses_the_setting() -> None:
    young = key("AKIA1", max_days=0, age=30)
    old = key("AKIA2", max_days=0, age=120)
    lost = key("AKIA3", max_days=0, age=Unknown("last rotation date not readable"))
    got = run("HDS-KEY-001", young, old, lost)
    assert statuses(got) == {"AKIA1": "pass", "AKIA2": "fail", "AKIA3": "unknown"}
    assert "120" in text("HDS-KEY-001", got[1], "fr")
    # a stricter policy fails the 30-day-old key
    strict = run("HDS-KEY-001", young, settings=Settings(max_access_key_age_days=14))
    assert [v.status for v in strict] == ["fail"]
    assert "14" in text("HDS-KEY-001", strict[0])


@pytest.mark.parametrize("rule_id", ["HDS-MFA-001", "HDS-MFA-002", "HDS-MFA-003",
                                     "HDS-MFA-004", "HDS-KEY-001"])
def test_rules_ignore_unrelated_kinds(rule_id: str) -> None:
    bucket = make("bucket", "aws_s3_bucket.b", region="eu-west-3", stores_data=True)
    assert run(rule_id, bucket) == []


def test_mfa_006_shows_the_transport_of_the_client_connections() -> None:
    # The client connections' flow, not another flow of the endpoint (found by mutation).
    from hds_iac.model import Flow
    vpn = make("vpn", "aws_ec2_client_vpn_endpoint.vpn",
               identity=Identity(mfa_enforced=True, detail="SAML with MFA"),
               flows=[Flow("in-transit", encrypted=True, detail="other"),
                      Flow("client connections", encrypted=True, detail="udp/443")])
    [verdict] = run("HDS-MFA-006", vpn)
    assert (verdict.status, verdict.params["transport"]) == ("pass", "udp/443")
