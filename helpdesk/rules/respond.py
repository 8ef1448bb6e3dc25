"""Intent + slots + facts -> a short exact answer: the figure first, the assumption stated, the source cited.

This module holds what every handler shares (the Reply being written, its calculations, number formatting) and
dispatches to the intent's handler through helpdesk/rules/registry.py. The handlers themselves live with their
triggers in the family modules (quota.py, pricing.py, referral.py, tools.py): to add an intent, touch one of
those; to add a fact, corpus/facts.toml.

Every number in an answer is either a fact's value or the result of a recorded calculation whose inputs are
facts or numbers the user gave; tests/test_rules_properties.py checks that property over generated questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpdesk.rules import registry
from helpdesk.rules.facts import Facts
from helpdesk.rules.understand import Parsed

PLAN_NAMES = {"lite": "Lite", "pro": "Pro", "max": "Max"}


@dataclass(frozen=True)
class Calculation:
    expression: str
    inputs: dict  # name -> (value, origin): origin is "fact:<id>" or "question"
    result: float


@dataclass
class Reply:
    facts: Facts
    text: str = ""
    fact_ids: list[str] = field(default_factory=list)
    calculations: list[Calculation] = field(default_factory=list)
    clarify: bool = False
    also: list[str] = field(default_factory=list)  # other intents answered after this one (other question sentences)

    def fact(self, fact_id: str):
        if fact_id not in self.fact_ids:
            self.fact_ids.append(fact_id)
        return self.facts.value(fact_id)

    def calc(self, expression: str, **inputs) -> float:
        """Evaluate a small arithmetic expression over named inputs, and keep the working for audit."""
        values = {name: value for name, (value, _) in inputs.items()}
        result = eval(expression, {"__builtins__": {}, "min": min, "max": max, "round": round}, values)  # noqa: S307 (our own expressions)
        self.calculations.append(Calculation(expression, inputs, result))
        return result


def money(value: float) -> str:
    value = round(value + 0.0, 2)
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def number(value: float) -> str:
    value = round(value + 0.0, 2)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def plans_of(p: Parsed) -> list[str]:
    """The plans the question names, in order, each once."""
    return list(dict.fromkeys(p.slots.plans))


def respond(parsed: Parsed, facts: Facts) -> Reply:
    reply = Reply(facts=facts)
    reply.text = registry.intent(parsed.intent).handler(reply, parsed)
    return reply
