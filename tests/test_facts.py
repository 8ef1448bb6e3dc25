"""The rules layer cannot drift from the docs: every fact's quote is in its document, from the newest page."""

from __future__ import annotations

import shutil

import pytest

from helpdesk.rules.facts import load_facts, verify
from helpdesk.settings import Settings

SETTINGS = Settings.from_env({})


def test_every_fact_is_quoted_from_the_newest_document():
    assert verify(SETTINGS.facts_path, SETTINGS.corpus_dir) == []


def test_facts_cover_what_the_issue_lists():
    facts = load_facts(SETTINGS.facts_path, SETTINGS.corpus_dir)
    assert {"quota.lite", "quota.pro", "quota.max", "calls_per_prompt", "weekly.cycle", "models.glm5_multiplier",
            "mcp.lite", "mcp.pro", "mcp.max", "price.lite_monthly", "price.pro_monthly", "sub.cancel", "sub.refund",
            "ref.inviter_reward", "ref.friend_discount", "ref.window", "ref.minimum", "api.glm-4.7",
            "endpoint.anthropic", "endpoint.coding"} <= set(facts.by_id)
    assert (facts.value("quota.lite"), facts.value("quota.pro"), facts.value("quota.max")) == (80, 400, 1600)
    assert facts.value("ref.inviter_reward") == 30 and facts["ref.inviter_reward"].doc == "devpack-credit-campaign-rules"


@pytest.fixture
def corpus_copy(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SETTINGS.corpus_dir, folder)
    facts = tmp_path / "facts.toml"
    shutil.copy(SETTINGS.facts_path, facts)
    return folder, facts


@pytest.mark.parametrize("doc, old, new, fact", [
    ("devpack-faq.md", "Up to ~80 prompts every 5 hours", "Up to ~90 prompts every 5 hours", "quota.lite"),
    ("devpack-faq.md", "a total of 4,000 web searches", "a total of 5,000 web searches", "mcp.max"),
    ("devpack-credit-campaign-rules.md", "**30% of the friend's", "**25% of the friend's", "ref.inviter_reward"),
    ("guides-api-pricing.md", "| GLM-4.7             | $0.6 ", "| GLM-4.7             | $0.7 ", "api.glm-4.7"),
])
def test_changing_a_quoted_figure_in_the_docs_fails_the_check(corpus_copy, doc, old, new, fact):
    folder, facts = corpus_copy
    path = folder / doc
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    problems = verify(facts, folder)
    assert any(p.startswith(f"{fact}:") and "quote is not in" in p for p in problems), problems


def test_a_newer_page_on_the_same_topic_fails_the_check(corpus_copy):
    folder, facts = corpus_copy
    newer = folder / "devpack-referral-update.md"
    newer.write_text("---\ntitle: Referral update\nsource: https://docs.z.ai/x\nas_of: 2026-03-01\n---\n"
                     "Base Reward: 25% of the friend's payment.\n", encoding="utf-8")
    problems = verify(facts, folder)
    assert any("ref.inviter_reward: cites devpack-credit-campaign-rules" in p and "devpack-referral-update" in p
               for p in problems), problems
