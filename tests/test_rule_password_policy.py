"""HDS-MFA-005, the AWS account password policy: the rule on hand-built model objects (its
boundaries), the shared AWS mapping both sources call, the `min_password_length` setting
through the real CLI, and the policy's numbers kept out of the secret-name masking."""
from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, run_cli
from hds_iac.adapters import aws_iam
from hds_iac.model import Identity, Origin, PasswordPolicy, Resource, Unknown
from hds_iac.sensitive import SECRET_NAME
from hds_iac.settings import Settings
from rule_helpers import run, text

RULE = "HDS-MFA-005"


def account(policy, address: str = "aws_iam_account_password_policy.p") -> Resource:
    detail = aws_iam.describe_password_policy(policy) if isinstance(policy, PasswordPolicy) \
        else ""
    return Resource(address=address, type="aws_iam_account_password_policy", provider="aws",
                    kind="account-policy", region=None, origin=Origin("hcl", "main.tf", 1),
                    identity=Identity(password_policy=policy, detail=detail))


def verdict(policy, settings: Settings | None = None):
    [got] = run(RULE, account(policy), settings=settings)
    return got


@pytest.mark.parametrize("length, reuse, status, key", [
    (12, 1, "pass", "pass"),               # the default minimum, exactly
    (11, 1, "fail", "fail_short"),
    (12, 0, "fail", "fail_reuse"),
    (6, 0, "fail", "fail_short_reuse"),
    (128, 24, "pass", "pass"),
    (Unknown("var.len has no value"), 24, "unknown", "unknown"),
    (14, Unknown("var.reuse has no value"), "unknown", "unknown"),
    # What is read already fails: the unresolved part cannot make it pass.
    (Unknown("var.len has no value"), 0, "fail", "fail_reuse"),
    (8, Unknown("var.reuse has no value"), "fail", "fail_short"),
])
def test_length_and_reuse_boundaries(length, reuse, status, key):
    got = verdict(PasswordPolicy(min_length=length, reuse_prevention=reuse))
    assert (got.status, got.message) == (status, key)


def test_expiry_and_classes_are_shown_not_judged():
    policy = PasswordPolicy(min_length=12, reuse_prevention=5, max_age_days=1095,
                            required_classes=("symbols",))
    got = verdict(policy)
    assert got.status == "pass"
    shown = text(RULE, got)
    assert "expiry after 1095 days" in shown and "required classes: symbols" in shown
    assert verdict(PasswordPolicy(min_length=12, reuse_prevention=5, max_age_days=0)).status \
        == "pass"


def test_no_policy_fails_and_an_unread_policy_is_unknown():
    policy, _ = aws_iam.no_password_policy()
    got = verdict(policy)
    assert (got.status, got.message) == ("fail", "fail_none")
    assert "no password policy" in text(RULE, got) and "politique" in text(RULE, got, "fr")
    denied = verdict(Unknown("iam:GetAccountPasswordPolicy failed in global: access denied"))
    assert denied.status == "unknown"
    assert "iam:GetAccountPasswordPolicy" in text(RULE, denied)


def test_the_setting_moves_the_threshold():
    policy = PasswordPolicy(min_length=14, reuse_prevention=24)
    assert verdict(policy).status == "pass"
    strict = verdict(policy, Settings(min_password_length=16))
    assert strict.status == "fail" and "16" in text(RULE, strict)


def test_account_policies_without_passwords_are_not_judged():
    outscale = Resource(address="outscale_api_access_policy.a", type="outscale_api_access_policy",
                        provider="outscale", kind="account-policy", region=None,
                        origin=Origin("hcl", "main.tf", 1),
                        identity=Identity(mfa_enforced=True, key_max_age_days=90))
    assert run(RULE, outscale) == []
    # and HDS-MFA-004 (the Outscale MFA switch) does not judge a password policy
    assert run("HDS-MFA-004", account(PasswordPolicy(min_length=14, reuse_prevention=1))) == []


def test_the_shared_mapping_applies_iams_defaults():
    policy, detail = aws_iam.password_policy(None, None, None, {"symbols": True,
                                                                "numbers": Unknown("x")})
    assert policy == PasswordPolicy(exists=True, min_length=6, reuse_prevention=0,
                                    max_age_days=0, required_classes=("symbols",))
    assert detail == "minimum length 6, reuse allowed, no expiry, required classes: symbols"


def test_policy_settings_are_not_secret_names_but_passwords_still_are():
    for name in ("minimum_password_length", "max_password_age", "password_reuse_prevention"):
        assert not SECRET_NAME.search(name), name
    for name in ("password", "master_password", "password_length_hint_x", "db_password_age2"):
        assert SECRET_NAME.search(name), name


def test_min_password_length_in_the_config_file(tmp_path):
    case = tmp_path / "root"
    shutil.copytree(FIXTURES / "rules" / RULE / "aws-pass", case)
    args = ("scan", str(case), "-o", "json", "--check", RULE)
    assert [f["status"] for f in run_cli(*args).json()["findings"]] == ["pass"]  # 14 >= 12
    (case / ".hds-iac.yaml").write_text("min_password_length: 16\n")
    strict = run_cli(*args)
    assert strict.code == 1, strict.stderr
    [finding] = strict.json()["findings"]
    assert finding["status"] == "fail" and "shorter than 16" in finding["message"]
    (case / ".hds-iac.yaml").write_text("min_password_length: 0\n")
    bad = run_cli(*args)
    assert bad.code == 2 and "min_password_length" in bad.stderr
