"""Test helpers for live AWS scans: a real `moto_server` and scenarios built through boto3.

`MotoServer` starts `moto_server` on a free loopback port (a real HTTP server: the scanner's
boto3 talks to it over the network), waits until it answers, and stops it. Its `/moto-api/`
endpoints reset the state between scenarios, record every request (the read-only proof),
and switch IAM enforcement on (`reset-auth`), so that a scan runs with exactly the
permissions of a policy.
"""
from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNT = "123456789012"
PARIS, LONDON = "eu-west-3", "eu-west-2"
# The account password policy of the main scenario (HDS-MFA-005 passes on it), also in
# fixtures/consistency/aws as aws_iam_account_password_policy.strict.
PASSWORD_POLICY = {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24,
                   "RequireSymbols": True, "RequireNumbers": True}
FAKE_KEY, FAKE_SECRET = "AKIAHDSIACTESTKEY001", "hds-iac-test-secret-never-printed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ec2_xml(operation: str, answer: dict) -> bytes:
    """An EC2 query-API answer as AWS writes it (the member names and `<item>` lists of
    botocore's service model), for the EC2 reads moto lacks."""
    import botocore.session
    from xml.sax.saxutils import escape

    model = botocore.session.get_session().get_service_model("ec2")
    shape = model.operation_model(operation).output_shape

    def render(shape, value) -> str:
        if shape.type_name == "structure":
            return "".join(
                f"<{member.serialization.get('name', name)}>{render(member, value[name])}"
                f"</{member.serialization.get('name', name)}>"
                for name, member in shape.members.items() if name in value)
        if shape.type_name == "list":
            return "".join(f"<item>{render(shape.member, item)}</item>" for item in value)
        if shape.type_name == "boolean":
            return "true" if value else "false"
        return escape(str(value))

    return (f'<{operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            f"<requestId>proxy</requestId>{render(shape, answer)}</{operation}Response>").encode()


class Stubs:
    """Answers for the read calls moto 5.2 does not implement (DLM, backup selections,
    Client VPN endpoints, recovery points). `client_vpn` or `recovery_points` set to None
    lets moto answer those calls itself (it cannot)."""

    def __init__(self) -> None:
        self.dlm: dict[str, list[dict]] = {}  # region -> policies (GetLifecyclePolicy shape)
        self.selections: dict[str, list[dict]] = {}  # plan id -> GetBackupSelection answers
        # region -> endpoints (DescribeClientVpnEndpoints items, botocore's names)
        self.client_vpn: dict[str, list[dict]] | None = {}
        # vault name -> recovery points (ListRecoveryPointsByBackupVault items)
        self.recovery_points: dict[str, list[dict]] | None = {}

    def clear(self) -> None:
        self.dlm.clear()
        self.selections.clear()
        self.client_vpn = {}
        self.recovery_points = {}

    def answer(self, method: str, path: str, service: str, region: str,
               operation: str = "") -> dict | bytes | None:
        if service == "ec2" and operation == "DescribeClientVpnEndpoints" \
                and self.client_vpn is not None:
            return ec2_xml(operation, {"ClientVpnEndpoints": self.client_vpn.get(region, [])})
        query = urllib.parse.parse_qs(path.split("?", 1)[1]) if "?" in path else {}
        path = path.split("?")[0]
        if service == "backup" and method == "GET" and self.recovery_points is not None:
            match = re.match(r"^/backup-vaults/([^/]+)/recovery-points/?$", path)
            if match:
                # Pages of MaxResults items, as the API pages them (NextToken: an offset).
                points = self.recovery_points.get(urllib.parse.unquote(match.group(1)), [])
                start = int(query.get("nextToken", ["0"])[0])
                size = int(query.get("maxResults", ["1000"])[0])
                page = {"RecoveryPoints": points[start:start + size]}
                if start + size < len(points):
                    page["NextToken"] = str(start + size)
                return page
        if service == "dlm" and method == "GET":
            policies = self.dlm.get(region, [])
            if path.rstrip("/") == "/policies":
                return {"Policies": [{k: p[k] for k in ("PolicyId", "Description", "State")}
                                     for p in policies]}
            match = re.match(r"^/policies/([^/]+)/?$", path)
            if match:
                found = [p for p in policies if p["PolicyId"] == match.group(1)]
                return {"Policy": found[0]} if found else None
        if service == "backup" and method == "GET":
            match = re.match(r"^/backup/plans/([^/]+)/selections/?$", path)
            if match:
                return {"BackupSelectionsList": [
                    {"SelectionId": sel["SelectionId"], "SelectionName": sel["SelectionName"],
                     "BackupPlanId": sel["BackupPlanId"], "IamRoleArn": sel["IamRoleArn"]}
                    for sel in self.selections.get(match.group(1), [])]}
            match = re.match(r"^/backup/plans/([^/]+)/selections/([^/]+)/?$", path)
            if match:
                for sel in self.selections.get(match.group(1), []):
                    if sel["SelectionId"] == match.group(2):
                        body = {k: v for k, v in sel.items()
                                if k not in ("SelectionId", "BackupPlanId")}
                        return {"BackupSelection": body, "SelectionId": sel["SelectionId"],
                                "BackupPlanId": sel["BackupPlanId"]}
        return None


READ_OPERATION = re.compile(r"^(Describe|List|Get)[A-Za-z]+$")
# The one documented exception: it only asks IAM to build the read-only credential report.
READ_EXCEPTIONS = frozenset({"GenerateCredentialReport"})


def writes(requests: list["Request"]) -> list[tuple[str, ...]]:
    """The requests that are not reads (the read-only proof of live scans and of remote
    state reads): an operation that is not Describe/List/Get, or a REST call (S3, EFS...)
    whose method is not GET or HEAD."""
    out: list[tuple[str, ...]] = []
    for req in requests:
        op = req.operation.split(".")[-1]
        if op:
            if not READ_OPERATION.match(op) and op not in READ_EXCEPTIONS:
                out.append((req.service, op))
        elif req.method not in ("GET", "HEAD"):
            out.append((req.service, req.method, req.path))
    return out


@dataclass
class Request:
    method: str
    path: str
    service: str  # signing name from the Authorization header
    region: str
    operation: str  # Action= (query APIs), X-Amz-Target (JSON APIs), else "" (REST APIs)
    access_key: str


# Signing names whose APIs are REST-JSON (error code in a header) or JSON (X-Amz-Target).
_REST_JSON = {"dlm", "backup", "elasticfilesystem"}


def error_answer(service: str, json_api: bool, status: int, code: str) -> tuple[dict, bytes]:
    """An AWS error in the shape of the service's protocol, as botocore parses it."""
    text = f"{code} (served by the test proxy)"
    if json_api or service in _REST_JSON:
        return ({"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code},
                json.dumps({"__type": code, "message": text}).encode())
    if service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{text}</Message></Error>"
                "</Errors><RequestID>proxy</RequestID></Response>")
    elif service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{text}</Message></Error>"
    else:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{text}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>")
    return {"Content-Type": "text/xml"}, body.encode()


class LoggingProxy:
    """A tiny HTTP proxy in front of moto_server: logs every request the scanner sends and
    answers the few read calls moto lacks from `Stubs`. Everything else is forwarded as is
    (Host header included, so signatures stay valid when moto enforces IAM).

    `faults` makes it answer an error instead: signing name ("dlm", "elasticloadbalancing")
    or "service:Operation" (query and JSON APIs) -> (HTTP status, error code), for example
    `{"dlm": (403, "AccessDeniedException")}` or
    `{"ec2:DescribeVolumes": (503, "RequestLimitExceeded")}`."""

    def __init__(self, target_port: int, stubs: Stubs):
        self.stubs = stubs
        self.log: list[Request] = []
        self.recording = False
        self.faults: dict[str, tuple[int, str]] = {}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                match = re.search(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/", auth)
                key, region, service = match.groups() if match else ("", "", "")
                operation = self.headers.get("X-Amz-Target", "")
                if not operation and body:
                    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                    operation = form.get("Action", [""])[0]
                if not operation and "Action=" in self.path:
                    operation = urllib.parse.parse_qs(self.path.split("?", 1)[1]).get(
                        "Action", [""])[0]
                if proxy.recording:
                    proxy.log.append(Request(self.command, self.path, service, region,
                                             operation, key))
                # REST APIs (S3, S3 Control) name no operation: "path:<fragment>" keys
                # fault the requests whose path holds the fragment.
                fault = proxy.faults.get(service) or proxy.faults.get(
                    f"{service}:{operation.split('.')[-1]}") or next(
                    (f for k, f in proxy.faults.items()
                     if k.startswith("path:") and k[5:] in self.path), None)
                if fault is not None:
                    headers, data = error_answer(service, bool(self.headers.get(
                        "X-Amz-Target")), *fault)
                    self.send_response(fault[0])
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                    return
                stub = proxy.stubs.answer(self.command, self.path, service, region,
                                          operation.split(".")[-1])
                if stub is not None:
                    xml = isinstance(stub, bytes)
                    data = stub if xml else json.dumps(stub).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml" if xml else "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "keep-alive")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length",
                                         "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def start(self) -> None:
        self.log = []
        self.recording = True

    def stop_recording(self) -> list[Request]:
        self.recording = False
        return list(self.log)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MotoServer:
    def __init__(self, workdir: Path):
        self.recording = workdir / "moto_recording.jsonl"
        # The moto_server of the interpreter running the tests first: another one on PATH
        # may be another moto version (5.2.1 drops CloudFront's cache behaviours from
        # ListDistributions, for one).
        beside = Path(sys.executable).parent / "moto_server"
        exe = str(beside) if beside.exists() else shutil.which("moto_server") or "moto_server"
        env = {**os.environ, "MOTO_RECORDER_FILEPATH": str(self.recording),
               "MOTO_ENABLE_RECORDING": ""}
        # A free port may be taken between free_port() and moto's bind (another test
        # process, pytest-xdist's other worker): moto then exits, and we try another port.
        for attempt in range(3):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self.log = open(workdir / "moto_server.log", "w")
            self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=self.log, stderr=subprocess.STDOUT, env=env)
            if self._started(time.monotonic() + 30):
                return
            exited = self.proc.poll() is not None
            self.stop()
            if not exited or attempt == 2:
                raise RuntimeError("moto_server did not start: "
                                   + (workdir / "moto_server.log").read_text()[-2000:])

    def _started(self, deadline: float) -> bool:
        """moto answers (True), or it exited or the deadline passed (False)."""
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=1).read()
                return True
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return False
                time.sleep(0.1)

    def _post(self, path: str, data: bytes = b"") -> bytes:
        req = urllib.request.Request(f"{self.url}{path}", data=data, method="POST",
                                     headers={"Content-Type": "text/plain"})
        return urllib.request.urlopen(req, timeout=30).read()

    def reset(self) -> None:
        self.auth(False)
        self._post("/moto-api/reset")

    def auth(self, enforce: bool) -> None:
        """IAM enforcement from now on (moto checks signatures and policies), or off."""
        self._post("/moto-api/reset-auth", b"0" if enforce else b"inf")

    def start_recording(self) -> None:
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")

    def stop_recording(self) -> list[dict]:
        self._post("/moto-api/recorder/stop-recording")
        if not self.recording.exists():
            return []
        return [json.loads(line) for line in self.recording.read_text().splitlines() if line]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


