"""The live AWS front-end and the Terraform adapter read AWS Backup selections, DLM policies
and ARNs through the same functions (`hds_iac.adapters.aws_backup`, `aws_names`): the same
selection, written as Terraform or answered by the API, selects the same volumes."""
from __future__ import annotations

from hds_iac.adapters import aws_flows, terraform_aws
from hds_iac.adapters.aws_names import region_from_arn, region_from_zone
from hds_iac.adapters.terraform import TfIndex
from hds_iac.live.aws import adapt as live_adapt
from hds_iac.model import AtRest, Unknown
from hds_iac.live.aws.collect import AccountData
from hds_iac.terraform.records import TfResource

PARIS = "eu-west-3"


def _terraform(rtype: str, values: dict):
    rec = TfResource(address=f"{rtype}.x", mode="managed", type=rtype, name="x",
                     provider="aws", provider_region=PARIS, values=values, source="hcl",
                     file="main.tf", line=1)
    (res,) = terraform_aws.adapt(rec, TfIndex([rec]))
    return res


def _live(service: str, answer: dict):
    data = AccountData(account="123456789012", services=[service],
                       regions={PARIS: {service: answer}})
    return [r for r in live_adapt.to_inventory(data) if r.kind == "backup-plan"]


def test_a_backup_selection_is_the_same_from_terraform_and_the_api():
    resources = ["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:eu-west-3:1:db:x"]
    code = _terraform("aws_backup_selection", {
        "selection_tag": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}],
        "condition": [{"string_equals": [{"key": "aws:ResourceTag/tier", "value": "gold"}]}],
        "resources": resources})
    (live,) = _live("backup", {"vaults": [], "plans": [], "selections": [{
        "BackupPlanId": "p", "SelectionId": "s", "BackupSelection": {
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                            "ConditionValue": "daily"}],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/tier",
                                             "ConditionValue": "gold"}]},
            "Resources": resources}}]})
    assert code.selection == live.selection
    assert code.selection.select_all and code.selection.resource_kinds == ("volume",)
    assert code.selection.tags == {"backup": "daily", "tier": "gold"}


def test_a_dlm_policy_is_the_same_from_terraform_and_the_api():
    for state in ("ENABLED", "DISABLED"):
        code = _terraform("aws_dlm_lifecycle_policy", {"state": state, "policy_details": [{
            "resource_types": ["INSTANCE"], "target_tags": {"snap": "yes"}}]})
        (live,) = _live("dlm", {"policies": [{"PolicyId": "policy-1", "State": state,
                                              "PolicyDetails": {
                                                  "ResourceTypes": ["INSTANCE"],
                                                  "TargetTags": [{"Key": "snap",
                                                                  "Value": "yes"}]}}]})
        assert code.selection == live.selection
        assert code.selection.resource_kinds == ("instance",)
        assert code.selection.tags == ({"snap": "yes"} if state == "ENABLED" else {})


def test_arn_and_zone_regions():
    assert region_from_arn("arn:aws:kms:eu-west-3:123456789012:key/k") == PARIS
    assert region_from_arn("arn:aws-us-gov:backup:us-gov-west-1:1:backup-vault:v") == \
        "us-gov-west-1"
    assert region_from_arn("arn:aws:iam::123456789012:role/r") is None
    assert region_from_arn("eu-west-3") is None and region_from_arn(None) is None
    assert region_from_zone("eu-west-3a") == PARIS and region_from_zone("eu-west-3") is None


def test_the_account_an_arn_names():
    """A key of another account named by ARN is a customer's key (AWS-managed keys cannot
    be used across accounts): the account is the ARN's fifth field."""
    from hds_iac.adapters.aws_names import account_from_arn

    assert account_from_arn("arn:aws:kms:eu-west-3:111122223333:key/k") == "111122223333"
    assert account_from_arn("arn:aws:s3:::bucket") is None  # S3 ARNs name no account
    assert account_from_arn("arn:aws:kms:eu-west-3") is None
    assert account_from_arn("alias/app") is None and account_from_arn(None) is None


