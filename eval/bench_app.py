"""`python -m eval.bench_app`: the chat app in a real browser: time from the page showing to the first docs
answer, time from `streamlit run` to the first answer, and the app's RSS. `make bench` runs it for each
embedding runtime (eval/bench.py).

Run twice in a row for the warm figure (the first run also warms the OS file cache). Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from helpdesk.settings import PROJECT_ROOT, Settings

DOCS_QUESTION = "How do I install the Cline extension?"


def rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, from /proc (MB)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure(index_dir: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """One cold app process: the figures in seconds and MB. The docs question is typed the moment the chat box
    shows, as an impatient visitor would, so any loading still going on is in the figure."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_http

    port = free_port()
    environment = {**os.environ, "HELPDESK_INDEX_DIR": str(index_dir), **(env or {})}
    environment.update(ZAI_API_KEY="", HELPDESK_LLM_API_KEY="")  # offline, even with a key in a developer's .env
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process)
        healthy = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            box = page.get_by_placeholder("Ask a question about the GLM Coding Plan")
            box.wait_for(timeout=180_000)
            shown = time.perf_counter()
            box.fill(DOCS_QUESTION)
            box.press("Enter")
            page.locator("text=Answer from the docs").first.wait_for(timeout=180_000)
            first_answer = time.perf_counter()
            box.fill("Why can I not recharge using a credit card?")
            box.press("Enter")
            page.locator("text=Answer from the docs").nth(1).wait_for(timeout=60_000)
            second = time.perf_counter() - first_answer
            browser.close()
        current, peak = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"healthy_s": healthy, "page_to_answer_s": first_answer - shown, "run_to_answer_s": first_answer - started,
            "second_s": second, "rss_mb": current, "peak_mb": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_app", description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=["onnx", "onnx-int8", "torch"],
                        help="HELPDESK_EMBEDDING_RUNTIME for the app (default: the environment's)")
    args = parser.parse_args(argv)
    env = {"HELPDESK_EMBEDDING_RUNTIME": args.runtime} if args.runtime else {}
    got = measure(Settings.from_env().index_dir, env)
    print(f"streamlit run -> server healthy: {got['healthy_s']:.1f} s")
    print(f"page shown -> first docs answer in the browser: {got['page_to_answer_s']:.1f} s")
    print(f"streamlit run -> first answer in the browser: {got['run_to_answer_s']:.1f} s")
    print(f"second answer, browser round trip: {got['second_s']:.2f} s")
    print(f"app RSS after two answers: {got['rss_mb']:.0f} MB (peak {got['peak_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
