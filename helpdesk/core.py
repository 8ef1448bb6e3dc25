"""`Helpdesk`: the assistant's parts, built once from Settings and passed in, never found through module state.

It holds the index (the retriever of its active build, reloaded when `python -m ingest` switches builds), the
query embedder, the structured facts (corpus/facts.toml), the curated answers and the AI service's client.
Building one is cheap: the index, the model and the facts load on first use, or at once with `warm()`.

    helpdesk = Helpdesk.from_settings(Settings.from_env())
    helpdesk.answer("How many prompts do I get every 5 hours on Lite?")   # -> Answer
    for event in helpdesk.answer_stream(question, history): ...           # sources, tokens, the final Answer

The HTTP API builds one per app (helpdesk/server.py: `create_app`, its lifespan warms it, routes get it with
`Depends(get_helpdesk)`), the chat app one per process (`st.cache_resource` in app.py), the CLI, the evaluation
and the benchmarks one per run; a test builds its own from a test Settings, or passes one to `create_app`.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Iterator, Sequence

from helpdesk.curated import CuratedAnswers
from helpdesk.embedding import Embedder
from helpdesk.retrieval import Index, Retriever
from helpdesk.rules.facts import Facts, load_facts
from helpdesk.schema import Answer, StreamEvent
from helpdesk.settings import Settings

if TYPE_CHECKING:
    from helpdesk.llm import ModelClient


class Helpdesk:
    """The assistant: its parts, and `answer` / `answer_stream`, the one way any surface answers a question."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, index: Index | None = None,
                 facts: Facts | None = None, model: ModelClient | None = None):
        """The parts default to ones built from `settings`; pass a part to share it (see `using`) or replace it."""
        self.settings = settings
        self.embedder = embedder or Embedder.from_settings(settings)
        self.index = index or Index(settings, self.embedder)
        self.curated = CuratedAnswers(settings, self.embedder)
        self._facts, self._model = facts, model
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Helpdesk":
        return cls(settings or Settings.from_env())

    def using(self, settings: Settings) -> "Helpdesk":
        """A Helpdesk for `settings` (a test's or an evaluation's variant) that shares this one's loaded parts
        wherever the settings agree on where they come from: the same index and model are not loaded twice."""
        same_model = (settings.embedding_runtime, settings.model_cache_dir) == (self.settings.embedding_runtime,
                                                                               self.settings.model_cache_dir)
        embedder = self.embedder if same_model else None
        index = Index(settings, embedder or Embedder.from_settings(settings))
        if same_model and index.where == self.index.where:
            index = self.index
        facts = self._facts if settings.facts_path == self.settings.facts_path else None
        return Helpdesk(settings, embedder=index.embedder, index=index, facts=facts)

    @property
    def facts(self) -> Facts:
        """corpus/facts.toml, read on first use (a broken file raises FactsError, and is read again next time)."""
        with self._lock:
            if self._facts is None:
                self._facts = load_facts(self.settings.facts_path)
            return self._facts

    @property
    def model(self) -> ModelClient:
        """The AI service's client and call slots, made on first use: an offline Helpdesk never imports openai."""
        with self._lock:
            if self._model is None:
                from helpdesk.llm import ModelClient

                self._model = ModelClient(self.settings)
            return self._model

    def retriever(self) -> Retriever:
        """The retriever of the index's active build (loaded on first use; reloaded after an ingest switched builds),
        with this Helpdesk's fusion settings."""
        return self._tuned(self.index.retriever())

    def retriever_if_loaded(self) -> Retriever | None:
        """The retriever if the index is loaded already, else None, without waiting: for what only enriches an answer
        that does not need the index (a rules answer is given while the index loads)."""
        loaded = self.index.loaded
        return self._tuned(loaded) if loaded is not None else None

    def _tuned(self, loaded: Retriever) -> Retriever:
        wanted = (self.settings.retrieval_candidates, self.settings.rrf_k)
        if (loaded.candidates, loaded.rrf_k) != wanted:
            return replace(loaded, candidates=wanted[0], rrf_k=wanted[1])  # shares the loaded index
        return loaded

    def warm(self) -> Retriever:
        """Load the index and the query embedder now rather than on the first question."""
        retriever = self.retriever()
        self.embedder.encoder  # noqa: B018 (loads it)
        return retriever

    def answer_stream(self, question: str, history: Sequence[dict] = ()) -> Iterator[StreamEvent]:
        """Every answer, as events: sources first, then text as it is written, then the final Answer (always last).
        See helpdesk.answer.answer_stream for the order of the layers."""
        from helpdesk.answer import answer_stream

        return answer_stream(self, question, history)

    def answer(self, question: str, history: Sequence[dict] = ()) -> Answer:
        """The final Answer of `answer_stream`: what the CLI, the evaluation and the JSON API return."""
        final = None
        for event in self.answer_stream(question, history):
            if event.kind == "answer":
                final = event.answer
        return final
