"""The running Streamlit app in a real headless Chromium: ask a question, see the answer and its source link."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpdesk.settings import PROJECT_ROOT
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port, require_browser, wait_for_http


@pytest.fixture
def streamlit_url(real_settings, tmp_path):
    port = free_port()
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(real_settings.index_dir),
           "HELPDESK_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3")}
    env.pop("ZAI_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


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
