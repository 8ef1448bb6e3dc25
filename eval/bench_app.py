"""`python -m eval.bench_app`: time from `streamlit run` to the first answer in a real browser, and the app's RSS.

Run twice in a row for the warm figure (the first run also warms the OS file cache). Prints figures only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from helpdesk.settings import PROJECT_ROOT, Settings


def rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, from /proc (MB)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_http

    settings = Settings.from_env()
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env={**os.environ, "HELPDESK_INDEX_DIR": str(settings.index_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process)
        healthy = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            box = page.get_by_placeholder("Ask a question about the GLM Coding Plan")
            box.wait_for(timeout=180_000)
            box.fill("How do I install the Cline extension?")
            box.press("Enter")
            page.locator("text=Answer from the docs").first.wait_for(timeout=180_000)
            first_answer = time.perf_counter() - started
            t = time.perf_counter()
            box.fill("Why can I not recharge using a credit card?")
            box.press("Enter")
            page.locator("text=Answer from the docs").nth(1).wait_for(timeout=60_000)
            second = time.perf_counter() - t
            browser.close()
        current, peak = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"streamlit run -> server healthy: {healthy:.1f} s")
    print(f"streamlit run -> first answer in the browser (includes model and index load): {first_answer:.1f} s")
    print(f"second answer, browser round trip: {second:.2f} s")
    print(f"app RSS after two answers: {current:.0f} MB (peak {peak:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
