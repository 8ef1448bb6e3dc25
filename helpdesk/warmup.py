"""Load the index and the query embedder in the background from the start, not on the first question.

The chat app starts it when the page first shows and answers rules questions meanwhile; the CLI starts it
before reading a question. (The HTTP API warms up in its lifespan: helpdesk/server.py.)
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from helpdesk.core import Helpdesk

log = logging.getLogger(__name__)
MESSAGE = "Loading the documentation index and the embedding model..."


class Loading:
    def __init__(self, helpdesk: Helpdesk):
        self.problem: Exception | None = None
        self.seconds: float | None = None
        self._done = threading.Event()
        threading.Thread(target=self._load, args=(helpdesk,), name="helpdesk-load", daemon=True).start()

    def _load(self, helpdesk: Helpdesk) -> None:
        started = time.perf_counter()
        try:
            helpdesk.warm()
        except Exception as exc:  # the answer that needs the index reports it, with its own clear message
            log.warning("loading the index failed: %s", exc)
            self.problem = exc
        finally:
            self.seconds = time.perf_counter() - started
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None, say: Callable[[str], None] | None = None) -> bool:
        """Block until loaded (or `timeout`); `say` is told once that we are waiting, if we are."""
        if not self._done.is_set() and say is not None:
            say(MESSAGE)
        return self._done.wait(timeout)
