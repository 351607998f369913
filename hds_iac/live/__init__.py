"""Live scans: read what is really deployed in a cloud account and judge it with the same rules.

One package per provider (`hds_iac.live.aws`, ...). Each turns API answers into the
provider-neutral model (`hds_iac.model`) exactly as the Terraform adapters do from
Terraform attributes, so every rule serves code, plans, states and live accounts alike.
Live scans only read: Describe/List/Get calls (see docs/live-aws.md for the one exception,
IAM GenerateCredentialReport, and why).
"""
