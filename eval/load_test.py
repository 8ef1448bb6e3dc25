"""`python -m eval.load_test`: a bounded load test of the HTTP API on loopback, in offline mode.

Starts `python -m helpdesk serve` on 127.0.0.1 in a subprocess (no API key, rate limit off, a throw-away
feedback file), waits for /readyz, then has N concurrent clients send M questions in all, cycled from
tests/data/retrieval_questions.jsonl, and prints throughput, latency percentiles and errors. Every loop is
bounded by the question count and by a hard time cap; the server is stopped whatever happens. Traffic goes
to 127.0.0.1 only. Prints figures, asserts nothing (exit status 1 only if a request failed).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from eval.metrics import percentile
from helpdesk.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "retrieval_questions.jsonl"
HOST = "127.0.0.1"  # loopback only, by design: this script never targets another machine
READY_TIMEOUT = 180.0
REQUEST_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, workdir: Path) -> tuple[subprocess.Popen, Path]:
    # Offline answers: an empty key in the environment also overrides a key in the developer's .env.
    env = {**os.environ, "ZAI_API_KEY": "", "HELPDESK_LLM_API_KEY": ""}
    env.update(HELPDESK_RATE_LIMIT="off", HELPDESK_FEEDBACK_DB=str(workdir / "feedback.sqlite3"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    log = workdir / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "helpdesk", "serve", "--host", HOST, "--port", str(port)],
                                   cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def wait_ready(base: str, process: subprocess.Popen, log: Path) -> float:
    started = time.monotonic()
    reason = "no answer yet"
    while time.monotonic() - started < READY_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}) before it was ready:\n{log.read_text()[-3000:]}")
        try:
            response = httpx.get(f"{base}/readyz", timeout=READY_TIMEOUT)
            if response.status_code == 200:
                return time.monotonic() - started
            reason = response.json().get("reason") or response.text
            if "python -m ingest" in reason:
                raise SystemExit(f"not ready: {reason}")
        except httpx.TransportError as exc:
            reason = type(exc).__name__
        time.sleep(0.25)
    raise SystemExit(f"the server was not ready within {READY_TIMEOUT:.0f} s: {reason}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on Ctrl-C
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def run(base: str, questions: list[str], total: int, clients: int, max_seconds: float, stream: bool) -> dict:
    path = "/v1/answer/stream" if stream else "/v1/answer"
    deadline = time.monotonic() + max_seconds
    lock = threading.Lock()
    next_index = 0
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    routes: Counter[str] = Counter()

    def worker() -> None:
        nonlocal next_index
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next_index >= total:
                        return
                    n = next_index
                    next_index += 1
                body = {"question": questions[n % len(questions)], "session_id": f"load-{n}"}
                started = time.perf_counter()
                try:
                    response = client.post(path, json=body)
                    elapsed = time.perf_counter() - started
                    ok = response.status_code == 200
                    route = (_final_route(response.text) if stream else response.json().get("route")) if ok else None
                    problem = None if ok and route else f"HTTP {response.status_code}" if not ok else "no final answer"
                except httpx.HTTPError as exc:
                    elapsed, route, problem = time.perf_counter() - started, None, type(exc).__name__
                with lock:
                    if problem:
                        errors[problem] += 1
                    else:
                        latencies.append(elapsed)
                        routes[route] += 1

    threads = [threading.Thread(target=worker, name=f"client-{i}", daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
    wall = time.monotonic() - started
    return {"endpoint": path, "sent": next_index, "ok": len(latencies), "errors": dict(errors),
            "timed_out": next_index < total, "wall": wall, "latencies": latencies, "routes": dict(routes)}


def _final_route(text: str) -> str | None:
    """The route of the stream's last event, if it is the final answer (it must be)."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks or not blocks[-1].startswith("event: answer"):
        return None
    data = blocks[-1].split("data: ", 1)[1]
    return json.loads(data)["route"]


def report(result: dict, clients: int, ready_s: float) -> str:
    lat = sorted(result["latencies"])
    error_count = sum(result["errors"].values())
    lines = [f"endpoint          POST {result['endpoint']} (offline mode, rate limit off, {clients} clients)",
             f"server ready in   {ready_s:.1f} s",
             f"requests          {result['sent']} sent, {result['ok']} ok, {error_count} errors"
             + (f" {result['errors']}" if error_count else "")
             + ("  (stopped by the time cap)" if result["timed_out"] else ""),
             f"wall time         {result['wall']:.1f} s",
             f"throughput        {result['ok'] / result['wall']:.1f} answers/s"]
    if lat:
        ms = [x * 1000 for x in lat]
        lines += [f"latency (ms)      p50 {percentile(ms, 50):.0f}   p90 {percentile(ms, 90):.0f}   "
                  f"p99 {percentile(ms, 99):.0f}   max {ms[-1]:.0f}   mean {statistics.fmean(ms):.0f}",
                  f"routes            {dict(sorted(result['routes'].items()))}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load_test", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--questions", type=int, default=2000, help="questions in all (default 2000)")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="hard cap on the run (default 600)")
    parser.add_argument("--stream", action="store_true", help="use POST /v1/answer/stream instead of /v1/answer")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 64 and 1 <= args.questions <= 20_000 and 0 < args.max_seconds <= 1800):
        parser.error("keep it bounded: 1-64 clients, 1-20,000 questions, at most 1,800 seconds")
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="helpdesk-load-") as tmp:
        process, log = start_server(port, Path(tmp))
        try:
            ready_s = wait_ready(base, process, log)
            result = run(base, questions, args.questions, args.clients, args.max_seconds, args.stream)
        finally:
            stop_server(process)
        print(report(result, args.clients, ready_s))
        if result["errors"]:
            print("server log (last lines):\n" + log.read_text(errors="replace")[-2000:], file=sys.stderr)
    return 1 if result["errors"] or result["timed_out"] else 0


if __name__ == "__main__":
    sys.exit(main())
