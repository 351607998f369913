"""`hds-iac live aws --organization-role` and `--shard` end to end against a real moto_server.

The organisation: the management account (moto's default account) and four members made
with `organizations:CreateAccount`: "clinic" and "lab" hold resources and the audit role
(trust policy docs/iam/hds-iac-member-trust.json, permissions docs/iam/hds-iac-readonly.json),
"legacy" has a role the scanner cannot assume, "closed" is closed (SUSPENDED).

moto 5.2.5's behaviour, checked before writing these tests: `sts:AssumeRole` into another
account always succeeds, whatever the role's trust policy or the external id, and even when
the role does not exist (moto evaluates trust policies only for roles of the caller's own
account, and only with IAM enforcement on). So the role that "cannot be assumed" is made
with the scanner's own identity policy: an explicit Deny on legacy's role, for which moto
answers the AccessDenied that AWS answers for a missing trust. With enforcement on, moto
checks every member-side call against the member role's policy, so the scan also proves
that docs/iam/hds-iac-readonly.json is enough there, and the management side needs only
docs/iam/hds-iac-organization-list.json.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from aws_moto import (  # noqa: E402
    ACCOUNT, LONDON, PARIS, LiveAccount, clients,
)

REPO = Path(__file__).resolve().parents[1]
IAM_DOCS = REPO / "docs" / "iam"
ROLE = "hds-iac-audit"
EXTERNAL_ID = "hds-iac-test-external-id"
# moto enforces IAM correctly for query and JSON APIs only (see test_live_aws.py).
ENFORCED = "ec2,rds,elbv2,elb,elasticache,dynamodb,kms,iam"


def _doc(name: str) -> dict:
    return json.loads((IAM_DOCS / name).read_text())


def _member(url: str, account: str):
    """Clients acting in a member account (moto: any role ARN of that account works)."""
    import boto3

    creds = clients(url)("sts", "us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="test-setup")["Credentials"]
    session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                    aws_secret_access_key=creds["SecretAccessKey"],
                                    aws_session_token=creds["SessionToken"])
    return lambda service, region=PARIS: session.client(service, region_name=region,
                                                       endpoint_url=url)


def _build(url: str) -> dict[str, str]:
    c = clients(url)
    org = c("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    ids = {name: org.create_account(AccountName=name, Email=f"{name}@example.org")[
        "CreateAccountStatus"]["AccountId"] for name in ("clinic", "lab", "legacy", "closed")}
    org.close_account(AccountId=ids["closed"])
    trust = json.dumps(_doc("hds-iac-member-trust.json")).replace(
        "MANAGEMENT_ACCOUNT_ID", ACCOUNT).replace("EXTERNAL_ID", EXTERNAL_ID).replace(
        "SCANNER_ROLE_NAME", "hds-iac-scanner")
    readonly = json.dumps(_doc("hds-iac-readonly.json"))
    for name in ("clinic", "lab", "legacy"):
        iam = _member(url, ids[name])("iam", "us-east-1")
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=ROLE, PolicyName="hds-iac-readonly", PolicyDocument=readonly)
    clinic, lab, legacy = (_member(url, ids[n]) for n in ("clinic", "lab", "legacy"))
    ids["clinic_plain"] = clinic("ec2").create_volume(AvailabilityZone="eu-west-3a", Size=8,
                                                      Encrypted=False)["VolumeId"]
    ids["clinic_encrypted"] = clinic("ec2").create_volume(AvailabilityZone="eu-west-3b", Size=8,
                                                          Encrypted=True)["VolumeId"]
    clinic("iam", "us-east-1").create_user(UserName="alice")
    clinic("iam", "us-east-1").create_login_profile(UserName="alice",
                                                    Password="Not-a-real-password-1!")
    clinic("s3").create_bucket(Bucket="clinic-records",
                               CreateBucketConfiguration={"LocationConstraint": PARIS})
    ids["lab_london"] = lab("ec2", LONDON).create_volume(AvailabilityZone="eu-west-2a", Size=8,
                                                         Encrypted=True)["VolumeId"]
    ids["lab_paris"] = lab("ec2").create_volume(AvailabilityZone="eu-west-3c", Size=8,
                                                Encrypted=False)["VolumeId"]
    lab("ec2").create_snapshot(VolumeId=ids["lab_paris"])
    lab("s3", LONDON).create_bucket(Bucket="lab-results",
                                    CreateBucketConfiguration={"LocationConstraint": LONDON})
    ids["legacy_volume"] = legacy("ec2").create_volume(AvailabilityZone="eu-west-3a", Size=8,
                                                       Encrypted=False)["VolumeId"]
    # The scanner: a user of the management account with the shipped listing policy, and
    # (moto does not evaluate cross-account trust) an explicit Deny standing for legacy's
    # missing trust.
    iam = c("iam", "us-east-1")
    iam.create_user(UserName="hds-iac-scanner")
    iam.put_user_policy(UserName="hds-iac-scanner", PolicyName="list",
                        PolicyDocument=json.dumps(_doc("hds-iac-organization-list.json")))
    iam.put_user_policy(UserName="hds-iac-scanner", PolicyName="no-trust-in-legacy",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny", "Action": "sts:AssumeRole",
                            "Resource": f"arn:aws:iam::{ids['legacy']}:role/{ROLE}"}]}))
    key = iam.create_access_key(UserName="hds-iac-scanner")["AccessKey"]
    ids["key"], ids["secret"] = key["AccessKeyId"], key["SecretAccessKey"]
    return ids


class Org(LiveAccount):
    """The organisation's management account; DLM, which moto lacks, is served by the proxy."""

    def __init__(self, tmp: Path):
        super().__init__(tmp)
        self.ids = _build(self.moto.url)

    def run(self, *args: str, key: str | None = None, secret: str | None = None
            ) -> subprocess.CompletedProcess:
        if key and secret:
            return super().run("--no-progress", *args, key=key, secret=secret)
        return super().run("--no-progress", *args)


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    env = Org(tmp_path_factory.mktemp("moto-org"))
    yield env
    env.close()


