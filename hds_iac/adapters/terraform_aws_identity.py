"""AWS Terraform identity types: IAM users (console access, MFA through their policies and
groups), roles (who may assume them), Cognito user pools, access keys, KMS-free IAM glue."""
from __future__ import annotations

from typing import Any

from hds_iac.adapters import aws_iam
from hds_iac.adapters.terraform_index import TfIndex, held_by
from hds_iac.adapters.terraform_aws_common import (
    as_list, get_bool, get_int, get_str, handles, ids_of, linked, policy_of, resolve_all,
    resolve_one, resource, show,
)
from hds_iac.model import Identity, Maybe, Resource, SourceAttribute, Unknown
from hds_iac.terraform.records import TfResource

_NAMES = ("name", "id")


# A policy document attached to a user or group: (where it is attached, the document, the
# attribute that holds it: the `policy` of an inline policy or of the attached
# aws_iam_policy, else the attachment's `policy_arn`).
Document = tuple[str, Maybe[dict], SourceAttribute]


def _policy_by_arn(index: TfIndex, attachment: TfResource) -> Document | None:
    """The document of an attached policy; None for AWS-managed policies (none forces MFA)."""
    arn, where = attachment.values.get("policy_arn"), attachment.address
    if isinstance(arn, str) and ":iam::aws:policy/" in arn:
        return None
    policy = resolve_one(index, arn, ("aws_iam_policy",), name_keys=("arn",))
    if policy is None:
        return (where, Unknown(f"policy {show(arn)} attached by {where} is not in this "
                               "configuration"), held_by(attachment, "policy_arn"))
    return (where, policy_of(index, policy.values.get("policy"), f"policy {policy.address}"),
            held_by(policy, "policy"))


def _documents(index: TfIndex, target: TfResource | str, principal: str) -> list[Document]:
    """Policies attached to a user or group (a record, or the name of a group outside this
    configuration): inline, attached, and `aws_iam_policy_attachment`. `principal` is
    "user" or "group"."""
    docs: list[Document] = []
    for rec in linked(index, target, principal, (f"aws_iam_{principal}_policy",), _NAMES):
        docs.append((rec.address, policy_of(index, rec.values.get("policy"), f"policy {rec.address}"),
                     held_by(rec, "policy")))
    attachments = linked(index, target, principal, (f"aws_iam_{principal}_policy_attachment",), _NAMES) + \
        linked(index, target, f"{principal}s", ("aws_iam_policy_attachment",), _NAMES)
    for rec in attachments:
        doc = _policy_by_arn(index, rec)
        if doc is not None:
            docs.append(doc)
    return docs


def _groups_of(index: TfIndex, user: TfResource) -> tuple[list[TfResource | str], Unknown | None]:
    """The user's groups (records, or names of groups outside this configuration)."""
    groups: list[TfResource | str] = []
    unknown: Unknown | None = None

    def add(value: Any, where: str) -> None:
        nonlocal unknown
        items = as_list(value)
        if isinstance(items, Unknown):
            items = [items]
        for item in items:
            found = resolve_all(index, item, ("aws_iam_group",)) if isinstance(item, Unknown) else \
                [g for g in [resolve_one(index, item, ("aws_iam_group",), name_keys=_NAMES)] if g]
            if found:
                groups.extend(g for g in found if all(g is not h for h in groups))
            elif isinstance(item, str) and item:
                if item not in groups:
                    groups.append(item)
            elif isinstance(item, Unknown):
                if unknown is None:
                    unknown = Unknown(f"a group of {where} cannot be resolved")

    for rec in linked(index, user, "user", ("aws_iam_user_group_membership",), _NAMES):
        add(rec.values.get("groups"), rec.address)
    for rec in linked(index, user, "users", ("aws_iam_group_membership",), _NAMES):
        add(rec.values.get("group"), rec.address)
    return groups, unknown


