"""The conversation log: every answer given, with its route, sources, confidence, latency and session, in the
same database as feedback (the SQLite file, or PostgreSQL with HELPDESK_DATABASE_URL; one short transaction per
write), so the support team can see what fails.

Every surface logs through one function, `record(...)`. Secrets in what a user typed are masked before
anything is stored; entries older than HELPDESK_CONVERSATION_LOG_DAYS are deleted on the next write; with
HELPDESK_CONVERSATION_LOG=0 nothing is written. A failing write is logged and never breaks an answer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import time
from pathlib import Path
from typing import Sequence

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from helpdesk import db
from helpdesk.schema import Answer
from helpdesk.settings import Settings

log = logging.getLogger(__name__)

HISTORY_TURNS = 10  # enough to replay a follow-up as a golden case; older turns are not kept
MAX_TEXT = 4000  # a pasted log can be long; the log keeps the start

MASK = "[redacted]"
# (pattern, replacement), most specific first: a Z.ai key would otherwise be half-masked by the hex rule.
SECRET_PATTERNS = (
    (re.compile(r"\b[0-9a-fA-F]{32}\.[A-Za-z0-9]{16}\b"), MASK),  # Z.ai API key: <32 hex>.<16 alphanumerics>
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), MASK),  # OpenAI-style keys (sk-..., sk-proj-..., sk-ant-...)
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), MASK),  # JWTs
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1{MASK}"),  # Authorization: Bearer <token>
    (re.compile(r"(?i)((?:api[_-]?key|apikey|token|secret|password|passwd)[\"']?\s*[:=]\s*)"
                r"[\"']?[^\s\"',;]{6,}[\"']?"), rf"\1{MASK}"),  # key=..., "token": "..."
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), MASK),  # long hex tokens
    # long base64/base64url tokens: 32+ characters mixing letters and digits (no English word looks like that)
    (re.compile(r"(?<![A-Za-z0-9+/_=-])(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}"),
     MASK),
)


def mask_secrets(text: str, settings: Settings | None = None) -> str:
    """The text with API keys, bearer tokens and long random-looking tokens replaced by [redacted]."""
    if not text:
        return text or ""
    if settings is not None and settings.llm_api_key:
        text = text.replace(settings.llm_api_key, MASK)
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text




def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


PRUNE_EVERY = dt.timedelta(hours=1)
_LAST_PRUNE: dict[str, dt.datetime] = {}
_PRUNE_LOCK = threading.Lock()


class ConversationLog:
    """The `conversations` table beside `feedback`. `where`: the SQLite file path or a database URL."""

    def __init__(self, where: Path | str, keep_days: int = 0):
        self.where = where
        self.path = Path(where) if "://" not in str(where) else None  # the SQLite file, when it is one
        self.keep_days = keep_days
        self.engine = db.engine(where)  # the schema (both tables) is created here, once per process

    def _upsert(self):
        """INSERT that replaces an entry with the same answer id (an answer logged twice is one entry)."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(db.conversations)

    def add(self, question: str, history: Sequence[dict], result: Answer, *, session_id: str = "",
            surface: str = "", latency_ms: float | None = None, settings: Settings | None = None,
            now: dt.datetime | None = None) -> str:
        """Store one answer (secrets masked) and delete expired entries; returns the answer id."""
        now = now or _now()
        turns = [{"role": t.get("role"), "content": mask_secrets(str(t.get("content", ""))[:MAX_TEXT], settings)}
                 for t in list(history)[-HISTORY_TURNS:] if t.get("role") in ("user", "assistant")]
        sources = [{"doc": s.doc, "title": s.title, "url": s.url, "as_of": s.as_of} for s in result.sources]
        row = dict(answer_id=result.id, created_at=_stamp(now), session_id=session_id or "", surface=surface,
                   question=mask_secrets(question[:MAX_TEXT], settings), history=json.dumps(turns, ensure_ascii=False),
                   answer=mask_secrets(result.text[:MAX_TEXT], settings), route=result.route,
                   sources=json.dumps(sources, ensure_ascii=False), confidence=float(result.confidence),
                   offer_human=int(result.offer_human),
                   latency_ms=None if latency_ms is None else round(float(latency_ms), 1),
                   notes=json.dumps([mask_secrets(n, settings) for n in result.notes], ensure_ascii=False),
                   layer=str((result.trace or {}).get("layer", "")))
        statement = self._upsert().values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[db.conversations.c.answer_id],
            set_={k: statement.excluded[k] for k in row if k != "answer_id"})
        prune = self.keep_days > 0 and self._prune_due(now)
        for attempt in db.LOCKED_RETRIES:  # SQLite can refuse a write at once ("database is locked") when another
            try:                        # process's write or checkpoint is in the way, busy timeout or not
                with self.engine.begin() as connection:
                    connection.execute(statement)
                    if prune:
                        connection.execute(delete(db.conversations).where(
                            db.conversations.c.created_at < _stamp(now - dt.timedelta(days=self.keep_days))))
                break
            except OperationalError as exc:
                if "locked" not in str(exc) or attempt is None:
                    raise
                time.sleep(attempt)
        return result.id

    def _prune_due(self, now: dt.datetime) -> bool:
        """Expired entries are deleted at most once an hour per process and store: the DELETE scans the table, and
        on every write it made each logged answer slower as the log grew."""
        key = str(self.where)
        with _PRUNE_LOCK:
            last = _LAST_PRUNE.get(key)
            if last is not None and abs((now - last).total_seconds()) < PRUNE_EVERY.total_seconds():
                return False
            _LAST_PRUNE[key] = now
            return True

    def entries(self, since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict]:
        """Log entries, oldest first, each with its feedback (the latest rating and comment, if any).

        Feedback is matched by answer id; feedback sent without one (an older widget) is matched by session,
        question and answer text instead.
        """
        clauses = []
        if since is not None:
            clauses.append(db.conversations.c.created_at >= _stamp(since))
        if until is not None:
            clauses.append(db.conversations.c.created_at < _stamp(until))
        table, feedback = db.conversations, db.feedback
        # Written order within one second: SQLite's rowid, PostgreSQL's identity column (see helpdesk/db.py).
        written = text("conversations.rowid" if db.is_sqlite(self.engine) else "conversations.seq")
        query = select(*table.c).where(*clauses).order_by(table.c.created_at, written)
        with self.engine.connect() as connection:
            rows = [dict(r._mapping) for r in connection.execute(query)]
            ratings = [dict(r._mapping) for r in connection.execute(
                select(feedback.c.rating, feedback.c.comment, feedback.c.answer_id, feedback.c.session_id,
                       feedback.c.question, feedback.c.answer).order_by(feedback.c.id))]
        by_id = {f["answer_id"]: f for f in ratings if f["answer_id"]}
        by_text = {(f["session_id"], f["question"], f["answer"]): f for f in ratings if not f["answer_id"]}
        for row in rows:
            row["history"] = json.loads(row["history"])
            row["sources"] = json.loads(row["sources"])
            row["notes"] = json.loads(row["notes"])
            row["offer_human"] = bool(row["offer_human"])
            rated = by_id.get(row["answer_id"]) or by_text.get((row["session_id"], row["question"], row["answer"]))
            row["rating"] = rated["rating"] if rated else None
            row["comment"] = rated["comment"] if rated else ""
        return rows

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(db.conversations)).scalar_one())


def record(question: str, history: Sequence[dict], result: Answer, settings: Settings, *, surface: str,
           session_id: str = "", latency_ms: float | None = None) -> None:
    """Log one answer. The one function every surface calls; it never raises (a log must not break an answer)."""
    if not settings.conversation_log or result is None:
        return
    try:
        ConversationLog(settings.database, settings.conversation_log_days).add(
            question, history, result, session_id=session_id, surface=surface, latency_ms=latency_ms,
            settings=settings)
    except (SQLAlchemyError, OSError, db.DatabaseError) as exc:
        log.error("conversation log: could not write to %s (%s); the answer was given but not logged. Check the "
                  "database (HELPDESK_DATABASE_URL) or that the folder is writable, or set "
                  "HELPDESK_CONVERSATION_LOG=0", db.shown(db.url_for(settings.database)),
                  getattr(exc, "orig", None) or exc)  # the driver's message: no SQL, no values
