"""The AWS Terraform identity types (`hds_iac.adapters.terraform_aws_identity`): a user's
MFA through the policies of the user and of their groups (HDS-MFA-001), roles, Cognito
pools, access keys and the password policy. Records are built by hand; each case is a
verdict a user sees change. The mutation run (scripts/mutation.py) showed these had no test."""
from __future__ import annotations

import json

from hds_iac.model import Unknown
from test_adapter_aws import adapt, one, rec, ref

USER = "aws_iam_user.u"
DENY_WITHOUT_MFA = json.dumps({"Statement": [{
    "Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})
ALLOW = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def _user(*others, values=None):
    return adapt(rec(USER, {"name": "alice", **(values or {})}), *others)[USER].identity


def test_a_user_policy_that_denies_without_mfa():
    inline = rec("aws_iam_user_policy.p", {"user": ref(USER), "policy": DENY_WITHOUT_MFA})
    got = _user(inline)
    assert got.mfa_enforced is True and got.detail == "aws_iam_user_policy.p denies access without MFA"
    allow = rec("aws_iam_user_policy.a", {"user": "alice", "policy": ALLOW})
    got = _user(allow)
    assert got.mfa_enforced is False and got.detail == "no attached policy denies access without MFA"
    assert _user(allow, inline).mfa_enforced is True


def test_attached_policies_of_the_user_and_of_its_groups():
    policy = rec("aws_iam_policy.mfa", {"policy": DENY_WITHOUT_MFA})
    attached = rec("aws_iam_user_policy_attachment.a", {"user": ref(USER),
                                                        "policy_arn": ref("aws_iam_policy.mfa")})
    assert _user(policy, attached).mfa_enforced is True
    group = rec("aws_iam_group.g", {"name": "staff"})
    to_group = rec("aws_iam_group_policy_attachment.a", {"group": ref("aws_iam_group.g"),
                                                         "policy_arn": ref("aws_iam_policy.mfa")})
    member = rec("aws_iam_user_group_membership.m", {"user": ref(USER),
                                                     "groups": [ref("aws_iam_group.g")]})
    assert _user(policy, group, to_group, member).mfa_enforced is True
    assert _user(policy, group, to_group).mfa_enforced is False  # not a member
    by_name = rec("aws_iam_group_membership.m", {"users": ["alice"], "group": "staff"})
    assert _user(policy, group, to_group, by_name).mfa_enforced is True
    shared = rec("aws_iam_policy_attachment.a", {"groups": ["staff"],
                                                 "policy_arn": ref("aws_iam_policy.mfa")})
    assert _user(policy, group, shared, by_name).mfa_enforced is True
    inline_group = rec("aws_iam_group_policy.p", {"group": "outside", "policy": DENY_WITHOUT_MFA})
    outside = rec("aws_iam_user_group_membership.m", {"user": "alice", "groups": ["outside"]})
    assert _user(inline_group, outside).mfa_enforced is True  # a group named, not declared


def test_every_group_of_the_user_counts_not_only_the_first():
    policy = rec("aws_iam_policy.mfa", {"policy": DENY_WITHOUT_MFA})
    staff = rec("aws_iam_group.staff", {"name": "staff"})
    admins = rec("aws_iam_group.admins", {"name": "admins"})
    to_admins = rec("aws_iam_group_policy_attachment.a", {
        "group": ref("aws_iam_group.admins"), "policy_arn": ref("aws_iam_policy.mfa")})
    member = rec("aws_iam_user_group_membership.m", {
        "user": ref(USER), "groups": [ref("aws_iam_group.staff"), ref("aws_iam_group.admins"),
                                      ref("aws_iam_group.staff")]})
    got = _user(policy, staff, admins, to_admins, member)
    assert got.mfa_enforced is True and "aws_iam_group_policy_attachment.a" in got.detail


def test_what_cannot_be_read_makes_mfa_unknown_never_false():
    aws_managed = rec("aws_iam_user_policy_attachment.a", {
        "user": ref(USER), "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
    assert _user(aws_managed).mfa_enforced is False  # no AWS-managed policy forces MFA
    elsewhere = rec("aws_iam_user_policy_attachment.a", {
        "user": ref(USER), "policy_arn": "arn:aws:iam::111122223333:policy/mfa"})
    got = _user(elsewhere)
    assert got.mfa_enforced == Unknown(
        "policy arn:aws:iam::111122223333:policy/mfa attached by "
        "aws_iam_user_policy_attachment.a is not in this configuration")
    assert got.detail == got.mfa_enforced.reason
    unread = rec("aws_iam_user_policy.p", {"user": ref(USER), "policy": ref("var.policy")})
    assert isinstance(_user(unread).mfa_enforced, Unknown)
    # one readable policy that forces MFA settles it whatever else cannot be read
    mfa = rec("aws_iam_user_policy.q", {"user": ref(USER), "policy": DENY_WITHOUT_MFA})
    assert _user(unread, mfa).mfa_enforced is True
    # the first doubt explains the unknown
    second = rec("aws_iam_user_policy.r", {"user": ref(USER), "policy": ref("var.other")})
    assert _user(unread, second).mfa_enforced.reason == \
        "the policy aws_iam_user_policy.p cannot be read (known after apply)"
    group_unknown = rec("aws_iam_user_group_membership.m", {"user": ref(USER),
                                                            "groups": [ref("var.group")]})
    got = _user(group_unknown)
    assert got.mfa_enforced == Unknown(
        "a group of aws_iam_user_group_membership.m cannot be resolved")
    all_unknown = rec("aws_iam_user_group_membership.m", {"user": ref(USER),
                                                          "groups": ref("var.groups")})
    assert isinstance(_user(all_unknown).mfa_enforced, Unknown)
    assert _user(group_unknown, mfa).mfa_enforced is True
    assert "a group of" in _user(group_unknown, unread).mfa_enforced.reason  # groups first


def test_console_access_and_ids():
    profile = rec("aws_iam_user_login_profile.p", {"user": ref(USER)})
    res = adapt(rec(USER, {"name": "alice", "unique_id": "AIDA1"}), profile)[USER]
    assert res.identity.console_access is True and res.region is None
    assert "AIDA1" in res.ids
    assert _user().console_access is False


def test_roles_and_where_their_finding_points():
    trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                                       "Action": "sts:AssumeRole"}]})
    role = one(rec("aws_iam_role.r", {"assume_role_policy": trust}))
    assert role.kind == "role" and role.region is None
    assert role.identity.mfa_enforced is False and role.identity.console_access is True
    assert role.attributes["identity.mfa_enforced"].path == "assume_role_policy"


def test_cognito_pool_mfa():
    assert one(rec("aws_cognito_user_pool.p", {"mfa_configuration": "on"})).identity.mfa_enforced is True
    for setting in ("OPTIONAL", "OFF", None):
        got = one(rec("aws_cognito_user_pool.p", {"mfa_configuration": setting})).identity
        assert got.mfa_enforced is False
    assert one(rec("aws_cognito_user_pool.p")).identity.detail == "mfa_configuration=OFF"
    unknown = one(rec("aws_cognito_user_pool.p", {"mfa_configuration": ref("var.mfa")}))
    assert unknown.identity.mfa_enforced == ref("var.mfa")
    assert unknown.attributes["identity.mfa_enforced"].path == "mfa_configuration"


def test_access_keys_never_expire():
    key = one(rec("aws_iam_access_key.k", {"user": "alice"}))
    assert (key.identity.key_max_age_days, key.identity.keys_can_expire) == (0, False)
    assert key.identity.detail == "user alice, status Active" and key.region is None


def test_the_account_password_policy():
    got = one(rec("aws_iam_account_password_policy.p", {
        "minimum_password_length": 14, "password_reuse_prevention": 24,
        "require_symbols": True, "require_numbers": "true", "require_uppercase_characters": False}))
    policy = got.identity.password_policy
    assert (policy.min_length, policy.reuse_prevention, policy.required_classes) == (
        14, 24, ("numbers", "symbols"))
    assert got.region is None and got.kind == "account-policy"
    assert got.attributes["identity.password_policy.min_length"].path == "minimum_password_length"
    assert got.attributes["identity.password_policy.reuse_prevention"].path == \
        "password_reuse_prevention"
