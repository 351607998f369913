"""Large, long-lived object graphs built without the cyclic collector walking them.

A scan builds tens of thousands of containers that live until its end (a plan's parsed
JSON, the findings of its rules), and none of them is in a reference cycle that only the
collector could free. While they are built, the collector's young-generation passes walk
them again and again (the objects survive each pass and move up a generation). Building
them with collection paused, then handing them to the oldest generation in one step
(`gc.freeze()` then `gc.unfreeze()`, which move every tracked object there without
walking them), costs none of those passes; anything cyclic is still collected by the
next full pass, as usual.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def built_as_old_objects() -> Iterator[None]:
    """Collection paused inside; what was built is in the oldest generation after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
