"""The conversation log: every answer given, with its route, sources, confidence, latency and session, in the
same SQLite file as feedback (WAL, one short transaction per write), so the support team can see what fails.

Every surface logs through one function, `record(...)`. Secrets in what a user typed are masked before
anything is stored; entries older than HELPDESK_CONVERSATION_LOG_DAYS are deleted on the next write; with
HELPDESK_CONVERSATION_LOG=0 nothing is written. A failing write is logged and never breaks an answer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Sequence

from helpdesk.feedback import FeedbackStore
from helpdesk.schema import Answer
from helpdesk.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    answer_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    surface TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    route TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]',
    confidence REAL NOT NULL DEFAULT 0,
    offer_human INTEGER NOT NULL DEFAULT 0,
    latency_ms REAL,
    notes TEXT NOT NULL DEFAULT '[]',
    layer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS conversations_created_at ON conversations (created_at);
"""
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


class ConversationLog:
    """The `conversations` table beside `feedback` in one SQLite file."""

    _prepared: set[Path] = set()
    _lock = threading.Lock()

    def __init__(self, path: Path, keep_days: int = 0):
        self.path = Path(path)
        self.keep_days = keep_days
        with self._lock:
            if self.path not in self._prepared or not self.path.exists():
                FeedbackStore(self.path)  # makes the folder and the feedback table (WAL), which entries join
                with self._connect() as db:
                    db.executescript(SCHEMA)
                self._prepared.add(self.path)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def add(self, question: str, history: Sequence[dict], result: Answer, *, session_id: str = "",
            surface: str = "", latency_ms: float | None = None, settings: Settings | None = None,
            now: dt.datetime | None = None) -> str:
        """Store one answer (secrets masked) and delete expired entries; returns the answer id."""
        now = now or _now()
        turns = [{"role": t.get("role"), "content": mask_secrets(str(t.get("content", ""))[:MAX_TEXT], settings)}
                 for t in list(history)[-HISTORY_TURNS:] if t.get("role") in ("user", "assistant")]
        sources = [{"doc": s.doc, "title": s.title, "url": s.url, "as_of": s.as_of} for s in result.sources]
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO conversations (answer_id, created_at, session_id, surface, question, history, "
                "answer, route, sources, confidence, offer_human, latency_ms, notes, layer) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result.id, _stamp(now), session_id or "", surface, mask_secrets(question[:MAX_TEXT], settings),
                 json.dumps(turns, ensure_ascii=False), mask_secrets(result.text[:MAX_TEXT], settings), result.route,
                 json.dumps(sources, ensure_ascii=False), float(result.confidence), int(result.offer_human),
                 None if latency_ms is None else round(float(latency_ms), 1),
                 json.dumps([mask_secrets(n, settings) for n in result.notes], ensure_ascii=False),
                 str((result.trace or {}).get("layer", ""))))
            if self.keep_days > 0:
                db.execute("DELETE FROM conversations WHERE created_at < ?",
                           (_stamp(now - dt.timedelta(days=self.keep_days)),))
        return result.id

    def entries(self, since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict]:
        """Log entries, oldest first, each with its feedback (the latest rating and comment, if any).

        Feedback is matched by answer id; feedback sent without one (an older widget) is matched by session,
        question and answer text instead.
        """
        clauses, params = [], []
        if since is not None:
            clauses.append("created_at >= ?")
            params.append(_stamp(since))
        if until is not None:
            clauses.append("created_at < ?")
            params.append(_stamp(until))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as db:
            rows = [dict(r) for r in db.execute(f"SELECT * FROM conversations {where} ORDER BY created_at, rowid",
                                                params)]
            ratings = [dict(r) for r in db.execute(
                "SELECT rating, comment, answer_id, session_id, question, answer FROM feedback ORDER BY id")]
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
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])


def record(question: str, history: Sequence[dict], result: Answer, settings: Settings, *, surface: str,
           session_id: str = "", latency_ms: float | None = None) -> None:
    """Log one answer. The one function every surface calls; it never raises (a log must not break an answer)."""
    if not settings.conversation_log or result is None:
        return
    try:
        ConversationLog(settings.feedback_db, settings.conversation_log_days).add(
            question, history, result, session_id=session_id, surface=surface, latency_ms=latency_ms,
            settings=settings)
    except (sqlite3.Error, OSError) as exc:
        log.error("conversation log: could not write to %s (%s); the answer was given but not logged. Check the "
                  "folder is writable, or set HELPDESK_CONVERSATION_LOG=0", settings.feedback_db, exc)