def test_a_bucket_is_encrypted_whatever_its_rule_says():
    """S3 encrypts every new object since January 2023: an unresolved algorithm leaves
    only the key's holder unknown, never the encryption itself."""
    from hds_iac.adapters import aws_storage

    unresolved = aws_storage.bucket_encryption(Unknown("var.sse"), lambda: None, "bucket")
    assert unresolved.enabled is True and isinstance(unresolved.customer_key, Unknown)
    kms = aws_storage.bucket_encryption("aws:kms", lambda: True, "bucket")
    assert kms.enabled is True and kms.customer_key is True
    s3 = aws_storage.bucket_encryption("AES256", lambda: True, "bucket")
    assert s3.enabled is True and s3.customer_key is False
    none = aws_storage.bucket_encryption(aws_storage.NO_RULE, lambda: True, "bucket")
    assert none.enabled is None and none.default == "encrypted" and none.customer_key is False


# --- one facet per native fact: the same fields, written as Terraform or answered by the
# API, give the same facets (the kinds whose two copies had drifted before the mapping was
# shared: see adapters/aws_storage.py and aws_flows.py).

def _live_region(service: str, answer: dict, kind: str):
    data = AccountData(account="123456789012", services=[service],
                       regions={PARIS: {service: answer}})
    return [r for r in live_adapt.to_inventory(data) if r.kind == kind]


def test_a_single_cache_cluster_has_no_at_rest_option_from_both_sources():
    code = _terraform("aws_elasticache_cluster", {"engine": "memcached", "az_mode": "cross-az",
                                                  "transit_encryption_enabled": True})
    (live,) = _live_region("elasticache", {"replication_groups": [], "clusters": [{
        "CacheClusterId": "x", "Engine": "memcached", "TransitEncryptionEnabled": True,
        "PreferredAvailabilityZone": "Multiple"}]}, "cache")
    assert code.at_rest == live.at_rest
    assert [f.encrypted for f in code.flows] == [f.encrypted for f in live.flows] == [True]
    assert code.at_rest[0].enabled is False and code.placement.multi_az is True
    assert live.placement.multi_az is True


def test_a_replication_group_spans_zones_through_failover_alone_from_both_sources():
    code = _terraform("aws_elasticache_replication_group", {
        "at_rest_encryption_enabled": True, "automatic_failover_enabled": True,
        "multi_az_enabled": False, "transit_encryption_enabled": False})
    (live,) = _live_region("elasticache", {"clusters": [], "replication_groups": [{
        "ReplicationGroupId": "x", "AtRestEncryptionEnabled": True, "MultiAZ": "disabled",
        "AutomaticFailover": "enabled", "TransitEncryptionEnabled": False}]}, "cache")
    assert code.placement.multi_az is live.placement.multi_az is True
    assert code.at_rest[0].enabled is live.at_rest[0].enabled is True
    assert code.at_rest[0].customer_key is live.at_rest[0].customer_key is False
    assert code.flows[0].encrypted is live.flows[0].encrypted is False


def test_efs_one_zone_and_encryption_from_both_sources():
    code = _terraform("aws_efs_file_system", {"encrypted": True,
                                              "availability_zone_name": "eu-west-3a"})
    (live,) = _live_region("efs", {"file_systems": [{
        "FileSystemId": "fs-1", "Encrypted": True, "AvailabilityZoneName": "eu-west-3a"}]},
        "file-system")
    assert code.at_rest == live.at_rest
    assert code.placement.multi_az is live.placement.multi_az is False


def test_a_cluster_with_one_instance_is_not_multi_az_from_both_sources():
    cluster = TfResource(address="aws_rds_cluster.c", mode="managed", type="aws_rds_cluster",
                         name="c", provider="aws", provider_region=PARIS, source="hcl",
                         file="main.tf", line=1, values={
                             "cluster_identifier": "c", "engine": "aurora-postgresql",
                             "engine_version": "15.4", "storage_encrypted": False})
    member = TfResource(address="aws_rds_cluster_instance.i", mode="managed",
                        type="aws_rds_cluster_instance", name="i", provider="aws",
                        provider_region=PARIS, source="hcl", file="main.tf", line=9,
                        values={"cluster_identifier": "c"})
    (code,) = terraform_aws.adapt(cluster, TfIndex([cluster, member]))
    (live,) = _live_region("rds", {"instances": [], "clusters": [{
        "DBClusterIdentifier": "c", "DBClusterArn": f"arn:aws:rds:{PARIS}:1:cluster:c",
        "Engine": "aurora-postgresql", "EngineVersion": "15.4", "StorageEncrypted": False,
        "DBClusterMembers": [{"DBInstanceIdentifier": "i"}],
        "DBClusterParameterGroup": "default.aurora-postgresql15"}],
        "cluster_parameters": {"default.aurora-postgresql15": {}}, "snapshots": [],
        "cluster_snapshots": []}, "database-cluster")
    assert code.placement.multi_az is live.placement.multi_az is False
    assert code.at_rest == live.at_rest
    # Aurora PostgreSQL is not in the table of engine defaults: unknown from both, never
    # a guess.
    assert isinstance(code.flows[0].encrypted, Unknown)
    assert isinstance(live.flows[0].encrypted, Unknown)


