"""Provider names as messages show them ("AWS", "Outscale"), from the model's provider ids."""
from __future__ import annotations

_NAMES = {"aws": "AWS", "outscale": "Outscale"}


def provider_name(provider: str) -> str:
    return _NAMES.get(provider, provider)
