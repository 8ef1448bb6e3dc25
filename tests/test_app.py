"""The Streamlit chat driven in-process with AppTest: ask, follow up, sources, feedback, handoff, limits."""

from __future__ import annotations

import re
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from helpdesk.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def app(real_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    monkeypatch.delenv("HELPDESK_LLM_API_KEY", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """What a reader sees: Markdown escapes removed."""
    shown = "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)
    return re.sub(r"\\(.)", r"\1", shown)


def test_empty_chat_offers_starters_and_shows_the_sidebar(app):
    labels = [b.label for b in app.button]
    assert any("Lite plan" in label for label in labels) and "Clear conversation" in labels
    sidebar = "\n".join(m.value for m in app.sidebar.markdown)
    assert "Offline" in sidebar and "2026-02-12" in sidebar and "passages indexed" in sidebar


def test_ask_shows_answer_sources_and_label(app):
    ask(app, "Can I withdraw my referral credits to my bank?")
    text = page_text(app)
    assert "cannot be withdrawn" in text
    assert "https://docs.z.ai/devpack/faq" in text and "2026-02-12" in text
    assert "Exact figure from the docs" in text


def test_follow_up_uses_the_conversation(app):
    ask(app, "What does upgrading from Lite to Pro cost on day 5 of my cycle?")
    ask(app, "and on day 20?")
    assert "$27.80" in page_text(app)


def test_starter_button_asks_its_question(app):
    next(b for b in app.button if "web searches" in b.label).click().run()
    assert "1,000 web searches" in page_text(app)


def test_feedback_is_stored_with_the_answer(app, tmp_path):
    ask(app, "How do I cancel my subscription?")
    app.text_input[0].set_value("clear, thanks")
    app.feedback[0].set_value(1).run()
    assert not app.exception
    rows = sqlite3.connect(tmp_path / "feedback.sqlite3").execute(
        "SELECT rating, comment, question, route, sources FROM feedback").fetchall()
    assert rows == [(1, "clear, thanks", "How do I cancel my subscription?", "rules", '["https://docs.z.ai/devpack/faq"]')]
    assert "Thanks for the feedback." in page_text(app)


def test_abstention_offers_a_human(app):
    ask(app, "give me a good lasagna recipe")
    assert "Not in the docs" in page_text(app)
    assert any("https://z.ai/contact" in i.value for i in app.info)


def test_asking_for_a_person_hands_off(app):
    ask(app, "I want to talk to a human")
    assert any("https://z.ai/contact" in i.value for i in app.info)


def test_long_input_is_refused_with_a_message(app):
    ask(app, "quota " * 1000)
    assert any("characters" in w.value for w in app.warning)
    assert not any(m.value.startswith("quota") for m in app.markdown)


def test_html_and_markdown_in_a_question_are_shown_as_text(app):
    question = "<b>bold</b> **stars** [link](http://evil.example) <script>alert(1)</script>"
    ask(app, question)
    shown = [m.value for m in app.chat_message[0].markdown][0]
    assert "\\<b\\>" in shown and "\\*\\*stars\\*\\*" in shown and "\\[link\\]" in shown


def test_empty_input_does_nothing(app):
    ask(app, "   ")
    assert len(app.chat_message) == 0


def test_clear_conversation(app):
    ask(app, "Can I get a refund?")
    assert len(app.chat_message) == 2
    next(b for b in app.button if b.label == "Clear conversation").click().run()
    assert len(app.chat_message) == 0
