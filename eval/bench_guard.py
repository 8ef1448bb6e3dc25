"""`python -m eval.bench_guard`: how often a wrong AI answer gets past the guard, and how often a right one does.

Every docs question of eval/golden.jsonl goes through the one `answer()` with GLM configured, pointed at the
local OpenAI-compatible test server (tests/fake_llm_server.py). The questions that reach the model (not
answered by the rules layer, not abstained) are asked once per fixed reply:
  - wrong sentences that any docs answer might be given: "The Pro plan costs $1 per month [1].", the same
    with "$3", and an invented support address "Write to help@zai-support.com [1]."; passing means the visitor
    was shown it (route "llm"); the target is 0;
  - a correct grounded sentence: the first sentence of the first passage the model was given that states a
    figure (or its first sentence), verbatim, cited [1]; passing is the point (a guard that refuses
    everything would score 0 on the wrong ones too).
The question rewrite (follow-ups, Chinese) is answered with the message as asked. Prints rates; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import json
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from eval.bench_llm import helpdesk_for
from helpdesk.settings import Settings
from tests.fake_llm_server import FakeLLM, Reply

GOLDEN = Path(__file__).resolve().parent / "golden.jsonl"
WRONG = {
    "pro-costs-$1": "The Pro plan costs $1 per month [1].",
    "pro-costs-$3": "The Pro plan costs $3 per month [1].",
    "invented-email": "Write to help@zai-support.com [1].",
}
PASSAGE = re.compile(r'<passage n="1">\n[^\n]*\n(.*?)\n</passage>', re.S)
MESSAGE = re.compile(r"<message>\n(.*?)\n</message>", re.S)


def grounded_sentence(prompt: str) -> str:
    """A true sentence for this prompt: the first sentence of passage 1 that states a figure, verbatim."""
    match = PASSAGE.search(prompt)
    text = match.group(1) if match else ""
    lines = [line.strip(" *#>-•|") for line in text.splitlines()]
    sentences = [s.strip() for line in lines for s in re.split(r"(?<=[.!?])\s+", line) if len(s.strip()) > 20]
    with_figure = [s for s in sentences if re.search(r"\d", s)]
    chosen = (with_figure or sentences or ["The documentation covers this"])[0].rstrip(".")
    return f"{chosen} [1]."


class Replies:
    """The test server's replies: the rewrite returns the message as asked; the answer is `mode`'s sentence."""

    def __init__(self):
        self.mode = "correct"
        self.sent: list[str] = []

    def __call__(self, body: dict) -> Reply:
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        if not body.get("stream"):
            message = MESSAGE.search(prompt)
            return Reply(text=message.group(1) if message else "")
        text = grounded_sentence(prompt) if self.mode == "correct" else WRONG[self.mode]
        self.sent.append(text)
        return Reply(text=text)


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("helpdesk").setLevel(logging.ERROR)  # every refusal is logged; the rates are the result
    parser = argparse.ArgumentParser(prog="python -m eval.bench_guard", description=__doc__)
    parser.add_argument("--golden", type=Path, default=GOLDEN)
    parser.add_argument("--show", action="store_true", help="print every sentence that got past the guard")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.golden.read_text(encoding="utf-8").splitlines() if line.strip()]
    replies = Replies()
    with tempfile.TemporaryDirectory() as tmp, FakeLLM(replies) as server:
        found = helpdesk_for(Settings.from_env(), tmp)
        helpdesk = found.using(replace(found.settings, llm_api_key="sk-bench-not-a-key", llm_base_url=server.base_url,
                                       llm_max_retries=0, llm_timeout=10.0, llm_condense_timeout=10.0))
        reaching = []
        for row in rows:  # which questions reach the model: ask once with the correct reply
            before = sum(1 for r in server.requests if r.body.get("stream"))
            result = helpdesk.answer(row["question"], row.get("history", []))
            if sum(1 for r in server.requests if r.body.get("stream")) > before:
                reaching.append((row, result))
        print(f"Golden questions: {len(rows)}; reaching the model (not rules, not abstained): {len(reaching)}")
        passed_correct = [row["id"] for row, result in reaching if result.route == "llm"]
        for mode in WRONG:
            replies.mode = mode
            passed = []
            for row, _ in reaching:
                result = helpdesk.answer(row["question"], row.get("history", []))
                if result.route == "llm":
                    passed.append(row["id"])
                    if args.show:
                        print(f"  {mode} passed on {row['id']}: {result.text}")
            print(f"wrong sentence {mode:<15} {WRONG[mode]!r:<40} passed {len(passed)}/{len(reaching)} "
                  f"= {len(passed) / max(1, len(reaching)):.0%}")
        print(f"correct grounded sentence (passage 1, verbatim)                 passed "
              f"{len(passed_correct)}/{len(reaching)} = {len(passed_correct) / max(1, len(reaching)):.0%}")
        if args.show:
            refused = [row["id"] for row, result in reaching if result.route != "llm"]
            print(f"  correct sentences refused: {', '.join(refused) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