@pytest.fixture(scope="module")
def enforced(org):
    """The organisation scanned with IAM enforced: the shipped policies only."""
    out = org.tmp / "enforced.json"
    org.proxy.start()
    org.moto.auth(True)
    try:
        proc = org.run("--organization-role", ROLE, "--external-id", EXTERNAL_ID,
                       "--exclude-accounts", ACCOUNT, "--services", ENFORCED,
                       "--parallel-accounts", "2", "-o", "json", "-o", "cli",
                       "--output-file", str(out), key=org.ids["key"], secret=org.ids["secret"])
    finally:
        org.moto.auth(False)
        requests = org.proxy.stop_recording()
    return proc, json.loads(out.read_text()), requests


def _accounts(report: dict) -> Counter:
    return Counter(f["resource"].get("account") for f in report["findings"])


def test_organisation_scan_reads_active_accounts_through_their_role(org, enforced):
    proc, report, _ = enforced
    ids = org.ids
    assert proc.returncode == 2, proc.stderr  # legacy could not be assumed
    accounts = _accounts(report)
    assert set(accounts) == {ids["clinic"], ids["lab"]}, accounts
    by_address = {(f["resource"]["address"], f["rule_id"]): f for f in report["findings"]}
    plain = [f for (a, r), f in by_address.items() if a.endswith(ids["clinic_plain"])
             and r == "HDS-ENC-001"]
    assert plain and plain[0]["status"] == "fail"
    assert plain[0]["resource"]["account"] == ids["clinic"]
    london = [f for (a, r), f in by_address.items() if a.endswith(ids["lab_london"])
              and r == "HDS-LOC-001"]
    assert london and london[0]["status"] == "fail"
    assert london[0]["resource"]["account"] == ids["lab"]
    assert not any(ids["legacy_volume"] in f["resource"]["address"] for f in report["findings"])
    # One input per scanned account, after the organisation's own entry.
    assert report["inputs"][0]["kind"] == "aws-organization"
    assert report["inputs"][0]["not_assumed"] == [ids["legacy"]]
    assert sorted(i["account"] for i in report["inputs"][1:]) == sorted(
        [ids["clinic"], ids["lab"]])
    assert report["summary"]["by_account"][ids["clinic"]]["fail"] >= 1
    assert set(report["summary"]["by_account"]) == {ids["clinic"], ids["lab"]}


