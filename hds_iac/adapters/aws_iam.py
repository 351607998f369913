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
from fnmatch import fnmatchcase
from typing import Any, Iterable

from hds_iac.model import Flow, Identity, Maybe, PasswordPolicy, Unknown

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


def _covers_everything(stmt: dict) -> bool:
    """The statement applies to (almost) every action: `*`, or a `NotAction` list."""
    if "NotAction" in stmt:
        return True
    return any(action == "*" for action in as_list(stmt.get("Action")))


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


@dataclass(frozen=True)
class Bucket:
    """The bucket a policy is attached to, as far as the source knows it: its name (None or
    Unknown before apply when Terraform picks it), and the Terraform addresses that stand
    for it in a policy whose ARNs are not known yet (`aws_s3_bucket.b.arn`)."""

    name: Maybe[str] | None
    addresses: frozenset[str] = frozenset()


_S3_ARN = re.compile(r"^arn:aws[\w-]*:s3:::", re.I)
_PARTS = frozenset({"bucket", "objects"})


def denies_insecure_transport(policy: dict, bucket: Bucket) -> Maybe[bool]:
    """Whether the bucket policy refuses plain HTTP for every request to the bucket.

    True when Deny statements for every principal, conditioned only on
    `aws:SecureTransport = false`, deny every S3 action (`*`, `s3:*`, or a `NotAction`
    naming no S3 action) on the bucket and on its objects (one statement or several
    together). A Deny of `s3:GetObject` only, on another bucket, on a prefix of the
    objects, for one principal or narrowed by another condition leaves plain HTTP open:
    False. Unknown when a statement that could decide it is not resolved (its effect,
    principal, actions, condition or resources)."""
    covered: set[str] = set()
    doubt: Unknown | None = None
    for stmt in statements(policy):
        parts = _tls_deny_parts(stmt, bucket)
        if isinstance(parts, Unknown):
            doubt = parts if doubt is None else doubt
            continue
        covered |= parts
        if covered >= _PARTS:
            return True
    return doubt if doubt is not None else False


HTTPS_ONLY = "https-only policy"


def https_only_flow(policies: list[Maybe[dict]], bucket: Bucket) -> Flow:
    """The "https-only policy" flow of a bucket from its policy documents (none: no policy;
    Unknown: a policy that could not be read). Code, plans, states and live scans all build
    it here."""
    if not policies:
        return Flow(HTTPS_ONLY, encrypted=False, detail="no bucket policy")
    doubt: Unknown | None = None
    for doc in policies:
        verdict = doc if isinstance(doc, Unknown) else denies_insecure_transport(doc, bucket)
        if verdict is True:
            return Flow(HTTPS_ONLY, encrypted=True,
                        detail="every S3 action on the bucket and its objects is denied to "
                               "every principal when aws:SecureTransport is false")
        if isinstance(verdict, Unknown):
            doubt = verdict if doubt is None else doubt
    if doubt is not None:
        return Flow(HTTPS_ONLY, encrypted=doubt)
    return Flow(HTTPS_ONLY, encrypted=False,
                detail="no statement denies every S3 action (s3:*) on the bucket and its "
                       "objects to every principal when aws:SecureTransport is false")


def _tls_deny_parts(stmt: dict, bucket: Bucket) -> Maybe[set[str]]:
    """What of the bucket ("bucket", "objects") one statement closes to plain HTTP."""
    effect = stmt.get("Effect")
    if isinstance(effect, Unknown):
        return Unknown(f"the effect of a bucket policy statement is not known ({effect.reason})")
    if _effect(stmt) != "deny" or "NotPrincipal" in stmt:
        return set()
    for check in (_only_insecure_transport, _everyone, _every_s3_action):
        verdict = check(stmt)
        if verdict is not True:
            return verdict if isinstance(verdict, Unknown) else set()
    if "Resource" in stmt:
        return _resources_parts(as_list(stmt.get("Resource")), bucket)
    if "NotResource" in stmt:
        excluded = _resources_parts(as_list(stmt.get("NotResource")), bucket)
        return excluded if isinstance(excluded, Unknown) else set(_PARTS - excluded)
    return set()


def _only_insecure_transport(stmt: dict) -> Maybe[bool]:
    """The condition is `Bool`/`BoolIfExists` `aws:SecureTransport = false` and nothing else
    (another condition key would let plain HTTP through where it does not hold)."""
    block = stmt.get("Condition")
    if isinstance(block, Unknown):
        return Unknown(f"the condition of a bucket policy statement is not known ({block.reason})")
    if not isinstance(block, dict):
        return False
    found = False
    for operator, entries in block.items():
        if isinstance(entries, Unknown):
            return Unknown(f"a bucket policy condition is not known ({entries.reason})")
        if not isinstance(entries, dict):
            return False
        for key, values in entries.items():
            items = as_list(values)
            unknown = next((v for v in items if isinstance(v, Unknown)), None)
            if isinstance(values, Unknown) or unknown is not None:
                what = values if isinstance(values, Unknown) else unknown
                return Unknown(f"a bucket policy condition is not known ({what.reason})")
            texts = {str(v).lower() for v in items}
            if str(key).lower() != SECURE_TRANSPORT or not _bool_test(str(operator).lower()) \
                    or texts != {"false"}:
                return False
            found = True
    return found


