"""The project's one exception root, and the way every command reports it.

Every error this project raises on purpose derives from `HelpdeskError` (a bad setting, a missing index or model,
a broken document, a refused AI call...). Its message is written for the person at the terminal: what went wrong
and what to do next, never a secret. So a command needs one `except HelpdeskError` to end in one clear line and a
non-zero exit status instead of a traceback; anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from typing import TextIO


class HelpdeskError(Exception):
    """A failure the user can act on; `str(error)` says what went wrong and what to do next."""


def report_error(error: HelpdeskError, command: str, stream: TextIO | None = None) -> None:
    """Print the one line a command ends with: `<command>: error: <what went wrong and what to do>`."""
    text = " ".join(str(error).split()) or type(error).__name__  # one line, whatever the message held
    print(f"{command}: error: {text}", file=stream or sys.stderr, flush=True)
