"""Outscale API answers -> model resources, through the Outscale Terraform adapter.

The `outscale/outscale` Terraform provider is generated from the same API: its attributes
are the API's fields in snake_case (`SubregionName` -> `subregion_name`, `Listeners[]` ->
`listeners {}` blocks, `Tags` -> `tags { key, value }`). So this module only renames: it
turns each API object into the record a Terraform state would hold for it and hands the
records to `hds_iac.adapters.terraform_outscale`, the adapter code and plan scans use. Every
kind and facet is therefore filled by one piece of code for every source, and a rule
cannot tell a live resource from a declared one.

What only a live scan knows is added afterwards:
- `Origin(source="outscale", cloud_id=...)`, the address being the cloud id;
- volumes: `Backup.newest_snapshot_age_days` (age of the newest completed snapshot of this
  account taken from the volume; None when it has none, Unknown when snapshots could not
  be read) and `Backup.snapshot_count` (how many);
- access keys: `Identity.key_age_days` (since creation) and whose key it is;
- EIM users: `Identity.console_access` from `OutscaleLoginAllowed`.

Secrets are never read: `UserData` of VMs, `ClientGatewayConfiguration` of VPNs (it holds
the pre-shared keys) and secret keys (the API never returns them) stay out of the records.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hds_iac.adapters import terraform as tf_adapter
from hds_iac.adapters.terraform_outscale import region_from_subregion
from hds_iac.live.outscale.collect import PURPOSE, RegionData, feeds
from hds_iac.settings import Settings
from hds_iac.model import Backup, Inventory, Origin, ReadGap, Resource, Unknown
from hds_iac.errors import ReadError
from hds_iac.terraform.records import TfConfiguration, TfResource

SOURCE = "outscale"
GONE_VM_STATES = {"terminated", "shutting-down"}  # hold no disk any more


def _tags(items: Any) -> list[dict]:
    out = []
    for tag in items or []:
        if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
            value = tag.get("Value")
            out.append({"key": tag["Key"], "value": value if isinstance(value, str) else ""})
    return out


def _permissions(perm: Any) -> list[dict]:
    if not isinstance(perm, dict):
        return []
    return [{"global_permission": bool(perm.get("GlobalPermission", False)),
             "account_ids": [str(a) for a in perm.get("AccountIds") or []]}]


def _record(rtype: str, cloud_id: str, region: str, values: dict) -> TfResource:
    return TfResource(address=cloud_id, mode="managed", type=rtype, name=cloud_id,
                      provider="outscale", provider_region=region,
                      values={"id": cloud_id, **values}, source=SOURCE)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def records(data: RegionData) -> list[TfResource]:
    """The Terraform-state-shaped records of every object read in one region."""
    region = data.region
    out: list[TfResource] = []
    volume_tags: dict[str, list[dict]] = {}
    for vol in data.items("ReadVolumes"):
        vid = vol.get("VolumeId")
        if not vid:
            continue
        volume_tags[vid] = _tags(vol.get("Tags"))
        out.append(_record("outscale_volume", vid, region, {
            "volume_id": vid, "subregion_name": vol.get("SubregionName"),
            "volume_type": vol.get("VolumeType"), "size": vol.get("Size"),
            "state": vol.get("State"), "tags": volume_tags[vid]}))
    for subnet in data.items("ReadSubnets"):
        sid = subnet.get("SubnetId")
        if sid:
            out.append(_record("outscale_subnet", sid, region, {
                "subnet_id": sid, "subregion_name": subnet.get("SubregionName"),
                "net_id": subnet.get("NetId")}))
    for vm in data.items("ReadVms"):
        vid = vm.get("VmId")
        if not vid or vm.get("State") in GONE_VM_STATES:
            continue
        mappings = []
        for mapping in vm.get("BlockDeviceMappings") or []:
            bsu = mapping.get("Bsu") or {}
            volume = bsu.get("VolumeId")
            mappings.append({"device_name": mapping.get("DeviceName"), "bsu": [{
                "volume_id": volume, "delete_on_vm_deletion": bsu.get("DeleteOnVmDeletion"),
                # the disk's own tags, read from the volume: a disk tagged as encrypted
                # is attested like a `bsu { tags {} }` block in code
                "tags": volume_tags.get(volume, [])}]})
        placement = vm.get("Placement") or {}
        out.append(_record("outscale_vm", vid, region, {
            "vm_id": vid, "placement_subregion_name": placement.get("SubregionName"),
            "subnet_id": vm.get("SubnetId"), "root_device_name": vm.get("RootDeviceName"),
            "block_device_mappings": mappings, "vm_type": vm.get("VmType"),
            "state": vm.get("State"), "tags": _tags(vm.get("Tags"))}))
    for snap in data.items("ReadSnapshots"):
        sid = snap.get("SnapshotId")
        if sid:
            out.append(_record("outscale_snapshot", sid, region, {
                "snapshot_id": sid, "volume_id": snap.get("VolumeId"),
                "permissions_to_create_volume": _permissions(snap.get("PermissionsToCreateVolume")),
                "creation_date": snap.get("CreationDate"), "state": snap.get("State"),
                "tags": _tags(snap.get("Tags"))}))
    for image in data.items("ReadImages"):
        iid = image.get("ImageId")
        if iid:
            out.append(_record("outscale_image", iid, region, {
                "image_id": iid, "image_name": image.get("ImageName"),
                "permissions_to_launch": _permissions(image.get("PermissionsToLaunch")),
                "tags": _tags(image.get("Tags"))}))
    subnets_read = data.got("ReadSubnets")
    for lb in data.items("ReadLoadBalancers"):
        name = lb.get("LoadBalancerName")
        if not name:
            continue
        listeners = [{
            "load_balancer_protocol": li.get("LoadBalancerProtocol"),
            "load_balancer_port": li.get("LoadBalancerPort"),
            "backend_protocol": li.get("BackendProtocol"),
            "backend_port": li.get("BackendPort"),
            "server_certificate_id": li.get("ServerCertificateId"),
        } for li in lb.get("Listeners") or [] if isinstance(li, dict)]
        out.append(_record("outscale_load_balancer", name, region, {
            "load_balancer_name": name, "listeners": listeners,
            # subnets link to their subregions only when ReadSubnets answered; the
            # subregions the API lists for the load balancer are used otherwise
            "subnets": list(lb.get("Subnets") or []) if subnets_read else [],
            "subregion_names": list(lb.get("SubregionNames") or []),
            "load_balancer_type": lb.get("LoadBalancerType"),
            "tags": _tags(lb.get("Tags"))}))
    for group in data.items("ReadSecurityGroups"):
        gid = group.get("SecurityGroupId")
        if not gid:
            continue
        rules = [{
            "ip_protocol": rule.get("IpProtocol"),
            "from_port_range": rule.get("FromPortRange"),
            "to_port_range": rule.get("ToPortRange"),
            "ip_ranges": list(rule.get("IpRanges") or []),
        } for rule in group.get("InboundRules") or [] if isinstance(rule, dict)]
        out.append(_record("outscale_security_group", gid, region, {
            "security_group_id": gid, "security_group_name": group.get("SecurityGroupName"),
            "inbound_rules": rules, "tags": _tags(group.get("Tags"))}))
    for vpn in data.items("ReadVpnConnections"):
        vid = vpn.get("VpnConnectionId")
        if vid:  # never ClientGatewayConfiguration: it holds the pre-shared keys
            out.append(_record("outscale_vpn_connection", vid, region, {
                "vpn_connection_id": vid, "connection_type": vpn.get("ConnectionType"),
                "tags": _tags(vpn.get("Tags"))}))
    policy = data.answers.get("ReadApiAccessPolicy")
    if isinstance(policy, dict):
        out.append(_record("outscale_api_access_policy", policy_address(data), region, {
            "require_trusted_env": policy.get("RequireTrustedEnv"),
            "max_access_key_expiration_seconds": policy.get("MaxAccessKeyExpirationSeconds")}))
    for key in data.items("ReadAccessKeys"):
        kid = key.get("AccessKeyId")
        if kid:  # the API never returns secret keys
            out.append(_record("outscale_access_key", kid, region, {
                "access_key_id": kid, "expiration_date": key.get("ExpirationDate"),
                "creation_date": key.get("CreationDate"), "state": key.get("State"),
                "user_name": key.get("_owner") or None}))
    for user in data.items("ReadUsers"):
        uid = user.get("UserId")
        if uid:
            out.append(_record("outscale_user", uid, region, {
                "user_id": uid, "user_name": user.get("UserName"), "path": user.get("Path")}))
    return out


def policy_address(data: RegionData) -> str:
    """The API access policy has no id of its own: it is the account's (one per region)."""
    return f"api-access-policy/{data.account_id or data.region}"