REPO = Path(__file__).resolve().parents[1]


class LiveAccount:
    """A moto_server account behind the logging proxy, and the `hds-iac live aws` command
    that scans it: the one harness of every test that scans moto over HTTP, so that a change
    of how the scan is started (an option, a timeout) is made once."""

    def __init__(self, tmp: Path, stubs: Stubs | None = None):
        self.stubs = stubs if stubs is not None else Stubs()
        self.moto = MotoServer(tmp)
        self.proxy = LoggingProxy(self.moto.port, self.stubs)
        self.tmp = tmp

    @property
    def url(self) -> str:
        """moto's own address, for building a scenario with boto3 (not recorded)."""
        return self.moto.url

    def command(self, *args: str, regions: str = f"{PARIS},{LONDON}") -> list[str]:
        return [sys.executable, "-m", "hds_iac.cli", "live", "aws", "--endpoint-url",
                self.proxy.url, "--regions", regions, *args]

    def run(self, *args: str, key: str = FAKE_KEY, secret: str = FAKE_SECRET,
            regions: str = f"{PARIS},{LONDON}", cwd: Path = REPO,
            timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args, regions=regions), capture_output=True,
                              text=True, timeout=timeout, env=cli_env(key, secret), cwd=cwd)

    def close(self) -> None:
        self.proxy.close()
        self.moto.stop()

    def __enter__(self) -> "LiveAccount":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def clients(url: str, key: str = FAKE_KEY, secret: str = FAKE_SECRET):
    import boto3

    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret)

    def client(service: str, region: str = PARIS):
        found = session.client(service, region_name=region, endpoint_url=url)
        if service == "s3control":  # the account id is not put in front of the host
            from hds_iac.live.aws.session import one_host
            one_host(found, url)
        return found
    return client