def test_a_bucket_with_an_sse_s3_rule_and_a_disabled_replication_from_both_sources():
    code = _terraform("aws_s3_bucket", {"bucket": "b", "server_side_encryption_configuration": [
        {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}],
        "replication_configuration": [{"rules": [{"status": "Disabled", "destination": [
            {"bucket": "arn:aws:s3:::other"}]}]}]})
    data = AccountData(account="123456789012", services=["s3"], global_={"s3": {
        "buckets": [{"Name": "b", "Region": PARIS, "Policy": None,
                     "Encryption": {"Rules": [{"ApplyServerSideEncryptionByDefault": {
                         "SSEAlgorithm": "AES256"}}]},
                     "Replication": {"Rules": [{"Status": "Disabled", "Destination": {
                         "Bucket": "arn:aws:s3:::other"}}]}}], "regions": {"b": PARIS}}})
    (live,) = [r for r in live_adapt.to_inventory(data) if r.kind == "bucket"]
    assert (code.at_rest[0].enabled, code.at_rest[0].customer_key) == \
        (live.at_rest[0].enabled, live.at_rest[0].customer_key) == (True, False)
    assert code.destinations == live.destinations == []


def test_an_http_listener_redirecting_to_https_from_both_sources():
    code = _terraform("aws_lb_listener", {"port": 80, "protocol": "HTTP", "default_action": [
        {"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]})
    lb = f"arn:aws:elasticloadbalancing:{PARIS}:1:loadbalancer/app/a/1"
    (live,) = _live_region("elbv2", {"load_balancers": [{
        "LoadBalancerArn": lb, "LoadBalancerName": "a", "Type": "application",
        "AvailabilityZones": []}], "listeners": {lb: [{
            "ListenerArn": lb + "/l", "Port": 80, "Protocol": "HTTP", "DefaultActions": [
                {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}]}]}}, "listener")
    assert code.flows == live.flows
    assert code.flows[0].redirects_to_https is True


def test_a_cloudfront_match_viewer_origin_is_as_weak_as_its_viewers_from_both_sources():
    code = _terraform("aws_cloudfront_distribution", {
        "viewer_certificate": [{"cloudfront_default_certificate": True}],
        "default_cache_behavior": [{"viewer_protocol_policy": "allow-all"}],
        "origin": [{"origin_id": "app", "custom_origin_config": [{
            "origin_protocol_policy": "match-viewer", "origin_ssl_protocols": ["TLSv1.2"]}]},
            {"origin_id": "s3"}]})
    data = AccountData(account="123456789012", services=["cloudfront"], global_={
        "cloudfront": {"distributions": [{
            "ARN": "arn:aws:cloudfront::1:distribution/D", "Id": "D",
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            "DefaultCacheBehavior": {"ViewerProtocolPolicy": "allow-all"},
            "Origins": {"Items": [{"Id": "app", "CustomOriginConfig": {
                "OriginProtocolPolicy": "match-viewer",
                "OriginSslProtocols": {"Items": ["TLSv1.2"]}}}, {"Id": "s3"}]}}]}})
    (live,) = [r for r in live_adapt.to_inventory(data) if r.kind == "cdn"]
    assert code.flows == live.flows
    assert [f.encrypted for f in live.flows] == [False, False, True]
    # the message names the origin's policy and the TLS versions it may use
    assert [f.detail for f in live.flows][1:] == ["match-viewer TLSv1.2", "S3 origin"]


def test_a_dynamodb_table_with_the_aws_managed_kms_key_from_both_sources():
    code = _terraform("aws_dynamodb_table", {"name": "t", "server_side_encryption": [
        {"enabled": True}], "replica": [{"region_name": "eu-central-1"}]})
    (live,) = _live_region("dynamodb", {"tables": [{
        "TableName": "t", "TableArn": f"arn:aws:dynamodb:{PARIS}:1:table/t",
        "SSEDescription": {"SSEType": "KMS", "Status": "ENABLED",
                           "KMSMasterKeyArn": f"arn:aws:kms:{PARIS}:1:alias/aws/dynamodb"},
        "Replicas": [{"RegionName": "eu-central-1"}]}]}, "table")
    assert code.at_rest == live.at_rest
    assert code.destinations == live.destinations


def test_a_dlm_copy_and_a_backup_vault_from_both_sources():
    code = _terraform("aws_dlm_lifecycle_policy", {"state": "ENABLED", "policy_details": [{
        "resource_types": ["VOLUME"], "target_tags": {"snap": "yes"}, "schedule": [{
            "cross_region_copy_rule": [{"target": "arn:aws:outposts:eu-central-1:1:outpost/op"}]}]}]})
    (live,) = _live("dlm", {"policies": [{"PolicyId": "p", "State": "ENABLED", "PolicyDetails": {
        "ResourceTypes": ["VOLUME"], "TargetTags": [{"Key": "snap", "Value": "yes"}],
        "Schedules": [{"CrossRegionCopyRules": [
            {"Target": "arn:aws:outposts:eu-central-1:1:outpost/op"}]}]}}]})
    assert code.destinations == live.destinations
    assert code.destinations[0].region == "eu-central-1"
    vault = _terraform("aws_backup_vault", {"name": "v"})
    (live_vault,) = _live_region("backup", {"vaults": [{
        "BackupVaultName": "v", "BackupVaultArn": f"arn:aws:backup:{PARIS}:1:backup-vault:v"}],
        "plans": [], "selections": []}, "backup-vault")
    assert vault.at_rest == live_vault.at_rest and vault.backup == live_vault.backup


# An EC2 answer with nothing in it (each test adds what it is about).
EC2_EMPTY = {"volumes": [], "instances": [], "security_groups": [], "snapshots": [], "images": []}


def _state(rtype: str, values: dict):
    rec = TfResource(address=f"{rtype}.x", mode="managed", type=rtype, name="x",
                     provider="aws", provider_region=PARIS, values=values, source="state",
                     file="terraform.tfstate", line=None)
    (res,) = terraform_aws.adapt(rec, TfIndex([rec]))
    return res


def test_snapshots_and_images_state_their_encryption_the_same_from_a_state_and_the_api():
    """HDS-ENC-005: one part per snapshot, one per EBS block device of an image; an
    instance-store device of an image holds no data copy; automated RDS snapshots follow
    their database and get no part."""
    for encrypted in (True, False):
        code = _state("aws_ebs_snapshot", {"id": "snap-1", "volume_id": "vol-1",
                                           "encrypted": encrypted})
        (live,) = _live_region("ec2", {**EC2_EMPTY, "snapshots": [
            {"SnapshotId": "snap-1", "VolumeId": "vol-1", "Encrypted": encrypted,
             "State": "completed"}], "snapshot_permissions": {"snap-1": []}}, "snapshot")
        assert code.at_rest == live.at_rest == [AtRest(enabled=encrypted, part="snapshot")]
    code = _state("aws_ami", {"id": "ami-1", "root_device_name": "/dev/xvda", "ebs_block_device": [
        {"device_name": "/dev/xvda", "snapshot_id": "snap-1", "encrypted": True},
        {"device_name": "/dev/xvdb", "snapshot_id": "snap-2", "encrypted": False}]})
    (live,) = _live_region("ec2", {**EC2_EMPTY, "images": [{"ImageId": "ami-1", "BlockDeviceMappings": [
        {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-1", "Encrypted": True}},
        {"DeviceName": "/dev/xvdb", "Ebs": {"SnapshotId": "snap-2", "Encrypted": False}},
        {"DeviceName": "/dev/xvdc", "VirtualName": "ephemeral0"}]}],
        "image_permissions": {"ami-1": []}}, "image")
    assert code.at_rest == live.at_rest
    assert [(p.part, p.enabled) for p in live.at_rest] == [
        ("ebs_block_device /dev/xvda", True), ("ebs_block_device /dev/xvdb", False)]
    code = _state("aws_db_cluster_snapshot", {"id": "c", "db_cluster_identifier": "c",
                                              "db_cluster_snapshot_identifier": "c",
                                              "storage_encrypted": True})
    rds = {"instances": [], "clusters": [], "snapshots": [{"DBSnapshotIdentifier": "auto", "SnapshotType": "automated",
                          "Encrypted": False, "DBSnapshotArn": "arn:aws:rds:eu-west-3:1:snapshot:auto"}],
           "cluster_snapshots": [{"DBClusterSnapshotIdentifier": "c", "SnapshotType": "manual",
                                  "StorageEncrypted": True,
                                  "DBClusterSnapshotArn": "arn:aws:rds:eu-west-3:1:cluster-snapshot:c"}],
           "snapshot_attributes": {}, "cluster_snapshot_attributes": {"c": []}}
    data = AccountData(account="123456789012", services=["rds"], regions={PARIS: {"rds": rds}})
    live = {r.ids[-1]: r for r in live_adapt.to_inventory(data) if r.kind == "snapshot"}
    assert code.at_rest == live["c"].at_rest == [AtRest(enabled=True, part="snapshot")]
    assert live["auto"].at_rest == []


def test_a_vpn_tunnel_is_the_same_from_terraform_and_the_api():
    """HDS-TLS-007: the options a Terraform tunnel sets and those DescribeVpnConnections
    answers make the same flow; an option left unset (absent in code, empty in the API) is
    AWS's defaults, named as such."""
    code = _terraform("aws_vpn_connection", {
        "customer_gateway_id": "cgw-1", "type": "ipsec.1",
        "tunnel1_ike_versions": ["ikev2"], "tunnel1_phase1_dh_group_numbers": [19, 20],
        "tunnel1_phase1_encryption_algorithms": ["AES256-GCM-16"],
        "tunnel2_phase2_integrity_algorithms": ["SHA2-256"]})
    (live,) = _live_region("ec2", {**EC2_EMPTY, "vpn_connections": [{
        "VpnConnectionId": "vpn-1", "State": "available", "Options": {"TunnelOptions": [
            {"OutsideIpAddress": "198.51.100.1", "IkeVersions": [{"Value": "ikev2"}],
             "Phase1DHGroupNumbers": [{"Value": 19}, {"Value": 20}],
             "Phase1EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}],
             "Phase1IntegrityAlgorithms": []},
            {"OutsideIpAddress": "198.51.100.2",
             "Phase2IntegrityAlgorithms": [{"Value": "SHA2-256"}]}]}}]}, "vpn")
    assert [f.ipsec for f in code.flows] == [f.ipsec for f in live.flows]
    tunnel1 = live.flows[0].ipsec
    assert tunnel1.options["phase 1 DH groups"] == ("19", "20")
    assert tunnel1.options["IKE versions"] == ("ikev2",)
    assert "phase 1 integrity" in tunnel1.defaulted
    assert tunnel1.options["phase 1 integrity"] == ("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")
    assert live.flows[1].ipsec.defaulted == tuple(
        label for label, _, _ in aws_flows.VPN_OPTIONS if label != "phase 2 integrity")


def test_a_vpn_answer_without_tunnel_options_is_unknown():
    (live,) = _live_region("ec2", {**EC2_EMPTY, "vpn_connections": [
        {"VpnConnectionId": "vpn-1", "State": "available"},
        {"VpnConnectionId": "vpn-2", "State": "deleted"}]}, "vpn")
    assert isinstance(live.flows[0].ipsec, Unknown)
    assert "DescribeVpnConnections" in live.flows[0].ipsec.reason


def _client_vpn(types: list[str], **api: object):
    """An endpoint from Terraform and from DescribeClientVpnEndpoints, same settings."""
    code = _terraform("aws_ec2_client_vpn_endpoint", {
        "client_cidr_block": "10.0.0.0/16", "server_certificate_arn": "arn:cert",
        "authentication_options": [{"type": t} for t in types],
        **{k: v for k, v in (("transport_protocol", api.get("TransportProtocol")),
                             ("vpn_port", api.get("VpnPort"))) if v is not None}})
    (live,) = _live_region("ec2", {**EC2_EMPTY, "client_vpn_endpoints": [
        {"ClientVpnEndpointId": "cvpn-endpoint-1", "Status": {"Code": "available"},
         "AuthenticationOptions": [{"Type": t} for t in types], **api},
        {"ClientVpnEndpointId": "cvpn-endpoint-2", "Status": {"Code": "deleted"},
         "AuthenticationOptions": [{"Type": aws_flows.CERTIFICATE}]}]}, "vpn")
    return code, live


def test_a_client_vpn_endpoint_is_the_same_from_terraform_and_the_api():
    """HDS-MFA-006: a certificate with a user sign-in is two factors, a certificate alone
    one; a user sign-in alone depends on a directory or identity provider the endpoint does
    not show. The flow is always TLS, with the transport AWS defaults to when unset."""
    cases = {
        (aws_flows.CERTIFICATE, aws_flows.FEDERATED): True,
        (aws_flows.DIRECTORY, aws_flows.CERTIFICATE): True,
        (aws_flows.CERTIFICATE,): False,
    }
    for types, two_factors in cases.items():
        code, live = _client_vpn(list(types))
        assert code.identity == live.identity
        assert code.flows == live.flows
        assert live.identity.mfa_enforced is two_factors
        assert live.flows[0].encrypted is True and live.flows[0].min_tls is None
        assert live.flows[0].detail.endswith("udp:443")
    for types, word in (((aws_flows.DIRECTORY,), "RADIUS"), ((aws_flows.FEDERATED,), "SAML")):
        code, live = _client_vpn(list(types))
        assert code.identity == live.identity
        assert isinstance(live.identity.mfa_enforced, Unknown)
        assert word in live.identity.mfa_enforced.reason
    code, live = _client_vpn([aws_flows.CERTIFICATE], TransportProtocol="tcp", VpnPort=1194)
    assert code.flows == live.flows and live.flows[0].detail.endswith("tcp:1194")
    assert live.identity.detail == "client certificate"


def test_a_client_vpn_endpoint_without_readable_authentication_is_unknown():
    for options, why in ((None, "no authentication options"), ([{"Type": "password"}],
                                                                "unexpected"), ([], "names no")):
        answer = {"ClientVpnEndpointId": "cvpn-endpoint-1", "Status": {"Code": "available"}}
        if options is not None:
            answer["AuthenticationOptions"] = options
        (live,) = _live_region("ec2", {**EC2_EMPTY, "client_vpn_endpoints": [answer]}, "vpn")
        assert isinstance(live.identity.mfa_enforced, Unknown), options
        assert why in live.identity.mfa_enforced.reason


def test_a_site_to_site_vpn_has_no_identity_for_hds_mfa_006():
    code = _terraform("aws_vpn_connection", {"customer_gateway_id": "cgw-1", "type": "ipsec.1"})
    assert code.identity is None


def _vault_answer(points: object) -> dict:
    arn = f"arn:aws:backup:{PARIS}:123456789012:backup-vault:v"
    return {"vaults": [{"BackupVaultName": "v", "BackupVaultArn": arn}],
            "recovery_points": {"v": points}, "plans": [], "selections": []}


def test_recovery_points_state_their_encryption_once():
    """HDS-ENC-005: a recovery point is as `IsEncrypted` states it; one that is an EBS
    snapshot the EC2 listing already judged is not judged twice; no statement is unknown."""
    ebs = f"arn:aws:ec2:{PARIS}::snapshot/snap-1"
    efs = f"arn:aws:backup:{PARIS}:123456789012:recovery-point:p-efs"
    rds = f"arn:aws:rds:{PARIS}:123456789012:snapshot:awsbackup:job-1"
    odd = f"arn:aws:backup:{PARIS}:123456789012:recovery-point:p-odd"
    data = AccountData(account="123456789012", services=["ec2", "backup"], regions={PARIS: {
        "ec2": {**EC2_EMPTY, "snapshots": [{"SnapshotId": "snap-1", "VolumeId": "vol-1",
                                            "Encrypted": False, "State": "completed"}],
                "snapshot_permissions": {"snap-1": []}},
        "backup": _vault_answer([
            {"RecoveryPointArn": ebs, "ResourceType": "EBS", "IsEncrypted": False},
            {"RecoveryPointArn": efs, "ResourceType": "EFS", "IsEncrypted": True},
            {"RecoveryPointArn": rds, "ResourceType": "RDS", "IsEncrypted": False},
            {"RecoveryPointArn": odd, "ResourceType": "EFS"}])}})
    inventory = live_adapt.to_inventory(data)
    points = {r.address: r for r in inventory if r.type == "AWS::Backup::RecoveryPoint"}
    assert sorted(points) == sorted([efs, rds, odd])
    assert points[efs].at_rest == [AtRest(enabled=True, part="recovery point of EFS in vault v")]
    assert points[rds].at_rest[0].enabled is False
    assert isinstance(points[odd].at_rest[0].enabled, Unknown)
    assert all(p.stores_data and p.kind == "snapshot" for p in points.values())


def test_a_vault_whose_recovery_points_were_not_read_is_unknown():
    from hds_iac.live.aws.collect import Failed

    (res,) = [r for r in live_adapt.to_inventory(AccountData(
        account="123456789012", services=["backup"], regions={PARIS: {"backup": _vault_answer(
            Failed("backup:ListRecoveryPointsByBackupVault failed in eu-west-3: HTTP 404"))}}))
        if r.type == "AWS::Backup::RecoveryPoint"]
    assert res.address.endswith("backup-vault:v#recovery-points")
    assert isinstance(res.at_rest[0].enabled, Unknown)
    assert "ListRecoveryPointsByBackupVault" in res.at_rest[0].enabled.reason


def test_a_volume_arn_with_wildcards_is_a_pattern_and_an_exact_arn_is_not():
    """HDS-BAK-004: `arn:aws:ec2:eu-west-3:*:volume/vol-0*` in a backup selection selects the
    volumes it matches; an exact ARN is an id, and another service's ARN no volume."""
    from hds_iac.adapters.aws_backup import volume_pattern
    from hds_iac.model import ResourcePattern

    assert volume_pattern("arn:aws:ec2:eu-west-3:*:volume/vol-0*") == ResourcePattern(
        kind="volume", region="eu-west-3", id="vol-0*")
    assert volume_pattern("arn:aws:ec2::*:volume/?") == ResourcePattern(
        kind="volume", region="*", id="?")
    assert volume_pattern("arn:aws:ec2:eu-west-3:1:volume/vol-1") is None
    assert volume_pattern("arn:aws:rds:eu-west-3:*:db:*") is None
    assert volume_pattern("arn:aws:ec2:eu-west-3:*:snapshot/*") is None


def test_a_database_tls_parameter_however_the_engine_writes_it():
    """rds.force_ssl, require_secure_transport, neptune_enforce_ssl and DocumentDB's tls:
    every spelling of on and off, and DocumentDB's minimum-version values (TLS required)."""
    from hds_iac.adapters.aws_tls import db_tls_param

    for on in ("1", "ON", "true", "enabled", " Yes ", 1, "tls1.2+", "tls1.3+", "fips-140-3"):
        assert db_tls_param(on) is True, on
    for off in ("0", "off", "FALSE", "disabled", "no", 0):
        assert db_tls_param(off) is False, off
    assert isinstance(db_tls_param("sometimes"), Unknown)
    assert isinstance(db_tls_param(Unknown("var.tls")), Unknown)


def test_a_plaintext_listener_whose_actions_cannot_be_read_is_unknown_not_failed():
    """HDS-TLS-001: an HTTP listener whose default actions come from a dynamic block over a
    variable without a value may only redirect to HTTPS: unknown, with the reason (a fail
    before). Not a rule fixture: checkov's fallback renders the unset list as no action."""
    from rule_helpers import run, text

    listener = _terraform("aws_lb_listener", {
        "protocol": "HTTP", "port": 80,
        "default_action": Unknown("var.http_actions has no value")})
    (flow,) = listener.flows
    assert flow.encrypted is False and isinstance(flow.redirects_to_https, Unknown)
    (verdict,) = run("HDS-TLS-001", listener)
    assert verdict.status == "unknown"
    assert "var.http_actions" in text("HDS-TLS-001", verdict)


def test_a_link_attribute_holding_an_object_is_no_name_and_no_crash():
    """Hostile input: a bucket's companion resource whose `bucket` is an object (a typo,
    a crafted file) names no bucket; the bucket is still read, as if it were absent."""
    bucket = TfResource(address="aws_s3_bucket.b", mode="managed", type="aws_s3_bucket",
                        name="b", provider="aws", provider_region=PARIS,
                        values={"bucket": "b"}, source="hcl", file="main.tf", line=1)
    sse = "aws_s3_bucket_server_side_encryption_configuration"
    odd = TfResource(address=f"{sse}.x", mode="managed", type=sse, name="x", provider="aws",
                     provider_region=PARIS, values={"bucket": {"name": "b"}, "count": 3},
                     source="hcl", file="main.tf", line=5)
    plain = terraform_aws.adapt(bucket, TfIndex([bucket]))
    assert terraform_aws.adapt(bucket, TfIndex([bucket, odd])) == plain