@handles("aws_iam_user", kinds=("user",))
def iam_user(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A user: console access from its separate login profile, MFA from the policies of the
    user and its groups. Findings point at the policy that decides MFA (one denying access
    without MFA, or one that cannot be read) and at the login profile; a user with none of
    these points at itself (an absence is held by no resource)."""
    profiles = linked(index, rec, "user", ("aws_iam_user_login_profile",), name_keys=_NAMES)
    docs = _documents(index, rec, "user")
    groups, group_unknown = _groups_of(index, rec)
    for group in groups:
        docs += _documents(index, group, "group")
    mfa: Maybe[bool] = False
    detail = "no attached policy denies access without MFA"
    unknown: tuple[Unknown, SourceAttribute | None] | None = \
        None if group_unknown is None else (group_unknown, None)
    sources: dict[str, SourceAttribute] = {}
    for where, doc, holder in docs:
        if isinstance(doc, Unknown):
            unknown = (doc, holder) if unknown is None else unknown
        elif aws_iam.denies_without_mfa(doc):
            mfa, detail = True, f"{where} denies access without MFA"
            sources["identity.mfa_enforced"] = holder
            break
    if mfa is False and unknown is not None:
        mfa, detail = unknown[0], unknown[0].reason
        if unknown[1] is not None:
            sources["identity.mfa_enforced"] = unknown[1]
    if profiles:
        sources["identity.console_access"] = held_by(profiles[0], "user")
    identity = Identity(console_access=bool(profiles), mfa_enforced=mfa, detail=detail)
    return [resource(rec, "user", region=None, ids=ids_of(rec, "unique_id"), identity=identity,
                     sources=sources)]


@handles("aws_iam_role", kinds=("role",))
def iam_role(rec: TfResource, index: TfIndex) -> list[Resource]:
    doc = policy_of(index, rec.values.get("assume_role_policy"), "trust policy")
    identity = aws_iam.role_identity(doc)
    return [resource(rec, "role", region=None, ids=ids_of(rec, "unique_id"), identity=identity,
                     sources={"identity.mfa_enforced": "assume_role_policy"})]


@handles("aws_cognito_user_pool", kinds=("user-pool",))
def cognito_pool(rec: TfResource, index: TfIndex) -> list[Resource]:
    setting = get_str(rec, "mfa_configuration", "OFF")
    if isinstance(setting, Unknown):
        mfa: Maybe[bool] = setting
    else:
        mfa = setting.upper() == "ON"
    return [resource(rec, "user-pool", identity=Identity(
        mfa_enforced=mfa, detail=f"mfa_configuration={show(setting)}"),
        sources={"identity.mfa_enforced": "mfa_configuration"})]


@handles("aws_iam_access_key", kinds=("access-key",))
def access_key(rec: TfResource, index: TfIndex) -> list[Resource]:
    # IAM access keys never expire by themselves. Only the key id is kept, never the secret.
    status = get_str(rec, "status", "Active")
    return [resource(rec, "access-key", region=None, identity=Identity(
        key_max_age_days=0, keys_can_expire=False, detail=f"user {show(rec.values.get('user'))}, status {show(status)}"))]


@handles("aws_iam_account_password_policy", kinds=("account-policy",))
def password_policy(rec: TfResource, index: TfIndex) -> list[Resource]:
    """The account's password policy. A configuration without this resource says nothing
    about the account's policy (it is often set once, in another root): no resource is
    made then, and HDS-MFA-005 judges only the roots and accounts that show it."""
    policy, detail = aws_iam.password_policy(
        get_int(rec, "minimum_password_length"), get_int(rec, "password_reuse_prevention"),
        get_int(rec, "max_password_age"),
        {name: get_bool(rec, argument, False)
         for name, (argument, _) in aws_iam.PASSWORD_CLASSES.items()})
    return [resource(rec, "account-policy", region=None,
                     identity=Identity(password_policy=policy, detail=detail),
                     sources={"identity.password_policy.min_length": "minimum_password_length",
                              "identity.password_policy.reuse_prevention":
                              "password_reuse_prevention"})]


@handles("aws_iam_user_login_profile", "aws_iam_user_policy", "aws_iam_user_policy_attachment",
         "aws_iam_policy_attachment", "aws_iam_group_policy", "aws_iam_group_policy_attachment",
         "aws_iam_user_group_membership", "aws_iam_group_membership", "aws_iam_policy",
         "aws_iam_group", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
         kinds=())
def linked_only(rec: TfResource, index: TfIndex) -> list[Resource]:
    return []
