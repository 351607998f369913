"""The HDS facts drift compares, read from model resources alike for a state and an account.

Both sides are already the provider-neutral model (a state through the Terraform adapters,
an account through the live adapters), so a fact is read here once, from the facets the
rules judge: the region, encryption at rest and who holds the key, the lowest TLS version
and plaintext listeners, multi-AZ, backup retention, deletion protection, public sharing,
MFA, key rotation, where copies go. A fact a side does not give (None)
is not compared; an `Unknown` is reported as unresolved with its reason, never as a
difference.
"""
from __future__ import annotations

from hds_iac.model import AtRest, Maybe, Resource, Unknown

# Kinds whose MFA setting a state and an account both read from the same configuration (a
# role's trust policy, a user pool's setting, Outscale's API access policy). A user's MFA
# is not compared: a state shows a policy that demands MFA, an account shows the user's
# device, two different facts.
_MFA_KINDS = frozenset({"role", "user-pool", "account-policy"})
_TLS_ORDER = {"1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3}


def _all(values: list[Maybe[bool]]) -> Maybe[bool] | None:
    """True when every value is True, False when one is False, else the first Unknown."""
    if not values:
        return None
    result: Maybe[bool] = True
    for value in values:
        if value is False:
            return False
        if result is True and isinstance(value, Unknown):
            result = value
    return result


def _encrypted(part: AtRest) -> Maybe[bool]:
    """What a part's encryption comes to, whether it is written or the provider's default."""
    if part.enabled is not None:
        return part.enabled
    if part.default == "encrypted":
        return True
    if part.default == "client-side":
        return part.attested
    if part.default == "account-default":
        return Unknown("the account's EBS encryption-by-default setting decides")
    return False


def _encryption(res: Resource) -> Maybe[bool] | None:
    return _all([_encrypted(p) for p in res.at_rest])


def _customer_key(res: Resource) -> Maybe[bool] | None:
    keys = [p.customer_key for p in res.at_rest if p.customer_key is not None]
    return _all(keys)


def _min_tls(res: Resource) -> Maybe[str] | None:
    versions = [f.min_tls for f in res.flows if f.min_tls is not None]
    for value in versions:
        if isinstance(value, Unknown):
            return value
    known = [v for v in versions if isinstance(v, str) and v in _TLS_ORDER]
    return min(known, key=_TLS_ORDER.__getitem__) if known else None


def _plaintext_flow(res: Resource) -> Maybe[bool] | None:
    """A flow that carries data unencrypted (a listener, a CDN viewer, a store's transit)."""
    flows = [f for f in res.flows if f.redirects_to_https is not True]
    if not flows:
        return None
    encrypted = _all([f.encrypted for f in flows])
    if encrypted is None or isinstance(encrypted, Unknown):
        return encrypted
    return not encrypted


def _copies(res: Resource) -> Maybe[tuple[str, ...]] | None:
    if not res.destinations:
        return None
    regions = []
    for dest in res.destinations:
        if isinstance(dest.region, Unknown):
            return dest.region
        regions.append(dest.region)
    return tuple(sorted(set(regions)))


# Fact names as messages print them, in the order messages list them.
FACTS: tuple[str, ...] = (
    "region", "encryption at rest", "customer-managed key", "minimum TLS version",
    "plaintext flow", "multi-AZ", "backup retention (days)", "deletion protection",
    "public sharing", "MFA", "key rotation", "copies to regions",
)


def read(res: Resource) -> dict[str, object]:
    """Every fact the resource gives (a fact it does not have is left out). Written facet
    by facet, so that a resource without a facet costs nothing for its facts: 10,000 pairs
    are read in a fraction of a second."""
    out: dict[str, object] = {}
    if res.region is not None:
        out["region"] = res.region
    if res.at_rest:
        out["encryption at rest"] = _encryption(res)
        key = _customer_key(res)
        if key is not None:
            out["customer-managed key"] = key
    if res.flows:
        for name, value in (("minimum TLS version", _min_tls(res)),
                            ("plaintext flow", _plaintext_flow(res))):
            if value is not None:
                out[name] = value
    placement, backup, sharing, identity = res.placement, res.backup, res.sharing, res.identity
    if placement is not None and placement.multi_az is not None:
        out["multi-AZ"] = placement.multi_az
    if backup is not None:
        if backup.retention_days is not None:
            out["backup retention (days)"] = backup.retention_days
        if backup.deletion_protection is not None:
            out["deletion protection"] = backup.deletion_protection
    if sharing is not None:
        out["public sharing"] = sharing.public
    if identity is not None and res.kind in _MFA_KINDS and identity.mfa_enforced is not None:
        out["MFA"] = identity.mfa_enforced
    if res.kind == "key" and res.key_rotation is not None:
        out["key rotation"] = res.key_rotation.enabled
    if res.destinations:
        out["copies to regions"] = _copies(res)
    return out


def shown(value: object) -> str:
    """A fact's value as a message writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
