"""Reading AWS IAM policy documents (identity policies, bucket policies, trust policies).

Plain functions over policy dicts as AWS writes them (`{"Version": ..., "Statement": [...]}`),
independent of Terraform, so the live AWS scanner reuses them. Only the questions HDS asks
are answered: does a policy deny everything when MFA is absent, does a bucket policy deny
plain HTTP, who may assume a role and must they use MFA.

IAM is lenient with shapes (a single statement instead of a list, a string instead of a
list of one, booleans written as strings, condition keys in any case): so are we.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from hds_iac.model import Identity, Maybe, Unknown

MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"
SECURE_TRANSPORT = "aws:securetransport"


def load_policy(value: object, what: str = "policy") -> Maybe[dict]:
    """A policy document from a JSON string or an already decoded dict."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        if not value.strip():
            return {"Statement": []}
        try:
            doc = json.loads(value)
        except ValueError:
            return Unknown(f"the {what} is not valid JSON")
        if isinstance(doc, dict):
            return doc
    return Unknown(f"unexpected value for {what}")


def as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def statements(policy: dict) -> list[dict]:
    return [s for s in as_list(policy.get("Statement")) if isinstance(s, dict)]


def _effect(stmt: dict) -> str:
    effect = stmt.get("Effect")
    return effect.strip().lower() if isinstance(effect, str) else ""


def conditions(stmt: dict) -> list[tuple[str, str, list[str]]]:
    """(operator, key, values) triples, operator and key lower-cased, values as strings."""
    out = []
    block = stmt.get("Condition")
    if not isinstance(block, dict):
        return out
    for operator, entries in block.items():
        if not isinstance(entries, dict):
            continue
        for key, values in entries.items():
            texts = [str(v).lower() if not isinstance(v, bool) else ("true" if v else "false")
                     for v in as_list(values)]
            out.append((str(operator).lower(), str(key).lower(), texts))
    return out


def _bool_test(operator: str) -> bool:
    # "Bool", "BoolIfExists", and set-qualified forms such as "ForAnyValue:Bool".
    base = operator.split(":")[-1]
    return base in ("bool", "boolifexists")


def _covers_everything(stmt: dict, service: str = "") -> bool:
    """The statement applies to (almost) every action: `*`, `service:*`, or a `NotAction` list."""
    if "NotAction" in stmt:
        return True
    for action in as_list(stmt.get("Action")):
        if not isinstance(action, str):
            continue
        if action == "*" or (service and action.lower() == f"{service}:*"):
            return True
    return False


def denies_without_mfa(policy: dict) -> bool:
    """A statement denies everything (`*` or `NotAction`) when the caller has no MFA.

    Accepted forms: `BoolIfExists`/`Bool` `aws:MultiFactorAuthPresent` = false, and
    `Null` `aws:MultiFactorAuthAge` = true (the age is absent without MFA).
    """
    for stmt in statements(policy):
        if _effect(stmt) != "deny" or not _covers_everything(stmt):
            continue
        for operator, key, values in conditions(stmt):
            if key == MFA_PRESENT and _bool_test(operator) and "false" in values:
                return True
            if key == MFA_AGE and operator.split(":")[-1] == "null" and "true" in values:
                return True
    return False


def _principal_is_everyone(stmt: dict) -> bool:
    principal = stmt.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in as_list(principal.get("AWS"))
    return False


def denies_insecure_transport(policy: dict) -> bool:
    """A statement denies every principal when `aws:SecureTransport` is false (bucket policies)."""
    for stmt in statements(policy):
        if _effect(stmt) != "deny" or not _principal_is_everyone(stmt):
            continue
        for operator, key, values in conditions(stmt):
            if key == SECURE_TRANSPORT and _bool_test(operator) and "false" in values:
                return True
    return False


# --- trust policies -----------------------------------------------------------------

_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}|\*):(root|user/.*)$")


def _is_human_aws_principal(identifier: object) -> bool:
    """Principals that stand for people: an account (its users), a user, or anyone."""
    if not isinstance(identifier, str):
        return False
    return identifier == "*" or bool(_ACCOUNT.match(identifier)) or bool(_IAM_ARN.match(identifier))


