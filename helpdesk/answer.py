"""The one entry point every surface calls: `answer(question, history, settings) -> Answer`."""

from __future__ import annotations

import logging
import re
from typing import Iterator, Sequence

from helpdesk.extractive import compose
from helpdesk.retrieval import Retriever, get_retriever, terms
from helpdesk.rules import answer_rules
from helpdesk.rules.facts import FactsError
from helpdesk.schema import Answer, Passage, Source, StreamEvent
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
HUMAN_PLEASE = re.compile(r"\b(talk|speak|chat) (to|with) (a |an )?(human|person|agent|someone|representative|support)\b|"
                          r"\b(human|real person|live agent|customer service)( please)?\s*[?!.]*$|人工客服|转人工")
FOLLOW_UP_WORDS = 4  # a question this short ("and on Pro?") leans on the previous one


def _retrieval_query(question: str, history: Sequence[dict]) -> str:
    """Offline follow-ups: a very short question is read together with the user's previous question."""
    previous = [turn["content"] for turn in history if turn.get("role") == "user" and turn.get("content")]
    if previous and len(terms(question)) <= FOLLOW_UP_WORDS:
        return f"{previous[-1]} {question}"
    return question


def _source(passage: Passage, snippet: str = "") -> Source:
    c = passage.chunk
    return Source(doc=c.doc_id, title=c.title, url=c.source, as_of=c.as_of, snippet=snippet or c.text[:200])


def abstain(settings: Settings, off_topic: bool, confidence: float = 0.0) -> Answer:
    if off_topic:
        text = ("I can only help with the Z.ai GLM Coding Plan (plans, quotas, billing, referrals, the API and the "
                f"supported coding tools); for anything else, please contact Z.ai support at {settings.support_url}.")
    else:
        text = ("I couldn't find this in the GLM Coding Plan documentation, so I won't guess; please ask Z.ai "
                f"support at {settings.support_url}.")
    return Answer(text=text, route="abstain", confidence=round(max(confidence, 0.0), 3), offer_human=True)


def answer_offline(question: str, history: Sequence[dict], settings: Settings,
                   retriever: Retriever | None = None) -> Answer:
    retriever = retriever or get_retriever(settings)
    query = _retrieval_query(question, history)
    passages = retriever.search(query, k=settings.top_k)
    evidence = retriever.evidence(query, passages)
    confidence = evidence.confidence(settings.abstain_vocabulary_weight, settings.abstain_support_weight)
    if not passages or confidence < settings.abstain_threshold:
        return abstain(settings, off_topic=evidence.vocabulary < 0.9 or evidence.closeness < 0.3, confidence=confidence)
    text, used = compose(query, passages, settings.max_answer_chars)
    if not text:
        return abstain(settings, off_topic=False, confidence=confidence)
    sources = tuple(_source(passages[i]) for i in used)
    return Answer(text=text, route="retrieval", sources=sources, confidence=round(min(max(confidence, 0.0), 1.0), 3))


def answer(question: str, history: Sequence[dict] = (), settings: Settings | None = None) -> Answer:
    settings = settings or Settings.from_env()
    question = (question or "").strip()
    if not question:
        return Answer(text="Please type a question about the GLM Coding Plan.", route="abstain", offer_human=False)
    if HUMAN_PLEASE.search(question.lower()):
        return Answer(text=f"Of course: you can reach Z.ai support at {settings.support_url}. I can also try to "
                           "answer here if you tell me what you need.", route="abstain", offer_human=True)
    try:
        ruled = answer_rules(question, history, settings)
    except FactsError as exc:  # a broken facts file must not take the docs answers down with it
        log.error("rules layer skipped: %s", exc)
        ruled = None
    if ruled is not None:
        return ruled
    return answer_offline(question, history, settings)


def answer_stream(question: str, history: Sequence[dict] = (), settings: Settings | None = None
                  ) -> Iterator[StreamEvent]:
    """The same answer as `answer()`, as events: sources first, then text, then the final Answer (always last)."""
    result = answer(question, history, settings)
    yield StreamEvent("sources", sources=result.sources)
    yield StreamEvent("token", text=result.text)
    yield StreamEvent("answer", answer=result)
