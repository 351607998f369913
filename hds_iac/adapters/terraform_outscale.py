"""Maps Outscale Terraform records (provider outscale/outscale 1.x; HCL, plans, states) onto the model.

One small function per resource type in `HANDLERS` (`adapt` dispatches on it). Records that are only read through
others (nets, subnets) map to nothing. What is special about Outscale:

- No block-volume encryption exists in the API or the provider: volumes and VM disks get
  `AtRest(enabled=None, default="client-side")`, and only the user's attestation tag
  (`Settings.encryption_attestation_tag`) can make them pass.
- Outscale takes no automatic backup (matrix §20): volumes carry the backup attestation in
  `Backup.attested`, with `Backup.provider_plans=False` (`hds_iac.adapters.attestation`).
- Tags are `tags { key = .., value = .. }` blocks (a list of {key, value}).
- States written by the corpus tooling mask ids and some values (`########`, `##id-3##`):
  a masked value is never taken for a real one, but masked ids (`##id-3##`) are stable inside
  one state, so they still link a rule to its security group.
- `user_data`, `admin_password` and secret keys are never read.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from hds_iac.adapters.attestation import any_attested, attestation
from hds_iac.adapters.network import listener_encrypted, open_port
from hds_iac.adapters.terraform_index import (
    Handlers, TfIndex, attributes_of, block_path, destination_sources, origin_of, part_sources,
)
from hds_iac.adapters.terraform_values import (
    as_bool, as_int, as_list, as_str, blocks, computed_default, fully_masked, is_set,
    resolve_all, resolve_one, show,
)
from hds_iac.model import (
    AtRest, Backup, Destination, Flow, Identity, Logging, Maybe, OpenPort, Placement, Resource, Sharing,
    Unknown,
)
from hds_iac.terraform.records import TfResource
from hds_iac.zone_spread import distinct_zones

PROVIDER = "outscale"
_SUBREGION = re.compile(r"^([a-z]+(?:-[a-z]+)*-\d+)[a-z]$")
_REGION = re.compile(r"^[a-z]+(?:-[a-z]+)*-\d+$")

USER_MFA_UNKNOWN = ("Outscale EIM users have no API-visible MFA setting; the account's API access "
                    "policy (require_trusted_env) is what enforces MFA")


# --- small typed reads ------------------------------------------------------------------


def masked(value: Any) -> bool:
    """A value hidden by the tool that published the state (`########`, `##id-3##`)."""
    return isinstance(value, str) and value.startswith("##") and value.endswith("##")


def _get(rec: TfResource, name: str, values: dict | None = None) -> Any:
    """A raw value; a plan's "known after apply" for an omitted computed attribute is None."""
    raw = (rec.values if values is None else values).get(name)
    if computed_default(rec, raw):
        return None
    return raw


def _hidden(name: str) -> Unknown:
    """What a value masked by the tool that published the state gives: not a value to judge."""
    return Unknown(f"{name} is masked in this input")


def _unmasked(rec: TfResource, name: str, values: dict | None = None) -> Any:
    """A raw value (`_get`), or `_hidden` when it is masked whole."""
    raw = _get(rec, name, values)
    return _hidden(name) if fully_masked(raw) else raw


def _str(rec: TfResource, name: str, values: dict | None = None) -> Maybe[str] | None:
    value = as_str(_get(rec, name, values), name)
    return _hidden(name) if masked(value) else value


def _blocks(rec: TfResource, name: str, values: dict | None = None) -> Maybe[list[dict]]:
    return blocks(_unmasked(rec, name, values), name)


def _bool(rec: TfResource, name: str, default: Maybe[bool] | None = None,
          values: dict | None = None) -> Maybe[bool] | None:
    return as_bool(_unmasked(rec, name, values), name, default)


def _int(rec: TfResource, name: str, default: Maybe[int] | None = None,
         values: dict | None = None) -> Maybe[int] | None:
    return as_int(_unmasked(rec, name, values), name, default)


