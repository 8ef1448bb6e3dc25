"""Curated answers: written and approved by the support team, served word for word when a question matches.

An agent writes the answer to a recurring question on the insights page, names the corpus document it rests
on, and approves it. `curated_answer(question, history, settings, embedder)` (a Helpdesk's `curated.answer`) runs
before the rules layer: when a new question is close enough to one of an approved answer's questions (embedding
cosine at or above HELPDESK_CURATED_THRESHOLD) and names the same plan, tool, period and numbers, the approved text
is returned as it was written, cited from the document's front matter, never rewritten by a model.

Curated answers are part of the facts check: an answer stating a figure (a number, price or percentage) that
its document no longer states is flagged by `stale_figures` and not served until an agent fixes it.

The threshold was measured on tests/data/curated_paraphrases.jsonl (paraphrases of a curated question and
near misses that need another answer); `python -m helpdesk.curated` prints the figures again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import frontmatter
import numpy as np

from helpdesk.embedding import Embedder
from helpdesk.errors import HelpdeskError
from helpdesk.schema import Answer, Source
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
STATUSES = ("draft", "approved", "retired")
SCHEMA = """
CREATE TABLE IF NOT EXISTS curated (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    questions TEXT NOT NULL,
    answer TEXT NOT NULL,
    doc TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'retired')),
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""
MAX_ANSWER = 2000
# What makes two close questions different questions: a plan, a tool, a billing period, a number. A question
# naming any of these gets a curated answer only if the curated question names the same ones.
PLAN_TOOL_PERIOD = re.compile(
    r"\b(lite|pro|max|monthly|quarterly|annual|annually|yearly|claude|cline|crush|cursor|eigent|droid|goose|kilo|"
    r"opencode|roo|trae|windsurf|anthropic|openai)\b", re.IGNORECASE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# "monthly to quarterly" and "quarterly to monthly" name the same words and embed alike (cosine 0.94)
DIRECTION = re.compile(r"\b(lite|pro|max|monthly|quarterly|annual|yearly)\b(?:\s+(?:plan|billing|subscription))?\s+"
                       r"(?:to|into|->)\s+(?:the\s+|a\s+|an\s+)?(lite|pro|max|monthly|quarterly|annual|yearly)\b",
                       re.IGNORECASE)
FIGURE = re.compile(r"(?<![\w.])(\$?)(\d[\d,]*(?:\.\d+)?)(\s?%|\s?percent\b)?", re.IGNORECASE)


class CuratedError(HelpdeskError, ValueError):
    """A curated answer cannot be saved as written; the message says what to change."""


@dataclass(frozen=True)
class Curated:
    id: int
    questions: tuple[str, ...]
    answer: str
    doc: str
    status: str
    author: str = ""
    created_at: str = ""
    updated_at: str = ""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _row(row: sqlite3.Row) -> Curated:
    return Curated(id=row["id"], questions=tuple(json.loads(row["questions"])), answer=row["answer"], doc=row["doc"],
                   status=row["status"], author=row["author"], created_at=row["created_at"],
                   updated_at=row["updated_at"])


def clean_questions(questions: str | Iterable[str]) -> tuple[str, ...]:
    """One question per line (or an iterable), blank lines and duplicates dropped."""
    lines = questions.splitlines() if isinstance(questions, str) else list(questions)
    return tuple(dict.fromkeys(q.strip() for q in lines if q and q.strip()))


def corpus_docs(corpus_dir: Path) -> dict[str, Source]:
    """Every corpus document by id (file name without .md), with the citation its front matter gives."""
    return {doc: _doc_source(path, path.stat().st_mtime) for doc, path in
            ((p.stem, p) for p in sorted(Path(corpus_dir).glob("*.md")))}


@lru_cache(maxsize=256)
def _doc_source(path: Path, mtime: float) -> Source:
    meta = frontmatter.load(path).metadata
    return Source(doc=path.stem, title=str(meta.get("title", path.stem)), url=str(meta.get("source", "")),
                  as_of=str(meta.get("as_of", "")))


@lru_cache(maxsize=256)
def _doc_figures(path: Path, mtime: float) -> frozenset[tuple[str, bool]]:
    return frozenset(figures(frontmatter.load(path).content))


def figures(text: str) -> list[tuple[str, bool]]:
    """The figures a text states, as (number without $ or thousands commas, is a percentage)."""
    found = []
    for money, number, percent in FIGURE.findall(text):
        value = number.replace(",", "").rstrip(".")
        if value:
            found.append((value, bool(percent)))
    return list(dict.fromkeys(found))


def stale_figures(answer_text: str, doc: str, corpus_dir: Path) -> list[str]:
    """Problems with a curated answer's figures: each number, price or percentage it states must still be stated
    by the document it cites. An empty list means the answer holds."""
    path = Path(corpus_dir) / f"{doc}.md"
    if not path.is_file():
        return [f"cites {doc!r}, which is no longer in {corpus_dir}; pick the document that states this now"]
    stated = _doc_figures(path, path.stat().st_mtime)
    problems = []
    for value, percent in figures(answer_text):
        if (value, percent) not in stated and not (not percent and (value, True) in stated):
            shown = f"{value}%" if percent else value
            problems.append(f"states {shown}, which {doc}.md no longer states; check the document and edit the answer")
    return problems


def validate(questions: Sequence[str], answer_text: str, doc: str, corpus_dir: Path) -> None:
    if not questions:
        raise CuratedError("Write at least one question this answer is for (one per line).")
    if not answer_text.strip():
        raise CuratedError("The answer is empty; write the answer the bot should give.")
    if len(answer_text) > MAX_ANSWER:
        raise CuratedError(f"The answer is {len(answer_text):,} characters; keep it under {MAX_ANSWER:,}.")
    if not (Path(corpus_dir) / f"{doc}.md").is_file():
        raise CuratedError(f"{doc!r} is not a document in {corpus_dir}; pick the document the answer rests on.")


class CuratedStore:
    """The `curated` table in the feedback SQLite file (WAL, like feedback and the conversation log)."""

    def __init__(self, path: Path, corpus_dir: Path):
        from helpdesk.feedback import FeedbackStore

        self.path, self.corpus_dir = Path(path), Path(corpus_dir)
        FeedbackStore(self.path)  # the folder, WAL mode
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def add(self, questions: str | Iterable[str], answer_text: str, doc: str, *, status: str = "approved",
            author: str = "") -> int:
        asked = clean_questions(questions)
        validate(asked, answer_text, doc, self.corpus_dir)
        if status not in STATUSES:
            raise CuratedError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        now = _now()
        with self._connect() as db:
            cursor = db.execute("INSERT INTO curated (questions, answer, doc, status, author, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (json.dumps(asked, ensure_ascii=False), answer_text.strip(), doc, status, author,
                                 now, now))
            return int(cursor.lastrowid)

    def update(self, item_id: int, *, questions: str | Iterable[str] | None = None, answer_text: str | None = None,
               doc: str | None = None, status: str | None = None) -> Curated:
        current = self.get(item_id)
        asked = clean_questions(questions) if questions is not None else current.questions
        text = answer_text.strip() if answer_text is not None else current.answer
        doc = doc or current.doc
        status = status or current.status
        if status not in STATUSES:
            raise CuratedError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        if status != "retired":
            validate(asked, text, doc, self.corpus_dir)
        with self._connect() as db:
            db.execute("UPDATE curated SET questions = ?, answer = ?, doc = ?, status = ?, updated_at = ? WHERE id = ?",
                       (json.dumps(asked, ensure_ascii=False), text, doc, status, _now(), item_id))
        return self.get(item_id)

    def retire(self, item_id: int) -> Curated:
        return self.update(item_id, status="retired")

    def get(self, item_id: int) -> Curated:
        with self._connect() as db:
            row = db.execute("SELECT * FROM curated WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise CuratedError(f"there is no curated answer #{item_id}; reload the list")
        return _row(row)

    def all(self, status: str | None = None) -> list[Curated]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM curated" + (" WHERE status = ?" if status else "") + " ORDER BY id",
                              (status,) if status else ())
            return [_row(r) for r in rows]


