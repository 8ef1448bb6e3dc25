"""The insights page driven in-process with AppTest: the password gate, what it shows, curated answers written,
approved, edited and retired on it, the facts-check flag, and the export to golden lines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from helpdesk.convlog import ConversationLog
from helpdesk.curated import CuratedStore
from helpdesk.feedback import Feedback, FeedbackStore
from helpdesk.schema import Answer, Source
from helpdesk.settings import PROJECT_ROOT, Settings

APP = str(PROJECT_ROOT / "app.py")
PAGE = "helpdesk/insights_page.py"
PASSWORD = "correct horse battery staple"
FAQ = (Source(doc="devpack-faq", title="FAQs", url="https://docs.z.ai/devpack/faq", as_of="2026-02-12"),)


def seed(path) -> None:
    """A day's worth of log: two refused PayPal questions, a low-confidence one, a voted-down answer."""
    log = ConversationLog(path)
    now = dt.datetime.now(dt.timezone.utc)
    asked = [("Can I pay with PayPal?", "abstain", 0.2, 0), ("do you take paypal", "abstain", 0.1, 1),
             ("Is there a student discount?", "retrieval", 0.41, 1), ("How many prompts on Lite?", "rules", 1.0, 2)]
    ids = []
    for question, route, confidence, days in asked:
        result = Answer(text=f"answer to {question}", route=route, confidence=confidence,
                        offer_human=route == "abstain", sources=() if route == "abstain" else FAQ)
        ids.append(log.add(question, [], result, session_id="s1", surface="streamlit", latency_ms=30,
                           now=now - dt.timedelta(days=days)))
    FeedbackStore(path).add(Feedback(rating=-1, question="How many prompts on Lite?", answer="answer",
                                     route="rules", comment="it said 120, the page says 80", answer_id=ids[3]))


@pytest.fixture
def env(real_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    monkeypatch.delenv("HELPDESK_LLM_API_KEY", raising=False)
    monkeypatch.delenv("HELPDESK_INSIGHTS_PASSWORD", raising=False)
    seed(tmp_path / "feedback.sqlite3")
    return tmp_path / "feedback.sqlite3"


def open_page(password: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    if password is not None:
        at.text_input(key="insights-password").input(password)
        at.button[0].click().run()
        assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
                     + [i.value for i in at.info] + [w.value for w in at.warning] + [e.value for e in at.error]
                     + [s.value for s in at.success])


def test_without_a_password_the_page_does_not_exist(env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    with pytest.raises(ValueError, match=r"Known pages: \['Support chat'\]"):  # registered: the chat alone
        at.switch_page(PAGE)
    direct = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=60)
    direct.run()
    assert "HELPDESK_INSIGHTS_PASSWORD" in texts(direct) and not direct.text_input and not direct.metric


def test_a_wrong_password_shows_nothing(env, monkeypatch):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page("correct horse")
    assert "Wrong password" in texts(at)
    assert not at.metric and not at.tabs


def test_the_right_password_shows_rates_topics_and_thumbs_down(env, monkeypatch):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page(PASSWORD)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Questions": "4", "Answered": "50.0%", "Refused": "50.0%", "Handed over": "50.0%",
                       "Thumbs down": "1"}
    topics = [e.label for e in at.expander]
    assert any("(2)" in label and "paypal" in label.lower() for label in topics), topics  # PayPal questions together
    assert any("student discount" in label for label in topics)
    down = at.dataframe[0].value
    assert list(down["question"]) == ["How many prompts on Lite?"]
    assert list(down["comment"]) == ["it said 120, the page says 80"]


def test_filtering_by_route_narrows_everything(env, monkeypatch):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page(PASSWORD)
    at.multiselect(key="filter-routes").set_value(["abstain"]).run()
    assert {m.label: m.value for m in at.metric}["Questions"] == "2"
    assert "No thumbs-down answers" in texts(at)


def test_an_agent_curates_a_topic_and_the_bot_serves_it(env, monkeypatch, helpdesk, real_settings):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page(PASSWORD)
    next(b for b in at.button if b.label == "Write a curated answer for this topic").click().run()
    assert "PayPal" in at.text_area(key="cur-questions").value
    at.text_area(key="cur-answer").input("Payment is by credit card; PayPal is not listed. Ask support for others.")
    at.selectbox(key="cur-doc").set_value("help-center-faq")
    at.button(key="cur-approve").click().run()
    assert not at.exception, at.exception
    assert "approved" in texts(at)
    settings = Settings.from_env(feedback_db=env, index_dir=real_settings.index_dir)
    [item] = CuratedStore(env, settings.corpus_dir).all()
    assert item.status == "approved" and item.doc == "help-center-faq" and "do you take paypal" in item.questions
    served = helpdesk.using(settings).curated.answer("Is PayPal accepted as a payment method?", [])
    assert served is not None and served.text.startswith("Payment is by credit card") and served.trace["layer"] == "curated"

    at.button(key="cur-edit").click().run()
    at.text_area(key="cur-answer").input("Edited: credit card only.")
    at.button(key="cur-approve").click().run()
    assert CuratedStore(env, settings.corpus_dir).get(item.id).answer == "Edited: credit card only."
    at.button(key="cur-retire").click().run()
    assert "retired" in texts(at)
    assert helpdesk.using(settings).curated.answer("Is PayPal accepted as a payment method?", []) is None


def test_an_unusable_curated_answer_says_what_to_fix(env, monkeypatch):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page(PASSWORD)
    at.text_area(key="cur-questions").input("Can I pay with PayPal?")
    at.button(key="cur-approve").click().run()
    assert "answer is empty" in "\n".join(e.value for e in at.error)


def test_a_curated_answer_the_docs_no_longer_support_is_flagged_on_the_page(env, monkeypatch):
    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    store = CuratedStore(env, Settings.from_env().corpus_dir)
    stale = store.add(["How many prompts on Lite?"], "Lite gives ~95 prompts every 5 hours.", "devpack-faq")
    at = open_page(PASSWORD)
    warning = "\n".join(w.value for w in at.warning)
    assert f"#{stale} is not served" in warning and "95" in warning
    assert list(at.dataframe[-1].value["facts check"]) == ["stale"]


def test_failures_export_as_golden_lines(env, monkeypatch, tmp_path):
    from eval.metrics import load_golden

    monkeypatch.setenv("HELPDESK_INSIGHTS_PASSWORD", PASSWORD)
    at = open_page(PASSWORD)
    exported = at.get("code")[-1].value
    lines = [json.loads(line) for line in exported.splitlines()]
    assert {line["category"] for line in lines} == {"refused", "low confidence", "thumbs down"}
    assert len(lines) == 4
    golden = tmp_path / "g.jsonl"
    golden.write_text(exported)
    assert len(load_golden(golden)) == 4
    picked = at.multiselect(key="export-pick")
    picked.set_value(picked.value[:1]).run()
    assert len(at.get("code")[-1].value.splitlines()) == 1
