"""IAM policy analysis (hds_iac.adapters.aws_iam): plain policy dicts, no Terraform."""
from __future__ import annotations

import json

import pytest

from hds_iac.adapters import aws_iam
from hds_iac.model import Unknown
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
