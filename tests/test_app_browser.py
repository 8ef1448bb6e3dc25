"""The running Streamlit app in a real headless Chromium: ask a question, see the answer and its source link."""

from __future__ import annotations


import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_browser, streamlit_app


@pytest.fixture
def streamlit_url(real_settings, tmp_path):
    with streamlit_app(real_settings.index_dir, tmp_path / "feedback.sqlite3") as url:
        yield url


def test_question_in_a_real_browser_gets_an_answer_with_a_source_link(streamlit_url):
    sync_api = require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(streamlit_url)
        box = page.get_by_placeholder("Ask a question about the GLM Coding Plan")
        box.wait_for(timeout=120_000)
        box.fill("Can I withdraw my referral credits to my bank account?")
        box.press("Enter")
        page.get_by_text("cannot be withdrawn").first.wait_for(timeout=120_000)
        link = page.locator('a[href="https://docs.z.ai/devpack/faq"]').first
        link.wait_for(timeout=30_000)
        assert link.inner_text() == "FAQs"
        page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
        embedded = browser.new_page(viewport={"width": 420, "height": 700})
        embedded.goto(f"{streamlit_url}/?embed=true")
        embedded.get_by_placeholder("Ask a question about the GLM Coding Plan").wait_for(timeout=120_000)
        embedded.screenshot(path=str(ARTIFACTS / "app-embed.png"))
        browser.close()
