"""hds-iac: HDS (French health-data hosting) compliance checks for Terraform and live clouds."""

__version__ = "0.1.0"
