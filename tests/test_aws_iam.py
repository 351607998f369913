"""IAM policy analysis (hds_iac.adapters.aws_iam): plain policy dicts, no Terraform."""
from __future__ import annotations

import json

import pytest

from hds_iac.adapters import aws_iam
from hds_iac.model import Flow, Identity, PasswordPolicy, Unknown
from hds_iac.terraform.hcl.expressions import TemplateUnknown

SELF_SERVICE = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
                "iam:ListMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"]


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize("condition", [
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    {"Bool": {"aws:MultiFactorAuthPresent": False}},
    {"BoolIfExists": {"aws:multifactorauthpresent": ["false"]}},  # keys are case-insensitive
    {"Null": {"aws:MultiFactorAuthAge": "true"}},
])
def test_mfa_deny_with_not_action(condition):
    doc = policy({"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
                  "NotAction": SELF_SERVICE, "Resource": "*", "Condition": condition})
    assert aws_iam.denies_without_mfa(doc) is True


def test_mfa_deny_with_action_star_and_single_statement():
    doc = {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
                         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}}
    assert aws_iam.denies_without_mfa(doc) is True


@pytest.mark.parametrize("stmt", [
    # allow, not deny
    {"Effect": "Allow", "Action": "*", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    # denies a single action only: not an enforcement
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    # denies when MFA IS present (nonsense, but not enforcement)
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
    # no condition
    {"Effect": "Deny", "NotAction": SELF_SERVICE, "Resource": "*"},
    # another key
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
])
def test_not_an_mfa_enforcement(stmt):
    assert aws_iam.denies_without_mfa(policy(stmt)) is False


TLS_ONLY = {"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
BUCKET_B = aws_iam.Bucket(name="b", addresses=frozenset({"aws_s3_bucket.b"}))


def _tls(bucket=BUCKET_B, **changes):
    stmt = {**TLS_ONLY, **changes}
    return aws_iam.denies_insecure_transport(policy(*[
        {k: v for k, v in stmt.items() if v is not None}]), bucket)


def test_tls_only_bucket_policy():
    assert _tls() is True
    assert _tls(Principal={"AWS": "*"}) is True
    assert _tls(Principal={"AWS": "arn:aws:iam::123456789012:root"}) is False  # one principal
    assert aws_iam.denies_insecure_transport(policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}),
        BUCKET_B) is False


