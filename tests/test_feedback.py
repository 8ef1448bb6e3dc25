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
