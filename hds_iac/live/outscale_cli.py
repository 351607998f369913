"""`hds-iac live outscale`: scan an Outscale account through its API (read-only).

Reports, `--fail-on`, `--soft-fail`, baselines, rule selection and exit statuses are those
of `hds-iac scan` (through `hds_iac.live.cli.run_live`, which `live.cli` hands to
`add_parser`: this module never imports it); exit status 2 marks a partial scan, and the
report still lists what was read in each region.
"""
from __future__ import annotations

import argparse
import logging
import functools
import os
from typing import Callable

from hds_iac.command import comma_list
from hds_iac.live.options import add_timeouts
from hds_iac.option_types import whole_number
from hds_iac.live.outscale.session import CONNECT_TIMEOUT, READ_TIMEOUT

LIVE_OUTSCALE_EPILOG = """\
Credentials are found as the Outscale SDK finds them: OSC_ACCESS_KEY / OSC_SECRET_KEY (and
the other OSC_* variables), else the profile of ~/.osc/config.json (--profile, default
"default"). The identity needs only the read-only EIM policy of
docs/iam/hds-iac-outscale-eim.json. Only Read* calls are sent; no credential is ever
printed, even with --debug.

Without --region, eu-west-2 and cloudgouv-eu-west-1 (and the profile's own region) are
tried, and the regions where the credentials are refused are skipped with a notice (an
Outscale account lives in one region).

exit status:
  0  no failing finding at or above --fail-on
  1  failing findings at or above --fail-on
  2  usage error, or a partial scan: some calls failed (access denied, throttled, API
     unreachable, credentials refused in a region given with --region); each is reported
     with the EIM permission to add

Several accounts: --profiles prod,preprod scans each profile's account in turn; every
finding carries its account id and reports group by account.

examples:
  hds-iac live outscale
  hds-iac live outscale --profiles prod,preprod,backup -o json --output-file outscale.json
  hds-iac live outscale --profile hds --region cloudgouv-eu-west-1 -o json
  OSC_ACCESS_KEY=... OSC_SECRET_KEY=... hds-iac live outscale -o sarif --output-file live.sarif
"""

log = logging.getLogger("hds_iac.live.outscale")


def _regions(text: str) -> list[str]:
    from hds_iac.live.outscale.session import KNOWN_REGIONS

    names = comma_list(text)
    for name in names:
        if name not in KNOWN_REGIONS:
            raise argparse.ArgumentTypeError(
                f"unknown Outscale region {name!r} (choose from {', '.join(KNOWN_REGIONS)})")
    return names


def _shard(text: str):
    from hds_iac.live.shard import parse

    return parse(text)


def _profiles(text: str) -> list[str]:
    names = list(dict.fromkeys(comma_list(text)))
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated profile names")
    return names


