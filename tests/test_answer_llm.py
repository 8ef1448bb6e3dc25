"""The one entry point with GLM configured: rules are never rewritten, docs answers are generated, failures fall back."""

from __future__ import annotations

import dataclasses

import pytest

from tests.fake_llm_server import FakeLLM, Reply


@pytest.fixture
def fake():
    with FakeLLM() as server:
        yield server


@pytest.fixture
def settings(real_settings, fake):
    return dataclasses.replace(real_settings, llm_api_key="sk-test-SECRET", llm_base_url=fake.base_url,
                               llm_timeout=5.0, llm_max_retries=1)


@pytest.fixture
def helpdesk(helpdesk, settings):
    """The session's Helpdesk (its loaded index and model) with these settings: GLM through the fake server."""
    return helpdesk.using(settings)


def test_rules_answers_never_reach_the_model(helpdesk, fake, settings):
    result = helpdesk.answer("How many prompts do I get every 5 hours on Lite?")
    assert result.route == "rules" and "~80 prompts" in result.text
    assert fake.requests == []


def test_docs_questions_are_written_by_glm_from_the_retrieved_passages(helpdesk, fake, settings):
    fake.script(Reply(text="Install it from the VS Code Extensions Marketplace by searching for cline [1]."))
    events = list(helpdesk.answer_stream("How do I install the Cline extension?"))
    assert [e.kind for e in events][0] == "sources" and events[-1].kind == "answer"
    result = events[-1].answer
    assert result.route == "llm" and "Marketplace" in result.text
    prompt = "\n".join(m["content"] for m in fake.requests[-1].body["messages"])
    assert "Cline" in prompt and "docs.z.ai/devpack/tool/cline" in prompt


def test_a_failing_model_falls_back_to_the_offline_answer_with_a_note(helpdesk, fake, settings):
    fake.script(Reply(status=500, message="upstream exploded"), Reply(status=500, message="upstream exploded"))
    result = helpdesk.answer("How do I install the Cline extension?")
    assert result.route == "retrieval" and result.sources
    assert any(note.startswith("AI answer unavailable") for note in result.notes)
    assert "sk-test-SECRET" not in str(result.to_dict())


def test_off_topic_questions_are_refused_without_calling_the_model(helpdesk, fake, settings):
    result = helpdesk.answer("give me a good lasagna recipe")
    assert result.route == "abstain" and fake.requests == []


PASTED = ("I moved to a new laptop. My old Roo Code settings were:\n"
          "{\n  \"apiProvider\": \"zai\",\n  \"zaiApiLine\": \"international_coding\",\n  \"apiModelId\": \"glm-4.7\"\n}\n"
          "How do I install the Roo Code extension again from scratch?")


def test_the_message_analysis_reaches_the_rewrite_and_the_prompt(helpdesk, fake, settings):
    """The model is told the ask, what the analysis found (tool, error), and the paste apart from the ask; the
    retrieval query it writes is what retrieval uses (the answer's trace records it)."""
    fake.script(Reply(text="install Roo Code extension"),  # the condensed query
                Reply(text="Search for Roo Code in the VS Code Extensions Marketplace and install it [1]."))
    result = helpdesk.answer(PASTED, [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}])
    assert len(fake.requests) == 2
    rewrite = "\n".join(m["content"] for m in fake.requests[0].body["messages"])
    prompt = "\n".join(m["content"] for m in fake.requests[1].body["messages"])
    for sent in (rewrite, prompt):
        assert "How do I install the Roo Code extension" in sent  # the ask
        assert "tools: roo-code" in sent and "models: glm-4.7" in sent  # what the analysis found
        assert "[Pasted by the user:]" in sent and sent.index("[Pasted by the user:]") > sent.index("How do I install")
    assert result.trace["query"] == "install Roo Code extension"
    assert "devpack-tool-roo-code" in result.trace["ranked"]


def test_pasted_errors_never_make_the_model_skip_a_diagnosis(helpdesk, fake, settings):
    """An error the docs explain is diagnosed by the rules from the analysis: no model call, no paste misread."""
    result = helpdesk.answer('Cline: {"error":{"code":"1113","message":"Insufficient balance or no resource package."}} '
                    "I have the Lite plan")
    assert result.route == "rules" and "coding/paas/v4" in result.text
    assert fake.requests == []