def test_unassumable_account_is_one_error_naming_account_and_trust(org, enforced):
    _, report, _ = enforced
    legacy = org.ids["legacy"]
    assert len(report["errors"]) == 1, report["errors"]
    error = report["errors"][0]
    assert error["path"] == f"aws account {legacy}"
    assert legacy in error["message"] and "trust policy" in error["message"]
    assert f"arn:aws:iam::{legacy}:role/{ROLE}" in error["message"]
    assert "AccessDenied" in error["message"]


def test_closed_and_excluded_accounts_are_not_scanned(org, enforced):
    _, report, requests = enforced
    closed = org.ids["closed"]
    note = report["notices"][0]["message"]
    assert f"{closed} (SUSPENDED)" in note and "3 active account(s) selected" in note
    # clinic, lab, legacy: not the closed account, not the excluded management account.
    assert len([r for r in requests if r.operation == "AssumeRole"]) == 3
    assert report["inputs"][0]["not_active"] == [{"account": closed, "state": "SUSPENDED"}]
    assert ACCOUNT not in _accounts(report)


def test_organisation_scan_is_read_only(enforced):
    _, _, requests = enforced
    operations = {r.operation.split(".")[-1] for r in requests if r.operation}
    assert "ListAccounts" in {o.split("_")[-1] for o in operations}
    writes = {o for o in operations if not o.startswith(("Describe", "List", "Get"))
              and o not in ("AssumeRole", "GenerateCredentialReport")}
    assert writes == set(), writes


def test_management_side_makes_only_the_calls_of_its_policy(org, enforced):
    """The scanner's own credentials list the accounts and assume roles, nothing else; the
    shipped listing policy allows exactly that."""
    _, _, requests = enforced
    own = {r.operation.split(".")[-1] for r in requests if r.access_key == org.ids["key"]}
    assert own == {"ListAccounts", "AssumeRole", "GetCallerIdentity"}, own
    policy = _doc("hds-iac-organization-list.json")
    actions = {a for st in policy["Statement"] for a in st["Action"]}
    assert actions == {"organizations:ListAccounts", "sts:AssumeRole"}
    assert all(st["Effect"] == "Allow" for st in policy["Statement"])


def test_terminal_report_groups_findings_by_account(org, enforced):
    proc, _, _ = enforced
    text = proc.stdout
    heads = sorted((text.index(f"account {org.ids[n]}\n"), n) for n in ("clinic", "lab"))
    sections = {name: text[start:(heads[i + 1][0] if i + 1 < len(heads) else
                                  text.index("errors\n"))]
                for i, (start, name) in enumerate(heads)}
    assert org.ids["clinic_plain"] in sections["clinic"]
    assert org.ids["clinic_plain"] not in sections["lab"]
    assert org.ids["lab_london"] in sections["lab"]
    assert org.ids["lab_london"] not in sections["clinic"]


def test_accounts_filter_needs_organization_role(org):
    proc = org.run("--accounts", org.ids["clinic"])
    assert proc.returncode == 2
    assert "--organization-role" in proc.stderr


def test_accounts_filter_rejects_bad_ids_and_names_unknown_ones(org):
    proc = org.run("--organization-role", ROLE, "--accounts", "12ab")
    assert proc.returncode == 2 and "12 digits" in proc.stderr
    org.proxy.start()
    proc = org.run("--organization-role", ROLE, "--accounts", f"{org.ids['clinic']},999999999999",
                   "--services", "kms", "--page-size", "2", "-o", "json")
    listing = [r for r in org.proxy.stop_recording() if r.operation.endswith("ListAccounts")]
    report = json.loads(proc.stdout)
    assert len(listing) == 3  # six accounts, two per page: every page was read
    assert proc.returncode == 2
    assert {e["path"] for e in report["errors"]} == {"aws account 999999999999"}
    assert set(_accounts(report)) == {org.ids["clinic"]}


# --- shards -----------------------------------------------------------------------------------


def _key(f: dict) -> tuple:
    res = f["resource"]
    return (res.get("account"), f["rule_id"], res["address"], f["status"], f["message"])


def _with_test_options(argv: list[str], org: Org) -> list[str]:
    """A manifest's `live aws` command, sent to moto, on two regions and the two member
    accounts with resources, reading four services (the test's time)."""
    assert argv[:2] == ["live", "aws"], argv
    return argv[2:] + ["--accounts", f"{org.ids['clinic']},{org.ids['lab']}",
                       "--services", "ec2,kms,s3,iam"]


