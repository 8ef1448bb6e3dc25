"""The server's wiring, without an index: which routes the rate limit guards, and the problem responses the
hand-kept middleware gives where FastAPI's own would differ (helpdesk/middleware.py says why each is kept)."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from helpdesk.server import create_app, router, within_rate_limit
from tests.conftest import settings_for

ALLOWED = "https://support.example.com"


def app_for(tmp_path, **options):
    settings = settings_for(tmp_path / "no-index", feedback_db=tmp_path / "feedback.sqlite3")
    return create_app(settings, env={}, warm_up=False, **options)


def test_every_post_route_is_rate_limited_and_no_other():
    # The limit is a dependency of each route it guards, so a new POST route must declare it too.
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    limited = {(method, r.path) for r in routes for method in r.methods
               if any(d.call is within_rate_limit for d in r.dependant.dependencies)}
    posts = {(method, r.path) for r in routes for method in r.methods if method == "POST"}
    assert posts == {("POST", "/v1/answer"), ("POST", "/v1/answer/stream"), ("POST", "/v1/feedback")}
    assert limited == posts


def test_a_rate_limited_client_is_refused_before_its_question_is_read(tmp_path):
    with TestClient(app_for(tmp_path, rate_limit="1/hour", allowed_origins=[ALLOWED])) as client:
        first = client.post("/v1/answer/stream", json={"question": " "}, headers={"Origin": ALLOWED})
        second = client.post("/v1/answer/stream", json={"question": " "}, headers={"Origin": ALLOWED})
    assert first.status_code == 422  # the question is checked before any stream opens
    assert second.status_code == 429 and second.headers["retry-after"].isdigit()
    assert second.headers["access-control-allow-origin"] == ALLOWED and "wait" in second.json()["detail"]


def test_a_declared_oversized_body_is_a_json_problem_a_page_can_read(tmp_path):
    # FastAPI's own max_body_size answers this case with a plain-text "Content Too Large" sent past the CORS
    # middleware: the widget's page could not read why. The kept middleware answers it like every other problem.
    with TestClient(app_for(tmp_path, rate_limit="off", max_body_bytes=1024, allowed_origins=[ALLOWED])) as client:
        response = client.post("/v1/answer", content=b'{"question": "' + b"x" * 2000 + b'"}',
                                headers={"content-type": "application/json", "Origin": ALLOWED})
    assert response.status_code == 413 and "the limit is 1,024 bytes" in response.json()["detail"]
    assert response.headers["access-control-allow-origin"] == ALLOWED and response.headers["x-request-id"]
