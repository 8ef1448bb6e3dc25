"""The rules layer: exact quota, price, date and referral answers, computed from corpus/facts.toml.

Runs before retrieval and never calls a model. `answer_rules` returns None for anything it does not cover,
so the question falls through to retrieval untouched.
"""

from __future__ import annotations

from typing import Sequence

from helpdesk.rules.facts import Facts, load_facts
from helpdesk.rules.respond import Reply, respond
from helpdesk.rules.understand import Parsed, resolve
from helpdesk.schema import Answer
from helpdesk.settings import Settings


def facts_for(settings: Settings) -> Facts:
    return load_facts(settings.facts_path)


def explain(question: str, history: Sequence[dict], settings: Settings) -> tuple[Parsed, Reply | None]:
    """The parse and the reply with its working (facts used, calculations): what tests and audits look at."""
    parsed = resolve(question, list(history))
    if parsed.intent is None:
        return parsed, None
    return parsed, respond(parsed, facts_for(settings))


def answer_rules(question: str, history: Sequence[dict], settings: Settings) -> Answer | None:
    parsed, reply = explain(question, history, settings)
    if reply is None:
        return None
    facts = facts_for(settings)
    sources = []
    for fact_id in reply.fact_ids:
        source = facts.source(fact_id)
        if all(s.doc != source.doc for s in sources):
            sources.append(source)
    as_of = "截至" if parsed.language == "zh" else "as of"
    cited = "; ".join(f"{s.title}, {as_of} {s.as_of}" for s in sources)
    label = "来源" if parsed.language == "zh" else "Source"
    text = reply.text if reply.clarify else f"{reply.text}\n({label}: {cited})"
    return Answer(text=text, route="rules", sources=tuple(sources), confidence=1.0,
                  notes=(f"intent={parsed.intent}", f"facts v{facts.version}"))
