"""Thumbs up/down on answers, stored in SQLite (WAL, one short transaction per write) and exported to CSV.

One store for every surface: the chat UI and the HTTP API write here, `python -m helpdesk feedback export`
reads it. WAL mode plus a busy timeout lets two writers (two browser tabs, two server workers) both land.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    route TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]',
    session_id TEXT NOT NULL DEFAULT '',
    surface TEXT NOT NULL DEFAULT '',
    answer_id TEXT NOT NULL DEFAULT ''
)
"""
COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "route", "sources", "session_id", "surface",
           "answer_id")
MAX_COMMENT = 2000


class FeedbackError(ValueError):
    pass


@dataclass(frozen=True)
class Feedback:
    rating: int  # +1 thumbs up, -1 thumbs down
    question: str
    answer: str
    route: str
    sources: tuple[str, ...] = ()  # source URLs (or doc ids) shown with the answer
    comment: str = ""
    session_id: str = ""
    surface: str = ""
    answer_id: str = ""  # Answer.id: links the rating to its conversation log entry


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)
            if "answer_id" not in {row[1] for row in db.execute("PRAGMA table_info(feedback)")}:  # a store made before
                try:
                    db.execute("ALTER TABLE feedback ADD COLUMN answer_id TEXT NOT NULL DEFAULT ''")
                except sqlite3.OperationalError:  # another process added it first
                    pass

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def add(self, item: Feedback) -> int:
        if item.rating not in (-1, 1):
            raise FeedbackError(f"rating must be 1 (thumbs up) or -1 (thumbs down), not {item.rating!r}")
        if len(item.comment) > MAX_COMMENT:
            raise FeedbackError(f"comment is {len(item.comment)} characters; the limit is {MAX_COMMENT}")
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, route, sources, session_id, "
                "surface, answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, item.rating, item.comment.strip(), item.question, item.answer, item.route,
                 json.dumps(list(item.sources)), item.session_id, item.surface, item.answer_id))
            return int(cursor.lastrowid)

    def rows(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")]

    def export_csv(self, out: IO[str]) -> int:
        rows = self.rows()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return len(rows)


def sources_of(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u))