def cli_env(key: str = FAKE_KEY, secret: str = FAKE_SECRET) -> dict:
    """Fake credentials in the environment, nothing from the user's own AWS files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_DEFAULT_REGION": PARIS, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"})
    return env


@dataclass
class Scenario:
    """Identifiers of what `build_scenario` created, for assertions."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def _policy(statements: list[dict]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def build_scenario(url: str, stubs: "Stubs") -> Scenario:
    """For each topic, resources that pass and resources that fail."""
    c = clients(url)
    s = Scenario()
    ec2, ec2_london = c("ec2"), c("ec2", LONDON)
    kms = c("kms")
    # --- KMS: one key rotated, one not --------------------------------------------------
    rotated = kms.create_key(Description="rotated")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotated["KeyId"])
    stale = kms.create_key(Description="not rotated")["KeyMetadata"]
    s.ids.update(key_rotated=rotated["Arn"], key_stale=stale["Arn"])
    # --- EC2: volumes, snapshots, images, instances, security groups -----------------------
    ec2.enable_ebs_encryption_by_default()
    tag = [{"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]}]
    enc = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=8, Encrypted=True,
                            KmsKeyId=rotated["Arn"], TagSpecifications=tag)["VolumeId"]
    plain = ec2.create_volume(AvailabilityZone="eu-west-3b", Size=8, Encrypted=False)["VolumeId"]
    s.ids.update(vol_encrypted=enc, vol_plain=plain)
    s.ids["snap_private"] = ec2.create_snapshot(VolumeId=enc)["SnapshotId"]
    public = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    s.ids["snap_public"] = public
    shared = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["210987654321"])
    s.ids["snap_shared"] = shared
    london_vol = ec2_london.create_volume(AvailabilityZone="eu-west-2a", Size=8,
                                          Encrypted=True)["VolumeId"]
    s.ids["vol_london"] = london_vol
    s.ids["snap_london"] = ec2_london.create_snapshot(VolumeId=london_vol)["SnapshotId"]
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    inst = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1,
                             Placement={"AvailabilityZone": "eu-west-3a"})["Instances"][0]
    s.ids["instance"] = inst["InstanceId"]
    ami = ec2.create_image(InstanceId=inst["InstanceId"], Name="hds-public-image")["ImageId"]
    ec2.modify_image_attribute(ImageId=ami, LaunchPermission={"Add": [{"Group": "all"}]})
    s.ids["image_public"] = ami
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    s.ids["vpc"] = vpc
    sub_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                              AvailabilityZone="eu-west-3a")["Subnet"]["SubnetId"]
    sub_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24",
                              AvailabilityZone="eu-west-3b")["Subnet"]["SubnetId"]
    web = ec2.create_security_group(GroupName="web-http", Description="http", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    tls = ec2.create_security_group(GroupName="web-https", Description="https",
                                    VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=tls, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    s.ids.update(sg_http=web, sg_https=tls)
    # a site-to-site VPN: moto 5.2 answers DescribeVpnConnections without tunnel options
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.10",
                                      BgpAsn=65000)["CustomerGateway"]["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    s.ids["vpn"] = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                             VpnGatewayId=vgw)["VpnConnection"]["VpnConnectionId"]
    # a Client VPN endpoint with a client certificate only (HDS-MFA-006 fails): moto 5.2 has
    # no Client VPN, the proxy serves it (STUBS)
    s.ids["client_vpn"] = "cvpn-endpoint-0000000000000000a"
    stubs.client_vpn[PARIS] = [{
        "ClientVpnEndpointId": s.ids["client_vpn"], "Status": {"Code": "available"},
        "VpnProtocol": "openvpn", "TransportProtocol": "udp", "VpnPort": 443,
        "AuthenticationOptions": [{"Type": "certificate-authentication", "MutualAuthentication": {
            "ClientRootCertificateChain": f"arn:aws:acm:{PARIS}:{ACCOUNT}:certificate/root"}}]}]
    # --- RDS ------------------------------------------------------------------------------
    rds = c("rds")
    rds.create_db_instance(DBInstanceIdentifier="db-weak", Engine="postgres",
                           EngineVersion="14.7", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="not-a-real-pass1",
                           AllocatedStorage=20, MultiAZ=False, BackupRetentionPeriod=0,
                           StorageEncrypted=False)
    rds.create_db_instance(DBInstanceIdentifier="db-strong", Engine="postgres",
                           EnableCloudwatchLogsExports=["postgresql"],
                           EngineVersion="16.1", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="not-a-real-pass1",
                           AllocatedStorage=20, MultiAZ=True, BackupRetentionPeriod=14,
                           StorageEncrypted=True, KmsKeyId=rotated["Arn"],
                           DeletionProtection=True)
    rds.create_db_snapshot(DBSnapshotIdentifier="db-weak-public",
                           DBInstanceIdentifier="db-weak")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="db-weak-public",
                                     AttributeName="restore", ValuesToAdd=["all"])
    rds.create_db_snapshot(DBSnapshotIdentifier="db-strong-private",
                           DBInstanceIdentifier="db-strong")
    # --- S3 ---------------------------------------------------------------------------------
    s3, s3_london = c("s3"), c("s3", LONDON)
    s3.create_bucket(Bucket="hds-paris", CreateBucketConfiguration={"LocationConstraint": PARIS})
    s3.put_bucket_encryption(Bucket="hds-paris", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": rotated["Arn"]}}]})
    s3.put_bucket_policy(Bucket="hds-paris", Policy=_policy([{
        "Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::hds-paris", "arn:aws:s3:::hds-paris/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]))
    s3_london.create_bucket(Bucket="hds-london",
                            CreateBucketConfiguration={"LocationConstraint": LONDON})
    for bucket, client in (("hds-paris", s3), ("hds-london", s3_london)):
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    iam = c("iam")
    iam.create_role(RoleName="s3-replication", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sts:AssumeRole"}]))
    s3.put_bucket_replication(Bucket="hds-paris", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/s3-replication",
        "Rules": [{"ID": "to-london", "Status": "Enabled", "Prefix": "",
                   "Destination": {"Bucket": "arn:aws:s3:::hds-london"}}]})
    s3.put_public_access_block(Bucket="hds-paris", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    # --- CloudTrail: a multi-region trail (validated, client key, EEA bucket that blocks
    # public access) and a London-only one (no validation, no key, London bucket) ------------
    trail, trail_london = c("cloudtrail"), c("cloudtrail", LONDON)
    trail.create_trail(Name="main", S3BucketName="hds-paris", IsMultiRegionTrail=True,
                       EnableLogFileValidation=True, KmsKeyId=rotated["Arn"])
    trail.start_logging(Name="main")
    trail_london.create_trail(Name="london-only", S3BucketName="hds-london")
    trail_london.start_logging(Name="london-only")
    # Each bucket's object reads and writes recorded (data events, HDS-LOG-009): hds-paris
    # by the multi-region trail, hds-london by the London-only trail of its region.
    for client, name, bucket in ((trail, "main", "hds-paris"),
                                 (trail_london, "london-only", "hds-london")):
        client.put_event_selectors(TrailName=name, EventSelectors=[{
            "ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [
                {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{bucket}/"]}]}])
    # A log group kept 30 days, under hds-iac's 180-day minimum.
    c("logs").create_log_group(logGroupName="/hds/app")
    c("logs").put_retention_policy(logGroupName="/hds/app", retentionInDays=30)
    # Flow logs of the main VPC, every connection, to the Paris bucket.
    ec2.create_flow_logs(ResourceIds=[s.ids["vpc"]], ResourceType="VPC", TrafficType="ALL",
                         LogDestinationType="s3", LogDestination="arn:aws:s3:::hds-paris")
    # --- load balancers -------------------------------------------------------------------------
    elbv2 = c("elbv2")
    acm = c("acm")
    cert = acm.request_certificate(DomainName="hds.example.org")["CertificateArn"]
    lb = elbv2.create_load_balancer(Name="hds-alb", Subnets=[sub_a, sub_b],
                                    SecurityGroups=[tls])["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="hds-tg", Protocol="HTTP", Port=80,
                                      VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": group}]
    s.ids["listener_http"] = elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="HTTP", Port=8080,
        DefaultActions=forward)["Listeners"][0]["ListenerArn"]
    s.ids["listener_redirect"] = elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[{
            "Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                   "StatusCode": "HTTP_301"}}])["Listeners"][0][
        "ListenerArn"]
    s.ids["listener_https"] = elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": cert}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", DefaultActions=forward)["Listeners"][0][
        "ListenerArn"]
    s.ids["listener_old_tls"] = elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="HTTPS", Port=8443, Certificates=[{"CertificateArn": cert}],
        SslPolicy="ELBSecurityPolicy-2016-08", DefaultActions=forward)["Listeners"][0][
        "ListenerArn"]
    s.ids["alb"] = lb
    # --- IAM: console users with and without MFA, an old access key, roles ---------------------
    for user in ("alice", "bob", "ci-bot"):
        iam.create_user(UserName=user)
    iam.create_login_profile(UserName="alice", Password="Not-a-real-password-1!")
    iam.create_login_profile(UserName="bob", Password="Not-a-real-password-1!")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_access_key(UserName="ci-bot")
    iam.update_account_password_policy(**PASSWORD_POLICY)
    iam.create_role(RoleName="admin-no-mfa", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole"}]))
    iam.create_role(RoleName="admin-mfa", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]))
    # --- AWS Backup -------------------------------------------------------------------------
    backup, backup_london = c("backup"), c("backup", LONDON)
    locked = backup.create_backup_vault(BackupVaultName="locked")["BackupVaultArn"]
    backup.put_backup_vault_lock_configuration(BackupVaultName="locked", MinRetentionDays=7)
    backup.create_backup_vault(BackupVaultName="unlocked")
    london_vault = backup_london.create_backup_vault(BackupVaultName="copies")["BackupVaultArn"]
    plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "locked",
        "ScheduleExpression": "cron(0 3 * * ? *)",
        "CopyActions": [{"DestinationBackupVaultArn": london_vault}]}]})["BackupPlanId"]
    # moto 5.2 has no backup selections nor DLM: the proxy serves them (STUBS).
    stubs.selections[plan] = [{
        "SelectionId": "sel-tagged", "BackupPlanId": plan, "SelectionName": "tagged",
        "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/s3-replication",
        "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                        "ConditionValue": "daily"}]}]
    s.ids.update(vault_locked=locked, backup_plan=plan)
    stubs.dlm[PARIS] = [{
        "PolicyId": "policy-0123456789abcdef0", "Description": "daily volume snapshots",
        "State": "ENABLED", "PolicyArn": f"arn:aws:dlm:{PARIS}:{ACCOUNT}:policy/policy-0123456789abcdef0",
        "PolicyDetails": {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["VOLUME"],
                          "TargetTags": [{"Key": "snap", "Value": "yes"}],
                          "Schedules": [{"Name": "daily", "CrossRegionCopyRules": [{
                              "TargetRegion": LONDON, "Encrypted": True}]}]}}]
    # --- EFS, DynamoDB, CloudFront -------------------------------------------------------------
    efs = c("efs")
    s.ids["efs_regional"] = efs.create_file_system(CreationToken="regional",
                                                   Encrypted=True)["FileSystemId"]
    s.ids["efs_one_zone"] = efs.create_file_system(CreationToken="onezone", Encrypted=False,
                                                   AvailabilityZoneName="eu-west-3a")[
        "FileSystemId"]
    c("dynamodb").create_table(TableName="patients", BillingMode="PAY_PER_REQUEST",
                               AttributeDefinitions=[{"AttributeName": "id",
                                                      "AttributeType": "S"}],
                               KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    cloudfront = c("cloudfront", "us-east-1")
    dist = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "hds", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "app", "DomainName": "app.example.org",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "http-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "allow-all",
                                 "MinTTL": 0, "ForwardedValues": {
                                     "QueryString": False, "Cookies": {"Forward": "none"}}},
    })["Distribution"]
    s.ids["cdn"] = dist["ARN"]
    return s