def test_tls_only_policy_must_deny_every_s3_action_on_the_bucket_and_its_objects():
    # issue 9 §3: a Deny on SecureTransport=false that leaves part of the bucket open fails
    assert _tls(Action="s3:GetObject") is False
    assert _tls(Action=["s3:GetObject", "s3:PutObject"]) is False
    assert _tls(Action="*") is True and _tls(Action="S3:*") is True
    assert _tls(Action=None, NotAction="ec2:*") is True  # everything but EC2
    assert _tls(Action=None, NotAction="s3:GetObject") is False
    assert _tls(Resource=["arn:aws:s3:::other", "arn:aws:s3:::other/*"]) is False
    assert _tls(Resource="arn:aws:s3:::b/*") is False  # the bucket itself stays open
    assert _tls(Resource=["arn:aws:s3:::b", "arn:aws:s3:::b/public/*"]) is False
    assert _tls(Resource="*") is True and _tls(Resource="arn:aws:s3:::b*") is True
    assert _tls(Resource=None, NotResource="arn:aws:s3:::other/*") is True
    assert _tls(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::1:root"}) is False
    assert _tls(Condition={"Bool": {"aws:SecureTransport": "false"},
                           "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}) is False
    assert _tls(Condition={"BoolIfExists": {"aws:SecureTransport": False}}) is True
    # an empty condition block says no more than no condition: not a deny of plain HTTP
    assert _tls(Condition=None) is False
    assert _tls(Condition={}) is False and _tls(Condition={"Bool": {}}) is False
    # two statements that together cover the bucket and its objects
    two = policy({**TLS_ONLY, "Resource": "arn:aws:s3:::b"},
                 {**TLS_ONLY, "Resource": "arn:aws:s3:::b/*"})
    assert aws_iam.denies_insecure_transport(two, BUCKET_B) is True


def test_tls_only_policy_with_unresolved_parts_is_unknown():
    arn = Unknown("aws_s3_bucket.b.arn is known only after apply", ("aws_s3_bucket.b",))
    objects = TemplateUnknown(arn.reason, arn.refs, shape="*/*")
    assert _tls(Resource=[arn, objects]) is True  # [b.arn, "${b.arn}/*"] before apply
    assert _tls(Resource=[arn, TemplateUnknown(arn.reason, arn.refs, shape="*/tmp/*")]) \
        is False
    other = Unknown("aws_s3_bucket.c.arn is known only after apply", ("aws_s3_bucket.c",))
    assert _tls(Resource=[other, TemplateUnknown(other.reason, other.refs, shape="*/*")]) \
        is False
    unset = Unknown("var.bucket_arn has no value")
    assert isinstance(_tls(Resource=[unset]), Unknown)
    assert isinstance(_tls(Action=[Unknown("var.actions has no value")]), Unknown)
    assert isinstance(_tls(Effect=Unknown("var.effect has no value")), Unknown)
    assert isinstance(_tls(Condition={"Bool": {"aws:SecureTransport": Unknown("v")}}), Unknown)
    nameless = aws_iam.Bucket(name=None, addresses=frozenset({"aws_s3_bucket.b"}))
    assert isinstance(_tls(nameless), Unknown)  # bucket_prefix: the name is chosen later
    assert _tls(nameless, Resource="*") is True


def test_load_policy_shapes():
    assert aws_iam.load_policy('{"Statement": []}') == {"Statement": []}
    assert aws_iam.load_policy({"Statement": []}) == {"Statement": []}
    assert isinstance(aws_iam.load_policy("{not json"), Unknown)
    assert isinstance(aws_iam.load_policy(["a list"]), Unknown)
    unknown = Unknown("known after apply")
    assert aws_iam.load_policy(unknown) is unknown


def assume(principal, action="sts:AssumeRole", condition=None) -> dict:
    stmt = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        stmt["Condition"] = condition
    return policy(stmt)


def test_trust_service_principal_is_not_human():
    verdict = aws_iam.trust(assume({"Service": "ec2.amazonaws.com"}))
    assert (verdict.humans, verdict.mfa, verdict.saml) == (False, False, False)


def test_trust_web_identity_is_not_human():
    verdict = aws_iam.trust(assume({"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
                                   action="sts:AssumeRoleWithWebIdentity"))
    assert verdict.humans is False and verdict.saml is False


def test_trust_saml_is_federated_humans():
    verdict = aws_iam.trust(assume({"Federated": "arn:aws:iam::123456789012:saml-provider/corp"},
                                   action="sts:AssumeRoleWithSAML"))
    assert verdict.saml is True and verdict.humans is False


@pytest.mark.parametrize("principal", [
    {"AWS": "arn:aws:iam::123456789012:root"},
    {"AWS": ["123456789012"]},
    {"AWS": "arn:aws:iam::123456789012:user/alice"},
    {"AWS": "*"},
    "*",
])
def test_trust_account_principals_are_humans(principal):
    verdict = aws_iam.trust(assume(principal))
    assert verdict.humans is True and verdict.mfa is False


def test_trust_role_principal_is_a_machine():
    verdict = aws_iam.trust(assume({"AWS": "arn:aws:iam::123456789012:role/ci"}))
    assert verdict.humans is False


@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": True}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
])
def test_trust_with_mfa_condition(condition):
    verdict = aws_iam.trust(assume({"AWS": "arn:aws:iam::123456789012:root"}, condition=condition))
    assert verdict.humans is True and verdict.mfa is True


@pytest.mark.parametrize("condition", [
    # A numeric test on another key says nothing about MFA.
    {"NumericLessThan": {"aws:TokenIssueTime": "3600"}},
    {"NumericLessThan": {"aws:EpochTime": "3600"}},
    # MFA "present = false" or "age is null" lets callers without MFA in.
    {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    {"Null": {"aws:MultiFactorAuthAge": "true"}},
])
def test_trust_conditions_that_do_not_require_mfa(condition):
    verdict = aws_iam.trust(assume({"AWS": "arn:aws:iam::123456789012:root"}, condition=condition))
    assert verdict.humans is True and verdict.mfa is False


def test_trust_null_mfa_age_false_requires_mfa():
    verdict = aws_iam.trust(assume({"AWS": "arn:aws:iam::123456789012:root"},
                                   condition={"Null": {"aws:MultiFactorAuthAge": "false"}}))
    assert verdict.mfa is True


def test_trust_mfa_must_hold_on_every_human_statement():
    doc = policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
         "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
         "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
    )
    verdict = aws_iam.trust(doc)
    assert verdict.humans is True and verdict.mfa is False
    assert "arn:aws:iam::222222222222:root" in verdict.principals


def test_merge_and_string_policy_roundtrip():
    a = assume({"Service": "ec2.amazonaws.com"})
    b = json.loads(json.dumps(policy({"Effect": "Deny", "Action": "*", "Resource": "*",
                                      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})))
    merged = aws_iam.merge([a, b])
    assert len(merged["Statement"]) == 2
    assert aws_iam.denies_without_mfa(merged) is True


# --- boundaries the mutation run (scripts/mutation.py) found untested ------------------------

def test_load_policy_names_what_it_read():
    assert aws_iam.load_policy("   ") == {"Statement": []}  # an empty policy argument
    assert aws_iam.load_policy("{x", "trust policy") == Unknown("the trust policy is not valid JSON")
    assert aws_iam.load_policy("[1]", "trust policy") == Unknown("unexpected value for trust policy")
    assert aws_iam.load_policy(3) == Unknown("unexpected value for policy")


def test_policy_shapes_iam_accepts():
    stmt = {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": False}}}
    assert aws_iam.statements({"Statement": stmt}) == [stmt]  # one statement, not a list
    assert aws_iam.statements({"Statement": [stmt, "junk", None]}) == [stmt]
    assert aws_iam.statements({}) == []
    assert aws_iam.as_list(("a", "b")) == ["a", "b"]
    assert aws_iam.conditions({"Condition": {"Bool": {"K": [True, "X"]}, "Null": "junk"}}) == [
        ("bool", "k", ["true", "x"])]
    assert aws_iam.conditions({"Condition": "junk"}) == []
    assert aws_iam.conditions({"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}}) \
        == [("numericlessthan", "aws:multifactorauthage", ["3600"])]


@pytest.mark.parametrize("stmt, expected", [
    ({"Effect": " deny ", "Action": ["s3:*", "*"],
      "Condition": {"ForAnyValue:BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}, True),
    ({"Effect": "Deny", "Action": [{"x": 1}, "*"],
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}, True),
    ({"Effect": "Deny", "Action": "iam:*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}, False),
    ({"Effect": "Allow", "Action": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"StringEquals": {"aws:MultiFactorAuthPresent": "false"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"ForAllValues:Null": {"aws:MultiFactorAuthAge": "true"}}}, True),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"Null": {"aws:MultiFactorAuthAge": "false"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}, False),
    ({"Effect": "Deny", "Action": "*",
      "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "true"}}}, False),
])
def test_denies_without_mfa_forms(stmt, expected):
    assert aws_iam.denies_without_mfa(policy(stmt)) is expected


def test_https_only_flow_of_several_policies():
    good = policy(TLS_ONLY)
    bad = policy({**TLS_ONLY, "Action": "s3:GetObject"})
    doubt = Unknown("the bucket policy cannot be read")
    assert aws_iam.https_only_flow([], BUCKET_B) == Flow(
        aws_iam.HTTPS_ONLY, encrypted=False, detail="no bucket policy")
    assert aws_iam.https_only_flow([doubt, good], BUCKET_B).encrypted is True
    assert aws_iam.https_only_flow([bad, good], BUCKET_B).detail.startswith("every S3 action")
    assert aws_iam.https_only_flow([bad, doubt], BUCKET_B) == Flow(aws_iam.HTTPS_ONLY,
                                                                   encrypted=doubt)
    other = Unknown("another")
    assert aws_iam.https_only_flow([doubt, other], BUCKET_B).encrypted == doubt
    denied = aws_iam.https_only_flow([bad], BUCKET_B)
    assert denied.encrypted is False and denied.detail.startswith("no statement denies")


def test_the_first_unresolved_statement_explains_an_unknown():
    first = {**TLS_ONLY, "Effect": Unknown("var.first")}
    second = {**TLS_ONLY, "Effect": Unknown("var.second")}
    got = aws_iam.denies_insecure_transport(policy(first, second), BUCKET_B)
    assert "var.first" in got.reason
    # a later statement that settles it wins over an earlier doubt
    assert aws_iam.denies_insecure_transport(policy(first, TLS_ONLY), BUCKET_B) is True
    got = aws_iam.denies_insecure_transport(
        policy({**TLS_ONLY, "Resource": [Unknown("var.a"), Unknown("var.b")]}), BUCKET_B)
    assert "var.a" in got.reason


@pytest.mark.parametrize("changes, why", [
    ({"Condition": Unknown("var.c")}, "the condition of a bucket policy statement is not known"),
    ({"Condition": {"Bool": Unknown("var.c")}}, "a bucket policy condition is not known"),
    ({"Condition": {"Bool": {"aws:SecureTransport": ["false", Unknown("var.c")]}}},
     "a bucket policy condition is not known (var.c)"),
    ({"Principal": Unknown("var.p")}, "the principal of a bucket policy statement is not known"),
    ({"Principal": {"AWS": Unknown("var.p")}},
     "the principal of a bucket policy statement is not known (var.p)"),
    ({"Action": None, "NotAction": ["ec2:*", Unknown("var.a")]},
     "the actions of a bucket policy statement are not known (var.a)"),
    ({"Action": ["s3:GetObject", Unknown("var.a")]},
     "the actions of a bucket policy statement are not known (var.a)"),
    ({"Resource": ["arn:aws:s3:::b", Unknown("var.r")]}, "a bucket policy resource is not known"),
])
def test_tls_only_policy_unknowns_say_what(changes, why):
    got = _tls(**changes)
    assert isinstance(got, Unknown) and why in got.reason


@pytest.mark.parametrize("changes, expected", [
    ({"Condition": {"Bool": ["aws:SecureTransport"]}}, False),
    ({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
    ({"Condition": {"Bool": {"aws:SecureTransport": ["false", "true"]}}}, False),
    ({"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}}, False),
    ({"Condition": {"ForAnyValue:Bool": {"aws:SecureTransport": "false"}}}, True),
    ({"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}}, True),
    ({"Principal": {"Service": "*"}}, False),
    ({"Action": "s3:*", "Principal": ["*"]}, False),
    ({"Action": ["s3:GetObject", "*"]}, True),
    ({"Action": None, "NotAction": ["*"]}, False),
    ({"Action": None, "NotAction": ["S3:PutObject"]}, False),
    ({"Action": None, "NotAction": [{"x": 1}, "iam:*"]}, True),
    ({"Resource": None}, False),
    ({"Resource": None, "NotResource": "arn:aws:s3:::b/*"}, False),
    ({"Resource": None, "NotResource": "arn:aws:s3:::b"}, False),
    ({"Resource": None, "NotResource": [Unknown("var.r")]}, None),
    ({"Resource": ["arn:aws:s3:::b", 7, "arn:aws:s3:::b/*"]}, True),
    ({"Resource": ["arn:aws:ec2:::b", "arn:aws:s3:::b/*"]}, False),
    ({"Resource": ["arn:aws-eu-gov:s3:::b", "ARN:AWS:S3:::b/*"]}, True),
    ({"Resource": ["arn:aws:s3:::b", Unknown("var.r"), "arn:aws:s3:::b/*"]}, True),
    ({"Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/*"]}, False),
])
def test_tls_only_policy_shapes(changes, expected):
    got = _tls(**changes)
    if expected is None:
        assert isinstance(got, Unknown)
    else:
        assert got is expected


def test_an_allow_statement_never_closes_plain_http():
    assert _tls(Effect="Allow") is False
    assert _tls(Effect="Allow", Principal=None, NotPrincipal={"AWS": "arn:aws:iam::1:root"}) \
        is False


def test_tls_only_policy_of_a_bucket_named_later():
    named_later = aws_iam.Bucket(name=Unknown("random_id.x.hex is known after apply"))
    got = _tls(named_later)
    assert "the bucket's name is not known (random_id.x.hex" in got.reason
    nameless = aws_iam.Bucket(name=None)
    assert "Terraform chooses it at creation" in _tls(nameless).reason
    assert _tls(nameless, Resource=["arn:aws:s3:::*"]) is True
    assert _tls(nameless, Resource=["arn:aws:s3:::*/*"]) is False  # objects only
    assert _tls(nameless, Resource=["arn:aws:s3:::*/*", "arn:aws:s3:::*"]) is True
    arn = Unknown("aws_s3_bucket.b.arn is known only after apply", ("aws_s3_bucket.b",))
    assert _tls(nameless, Resource=[arn]) is False  # the bucket, not its objects
    assert _tls(BUCKET_B, Resource=[arn, "arn:aws:s3:::b/*"]) is True


@pytest.mark.parametrize("principal, humans", [
    ({"AWS": "arn:aws:iam::*:root"}, True),
    ({"AWS": "arn:aws-cn:iam::123456789012:user/path/bob"}, True),
    ({"AWS": "12345678901"}, False),
    ({"AWS": "1234567890123"}, False),
    ({"AWS": "arn:aws:iam::123456789012:rootx"}, False),
    ({"AWS": "xarn:aws:iam::123456789012:root"}, False),
    ({"AWS": ["arn:aws:iam::123456789012:role/ci", 123456789012]}, False),
    ({"Service": "*"}, False),
])
def test_trust_principals_that_stand_for_people(principal, humans):
    assert aws_iam.trust(assume(principal)).humans is humans


@pytest.mark.parametrize("action, humans", [
    ("sts:AssumeRole", True), ("STS:ASSUMEROLE", True), ("sts:*", True), ("*", True),
    (["s3:GetObject", "sts:AssumeRole"], True),
    ("sts:AssumeRoleWithSAML", False), ("sts:TagSession", False), ([7], False),
])
def test_trust_actions_that_let_people_assume_the_role(action, humans):
    for principal in ("*", {"AWS": "123456789012"}):
        assert aws_iam.trust(assume(principal, action=action)).humans is humans


def test_trust_not_action_and_deny():
    stmt = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "NotAction": "s3:*"}
    assert aws_iam.trust(policy(stmt)).humans is True
    deny = {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
    assert aws_iam.trust(policy(deny)) == aws_iam.TrustVerdict(humans=False, mfa=False)
    saml = {"Effect": "Allow", "Principal": {"Federated": ["arn:saml/a", "arn:saml/b"]},
            "NotAction": "s3:*"}
    got = aws_iam.trust(policy(saml))
    assert got.saml is True and got.principals == ("arn:saml/a", "arn:saml/b")
    web = assume({"Federated": "arn:oidc"}, action="sts:AssumeRoleWithWebIdentity")
    assert aws_iam.trust(web).principals == ()
    everyone = aws_iam.trust(assume("*", action="s3:GetObject"))
    assert everyone.humans is False and everyone.principals == ("*",)


@pytest.mark.parametrize("condition, mfa", [
    ({"ForAnyValue:Bool": {"aws:MultiFactorAuthPresent": "true"}}, True),
    ({"Bool": {"aws:MultiFactorAuthPresent": ["false", "true"]}}, True),
    ({"StringEquals": {"aws:MultiFactorAuthPresent": "true"}}, False),
    ({"ForAnyValue:NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}, True),
    ({"Null": {"aws:MultiFactorAuthPresent": "false"}}, False),
    ({"StringEquals": {"aws:MultiFactorAuthAge": "false"}}, False),
    ({"Bool": {"aws:MultiFactorAuthAge": "true"}}, False),
])
def test_trust_conditions_and_mfa(condition, mfa):
    verdict = aws_iam.trust(assume({"AWS": "123456789012"}, condition=condition))
    assert verdict.humans is True and verdict.mfa is mfa


@pytest.mark.parametrize("actions, types, expected", [
    ([], [], False),
    (["sts:AssumeRole"], [], False),
    (["sts:AssumeRole"], ["Service"], True),
    (["sts:AssumeRole"], ["Service", "Service"], True),
    (["sts:AssumeRole"], ["Service", "AWS"], False),
    (["sts:AssumeRoleWithWebIdentity"], ["Federated"], True),
    (["STS:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"],
     ["Federated", "Service"], True),
    (["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"], ["Federated"], False),
    (["sts:AssumeRoleWithSAML"], ["Federated"], False),
    ([], ["Federated"], False),
    (["sts:AssumeRoleWithWebIdentity"], ["Federated", "AWS"], False),
    ([None], ["Federated"], False),
])
def test_workload_only(actions, types, expected):
    assert aws_iam.workload_only(iter(actions), iter(types)) is expected


def test_role_identity():
    doubt = Unknown("the trust policy cannot be read")
    assert aws_iam.role_identity(doubt) == Identity(console_access=doubt, mfa_enforced=doubt,
                                                    detail=doubt.reason)
    services = aws_iam.role_identity(assume({"Service": "ec2.amazonaws.com"}))
    assert services == Identity(console_access=False, mfa_enforced=False,
                                detail="assumable by services or web identities only")
    people = aws_iam.role_identity(assume({"AWS": ["111111111111", "222222222222"]}))
    assert people == Identity(console_access=True, mfa_enforced=False,
                              detail="assumable by 111111111111, 222222222222")
    mfa = aws_iam.role_identity(assume({"AWS": "111111111111"}, condition={
        "Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert mfa.console_access is True and mfa.mfa_enforced is True
    saml = aws_iam.role_identity(assume({"Federated": "arn:saml"}, action="sts:AssumeRoleWithSAML"))
    assert saml.console_access is True and isinstance(saml.mfa_enforced, Unknown)
    both = policy({"Effect": "Allow", "Principal": {"Federated": "arn:saml"},
                   "Action": "sts:AssumeRoleWithSAML"},
                  {"Effect": "Allow", "Principal": {"AWS": "111111111111"},
                   "Action": "sts:AssumeRole"})
    assert aws_iam.role_identity(both).mfa_enforced is False  # people let in without MFA


def test_password_policy_defaults_and_description():
    got, shown = aws_iam.password_policy(None, None, None, {})
    assert got == PasswordPolicy(exists=True, min_length=6, reuse_prevention=0, max_age_days=0)
    assert shown == "minimum length 6, reuse allowed, no expiry, required classes: none"
    got, shown = aws_iam.password_policy(14, 24, 90, {"symbols": True, "uppercase": True,
                                                      "numbers": False,
                                                      "lowercase": Unknown("var.x")})
    assert got.required_classes == ("uppercase", "symbols")
    assert shown == ("minimum length 14, last 24 passwords remembered, expiry after 90 days, "
                     "required classes: uppercase, symbols")
    doubt = Unknown("var.x")
    _, shown = aws_iam.password_policy(doubt, doubt, doubt, {})
    assert shown == ("minimum length unresolved, last unresolved passwords remembered, "
                     "expiry after unresolved, required classes: none")
    _, shown = aws_iam.password_policy(8, 1, 1, {})
    assert shown == ("minimum length 8, last 1 passwords remembered, expiry after 1 days, "
                     "required classes: none")
    policy_, shown = aws_iam.no_password_policy()
    assert policy_.exists is False and shown.startswith("no password policy")