def _strings(value: Any, name: str, numbers: bool = False) -> Maybe[tuple[str, ...]]:
    """A list of strings (account ids, CIDRs, subregions); Unknown when any item is.
    `numbers`: integers are accepted too (account ids written without quotes)."""
    if fully_masked(value):
        return _hidden(name)
    items = as_list(value)
    if isinstance(items, Unknown):
        return items
    out: list[str] = []
    for item in items:
        if isinstance(item, Unknown):
            return item
        if masked(item):
            return _hidden(name)
        if not (isinstance(item, str) or (numbers and isinstance(item, int)
                                          and not isinstance(item, bool))):
            return Unknown(f"unexpected value for {name}")
        text = str(item)
        if text and text not in out:
            out.append(text)
    return tuple(out)


# --- tags and attestations ----------------------------------------------------------------


def tags_of(rec: TfResource, values: dict | None = None) -> Maybe[dict[str, Any]]:
    """Outscale tags (`tags { key, value }` blocks, list of {key, value}) as a dict.

    A tag whose key is unknown makes the whole set unknown (any key may be the attestation);
    a tag whose value is unknown keeps its key with an Unknown value."""
    raw = _get(rec, "tags", values)
    if raw is None or raw == "":
        return {}
    if isinstance(raw, Unknown):
        return raw
    if fully_masked(raw):
        return Unknown("tags are masked in this input")
    if isinstance(raw, dict) and not ({"key", "value"} >= set(raw) and "key" in raw):
        # a plain map (older provider versions, or a map variable)
        return {str(k): v for k, v in raw.items()}
    items = blocks(raw, "tags")
    if isinstance(items, Unknown):
        return items
    out: dict[str, Any] = {}
    for item in items:
        key = item.get("key")
        if isinstance(key, Unknown):
            return Unknown(f"a tag key is unknown ({key.reason or show(key)})")
        if not isinstance(key, str):
            return Unknown("unexpected value for tags")
        value = item.get("value")
        out[key] = value if isinstance(value, (str, Unknown)) else ("" if value is None else str(value))
    return out


def tag_path(rec: TfResource, tag: str) -> str | None:
    """Where the attestation tag `tag` is written: the `value` of its `tags` block
    (`tags[2].value`), or `tags` for a map; None when the resource does not carry it (the
    message names the missing tag, the finding points at the resource)."""
    raw = _get(rec, "tags")
    if isinstance(raw, dict) and tag in raw:
        return "tags"
    items = blocks(raw, "tags") if raw not in (None, "") else []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("key") == tag:
            return block_path("tags", i, "value")
    return None


def _attested_sources(rec: TfResource, tag: str, parts: list[AtRest]) -> dict[str, str]:
    """The parts' encryption attestation, decided by the resource's own tag (a disk's own
    `bsu` tag is another block: the resource's tag is still what the user sets)."""
    path = tag_path(rec, tag)
    return {k: v for part in parts for k, v in part_sources(
        "at_rest", part.part, {"enabled": path, "attested": path}).items()}


# --- regions, zones, links ------------------------------------------------------------------


def region_from_subregion(value: Any) -> str | None:
    if isinstance(value, str):
        match = _SUBREGION.match(value)
        if match:
            return match.group(1)
    return None


def region_of(rec: TfResource, *zones: Any) -> Maybe[str]:
    """The provider's region when known, else what a real subregion name says."""
    provider = rec.provider_region
    if isinstance(provider, str) and provider and not masked(provider):
        return provider
    for zone in zones:
        found = region_from_subregion(zone)
        if found:
            return found
    if isinstance(provider, Unknown):
        return provider
    if masked(provider):
        return Unknown("the Outscale region is masked in this input")
    return Unknown("the Outscale provider region is not known")


def _zone_value(value: Any, name: str) -> Maybe[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, Unknown):
        return value
    if masked(value):
        return _hidden(name)
    if isinstance(value, str):
        return value
    return Unknown(f"unexpected value for {name}")


def _link(index: TfIndex, value: Any, types: tuple[str, ...], keys: tuple[str, ...]) -> TfResource | None:
    """The record `value` points at: reference, id, or one of `keys` (masked ids included:
    `##id-3##` is stable inside one state; a bare `########` links nothing)."""
    if value is None or value == "" or fully_masked(value):
        return None
    if isinstance(value, Unknown):
        found = resolve_all(index, value, types)
        return found[0] if len(found) == 1 else None
    if not isinstance(value, str):
        return None
    return resolve_one(index, value, types, name_keys=keys)


