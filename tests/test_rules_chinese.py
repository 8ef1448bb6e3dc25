"""Chinese answers hold to what the English ones do: every number a fact, a figure from the question or a recorded
calculation, and the answer Chinese throughout, not an English sentence with a Chinese word in it.

The rows are the table's zh=True rows (tests/test_rules_table.py), so a new Chinese row is checked here too.
"""

from __future__ import annotations

import re

import pytest

from helpdesk.rules import explain
from tests.test_rules_properties import ASSUMPTIONS, FACT_NUMBERS, NUMBER, check_calculations, question_numbers
from tests.test_rules_table import ROWS, SETTINGS

CHINESE_ROWS = [pytest.param(p.values[0], p.values[1], id=p.id) for p in ROWS
                if p.values[7] and not p.marks and p.values[2] is not None]
# Five English words in a row is an English sentence; names (GLM Coding Plan, Coding Tool Helper), env vars,
# commands in backticks and URLs are shorter or not words.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]+(?:[ ,:']+[A-Za-z]+){4,}\b")
VERBATIM = re.compile(r"`[^`]*`|https?://\S+|“[^”]*”")  # commands, URLs and quoted doc wording stay as written


def test_the_table_has_chinese_rows_to_check():
    assert len(CHINESE_ROWS) >= 50


@pytest.mark.parametrize("question, history", CHINESE_ROWS)
def test_every_number_in_a_chinese_answer_is_a_fact_or_computed(question, history):
    parsed, reply = explain(question, list(history), SETTINGS)
    # The numbers the question states as the parser read them: "2M input tokens" states 2,000,000.
    stated = f"{question} " + " ".join(str(v) for v in (*parsed.slots.get("tokens", {}).values(),
                                                        *parsed.slots.get("money", []), *parsed.slots.get("hours", [])))
    derived = check_calculations(reply, stated)
    allowed = FACT_NUMBERS | question_numbers(stated) | derived | ASSUMPTIONS
    for token in NUMBER.findall(reply.text):
        value = float(token.replace(",", ""))
        assert any(abs(value - a) < 0.006 or abs(round(a, 2) - value) < 1e-9 for a in allowed), (token, reply.text)


@pytest.mark.parametrize("question, history", CHINESE_ROWS)
def test_a_chinese_answer_has_no_english_sentence(question, history):
    parsed, reply = explain(question, list(history), SETTINGS)
    prose = VERBATIM.sub(" ", reply.text)
    assert not ENGLISH_RUN.search(prose), f"English in a Chinese answer: {ENGLISH_RUN.search(prose).group(0)!r}"
