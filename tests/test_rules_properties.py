"""Property-based checks of the rules layer over generated questions and amounts (hypothesis)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpdesk.rules import explain
from helpdesk.rules.understand import normalise, parse
from helpdesk.rules.facts import load_facts
from helpdesk.settings import Settings

SETTINGS = Settings.from_env({})
FACTS = load_facts(SETTINGS.facts_path)  # read once, as a Helpdesk holds them
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Every number in the facts file, a version's parts too ("Node.js >= v22.0.0" states 22).
FACT_NUMBERS = {float(part) for n in NUMBER.findall(SETTINGS.facts_path.read_text(encoding="utf-8"))
                for part in ([n.replace(",", "")] if n.replace(",", "").count(".") <= 1 else n.split("."))}
ASSUMPTIONS = {1.0, 3.0, 12.0, 15.0, 30.0, 90.0, 365.0}  # cycle lengths (days, months) and "halfway", stated in answers

plans = st.sampled_from(["Lite", "Pro", "Max", "lite", "PRO", "max"])
cycles = st.sampled_from(["monthly", "quarterly", "annual", "yearly"])
amounts = st.decimals(min_value="0.5", max_value="500", places=2).map(float)
percents = st.integers(min_value=1, max_value=95)
days = st.integers(min_value=0, max_value=30)
tokens = st.integers(min_value=1, max_value=20_000_000)
models = st.sampled_from(["GLM-4.7", "glm-4.6", "GLM-4.5-Air", "glm-4.7-flashx", "GLM-4.5-X", "GLM-4.7-Flash"])
hours = st.integers(min_value=1, max_value=200)
dates = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31))

questions = st.one_of(
    st.builds("How many prompts does {} get every 5 hours{}?".format, plans, st.sampled_from(["", " with GLM-5"])),
    st.builds("I've been on {} {} for {} days. What does upgrading to {} {} cost?".format,
              plans, cycles, days, plans, cycles),
    st.builds("upgrade from lite to pro on day {} of my cycle, how much?".format, st.integers(1, 31)),
    st.builds("If Lite costs ${} and Pro costs ${}, what do I pay to upgrade after {} days?".format,
              amounts, amounts, days),
    st.builds("My friend bought a ${} plan with {}% off plus {}% off and used {} USD credits. How much do I earn from "
              "the referral?".format, amounts, percents, percents, amounts),
    st.builds("What does {} input tokens and {} output tokens cost on {}?".format, tokens, tokens, models),
    st.builds("my friend used my invite link and paid after {} hours, does it count?".format, hours),
    st.builds("My plan renews on {:%B %d} at {}:00. When is the last moment to cancel?".format, dates,
              st.integers(0, 23)),
    st.builds("How many web searches does the {} plan include per month?".format, plans),
    st.builds("how much more usage does {} give than {}?".format, plans, plans),
    st.builds("I invited {} friends, how many extra reward rounds do I get?".format, st.integers(1, 400)),
)


def question_numbers(question: str) -> set[float]:
    return {float(n.replace(",", "")) for n in NUMBER.findall(normalise(question))}


def check_calculations(reply, question: str) -> set[float]:
    """Every calculation recomputes from its inputs, and every input is a fact, a user's number or a stated cycle."""
    given_numbers = question_numbers(question)
    derived: set[float] = set()
    for calc in reply.calculations:
        for name, (value, origin) in calc.inputs.items():
            if isinstance(value, str):  # a date the user gave
                continue
            if origin.startswith("fact:"):
                fact_value = reply.facts.value(origin[5:])
                assert value in (fact_value if isinstance(fact_value, list) else [fact_value]), (calc, name)
            elif origin == "question":
                assert any(abs(value - g) < 1e-9 for g in given_numbers) or value in ASSUMPTIONS or value == 0, (calc, name)
            elif origin == "assumption":
                assert value in ASSUMPTIONS, (calc, name)
            else:
                assert origin == "calculation" and any(abs(value - d) < 1e-9 for d in derived), (calc, name)
            derived.add(float(value))
        if not any(isinstance(v, str) for v, _ in calc.inputs.values()):
            values = {n: v for n, (v, _) in calc.inputs.items()}
            recomputed = eval(calc.expression, {"__builtins__": {}, "min": min, "max": max, "round": round}, values)
            assert abs(recomputed - calc.result) < 1e-9
        else:
            moment = dt.datetime.fromtimestamp(calc.result)
            derived |= {float(moment.day), float(moment.hour), float(moment.minute), float(moment.year)}
        derived.add(float(calc.result))
    return derived


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions)
def test_every_number_in_a_rules_answer_is_a_fact_or_computed_from_the_question(question):
    parsed, reply = explain(question, [], SETTINGS, facts=FACTS)
    assert parsed.intent is not None, question
    derived = check_calculations(reply, question)
    allowed = FACT_NUMBERS | question_numbers(question) | derived | ASSUMPTIONS
    for token in NUMBER.findall(reply.text):
        value = float(token.replace(",", ""))
        assert any(abs(value - a) < 0.006 or abs(round(a, 2) - value) < 1e-9 for a in allowed), (token, reply.text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_the_parser_never_raises_on_any_text(text):
    parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["upgrade", "lite", "pro", "max", "$", "12", "days", "ago", "refund", "invite",
                                 "tokens", "glm-5", "%", "friend", "cancel", "march", "31", "0", "9999999999",
                                 "套餐", "多少", "?", "-", "."]), max_size=12).map(" ".join))
def test_rules_never_raise_on_domain_word_salad(text):
    explain(text, [], SETTINGS, facts=FACTS)


@pytest.mark.parametrize("text", ["Version 0.9.0 tokens", "opencode 1.2.3.4 input tokens on glm-4.7", "1,2,3.4.5 m tokens"])
def test_version_numbers_are_not_token_amounts(text):
    parse(text)  # a version like 0.9.0 next to "tokens" once raised ValueError



def test_the_typo_fixer_keeps_real_words_and_negations():
    from helpdesk.rules.understand import _fix_typos
    assert _fix_typos("multiple dedicated header manual unsupported unsubscribe") == \
        "multiple dedicated header manual unsupported unsubscribe"
    assert _fix_typos("subscripton pricng refnd") == "subscription pricing refund"


def test_the_typo_fixer_never_lengthens_a_word_into_another_form():
    from helpdesk.rules.understand import _fix_typos
    assert _fix_typos("does this support it") == "does this support it"  # not "supported"
    assert _fix_typos("how many promts") == "how many prompts"  # a slip is still mended