def to_inventory(data: RegionData, settings: Settings | None = None,
                 now: datetime | None = None) -> tuple[Inventory, list[ReadError]]:
    """The model of one region, and the internal errors of the adapter (one per record)."""
    now = now or datetime.now(timezone.utc)
    config = TfConfiguration(resources=records(data), path=f"outscale:{data.region}",
                             source=SOURCE)
    inventory = tf_adapter.to_inventory(config, settings)
    by_id = {rec.address: rec for rec in config.resources}
    newest = _newest_snapshots(data)
    users = {u.get("UserId"): u for u in data.items("ReadUsers") if isinstance(u, dict)}
    for res in inventory:
        cloud_id = None if res.kind == "account-policy" else res.address
        if res.kind == "account-policy":
            cloud_id = data.account_id
        res.origin = Origin(source=SOURCE, cloud_id=cloud_id)
        rec = by_id.get(res.address)
        if res.kind == "volume":
            res.backup = res.backup or Backup()
            if not data.got("ReadSnapshots"):
                reason = (f"snapshots could not be read ({_unread(data, 'ReadSnapshots')}): "
                          f"{PURPOSE['ReadSnapshots']}")
                res.backup.newest_snapshot_age_days = Unknown(reason)
                res.backup.snapshot_count = Unknown(reason)
            else:
                count, when = newest.get(res.address, (0, None))
                res.backup.snapshot_count = count
                res.backup.newest_snapshot_age_days = (
                    None if when is None else max(0, (now - when).days))
        elif res.kind == "access-key" and rec is not None and res.identity is not None:
            created = parse_time(rec.values.get("creation_date"))
            if created is not None:
                res.identity.key_age_days = max(0, (now - created).days)
            owner = rec.values.get("user_name")
            res.identity.detail += f", user {owner}" if owner else ", the scanning identity"
        elif res.kind == "user" and res.identity is not None:
            allowed = users.get(res.address, {}).get("OutscaleLoginAllowed")
            if isinstance(allowed, bool):
                res.identity.console_access = allowed
        elif res.kind == "instance" and not data.got("ReadVolumes"):
            _disks_unread(res, data)
        elif res.kind == "snapshot" and not data.got("ReadVolumes"):
            _source_unread(res, data)
    inventory.gaps = read_gaps(data)
    return inventory, list(config.errors)


