"""Whether a process the test started (or one that process started) has ended.

One helper for the tests of the native scan's stop: the test of `stop_running` itself
(the scan is reaped by this process, so the child must be truly gone) and the test of a
whole checkov run (the child is killed by checkov at its exit and reaped by whichever
process inherits it, so a zombie already counts as stopped).
"""
from __future__ import annotations

import os
import time


def _is_zombie(pid: int) -> bool:
    """True when `pid` is a zombie (killed, not yet reaped); False when it runs or when
    /proc cannot say (not Linux: only `os.kill` then tells)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def ends_within(pid: int, seconds: float, *, zombie_counts: bool = False) -> bool:
    """Whether process `pid` is gone within `seconds`, polled every 50 ms. With
    `zombie_counts`, a zombie is as good as gone (its killer's reaping is asynchronous
    and may be another process's job); without it, the process must also be reaped."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if zombie_counts and _is_zombie(pid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