def test_four_shards_give_exactly_the_findings_of_one_run(org, tmp_path):
    """The Indexed Job of deploy/kubernetes runs as written (its four pods' commands), then
    its merge job; the shards hold exactly the findings of the same command unsharded."""
    from deploy_manifests import DEPLOY, container_commands, containers, documents

    job, merge = documents(DEPLOY / "kubernetes" / "indexed-job-organization.yaml")
    assert job["spec"]["jobTemplate"]["spec"]["completionMode"] == "Indexed"
    count = job["spec"]["jobTemplate"]["spec"]["completions"]
    assert count == 4

    def pod(index: int | None) -> list[str]:
        values = {"SHARD": str(index), "EXTERNAL_ID": EXTERNAL_ID}
        [argv] = container_commands(containers(job)[0], values)
        argv = [a.replace("/results/", f"{tmp_path}/") for a in argv]
        if index is None:  # the same command, unsharded
            at = argv.index("--shard")
            argv = argv[:at] + argv[at + 2:]
            argv[argv.index(f"{tmp_path}/shard-None.json")] = str(tmp_path / "whole.json")
        return _with_test_options(argv, org)

    proc = org.run(*pod(None))
    assert proc.returncode == 0, proc.stderr  # --soft-fail: failures do not fail the pod
    whole = tmp_path / "whole.json"
    whole_doc = json.loads(whole.read_text())
    assert whole_doc["errors"] == [] and whole_doc["summary"]["failed"] > 0
    shards = []
    for index in range(count):
        proc = org.run(*pod(index))
        assert proc.returncode == 0, proc.stderr
        shards.append(json.loads((tmp_path / f"shard-{index}.json").read_text()))
    union = Counter(_key(f) for doc in shards for f in doc["findings"])
    assert union == Counter(_key(f) for f in whole_doc["findings"])
    assert sum(1 for doc in shards if doc["findings"]) >= 2  # the work was really split
    # Each (account, region) and each account's global services were read by one shard.
    units = Counter()
    for doc in shards:
        for entry in doc["inputs"][1:]:
            units.update((entry["account"], r) for r in entry["regions"])
            if "iam" in entry["services"]:
                units[(entry["account"], "global")] += 1
    assert set(units.values()) == {1}
    assert len(units) == 2 * 3  # two accounts x (Paris, London, global)
    files = [tmp_path / f"shard-{i}.json" for i in range(count)]
    assert [doc["shard"] for doc in shards] == [{"index": i, "count": 4} for i in range(4)]
    assert "shard" not in whole_doc
    # `hds-iac report` merges the shard files into the report of the unsharded run.
    assert _report_findings(tmp_path, files) == _report_findings(tmp_path, [whole])
    # The merge job as written: one history run and one HDS report of the four files.
    for argv in container_commands(containers(merge)[0], {}):
        argv = [a.replace("/results/", f"{tmp_path}/") for a in argv]
        proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", *argv], capture_output=True,
                              text=True, timeout=120, cwd=REPO)
        assert proc.returncode == 0, (argv, proc.stderr)
    html = (tmp_path / "rapport-hds.html").read_text()
    assert "<html" in html[:500].lower()
    assert f"{org.ids['clinic']} · eu-west-3" in html  # findings name their account
    # ... the same run as the unsharded file imported alone.
    runs = {}
    for name, given in (("shards", files), ("whole", [whole])):
        store = tmp_path / f"{name}.sqlite"
        if name == "shards":
            store = tmp_path / "history.sqlite"  # written by the merge job
        else:
            proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "history", "import",
                                   *map(str, given), "--store", str(store)],
                                  capture_output=True, text=True, timeout=120, cwd=REPO)
            assert proc.returncode == 0, proc.stderr
        proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "history", "list",
                               "--store", str(store), "-o", "json"],
                              capture_output=True, text=True, timeout=120, cwd=REPO)
        runs[name] = json.loads(proc.stdout)["runs"]
    assert len(runs["shards"]) == len(runs["whole"]) == 1
    shard_run, whole_run = runs["shards"][0], runs["whole"][0]
    assert shard_run["complete"] is True and whole_run["complete"] is True, shard_run
    assert shard_run["scope"] == whole_run["scope"]
    assert {k: v for k, v in shard_run["counts"].items() if k != "files"} == {
        k: v for k, v in whole_run["counts"].items() if k != "files"}


