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

from helpdesk.errors import HelpdeskError

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
# One rating per answer the API issued (the chat UI's rows have no answer id and are not limited here).
ONE_PER_ANSWER = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_answer ON feedback (answer_id) WHERE answer_id != ''"
COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "route", "sources", "session_id", "surface",
           "answer_id")
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)", "+cmd|...", "@SUM(...)").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_COMMENT = 2000


class FeedbackError(HelpdeskError, ValueError):
    pass


class DuplicateFeedback(FeedbackError):
    """This answer was already rated."""


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
    answer_id: str = ""  # the id of the answer rated, when the surface issued one (the HTTP API)


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
            if "answer_id" not in columns:  # a store made before answers had ids
                try:
                    db.execute("ALTER TABLE feedback ADD COLUMN answer_id TEXT NOT NULL DEFAULT ''")
                except sqlite3.OperationalError:  # another process added it a moment ago
                    pass
            db.execute(ONE_PER_ANSWER)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def add(self, item: Feedback) -> int:
        if item.rating not in (-1, 1):
            raise FeedbackError(f"rating must be 1 (thumbs up) or -1 (thumbs down), not {item.rating!r}")
        if len(item.comment) > MAX_COMMENT:
            raise FeedbackError(f"comment is {len(item.comment)} characters; the limit is {MAX_COMMENT}")
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._connect() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO feedback (created_at, rating, comment, question, answer, route, sources, session_id, "
                    "surface, answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (now, item.rating, item.comment.strip(), item.question, item.answer, item.route,
                     json.dumps(list(item.sources)), item.session_id, item.surface, item.answer_id))
            except sqlite3.IntegrityError:
                raise DuplicateFeedback("This answer has already been rated; thank you.") from None
            return int(cursor.lastrowid)

    def rows(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")]

    def export_csv(self, out: IO[str]) -> int:
        """Every row as CSV, safe to open in a spreadsheet: a text cell that would start a formula is prefixed
        with a single quote (OWASP's CSV injection advice); the csv module quotes what needs quoting."""
        rows = self.rows()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: cell(v) for k, v in row.items()} for row in rows)
        return len(rows)


def cell(value):
    """A value as a spreadsheet may show it: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sources_of(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u))
