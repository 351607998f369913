"""`hds-iac live PROVIDER`: the command line of live scans.

Output formats, `--fail-on`, `--soft-fail`, baselines, rule selection and exit statuses
are those of `hds-iac scan`; 2 marks a partial scan (some calls failed: the findings that
could be computed are still reported, and the report says what was covered).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import Callable

from hds_iac.command import (add_report_options, checked_list, comma_list, finish,
                         prepare)
from hds_iac.live.aws.session import (
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_READ_TIMEOUT,
)
from hds_iac.live import outscale_cli
from hds_iac.live.options import add_timeouts
from hds_iac.option_types import days_value, whole_number

LIVE_AWS_EPILOG = """\
Credentials: the AWS default chain (environment, ~/.aws files, SSO, instance or container
role), --profile, then --role-arn to assume a role. The identity needs only the read-only
permissions of docs/iam/hds-iac-readonly.json (or the AWS managed policy SecurityAudit).
Nothing is ever written to the account; no credential is ever printed, even with --debug.

exit status:
  0  no failing finding at or above --fail-on
  1  failing findings at or above --fail-on
  2  usage error, or a partial scan: some calls failed (access denied, throttled, timeout,
     region not enabled); each is reported with the IAM permission to add

Organisation: --organization-role NAME lists the active accounts of the AWS Organization
(organizations:ListAccounts, from the management or a delegated administrator account) and
scans each through its role NAME (docs/iam/: the listing policy, the member role and its
trust policy). An account whose role cannot be assumed is one error entry (exit 2); the
others are scanned. Every finding carries its account id; reports group by account.

Shards: --shard I/N reads only the (account, region) units of shard I (0 <= I < N), so that
N workers (a Kubernetes Indexed Job: --shard "$(JOB_COMPLETION_INDEX)/N", a CI matrix)
share one scan; `hds-iac report` merges their JSON results.

examples:
  hds-iac live aws
  hds-iac live aws --profile audit --regions eu-west-3,eu-central-1 -o json
  hds-iac live aws --role-arn arn:aws:iam::123456789012:role/hds-audit -o sarif \\
      --output-file live.sarif
  hds-iac live aws --organization-role hds-iac-audit --external-id hds-iac \\
      --exclude-accounts 111122223333 -o json --output-file org.json
  hds-iac live aws --organization-role hds-iac-audit --shard 0/4 -o json \\
      --output-file shard-0.json
