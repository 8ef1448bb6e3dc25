"""Loading at startup: the API is not ready until the index and the model are loaded, the chat app says it is
loading and answers rules questions meanwhile, the CLI says what it waits for.

The load is held back deterministically by holding the Helpdesk's index lock (what a slow disk or a big index
would do), never by sleeping; no timing is asserted.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from helpdesk.core import Helpdesk
from helpdesk.server import create_app
from helpdesk.warmup import MESSAGE, Loading


@contextmanager
def loading_held(helpdesk: Helpdesk):
    """While inside, `helpdesk` cannot load its index (loading waits for this lock)."""
    with helpdesk.index.lock:
        yield


def test_the_api_is_not_ready_while_it_loads_then_ready(real_settings, tmp_path):
    settings = replace(real_settings, feedback_db=tmp_path / "feedback.sqlite3")
    helpdesk = Helpdesk.from_settings(settings)  # the app's, nothing loaded yet
    app = create_app(settings, helpdesk=helpdesk, env={}, warm_up=True, rate_limit="off")
    with loading_held(helpdesk), TestClient(app) as client:  # held before the lifespan starts its warm-up
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable" and body["index"] == "loading"
        assert "loading the documentation index and the embedding model" in body["reason"]
        assert client.get("/healthz").status_code == 200  # alive all along
    with TestClient(create_app(settings, env={}, warm_up=True, rate_limit="off")) as client:  # lock free now
        for _ in range(600):  # bounded: the warm-up thread finishes once the lock is free
            response = client.get("/readyz")
            if response.status_code == 200:
                break
            time.sleep(0.1)
        assert response.status_code == 200, response.text
        assert response.json()["build"] and response.json()["index"].startswith("loaded (")


def test_the_cli_loader_says_what_it_waits_for(real_settings):
    said: list[str] = []
    helpdesk = Helpdesk.from_settings(real_settings)
    with loading_held(helpdesk):
        loading = Loading(helpdesk)
        assert loading.wait(timeout=0.2, say=said.append) is False
        assert not loading.done
    assert loading.wait(timeout=120) is True
    assert said == [MESSAGE] and loading.problem is None


def test_the_cli_loader_reports_a_missing_index_to_the_answer_not_as_a_crash(real_settings, tmp_path):
    loading = Loading(Helpdesk.from_settings(replace(real_settings, index_dir=tmp_path / "none")))
    assert loading.wait(timeout=120) is True
    assert "python -m ingest" in str(loading.problem)


@pytest.fixture
def app_env(real_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("HELPDESK_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    monkeypatch.delenv("HELPDESK_LLM_API_KEY", raising=False)


def test_the_chat_app_says_it_is_loading_and_answers_rules_questions_meanwhile(app_env):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, page_text

    from helpdesk.app_resources import helpdesk_for
    from helpdesk.settings import Settings

    st.cache_resource.clear()  # a new app process: its background load starts with this first page view
    with loading_held(helpdesk_for(Settings.from_env())):  # the Helpdesk the app is about to get from the cache
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception
        assert any("Loading the documentation index" in info.value for info in at.info)
        at.chat_input[0].set_value("How many prompts do I get every 5 hours on the Lite plan?").run()
        assert not at.exception, at.exception
        answered = at.session_state["messages"][-1]["answer"]
        assert answered.route == "rules" and "80" in page_text(at)
    at.run()  # loaded now: the note is gone, and a docs question is answered from the loaded index
    for _ in range(600):
        if not any("Loading the documentation index" in info.value for info in at.info):
            break
        time.sleep(0.1)
        at.run()
    assert not any("Loading the documentation index" in info.value for info in at.info)
    at.chat_input[0].set_value("How do I install the Cline extension?").run()
    assert at.session_state["messages"][-1]["answer"].route == "retrieval"
