"""Feedback and the conversation log on both backends: the embedded SQLite file and a real PostgreSQL cluster
(HELPDESK_DATABASE_URL). The same cases run against each; PostgreSQL is started by the tests (tests/postgres.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from dataclasses import replace

import pytest

from helpdesk import db
from helpdesk.convlog import ConversationLog, record
from helpdesk.feedback import DuplicateFeedback, Feedback, FeedbackStore
from helpdesk.schema import Answer, Source
from helpdesk.settings import PROJECT_ROOT, Settings, SettingsError
from tests.postgres import new_database


@pytest.fixture(params=["sqlite", "postgres"])
def where(request, tmp_path):
    """A fresh, empty store on each backend: a SQLite path, or a PostgreSQL URL of a new database."""
    if request.param == "sqlite":
        yield tmp_path / "feedback.sqlite3"
        return
    url = new_database(request.getfixturevalue("postgres_server"))
    yield url
    db.forget(url)


def an_answer(text="~80 prompts every 5 hours.", route="rules") -> Answer:
    return Answer(text=text, route=route, confidence=0.9, sources=(Source(
        doc="devpack-faq", title="FAQs", url="https://docs.z.ai/devpack/faq", as_of="2026-02-12"),))


def test_feedback_round_trip_one_rating_per_answer_and_csv(where):
    store = FeedbackStore(where)
    first = store.add(Feedback(rating=1, question="q1", answer="a", route="rules", sources=("https://x/1",),
                               comment="  good ", session_id="s", surface="api", answer_id="a" * 32))
    with pytest.raises(DuplicateFeedback, match="already been rated"):
        FeedbackStore(where).add(Feedback(rating=-1, question="q1", answer="a", route="rules", answer_id="a" * 32))
    second = store.add(Feedback(rating=-1, question="=cmd()", answer="a", route="retrieval"))  # no id: the chat UI
    store.add(Feedback(rating=-1, question="=cmd()", answer="a", route="retrieval"))
    assert second > first
    rows = FeedbackStore(where).rows()  # a new store object: a restarted replica
    assert [(r["id"], r["rating"], r["comment"], r["answer_id"]) for r in rows[:2]] == [
        (first, 1, "good", "a" * 32), (second, -1, "", "")]
    assert len(rows) == 3 and rows[0]["sources"] == '["https://x/1"]' and rows[0]["created_at"].endswith("+00:00")
    out = io.StringIO()
    assert store.export_csv(out) == 3
    assert [r["question"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == ["q1", "'=cmd()", "'=cmd()"]


def test_the_log_links_feedback_expires_and_keeps_written_order(where):
    log = ConversationLog(where, keep_days=30)
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
    old, kept = an_answer("old"), an_answer("kept")
    log.add("old", [], old, now=now - dt.timedelta(days=40))
    answers = [an_answer(f"answer {n}") for n in range(5)]
    for n, result in enumerate(answers):  # all in the same second: listed in the order written
        log.add(f"q{n}", [{"role": "user", "content": "earlier"}], result, session_id="s", surface="api", now=now)
    log.add("q0 again", [], answers[0], now=now)  # the same answer logged twice is one entry, replaced
    log.add("kept", [], kept, session_id="w", now=now + dt.timedelta(seconds=1))  # deletes "old" (40 days)
    FeedbackStore(where).add(Feedback(rating=-1, question="q2", answer="x", route="rules", comment="vague",
                                      answer_id=answers[2].id))
    FeedbackStore(where).add(Feedback(rating=1, question="kept", answer="kept", route="rules", session_id="w"))
    entries = ConversationLog(where).entries()
    assert [e["question"] for e in entries] == ["q0 again", "q1", "q2", "q3", "q4", "kept"]
    by_question = {e["question"]: e for e in entries}
    assert (by_question["q2"]["rating"], by_question["q2"]["comment"]) == (-1, "vague")  # by answer id
    assert by_question["kept"]["rating"] == 1 and by_question["q1"]["rating"] is None  # by text; none
    assert by_question["q1"]["history"] == [{"role": "user", "content": "earlier"}]
    assert by_question["q1"]["sources"][0]["doc"] == "devpack-faq" and by_question["q1"]["offer_human"] is False
    assert by_question["q1"]["confidence"] == 0.9
    assert [e["question"] for e in ConversationLog(where).entries(since=now + dt.timedelta(seconds=1))] == ["kept"]
    assert [e["question"] for e in ConversationLog(where).entries(until=now)] == []
    assert ConversationLog(where).count() == 6


def write_many(where: str, name: str, count: int) -> None:
    settings = Settings.from_env({}, **({"database_url": where} if "://" in where else {"feedback_db": where}))
    store = FeedbackStore(settings.database)
    for n in range(count):
        result = an_answer(f"answer {n} from {name}")
        record(f"q{n}", [], result, settings, surface=name, session_id=name)
        store.add(Feedback(rating=1, question=f"q{n}", answer=result.text, route="rules", session_id=name,
                           answer_id=result.id))


def test_two_writer_processes_and_a_fresh_schema_lose_nothing(where):
    # Four processes start on an empty database at once: each creates the schema (idempotent), then writes.
    code = "import sys; from tests.test_stores import write_many; write_many(sys.argv[1], sys.argv[2], 40)"
    workers = [subprocess.Popen([sys.executable, "-c", code, str(where), f"w{n}"], cwd=PROJECT_ROOT,
                                stderr=subprocess.PIPE, text=True) for n in range(4)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]
    entries = ConversationLog(where).entries()
    assert len(entries) == 160 and len({e["answer_id"] for e in entries}) == 160
    assert all(e["rating"] == 1 for e in entries)  # every entry has its own feedback row, linked by id
    assert len(FeedbackStore(where).rows()) == 160


def test_an_old_sqlite_store_gains_what_it_lacks(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, rating "
                    "INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL, "
                    "route TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', session_id TEXT NOT NULL DEFAULT '', "
                    "surface TEXT NOT NULL DEFAULT '')")
    store = FeedbackStore(path)
    store.add(Feedback(rating=1, question="q", answer="a", route="rules", answer_id="c" * 32))
    with pytest.raises(DuplicateFeedback):  # the one-rating-per-answer index was added too
        store.add(Feedback(rating=1, question="q", answer="a", route="rules", answer_id="c" * 32))
    assert ConversationLog(path).count() == 0  # and the log's table


def test_the_database_url_comes_from_the_environment_and_is_never_shown(tmp_path, postgres_server):
    url = new_database(postgres_server)
    settings = Settings.from_env({"HELPDESK_DATABASE_URL": url, "HELPDESK_FEEDBACK_DB": str(tmp_path / "f.sqlite3")})
    assert settings.database == url and "postgres@" not in repr(settings)
    record("Lite quota?", [], an_answer(), settings, surface="test")
    assert ConversationLog(url).count() == 1 and not (tmp_path / "f.sqlite3").exists()  # nothing went to SQLite
    with pytest.raises(SettingsError, match="must be a database URL") as refused:
        Settings.from_env({"HELPDESK_DATABASE_URL": "mysql://admin:hunter2@db/helpdesk"})
    assert "hunter2" not in str(refused.value)
    with pytest.raises(db.DatabaseError, match="psycopg2 driver") as refused:
        FeedbackStore("postgresql+psycopg2://admin:hunter2@127.0.0.1/x")
    assert "hunter2" not in str(refused.value)


def test_an_unreachable_database_is_logged_without_the_password_and_the_answer_stands(caplog):
    from tests.postgres import _free_port

    url = f"postgresql+psycopg://helpdesk:hunter2@127.0.0.1:{_free_port()}/helpdesk"
    record("q", [], an_answer(), Settings.from_env({"HELPDESK_DATABASE_URL": url}), surface="test")
    assert "conversation log: could not write to postgresql+psycopg://helpdesk:***@127.0.0.1" in caplog.text
    assert "hunter2" not in caplog.text


def test_feedback_through_the_http_api_lands_in_postgres(real_settings, postgres_server):
    from fastapi.testclient import TestClient

    from helpdesk.server import create_app

    url = new_database(postgres_server)
    settings = replace(real_settings, database_url=url)
    with TestClient(create_app(settings, env={}, warm_up=False)) as client:
        given = client.post("/v1/answer", json={"question": "How do I cancel my subscription?"}).json()
        body = {"rating": -1, "answer_id": given["id"], "token": given["feedback_token"], "question":
                "How do I cancel my subscription?", "answer": given["text"], "route": given["route"]}
        assert client.post("/v1/feedback", json=body).status_code == 201
        assert client.post("/v1/feedback", json=body).status_code == 409  # once per answer, across replicas too
    [entry] = ConversationLog(url).entries()
    assert entry["answer_id"] == given["id"] and entry["rating"] == -1 and entry["surface"] == "api"
