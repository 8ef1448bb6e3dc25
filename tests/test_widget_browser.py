"""The widget in a real browser: headless Chromium (Debian's package) driven by Playwright, against a uvicorn
server this test starts on 127.0.0.1. Screenshots go to artifacts/ (git-ignored)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpdesk.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: install Debian's package (apt-get install -y chromium) to run the browser "
                "tests", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only when a browser can run)

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "artifacts"
TITLE = "GLM Coding Plan support"
INJECTION = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> what is the Lite quota?'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.pages.get(self.path, "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@contextmanager
def site():
    """Another web site on loopback (its own port, so its own origin) that embeds the widget."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    httpd.pages = {"/favicon.ico": " "}
    thread = threading.Thread(target=httpd.serve_forever, name="host-site", daemon=True)
    thread.start()
    try:
        yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def allowed_site():
    with site() as allowed:
        yield allowed


@pytest.fixture(scope="module")
def server(helpdesk, real_settings, tmp_path_factory, allowed_site):
    """uvicorn in a thread on a free loopback port; `allowed_site` is an origin it lets call the API."""
    import uvicorn

    from helpdesk.server import create_app

    settings = replace(real_settings, feedback_db=tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")
    helpdesk = helpdesk.using(settings)
    helpdesk.warm()  # load the index and the model before the browser starts waiting
    port = free_port()
    app = create_app(settings, helpdesk=helpdesk, env={}, rate_limit="off", allowed_origins=[allowed_site[1]],
                     warm_up=False)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"))
    yield page
    context.close()


def widget_root(page):
    return page.locator("#glm-helpdesk-widget")


def shadow(page, script: str):
    """Evaluate `script` with `root` bound to the widget's shadow root."""
    return page.evaluate(f"() => {{ const root = document.getElementById('glm-helpdesk-widget').shadowRoot; "
                         f"return {script}; }}")


def open_widget(page):
    launcher = page.get_by_role("button", name=f"Open {TITLE} chat")
    launcher.click()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    return launcher


def ask(page, question: str, answers_before: int):
    """Type and send with Enter; wait for the final answer (its feedback buttons appear with it)."""
    box = page.get_by_role("textbox", name="Your question")
    box.fill(question)
    with page.expect_response(lambda r: r.url.endswith("/v1/answer/stream")) as streamed:
        box.press("Enter")
    expect(page.get_by_role("button", name="Helpful", exact=True)).to_have_count(answers_before + 1)
    return streamed.value


def test_demo_page_asks_streams_cites_and_takes_feedback(server, page):
    base, settings = server
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{base}/demo")
    launcher = page.get_by_role("button", name=f"Open {TITLE} chat")
    expect(launcher).to_be_visible()
    # The page's loud `button` style does not reach the widget: the accent colour is ours.
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(29, 78, 216)"
    open_widget(page)
    assert shadow(page, "root.activeElement && root.activeElement.id") == "glm-question"  # focus in the box
    expect(page.get_by_text("Hi! Ask me about GLM Coding Plan quotas")).to_be_visible()

    response = ask(page, "How do I cancel my subscription?", 0)
    assert response.status == 200 and response.headers["content-type"].startswith("text/event-stream")
    answer = page.locator("#glm-helpdesk-widget .msg.bot .bubble").last
    expect(answer).to_contain_text("24 hours")
    source = page.get_by_role("link", name="FAQs")
    expect(source).to_have_attribute("href", "https://docs.z.ai/devpack/faq")
    expect(source).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator("#glm-helpdesk-widget .sources li").first).to_have_text("FAQs · as of 2026-02-12")
    page.screenshot(path=str(ARTIFACTS / "widget.png"))

    page.get_by_role("button", name="Helpful", exact=True).click()
    expect(page.get_by_text("Thanks for the feedback.")).to_be_visible()
    with sqlite3.connect(settings.feedback_db) as db:
        rows = db.execute("SELECT rating, question, route, surface, answer FROM feedback").fetchall()
    assert len(rows) == 1
    rating, question, route, surface, text = rows[0]
    assert (rating, question, surface) == (1, "How do I cancel my subscription?", "widget")
    assert route in ("rules", "retrieval") and "24 hours" in text

    # A question carrying markup is shown as the literal text, and nothing in it runs.
    ask(page, INJECTION, 1)
    expect(page.locator("#glm-helpdesk-widget .msg.user .bubble").last).to_have_text(INJECTION)
    page.wait_for_timeout(300)  # an <img src=x> would have failed to load and fired onerror by now
    assert page.evaluate("window.__pwned") is None
    assert shadow(page, "root.querySelectorAll('img, script').length") == 0
    page.screenshot(path=str(ARTIFACTS / "widget-injection.png"))

    # The human handoff on request, then Escape closes and gives focus back to the launcher.
    page.get_by_role("button", name="Talk to a person").click()
    expect(page.get_by_role("link", name="Contact Z.ai support").last).to_have_attribute("href",
                                                                                         settings.support_url)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "glm-helpdesk-widget"
    assert shadow(page, "root.activeElement.className") == "launcher"
    assert page.problems == []