def _unread(data: RegionData, action: str) -> str:
    record = data.records.get(action)
    return f"{action} {record.status if record else 'not sent'} in {data.region}"


def read_gaps(data: RegionData) -> list[ReadGap]:
    """One gap per call that did not answer and lists resources (the inventory is the
    region's, so a gap covers all of it)."""
    return [ReadGap("outscale", None, feeds(action),
                    f"{_unread(data, action)} (see the read errors)")
            for action, record in data.records.items()
            if record.status != "ok" and feeds(action)]


def _disks_unread(res: Resource, data: RegionData) -> None:
    """A VM's disks are attested by their volumes' tags, read by ReadVolumes: when it did
    not answer, a disk that nothing else attests is unknown, not unencrypted."""
    reason = Unknown(f"the disk's volume tags were not read ({_unread(data, 'ReadVolumes')})")
    for part in res.at_rest:
        if part.enabled is None and part.attested is not True:
            part.enabled = reason


def _source_unread(res: Resource, data: RegionData) -> None:
    """A snapshot not attested by its own tags may be by its volume's, read by ReadVolumes:
    when it did not answer, the snapshot's unknown encryption says so."""
    for part in res.at_rest:
        if isinstance(part.attested, Unknown):
            part.attested = Unknown(f"{part.attested.reason} ({_unread(data, 'ReadVolumes')})",
                                    part.attested.refs)


def _newest_snapshots(data: RegionData) -> dict[str, tuple[int, datetime | None]]:
    """Per volume id: (completed snapshots, creation time of the newest)."""
    out: dict[str, tuple[int, datetime | None]] = {}
    for snap in data.items("ReadSnapshots"):
        volume = snap.get("VolumeId")
        if not volume or snap.get("State") not in (None, "completed"):
            continue
        count, newest = out.get(volume, (0, None))
        created = parse_time(snap.get("CreationDate"))
        if created is not None and (newest is None or created > newest):
            newest = created
        out[volume] = (count + 1, newest)
    return out


def subregions(data: RegionData) -> list[str]:
    names = [s.get("SubregionName") for s in data.items("ReadSubregions")]
    return sorted(n for n in names if isinstance(n, str)
                  and region_from_subregion(n) in (None, data.region))