def approved(settings: Settings) -> list[Curated]:
    """Approved answers, read without creating anything: no store file or no table means none."""
    if not Path(settings.feedback_db).exists():
        return []
    try:
        db = sqlite3.connect(f"file:{settings.feedback_db}?mode=ro", uri=True, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            return [_row(r) for r in db.execute("SELECT * FROM curated WHERE status = 'approved' ORDER BY id")]
        finally:
            db.close()
    except sqlite3.OperationalError:  # no curated table yet
        return []


def check_curated(settings: Settings, items: Iterable[Curated] | None = None) -> dict[int, list[str]]:
    """The facts check for curated answers: {id: problems} for every non-retired answer whose figures drifted."""
    items = approved(settings) if items is None else items
    problems = {}
    for item in items:
        if item.status == "retired":
            continue
        found = stale_figures(item.answer, item.doc, settings.corpus_dir)
        if found:
            problems[item.id] = found
    return problems


def distinguishing(text: str) -> frozenset[str]:
    """The plan, tool, period and numbers a question names: close questions that differ here are different."""
    words = {w.lower() for w in PLAN_TOOL_PERIOD.findall(text)}
    words = {"annual" if w in {"annually", "yearly"} else w for w in words}
    return frozenset(words | {n.replace(",", "") for n in NUMBER.findall(text)})


def direction(text: str) -> tuple[str, str] | None:
    """A change the question names, "monthly to quarterly" -> ("monthly", "quarterly"), or None."""
    found = DIRECTION.search(text)
    return (found[1].lower(), found[2].lower()) if found else None


def comparable(question: str, variant: str) -> bool:
    """Whether two questions could be the same question: the same plan, tool, period and numbers, and no
    opposite change ("from monthly to quarterly" is not "from quarterly to monthly")."""
    if distinguishing(question) != distinguishing(variant):
        return False
    one, other = direction(question), direction(variant)
    return not (one and other and one != other)


def similarity(question: str, variant: str, embedder: Embedder) -> float:
    return float(np.dot(embedder.query(question), embedder.query(variant)))


def best_match(question: str, items: Sequence[Curated], embedder: Embedder) -> tuple[Curated, str, float] | None:
    """The curated answer whose question is most similar to this one (naming the same plan, tool, numbers)."""
    best = None
    for item in items:
        for variant in item.questions:
            if not comparable(question, variant):
                continue
            score = similarity(question, variant, embedder)
            if best is None or score > best[2]:
                best = (item, variant, score)
    return best


FOLLOW_UP = re.compile(r"^\s*(and|also|but|what about|how about|same for|then|so)\b", re.IGNORECASE)


def leans_on_history(question: str) -> bool:
    """ "and on Pro?", "what about Max", "per month?": a question that is only complete with the one before it."""
    return bool(FOLLOW_UP.match(question)) or len(re.findall(r"\w+", question)) <= 3


def render(item: Curated, source: Source) -> str:
    return f"{item.answer}\n(Source: {source.title}, as of {source.as_of})"


def curated_answer(question: str, history: Sequence[dict], settings: Settings, embedder: Embedder
                   ) -> Answer | None:
    """The approved curated answer for this question, or None to let the rules and retrieval answer it.

    A follow-up ("and on Pro?") leans on the conversation, so it is left to the layers that read it.
    """
    question = (question or "").strip()
    if not question:
        return None
    if history and leans_on_history(question):
        return None
    try:
        items = approved(settings)
    except (sqlite3.Error, OSError) as exc:  # an unreadable store must not take the other answers down with it
        log.error("curated answers skipped: cannot read %s (%s); check the file or move it aside",
                  settings.feedback_db, exc)
        return None
    stale = check_curated(settings, items)
    live = [item for item in items if item.id not in stale]
    if not live:
        return None
    match = best_match(question, live, embedder)
    if match is None or match[2] < settings.curated_threshold:
        return None
    item, variant, score = match
    path = Path(settings.corpus_dir) / f"{item.doc}.md"
    source = _doc_source(path, path.stat().st_mtime)
    snippet = item.answer[:200]
    return Answer(text=render(item, source), route="rules",
                  sources=(Source(doc=source.doc, title=source.title, url=source.url, as_of=source.as_of,
                                  snippet=snippet),),
                  confidence=1.0, notes=("curated", f"curated_id={item.id}"),
                  trace={"layer": "curated", "curated_id": item.id, "matched_question": variant,
                         "similarity": round(score, 4)})


class CuratedAnswers:
    """The approved curated answers as one Helpdesk serves them: read from the store at each question (an agent's
    approval takes effect at once, in every process), matched with the Helpdesk's embedder."""

    def __init__(self, settings: Settings, embedder: Embedder):
        self.settings, self.embedder = settings, embedder

    def approved(self) -> list[Curated]:
        return approved(self.settings)

    def answer(self, question: str, history: Sequence[dict]) -> Answer | None:
        return curated_answer(question, history, self.settings, self.embedder)


# --- measuring the threshold ---------------------------------------------------------------------------------

def measure(pairs: Sequence[dict], embedder: Embedder) -> dict:
    """How matching does on labelled pairs ({"curated", "question", "same"}), and the threshold it suggests.

    A pair the guard (`comparable`) keeps apart never matches, whatever its cosine. The suggested threshold is
    halfway between the highest-scoring different question that passes the guard and the lowest same question
    above it: no false match on the set, with the margin split evenly.
    """
    scored = []
    for p in pairs:
        score = similarity(p["question"], p["curated"], embedder)
        scored.append((score if comparable(p["question"], p["curated"]) else None, bool(p["same"]), score))
    positives = sorted(s for s, same, _ in scored if same and s is not None)
    negatives = sorted(s for s, same, _ in scored if not same and s is not None)
    ceiling = negatives[-1] if negatives else 0.0
    above = [s for s in positives if s > ceiling]
    threshold = (ceiling + above[0]) / 2 if above else ceiling + 0.01
    same_total = sum(same for _, same, _ in scored)
    return {"pairs": len(scored), "same": same_total, "different": len(scored) - same_total,
            "kept_apart_by_guard": sum(s is None for s, _, _ in scored),
            "min_same_cosine": round(min(raw for _, same, raw in scored if same), 4),
            "max_different_cosine": round(max(raw for _, same, raw in scored if not same), 4),
            "max_different_after_guard": round(ceiling, 4),
            "threshold": round(threshold, 3),
            "recall_at_threshold": round(sum(s >= threshold for s in positives) / max(same_total, 1), 3),
            "false_matches_at_threshold": sum(s >= threshold for s in negatives)}


def evaluate(pairs: Sequence[dict], threshold: float, embedder: Embedder) -> dict:
    """Matches and false matches of a given threshold on labelled pairs (guard included)."""
    hits = [(comparable(p["question"], p["curated"]) and similarity(p["question"], p["curated"], embedder) >= threshold,
             bool(p["same"])) for p in pairs]
    same_total = sum(same for _, same in hits)
    return {"threshold": threshold, "recall": round(sum(h and same for h, same in hits) / max(same_total, 1), 3),
            "false_matches": sum(h and not same for h, same in hits)}


def main() -> int:
    from helpdesk.errors import report_error
    from helpdesk.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "tests" / "data" / "curated_paraphrases.jsonl"
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        settings = Settings.from_env()
        embedder = Embedder.from_settings(settings)
        print(json.dumps(measure(pairs, embedder), indent=2))
        print(json.dumps(evaluate(pairs, settings.curated_threshold, embedder)))
    except HelpdeskError as exc:  # a bad setting or no embedding model: one line that says what to do
        report_error(exc, "python -m helpdesk.curated")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