_SUBNET_TYPES = ("outscale_subnet",)


def _subnet_zone(index: TfIndex, value: Any) -> Maybe[str]:
    subnet = _link(index, value, _SUBNET_TYPES, ("subnet_id", "id"))
    if subnet is None:
        if isinstance(value, Unknown) and not value.refs:
            return value
        if masked(value):
            return Unknown("the subnet id is masked and its subnet is not in this input")
        return Unknown(f"subnet {show(value)} is not in this configuration")
    zone = _zone_value(_get(subnet, "subregion_name"), f"subregion_name of {subnet.address}")
    if zone is None:
        return Unknown(f"the subregion of {subnet.address} is not set")
    return zone


def _ids(rec: TfResource, *keys: str) -> tuple[str, ...]:
    out: list[str] = []
    for key in (*keys, "id"):
        value = rec.values.get(key)
        if isinstance(value, str) and value and not fully_masked(value) and value not in out:
            out.append(value)
    return tuple(out)


def resource(rec: TfResource, kind: str, *, region: Any, id_key: str | None = None,
             tags: Maybe[dict[str, Any]] | None = None, **facets: Any) -> Resource:
    return Resource(
        address=rec.address,
        type=rec.type,
        provider=PROVIDER,
        kind=kind,
        region=region,
        origin=origin_of(rec),
        ids=_ids(rec, id_key) if id_key else _ids(rec),
        tags=tags_of(rec) if tags is None else tags,
        **facets,
    )


# --- storage: volumes, VMs, snapshots, images ------------------------------------------------


def _client_side(part: str, attested: Maybe[bool]) -> AtRest:
    return AtRest(enabled=None, default="client-side", attested=attested, part=part)


def volume(rec: TfResource, index: TfIndex) -> list[Resource]:
    tags = tags_of(rec)
    zone = _zone_value(_get(rec, "subregion_name"), "subregion_name")
    encryption = attestation(tags, index.settings.encryption_attestation_tag)
    backup = attestation(tags, index.settings.backup_attestation_tag)
    at_rest = [_client_side("volume", encryption)]
    backup_tag = tag_path(rec, index.settings.backup_attestation_tag)
    return [resource(
        rec, "volume", region=region_of(rec, zone), id_key="volume_id", tags=tags,
        stores_data=True, at_rest=at_rest,
        attributes=attributes_of(rec, {
            **_attested_sources(rec, index.settings.encryption_attestation_tag, at_rest),
            **({"backup.attested": backup_tag} if backup_tag else {})}),
        placement=Placement(zones=(zone,) if isinstance(zone, str) else zone),
        # Outscale takes no backup of client data and has no backup-plan resource (§20).
        backup=Backup(attested=backup, provider_plans=False),
    )]


def _vm_zone(rec: TfResource, index: TfIndex) -> Maybe[str]:
    """`placement_subregion_name`, else the subregion of the VM's subnet (or primary NIC's)."""
    zone = _zone_value(_get(rec, "placement_subregion_name"), "placement_subregion_name")
    if isinstance(zone, str):
        return zone
    subnet = _subnet_of(rec)
    if subnet is not None:
        from_subnet = _subnet_zone(index, subnet)
        if isinstance(from_subnet, str) or zone is None:
            return from_subnet
    if zone is not None:
        return zone
    return Unknown("no subregion or subnet is set: Outscale chooses the subregion at creation")


def _subnet_of(rec: TfResource) -> Any:
    subnet = _get(rec, "subnet_id")
    if subnet not in (None, ""):
        return subnet
    for name in ("primary_nic", "nics"):
        got = _blocks(rec, name)
        if isinstance(got, list):
            for nic in got:
                value = nic.get("subnet_id")
                if value not in (None, ""):
                    return value
    return None


