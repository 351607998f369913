"""hds-iac's checks for checkov: `checkov -d DIR --external-checks-dir <this folder>`.

The folder needs this `__init__.py` (checkov skips folders without one); the checks live in
`hds_iac_checkov_checks.py` (a prefixed stem: checkov imports external checks by bare file
name). See docs/checkov.md.
"""