def _report_findings(tmp: Path, files: list[Path]) -> Counter:
    out = tmp / "report.json"
    proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "report", *map(str, files),
                           "-o", "json", "--lang", "en", "--output-file", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    return Counter(_key(f) for req in doc["requirements"] for f in req["findings"])


def test_shard_option_is_checked(org):
    for bad in ("4/4", "1", "a/b", "-1/3", "0/0"):
        proc = org.run("--shard", bad)
        assert proc.returncode == 2 and "I/N" in proc.stderr, (bad, proc.stderr)


def test_hds_report_summarises_each_account_with_its_errors(org, enforced, tmp_path):
    """`hds-iac report` of the organisation's result: one row per account with its counts,
    the account whose role could not be assumed shown as not scanned with its error, in
    French and English; values from the result are escaped in every format."""
    _, result, _ = enforced
    ids = org.ids
    source = org.tmp / "enforced.json"
    docs = {}
    for lang in ("fr", "en"):
        out = tmp_path / f"report-{lang}.json"
        proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "report", str(source),
                               "-o", "json", "--lang", lang, "--output-file", str(out)],
                              capture_output=True, text=True, timeout=300, cwd=REPO)
        assert proc.returncode == 0, proc.stderr
        docs[lang] = json.loads(out.read_text("utf-8"))
    rows = {r["account"]: r for r in docs["en"]["accounts"]}
    assert set(rows) == {ids["clinic"], ids["lab"], ids["legacy"]}
    for name in ("clinic", "lab"):
        row = rows[ids[name]]
        expected = result["summary"]["by_account"][ids[name]]
        assert row["scanned"] and row["counts"] == {s: expected[s] for s in row["counts"]}
        assert row["error_count"] == 0
    legacy = rows[ids["legacy"]]
    assert not legacy["scanned"] and legacy["error_count"] == 1
    assert "trust policy" in legacy["errors"][0] and ids["legacy"] in legacy["errors"][0]
    assert docs["en"]["accounts"][0]["account"] == ids["legacy"]  # not scanned comes first
    assert docs["fr"]["accounts"] == docs["en"]["accounts"]
    # The rendered sections, in both languages, with a crafted account id in the result.
    crafted = json.loads(source.read_text("utf-8"))
    evil = "<img src=x onerror=alert(1)>|**x**"
    for f in crafted["findings"]:
        if f["resource"].get("account") == ids["lab"]:
            f["resource"]["account"] = evil
    bad = tmp_path / "crafted.json"
    bad.write_text(json.dumps(crafted), "utf-8")
    for fmt, lang, title in (("html", "fr", "Synthèse par compte"),
                             ("markdown", "en", "Summary by account")):
        proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "report", str(bad),
                               "-o", fmt, "--lang", lang], capture_output=True, text=True,
                              timeout=300, cwd=REPO)
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout
        assert title in text and ids["legacy"] in text and ids["clinic"] in text
        if fmt == "html":
            assert "<img" not in text
            assert "&lt;img src=x onerror=alert(1)&gt;|**x**" in text
            assert 'id="accounts"' in text and ("non analysé" in text)
        else:  # a code span (HTML shown as text), its pipe escaped for the table
            assert "`<img src=x onerror=alert(1)>\\|**x**`" in text
            assert "not scanned" in text


def test_summary_by_account_renders_in_chromium(org, enforced, tmp_path):
    """The HTML report of the organisation in headless Chromium: the section is there, in
    French, with one row per account, legacy's marked not scanned."""
    from test_report_html import browse, chromium

    chromium()  # skips (or fails on CI) without a browser
    page = tmp_path / "rapport.html"
    proc = subprocess.run([sys.executable, "-m", "hds_iac.cli", "report",
                           str(org.tmp / "enforced.json"), "--output-file", str(page)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    run = browse(page, tmp_path / "profile", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert "Synthèse par compte" in dom and 'href="#accounts"' in dom
    rows = dict(re.findall(r'<tr data-account="(\d{12})" data-scanned="(true|false)"', dom))
    ids = org.ids
    assert rows == {ids["legacy"]: "false", ids["clinic"]: "true", ids["lab"]: "true"}, rows
