"""AWS API answers onto the model, facet by facet as docs/model-contract.md asks.

This module only reads the API's format (field names, failed calls, pagination results)
and hands the native values to the AWS mapping the Terraform adapter calls too: what the
fields of a data store mean (`aws_storage`), listeners and CloudFront (`aws_flows`),
Backup vaults, plans, selections, DLM policies and snapshot sharing (`aws_backup`), IAM
policies (`aws_iam`), TLS tables (`aws_tls`), security group rules (`network`), ARNs,
tags and zones (`aws_names`). What only a live account knows (snapshot history, the
credential report, KMS key managers) is read here.
Resources have provider "aws", `Origin(source="aws", cloud_id=ARN or id)` and
`address` = the ARN (or the id where AWS gives no ARN). A call that failed (`Failed`)
becomes `Unknown(reason)` in every facet it would have filled.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from hds_iac.adapters import aws_backup, aws_flows, aws_iam, aws_logging, aws_storage, aws_tls
from hds_iac.adapters.attestation import attestation
from hds_iac.adapters.aws_names import (
    account_from_arn, api_tags, arn, aws_managed_key, bucket_from_arn, region_from_arn,
)
from hds_iac.adapters.network import open_port
from hds_iac.live.aws.collect import SERVICES, AccountData, Failed, feeds, ok, service_feeds
from hds_iac.model import (
    AtRest, Backup, Destination, Flow, Identity, Inventory, Logging, Maybe, OpenPort, Origin,
    Placement, ReadGap, Resource, Sharing, SourceAttribute, Unknown, facet_key,
)
from hds_iac.settings import Settings


def _unknown(value: Any, what: str = "") -> Unknown:
    reason = value.reason if isinstance(value, Failed) else str(value)
    return Unknown(f"{what}: {reason}" if what else reason)


def _mfa_words(mfa: Maybe[bool]) -> str:
    return "MFA not told" if isinstance(mfa, Unknown) else "MFA active" if mfa else "no MFA device"


def _days_since(when: Any, now: dt.datetime) -> int | None:
    if isinstance(when, str):
        try:
            when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(when, dt.datetime):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0, (now - when).days)


_FAILED = {"access-denied": "denied", "throttled": "throttled", "timeout": "timed out",
           "region-disabled": "refused (region not enabled)",
           "credentials": "refused (credentials)", "error": "failed"}


# The API fields of the facet values several resources share (`api_attributes`).
_VOLUME_FIELDS = {facet_key("at_rest", "enabled", "volume"): "Encrypted",
                  facet_key("at_rest", "customer_key", "volume"): "KmsKeyId",
                  "placement.zones": "AvailabilityZone"}
_DB_FIELDS = {facet_key("at_rest", "enabled", "storage"): "StorageEncrypted",
              facet_key("at_rest", "customer_key", "storage"): "KmsKeyId",
              "backup.retention_days": "BackupRetentionPeriod",
              "backup.deletion_protection": "DeletionProtection",
              "logging.enabled": "EnabledCloudwatchLogsExports"}
_CACHE_TRANSIT = {facet_key("flows", "encrypted", "in-transit"): "TransitEncryptionEnabled"}
_TRAIL_FIELDS = {f"logging.trail.{name}": field for name, field in (
    ("all_regions", "IsMultiRegionTrail"), ("organization", "IsOrganizationTrail"),
    ("validation", "LogFileValidationEnabled"), ("customer_key", "KmsKeyId"),
    ("logging", "IsLogging (GetTrailStatus)"), ("bucket", "S3BucketName"),
    ("management_events", "EventSelectors (GetEventSelectors)"))}


def api_attributes(item: Any, fields: dict[str, str]) -> dict[str, SourceAttribute]:
    """`Resource.attributes` of a live resource: {facet key: the API field its value was
    read from} ("Encrypted" of DescribeVolumes), so that reports name the field that
    decided (there is no line: the location stays the cloud id). A field absent from the
    answer `item` is "not set" (the service's default decided); `item` None: the value was
    computed from several answers, shown as set."""
    return {key: SourceAttribute(path, None, item is None or _present(item, path))
            for key, path in fields.items() if path}


def _present(item: Any, path: str) -> bool:
    """`path` ("Placement.AvailabilityZone", "access_logs.s3.enabled") holds a value; one
    of "a/b" (two fields read together) does."""
    if "/" in path:
        return any(_present(item, one) for one in path.split("/"))
    if isinstance(item, dict) and item.get(path) not in (None, "", []):
        return True
    node = item
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) in (None, "", []):
            return False
        node = node[part]
    return True


def read_gaps(data: AccountData) -> list[ReadGap]:
    """What may be missing from the inventory: one gap per service left out with
    `--services` (every region) and per failed call that lists resources (its region)."""
    out = []
    for service in SERVICES:
        kinds = service_feeds(service)
        if service not in data.services and kinds:
            out.append(ReadGap("aws", None, kinds,
                               f"{service} was not read in this scan (--services)"))
    for error in data.errors:
        kinds = feeds(error.service, error.operation)
        if kinds:
            out.append(ReadGap("aws", error.region, kinds, (
                f"{error.call} {_FAILED.get(error.kind, 'failed')} in"
                f" {error.region or 'the account'} (see the read errors)")))
    return out


class Adapter:
    def __init__(self, data: AccountData, now: dt.datetime | None = None,
                 settings: Settings | None = None):
        # The user's settings, for the attestation tag names.
        self.settings = settings or Settings()
        self.data = data
        self.account = data.account
        self.partition = data.partition
        self.now = now or dt.datetime.now(dt.timezone.utc)
        self.inventory = Inventory()
        self._keys: dict[str, dict[str, Any]] = {}  # region -> key id -> metadata
        self._aliases: dict[str, dict[str, str]] = {}  # region -> alias name -> key id
        self._kms_failed: dict[str, Failed] = {}
        self._kms_undescribed: dict[str, Failed] = {}  # region -> a failed DescribeKey

    def arn(self, service: str, region: str | None, path: str) -> str:
        return arn(self.partition, service, region, self.account, path)

    def add(self, kind: str, type_: str, address: str, region: str | None, *,
            stores_data: bool = False, ids: tuple[str, ...] = (), tags: Any = None,
            fields: dict[str, str] | None = None, item: Any = None,
            **facets: Any) -> Resource:
        """Add a resource; `fields` maps facet keys to the API fields of `item` they were
        read from (`api_attributes`)."""
        if fields:
            facets["attributes"] = api_attributes(item, fields)
        res = Resource(address=address, type=type_, provider="aws", kind=kind, region=region,
                       origin=Origin(source="aws", cloud_id=address), stores_data=stores_data,
                       ids=tuple(dict.fromkeys((address, *ids))), tags=api_tags(tags), **facets)
        self.inventory.add(res)
        return res

    # --- KMS -------------------------------------------------------------------------

    def _index_kms(self, region: str, kms: Any) -> None:
        if not isinstance(kms, dict):
            return
        keys, aliases = kms.get("keys"), kms.get("aliases")
        if not ok(keys):
            self._kms_failed[region] = keys
            return
        table = self._keys.setdefault(region, {})
        for meta in keys:
            if not ok(meta):  # a key not described: a key not found may be that one
                self._kms_undescribed.setdefault(region, meta)
            elif isinstance(meta, dict) and meta.get("KeyId"):
                # by id only: a key ARN ends with the id, an alias ARN with the alias name,
                # and customer_key looks both up so
                table[meta["KeyId"]] = meta
        if ok(aliases):
            names = self._aliases.setdefault(region, {})
            for alias in aliases:
                if alias.get("TargetKeyId"):
                    names[alias["AliasName"]] = alias["TargetKeyId"]

    def customer_key(self, region: str | None, ref: Any) -> Maybe[bool]:
        """True when `ref` (key id, key ARN, alias) is a customer-managed KMS key."""
        if not ref:
            return False  # no key named: the service's AWS-managed or AWS-owned key
        ref = str(ref)
        if aws_managed_key(ref):
            return False
        region = region_from_arn(ref) or region
        if "kms" not in self.data.services:
            return Unknown("KMS was not read in this scan (--services)")
        if region in self._kms_failed:
            return _unknown(self._kms_failed[region], f"cannot tell who manages key {ref}")
        keys = self._keys.get(region or "", {})
        target = self._aliases.get(region or "", {}).get(ref.split(":")[-1] if ":alias/" in ref
                                                        else ref, ref)
        meta = keys.get(target) or keys.get(target.split("/")[-1])
        if meta is None:
            owner = account_from_arn(ref)
            if owner and owner != self.account:
                return True  # AWS-managed keys cannot be used across accounts
            if region in self._kms_undescribed:
                return _unknown(self._kms_undescribed[region],
                                f"KMS key {ref} not found in {region}, where a key could not"
                                " be described")
            return Unknown(f"KMS key {ref} not found in {region}")
        return meta.get("KeyManager") == "CUSTOMER"

    # --- the whole account -------------------------------------------------------------

    def run(self) -> Inventory:
        for region, services in self.data.regions.items():
            self._index_kms(region, services.get("kms"))
        for region, services in sorted(self.data.regions.items()):
            for name in ("kms", "ec2", "rds", "elbv2", "elb", "elasticache", "efs", "dynamodb",
                         "backup", "dlm", "logs"):
                if name in services:
                    getattr(self, f"_{name}")(region, services[name])
        for name in ("iam", "s3", "cloudfront"):
            if name in self.data.global_:
                getattr(self, f"_{name}")(self.data.global_[name])
        trails = {region: services["cloudtrail"]
                  for region, services in self.data.regions.items() if "cloudtrail" in services}
        if trails:
            self._cloudtrail(trails)
        self.inventory.gaps = read_gaps(self.data)
        return self.inventory

    # --- EC2 -------------------------------------------------------------------------

    def _ec2(self, region: str, ec2: dict[str, Any]) -> None:
        default = ec2.get("ebs_default")
        self.add("account-setting", "AWS::EC2::EBSEncryptionByDefault",
                 self.arn("ec2", region, "ebs-encryption-by-default"), region,
                 encryption_default=default if isinstance(default, bool)
                 else _unknown(default) if isinstance(default, Failed)
                 else Unknown("no answer"))
        volumes = ec2.get("volumes")
        snapshots = ec2.get("snapshots")
        newest: dict[str, Any] = {}
        counts: dict[str, int] = {}
        if ok(snapshots):
            for snap in snapshots:
                vol = snap.get("VolumeId")
                if not vol or snap.get("State") == "error":
                    continue
                counts[vol] = counts.get(vol, 0) + 1
                start = snap.get("StartTime")
                if vol not in newest or (start and _days_since(start, self.now) is not None
                                         and start > newest[vol]):
                    newest[vol] = start
        by_id: dict[str, dict] = {}
        if ok(volumes):
            for vol in volumes:
                by_id[vol["VolumeId"]] = vol
                self._volume(region, vol, snapshots, newest, counts)
        instances = ec2.get("instances")
        if ok(instances):
            for inst in instances:
                self._instance(region, inst, by_id if ok(volumes) else volumes)
        perms = ec2.get("snapshot_permissions")
        if ok(snapshots):
            for snap in snapshots:
                self._snapshot(region, snap, perms)
        images = ec2.get("images")
        if ok(images):
            for image in images:
                self._image(region, image, ec2.get("image_permissions"))
        groups = ec2.get("security_groups")
        if ok(groups):
            for group in groups:
                self._security_group(region, group)
        vpns = ec2.get("vpn_connections")
        if ok(vpns) and vpns is not None:
            for vpn in vpns:
                if vpn.get("State") not in ("deleted", "deleting"):
                    self._vpn(region, vpn)
        vpcs = ec2.get("vpcs")
        if ok(vpcs):
            for vpc in vpcs or []:
                self._network(region, vpc, ec2.get("flow_logs", []))
        endpoints = ec2.get("client_vpn_endpoints")
        if ok(endpoints):
            for endpoint in endpoints or []:
                if (endpoint.get("Status") or {}).get("Code") not in ("deleted", "deleting"):
                    self._client_vpn(region, endpoint)

    def _vpn(self, region: str, vpn: dict) -> None:
        """A site-to-site VPN connection: its tunnels' options as `DescribeVpnConnections`
        gives them (an empty option takes AWS's defaults, as in Terraform); an answer
        without tunnel options cannot tell what the tunnels accept."""
        vid = vpn["VpnConnectionId"]
        tunnels = (vpn.get("Options") or {}).get("TunnelOptions")
        flows = []
        if not tunnels:
            flows = [Flow("tunnels", encrypted=True, ipsec=Unknown(
                "ec2:DescribeVpnConnections gave no tunnel options for this connection"))]
        for n, tunnel in enumerate(tunnels or [], start=1):
            values = {}
            for label, _, field in aws_flows.VPN_OPTIONS:
                items = tunnel.get(field)
                values[label] = [i.get("Value") if isinstance(i, dict) else i
                                 for i in items] if isinstance(items, list) else items
            flows.append(aws_flows.vpn_tunnel_flow(f"tunnel{n}", values))
        self.add("vpn", "AWS::EC2::VPNConnection", self.arn("ec2", region, f"vpn-connection/{vid}"),
                 region, ids=(vid,), tags=vpn.get("Tags"), flows=flows, item=None, fields={
                     facet_key("flows", f"ipsec.{label}", f"tunnel{n}"):
                     f"TunnelOptions[{n - 1}].{field}"
                     for n in range(1, len(tunnels or []) + 1)
                     for label, _, field in aws_flows.VPN_OPTIONS})

    def _client_vpn(self, region: str, endpoint: dict) -> None:
        """A Client VPN endpoint: its clients' TLS flow and its authentication types."""
        eid = endpoint["ClientVpnEndpointId"]
        options = endpoint.get("AuthenticationOptions")
        types: Any = [o.get("Type") if isinstance(o, dict) else None for o in options] \
            if isinstance(options, list) else Unknown(
            "ec2:DescribeClientVpnEndpoints gave no authentication options")
        self.add("vpn", "AWS::EC2::ClientVpnEndpoint",
                 self.arn("ec2", region, f"client-vpn-endpoint/{eid}"), region, ids=(eid,),
                 tags=endpoint.get("Tags"),
                 flows=[aws_flows.client_vpn_flow(endpoint.get("TransportProtocol"),
                                                  endpoint.get("VpnPort"))],
                 identity=aws_flows.client_vpn_identity(types), item=endpoint,
                 fields={"identity.mfa_enforced": "AuthenticationOptions"})

    def _network(self, region: str, vpc: dict, flow_logs: Any) -> None:
        """A VPC with the traffic types of the flow logs attached to it."""
        vpc_id = vpc["VpcId"]
        types: Any = _unknown(flow_logs) if not ok(flow_logs) else [
            log.get("TrafficType") or Unknown(f"flow log {log.get('FlowLogId')}: no traffic type")
            for log in flow_logs or [] if log.get("ResourceId") == vpc_id]
        enabled, detail, _ = aws_logging.flow_logging(types)
        self.add("network", "AWS::EC2::VPC", self.arn("ec2", region, f"vpc/{vpc_id}"), region,
                 ids=(vpc_id,), tags=vpc.get("Tags"),
                 logging=Logging(enabled=enabled, detail=detail), item=None,
                 fields={"logging.enabled": "TrafficType (DescribeFlowLogs)"})

    def key(self, region: str | None, ref: Any) -> aws_storage.KeyLookup:
        """The customer-key question about `ref`, asked only when the data is encrypted."""
        return lambda: self.customer_key(region, ref)

    def _ebs(self, region: str, vol: dict, part: str) -> AtRest:
        return aws_storage.ebs_disk(_stated(vol, "Encrypted"), self.key(region, vol.get("KmsKeyId")),
                                    part)

    def _volume(self, region: str, vol: dict, snapshots: Any, newest: dict, counts: dict) -> None:
        vid = vol["VolumeId"]
        zone = vol.get("AvailabilityZone")
        if not ok(snapshots):
            age: Maybe[int] | None = _unknown(snapshots, "snapshots not readable")
        elif vid in newest:
            age = _days_since(newest[vid], self.now)
        else:
            age = None  # no snapshot at all: snapshot_count = 0 says so
        res = self.add(
            "volume", "AWS::EC2::Volume", self.arn("ec2", region, f"volume/{vid}"), region,
            stores_data=True, ids=(vid,), tags=vol.get("Tags"),
            at_rest=[self._ebs(region, vol, "volume")],
            placement=Placement(zones=(zone,) if zone else None),
            fields=_VOLUME_FIELDS, item=vol,
            backup=Backup(newest_snapshot_age_days=age,
                          snapshot_count=counts.get(vid, 0) if ok(snapshots) else
                          _unknown(snapshots),
                          attested=attestation(api_tags(vol.get("Tags")),
                                               self.settings.backup_attestation_tag)))
        # HDS-BAK-007: the newest snapshot's StartTime (DescribeSnapshots), "not set" when
        # the volume has no snapshot at all.
        res.attributes["backup.newest_snapshot_age_days"] = SourceAttribute(
            "StartTime (DescribeSnapshots)", None, vid in newest)

    def _instance(self, region: str, inst: dict, volumes: Any) -> None:
        fields = {"placement.zones": "Placement.AvailabilityZone"}
        iid = inst["InstanceId"]
        disks: list[AtRest] = []
        root = inst.get("RootDeviceName")
        for mapping in inst.get("BlockDeviceMappings", []):
            device = mapping.get("DeviceName", "")
            part = "root_block_device" if device == root else f"ebs_block_device {device}"
            vol_id = mapping.get("Ebs", {}).get("VolumeId")
            if not ok(volumes):
                disks.append(AtRest(enabled=_unknown(volumes, "volumes not readable"), part=part))
            elif vol_id in volumes:
                disks.append(self._ebs(region, volumes[vol_id], part))
                # The disk's encryption is its volume's (DescribeVolumes).
                fields[facet_key("at_rest", "enabled", part)] = f"Encrypted ({vol_id})"
                fields[facet_key("at_rest", "customer_key", part)] = f"KmsKeyId ({vol_id})"
            else:
                disks.append(AtRest(enabled=Unknown(f"volume {vol_id} not found"), part=part))
        zone = inst.get("Placement", {}).get("AvailabilityZone")
        self.add("instance", "AWS::EC2::Instance", self.arn("ec2", region, f"instance/{iid}"),
                 region, stores_data=True, ids=(iid,), tags=inst.get("Tags"), at_rest=disks,
                 placement=Placement(zones=(zone,) if zone else Unknown("no zone reported"),
                                     standalone=True), fields=fields)

    def _sharing(self, perms: Any, ident: str, public_key: str = "Group") -> Sharing:
        if isinstance(perms, dict) and "public_only" in perms:
            public = perms["public_only"]
            if not ok(public):
                return Sharing(public=_unknown(public), accounts=_unknown(public))
            return Sharing(public=ident in public, accounts=Unknown(
                "sharing with other accounts not read (more than --max-attribute-reads)"))
        if not ok(perms):
            return Sharing(public=_unknown(perms), accounts=_unknown(perms))
        entry = perms.get(ident) if isinstance(perms, dict) else None
        if entry is None:
            return Sharing(public=Unknown("sharing not read"), accounts=Unknown("sharing not read"))
        if not ok(entry):
            return Sharing(public=_unknown(entry), accounts=_unknown(entry))
        return aws_backup.permission_sharing(
            (p.get(public_key) for p in entry),
            (str(p.get("UserId") or p.get("OrganizationArn") or p.get("OrganizationalUnitArn"))
             for p in entry
             if p.get("UserId") or p.get("OrganizationArn") or p.get("OrganizationalUnitArn")))

    def _snapshot(self, region: str, snap: dict, perms: Any) -> None:
        sid = snap["SnapshotId"]
        self.add("snapshot", "AWS::EC2::Snapshot", self.arn("ec2", region, f"snapshot/{sid}"),
                 region, stores_data=True, ids=(sid,), tags=snap.get("Tags"),
                 sharing=self._sharing(perms, sid),
                 at_rest=[aws_storage.copy_disk(_stated(snap, "Encrypted"), "snapshot")],
                 fields={facet_key("at_rest", "enabled", "snapshot"): "Encrypted",
                         "sharing.public": "CreateVolumePermissions",
                         "sharing.accounts": "CreateVolumePermissions"}, item=None)

    def _image(self, region: str, image: dict, perms: Any) -> None:
        iid = image["ImageId"]
        sharing = self._sharing(perms, iid) if perms else Sharing(
            public=bool(image.get("Public")),
            accounts=Unknown("launch permissions not read (more than --max-attribute-reads)"))
        if image.get("Public"):
            sharing.public = True
        # Every EBS block device of the image (instance-store devices hold no snapshot).
        disks = [aws_storage.copy_disk(bool(m["Ebs"].get("Encrypted")),
                                       f"ebs_block_device {m.get('DeviceName', '?')}")
                 for m in image.get("BlockDeviceMappings") or []
                 if isinstance(m, dict) and isinstance(m.get("Ebs"), dict)]
        self.add("image", "AWS::EC2::Image", self.arn("ec2", region, f"image/{iid}"), region,
                 stores_data=True, ids=(iid,), tags=image.get("Tags"), sharing=sharing,
                 at_rest=disks, fields={
                     "sharing.public": "Public" if image.get("Public") else "LaunchPermissions",
                     "sharing.accounts": "LaunchPermissions",
                     **{facet_key("at_rest", "enabled", d.part): "BlockDeviceMappings.Ebs.Encrypted"
                        for d in disks}}, item=None)

    def _security_group(self, region: str, group: dict) -> None:
        gid = group["GroupId"]
        ports: list[OpenPort] = []
        fields: dict[str, str] = {}
        for n, perm in enumerate(group.get("IpPermissions", [])):
            sources = tuple(r["CidrIp"] for r in perm.get("IpRanges", []) if r.get("CidrIp")) + \
                tuple(r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []) if r.get("CidrIpv6"))
            port = open_port(perm.get("IpProtocol"), perm.get("FromPort"), perm.get("ToPort"),
                             sources)
            if port:
                at = str(len(ports))
                fields[facet_key("open_ports", "sources", at)] = f"IpPermissions[{n}].IpRanges"
                fields[facet_key("open_ports", "ports", at)] = f"IpPermissions[{n}].FromPort"
                ports.append(port)
        self.add("security-group", "AWS::EC2::SecurityGroup",
                 self.arn("ec2", region, f"security-group/{gid}"), region, ids=(gid,),
                 tags=group.get("Tags"), open_ports=ports, fields=fields,
                 account_default=group.get("GroupName") == "default")

    # --- RDS -------------------------------------------------------------------------

    @staticmethod
    def _db_flow(params: Any, group: str | None, engine: Any, version: Any) -> Flow:
        name = "in-transit"
        if group is None:
            return Flow(name, encrypted=Unknown("no parameter group reported"))
        values = params.get(group) if isinstance(params, dict) else None
        if values is None:
            return Flow(name, encrypted=Unknown(f"parameters of {group} not read"))
        if not ok(values):
            return Flow(name, encrypted=_unknown(values, f"parameters of {group}"))
        return aws_storage.db_tls_flow(values.items(), group, engine, version)

    def _db_facets(self, region: str, item: dict[str, Any]) -> dict[str, Any]:
        """What a DB instance and an Aurora cluster are read for alike, from the fields both
        answers have (_DB_FIELDS): stored data, tags, storage encryption, backup retention
        and deletion protection, log exports."""
        return {
            "stores_data": True, "tags": item.get("TagList"),
            "at_rest": [aws_storage.switched_encryption(
                _stated(item, "StorageEncrypted"), self.key(region, item.get("KmsKeyId")),
                "storage")],
            # final_snapshot is a deletion-time choice: the API cannot show it.
            "backup": aws_storage.db_backup(_number(item, "BackupRetentionPeriod"),
                                            _stated(item, "DeletionProtection")),
            "logging": aws_logging.db_log_exports(
                item.get("Engine"), item.get("EnabledCloudwatchLogsExports") or []),
        }

    def _rds(self, region: str, rds: dict[str, Any]) -> None:
        instances = rds.get("instances")
        if ok(instances):
            for db in instances:
                if db.get("DBClusterIdentifier"):
                    continue  # an Aurora member: judged through its cluster
                groups = [g["DBParameterGroupName"] for g in db.get("DBParameterGroups", [])]
                self.add(
                    "database", "AWS::RDS::DBInstance", db["DBInstanceArn"], region,
                    ids=(db["DBInstanceIdentifier"],), **self._db_facets(region, db),
                    flows=[self._db_flow(rds.get("parameters"), groups[0] if groups else None,
                                         db.get("Engine"), db.get("EngineVersion"))],
                    placement=Placement(multi_az=_stated(db, "MultiAZ")),
                    destinations=aws_storage.replica_destinations(
                        db.get("ReadReplicaSourceDBInstanceIdentifier"), region,
                        "RDS read replica"),
                    fields={**_DB_FIELDS, facet_key("flows", "encrypted", "in-transit"):
                            "DBParameterGroups", "placement.multi_az": "MultiAZ",
                            facet_key("destinations", "region", "0"):
                            "ReadReplicaSourceDBInstanceIdentifier"}, item=db)
        clusters = rds.get("clusters")
        if ok(clusters):
            for cluster in clusters:
                # The member list is complete: a cluster without instances spans no zone.
                multi = aws_storage.cluster_multi_az(
                    serverless=cluster.get("EngineMode") == "serverless",
                    multi_az_cluster=bool(cluster.get("MultiAZ")),
                    members=len(cluster.get("DBClusterMembers", [])))
                self.add(
                    "database-cluster", "AWS::RDS::DBCluster", cluster["DBClusterArn"], region,
                    ids=(cluster["DBClusterIdentifier"],), **self._db_facets(region, cluster),
                    flows=[self._db_flow(rds.get("cluster_parameters"),
                                         cluster.get("DBClusterParameterGroup"),
                                         cluster.get("Engine"), cluster.get("EngineVersion"))],
                    placement=Placement(multi_az=multi),
                    destinations=aws_storage.replica_destinations(
                        cluster.get("ReplicationSourceIdentifier"), region,
                        "cross-region replica"),
                    fields={**_DB_FIELDS, facet_key("flows", "encrypted", "in-transit"):
                            "DBClusterParameterGroup", "placement.multi_az": "DBClusterMembers",
                            facet_key("destinations", "region", "0"):
                            "ReplicationSourceIdentifier"}, item=cluster)
        for key, attrs_key, arn_key, id_key, type_, encrypted_key, arn_kind in (
                ("snapshots", "snapshot_attributes", "DBSnapshotArn", "DBSnapshotIdentifier",
                 "AWS::RDS::DBSnapshot", "Encrypted", "snapshot"),
                ("cluster_snapshots", "cluster_snapshot_attributes", "DBClusterSnapshotArn",
                 "DBClusterSnapshotIdentifier", "AWS::RDS::DBClusterSnapshot",
                 "StorageEncrypted", "cluster-snapshot")):
            snaps = rds.get(key)
            if not ok(snaps):
                continue
            attrs = rds.get(attrs_key)
            for snap in snaps:
                ident = snap[id_key]
                if snap.get("SnapshotType") != "manual":
                    sharing = Sharing()  # automated snapshots cannot be shared
                elif not ok(attrs):
                    sharing = Sharing(public=_unknown(attrs), accounts=_unknown(attrs))
                elif ident not in attrs:
                    sharing = Sharing(public=Unknown("sharing not read"),
                                      accounts=Unknown("sharing not read"))
                elif not ok(attrs[ident]):
                    sharing = Sharing(public=_unknown(attrs[ident]),
                                      accounts=_unknown(attrs[ident]))
                else:
                    sharing = aws_backup.shared_with(attrs[ident])
                arn = snap.get(arn_key) or self.arn("rds", region, f"{arn_kind}:{ident}")
                # Automated snapshots follow their database (HDS-ENC-002): only manual ones,
                # and their copies, are judged as copies (HDS-ENC-005).
                at_rest = [aws_storage.copy_disk(bool(snap.get(encrypted_key)), "snapshot")] \
                    if snap.get("SnapshotType") == "manual" else []
                self.add("snapshot", type_, arn, region, stores_data=True, ids=(ident,),
                         tags=snap.get("TagList"), sharing=sharing, at_rest=at_rest,
                         fields={facet_key("at_rest", "enabled", "snapshot"): encrypted_key,
                                 "sharing.public": "restore attribute",
                                 "sharing.accounts": "restore attribute"}, item=None)

    # --- load balancers, CDN -------------------------------------------------------------

    def _elbv2(self, region: str, data: dict[str, Any]) -> None:
        lbs = data.get("load_balancers")
        if not ok(lbs):
            return
        listeners = data.get("listeners", {})
        for lb in lbs:
            zones = tuple(sorted(z["ZoneName"] for z in lb.get("AvailabilityZones", [])
                                 if z.get("ZoneName")))
            self.add("load-balancer", "AWS::ElasticLoadBalancingV2::LoadBalancer",
                     lb["LoadBalancerArn"], region, ids=(lb.get("LoadBalancerName", ""),),
                     placement=Placement(zones=zones),
                     logging=None if lb.get("Type") == "gateway" else self._access_logs(
                         data.get("attributes", {}).get(lb["LoadBalancerArn"]), v2=True),
                     fields={"placement.zones": "AvailabilityZones",
                             "logging.enabled": "access_logs.s3.enabled"}, item=None)
            found = listeners.get(lb["LoadBalancerArn"])
            if found is None:
                continue
            if not ok(found):
                self.add("listener", "AWS::ElasticLoadBalancingV2::Listener",
                         lb["LoadBalancerArn"] + "#listeners", region,
                         flows=[Flow("listeners", encrypted=_unknown(found))])
                continue
            for lst in found:
                flow = self._listener_flow(lst, lb)
                self.add("listener", "AWS::ElasticLoadBalancingV2::Listener",
                         lst["ListenerArn"], region, flows=[flow], item=lst, fields={
                             facet_key("flows", "encrypted", flow.name): "Protocol",
                             facet_key("flows", "min_tls", flow.name): "SslPolicy",
                             facet_key("flows", "certificate", flow.name): "Certificates"})

    @staticmethod
    def _listener_flow(lst: dict, lb: dict) -> Flow:
        protocol = lst.get("Protocol")
        if protocol is None and lb.get("Type") == "gateway":
            protocol = "GENEVE"
        return aws_flows.listener_flow(
            protocol, lst.get("Port"), lst.get("SslPolicy") or None, bool(lst.get("Certificates")),
            aws_flows.redirects_to_https(
                (a.get("Type"), (a.get("RedirectConfig") or {}).get("Protocol"))
                for a in lst.get("DefaultActions", []) or []))

    def _elb(self, region: str, data: dict[str, Any]) -> None:
        lbs = data.get("load_balancers")
        if not ok(lbs):
            return
        policies = data.get("policies", {})
        for lb in lbs:
            name = lb["LoadBalancerName"]
            flows = []
            fields = {"placement.zones": "AvailabilityZones", "logging.enabled": "AccessLog.Enabled"}
            for n, desc in enumerate(lb.get("ListenerDescriptions", [])):
                listener = desc.get("Listener", {})
                flow = aws_flows.listener_flow(
                    listener.get("Protocol"), listener.get("LoadBalancerPort"),
                    self._classic_policy(policies.get(name), desc.get("PolicyNames", [])),
                    bool(listener.get("SSLCertificateId")))
                flows.append(flow)
                where = f"ListenerDescriptions[{n}]"
                fields[facet_key("flows", "encrypted", flow.name)] = f"{where}.Listener.Protocol"
                fields[facet_key("flows", "min_tls", flow.name)] = f"{where}.PolicyNames"
                fields[facet_key("flows", "certificate", flow.name)] = \
                    f"{where}.Listener.SSLCertificateId"
            self.add("load-balancer", "AWS::ElasticLoadBalancing::LoadBalancer",
                     self.arn("elasticloadbalancing", region, f"loadbalancer/{name}"), region,
                     ids=(name,), flows=flows,
                     placement=Placement(zones=tuple(sorted(lb.get("AvailabilityZones", [])))),
                     logging=self._access_logs(data.get("attributes", {}).get(name), v2=False),
                     fields=fields, item=None)

    @staticmethod
    def _access_logs(answer: Any, v2: bool) -> Logging:
        """Access logs from DescribeLoadBalancerAttributes (elbv2: key/value pairs; classic:
        AccessLog)."""
        if answer is None:
            answer = Failed("DescribeLoadBalancerAttributes was not read")
        if not ok(answer):
            reason = _unknown(answer)
            return Logging(enabled=reason, detail="access logs unresolved")
        if v2:
            pairs = {a.get("Key"): a.get("Value") for a in answer.get("Attributes", []) or []}
            enabled, bucket = pairs.get("access_logs.s3.enabled") == "true", \
                pairs.get("access_logs.s3.bucket")
        else:
            log = (answer.get("LoadBalancerAttributes") or {}).get("AccessLog") or {}
            enabled, bucket = log.get("Enabled") is True, log.get("S3BucketName")
        on, detail = aws_logging.access_logging(enabled, bucket)
        return Logging(enabled=on, detail=detail)

    @staticmethod
    def _classic_policy(answer: Any, names: list[str]) -> Maybe[str]:
        if not names:
            return aws_tls.CLASSIC_ELB_DEFAULT_POLICY
        if answer is None:
            return Unknown("listener policies not read")
        if not ok(answer):
            return _unknown(answer)
        found = aws_flows.classic_ssl_policy(
            (desc.get("PolicyName"), desc.get("PolicyTypeName"),
             {a.get("AttributeName"): a.get("AttributeValue")
              for a in desc.get("PolicyAttributeDescriptions", [])})
            for desc in answer.get("PolicyDescriptions", []) if desc.get("PolicyName") in names)
        return aws_tls.CLASSIC_ELB_DEFAULT_POLICY if found is None else found

    def _cloudfront(self, data: dict[str, Any]) -> None:
        dists = data.get("distributions")
        if not ok(dists):
            return
        for dist in dists:
            cert = dist.get("ViewerCertificate", {})
            version = aws_flows.cloudfront_version(bool(cert.get("CloudFrontDefaultCertificate")),
                                                   cert.get("MinimumProtocolVersion"))
            behaviours = [("viewer", dist.get("DefaultCacheBehavior", {}).get(
                "ViewerProtocolPolicy"))]
            behaviours += [(f"viewer (path {b.get('PathPattern')})", b.get("ViewerProtocolPolicy"))
                           for b in dist.get("CacheBehaviors", {}).get("Items", []) or []]
            origins = []
            for origin in dist.get("Origins", {}).get("Items", []) or []:
                custom = origin.get("CustomOriginConfig")
                origins.append((f"origin {origin.get('Id')}",
                                custom.get("OriginProtocolPolicy") if custom
                                else aws_flows.S3_ORIGIN,
                                (custom or {}).get("OriginSslProtocols", {}).get("Items", [])
                                or []))
            self.add("cdn", "AWS::CloudFront::Distribution", dist["ARN"], None,
                     ids=(dist["Id"],), flows=aws_flows.cloudfront_flows(version, behaviours,
                                                                         origins))

    # --- caches, file systems, tables ---------------------------------------------------

    def _elasticache(self, region: str, data: dict[str, Any]) -> None:
        groups = data.get("replication_groups")
        if ok(groups):
            for group in groups:
                multi = aws_storage.cache_multi_az(
                    group.get("MultiAZ") == "enabled",
                    group.get("AutomaticFailover") in ("enabled", "enabling"))
                arn = group.get("ARN") or self.arn("elasticache", region,
                                                    f"replicationgroup:{group['ReplicationGroupId']}")
                self.add("cache", "AWS::ElastiCache::ReplicationGroup", arn, region,
                         stores_data=True, ids=(group["ReplicationGroupId"],),
                         at_rest=[aws_storage.switched_encryption(
                             bool(group.get("AtRestEncryptionEnabled")),
                             self.key(region, group.get("KmsKeyId")), "at rest")],
                         flows=[aws_storage.cache_transit(
                             bool(group.get("TransitEncryptionEnabled")),
                             "TransitEncryptionEnabled")],
                         placement=Placement(multi_az=multi), item=group, fields={
                             facet_key("at_rest", "enabled", "at rest"): "AtRestEncryptionEnabled",
                             facet_key("at_rest", "customer_key", "at rest"): "KmsKeyId",
                             **_CACHE_TRANSIT, "placement.multi_az": "MultiAZ"})
        clusters = data.get("clusters")
        if ok(clusters):
            for cluster in clusters:
                if cluster.get("ReplicationGroupId"):
                    continue  # judged through its replication group
                arn = cluster.get("ARN") or self.arn("elasticache", region,
                                                      f"cluster:{cluster['CacheClusterId']}")
                self.add("cache", "AWS::ElastiCache::CacheCluster", arn, region,
                         stores_data=True, ids=(cluster["CacheClusterId"],),
                         at_rest=[aws_storage.cache_cluster_at_rest(
                             bool(cluster.get("AtRestEncryptionEnabled")))],
                         flows=[aws_storage.cache_transit(
                             bool(cluster.get("TransitEncryptionEnabled")),
                             "TransitEncryptionEnabled")],
                         placement=Placement(
                             multi_az=cluster.get("PreferredAvailabilityZone") == "Multiple"),
                         item=cluster, fields={**_CACHE_TRANSIT,
                                               "placement.multi_az": "PreferredAvailabilityZone"})

    def _efs(self, region: str, data: dict[str, Any]) -> None:
        systems = data.get("file_systems")
        if not ok(systems):
            return
        for fs in systems:
            arn = fs.get("FileSystemArn") or self.arn("elasticfilesystem", region,
                                                       f"file-system/{fs['FileSystemId']}")
            self.add("file-system", "AWS::EFS::FileSystem", arn, region, stores_data=True,
                     ids=(fs["FileSystemId"],), tags=fs.get("Tags"),
                     at_rest=[aws_storage.switched_encryption(
                         _stated(fs, "Encrypted"), self.key(region, fs.get("KmsKeyId")),
                         "file system")],
                     placement=Placement(multi_az=aws_storage.efs_multi_az(
                         fs.get("AvailabilityZoneName"))), item=fs, fields={
                         facet_key("at_rest", "enabled", "file system"): "Encrypted",
                         facet_key("at_rest", "customer_key", "file system"): "KmsKeyId",
                         "placement.multi_az": "AvailabilityZoneName"})

    def _dynamodb(self, region: str, data: dict[str, Any]) -> None:
        tables = data.get("tables")
        if not ok(tables):
            return
        for table in tables:
            if not ok(table):
                continue  # the error entry names the table's DescribeTable call
            sse = table.get("SSEDescription") or {}
            at_rest = aws_storage.dynamodb_encryption(
                sse.get("SSEType") == "KMS" and sse.get("Status") in ("ENABLED", "UPDATING"),
                self.key(region, sse.get("KMSMasterKeyArn")))
            destinations = [aws_storage.dynamodb_replica(r["RegionName"])
                            for r in table.get("Replicas", []) if r.get("RegionName")
                            and r.get("RegionName") != region]
            self.add("table", "AWS::DynamoDB::Table", table["TableArn"], region,
                     stores_data=True, ids=(table["TableName"],), at_rest=[at_rest],
                     destinations=destinations, item=table, fields={
                         facet_key("at_rest", "customer_key", "table"):
                         "SSEDescription.KMSMasterKeyArn",
                         **{facet_key("destinations", "region", str(n)): "Replicas.RegionName"
                            for n in range(len(destinations))}})

    # --- backups, keys --------------------------------------------------------------------

    def _backup(self, region: str, data: dict[str, Any]) -> None:
        vaults = data.get("vaults")
        if ok(vaults):
            for vault in vaults:
                self.add("backup-vault", "AWS::Backup::BackupVault", vault["BackupVaultArn"],
                         region, stores_data=True, ids=(vault["BackupVaultName"],), item=vault,
                         fields={facet_key("at_rest", "customer_key", "vault"): "EncryptionKeyArn",
                                 "backup.vault_locked": "Locked"},
                         **aws_backup.vault_facets(
                             self.customer_key(region, vault.get("EncryptionKeyArn")),
                             bool(vault.get("Locked"))))
            self._recovery_points(region, vaults, data.get("recovery_points") or {})
        plans = data.get("plans")
        if ok(plans):
            for plan in plans:
                if not ok(plan) or not plan:
                    continue
                destinations = []
                for rule in plan.get("BackupPlan", {}).get("Rules", []):
                    for copy in rule.get("CopyActions", []) or []:
                        vault = copy.get("DestinationBackupVaultArn")
                        destinations.append(aws_backup.copy_destination(
                            vault, region_from_arn(vault) or Unknown(f"vault {vault}"),
                            str(vault)))
                arn = plan.get("BackupPlanArn") or self.arn("backup", region,
                                                             f"backup-plan:{plan['BackupPlanId']}")
                self.add("copy", "AWS::Backup::BackupPlan", arn, region,
                         ids=(plan.get("BackupPlanId", ""),), destinations=destinations)
        selections = data.get("selections")
        if ok(selections):
            for answer in selections:
                if not ok(answer) or not answer:
                    continue
                self._selection(region, answer)

    def _recovery_points(self, region: str, vaults: list[dict], per_vault: Any) -> None:
        """Recovery points of each vault (HDS-ENC-005), as `IsEncrypted` states them. A point
        that is an EBS snapshot or an AMI the EC2 reads already judged is not judged twice.
        A vault whose points could not be listed gets one unknown part naming the call."""
        if not isinstance(per_vault, dict):
            return
        judged = {ident for res in self.inventory.of_kind("snapshot", "image")
                  if res.at_rest for ident in res.ids}
        for vault in vaults:
            name = vault.get("BackupVaultName")
            points = per_vault.get(name)
            if points is None:
                continue
            if not ok(points):
                self.add("snapshot", "AWS::Backup::RecoveryPoint",
                         f"{vault['BackupVaultArn']}#recovery-points", region, stores_data=True,
                         at_rest=[AtRest(enabled=_unknown(points),
                                         part=f"recovery points in vault {name}")])
                continue
            for point in points:
                arn = point.get("RecoveryPointArn")
                if not isinstance(arn, str) or not arn:
                    continue
                if arn in judged or arn.rsplit("/", 1)[-1] in judged:
                    continue
                part = aws_backup.recovery_point_encryption(
                    point.get("IsEncrypted"), point.get("ResourceType"), str(name))
                self.add("snapshot", "AWS::Backup::RecoveryPoint", arn, region,
                         stores_data=True, ids=(arn,), at_rest=[part], item=point,
                         fields={facet_key("at_rest", "enabled", part.part): "IsEncrypted"})

    def _selection(self, region: str, answer: dict) -> None:
        sel = answer.get("BackupSelection", {})
        tags: dict[str, Maybe[str]] = {}
        for cond in sel.get("ListOfTags", []) or []:
            if cond.get("ConditionType", "STRINGEQUALS") == "STRINGEQUALS":
                tags[cond.get("ConditionKey", "")] = cond.get("ConditionValue", "")
        for cond in (sel.get("Conditions") or {}).get("StringEquals", []) or []:
            name = aws_backup.condition_tag(cond.get("ConditionKey", ""))
            if name is not None:
                tags[name] = cond.get("ConditionValue", "")
        plan_id, sel_id = answer.get("BackupPlanId", ""), answer.get("SelectionId", "")
        self.add("backup-plan", "AWS::Backup::BackupSelection",
                 self.arn("backup", region, f"backup-plan:{plan_id}/selection:{sel_id}"), region,
                 ids=(sel_id,),
                 selection=aws_backup.backup_selection(tags, sel.get("Resources", []) or []))

    def _dlm(self, region: str, data: dict[str, Any]) -> None:
        policies = data.get("policies")
        if not ok(policies):
            return
        for policy in policies:
            if not ok(policy) or not policy:
                continue
            details = policy.get("PolicyDetails", {})
            selection = aws_backup.dlm_selection(
                policy.get("State") == "DISABLED",
                {t["Key"]: t.get("Value", "") for t in details.get("TargetTags", [])},
                aws_backup.dlm_kinds(details.get("ResourceTypes", ["VOLUME"])))
            destinations = [
                aws_backup.dlm_copy_destination(copy.get("TargetRegion") or copy.get("Target"))
                for schedule in details.get("Schedules", []) or []
                for copy in schedule.get("CrossRegionCopyRules", []) or []]
            arn = policy.get("PolicyArn") or self.arn("dlm", region,
                                                       f"policy/{policy.get('PolicyId')}")
            self.add("backup-plan", "AWS::DLM::LifecyclePolicy", arn, region,
                     ids=(policy.get("PolicyId", ""),), tags=policy.get("Tags"),
                     selection=selection, destinations=destinations)

    def _kms(self, region: str, data: dict[str, Any]) -> None:
        keys = data.get("keys")
        if not ok(keys):
            return
        for meta in keys:
            if not ok(meta) or "hds_iac_rotation" not in meta:
                continue  # AWS-managed, disabled, asymmetric or imported keys
            rotation = meta["hds_iac_rotation"]
            self.add("key", "AWS::KMS::Key", meta["Arn"], region, ids=(meta["KeyId"],),
                     key_rotation=aws_storage.key_rotation(
                         rotation if isinstance(rotation, bool) else _unknown(rotation),
                         meta.get("KeySpec", "SYMMETRIC_DEFAULT")), item=None,
                     fields={"key_rotation.enabled": "KeyRotationEnabled",
                             "key_rotation.possible": "KeySpec"})

    # --- IAM, S3 ----------------------------------------------------------------------------

    def _iam(self, data: dict[str, Any]) -> None:
        report = data.get("credential_report")
        summary = data.get("summary")
        root_row = False
        if isinstance(report, dict):
            for row in report.get("rows", []):
                root_row = root_row or row.get("user") == "<root_account>"
                self._credential_row(row, summary)
        if not root_row and "credential_report" in data:
            # The root user always exists: without its row of the report (not readable, or
            # missing from it), the account summary tells about it, else it is unknown.
            self._root_from_summary(summary, report)
        if "password_policy" in data:
            self._password_policy(data["password_policy"])
        roles = data.get("roles")
        if ok(roles):
            for role in roles:
                self._role(role)

    def _password_policy(self, answer: Any) -> None:
        """`GetAccountPasswordPolicy`: None when the account has none (NoSuchEntity)."""
        if isinstance(answer, Failed):
            policy: Any = _unknown(answer)
            detail = policy.reason
        elif answer is None:
            policy, detail = aws_iam.no_password_policy()
        else:
            policy, detail = aws_iam.password_policy(
                _number(answer, "MinimumPasswordLength", optional=True),
                _number(answer, "PasswordReusePrevention", optional=True),
                _number(answer, "MaxPasswordAge", optional=True),
                {name: answer.get(field) is True
                 for name, (_, field) in aws_iam.PASSWORD_CLASSES.items()})
        self.add("account-policy", "AWS::IAM::AccountPasswordPolicy",
                 f"arn:{self.partition}:iam::{self.account}:account-password-policy", None,
                 identity=Identity(password_policy=policy, detail=detail),
                 item=answer if isinstance(answer, dict) else {}, fields={
                     "identity.password_policy.min_length": "MinimumPasswordLength",
                     "identity.password_policy.reuse_prevention": "PasswordReusePrevention"})

    def _credential_row(self, row: dict, summary: Any) -> None:
        arn = row.get("arn", "")
        root = row.get("user") == "<root_account>"
        flag = row.get("mfa_active")
        mfa: Maybe[bool] = True if flag == "true" else False if flag == "false" else Unknown(
            f"the credential report's mfa_active is {flag!r}, neither true nor false")
        if root:
            keys = sum(row.get(f"access_key_{n}_active") == "true" for n in ("1", "2"))
            identity = Identity(console_access=True, mfa_enforced=mfa, account_root=True,
                                active_access_keys=keys,
                                detail="root user: " + _mfa_words(mfa))
        else:
            console = row.get("password_enabled") == "true"
            identity = Identity(console_access=console, mfa_enforced=mfa,
                                detail=("console password, " if console else "no console password, ")
                                + _mfa_words(mfa))
        self.add("user", "AWS::IAM::User" if not root else "AWS::IAM::RootUser", arn, None,
                 ids=(row.get("user", ""),), identity=identity, item=row, fields={
                     # credential report columns
                     "identity.console_access": "password_enabled",
                     "identity.mfa_enforced": "mfa_active",
                     "identity.active_access_keys": "access_key_1_active/access_key_2_active"})
        for n in ("1", "2"):
            if row.get(f"access_key_{n}_active") != "true":
                continue
            rotated = row.get(f"access_key_{n}_last_rotated")
            age = _days_since(rotated, self.now)
            self.add("access-key", "AWS::IAM::AccessKey", f"{arn}#access-key-{n}", None,
                     item=row, fields={"identity.key_age_days": f"access_key_{n}_last_rotated"},
                     identity=Identity(keys_can_expire=False,
                                       key_age_days=age if age is not None else Unknown(
                         f"last rotation date {rotated!r} not readable"),
                         detail=("root user access key" if root else
                                 f"user {row.get('user')}, key {n}")
                         + (f", last rotated {rotated}" if rotated else "")))

    def _root_from_summary(self, summary: Any, report: Any) -> None:
        """The root user from `GetAccountSummary` when the credential report has no row
        for it (`report` failed, or answered without one); both unread: unknown."""
        arn = f"arn:{self.partition}:iam::{self.account}:root"
        if not isinstance(summary, dict):
            why = "the credential report " + (
                f"was not read ({report.reason})" if isinstance(report, Failed)
                else "has no <root_account> row") + " and the account summary " + (
                f"was not read ({summary.reason})" if isinstance(summary, Failed)
                else "gave no answer")
            summary = {}
        else:
            why = ""
        enabled = summary.get("AccountMFAEnabled")
        mfa: Maybe[bool] = (bool(enabled) if isinstance(enabled, int) else Unknown(
            why or "the account summary does not tell whether the root user has MFA"))
        present = summary.get("AccountAccessKeysPresent")
        keys: Maybe[int] = (int(present) if isinstance(present, int) else Unknown(
            why or "neither the credential report nor the account summary tells about root keys"))
        self.add("user", "AWS::IAM::RootUser", arn, None, identity=Identity(
            console_access=True, mfa_enforced=mfa, account_root=True, active_access_keys=keys,
            detail="root user (account summary): " + _mfa_words(mfa)), item=summary, fields={
                "identity.mfa_enforced": "AccountMFAEnabled",
                "identity.active_access_keys": "AccountAccessKeysPresent"})
        if summary.get("AccountAccessKeysPresent"):
            self.add("access-key", "AWS::IAM::AccessKey", f"{arn}#access-key", None,
                     identity=Identity(keys_can_expire=False,
                                       key_age_days=Unknown("credential report not readable"),
                                       detail="root user access key"))

    def _role(self, role: dict) -> None:
        doc = aws_iam.load_policy(role.get("AssumeRolePolicyDocument"), "trust policy")
        if isinstance(doc, str):  # URL-encoded JSON from some endpoints
            from urllib.parse import unquote
            doc = aws_iam.load_policy(unquote(doc), "trust policy")
        identity = aws_iam.role_identity(doc)
        self.add("role", "AWS::IAM::Role", role["Arn"], None, ids=(role.get("RoleName", ""),),
                 identity=identity, item=role,
                 fields={"identity.mfa_enforced": "AssumeRolePolicyDocument"})

    # --- CloudWatch Logs ---------------------------------------------------------------

    def _logs(self, region: str, data: dict[str, Any]) -> None:
        groups = data.get("log_groups")
        if not ok(groups):
            return
        for group in groups:
            days = group.get("retentionInDays") or 0  # absent: the logs never expire
            arn = group.get("arn") or self.arn("logs", region,
                                               f"log-group:{group.get('logGroupName')}")
            self.add("log-group", "AWS::Logs::LogGroup", arn.removesuffix(":*"), region,
                     ids=(group.get("logGroupName", ""),),
                     logging=Logging(retention_days=days,
                                     detail=aws_logging.retention_shown(days)),
                     item=group, fields={"logging.retention_days": "retentionInDays"})

    # --- CloudTrail ------------------------------------------------------------------

    def _cloudtrail(self, per_region: dict[str, dict[str, Any]]) -> None:
        """Trails of the account, once each (a multi-region trail is listed in every region),
        judged from the answers of the region that read its details. An account whose
        listings all answered and hold no trail gets one `exists=False` trail; a listing
        that failed leaves a read gap instead (the trail may be there)."""
        seen: dict[str, tuple[dict, dict]] = {}
        answered: list[str] = []
        failed: dict[str, Failed] = {}
        for region, data in sorted(per_region.items()):
            listed = data.get("trails")
            if not ok(listed):
                failed[region] = listed
                continue
            answered.append(region)
            details = data.get("details") or {}
            for trail in listed:
                arn = trail["TrailARN"]
                if arn in details or arn not in seen:
                    seen[arn] = (trail, details.get(arn) or {})
        for arn, (trail, details) in seen.items():
            self._trail(arn, trail, details, failed)
        if not seen and answered and len(answered) == len(per_region):
            facet = aws_logging.no_trail(answered)
            self.add("trail", "AWS::CloudTrail::Trail",
                     f"arn:{self.partition}:cloudtrail::{self.account}:no-trail", None,
                     logging=Logging(trail=facet, detail=facet.detail))

    def _trail(self, arn: str, trail: dict, details: dict,
               failed: dict[str, Failed] | None = None) -> None:
        """One trail; `failed`: the regions whose trail listing failed (a trail's status
        and selectors are read in its home region: its failure is why they are not)."""
        home = trail.get("HomeRegion") or region_from_arn(arn)
        why = (f" (they are read in the trail's home region {home}, whose listing failed:"
               f" {failed[home].reason})" if failed and home in failed else "")
        status = details.get("status", Failed(f"GetTrailStatus was not read for this trail{why}"))
        logging: Maybe[bool] = _unknown(status) if not ok(status) else \
            (status or {}).get("IsLogging") is True
        selectors = details.get("selectors", Failed(f"GetEventSelectors was not read{why}"))
        if not ok(selectors):
            parsed: Any = _unknown(selectors)
        else:
            parsed = [aws_logging.Selector(
                management=s.get("IncludeManagementEvents", True),
                read_write=s.get("ReadWriteType", "All"),
                data_resources=[(d.get("Type"), tuple(d.get("Values") or ()))
                                for d in s.get("DataResources") or []])
                for s in (selectors or {}).get("EventSelectors") or []]
            operators = tuple(aws_logging.TF_OPERATORS.values())
            parsed += [aws_logging.Selector(
                fields={f.get("Field", ""): tuple(f.get("Equals") or ())
                        for f in s.get("FieldSelectors", []) if "Equals" in f},
                operators={f.get("Field", ""): {op: tuple(f[op]) for op in operators if f.get(op)}
                           for f in s.get("FieldSelectors", [])
                           if any(f.get(op) for op in operators)})
                for s in (selectors or {}).get("AdvancedEventSelectors") or []]
        bucket = details.get("bucket") or {}
        region = bucket.get("region")
        blocked = self._bucket_blocked(bucket) if "block" in bucket else None
        if why and "bucket" not in details:
            region = blocked = Unknown(f"the trail's bucket was not read{why}")
        facet = aws_logging.trail(
            all_regions=trail.get("IsMultiRegionTrail") is True,
            organization=trail.get("IsOrganizationTrail") is True,
            selectors=parsed, validation=trail.get("LogFileValidationEnabled") is True,
            customer_key=bool(trail.get("KmsKeyId")), logging=logging,
            bucket=trail.get("S3BucketName") or Unknown("the trail names no bucket"),
            bucket_region=None if region is None else region if ok(region) else _unknown(region),
            blocked=blocked)
        self.add("trail", "AWS::CloudTrail::Trail", arn, home, ids=(trail.get("Name", arn),),
                 logging=Logging(trail=facet, detail=facet.detail), item=None,
                 fields=_TRAIL_FIELDS)

    @staticmethod
    def _bucket_blocked(bucket: dict[str, Any]) -> Maybe[bool] | None:
        """A bucket's public access is blocked by its own S3 Block Public Access or the
        account's (s3control, read when the bucket's own is not fully on). Neither set:
        not blocked, as AWS then applies no block. A read that failed makes it unknown
        unless the other one blocks."""
        def switches(block: Any) -> Maybe[bool] | None:
            if block is None:
                return None
            if not ok(block):
                return _unknown(block)
            return aws_logging.public_access_blocked(
                {name: block.get(field) for name, field in aws_logging.BLOCK_PUBLIC_ACCESS.items()})
        return aws_logging.bucket_blocked(switches(bucket.get("block")),
                                          switches(bucket.get("account_block")), default=False)

    def _s3(self, data: dict[str, Any]) -> None:
        buckets = data.get("buckets")
        if not ok(buckets):
            return
        regions = data.get("regions", {})
        for bucket in buckets:
            name, region = bucket["Name"], bucket["Region"]
            region_value: Maybe[str] = region if ok(region) else _unknown(region)
            where = region if ok(region) else None
            tags = bucket.get("Tags")
            tags = api_tags(tags) if ok(tags) else _unknown(tags)
            self.add("bucket", "AWS::S3::Bucket", f"arn:{self.partition}:s3:::{name}",
                     region_value, stores_data=True, ids=(name,),
                     at_rest=[self._bucket_encryption(where, bucket.get("Encryption"))],
                     flows=[self._bucket_policy(name, bucket.get("Policy"))], item=bucket,
                     fields={facet_key("at_rest", "customer_key", "default encryption"):
                             "Encryption", facet_key("flows", "encrypted", aws_iam.HTTPS_ONLY):
                             "Policy", "logging.enabled": "Logging"},
                     destinations=self._replication(bucket.get("Replication"), regions),
                     logging=self._bucket_logging(bucket.get("Logging"), tags))

    def _bucket_logging(self, answer: Any, tags: Any) -> Logging:
        """Server access logs (GetBucketLogging: LoggingEnabled, or nothing when off) and the
        health data tag. A live scan lists every trail that could record the bucket's
        objects (in the bucket's region, shadow copies included); a listing that did not
        answer, or CloudTrail left out with --services, is a read gap, which makes a fail
        unknown (the rule's `needs_all`)."""
        if not ok(answer):
            logs = aws_logging.server_access_logs(_unknown(answer), None)
        else:
            logs = aws_logging.server_access_logs(bool(answer), (answer or {}).get("TargetBucket"))
        logs.health_data = aws_logging.health_data(tags, self.settings.health_data_tag)
        logs.all_trails = True
        return logs

    def _bucket_encryption(self, region: str | None, config: Any) -> AtRest:
        part = "default encryption"
        if not ok(config):
            return aws_storage.bucket_encryption(_unknown(config), lambda: None, part)
        for rule in (config or {}).get("Rules", []):
            default = rule.get("ApplyServerSideEncryptionByDefault")
            if default:
                return aws_storage.bucket_encryption(
                    default.get("SSEAlgorithm"), self.key(region, default.get("KMSMasterKeyID")),
                    part)
        return aws_storage.bucket_encryption(aws_storage.NO_RULE, lambda: None, part)

    @staticmethod
    def _bucket_policy(name: str, policy: Any) -> Flow:
        if not ok(policy):
            return Flow(aws_iam.HTTPS_ONLY,
                        encrypted=_unknown(policy, "bucket policy not readable"))
        docs = [aws_iam.load_policy(policy, "bucket policy")] if policy else []
        return aws_iam.https_only_flow(docs, aws_iam.Bucket(name=name))


    @staticmethod
    def _replication(config: Any, regions: dict[str, Any]) -> list[Destination]:
        if not ok(config):
            return [Destination(region=_unknown(config), what="S3 replication")]
        out = []
        for rule in (config or {}).get("Rules", []):
            if not aws_storage.replication_enabled(rule.get("Status")):
                continue
            target = rule.get("Destination", {}).get("Bucket", "")
            name = bucket_from_arn(target)
            region = regions.get(name)
            if region is None:
                region = Unknown(f"destination bucket {name} is not in this account")
            elif not ok(region):
                region = _unknown(region)
            out.append(aws_storage.replication_destination(target, region, target))
        return out


def to_inventory(data: AccountData, now: dt.datetime | None = None,
                 settings: Settings | None = None) -> Inventory:
    return Adapter(data, now, settings).run()


def _stated(item: dict, key: str) -> Maybe[bool]:
    """A yes/no field the API always answers (EBS and EFS `Encrypted`, RDS
    `StorageEncrypted`, `MultiAZ`, `DeletionProtection`): an answer without it, or not true
    or false, tells nothing, so it is not read as false."""
    return _answered(item, key, bool, Unknown(f"{key} not reported"))


def _number(item: dict, key: str, optional: bool = False) -> Maybe[int] | None:
    """A whole number field. RDS always reports `BackupRetentionPeriod` (0: automated
    backups off), so an answer without it tells nothing and is not read as 0; a password
    policy leaves out a limit the account does not set (`optional`: None)."""
    return _answered(item, key, int, None if optional else Unknown(f"{key} not reported"))


def _answered(item: dict, key: str, kind: type, missing: Any) -> Any:
    """`item[key]` when it is of `kind` (a boolean is not a number), `missing` when the
    answer leaves it out, else unknown naming the field and (shortened) the odd value: a
    field AWS answers wrongly is never guessed as false or 0."""
    value = item.get(key)
    if value is None:
        return missing
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return Unknown(f"{key} {shown} is not {'true or false' if kind is bool else 'a number'}")
