"""What the insights page computes: rates per day, topics, failures, and golden lines that the evaluation runs
unchanged against a real index."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from eval.__main__ import main as eval_main
from eval.metrics import load_golden
from helpdesk.convlog import ConversationLog, record
from helpdesk.curated import CuratedStore
from helpdesk.feedback import Feedback, FeedbackStore
from helpdesk.insights import (PLACEHOLDER, figure_pattern, golden_jsonl, golden_line, rates_by_day, select,
                               summary, topics, why_flagged)
from helpdesk.schema import Answer

DAY = dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone.utc)


def entry(question, route="retrieval", confidence=0.8, offer_human=False, day=0, rating=None, answer_id=None,
          history=()):
    return {"answer_id": answer_id or f"{abs(hash((question, day))):032x}"[:32],
            "created_at": (DAY + dt.timedelta(days=day)).isoformat(timespec="seconds"), "session_id": "s",
            "surface": "streamlit", "question": question, "history": list(history), "answer": "an answer",
            "route": route, "sources": [], "confidence": confidence, "offer_human": offer_human, "latency_ms": 20.0,
            "notes": [], "layer": "", "rating": rating, "comment": "wrong" if rating == -1 else ""}


LOG = [
    entry("How many prompts on Lite?", "rules", 1.0, day=0),
    entry("Can I pay with PayPal?", "abstain", 0.2, True, day=0),
    entry("do you take paypal", "abstain", 0.1, True, day=1),
    entry("Is there a student discount?", "abstain", 0.3, True, day=1),
    entry("any discount for students", "retrieval", 0.42, day=1),
    entry("How do I set up Cline?", "retrieval", 0.9, day=2, rating=-1),
]


def test_rates_per_day_are_shares_of_that_days_questions():
    daily = rates_by_day(LOG)
    assert list(daily["questions"]) == [2, 3, 1]
    assert list(daily["answered"]) == [50.0, 33.3, 100.0]
    assert list(daily["refused"]) == [50.0, 66.7, 0.0]
    assert list(daily["handed over"]) == [50.0, 66.7, 0.0]
    assert summary(LOG)["thumbs down"] == 1 and summary(LOG)["refused"] == 50.0
    assert rates_by_day([]).empty


def test_filters_by_date_and_route():
    assert [e["question"] for e in select(LOG, DAY.date() + dt.timedelta(days=1), None, ["abstain"])] == \
        ["do you take paypal", "Is there a student discount?"]
    assert len(select(LOG, None, DAY.date())) == 2


def test_refused_and_low_confidence_questions_are_grouped_by_topic(embedder):
    failing = [e for e in LOG if why_flagged(e) in ("refused", "low confidence")]
    assert [why_flagged(e) for e in failing] == ["refused", "refused", "refused", "low confidence"]
    found = topics(failing, embedder)
    assert sorted(sorted(t.questions) for t in found) == [
        ["Can I pay with PayPal?", "do you take paypal"],
        ["Is there a student discount?", "any discount for students"]]


def test_figure_patterns_match_the_figure_and_not_a_longer_number():
    pattern = figure_pattern("1600")
    assert re.search(pattern, "~1,600 prompts") and re.search(pattern, "1600") and not re.search(pattern, "21600")
    assert re.search(figure_pattern("0.6"), "$0.6 per 1M") and not re.search(figure_pattern("0.6"), "0.65")


def test_a_golden_line_carries_the_question_history_and_a_placeholder_that_fails_until_filled_in():
    history = [{"role": "user", "content": "Lite quota?"}, {"role": "assistant", "content": "~80"}]
    line = golden_line(entry("and on Pro?", "abstain", history=history))
    assert line["question"] == "and on Pro?" and line["history"] == history and line["category"] == "refused"
    assert line["expect"] == {"all": [PLACEHOLDER]} and "todo" in line
    typed = golden_line(entry("and on Pro?", "abstain"), keywords=["400", "prompts"])
    assert typed["expect"]["all"][1] == "prompts" and re.search(typed["expect"]["all"][0], "~400 prompts")


@pytest.fixture(scope="module")
def embedder():
    """The query embedder, as a Helpdesk holds it: grouping questions needs no index."""
    from helpdesk.embedding import Embedder
    from helpdesk.settings import Settings

    return Embedder.from_settings(Settings.from_env({}))


@pytest.fixture
def settings(real_settings, tmp_path):
    return replace(real_settings, feedback_db=tmp_path / "feedback.sqlite3")


def test_exported_failures_run_unchanged_through_the_evaluation(helpdesk, settings, tmp_path, monkeypatch, capsys):
    """Real answers, logged, voted on, one fixed by a curated answer, exported and run by `python -m eval`."""
    helpdesk = helpdesk.using(settings)  # the shared index and model, this test's feedback and curated store
    # A question the bot refuses (the docs say nothing of a mobile app), one off-topic, one rated down.
    asked = [("Do you have a mobile app?", []), ("give me a lasagna recipe", []),
             ("and on Max?", [{"role": "user", "content": "How many web searches per month on Lite?"},
                              {"role": "assistant", "content": "100"}])]
    for question, history in asked:
        result = helpdesk.answer(question, history)
        record(question, history, result, settings, surface="test", session_id="s1")
    logged = ConversationLog(settings.feedback_db).entries()
    FeedbackStore(settings.feedback_db).add(Feedback(rating=-1, question=logged[2]["question"], route="rules",
                                                     answer=logged[2]["answer"], answer_id=logged[2]["answer_id"]))
    store = CuratedStore(settings.feedback_db, settings.corpus_dir)
    store.add(["Do you have a mobile app?"], "No: there is no mobile app; use the plan from a supported coding tool, "
              "from 3 USD a month.", "help-center-faq")
    logged = ConversationLog(settings.feedback_db).entries()
    lines = [golden_line(e, store.all("approved"), settings, embedder=helpdesk.embedder) for e in logged if why_flagged(e)]
    assert len(lines) == 3
    by_question = {line["question"]: line for line in lines}
    curated = by_question["Do you have a mobile app?"]
    assert curated["expect"]["route"] == "rules" and curated["expect"]["sources"] == ["help-center-faq"]
    assert re.search(curated["expect"]["all"][0], "3 USD")
    assert by_question["and on Max?"]["history"][0]["content"].startswith("How many web searches")
    golden = tmp_path / "golden-from-log.jsonl"
    golden.write_text(golden_jsonl(lines), encoding="utf-8")
    assert [item.id for item in load_golden(golden)] == [line["id"] for line in lines]
    out = tmp_path / "results.jsonl"
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(settings.feedback_db))
    assert eval_main(["--golden", str(golden), "--index", str(settings.index_dir), "--offline",
                      "--out", str(out)]) == 0
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results] == [line["id"] for line in lines]
    assert all("passed" in r for r in results)
    assert not next(r for r in results if r["question"] == "give me a lasagna recipe")["passed"]  # the placeholder
