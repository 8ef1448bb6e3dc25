"""`python -m eval.bench_llm`: what our LLM layer costs, against the local OpenAI-compatible test server.

For each question (real passages from the real index, a grounded reply built from the first passage and
streamed by tests/fake_llm_server.py: first piece at once, the rest a few ms apart) it measures
  - overhead per answer: our whole `stream_answer` time minus the server's own time (request read to last
    byte), i.e. prompt building, the SDK, HTTP on loopback, the guard, citations;
  - time to first token: our first "token" event minus the moment the server wrote its first byte;
and the same two figures for the bare openai SDK streaming the same request, for a ratio.
Prints figures, asserts nothing (a shared machine is noisy; timed tests would flake).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from eval.bench import QUESTIONS, load_jsonl
from eval.metrics import percentile
from helpdesk import llm
from helpdesk.grounding import build_messages, source_of
from helpdesk.schema import Answer
from helpdesk.settings import Settings
from tests.fake_llm_server import FakeLLM, Reply

CHUNK_DELAY = 0.002  # between streamed pieces after the first
WARMUP = 3


def grounded_reply(passage_text: str) -> str:
    """The first ~40 words of the passage, verbatim (so the guard passes), with a citation."""
    words = re.sub(r"[|*#`>\[\]()]", " ", passage_text).split()[:40]
    return " ".join(words) + " [1]."


def helpdesk_for(settings: Settings, tmp: str):
    """A Helpdesk with its index loaded: the configured one, or one built in a temporary folder."""
    from helpdesk import store
    from helpdesk.core import Helpdesk

    try:
        helpdesk = Helpdesk.from_settings(settings)
        helpdesk.retriever()
        return helpdesk
    except store.IndexUnavailable:  # no index yet: build one in a temporary folder, as eval.bench does
        from ingest.indexer import run

        settings = replace(settings, index_dir=Path(tmp) / "index")
        run(settings, log=lambda _: None, progress=False)
        return Helpdesk.from_settings(settings)


def finished(record, wait: float = 1.0):
    """The record once the server thread has noted its last byte (it may lag the client by a moment)."""
    deadline = time.perf_counter() + wait
    while not record.done and time.perf_counter() < deadline:
        time.sleep(0.001)
    return record


def run_ours(server: FakeLLM, helpdesk, case: dict) -> dict:
    server.script(Reply(text=case["reply"], chunk_delay=CHUNK_DELAY))
    seen = len(server.requests)
    started = time.perf_counter()
    first_token = None
    final = None
    for event in llm.stream_answer(case["question"], [], case["passages"], case["offline"], helpdesk.settings,
                                   client=helpdesk.model, structured=helpdesk.facts):
        if event.kind == "token" and first_token is None:
            first_token = time.perf_counter()
        elif event.kind == "answer":
            final = event.answer
    ended = time.perf_counter()
    record = finished(server.requests[seen])
    # record.done stays 0 when we closed the stream early (a failed guard): the server's time is unknown.
    return {"overhead": (ended - started) - (record.done - record.received) if record.done else float("nan"),
            "ttft": (first_token - record.first_byte) if first_token else float("nan"),
            "route": final.route if final else None}


def run_bare_sdk(server: FakeLLM, client, settings: Settings, case: dict) -> dict:
    """The same request through the bare SDK: no prompt building, guard, citations or fallback."""
    server.script(Reply(text=case["reply"], chunk_delay=CHUNK_DELAY))
    seen = len(server.requests)
    started = time.perf_counter()
    first_token = None
    messages = case["messages"]
    stream = client.chat.completions.create(model=settings.llm_model, messages=messages, stream=True,
                                            extra_body={"thinking": {"type": "disabled"}})
    text = ""
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            if first_token is None:
                first_token = time.perf_counter()
            text += chunk.choices[0].delta.content
    ended = time.perf_counter()
    record = finished(server.requests[seen])
    return {"overhead": (ended - started) - (record.done - record.received) if record.done else float("nan"),
            "ttft": first_token - record.first_byte}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_llm", description=__doc__)
    parser.add_argument("-n", type=int, default=60, help="questions to answer (at least 50 for the report)")
    args = parser.parse_args(argv)
    questions = [row["question"] for row in load_jsonl(QUESTIONS)][:args.n]

    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as server:
        found = helpdesk_for(Settings.from_env(), tmp)
        helpdesk = found.using(replace(found.settings, llm_api_key="sk-bench-not-a-key", llm_base_url=server.base_url))
        settings, retriever = helpdesk.settings, helpdesk.retriever()
        cases = []
        for question in questions:
            passages = retriever.search(question, k=settings.top_k)
            if not passages:
                continue
            cases.append({"question": question, "passages": passages,
                          # The fallback is only returned on failure and is not what is timed; the real
                          # extractive answer costs ~1 s of embedding per question, so a stand-in will do.
                          "offline": Answer(text="(offline answer)", route="retrieval",
                                            sources=(source_of(passages[0]),)),
                          "reply": grounded_reply(passages[0].chunk.text),
                          "messages": build_messages(question, [], passages)})
        client = llm.make_client(settings)
        for case in cases[:WARMUP]:  # connections, lazy imports, first-call caches
            run_ours(server, helpdesk, case)
            run_bare_sdk(server, client, settings, case)
        ours, bare = [], []
        for case in cases:
            ours.append(run_ours(server, helpdesk, case))
            bare.append(run_bare_sdk(server, client, settings, case))
        server_ms = [(r.done - r.received) * 1000 for r in server.requests[-2 * len(cases):] if r.done]
        pieces = statistics.median(len(re.findall(r"\S+\s*", c["reply"])) for c in cases)

    med = statistics.median

    def ms(rows: list[dict], key: str) -> list[float]:
        return [row[key] * 1000 for row in rows if row[key] == row[key]]  # NaN: not measurable, left out

    print(f"Questions answered: {len(cases)}; grounded replies of ~{pieces:.0f} streamed pieces, "
          f"{CHUNK_DELAY * 1000:.0f} ms apart after the first; server's own time per answer p50 {med(server_ms):.1f} ms")
    print(f"Answers that passed the guard (route llm): {sum(r['route'] == 'llm' for r in ours)}/{len(ours)}")
    for name, rows in (("ours (stream_answer)", ours), ("bare openai SDK", bare)):
        print(f"{name:<21} overhead per answer p50 {med(ms(rows, 'overhead')):6.2f} ms, "
              f"p95 {percentile(ms(rows, 'overhead'), 95):6.2f} ms; first token after the server's first byte "
              f"p50 {med(ms(rows, 'ttft')):5.2f} ms, p95 {percentile(ms(rows, 'ttft'), 95):5.2f} ms")
    print(f"ratio ours/bare SDK: overhead p50 {med(ms(ours, 'overhead')) / med(ms(bare, 'overhead')):.2f}, "
          f"first token p50 {med(ms(ours, 'ttft')) / med(ms(bare, 'ttft')):.2f}")
    print(f"our overhead as a share of the server's own time: "
          f"{med(ms(ours, 'overhead')) / med(server_ms) * 100:.1f}% (p50 over p50)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
