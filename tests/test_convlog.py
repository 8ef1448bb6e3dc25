"""The conversation log: masked secrets, feedback linked by answer id, expiry, the off switch, two writers, and
every surface (CLI, HTTP API, Streamlit) logging through `record`."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from helpdesk.convlog import ConversationLog, mask_secrets, record
from helpdesk.feedback import Feedback, FeedbackStore
from helpdesk.schema import Answer, Source
from helpdesk.settings import PROJECT_ROOT, Settings

ZAI_KEY = "0123456789abcdef0123456789abcdef.AbCdEfGh12345678"


@pytest.mark.parametrize("typed, secret", [
    (f"my key {ZAI_KEY} gives 401", ZAI_KEY),
    ("export OPENAI_API_KEY=sk-proj-abcDEF1234567890xyzXYZ", "sk-proj-abcDEF1234567890xyzXYZ"),
    ("curl -H 'Authorization: Bearer abc.def-123456789' https://api.z.ai", "abc.def-123456789"),
    ('ANTHROPIC_AUTH_TOKEN="abcd1234efgh" claude', "abcd1234efgh"),
    ('{"api_key": "zzzz9999yyyy"}', "zzzz9999yyyy"),
    ("token deadbeefdeadbeefdeadbeefdeadbeef00 expired", "deadbeefdeadbeefdeadbeefdeadbeef00"),
    ("cookie QWxhZGRpbjpvcGVuIHNlc2FtZQ1234567890abcd== fails", "QWxhZGRpbjpvcGVuIHNlc2FtZQ1234567890abcd=="),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
     "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
])
def test_secrets_in_a_question_are_masked(typed, secret):
    masked = mask_secrets(typed)
    assert secret not in masked and "[redacted]" in masked


@pytest.mark.parametrize("typed", [
    "How many prompts do I get every 5 hours on the Lite plan? Error 1113.",
    "set ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic and max_tokens=4096",
    "https://docs.z.ai/devpack/tool/claude-code-ide-plugin-settings-page",
    "What does GLM-4.7 cost per 1M tokens? $0.60 / $2.20",
])
def test_ordinary_questions_are_left_alone(typed):
    assert mask_secrets(typed) == typed


def test_the_configured_key_is_masked_whatever_its_shape(tmp_path):
    settings = Settings.from_env({}, llm_api_key="short-key", feedback_db=tmp_path / "f.sqlite3")
    assert mask_secrets("I set short-key in Cline", settings) == "I set [redacted] in Cline"


def an_answer(text="~80 prompts every 5 hours.", route="rules", **kwargs) -> Answer:
    return Answer(text=text, route=route, confidence=1.0,
                  sources=(Source(doc="devpack-faq", title="FAQs", url="https://docs.z.ai/devpack/faq",
                                  as_of="2026-02-12"),), **kwargs)


def test_an_entry_holds_everything_masked_and_its_feedback(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    settings = Settings.from_env({}, feedback_db=path)
    result = an_answer()
    history = [{"role": "user", "content": f"my key is {ZAI_KEY}"}, {"role": "assistant", "content": "ok"}]
    record(f"Lite quota? key {ZAI_KEY}", history, result, settings, surface="test", session_id="s1", latency_ms=12.34)
    FeedbackStore(path).add(Feedback(rating=-1, question="q", answer=result.text, route="rules", comment="too vague",
                                     answer_id=result.id))
    [entry] = ConversationLog(path).entries()
    assert entry["answer_id"] == result.id and entry["session_id"] == "s1" and entry["surface"] == "test"
    assert entry["question"] == "Lite quota? key [redacted]" and ZAI_KEY not in str(entry)
    assert entry["history"][0]["content"] == "my key is [redacted]"
    assert (entry["route"], entry["confidence"], entry["latency_ms"]) == ("rules", 1.0, 12.3)
    assert entry["sources"] == [{"doc": "devpack-faq", "title": "FAQs", "url": "https://docs.z.ai/devpack/faq",
                                 "as_of": "2026-02-12"}]
    assert (entry["rating"], entry["comment"]) == (-1, "too vague")
    raw = sqlite3.connect(path).execute("SELECT group_concat(question || history) FROM conversations").fetchone()[0]
    assert ZAI_KEY not in raw


def test_feedback_without_an_answer_id_is_matched_by_its_text(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    result = an_answer()
    record("Lite quota?", [], result, Settings.from_env({}, feedback_db=path), surface="api", session_id="w1")
    FeedbackStore(path).add(Feedback(rating=1, question="Lite quota?", answer=result.text, route="rules",
                                     session_id="w1"))
    assert ConversationLog(path).entries()[0]["rating"] == 1


def test_old_entries_expire_and_the_log_can_be_turned_off(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = ConversationLog(path, keep_days=30)
    now = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)
    store.add("old", [], an_answer(), now=now - dt.timedelta(days=40))
    store.add("recent", [], an_answer(), now=now - dt.timedelta(days=2))
    store.add("today", [], an_answer(), now=now)  # this write deletes what is older than 30 days
    assert [e["question"] for e in store.entries()] == ["recent", "today"]
    off = Settings.from_env({"HELPDESK_CONVERSATION_LOG": "0"}, feedback_db=path)
    record("not logged", [], an_answer(), off, surface="test")
    assert store.count() == 2
    assert Settings.from_env({"HELPDESK_CONVERSATION_LOG_DAYS": "7"}).conversation_log_days == 7


def test_a_log_that_cannot_be_written_does_not_break_the_answer(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    settings = Settings.from_env({}, feedback_db=blocker / "feedback.sqlite3")  # its folder is a file
    record("q", [], an_answer(), settings, surface="test")
    assert "HELPDESK_CONVERSATION_LOG=0" in caplog.text


def write_many(path: str, surface: str, count: int) -> None:
    settings = Settings.from_env({}, feedback_db=path)
    for n in range(count):
        record(f"q{n} from {surface}", [], an_answer(), settings, surface=surface, session_id=surface)


def test_two_writer_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "feedback.sqlite3")
    code = "import sys; from tests.test_convlog import write_many; write_many(sys.argv[1], sys.argv[2], 150)"
    workers = [subprocess.Popen([sys.executable, "-c", code, path, name], cwd=PROJECT_ROOT)
               for name in ("worker-a", "worker-b")]
    for w in workers:
        assert w.wait(timeout=180) == 0
    entries = ConversationLog(path).entries()
    assert len(entries) == 300 and len({e["answer_id"] for e in entries}) == 300
    assert {e["surface"] for e in entries} == {"worker-a", "worker-b"}
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_cli_logs_its_answers(real_settings, monkeypatch, tmp_path, capsys):
    from helpdesk.cli import main

    path = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(path))
    assert main(["ask", "Can I withdraw my referral credits?"]) == 0
    [entry] = ConversationLog(path).entries()
    assert entry["surface"] == "cli" and entry["route"] == "rules" and entry["latency_ms"] > 0


def test_the_http_api_logs_its_answers_streamed_or_not(real_settings, tmp_path):
    from fastapi.testclient import TestClient

    from helpdesk.server import create_app

    settings = replace(real_settings, feedback_db=tmp_path / "feedback.sqlite3")
    with TestClient(create_app(settings, warm_up=False)) as client:
        body = client.post("/v1/answer", json={"question": "How do I cancel my subscription?",
                                               "session_id": "web-1"}).json()
        client.post("/v1/answer/stream", json={"question": "give me a lasagna recipe", "session_id": "web-1"})
    entries = ConversationLog(settings.feedback_db).entries()
    assert [(e["surface"], e["session_id"], e["route"]) for e in entries] == [("api", "web-1", "rules"),
                                                                            ("api-stream", "web-1", "abstain")]
    assert entries[0]["answer_id"] == body["id"]
