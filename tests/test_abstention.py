"""The calibrated abstention, kept honest against the labelled set it was fitted on."""

from __future__ import annotations

import pytest

from helpdesk.calibrate import REAL_LABELLED, collect, kind_of, load, off_topic_score, score

# Measured at the calibrated defaults: balanced accuracy 0.85 (answered 0.92, refused 0.79) on 95 questions.
BALANCED_FLOOR = 0.80


@pytest.fixture(scope="module")
def samples(helpdesk):
    return collect(helpdesk, load())


def test_labelled_set_is_balanced_and_large(samples):
    labels = [label for _, label in samples]
    assert len(labels) >= 90 and min(labels.count("answer"), labels.count("abstain")) >= 40


def test_calibrated_defaults_separate_the_labelled_set(samples, real_settings):
    s = real_settings
    result = score(samples, s.abstain_vocabulary_weight, s.abstain_support_weight, s.abstain_threshold)
    assert result.balanced >= BALANCED_FLOOR, result


def test_plainly_off_topic_questions_are_refused(helpdesk, real_settings):
    rows = [row for row in load() if row["why"].startswith("off-topic")]
    assert len(rows) >= 10
    answered = [row["question"] for row in rows if helpdesk.answer(row["question"]).route != "abstain"]
    assert len(answered) <= len(rows) // 10, answered


@pytest.mark.parametrize("question", [
    "give me a good lasagna recipe for 6 people",
    "who won the 2022 FIFA World Cup?",
    "convert 50 fahrenheit to celsius",
])
def test_abstention_is_one_sentence_with_a_way_to_a_human(helpdesk, real_settings, question):
    result = helpdesk.answer(question)
    assert result.route == "abstain" and result.offer_human and not result.sources
    assert real_settings.support_url in result.text
    assert result.text.count(". ") == 0 and len(result.text) < 300


def test_the_off_topic_wording_is_calibrated_on_clean_and_real_messages(helpdesk, real_settings):
    """The cut between "I can only help with..." and "not in the docs" is fitted, not a literal (0.99 measured)."""
    rows = load() + load(REAL_LABELLED)
    samples = collect(helpdesk, rows)
    value = off_topic_score(samples, [kind_of(row) for row in rows], real_settings.off_topic_vocabulary,
                            real_settings.off_topic_closeness)
    assert value >= 0.95, value


def test_pasted_material_never_makes_a_question_off_topic(helpdesk, real_settings):
    """The same ask with a log pasted under it is judged on the ask."""
    ask = "How do I set the base URL for Cline with the coding plan?"
    pasted = ask + "\n```\n[2026-05-18 08:07:17] DEBUG xyzzy frobnicate quux 0x7f3a 443 ECONNRESET lorem ipsum\n```"
    plain, noisy = helpdesk.answer(ask), helpdesk.answer(pasted)
    assert plain.route != "abstain" and noisy.route != "abstain", noisy.text


def test_the_floor_for_known_asks_is_the_cost_weighted_fit(helpdesk, real_settings):
    """An ask the corpus knows is refused only below the floor: the fit counts a refused answerable question three
    times a hedged unanswerable one. At the defaults almost every answerable labelled question is answered, off-topic
    ones are still all refused, and the default is what `python -m helpdesk.calibrate` fits (0.355 measured)."""
    from helpdesk.calibrate import fit_floor, floor_score
    s = real_settings
    rows = load() + load(REAL_LABELLED)
    samples = collect(helpdesk, rows)
    off = [e.vocabulary < s.off_topic_vocabulary or e.closeness < s.off_topic_closeness for e, _ in samples]
    now = floor_score(samples, s.abstain_vocabulary_weight, s.abstain_support_weight, s.abstain_threshold,
                      s.abstain_floor, off)
    assert now.answer_recall >= 0.93 and now.abstain_recall >= 0.5, now
    floor, _ = fit_floor(samples, s.abstain_vocabulary_weight, s.abstain_support_weight, s.abstain_threshold, off)
    assert abs(floor - s.abstain_floor) < 0.02, floor
    refused = [row["question"] for (e, _), row, o in zip(samples, rows, off) if kind_of(row) == "off-topic" and not (
        e.confidence(s.abstain_vocabulary_weight, s.abstain_support_weight) < s.abstain_threshold and o)]
    assert refused == [], refused
