"""Package discovery, which pyproject.toml alone cannot express with our layout.

Every package under `hds_iac/` is found automatically, so a new subpackage cannot silently
drop out of the wheel (an editable install would still work and hide it). The two top-level
folders the design card asks for, `providers/` and `checks/`, are mapped into the package by
`package-dir` in pyproject.toml; `tests/test_packaging.py` builds and installs the wheel.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["hds_iac", "hds_iac.*"])
      + ["hds_iac.providers", "hds_iac.checkov_checks"])