def add_parser(subparsers: argparse._SubParsersAction,
               common: Callable[[argparse.ArgumentParser], None],
               run_live: Callable[..., int]) -> argparse.ArgumentParser:
    """Register `outscale` under the `live` providers. `common` adds the report options
    shared with `hds-iac scan`; `run_live` runs a live scan as `hds-iac scan` runs one
    (both `hds_iac.live.cli`'s)."""
    parser = subparsers.add_parser(
        "outscale", help="scan an Outscale account",
        description="Scan an Outscale account through its API (read-only).",
        epilog=LIVE_OUTSCALE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", help="profile of ~/.osc/config.json (default: OSC_PROFILE,"
                                          " else \"default\"; OSC_* variables win)")
    parser.add_argument("--profiles", type=_profiles, metavar="LIST",
                        help="several accounts in one run: comma-separated profiles of the"
                             " configuration file, scanned one after the other (a profile that"
                             " cannot be used is one error entry; the others are scanned)")
    parser.add_argument("--osc-config", metavar="FILE",
                        help="Outscale configuration file (default: OSC_CONFIG_FILE, else"
                             " ~/.osc/config.json)")
    parser.add_argument("--region", type=_regions, action="append", default=[], metavar="LIST",
                        help="region(s) to scan, repeatable or comma-separated (default:"
                             " eu-west-2 and cloudgouv-eu-west-1 where the credentials work)")
    parser.add_argument("--endpoint", metavar="URL",
                        help="send every API call to this endpoint, e.g."
                             " http://127.0.0.1:4010/api/v1 (tests, mocks; default:"
                             " OSC_ENDPOINT_API, else https://api.REGION.outscale.com/api/v1)")
    parser.add_argument("--max-retries", type=whole_number(0), default=3, metavar="N",
                        help="retries of a throttled (503/429) or failed (5xx) call, with"
                             " backoff (default: 3, the SDK's)")
    parser.add_argument("--max-requests-per-second", type=whole_number(1), default=5, metavar="N",
                        help="client-side rate limit (default: 5, the SDK's; Outscale throttles"
                             " above its quota)")
    parser.add_argument("--shard", type=_shard, metavar="I/N",
                        help="read only shard I of N (from 0) of the (profile, region) units:"
                             " N workers share one scan (needs --region)")
    add_timeouts(parser, CONNECT_TIMEOUT, READ_TIMEOUT,
                 "a call that times out is retried up to --max-retries times")
    common(parser)
    parser.set_defaults(live_handler=functools.partial(cmd_live_outscale, run_live=run_live))
    return parser


def cmd_live_outscale(args: argparse.Namespace, run_live: Callable[..., int]) -> int:
    from hds_iac.errors import UsageError
    from hds_iac.errors import ReadError
    from hds_iac.scan import ScanResult
    from hds_iac.live.outscale import scan as scan_outscale
    from hds_iac.live.outscale.session import SessionError, SessionOptions

    if args.profiles and args.profile:
        raise UsageError("live outscale: give --profile or --profiles, not both")
    if args.profiles and (os.environ.get("OSC_ACCESS_KEY") or os.environ.get("OSC_SECRET_KEY")):
        # The SDK lets these win over every profile: each profile would scan one account.
        raise UsageError("live outscale: --profiles takes each account's keys from its profile;"
                         " unset OSC_ACCESS_KEY and OSC_SECRET_KEY")
    if args.shard and not args.region:
        # Without --region, a region that refuses the credentials is skipped when another
        # one of the account works: a shard holding only that region could not tell.
        raise UsageError("live outscale: --shard needs --region (the units are the"
                         " (profile, region) pairs given)")
    if args.shard and getattr(args, "against", None):
        raise UsageError("live outscale: --against compares one whole account with its"
                         " states: not with --shard")
    if args.profiles and getattr(args, "against", None):
        raise UsageError("live outscale: --against compares one account with its states:"
                         " not with --profiles")

    def scan(settings, rule_ids, progress, observe=None):
        result = scan_profiles(settings, rule_ids, progress, observe)
        if args.shard is not None:
            result.shard = {"index": args.shard.index, "count": args.shard.count}
        return result

    def scan_profiles(settings, rule_ids, progress, observe):
        if not args.profiles:
            return scan_one(args.profile, settings, rule_ids, progress, False, observe)
        # Several accounts: one after the other (each client keeps to the account's own
        # rate limit); a profile that cannot be used is one error, the others go on.
        result = ScanResult()
        for profile in args.profiles:
            try:
                part = scan_one(profile, settings, rule_ids, progress, True)
            except UsageError as exc:
                result.errors.append(ReadError(
                    f"outscale profile {profile}",
                    f"profile not scanned: {str(exc).removeprefix('live outscale: ')}"))
                continue
            for entry in part.inputs:
                entry["profile"] = profile
            result.extend(part)
        return result

    def scan_one(profile, settings, rule_ids, progress, name_account, observe=None):
        options = SessionOptions(
            profile=profile, config_file=args.osc_config,
            regions=[r for group in args.region for r in group], endpoint=args.endpoint,
            max_retries=args.max_retries,
            max_requests_per_second=max(1, args.max_requests_per_second),
            connect_timeout=args.connect_timeout, read_timeout=args.read_timeout)

        def show(region: str, done: int, total: int, action: str) -> None:
            progress(done, total, f"outscale {region} {action}")

        try:
            return scan_outscale(options, settings, rule_ids, debug=log.debug, progress=show,
                                 observe=observe, name_account=name_account,
                                 shard=args.shard)
        except SessionError as exc:
            raise UsageError(f"live outscale: {exc}") from None

    return run_live(args, scan, "Outscale")
