"""The typed results every surface shares."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Literal

Route = Literal["rules", "retrieval", "llm", "abstain"]
EventKind = Literal["sources", "token", "answer", "error"]


@dataclass(frozen=True)
class Chunk:
    """A piece of one document, as stored in the index."""

    id: str
    doc_id: str
    title: str
    source: str
    as_of: str
    section: str
    position: int
    text: str
    question: str = ""  # for FAQ pairs: the question alone, indexed so a paraphrase finds the answer
    superseded_by: str = ""  # comma-separated ids of newer chunks that contradict this one's figures

    def metadata(self) -> dict:
        data = asdict(self)
        del data["id"], data["text"]
        return data

    @classmethod
    def from_stored(cls, id: str, text: str, metadata: dict) -> Chunk:
        """The chunk from a build's record. Keys that are not chunk fields are skipped: what llama-index's
        ChromaVectorStore adds (`_node_content`, `_node_type`, `document_id`, `ref_doc_id`), the vectors."""
        return cls(id=id, text=text, **{key: metadata[key] for key in _STORED if key in metadata})


_STORED = tuple(name for name in Chunk.__dataclass_fields__ if name not in ("id", "text"))


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine similarity of the query to the chunk, used to decide abstention
    # Embedded at ingestion (ingest/indexer.py), so answering embeds the question only: one row per answer unit of
    # the chunk's text, in order, and for an FAQ pair the question alone. None for a passage built by hand.
    unit_vectors: object = field(default=None, compare=False, repr=False)
    question_vector: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Source:
    doc: str
    title: str
    url: str
    as_of: str
    snippet: str = ""


@dataclass(frozen=True)
class Answer:
    text: str
    route: Route
    sources: tuple[Source, ...] = ()
    confidence: float = 0.0
    offer_human: bool = False
    notes: tuple[str, ...] = field(default=())
    # How the answer was reached: the query retrieval used, passage ids, the rules intent, the message analysis,
    # timings. The evaluation reads it instead of re-running any step.
    trace: dict = field(default_factory=dict, compare=False)
    # Issued with every answer, so feedback and the conversation log can refer to the answer actually given.
    id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    @property
    def as_of(self) -> str | None:
        return max((s.as_of for s in self.sources), default=None)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sources"] = [asdict(s) for s in self.sources]
        data["as_of"] = self.as_of
        return data


@dataclass(frozen=True)
class StreamEvent:
    """One step of a streamed answer: the sources first, then tokens, then the final Answer (always last).

    An "error" event carries a message a user can read (never a key or a stack trace); the final "answer"
    event still follows it, with the offline answer.
    """

    kind: EventKind
    text: str = ""
    sources: tuple[Source, ...] = ()
    answer: Answer | None = None
