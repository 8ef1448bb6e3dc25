"""One ingestion at a time per index: two at once would drop each other's half-written builds.

Embedded index: an exclusive lock on a file next to the index folder (`.index.ingest.lock` beside `.index`),
released by the kernel when the process ends, however it ends. Chroma server: a marker collection holding who
took it and when; a marker older than STALE_AFTER is taken to be left by a killed run.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from helpdesk import store
from helpdesk.errors import HelpdeskError
from helpdesk.settings import Settings

STALE_AFTER = 3600.0  # seconds; an ingest of this corpus takes well under a minute


class IngestBusy(HelpdeskError, RuntimeError):
    """Another ingestion holds the lock; the message says which and what to do."""


def lock_path(settings: Settings) -> Path:
    index = Path(settings.index_dir)
    return index.parent / f"{index.name}.ingest.lock"


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        return f"pid {info['pid']} on {info['host']}, started {time.strftime('%H:%M:%S', time.localtime(info['started']))}"
    except (ValueError, KeyError, TypeError):
        return "another process"


def _busy(where: str, holder: str) -> IngestBusy:
    return IngestBusy(f"another `python -m ingest` is already building the index {where} ({holder}); wait for it "
                      "to finish, then run this again if the corpus changed since it started")


def _me() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}


@contextmanager
def _file_lock(settings: Settings) -> Iterator[None]:
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise _busy(f"in {settings.index_dir}", _holder(handle.read())) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(_me()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _server_lock(settings: Settings) -> Iterator[None]:
    client = store.connect(settings)
    name = f"{settings.collection}__ingest_lock"
    where = f"on the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
    for _ in range(2):
        try:
            client.create_collection(name, metadata={"holder": json.dumps(_me())}, embedding_function=None)
            break
        except Exception:
            try:
                marker = client.get_collection(name, embedding_function=None)
            except Exception:
                raise  # creating failed for another reason than an existing marker
            holder = (marker.metadata or {}).get("holder", "")
            try:
                started = float(json.loads(holder)["started"])
            except (ValueError, KeyError, TypeError):
                started = 0.0
            if time.time() - started < STALE_AFTER:
                raise _busy(where, _holder(holder)) from None
            client.delete_collection(name)  # left by a run that was killed: take it over
    else:
        raise _busy(where, "another process")
    try:
        yield
    finally:
        try:
            client.delete_collection(name)
        except Exception:  # the server went away: the marker goes stale and the next run takes it over
            pass


def ingest_lock(settings: Settings):
    """Held for a whole ingestion; raises IngestBusy at once when another one holds it."""
    return _server_lock(settings) if settings.server_mode else _file_lock(settings)
