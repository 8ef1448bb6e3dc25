"""`python -m eval.load_test`: a bounded load test of the HTTP API on loopback, in offline mode.

Starts `python -m helpdesk serve` on 127.0.0.1 in a subprocess (no API key, rate limit off, a throw-away
feedback file), waits for /readyz, then has N concurrent clients send M questions in all, cycled from
tests/data/retrieval_questions.jsonl, and prints throughput, latency percentiles and errors. Every loop is
bounded by the question count and by a hard time cap; the server is stopped whatever happens. Traffic goes
to 127.0.0.1 only. Prints figures, asserts nothing (exit status 1 only if a request failed).

`--replicas 2` runs the deployment shape instead: a `chroma run` server on loopback with the corpus ingested
into it, and that many API processes reading it, the clients spreading their requests over all of them
(round robin); `--database-url` points them at a shared database (PostgreSQL), `--feedback` rates every answer.
tests/test_replicas.py drives the same functions while the corpus is re-ingested.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
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


def server_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a served replica: offline (no API key), rate limit off, a throw-away feedback file."""
    # Offline answers: an empty key in the environment also overrides a key in the developer's .env.
    env = {**os.environ, "ZAI_API_KEY": "", "HELPDESK_LLM_API_KEY": ""}
    env.update(HELPDESK_RATE_LIMIT="off", HELPDESK_FEEDBACK_DB=str(workdir / "feedback.sqlite3"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start_server(port: int, workdir: Path, env: dict[str, str] | None = None,
                 name: str = "server") -> tuple[subprocess.Popen, Path]:
    env = env or server_env(workdir)
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "helpdesk", "serve", "--host", HOST, "--port", str(port)],
                                   cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def start_chroma(workdir: Path) -> tuple[subprocess.Popen, int]:
    """`chroma run` on a free loopback port with its data in workdir; returns once it accepts connections."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(workdir / "chroma-data"), "--host", HOST,
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"chroma run exited with {process.returncode}")
            time.sleep(0.2)
    process.kill()
    raise SystemExit("chroma run did not start listening within 60 s")


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


def run(bases: str | list[str], questions: list[str], total: int, clients: int, max_seconds: float,
        stream: bool, feedback: bool = False, stop: threading.Event | None = None,
        finished_at: list[float] | None = None) -> dict:
    """Send up to `total` questions (round robin over `bases`) from `clients` threads until done, `stop` is set
    or `max_seconds` pass. With `feedback`, every answer is rated once (its id and token sent back, as the
    widget does); `rated` lists the answer ids whose rating was stored (201). `finished_at`, when given, gets the
    time.monotonic() of every answer as it arrives (a caller can watch the run progress)."""
    bases = [bases] if isinstance(bases, str) else list(bases)
    path = "/v1/answer/stream" if stream else "/v1/answer"
    deadline = time.monotonic() + max_seconds
    lock = threading.Lock()
    next_index = 0
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    per_base: Counter[str] = Counter()
    rated: list[str] = []
    finished_at = [] if finished_at is None else finished_at  # when each answer came back, for before/after

    def rate(client: httpx.Client, question: str, given: dict, n: int) -> str | None:
        body = {"rating": 1 if n % 2 else -1, "answer_id": given["id"], "token": given["feedback_token"],
                "question": question, "answer": given["text"], "route": given["route"],
                "sources": [s["url"] for s in given["sources"]], "session_id": f"load-{n}"}
        response = client.post("/v1/feedback", json=body)
        if response.status_code != 201:
            return f"feedback HTTP {response.status_code}"
        with lock:
            rated.append(given["id"])
        return None

    def worker(offset: int) -> None:
        nonlocal next_index
        clients_ = [httpx.Client(base_url=b, timeout=REQUEST_TIMEOUT) for b in bases]
        try:
            while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                with lock:
                    if next_index >= total:
                        return
                    n = next_index
                    next_index += 1
                client = clients_[n % len(bases)]
                question = questions[n % len(questions)]
                body = {"question": question, "session_id": f"load-{n}"}
                started = time.perf_counter()
                try:
                    response = client.post(path, json=body)
                    elapsed = time.perf_counter() - started
                    ok = response.status_code == 200
                    given = (_final_answer(response.text) if stream else response.json()) if ok else None
                    route = given.get("route") if given else None
                    problem = None if ok and route else f"HTTP {response.status_code}" if not ok else "no final answer"
                    if not problem and feedback:
                        problem = rate(client, question, given, n)
                except httpx.HTTPError as exc:
                    elapsed, route, problem = time.perf_counter() - started, None, type(exc).__name__
                with lock:
                    if problem:
                        errors[problem] += 1
                    else:
                        latencies.append(elapsed)
                        finished_at.append(time.monotonic())
                        routes[route] += 1
                        per_base[str(client.base_url)] += 1
        finally:
            for c in clients_:
                c.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"client-{i}", daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
    wall = time.monotonic() - started
    return {"endpoint": path, "sent": next_index, "ok": len(latencies), "errors": dict(errors),
            "timed_out": next_index < total and not (stop is not None and stop.is_set()), "wall": wall,
            "latencies": latencies, "routes": dict(routes), "per_base": dict(per_base), "rated": rated,
            "finished_at": finished_at, "replicas": len(bases)}


def _final_answer(text: str) -> dict | None:
    """The stream's last event, if it is the final answer (it must be)."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks or not blocks[-1].startswith("event: answer"):
        return None
    return json.loads(blocks[-1].split("data: ", 1)[1])


def report(result: dict, clients: int, ready_s: float) -> str:
    lat = sorted(result["latencies"])
    error_count = sum(result["errors"].values())
    replicas = result.get("replicas", 1)
    lines = [f"endpoint          POST {result['endpoint']} (offline mode, rate limit off, {clients} clients, "
             f"{replicas} replica{'s' if replicas > 1 else ''})",
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
    if replicas > 1:
        lines.append(f"answers per replica {sorted(result['per_base'].values())}")
    if result.get("rated"):
        lines.append(f"feedback stored   {len(result['rated'])}")
    return "\n".join(lines)


def ingest_into(chroma_port: int, workdir: Path, **extra: str) -> None:
    """`python -m ingest` against the Chroma server (the corpus in HELPDESK_CORPUS_DIR, or corpus/docs)."""
    env = server_env(workdir, CHROMA_HOST=HOST, CHROMA_PORT=str(chroma_port), **extra)
    done = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"python -m ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM, MB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(total: int, clients: int, extra_env: dict[str, str] | None = None, max_seconds: float = 600.0,
            stream: bool = False) -> dict:
    """One server process on a free loopback port: time to ready, the run's result, and its peak RSS."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="helpdesk-load-") as tmp:
        process, log = start_server(port, Path(tmp), server_env(Path(tmp), **(extra_env or {})))
        try:
            ready_s = wait_ready(base, process, log)
            result = run(base, questions, total, clients, max_seconds, stream)
            result["peak_rss_mb"] = peak_rss_mb(process.pid)
        finally:
            stop_server(process)
        if result["errors"]:
            print("server log (last lines):\n" + log.read_text(errors="replace")[-2000:], file=sys.stderr)
    result["ready_s"] = ready_s
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load_test", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--questions", type=int, default=2000, help="questions in all (default 2000)")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="hard cap on the run (default 600)")
    parser.add_argument("--stream", action="store_true", help="use POST /v1/answer/stream instead of /v1/answer")
    parser.add_argument("--replicas", type=int, default=1,
                        help="API processes behind the clients (default 1); more than one implies --chroma-server")
    parser.add_argument("--chroma-server", action="store_true",
                        help="serve from a `chroma run` server on loopback (the corpus ingested into it) instead "
                             "of the embedded index")
    parser.add_argument("--database-url", help="HELPDESK_DATABASE_URL for the replicas (default: a throw-away "
                                               "SQLite file shared by them)")
    parser.add_argument("--feedback", action="store_true", help="rate every answer (POST /v1/feedback)")
    parser.add_argument("--runtime", choices=["onnx", "onnx-int8", "torch"],
                        help="HELPDESK_EMBEDDING_RUNTIME for the servers (default: the environment's)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 64 and 1 <= args.questions <= 20_000 and 0 < args.max_seconds <= 1800
            and 1 <= args.replicas <= 8):
        parser.error("keep it bounded: 1-64 clients, 1-20,000 questions, at most 1,800 seconds, 1-8 replicas")
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    ports = [free_port() for _ in range(args.replicas)]
    bases = [f"http://{HOST}:{port}" for port in ports]
    with tempfile.TemporaryDirectory(prefix="helpdesk-load-") as tmp:
        workdir = Path(tmp)
        extra = {"HELPDESK_SECRET": secrets.token_hex(32)}  # one key: any replica takes any answer's feedback
        if args.database_url:
            extra["HELPDESK_DATABASE_URL"] = args.database_url
        if args.runtime:
            extra["HELPDESK_EMBEDDING_RUNTIME"] = args.runtime
        chroma = None
        servers: list[tuple[subprocess.Popen, Path]] = []
        try:
            if args.chroma_server or args.replicas > 1:
                chroma, chroma_port = start_chroma(workdir)
                ingest_into(chroma_port, workdir)
                extra.update(CHROMA_HOST=HOST, CHROMA_PORT=str(chroma_port))
            for n, port in enumerate(ports):
                servers.append(start_server(port, workdir, server_env(workdir, **extra), name=f"server-{n}"))
            ready_s = max(wait_ready(base, process, log) for base, (process, log) in zip(bases, servers))
            result = run(bases, questions, args.questions, args.clients, args.max_seconds, args.stream,
                         feedback=args.feedback)
            rss = [peak_rss_mb(process.pid) for process, _ in servers]
        finally:
            for process, _ in servers:
                stop_server(process)
            if chroma is not None:
                stop_server(chroma)
        print(report(result, args.clients, ready_s))
        print("server peak RSS    " + ", ".join(f"{mb:.0f} MB" for mb in rss))
        if result["errors"]:
            for _, log in servers:
                print(f"{log.name} (last lines):\n" + log.read_text(errors="replace")[-2000:], file=sys.stderr)
    return 1 if result["errors"] or result["timed_out"] else 0


if __name__ == "__main__":
    sys.exit(main())