"""


def _common(parser: argparse.ArgumentParser) -> None:
    """Report options shared with `hds-iac scan`, then those of live scans."""
    add_report_options(parser)
    parser.add_argument("--max-snapshot-age-days", type=days_value, metavar="DAYS",
                        help="newest snapshot of a volume older than this is stale (default: 1)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress line on the terminal")
    parser.add_argument("--debug", action="store_true",
                        help="log each service and region read to stderr (never credentials)")
    drift = parser.add_argument_group(
        "drift", "compare the account with the Terraform states that manage it (topic drift:"
                 " unmanaged, changed, missing resources; docs/drift.md)")
    drift.add_argument("--against", action="append", default=[], metavar="STATE",
                       help="a Terraform state: terraform.tfstate, `terraform show -json`"
                            " output, or s3://BUCKET/KEY (read with s3:GetObject only);"
                            " repeatable")
    drift.add_argument("--state-endpoint-url", metavar="URL",
                       help="S3 endpoint for s3:// states (an S3-compatible store such as"
                            " Outscale OOS; default: AWS S3, or live aws's --endpoint-url)")
    drift.add_argument("--state-region", metavar="REGION",
                       help="region of the s3:// state buckets' endpoint (default: the AWS"
                            " configuration's, else us-east-1)")


def _shard(text: str):
    from hds_iac.live.shard import parse

    return parse(text)


def _account_ids(text: str) -> list[str]:
    ids = comma_list(text)
    bad = [i for i in ids if not (len(i) == 12 and i.isdigit())]
    if bad:
        raise argparse.ArgumentTypeError(
            f"not an AWS account id (12 digits): {', '.join(repr(b) for b in bad)}")
    return ids


def _role_name(text: str) -> str:
    name = text.strip().strip("/")
    if not name or name.startswith("arn:") or any(c.isspace() for c in name):
        raise argparse.ArgumentTypeError(
            f"expected a role name (or path/name) such as hds-iac-audit, got {text!r}")
    return name


def _services(text: str) -> list[str]:
    from hds_iac.live.aws.collect import SERVICES

    return checked_list(text.lower(), SERVICES, "service")


def add_live_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    live = subparsers.add_parser(
        "live", help="scan a live cloud account (read-only)",
        description="Scan what is deployed in a cloud account, through its read-only APIs,"
                    " with the same rules and reports as `hds-iac scan`.")
    providers = live.add_subparsers(dest="live_provider", metavar="PROVIDER")
    aws = providers.add_parser(
        "aws", help="scan an AWS account", description="Scan an AWS account (read-only).",
        epilog=LIVE_AWS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    aws.add_argument("--profile", help="AWS profile (default: the default credential chain)")
    aws.add_argument("--role-arn", metavar="ARN", help="assume this role for the scan")
    aws.add_argument("--external-id", metavar="ID",
                     help="external id for --role-arn and the --organization-role roles")
    aws.add_argument("--organization-role", type=_role_name, metavar="NAME",
                     help="scan every active account of the organisation through its role"
                          " NAME (the caller: management or delegated administrator account)")
    aws.add_argument("--accounts", type=_account_ids, metavar="IDS",
                     help="with --organization-role: only these account ids")
    aws.add_argument("--exclude-accounts", type=_account_ids, metavar="IDS",
                     help="with --organization-role: leave these account ids out")
    aws.add_argument("--parallel-accounts", type=int, default=4, metavar="N",
                     help="with --organization-role: accounts scanned at once (default: 4;"
                          " each reads --max-workers region/service pairs at once)")
    aws.add_argument("--shard", type=_shard, metavar="I/N",
                     help="read only shard I of N (from 0) of the (account, region) units:"
                          " N workers share one scan")
    aws.add_argument("--regions", type=comma_list, metavar="LIST",
                     help="comma-separated regions (default: every region enabled in the"
                          " account)")
    aws.add_argument("--services", type=_services, metavar="LIST",
                     help="comma-separated services to read (default: all)")
    aws.add_argument("--endpoint-url", metavar="URL",
                     help="send every call to this endpoint (tests, moto_server, LocalStack)")
    aws.add_argument("--max-workers", type=int, default=8, metavar="N",
                     help="parallel region/service reads (default: 8)")
    aws.add_argument("--max-attribute-reads", type=int, default=1000, metavar="N",
                     help="above N snapshots/images in a region, read only public sharing"
                          " (one listing) instead of one permission call each (default: 1000)")
    aws.add_argument("--page-size", type=int, metavar="N",
                     help="ask for at most N items per page (default: each API's maximum)")
    aws.add_argument("--retry-mode", choices=("standard", "adaptive"), default="adaptive",
                     help="botocore retry mode (default: adaptive, which also slows down"
                          " when AWS throttles)")
    aws.add_argument("--max-attempts", type=whole_number(1, 50), default=DEFAULT_MAX_ATTEMPTS,
                     metavar="N",
                     help="requests per call, the first one included, before a throttled,"
                          " failed (5xx) or timed-out call is reported"
                          f" (default: {DEFAULT_MAX_ATTEMPTS})")
    add_timeouts(aws, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
                 "a call that times out is retried up to --max-attempts requests")
    _common(aws)
    aws.set_defaults(live_handler=cmd_live_aws)
    outscale_cli.add_parser(providers, _common, run_live)
    live.set_defaults(live_parser=live)
    return live


def cmd_live(args: argparse.Namespace) -> int:
    handler = getattr(args, "live_handler", None)
    if handler is None:
        args.live_parser.print_help(sys.stderr)
        return 2
    return handler(args)


class Progress:
    """`[done/total] region service` on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool, provider: str = "AWS"):
        self.enabled = enabled and sys.stderr.isatty()
        self.provider = provider
        self._lock = threading.Lock()
        self._width = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            text = f"hds-iac: reading {self.provider} [{done}/{total}] {label}"
            sys.stderr.write("\r" + text.ljust(self._width))
            sys.stderr.flush()
            self._width = max(self._width, len(text))

    def close(self) -> None:
        if self.enabled and self._width:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()


def _debug_logging(enabled: bool) -> None:
    # botocore's own debug logs carry request headers (signatures, session tokens): they are
    # never enabled, whatever --debug says. Only our own logger goes to DEBUG.
    for name in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if enabled:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("hds-iac debug: %(message)s"))
        logger = logging.getLogger("hds_iac.live")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


