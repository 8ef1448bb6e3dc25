"""Feedback in a real SQLite file: concurrent writers lose nothing, rows survive a restart, CSV export."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys

import pytest

from helpdesk.cli import main
from helpdesk.feedback import Feedback, FeedbackError, FeedbackStore
from helpdesk.settings import PROJECT_ROOT


def item(n: int, tab: str) -> Feedback:
    return Feedback(rating=1 if n % 2 else -1, question=f"q{n} from {tab}", answer="a", route="rules",
                    sources=("https://docs.z.ai/devpack/faq",), comment=f"c{n}", session_id=tab, surface="test")


def write_many(path: str, tab: str, count: int) -> None:
    store = FeedbackStore(path)  # each "tab" is its own process with its own connection
    for n in range(count):
        store.add(item(n, tab))


def test_two_tabs_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "feedback.sqlite3")
    FeedbackStore(path)
    # Two separate processes, as two server workers or two Streamlit sessions would be.
    code = "import sys; from tests.test_feedback import write_many; write_many(sys.argv[1], sys.argv[2], 150)"
    workers = [subprocess.Popen([sys.executable, "-c", code, path, tab], cwd=PROJECT_ROOT)
               for tab in ("tab-a", "tab-b")]
    for w in workers:
        assert w.wait(timeout=120) == 0
    rows = FeedbackStore(path).rows()
    assert len(rows) == 300
    assert {r["session_id"] for r in rows} == {"tab-a", "tab-b"}
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_feedback_survives_a_restart_and_exports_to_csv(tmp_path, monkeypatch, capsys):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).add(item(1, "s1"))
    FeedbackStore(path).add(item(2, "s1"))  # a new store object is a restarted app
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(path))
    assert main(["feedback", "export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["rating"], r["question"], r["comment"]) for r in rows] == [("1", "q1 from s1", "c1"),
                                                                          ("-1", "q2 from s1", "c2")]
    out = tmp_path / "out.csv"
    assert main(["feedback", "export", "--out", str(out)]) == 0
    assert out.read_text().count("\n") == 3


@pytest.mark.parametrize("bad, message", [
    (Feedback(rating=0, question="q", answer="a", route="rules"), "rating must be 1"),
    (Feedback(rating=1, question="q", answer="a", route="rules", comment="x" * 2001), "limit is 2000"),
])
def test_bad_feedback_is_refused_with_the_reason(tmp_path, bad, message):
    with pytest.raises(FeedbackError, match=message):
        FeedbackStore(tmp_path / "f.sqlite3").add(bad)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"https://evil.example\",\"click\")", "+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(1+1)", "\tTAB", "\rCR"])
def test_csv_export_defuses_spreadsheet_formulas(tmp_path, text):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(Feedback(rating=-1, question=text, answer=text, route="rules", comment=text, session_id="s"))
    out = io.StringIO()
    store.export_csv(out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["question"] == row["answer"] == "'" + text
    assert row["comment"] == ("'" + text if text.strip() == text else text.strip())  # comments are trimmed
    assert row["rating"] == "-1"  # a number stays a number


def test_one_rating_per_issued_answer(tmp_path):
    from helpdesk.feedback import DuplicateFeedback

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(Feedback(rating=1, question="q", answer="a", route="rules", answer_id="a" * 32))
    with pytest.raises(DuplicateFeedback, match="already been rated"):
        store.add(Feedback(rating=-1, question="q", answer="a", route="rules", answer_id="a" * 32))
    store.add(Feedback(rating=1, question="q", answer="a", route="rules"))  # the chat UI's rows have no id
    store.add(Feedback(rating=1, question="q", answer="a", route="rules"))
    assert len(store.rows()) == 3


def test_a_store_from_before_answer_ids_gains_the_column(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                   "rating INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT "
                   "NOT NULL, route TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', session_id TEXT NOT NULL "
                   "DEFAULT '', surface TEXT NOT NULL DEFAULT '')")
        db.execute("INSERT INTO feedback (created_at, rating, question, answer, route) VALUES ('t', 1, 'q', 'a', 'rules')")
    store = FeedbackStore(path)
    store.add(Feedback(rating=-1, question="q2", answer="a", route="rules", answer_id="b" * 32))
    assert [r["answer_id"] for r in store.rows()] == ["", "b" * 32]
