"""`python -m helpdesk ask "question"` (or an interactive chat with no question); `--json` for the Answer."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

from helpdesk.convlog import record
from helpdesk.core import Helpdesk
from helpdesk.errors import HelpdeskError, report_error
from helpdesk.schema import Answer
from helpdesk.settings import Settings
from helpdesk.warmup import Loading

ROUTE_LABEL = {"rules": "exact figure from the docs", "retrieval": "from the docs", "llm": "AI-written from the docs",
               "abstain": "not in the docs"}


def render(result: Answer) -> str:
    lines = [result.text, ""]
    if result.sources:
        lines.append("Sources:")
        lines += [f"  - {s.title} ({s.url}), as of {s.as_of}" for s in result.sources]
    how = ("written by the support team" if "curated" in result.notes
           else "diagnosis from the docs" if "troubleshooting" in result.notes else ROUTE_LABEL[result.route])
    lines.append(f"[{how}; confidence {result.confidence:.2f}]")
    return "\n".join(lines)


def _ask(question: str, history: list[dict], helpdesk: Helpdesk, as_json: bool, session_id: str = "") -> Answer:
    started = time.perf_counter()
    result = helpdesk.answer(question, history)
    record(question, history, result, helpdesk.settings, surface="cli", session_id=session_id,
           latency_ms=(time.perf_counter() - started) * 1000)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else render(result), flush=True)
    return result


def chat(helpdesk: Helpdesk, as_json: bool, loading: Loading | None = None) -> None:
    print("Ask about the GLM Coding Plan (quotas, prices, upgrades, referrals, tools, errors). Ctrl-D or 'exit' quits.")
    if loading is not None:
        print("(Loading the documentation index and the embedding model in the background.)", file=sys.stderr,
              flush=True)
    history: list[dict] = []
    session_id = uuid.uuid4().hex  # one interactive chat is one session in the conversation log
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if question.lower() in {"exit", "quit"}:
            return
        if not question:
            continue
        if loading is not None:
            loading.wait(say=lambda line: print(line, file=sys.stderr, flush=True))
        result = _ask(question, history, helpdesk, as_json, session_id)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": result.text}]


def export_feedback(settings: Settings, out: str | None) -> int:
    from helpdesk.feedback import FeedbackStore

    store = FeedbackStore(settings.database)
    if out:
        with open(out, "w", newline="", encoding="utf-8") as handle:
            count = store.export_csv(handle)
        print(f"Wrote {count} feedback rows to {out}", file=sys.stderr)
    else:
        store.export_csv(sys.stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpdesk", description="GLM Coding Plan support assistant")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question (no question: interactive chat)")
    ask.add_argument("question", nargs="*", help="the question; omit it for an interactive chat")
    ask.add_argument("--json", action="store_true", help="print the Answer object as JSON")
    feedback = commands.add_parser("feedback", help="feedback stored by the chat UI and the API")
    feedback.add_argument("action", choices=["export"], help="export: write all feedback as CSV")
    feedback.add_argument("--out", help="CSV file to write (default: standard output)")
    server = commands.add_parser("serve", help="HTTP API, embeddable widget (/widget.js) and demo page (/demo)")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "feedback":
            return export_feedback(settings, args.out)
        if args.command == "serve":
            from helpdesk.server import serve

            return serve(settings, args.host, args.port)
        if args.command == "ask":
            helpdesk = Helpdesk.from_settings(settings)
            loading = Loading(helpdesk)
            if args.question:
                loading.wait(say=lambda line: print(line, file=sys.stderr, flush=True))
                _ask(" ".join(args.question), [], helpdesk, args.json)
            else:
                chat(helpdesk, args.json, loading)
    except HelpdeskError as exc:  # a bad setting, no index, no model...: one line that says what to do
        report_error(exc, parser.prog)
        return 2
    return 0