def test_keyboard_only_open_ask_and_close(server, page):
    base, _ = server
    page.goto(f"{base}/demo")
    page.get_by_role("button", name=f"Open {TITLE} chat").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    page.keyboard.type("What is a good recipe for banana bread?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Contact Z.ai support")).to_be_visible()  # abstains, offers a person
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    assert page.problems == []


def test_phone_width_panel_fills_the_screen(server, browser):
    base, _ = server
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{base}/demo")
        open_widget(page)
        box = page.get_by_role("dialog", name=TITLE).bounding_box()
        assert box["x"] == 0 and box["width"] == 375 and box["height"] == 740
        page.get_by_role("textbox", name="Your question").fill("Which base URL do I use for Claude Code?")
        page.get_by_role("button", name="Send question").click()
        expect(page.get_by_role("button", name="Helpful", exact=True)).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(ARTIFACTS / "widget-phone.png"))
    finally:
        context.close()


def test_data_attributes_and_an_allowed_other_origin(server, allowed_site, page):
    """Embedded on another site (another origin) that the server allows, with the data-* options."""
    base, _ = server
    httpd, origin = allowed_site
    httpd.pages["/help"] = (
        "<!doctype html><meta name=viewport content='width=device-width'><h1>Acme docs</h1>"
        f"<script src='{base}/widget.js' data-api='{base}' data-title='Acme help' data-color='#be123c' "
        "data-position='left' data-greeting='Hello from Acme.' async></script>")
    page.goto(f"{origin}/help")
    launcher = page.get_by_role("button", name="Open Acme help chat")
    expect(launcher).to_be_visible()
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(190, 18, 60)"
    assert launcher.bounding_box()["x"] < 100  # bottom-left
    launcher.click()
    expect(page.get_by_role("dialog", name="Acme help")).to_be_visible()
    expect(page.get_by_text("Hello from Acme.")).to_be_visible()
    ask(page, "How many prompts do I get every 5 hours on the Lite plan?", 0)
    expect(page.locator("#glm-helpdesk-widget .msg.bot .bubble").last).to_contain_text("80")
    assert page.problems == []


def test_a_site_the_server_does_not_allow_gets_a_polite_failure(server, page):
    base, _ = server
    with site() as (httpd, origin):
        httpd.pages["/help"] = (f"<!doctype html><h1>Not allowed</h1>"
                                f"<script src='{base}/widget.js' data-api='{base}' async></script>")
        page.goto(f"{origin}/help")
        open_widget(page)
        page.get_by_role("textbox", name="Your question").fill("How do I cancel my subscription?")
        page.keyboard.press("Enter")
        expect(page.get_by_text("can't be reached right now")).to_be_visible()  # the browser's CORS check said no
    assert any("CORS" in problem for problem in page.problems)
