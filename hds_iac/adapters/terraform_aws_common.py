"""Helpers shared by the AWS Terraform adapter modules: keys, regions, tags, policies.

Provider-neutral reads and links live in `terraform_values`; they are re-exported here so
the AWS modules import from one place.

Records come from HCL, plans and states. Values may be Unknown (with `refs` in code and
plans), booleans written as strings ("true"), masked or otherwise odd: every reader here
returns either a clean value, the attribute's documented default when it is omitted, or an
`Unknown` saying why. Nothing here turns an Unknown into a bool.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Mapping

from hds_iac.adapters import aws_iam
from hds_iac.adapters.aws_names import (  # noqa: F401 - and the family modules
    aws_managed_key, region_from_arn, region_from_zone,
)
from hds_iac.adapters.terraform_index import (
    Handlers, TfIndex, attributes_of, origin_of,
)
from hds_iac.adapters.terraform_values import (  # noqa: F401 - the AWS modules read them here
    _show, as_bool, as_int, as_list, as_str, blocks, computed_default, first_block, get_blocks,
    get_bool, get_int, get_str, has, ids_of, is_set, known_blocks, linked, points_at,
    not_in_configuration, resolve_all, resolve_one, show,
)
from hds_iac.model import Maybe, Resource, SourceAttribute, Unknown, new_instance
from hds_iac.terraform.records import TfResource
from hds_iac.zone_spread import distinct_zones

# The AWS adapter: each family module registers its types with `@handles(...)`.
HANDLERS = Handlers("aws")
handles = HANDLERS.handles




_KEY_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_alias")


def customer_key(rec: TfResource, value: Any, index: TfIndex | None = None) -> Maybe[bool]:
    """True when a customer-managed KMS key is configured, False for the AWS-managed one.

    Code and plans name a key only when the user chose one. States always record the key
    actually used, and the ARN of an AWS-managed key (aws/ebs, aws/rds...) looks like any
    other: there, a key is a customer key only when it is one of the scanned keys."""
    if aws_managed_key(value):
        return False
    configured = is_set(rec, value)
    if configured is True and rec.source == "state" and isinstance(value, str) and index is not None:
        if resolve_one(index, value, _KEY_TYPES, name_keys=("key_id", "name", "target_key_arn")):
            return True
        return Unknown(f"KMS key {value} is not in this configuration (it may be an AWS-managed key)")
    return configured


# --- identity of a record -----------------------------------------------------------


def tags_of(rec: TfResource) -> Maybe[dict[str, str]]:
    tags_all = rec.values.get("tags_all")
    tags = rec.values.get("tags")
    if tags is None and tags_all is None:  # no tags: most resources
        return {}
    for value in (tags_all, tags):
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
    for value in (tags, tags_all):
        if isinstance(value, Unknown) and not computed_default(rec, value):
            return value
    if tags is None or isinstance(tags, Unknown):
        return {}
    return Unknown("unexpected value for tags")


def region_of(rec: TfResource, zone: Any = None) -> Maybe[str]:
    """The resource's own region (AWS 6.x argument), else its provider's, else what an ARN
    or availability zone says."""
    own = rec.values.get("region")
    if isinstance(own, str) and own:
        return own
    if isinstance(own, Unknown) and not computed_default(rec, own):
        return own
    provider = rec.provider_region
    if isinstance(provider, str) and provider:
        return provider
    for candidate in (region_from_arn(rec.values.get("arn")),
                      region_from_zone(zone),
                      region_from_zone(rec.values.get("availability_zone"))):
        if candidate:
            return candidate
    if isinstance(provider, Unknown):
        return provider
    return Unknown("the AWS provider region is not known")


def resource(rec: TfResource, kind: str, *, stores_data: bool = False, region: Any = "auto",
             ids: tuple[str, ...] | None = None,
             sources: Mapping[str, str | SourceAttribute] | None = None,
             **facets: Any) -> Resource:
    """A model Resource with the common fields filled from the record. `sources` maps
    facet keys (`hds_iac.model.facet_key`) to the Terraform attribute each was read from
    (`held_by(other, path)` when another resource holds it), so that findings point at
    that attribute (`Resource.attributes`)."""
    own_region = rec.values.get("region")
    if region == "auto" and isinstance(own_region, str) and own_region:
        # AWS provider 6.x: the resource names its own region (HDS-LOC-001 points at it).
        sources = {**(sources or {}), "region": "region"}
    if sources:
        facets["attributes"] = attributes_of(rec, sources)
    res = new_instance(Resource)  # built as Resource(...) builds it, at half the cost
    Resource.__init__(
        res,
        address=rec.address,
        type=rec.type,
        provider="aws",
        kind=kind,
        region=region_of(rec) if region == "auto" else region,
        origin=origin_of(rec),
        stores_data=stores_data,
        ids=ids_of(rec) if ids is None else ids,
        tags=tags_of(rec),
    )
    if facets:
        # Set as `__init__` would set them (it only stores them: its check reads none),
        # without passing them on through `**`, which cost more than `setattr` (a database
        # has 7); a name that is not a facet is refused as there. Not through
        # `res.__dict__`: asking for it gives the object a dict of its own, and every later
        # read of its fields (the rules', the report's) is then slower (+66 M instructions
        # on the 5,000-resource plan).
        if not _FACETS.issuperset(facets):
            raise TypeError(f"not facets of a Resource: {sorted(set(facets) - _FACETS)}")
        for name, value in facets.items():
            setattr(res, name, value)
    return res


# The fields `resource(...)` takes as facets: every field of a Resource but those it fills.
_FACETS = frozenset(f.name for f in fields(Resource)) - {
    "address", "type", "provider", "kind", "region", "origin", "stores_data", "ids", "tags"}


def zone_of_subnet(index: TfIndex, value: Any) -> Maybe[str]:
    subnet = resolve_one(index, value, ("aws_subnet", "aws_default_subnet"))
    if subnet is None:
        if isinstance(value, Unknown) and not value.refs:
            return value
        return Unknown(f"subnet {_show(value)} is not in this configuration")
    zone = subnet.values.get("availability_zone")
    if isinstance(zone, (str, Unknown)) and zone != "":
        return zone
    return Unknown(f"the availability zone of {subnet.address} is not set")


def zones_of_subnets(index: TfIndex, value: Any) -> Maybe[tuple[str, ...]]:
    """Zones of a list of subnets. A partial answer that already spans two zones is kept
    (it cannot shrink); otherwise an unresolved subnet makes the answer Unknown."""
    if isinstance(value, Unknown):
        subnets = resolve_all(index, value, ("aws_subnet", "aws_default_subnet"))
        if not subnets:
            return value if not value.refs else Unknown(
                f"subnets {', '.join(value.refs)} are not in this configuration")
        items: list[Any] = [Unknown("", refs=(s.address,)) for s in subnets]
    else:
        items = as_list(value)
        if isinstance(items, Unknown):
            return items
    return distinct_zones(zone_of_subnet(index, item) for item in items)


def zones_value(value: Any, name: str) -> Maybe[tuple[str, ...]]:
    items = as_list(value)
    if isinstance(items, Unknown):
        return items
    zones: list[str] = []
    for item in items:
        if isinstance(item, Unknown):
            return item
        if not isinstance(item, str):
            return Unknown(f"unexpected value for {name}")
        if item not in zones:
            zones.append(item)
    return tuple(zones)



# --- policy documents in Terraform --------------------------------------------------

POLICY_DOC = "aws_iam_policy_document"


def policy_of(index: TfIndex, value: Any, what: str = "policy") -> Maybe[dict]:
    """A policy from a JSON string, a dict, or a reference to `data.aws_iam_policy_document`
    (its `json` when known, else its statement blocks rendered).

    `jsonencode({...})` of a policy whose only unknown parts are ARNs (the usual
    `"${aws_s3_bucket.b.arn}/*"`) still shows its effects and conditions: the HCL reader keeps
    that structure in `decoded`, and it is what HDS questions need."""
    decoded = getattr(value, "decoded", None)
    if isinstance(value, Unknown) and isinstance(decoded, dict):
        return decoded
    if isinstance(value, Unknown):
        # by reference, by base address when it has one instance (TfIndex.resolve)
        doc = resolve_one(index, value, (POLICY_DOC,))
        if doc is None:
            return Unknown(f"the {what} cannot be read ({value.reason or show(value)})")
        return render_policy_document(index, doc)
    return aws_iam.load_policy(value, what)


def render_policy_document(index: TfIndex, doc: TfResource) -> Maybe[dict]:
    rendered = doc.values.get("json")
    if isinstance(rendered, str) and rendered:
        return aws_iam.load_policy(rendered, f"policy document {doc.address}")
    statements: list[dict] = []
    for key in ("source_policy_documents", "override_policy_documents"):
        extra = as_list(doc.values.get(key))
        if isinstance(extra, Unknown):
            return Unknown(f"{doc.address}: {key} cannot be read")
        for item in extra:
            loaded = policy_of(index, item, f"{key} of {doc.address}")
            if isinstance(loaded, Unknown):
                return loaded
            statements.extend(aws_iam.statements(loaded))
    stmts = get_blocks(doc, "statement")
    if isinstance(stmts, Unknown):
        return Unknown(f"the statements of {doc.address} cannot be read")
    for block in stmts:
        stmt = _render_statement(block)
        if isinstance(stmt, Unknown):
            return Unknown(f"{doc.address}: {stmt.reason}")
        statements.append(stmt)
    return {"Version": "2012-10-17", "Statement": statements}


def _render_statement(block: dict) -> Maybe[dict]:
    effect = block.get("effect") if has(block.get("effect")) else "Allow"
    if isinstance(effect, Unknown):
        return Unknown("a statement's effect is unknown")
    stmt: dict[str, Any] = {"Effect": effect}
    for src, dst in (("actions", "Action"), ("not_actions", "NotAction"),
                     ("resources", "Resource"), ("not_resources", "NotResource")):
        value = block.get(src)
        if value is None or value == []:
            continue
        items = as_list(value)
        if isinstance(items, Unknown):
            return Unknown(f"a statement's {src} are unknown")
        # Unknown items stay Unknown (with their refs and shape): a bucket policy's
        # `"${aws_s3_bucket.b.arn}/*"` still names that bucket's objects.
        stmt[dst] = list(items)
    for src, dst in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principal_blocks = blocks(block.get(src), src)
        if isinstance(principal_blocks, Unknown):
            return Unknown(f"a statement's {src} are unknown")
        if not principal_blocks:
            continue
        principal: dict[str, list] = {}
        for pb in principal_blocks:
            kind, identifiers = pb.get("type"), as_list(pb.get("identifiers"))
            if isinstance(kind, Unknown) or isinstance(identifiers, Unknown):
                return Unknown(f"a statement's {src} are unknown")
            if kind == "*":
                stmt[dst] = "*"
                break
            principal.setdefault(str(kind), []).extend(
                i if isinstance(i, str) else "<unknown>" for i in identifiers)
        else:
            stmt[dst] = principal
    cond_blocks = blocks(block.get("condition"), "condition")
    condition: dict[str, dict[str, list]] = {}
    for cb in cond_blocks if not isinstance(cond_blocks, Unknown) else [None]:
        test, variable, values = ((cb.get("test"), cb.get("variable"), as_list(cb.get("values")))
                                  if cb is not None else (cond_blocks,) * 3)
        if isinstance(test, Unknown) or isinstance(variable, Unknown) or isinstance(values, Unknown) \
                or any(isinstance(v, Unknown) for v in values):
            principal = stmt.get("Principal")
            types = principal if isinstance(principal, dict) else ["*"]
            if str(effect).lower() == "allow" and aws_iam.workload_only(
                    stmt.get("Action", []), types):
                # a service's or an OIDC trust (EKS service account...): the unknown
                # condition only narrows which workload is accepted; no person is let in
                stmt["Condition"] = {}
                return stmt
            return Unknown("a statement's condition is unknown")
        condition.setdefault(str(test), {}).setdefault(str(variable), []).extend(values)
    if condition:
        stmt["Condition"] = condition
    return stmt
