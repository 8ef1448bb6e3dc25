"""The rules intents are registered units: one place per intent, its declared facts real and honest.

Each intent lives in one family module (helpdesk/rules/quota.py, pricing.py, referral.py, tools.py) as its triggers,
`@register(...)` and its handler; helpdesk/rules/registry.py holds them. These tests keep it that way: the facts an
intent declares exist in corpus/facts.toml, the facts its handler cites when it answers are among them, names and
precedence are unambiguous, and nothing outside the registry maps intent names to code.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from helpdesk.rules import explain, registry
from helpdesk.rules.facts import load_facts
from helpdesk.rules.understand import Slots, parse
from helpdesk.settings import Settings
from tests.test_rules_table import RAW

SETTINGS = Settings.from_env({})
FACTS = load_facts(SETTINGS.facts_path)  # read once, as a Helpdesk holds them
RULES_DIR = Path(registry.__file__).parent
INTENTS = registry.intents()

# Questions for the intents the table has no row for, so that every intent's handler runs at least once here.
PROBES = [
    ("Does my plan renew automatically?", "renewal"),
    ("Can I share my plan with my team?", "personal_plan"),
    ("I want to raise an objection about my invite record", "referral_objection"),
    ("How much does the web search tool cost per call on the API?", "api_tool_price"),
]
QUESTIONS = [(p.values[0], list(p.values[1])) for p in RAW] + [(q, []) for q, _ in PROBES]


def _family_sources() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(RULES_DIR.glob("*.py"))}


def test_every_declared_fact_is_in_facts_toml():
    known = set(load_facts(SETTINGS.facts_path).by_id)
    for intent in INTENTS.values():
        assert intent.facts, f"{intent.name} declares no facts: every answer must rest on one"
        assert intent.facts <= known, f"{intent.name} declares facts not in corpus/facts.toml: {intent.facts - known}"


@pytest.mark.parametrize("question, probe_intent", PROBES)
def test_the_probes_reach_their_intent(question, probe_intent):
    assert parse(question).intent == probe_intent


def test_every_cited_fact_is_declared_and_every_intent_answers_somewhere():
    answered = set()
    for question, history in QUESTIONS:
        parsed, reply = explain(question, history, SETTINGS, facts=FACTS)
        if reply is None:
            continue
        answered.add(parsed.intent)
        # a message with several rule questions answers each; every fact is declared by an intent that answered
        declared = INTENTS[parsed.intent].facts.union(*(INTENTS[other].facts for other in reply.also))
        undeclared = set(reply.fact_ids) - declared
        assert not undeclared, f"{parsed.intent} cited {undeclared} for {question!r} without declaring them"
    assert answered == set(INTENTS), f"no question here reaches {set(INTENTS) - answered}"


def test_intent_names_are_registered_once_each():
    registered = Counter()
    for name, tree in _family_sources().items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "register"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                registered[node.args[0].value] += 1
    assert registered == Counter(set(INTENTS)), registered
    with pytest.raises(registry.RegistryError, match="registered twice"):
        registry.register("plan_quota", registry.When(999, lambda text, s: False), facts=())(lambda r, p: "")


def test_each_intent_is_one_unit_in_its_family_module():
    families = {module.rsplit(".", 1)[1] for module in registry.FAMILIES}
    handlers = [intent.handler for intent in INTENTS.values()]
    assert len(set(handlers)) == len(handlers), "one handler registered under two names"
    for intent in INTENTS.values():
        assert intent.module.rsplit(".", 1)[1] in families, intent
        for when in intent.when:  # the triggers sit beside the handler, not in a shared cascade
            assert when.trigger.__module__ == intent.module, (intent.name, when.trigger.__name__)
    for g in registry.groups().values():
        assert g.module.rsplit(".", 1)[1] in families, g


def test_no_other_place_maps_intent_names_to_code():
    """No dispatch table keyed by intent name, no `parsed.intent == "..."` special case outside the registry."""
    names = set(INTENTS)
    for filename, tree in _family_sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not keys & names, f"{filename}:{node.lineno} maps intent names {keys & names}"
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                on_intent = any(isinstance(s, ast.Attribute) and s.attr == "intent" for s in sides)
                literal = any(isinstance(s, ast.Constant) and s.value in names for s in sides)
                assert not (on_intent and literal), f"{filename}:{node.lineno} special-cases an intent by name"


def test_precedence_is_explicit_and_groups_close():
    lines = registry.precedence()
    assert len(lines) >= len(INTENTS)
    # A referral question none of the referral intents answers gets no rule, not a later family's.
    assert registry.first_intent("does my invite count if my friend lives in europe", Slots()) is None
    assert registry.first_intent("how do i configure the web search mcp", Slots()) is None


def test_slots_read_like_a_dict_of_what_the_question_states():
    s = parse("upgrade lite to pro on day 5, is it $24?").slots
    assert s.plans == ["lite", "pro"] and s["plans"] == ["lite", "pro"] and "plans" in s
    assert "glm5" not in s and s.get("glm5") is None and s.glm5 is False
    assert dict(s.items()) == {k: s[k] for k in s}
    with pytest.raises(KeyError):
        s["tokens"]