def _everyone(stmt: dict) -> Maybe[bool]:
    principal = stmt.get("Principal")
    if isinstance(principal, Unknown):
        return Unknown(f"the principal of a bucket policy statement is not known "
                       f"({principal.reason})")
    if isinstance(principal, dict) and isinstance(principal.get("AWS"), Unknown):
        return Unknown(f"the principal of a bucket policy statement is not known "
                       f"({principal['AWS'].reason})")
    return _principal_is_everyone(stmt)


def _every_s3_action(stmt: dict) -> Maybe[bool]:
    if "NotAction" in stmt:
        listed = as_list(stmt.get("NotAction"))
        unknown = next((a for a in listed if isinstance(a, Unknown)), None)
        if unknown is not None:
            return Unknown(f"the actions of a bucket policy statement are not known "
                           f"({unknown.reason})")
        # Everything but the listed actions: every S3 action when none of them is one.
        return not any(isinstance(a, str) and (a == "*" or a.lower().startswith("s3:"))
                       for a in listed)
    actions = as_list(stmt.get("Action"))
    if any(isinstance(a, str) and a.lower() in ("*", "s3:*") for a in actions):
        return True
    unknown = next((a for a in actions if isinstance(a, Unknown)), None)
    if unknown is not None:
        return Unknown(f"the actions of a bucket policy statement are not known ({unknown.reason})")
    return False


def _resources_parts(entries: list, bucket: Bucket) -> Maybe[set[str]]:
    """What of the bucket a list of resource ARNs (or patterns) names."""
    parts: set[str] = set()
    doubt: Unknown | None = None
    for entry in entries:
        got = _resource_parts(entry, bucket)
        if isinstance(got, Unknown):
            doubt = got if doubt is None else doubt
        else:
            parts |= got
    if parts >= _PARTS or doubt is None:
        return parts
    return doubt


def _resource_parts(entry: Any, bucket: Bucket) -> Maybe[set[str]]:
    if isinstance(entry, Unknown):
        if not entry.refs:
            return Unknown(f"a bucket policy resource is not known ({entry.reason})")
        if not bucket.addresses & set(entry.refs):
            return set()  # the ARN of another resource of the configuration
        # The ARN of this bucket, not known before apply: a bare reference is the bucket,
        # "${...arn}/*" its objects (`shape` of a template with unknown parts), anything
        # longer only a prefix of its objects.
        shape = _S3_ARN.sub("", getattr(entry, "shape", "") or "*")
        return {"bucket"} if shape == "*" else {"objects"} if shape == "*/*" else set()
    if not isinstance(entry, str):
        return set()
    if entry == "*":
        return set(_PARTS)
    if not _S3_ARN.match(entry):
        return set()
    pattern = _S3_ARN.sub("", entry)
    name = bucket.name
    if not isinstance(name, str):
        if pattern in ("*", "*/*"):
            return set(_PARTS) if pattern == "*" else {"objects"}
        why = name.reason if isinstance(name, Unknown) else "Terraform chooses it at creation"
        return Unknown(f"the bucket's name is not known ({why})")
    parts = set()
    if fnmatchcase(name, pattern):
        parts.add("bucket")
    if fnmatchcase(f"{name}/*", pattern):
        parts.add("objects")
    return parts


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


# --- the account password policy ------------------------------------------------------

# IAM's character-class switches, in the order messages name them: class -> (Terraform
# argument, API field).
PASSWORD_CLASSES = {
    "uppercase": ("require_uppercase_characters", "RequireUppercaseCharacters"),
    "lowercase": ("require_lowercase_characters", "RequireLowercaseCharacters"),
    "numbers": ("require_numbers", "RequireNumbers"),
    "symbols": ("require_symbols", "RequireSymbols"),
}


def password_policy(min_length: Maybe[int] | None, reuse_prevention: Maybe[int] | None,
                    max_age_days: Maybe[int] | None,
                    required: dict[str, Maybe[bool] | None]) -> tuple[PasswordPolicy, str]:
    """The policy facet and its description, from IAM's fields however they were read
    (Terraform arguments or `GetAccountPasswordPolicy`). None is a field the source omits:
    IAM's defaults apply (6 characters when a policy exists, no reuse check, no expiry,
    no character class). A class whose switch is unresolved is left out of the required
    ones; the rule does not judge classes."""
    classes = tuple(name for name in PASSWORD_CLASSES if required.get(name) is True)
    policy = PasswordPolicy(
        exists=True, min_length=6 if min_length is None else min_length,
        reuse_prevention=0 if reuse_prevention is None else reuse_prevention,
        max_age_days=0 if max_age_days is None else max_age_days, required_classes=classes)
    return policy, describe_password_policy(policy)


def no_password_policy() -> tuple[PasswordPolicy, str]:
    """An account without a policy: IAM then asks for 8 characters and nothing else."""
    policy = PasswordPolicy(exists=False, min_length=8)
    return policy, "no password policy: IAM's default applies (8 characters of three classes, reuse allowed)"


def _shown(value: object, unit: str = "") -> str:
    return "unresolved" if isinstance(value, Unknown) else f"{value}{unit}"


def describe_password_policy(policy: PasswordPolicy) -> str:
    """What a message shows of the policy (only numbers and class names: no secret)."""
    reuse = policy.reuse_prevention
    age = policy.max_age_days
    return ", ".join((
        f"minimum length {_shown(policy.min_length)}",
        "reuse allowed" if reuse == 0 else f"last {_shown(reuse)} passwords remembered",
        "no expiry" if age == 0 else f"expiry after {_shown(age, ' days')}",
        "required classes: " + (", ".join(policy.required_classes) or "none")))
