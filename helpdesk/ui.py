"""What the chat UI shows, kept out of app.py so it can be tested without a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpdesk import store
from helpdesk.settings import Settings

ROUTE_LABELS = {
    "rules": "Exact figure from the docs",
    "retrieval": "Answer from the docs",
    "llm": "AI-written answer from the docs",
    "abstain": "Not in the docs",
}
CURATED_LABEL = "Answer written by the support team"
DIAGNOSIS_LABEL = "Diagnosis from the docs"


def label(result) -> str:
    """How an answer was reached, for the caption under it; a curated answer or a troubleshooting diagnosis says
    so rather than "exact figure"."""
    if "curated" in result.notes:
        return CURATED_LABEL
    return DIAGNOSIS_LABEL if "troubleshooting" in result.notes else ROUTE_LABELS[result.route]


STARTERS = (
    "How many prompts do I get every 5 hours on the Lite plan?",
    "What does upgrading from Lite to Pro cost 10 days into my month?",
    "How many web searches per month does the Pro plan include?",
    "Which base URL do I use for Claude Code?",
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def escape_markdown(text: str) -> str:
    """Show text exactly as typed: no Markdown, no HTML, no LaTeX ($...$) from a question or a document."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")


@dataclass(frozen=True)
class Checked:
    question: str | None
    problem: str | None = None


def check_question(raw: str | None, settings: Settings) -> Checked:
    """Empty input does nothing; an over-long one is refused with a message saying the limit."""
    question = (raw or "").strip()
    if not question:
        return Checked(None)
    if re.search("[\ud800-\udfff]", question):  # valid JSON ("\ud800") but not text: it cannot be encoded
        return Checked(None, "That message contains characters that are not valid text; please retype it.")
    if len(question) > settings.max_question_chars:
        return Checked(None, f"That message is {len(question):,} characters; please keep questions under "
                             f"{settings.max_question_chars:,} characters.")
    return Checked(question)


@dataclass(frozen=True)
class IndexStatus:
    ready: bool
    detail: str
    chunks: int = 0
    as_of: str | None = None


def index_status(settings: Settings) -> IndexStatus:
    try:
        collection = store.active_build(store.connect(settings), settings)
    except store.IndexUnavailable as exc:
        return IndexStatus(False, str(exc))
    if collection is None:
        return IndexStatus(False, "no index yet")
    made = collection.metadata or {}
    if store.AS_OF in made:  # recorded by ingestion: no need to read every chunk (and its stored vectors)
        return IndexStatus(True, f"{made[store.CHUNKS]} passages indexed", chunks=made[store.CHUNKS],
                           as_of=made[store.AS_OF])
    metadatas = collection.get(include=["metadatas"])["metadatas"]
    newest = max((m["as_of"] for m in metadatas), default=None)
    return IndexStatus(True, f"{len(metadatas)} passages indexed", chunks=len(metadatas), as_of=newest)


def mode_label(settings: Settings) -> str:
    return f"GLM ({settings.llm_model})" if settings.llm_enabled else "Offline (answers quoted from the docs)"
