"""Drift: what is deployed that the Terraform gate never saw (`live ... --against STATE`).

`states` reads the Terraform states (local files, S3 backend objects through `s3`) into the
model, `compare` matches them with a live scan's inventory and fills the `Drift` facet,
`allow` reads the allow-list of `.hds-iac.yaml`, and `run` ties them into a live scan. The
three drift rules (`hds_iac/rules/drift_*.py`) judge the result. docs/drift.md says how
each kind is matched and what cannot be.
"""
