"""Provider names as messages show them ("AWS", "Outscale"), from the model's provider ids."""
from __future__ import annotations

from hds_iac.provider_registry import label as provider_name  # noqa: F401 - the rules' name
