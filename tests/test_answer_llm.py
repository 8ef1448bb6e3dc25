"""The one entry point with GLM configured: rules are never rewritten, docs answers are generated, failures fall back."""

from __future__ import annotations

import dataclasses

import pytest

from helpdesk.answer import answer, answer_stream
from tests.fake_llm_server import FakeLLM, Reply


@pytest.fixture
def fake():
    with FakeLLM() as server:
        yield server


@pytest.fixture
def settings(real_settings, fake):
    return dataclasses.replace(real_settings, llm_api_key="sk-test-SECRET", llm_base_url=fake.base_url,
                               llm_timeout=5.0, llm_max_retries=1)


def test_rules_answers_never_reach_the_model(fake, settings):
    result = answer("How many prompts do I get every 5 hours on Lite?", settings=settings)
    assert result.route == "rules" and "~80 prompts" in result.text
    assert fake.requests == []


def test_docs_questions_are_written_by_glm_from_the_retrieved_passages(fake, settings):
    fake.script(Reply(text="Install it from the VS Code Extensions Marketplace by searching for cline [1]."))
    events = list(answer_stream("How do I install the Cline extension?", settings=settings))
    assert [e.kind for e in events][0] == "sources" and events[-1].kind == "answer"
    result = events[-1].answer
    assert result.route == "llm" and "Marketplace" in result.text
    prompt = "\n".join(m["content"] for m in fake.requests[-1].body["messages"])
    assert "Cline" in prompt and "docs.z.ai/devpack/tool/cline" in prompt


def test_a_failing_model_falls_back_to_the_offline_answer_with_a_note(fake, settings):
    fake.script(Reply(status=500, message="upstream exploded"), Reply(status=500, message="upstream exploded"))
    result = answer("How do I install the Cline extension?", settings=settings)
    assert result.route == "retrieval" and result.sources
    assert any(note.startswith("AI answer unavailable") for note in result.notes)
    assert "sk-test-SECRET" not in str(result.to_dict())


def test_off_topic_questions_are_refused_without_calling_the_model(fake, settings):
    result = answer("give me a good lasagna recipe", settings=settings)
    assert result.route == "abstain" and fake.requests == []
