"""The one door to Chroma: embedded (PersistentClient, the default) or a Chroma server (CHROMA_HOST/PORT).

The index is a set of immutable build collections plus a small pointer collection whose metadata names the
active build. Ingestion fills a new build and moves the pointer only when the build is complete, so readers
never see a half-written index and a failed run leaves the previous one answering.
"""

from __future__ import annotations

import base64

import chromadb
import numpy as np
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


def _pointer(client, settings: Settings) -> dict:
    try:
        return dict(client.get_collection(pointer_name(settings)).metadata or {})
    except Exception:
        return {}


def active_build(client, settings: Settings):
    """The collection readers should use, or None when nothing has been built yet."""
    name = _pointer(client, settings).get("active")
    if not name:
        return None
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception:
        return None


# What a build stores beside each chunk's own embedding (chunk metadata, so a build switches in with its vectors
# and an unchanged chunk carries them over): the answer units' vectors, and an FAQ question's vector.
# Ingestion writes them as an update after ChromaVectorStore has added the chunk, so that they are not stored a
# second time in the JSON copy of the node the store keeps (`_node_content`).
UNIT_VECTORS = "unit_vectors"
QUESTION_VECTOR = "question_vector"
VECTOR_KEYS = (UNIT_VECTORS, QUESTION_VECTOR)
# Which model runtime made a build's vectors, and which version of the answer-unit splitting: a build made
# otherwise is re-embedded by the next ingestion instead of carried over.
EMBEDDER = "embedder"
UNITS_VERSION = "units_version"
AS_OF = "as_of"  # the newest document date in the build
CHUNKS = "chunks"


def pack(vectors: np.ndarray) -> str:
    """float32 rows as one base64 string (Chroma metadata holds scalars only); exact, no rounding."""
    return base64.b64encode(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).decode("ascii")


def unpack(text: str | None, dimensions: int) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype=np.float32).reshape(-1, dimensions)


def new_build(client, settings: Settings, build_id: str, metadata: dict | None = None):
    return client.create_collection(f"{build_prefix(settings)}{build_id}",
                                    metadata={"hnsw:space": "cosine", **(metadata or {})}, embedding_function=None)


def activate(client, settings: Settings, collection) -> None:
    """The switch-over: one metadata write on the pointer. Everything before it is invisible to readers. The
    build it replaces is named too: it is kept until the next switch (see drop_stale_builds)."""
    replaced = _pointer(client, settings).get("active")
    metadata = {"active": collection.name}
    if replaced and replaced != collection.name:
        metadata["previous"] = replaced
    pointer = client.get_or_create_collection(pointer_name(settings), metadata=metadata)
    pointer.modify(metadata=metadata)


def drop_stale_builds(client, settings: Settings) -> list[str]:
    """Remove every build but the active one and the one it replaced: old generations and leftovers of
    interrupted runs. The replaced build stays one generation: a server replica (or any reader in another
    process) may have taken it a moment before the switch and still be reading it; its next request reads the
    pointer again and moves to the new build, so by the next ingest nobody reads it any more."""
    pointer = _pointer(client, settings)
    keep = {pointer.get("active"), pointer.get("previous")} - {None}
    dropped = []
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(build_prefix(settings)) and name not in keep:
            client.delete_collection(name)
            dropped.append(name)
    return dropped
