"""What every command of the command line prints to the user, and the exit statuses it
returns: the lowest piece of the command line, which every command module imports and
which imports none of them."""
from __future__ import annotations

import sys

from hds_iac.escaping import for_terminal

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def say(text: str) -> None:
    """One diagnostic line on standard error; paths and messages come from inputs, so the
    line is made safe for the terminal (`escaping.for_terminal`)."""
    print(for_terminal(text), file=sys.stderr)
