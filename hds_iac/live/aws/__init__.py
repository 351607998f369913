"""`hds-iac live aws`: scan an AWS account through its read-only APIs.

- `session`: credentials (default chain, profile, assumed role), regions, retries.
- `collect`: every Describe/List/Get call, paginated, per region in a bounded pool; a call
  that fails becomes one error entry (the call, the IAM permission to add) and the scan
  goes on.
- `adapt`: API answers onto model resources (provider "aws", address = ARN or id).
- `runner`: collect, adapt, judge: one `ScanResult` like `hds-iac scan` gives.

boto3 is an optional dependency (`pip install 'hds-iac[aws]'`): importing this package
does not import it.
"""
