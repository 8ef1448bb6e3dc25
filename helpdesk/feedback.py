"""Thumbs up/down on answers, stored in the support team's database and exported to CSV.

One store for every surface: the chat UI and the HTTP API write here, `python -m helpdesk feedback export`
reads it. The database is a SQLite file by default (WAL plus a busy timeout lets two writers, two browser tabs or
two server workers, both land) or PostgreSQL for several replicas (HELPDESK_DATABASE_URL; see helpdesk/db.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from helpdesk import db

from helpdesk.errors import HelpdeskError

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
    """`where`: a SQLite file path (the default, `settings.feedback_db`) or a database URL
    (`settings.database`: HELPDESK_DATABASE_URL when set)."""

    def __init__(self, where: Path | str):
        self.where = where
        self.path = Path(where) if "://" not in str(where) else None  # the SQLite file, when it is one
        self.engine = db.engine(where)  # the schema is created (or brought up to date) here

    def add(self, item: Feedback) -> int:
        if item.rating not in (-1, 1):
            raise FeedbackError(f"rating must be 1 (thumbs up) or -1 (thumbs down), not {item.rating!r}")
        if len(item.comment) > MAX_COMMENT:
            raise FeedbackError(f"comment is {len(item.comment)} characters; the limit is {MAX_COMMENT}")
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        row = dict(created_at=now, rating=item.rating, comment=item.comment.strip(), question=item.question,
                   answer=item.answer, route=item.route, sources=json.dumps(list(item.sources)),
                   session_id=item.session_id, surface=item.surface, answer_id=item.answer_id)
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(insert(db.feedback).values(**row).returning(db.feedback.c.id))
                           .scalar_one())
        except IntegrityError:
            raise DuplicateFeedback("This answer has already been rated; thank you.") from None

    def rows(self) -> list[dict]:
        with self.engine.connect() as connection:
            query = select(*(db.feedback.c[name] for name in COLUMNS)).order_by(db.feedback.c.id)
            return [dict(row._mapping) for row in connection.execute(query)]

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