def _vm_disks(rec: TfResource, vm_attested: Maybe[bool], tag: str) -> list[AtRest]:
    """One AtRest for the boot disk and one per extra BSU mapping. A disk is attested by the
    VM's tag or by the tag of its own `bsu` block."""
    root = _str(rec, "root_device_name")
    root_name = root if isinstance(root, str) else "/dev/sda1"
    disks: list[AtRest] = []
    found_root = False
    mappings = _blocks(rec, "block_device_mappings")
    for mapping in mappings if isinstance(mappings, list) else []:
        if mapping.get("no_device") not in (None, ""):
            continue
        bsus = blocks(mapping.get("bsu"), "bsu")
        if isinstance(bsus, Unknown) or not bsus:
            continue  # not a BSU disk
        device = mapping.get("device_name")
        device = device if isinstance(device, str) and device else "?"
        disk_tag = attestation(tags_of(rec, bsus[0]), tag)
        attested = any_attested(vm_attested, disk_tag)
        if device == root_name:
            found_root = True
            disks.append(_client_side(f"boot disk {device}", attested))
        else:
            disks.append(_client_side(f"bsu {device}", attested))
    if not found_root:
        disks.insert(0, _client_side(f"boot disk {root_name}", vm_attested))
    return disks


def vm(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Never read: user_data, admin_password, get_admin_password (secrets).
    tags = tags_of(rec)
    zone = _vm_zone(rec, index)
    encryption = attestation(tags, index.settings.encryption_attestation_tag)
    disks = _vm_disks(rec, encryption, index.settings.encryption_attestation_tag)
    logged = tag_path(rec, index.settings.logging_attestation_tag)
    # Where the zone is written (HDS-AZ-003): the placement, else the subnet.
    zone_from = "placement_subregion_name" if _get(rec, "placement_subregion_name") \
        not in (None, "") or _subnet_of(rec) is None else "subnet_id"
    return [resource(
        rec, "instance", region=region_of(rec, zone), id_key="vm_id", tags=tags,
        stores_data=True, at_rest=disks,
        placement=Placement(zones=(zone,) if isinstance(zone, str) else zone, standalone=True),
        logging=_vm_logging(tags, index.settings.logging_attestation_tag),
        attributes=attributes_of(rec, {
            **_attested_sources(rec, index.settings.encryption_attestation_tag, disks),
            **({"logging.attested": logged} if logged else {}),
            "placement.zones": zone_from}),
    )]


def _vm_logging(tags: Maybe[dict], tag: str) -> Logging:
    """The VM's access logs as the user declares them: the API shows nothing of the logs
    kept inside or collected off a VM (matrix §3 leaves the system's logs to the client)."""
    declared = attestation(tags, tag)
    if isinstance(tags, dict) and tag not in tags:
        return Logging(attested=None, detail=f"no {tag} tag")
    return Logging(attested=declared, detail=f"tag {tag}")


def _permissions(rec: TfResource, name: str) -> Sharing | None:
    """Sharing from `{ global_permission, account_ids }` blocks; None when absent."""
    got = _blocks(rec, name)
    if isinstance(got, Unknown):
        return Sharing(public=got, accounts=got)
    if not got:
        return None
    public: Maybe[bool] = False
    accounts: list[str] = []
    unknown_accounts: Unknown | None = None
    for block in got:
        flag = _bool(rec, "global_permission", False, values=block)
        if flag is True:
            public = True
        elif isinstance(flag, Unknown) and public is False:
            public = flag
        ids = _strings(block.get("account_ids"), "account_ids", numbers=True)
        if isinstance(ids, Unknown):
            if unknown_accounts is None:
                unknown_accounts = ids
        else:
            accounts += [a for a in ids if a not in accounts]
    return Sharing(public=public,
                   accounts=unknown_accounts if unknown_accounts is not None else tuple(accounts))


def _sharing_sources(name: str) -> dict[str, str]:
    """Where the `{ global_permission, account_ids }` block `name` shares (HDS-BAK-006)."""
    return {"sharing.public": f"{name}.global_permission",
            "sharing.accounts": f"{name}.account_ids"}


def _copy_destination(rec: TfResource, region: Maybe[str], what: str) -> list[Destination]:
    """A copy from `source_region_name` lands in this resource's region."""
    source = _get(rec, "source_region_name")
    if source is None or source == "":
        return []
    label = f"{what} from {source}" if isinstance(source, str) and not masked(source) \
        else f"{what} from another region"
    return [Destination(region=region, what=label)]


# A copy's destination is this resource's region; what makes it a copy from another region
# (HDS-LOC-002) is `source_region_name`.
_COPY_SOURCES = destination_sources(0, "source_region_name")


def snapshot(rec: TfResource, index: TfIndex) -> list[Resource]:
    """A snapshot is a block copy of its volume: client-side encryption of the volume
    (LUKS) is in the snapshot too, so the volume's attestation covers it (HDS-ENC-005),
    as does the snapshot's own tag. Both code and live records name the volume."""
    region = region_of(rec)
    is_copy = _get(rec, "source_region_name") not in (None, "")
    source = _link(index, _get(rec, "volume_id"), ("outscale_volume",), ("volume_id",))
    if isinstance(region, Unknown) and not is_copy and source is not None:
        region = region_of(rec, _get(source, "subregion_name"))
    tags = tags_of(rec)
    return [resource(
        rec, "snapshot", region=region, id_key="snapshot_id", stores_data=True, tags=tags,
        sharing=_permissions(rec, "permissions_to_create_volume") or Sharing(),
        destinations=_copy_destination(rec, region, "snapshot copy"),
        at_rest=(at_rest := [_client_side("snapshot", _snapshot_attested(rec, index, tags))]),
        attributes=attributes_of(rec, {
            **_COPY_SOURCES, **_sharing_sources("permissions_to_create_volume"),
            **_attested_sources(rec, index.settings.encryption_attestation_tag, at_rest)}),
    )]


def _snapshot_attested(rec: TfResource, index: TfIndex, tags: Maybe[dict[str, Any]],
                       seen: frozenset[str] = frozenset()) -> Maybe[bool]:
    """The snapshot's own attestation, or its source's: the volume it was taken from, or
    the snapshot it copies. A source that is named but not in the input (not in the
    configuration, or not read) may carry the attestation: unknown, never a failure."""
    tag = index.settings.encryption_attestation_tag
    own = attestation(tags, tag)
    if own is True:
        return True
    for attr, types, keys in (("volume_id", ("outscale_volume",), ("volume_id",)),
                              ("source_snapshot_id", ("outscale_snapshot",), ("snapshot_id",))):
        value = _get(rec, attr)
        if value in (None, ""):
            continue
        source = _link(index, value, types, keys)
        if source is None:
            return any_attested(own, Unknown(
                f"the attestation may be on {show(value)}, which this input does not hold"
                f" ({attr}); tag the snapshot itself to attest it"))
        if source.address in seen | {rec.address}:
            return own
        if source.type == "outscale_volume":
            return any_attested(own, attestation(tags_of(source), tag))
        return any_attested(own, _snapshot_attested(source, index, tags_of(source),
                                                    seen | {rec.address}))
    return own


def _target_region(rec: TfResource, index: TfIndex, attr: str, types: tuple[str, ...],
                   keys: tuple[str, ...]) -> Maybe[str]:
    region = region_of(rec)
    if isinstance(region, Unknown):
        target = _link(index, _get(rec, attr), types, keys)
        handler = HANDLERS.get(target.type) if target is not None else None
        if handler is not None:
            for res in handler(target, index):
                if isinstance(res.region, str):
                    return res.region
    return region


def snapshot_attributes(rec: TfResource, index: TfIndex) -> list[Resource]:
    sharing = _permissions(rec, "permissions_to_create_volume_additions") or Sharing()
    region = _target_region(rec, index, "snapshot_id", ("outscale_snapshot",), ("snapshot_id",))
    return [resource(rec, "snapshot", region=region, stores_data=False, sharing=sharing,
                     attributes=attributes_of(rec, _sharing_sources(
                         "permissions_to_create_volume_additions")))]


def image(rec: TfResource, index: TfIndex) -> list[Resource]:
    region = region_of(rec)
    sharing = _permissions(rec, "permissions_to_launch") or Sharing()
    public = _bool(rec, "is_public")
    if public is True:
        sharing.public = True
    # Only the image's own tag attests its encryption: the live API does not name the VM
    # an image was made from, and the same image must get the same verdict from every source.
    tags = tags_of(rec)
    return [resource(
        rec, "image", region=region, id_key="image_id", stores_data=True, sharing=sharing,
        destinations=_copy_destination(rec, region, "image copy"), tags=tags,
        at_rest=(at_rest := [_client_side(
            "image", attestation(tags, index.settings.encryption_attestation_tag))]),
        attributes=attributes_of(rec, {
            **_COPY_SOURCES, **_sharing_sources("permissions_to_launch"),
            **({"sharing.public": "is_public"} if public is True else {}),
            **_attested_sources(rec, index.settings.encryption_attestation_tag, at_rest)}),
    )]


def image_launch_permission(rec: TfResource, index: TfIndex) -> list[Resource]:
    sharing = _permissions(rec, "permission_additions") or Sharing()
    region = _target_region(rec, index, "image_id", ("outscale_image",), ("image_id",))
    return [resource(rec, "image", region=region, stores_data=False, sharing=sharing,
                     attributes=attributes_of(rec, _sharing_sources("permission_additions")))]


# --- network: load balancers, security groups, VPN ------------------------------------------


def _listener_flow(rec: TfResource, block: dict) -> Flow:
    protocol = _str(rec, "load_balancer_protocol", values=block)
    port = _int(rec, "load_balancer_port", values=block)
    backend = block.get("backend_protocol")
    name = f"listener :{show(port) if port is not None else '?'}"
    detail = str(protocol) if isinstance(protocol, str) else ""
    if isinstance(backend, str) and backend:
        detail += f" -> backend {backend}"
    encrypted = listener_encrypted(protocol, "load_balancer_protocol")
    if encrypted is True:
        certificate = block.get("server_certificate_id")
        # A masked value is a value; a plan's unknown without reference is an omitted one.
        has_cert: Maybe[bool] = True if masked(certificate) else is_set(rec, certificate)
        # Outscale has no TLS-version policy object: min_tls stays None.
        return Flow(name, encrypted=True, certificate=has_cert, detail=detail)
    return Flow(name, encrypted=encrypted, detail=detail)


def _lb_zones(rec: TfResource, index: TfIndex) -> Maybe[tuple[str, ...]]:
    subnets = _get(rec, "subnets")
    if subnets not in (None, "", []) and not fully_masked(subnets):
        if isinstance(subnets, Unknown):
            found = resolve_all(index, subnets, _SUBNET_TYPES)
            items: list[Any] = [Unknown("", refs=(s.address,)) for s in found] or [subnets]
        else:
            listed = as_list(subnets)
            if isinstance(listed, Unknown):
                return listed
            items = listed
        return distinct_zones(_subnet_zone(index, item) for item in items)
    names = _get(rec, "subregion_names")
    if names is None or names == []:
        return Unknown("neither subregion_names nor subnets are known")
    return _strings(names, "subregion_names")


def load_balancer(rec: TfResource, index: TfIndex) -> list[Resource]:
    listeners = _blocks(rec, "listeners")
    sources: dict[str, str] = {}
    if isinstance(listeners, Unknown):
        flows = [Flow("listeners", encrypted=listeners)]
    else:
        flows = [_listener_flow(rec, block) for block in listeners]
        for i, flow in enumerate(flows):
            sources.update(part_sources("flows", flow.name, {
                "encrypted": block_path("listeners", i, "load_balancer_protocol"),
                "certificate": block_path("listeners", i, "server_certificate_id")}))
    zones = _lb_zones(rec, index)
    first = zones[0] if isinstance(zones, tuple) and zones else None
    return [resource(rec, "load-balancer", region=region_of(rec, first), flows=flows,
                     placement=Placement(zones=zones), attributes=attributes_of(rec, {
                         **sources, "placement.zones": "subnets" if _get(rec, "subnets")
                         not in (None, "", []) else "subregion_names"}))]


_SG_TYPES = ("outscale_security_group",)
_SG_KEYS = ("security_group_id", "id")
_PORT_NAMES = ("from_port_range", "to_port_range")


def _ports_of_rule_blocks(rec: TfResource, rules: Maybe[list[dict]]) -> list[OpenPort]:
    if isinstance(rules, Unknown):
        return [OpenPort("all", rules, rules, rules)]
    out = []
    for rule in rules:
        port = open_port(rule.get("ip_protocol"), rule.get("from_port_range"),
                         rule.get("to_port_range"), _strings(rule.get("ip_ranges"), "ip_ranges"),
                         _PORT_NAMES)
        if port is not None:
            out.append(port)
    return out


def _rule_ports(rule: TfResource) -> list[OpenPort]:
    """Ingress ports of an `outscale_security_group_rule` (flow Inbound only)."""
    flow = _get(rule, "flow")
    if isinstance(flow, Unknown):
        return [OpenPort("all", flow, flow, flow)]
    if not isinstance(flow, str) or flow.strip().lower() != "inbound":
        return []
    out: list[OpenPort] = []
    rules = _blocks(rule, "rules")
    if isinstance(rules, Unknown) or rules:
        out += _ports_of_rule_blocks(rule, rules)
    if any(_get(rule, key) not in (None, "") for key in ("ip_range", "from_port_range", "ip_protocol")):
        port = open_port(_get(rule, "ip_protocol"), _get(rule, "from_port_range"),
                         _get(rule, "to_port_range"), _strings(_get(rule, "ip_range"), "ip_range"),
                         _PORT_NAMES)
        if port is not None:
            out.append(port)
    return out


def _rule_group(rule: TfResource, index: TfIndex) -> TfResource | None:
    group = _link(index, _get(rule, "security_group_id"), _SG_TYPES, _SG_KEYS)
    if group is None:
        name = _get(rule, "security_group_name")
        if isinstance(name, str) and name and not masked(name):
            group = _link(index, name, _SG_TYPES, ("security_group_name",))
    return group


def _dedup(ports: list[OpenPort]) -> list[OpenPort]:
    out: list[OpenPort] = []
    for port in ports:
        if port not in out:
            out.append(port)
    return out


def security_group(rec: TfResource, index: TfIndex) -> list[Resource]:
    # States record the group's current rules (including those of separate rule resources).
    ports = _ports_of_rule_blocks(rec, _blocks(rec, "inbound_rules"))
    for rule in index.of_type("outscale_security_group_rule"):
        if _rule_group(rule, index) is rec:
            ports += _rule_ports(rule)
    return [resource(rec, "security-group", region=region_of(rec), id_key="security_group_id",
                     open_ports=_dedup(ports))]


def security_group_rule(rec: TfResource, index: TfIndex) -> list[Resource]:
    # Folded into its group; kept on its own when the group is not in this input.
    if _rule_group(rec, index) is not None:
        return []
    ports = _rule_ports(rec)
    if not ports:
        return []
    return [resource(rec, "security-group", region=region_of(rec), tags={}, open_ports=ports)]


def vpn_connection(rec: TfResource, index: TfIndex) -> list[Resource]:
    kind = _str(rec, "connection_type")
    detail = f"IPsec ({kind})" if isinstance(kind, str) else "IPsec"
    # The API's Phase1Options/Phase2Options are documented as not available (kept for
    # compatibility with AWS) and the provider has no tunnel options: what the tunnels
    # negotiate is set on the client gateway and cannot be read (HDS-TLS-007 unknown).
    ipsec = Unknown("Outscale's API and Terraform provider do not show the IPsec options of a"
                    " VPN connection (Phase1Options/Phase2Options are documented as not"
                    " available): check IKEv2 and the algorithms on the client gateway")
    return [resource(rec, "vpn", region=region_of(rec), id_key="vpn_connection_id",
                     flows=[Flow("IPsec tunnels", encrypted=True, ipsec=ipsec, detail=detail)])]


# --- identity: API access policy, access keys, users ----------------------------------------


def api_access_policy(rec: TfResource, index: TfIndex) -> list[Resource]:
    trusted = _bool(rec, "require_trusted_env")
    if trusted is None:
        trusted = Unknown("require_trusted_env is not set")
    seconds = _int(rec, "max_access_key_expiration_seconds")
    if seconds is None:
        days: Maybe[int] = Unknown("max_access_key_expiration_seconds is not set")
    elif isinstance(seconds, Unknown):
        days = seconds
    elif seconds <= 0:
        days = 0  # keys may live forever
    else:
        days = -(-seconds // 86400)  # rounded up: a lifetime under a day is not "never"
    detail = f"max_access_key_expiration_seconds={show(seconds)}, require_trusted_env={show(trusted)}"
    return [resource(rec, "account-policy", region=None, tags={},
                     identity=Identity(mfa_enforced=trusted, key_max_age_days=days, detail=detail),
                     attributes=attributes_of(rec, {
                         "identity.mfa_enforced": "require_trusted_env",
                         "identity.key_max_age_days": "max_access_key_expiration_seconds"}))]


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not value or masked(value):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def access_key(rec: TfResource, index: TfIndex) -> list[Resource]:
    raw = rec.values.get("expiration_date")
    if computed_default(rec, raw):
        raw = None
    if raw is None or raw == "":
        days: Maybe[int] = 0
        detail = "no expiration date"
    elif isinstance(raw, Unknown):
        # Written in the configuration (a reference, timeadd(timestamp(), ..)): the key
        # expires, its lifetime is not known.
        days = 1
        detail = f"expiration date set, value unknown ({raw.reason or show(raw)})"
    elif masked(raw):
        days = Unknown("expiration_date is masked in this input")
        detail = days.reason
    elif not isinstance(raw, str):
        days = Unknown("unexpected value for expiration_date")
        detail = days.reason
    else:
        expires = _parse_date(raw)
        created = _parse_date(rec.values.get("creation_date"))
        if expires is None:
            days = Unknown("unexpected value for expiration_date")
        elif created is not None:
            days = max(1, (expires - created).days)
        else:
            days = 1  # expires; lifetime unknown until the key exists
        detail = f"expires {raw}"
    state = rec.values.get("state")
    if isinstance(state, str) and state and not masked(state):
        detail += f", {state}"
    return [resource(rec, "access-key", region=None, id_key="access_key_id", tags={},
                     identity=Identity(key_max_age_days=days, detail=detail))]


def user(rec: TfResource, index: TfIndex) -> list[Resource]:
    return [resource(rec, "user", region=None, id_key="user_id", tags={},
                     identity=Identity(mfa_enforced=Unknown(USER_MFA_UNKNOWN)))]


def linked_only(rec: TfResource, index: TfIndex) -> list[Resource]:
    """Read only through the resources that point at it."""
    return []


HANDLERS = Handlers(PROVIDER, {
    "outscale_volume": volume,
    "outscale_vm": vm,
    "outscale_snapshot": snapshot,
    "outscale_snapshot_attributes": snapshot_attributes,
    "outscale_image": image,
    "outscale_image_launch_permission": image_launch_permission,
    "outscale_load_balancer": load_balancer,
    "outscale_load_balancer_listener_rule": linked_only,  # routes on an existing listener
    "outscale_security_group": security_group,
    "outscale_security_group_rule": security_group_rule,
    "outscale_vpn_connection": vpn_connection,
    "outscale_api_access_policy": api_access_policy,
    "outscale_access_key": access_key,
    "outscale_user": user,
    "outscale_net": linked_only,
    "outscale_subnet": linked_only,
}, kinds={  # what each type's records become (`Handlers`: checked on every record)
    "outscale_volume": ("volume",),
    "outscale_vm": ("instance",),
    "outscale_snapshot": ("snapshot",),
    "outscale_snapshot_attributes": ("snapshot",),
    "outscale_image": ("image",),
    "outscale_image_launch_permission": ("image",),
    "outscale_load_balancer": ("load-balancer",),
    "outscale_load_balancer_listener_rule": (),
    "outscale_security_group": ("security-group",),
    "outscale_security_group_rule": ("security-group",),
    "outscale_vpn_connection": ("vpn",),
    "outscale_api_access_policy": ("account-policy",),
    "outscale_access_key": ("access-key",),
    "outscale_user": ("user",),
    "outscale_net": (),
    "outscale_subnet": (),
})
adapt = HANDLERS.adapt
supported_types = HANDLERS.types
