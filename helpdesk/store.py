"""The one door to Chroma: embedded (PersistentClient, the default) or a Chroma server (CHROMA_HOST/PORT).

The index is a set of immutable build collections plus a small pointer collection whose metadata names the
active build. Ingestion fills a new build and moves the pointer only when the build is complete, so readers
never see a half-written index and a failed run leaves the previous one answering.
"""

from __future__ import annotations

import chromadb
from chromadb.config import Settings as ChromaSettings

from helpdesk.errors import HelpdeskError
from helpdesk.settings import Settings


class IndexUnavailable(HelpdeskError, RuntimeError):
    """No usable index; the message says how to build one or reach the server."""


def connect(settings: Settings):
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.server_mode:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as exc:  # chromadb raises ValueError/ConnectionError variants depending on the failure
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({exc}); "
                "start it (`chroma run --path .index-server`) or unset CHROMA_HOST to use the embedded index") from None
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


DATABASE = "chroma.sqlite3"


def identity(settings: Settings):
    """Which embedded index is on disk now: the database file's (device, inode), None when there is none. A
    deleted and rebuilt index has a new one even at the same path. A Chroma server: always "server" (a rebuild
    there is seen through the pointer, read afresh on every call)."""
    if settings.server_mode:
        return "server"
    try:
        stat = (settings.index_dir / DATABASE).stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def forget(settings: Settings) -> None:
    """Drop Chroma's shared client for the embedded index path (it is shared per path within a process), so that
    the next `connect` opens the files now on disk. Answers still reading through the old client finish."""
    if settings.server_mode:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    path = str(settings.index_dir)
    system = SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)
    if system is not None:
        try:
            system.stop()  # closes the deleted files' descriptors
        except Exception:  # already stopped, or half-closed by the deletion: nothing left to release
            pass


def pointer_name(settings: Settings) -> str:
    return f"{settings.collection}__active"


def build_prefix(settings: Settings) -> str:
    return f"{settings.collection}__build_"


def active_build(client, settings: Settings):
    """The collection readers should use, or None when nothing has been built yet."""
    try:
        pointer = client.get_collection(pointer_name(settings))
    except Exception:
        return None
    name = (pointer.metadata or {}).get("active")
    if not name:
        return None
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception:
        return None


def new_build(client, settings: Settings, build_id: str):
    return client.create_collection(f"{build_prefix(settings)}{build_id}", metadata={"hnsw:space": "cosine"},
                                    embedding_function=None)


def activate(client, settings: Settings, collection) -> None:
    """The switch-over: one metadata write on the pointer. Everything before it is invisible to readers."""
    pointer = client.get_or_create_collection(pointer_name(settings), metadata={"active": collection.name})
    pointer.modify(metadata={"active": collection.name})


def drop_stale_builds(client, settings: Settings) -> list[str]:
    """Remove every build but the active one: old generations and leftovers of interrupted runs."""
    active = active_build(client, settings)
    keep = active.name if active is not None else None
    dropped = []
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(build_prefix(settings)) and name != keep:
            client.delete_collection(name)
            dropped.append(name)
    return dropped