def _allows_assume(stmt: dict, action: str) -> bool:
    if "NotAction" in stmt:
        return True
    for act in as_list(stmt.get("Action")):
        if isinstance(act, str) and act.lower() in (action, "sts:*", "*"):
            return True
    return False


def _requires_mfa(stmt: dict) -> bool:
    for operator, key, values in conditions(stmt):
        base = operator.split(":")[-1]
        if key == MFA_PRESENT and _bool_test(operator) and "true" in values:
            return True
        if key == MFA_AGE and base.startswith("numeric"):
            return True
        if key == MFA_AGE and base == "null" and "false" in values:
            return True
    return False


WEB_IDENTITY_ACTIONS = frozenset({"sts:assumerolewithwebidentity", "sts:tagsession",
                                  "sts:setsourceidentity"})


def workload_only(actions: Iterable[object], principal_types: Iterable[object]) -> bool:
    """A statement that lets only workloads assume a role: AWS services, or web identities
    (OIDC tokens: EKS service accounts, CI jobs) through sts:AssumeRoleWithWebIdentity. Its
    conditions only narrow which service or token is accepted: they do not matter to
    whether a person is let in."""
    acts = [a.lower() if isinstance(a, str) else a for a in actions]
    types = list(principal_types)
    if not types:
        return False
    if all(t == "Service" for t in types):
        return True
    return bool(acts) and all(a in WEB_IDENTITY_ACTIONS for a in acts) \
        and all(t in ("Federated", "Service") for t in types)


@dataclass
class TrustVerdict:
    """Who may assume a role, as HDS-MFA-002 needs it."""

    humans: bool  # IAM principals of an account (root, users) or anyone may assume it
    mfa: bool  # every statement letting humans in requires MFA
    saml: bool = False  # federated humans (SAML): MFA is the identity provider's business
    principals: tuple[str, ...] = ()  # for messages


def trust(policy: dict) -> TrustVerdict:
    humans, saml, mfa_everywhere = False, False, True
    names: list[str] = []
    for stmt in statements(policy):
        if _effect(stmt) != "allow":
            continue
        principal = stmt.get("Principal")
        human_here = False
        if principal == "*":
            human_here = _allows_assume(stmt, "sts:assumerole")
            names.append("*")
        elif isinstance(principal, dict):
            for kind, identifiers in principal.items():
                ids = as_list(identifiers)
                if kind == "AWS" and _allows_assume(stmt, "sts:assumerole"):
                    for ident in ids:
                        if _is_human_aws_principal(ident):
                            human_here = True
                            names.append(str(ident))
                elif kind == "Federated" and _allows_assume(stmt, "sts:assumerolewithsaml"):
                    saml = True
                    names.extend(str(i) for i in ids)
        if human_here:
            humans = True
            if not _requires_mfa(stmt):
                mfa_everywhere = False
    return TrustVerdict(humans=humans, mfa=humans and mfa_everywhere, saml=saml,
                        principals=tuple(names))


def merge(documents: Iterable[dict]) -> dict:
    """One policy holding every statement of `documents` (for questions asked of a set)."""
    out: list[Any] = []
    for doc in documents:
        out.extend(statements(doc))
    return {"Version": "2012-10-17", "Statement": out}


def role_identity(doc: Maybe[dict]) -> Identity:
    """Who can assume a role and whether they must use MFA, from its trust policy: the same
    answer for a role read from Terraform or from the IAM API."""
    if isinstance(doc, Unknown):
        return Identity(console_access=doc, mfa_enforced=doc, detail=doc.reason)
    verdict = trust(doc)
    principals = ", ".join(verdict.principals)
    if verdict.humans and not verdict.mfa:
        mfa: Maybe[bool] = False
    elif verdict.saml:
        mfa = Unknown("federated through SAML: MFA is up to the identity provider")
    else:
        mfa = verdict.mfa
    return Identity(console_access=verdict.humans or verdict.saml, mfa_enforced=mfa,
                    detail=f"assumable by {principals}" if principals else
                    "assumable by services or web identities only")
