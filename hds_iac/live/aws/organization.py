"""Organisation-wide live scans: every active account of an AWS Organization, through one role.

The scanning identity runs in the management account or a delegated administrator account:
it lists the accounts (`organizations:ListAccounts`, every page), keeps the active ones
(then `--accounts` / `--exclude-accounts`), assumes the same role in each (with
`--external-id` when given) and scans the accounts in parallel, a bounded number at a time.
An account whose role cannot be assumed is one error entry naming the account and the trust
it lacks; the other accounts are still scanned, and the exit status says the scan is
partial. Every finding carries its account id.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from hds_iac.live.aws.runner import scan_account
from hds_iac.live.aws.session import AssumeRoleError, AwsSession, SessionError, SessionOptions
from hds_iac.live.shard import Shard
from hds_iac.scan import ScanResult
from hds_iac.settings import Settings
from hds_iac.errors import ReadError

log = logging.getLogger("hds_iac.live.aws")

DEFAULT_PARALLEL_ACCOUNTS = 4
# The only account state that can be scanned; the others (SUSPENDED, PENDING_CLOSURE,
# CLOSED) refuse every call.
ACTIVE = "ACTIVE"


@dataclass
class OrganizationOptions:
    role_name: str  # the role's name (or path/name) in every member account
    external_id: str | None = None
    accounts: list[str] | None = None  # only these (None: every active account)
    exclude: list[str] | None = None
    parallel_accounts: int = DEFAULT_PARALLEL_ACCOUNTS


@dataclass
class Account:
    id: str
    name: str
    state: str


def list_accounts(session: AwsSession, page_size: int | None = None) -> list[Account]:
    """Every account of the organisation, every page (`page_size`: at most that many per
    page; AWS's maximum is 20). Raises `SessionError` when the caller cannot list them (not
    the management or a delegated administrator account)."""
    import botocore.exceptions as bexc

    client = session.client("organizations", session.home_region)
    found: list[Account] = []
    try:
        config = {"PageSize": min(page_size, 20)} if page_size else {}
        for page in client.get_paginator("list_accounts").paginate(PaginationConfig=config):
            for item in page.get("Accounts", []):
                # `State` replaces the deprecated `Status` (2025); older answers have only
                # `Status`.
                state = str(item.get("State") or item.get("Status") or "")
                found.append(Account(str(item.get("Id", "")), str(item.get("Name", "")), state))
    except bexc.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        hint = {
            "AWSOrganizationsNotInUseException": "the scanning account is not in an"
                                                 " organisation",
            "AccessDeniedException": "run from the management account or a delegated"
                                     " administrator account, with organizations:ListAccounts"
                                     " (docs/iam/hds-iac-organization-list.json)",
        }.get(code, "the scanning identity needs organizations:ListAccounts")
        raise SessionError(f"cannot list the organisation's accounts ({code}): {hint}") from None
    except (bexc.BotoCoreError, OSError) as exc:
        raise SessionError(f"cannot list the organisation's accounts:"
                           f" {type(exc).__name__}") from None
    return found


def select(accounts: list[Account], options: OrganizationOptions
           ) -> tuple[list[Account], list[Account], list[str]]:
    """(active accounts to scan, selected accounts left out because they are not active,
    ids given with --accounts that are not in the organisation), each sorted by id so that
    runs compare."""
    by_id = {a.id: a for a in accounts}
    wanted = set(options.accounts) if options.accounts else set(by_id)
    excluded = set(options.exclude or ())
    chosen = [a for a in accounts if a.id in wanted and a.id not in excluded]
    scan = sorted((a for a in chosen if a.state == ACTIVE), key=lambda a: a.id)
    inactive = sorted((a for a in chosen if a.state != ACTIVE), key=lambda a: a.id)
    missing = sorted(i for i in wanted - set(by_id) if i not in excluded)
    return scan, inactive, missing


def scan_organization(
    options: SessionOptions,
    org: OrganizationOptions,
    settings: Settings,
    rule_ids: Iterable[str] | None = None,
    services: Iterable[str] | None = None,
    max_attribute_reads: int = 1000,
    page_size: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    shard: Shard | None = None,
) -> ScanResult:
    """Scan every selected active account; one `ScanResult` in account order. Raises
    `SessionError` only when the organisation cannot be listed at all."""
    parent = AwsSession(options)
    caller = parent.identity()
    accounts, inactive, missing = select(list_accounts(parent, page_size), org)
    selected = list(rule_ids) if rule_ids is not None else None
    wanted = list(services) if services else None
    results: dict[str, ScanResult] = {}
    done = 0
    lock = threading.Lock()

    def one(account: Account) -> None:
        nonlocal done
        result = ScanResult()
        try:
            member = parent.member(account.id, org.role_name, org.external_id)
            result, _ = scan_account(options, settings, selected, wanted, max_attribute_reads,
                                     page_size, None, session=member, shard=shard,
                                     name_account=True)
        except AssumeRoleError as exc:
            result.errors.append(ReadError(f"aws account {account.id}", str(exc)))
        except SessionError as exc:  # credentials refused after the role was assumed...
            result.errors.append(ReadError(f"aws account {account.id}",
                                           f"account not scanned: {exc}"))
        with lock:
            results[account.id] = result
            done += 1
            if progress:
                progress(done, len(accounts), f"account {account.id}")

    log.debug("organisation: %d active account(s) selected", len(accounts))
    if progress:
        progress(0, len(accounts), "starting")
    with ThreadPoolExecutor(max_workers=max(1, org.parallel_accounts),
                            thread_name_prefix="hds-iac-account") as pool:
        list(pool.map(one, accounts))
    out = ScanResult()
    for account in accounts:
        out.extend(results[account.id])
    for account_id in missing:
        out.errors.append(ReadError(f"aws account {account_id}", (
            "not scanned: not an account of the organisation (--accounts)")))
    scanned = sum(1 for r in results.values() if r.inputs)
    out.notices.insert(0, ReadError(f"aws organization (caller {caller['account']})", (
        f"{len(accounts)} active account(s) selected, {scanned} scanned"
        + (f" (those with units in shard {shard})" if shard is not None else "")
        + f" through role {org.role_name}"
        + (f"; not active, left out: {', '.join(f'{a.id} ({a.state})' for a in inactive)}"
           if inactive else ""))))
    out.inputs.insert(0, _organization_input(caller, org, accounts, inactive, results, shard))
    return out


def _organization_input(caller: dict[str, str], org: OrganizationOptions,
                        accounts: list[Account], inactive: list[Account],
                        results: dict[str, ScanResult], shard: Shard | None) -> dict[str, Any]:
    """What the organisation scan covered, for the JSON report's `inputs`."""
    return {
        "path": f"aws organization (caller {caller['account']})", "kind": "aws-organization",
        "resources": 0, "caller_account": caller["account"], "role": org.role_name,
        "accounts": [a.id for a in accounts],
        "not_assumed": sorted(a for a, r in results.items()
                              if not r.inputs and r.errors),
        "not_active": [{"account": a.id, "state": a.state} for a in inactive],
        **({"shard": str(shard)} if shard is not None else {}),
    }