def cmd_live_aws(args: argparse.Namespace) -> int:
    from hds_iac.errors import UsageError
    from hds_iac.live.aws.runner import scan_account
    from hds_iac.live.aws.session import AwsSession, SessionError, SessionOptions

    if (args.accounts or args.exclude_accounts) and not args.organization_role:
        raise UsageError("live aws: --accounts and --exclude-accounts need"
                         " --organization-role")
    if getattr(args, "against", None) and (args.organization_role or args.shard):
        raise UsageError("live aws: --against compares one whole account with its states:"
                         " not with --organization-role or --shard")

    def scan(settings, rule_ids, progress, observe=None):
        options = SessionOptions(profile=args.profile, role_arn=args.role_arn,
                                 external_id=args.external_id, endpoint_url=args.endpoint_url,
                                 regions=args.regions, max_workers=max(1, args.max_workers),
                                 retry_mode=args.retry_mode, max_attempts=args.max_attempts,
                                 connect_timeout=args.connect_timeout,
                                 read_timeout=args.read_timeout)
        page_size = args.page_size if args.page_size and args.page_size > 0 else None
        result = _scan(options, page_size, settings, rule_ids, progress, observe)
        if args.shard is not None:
            result.shard = {"index": args.shard.index, "count": args.shard.count}
        return result

    def _scan(options, page_size, settings, rule_ids, progress, observe):
        try:
            if args.organization_role:
                from hds_iac.live.aws.organization import OrganizationOptions, scan_organization

                org = OrganizationOptions(
                    role_name=args.organization_role, external_id=args.external_id,
                    accounts=args.accounts, exclude=args.exclude_accounts,
                    parallel_accounts=max(1, args.parallel_accounts))
                return scan_organization(options, org, settings, rule_ids, args.services,
                                         max(0, args.max_attribute_reads), page_size,
                                         progress, shard=args.shard)
            result, _ = scan_account(options, settings, rule_ids, args.services,
                                     max(0, args.max_attribute_reads), page_size, progress,
                                     observe, shard=args.shard)
        except SessionError as exc:
            raise UsageError(f"live aws: {exc}") from None
        return result

    def state_client():
        """S3 client for s3:// states: the scan's own credentials, role and endpoint."""
        options = SessionOptions(profile=args.profile, role_arn=args.role_arn,
                                 external_id=args.external_id,
                                 endpoint_url=args.state_endpoint_url or args.endpoint_url)
        try:
            session = AwsSession(options)
        except SessionError as exc:
            from hds_iac.drift.states import StateReadError
            raise StateReadError(f"cannot read s3:// states: {exc}") from None
        return session.client("s3", args.state_region)

    return run_live(args, scan, s3_client=state_client)


def state_s3_client(args: argparse.Namespace) -> Callable:
    """S3 client for s3:// states of scans that are not AWS's: the AWS default credential
    chain, with --state-endpoint-url for S3-compatible stores."""
    def client():
        from hds_iac.drift.states import StateReadError
        try:
            import boto3
        except ImportError:
            raise StateReadError("s3:// states are read with boto3: pip install"
                                 " 'hds-iac[aws]'") from None
        session = boto3.session.Session()
        return session.client("s3", region_name=args.state_region or session.region_name
                              or "us-east-1", endpoint_url=args.state_endpoint_url)
    return client


def run_live(args: argparse.Namespace, scan: Callable, provider: str = "AWS",
             s3_client: Callable | None = None) -> int:
    """Settings, rule selection, reports and exit status exactly as `hds-iac scan` does."""
    _debug_logging(args.debug)
    run = prepare(args, [os.getcwd()])
    if args.max_snapshot_age_days is not None:
        run.settings.max_snapshot_age_days = args.max_snapshot_age_days
    drift = _drift(args, run, s3_client) if args.against else None
    progress = Progress(not args.no_progress, provider)
    try:
        result = scan(run.settings, run.rule_ids, progress,
                      observe=drift.observe if drift is not None else None)
    finally:
        progress.close()
    if drift is not None:
        drift.judge(result)
    return finish(args, run, result)


def _drift(args: argparse.Namespace, run, s3_client: Callable | None):
    """The states of --against, read before the scan; a bad drift_allow is a usage error."""
    from hds_iac.drift import allow, run as drift_run
    from hds_iac.errors import UsageError

    try:
        return drift_run.start(args.against, run.settings, run.rule_ids, run.cfg,
                               s3_client or state_s3_client(args))
    except allow.AllowError as exc:
        raise UsageError(str(exc)) from None
