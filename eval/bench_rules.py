"""`python -m eval.bench_rules`: latency of the rules path over the table of tests/test_rules_table.py.

Compares `answer_rules` (parse + compute + cite) with retrieval for the same questions in the same process,
and the full `answer()` for rules-routed questions. Prints medians; asserts nothing.
"""

from __future__ import annotations

import statistics
import time

from eval.metrics import percentile
from helpdesk.core import Helpdesk
from helpdesk.rules import answer_rules
from helpdesk.settings import Settings


def timed(fn, repeat: int = 5) -> float:
    best = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best.append(time.perf_counter() - t)
    return statistics.median(best) * 1000


def main() -> int:
    from tests.test_rules_table import RAW

    settings = Settings.from_env()
    helpdesk = Helpdesk.from_settings(settings)
    facts = helpdesk.facts  # loaded once, as a Helpdesk does
    cases = [(p.values[0], list(p.values[1])) for p in RAW]
    rules_ms = [timed(lambda q=q, h=h: answer_rules(q, h, settings, facts=facts)) for q, h in cases]
    retriever = helpdesk.retriever()
    retriever.search("warm up")
    def fresh_search(question: str) -> None:
        helpdesk.embedder.forget()  # each timed search embeds its question, as a first-time question does
        retriever.search(question, k=settings.top_k)

    retrieval_ms = [timed(lambda q=q: fresh_search(q), repeat=3) for q, _ in cases[:60]]
    routed = [(q, h) for q, h in cases if answer_rules(q, h, settings, facts=facts) is not None]
    full_ms = [timed(lambda q=q, h=h: helpdesk.answer(q, h), repeat=3) for q, h in routed[:60]]
    p95 = lambda xs: percentile(xs, 95)  # noqa: E731
    print(f"rules path (answer_rules) over {len(cases)} table questions: p50 {statistics.median(rules_ms):.3f} ms, "
          f"p95 {p95(rules_ms):.3f} ms")
    print(f"retrieval alone, same process, 60 of them: p50 {statistics.median(retrieval_ms):.2f} ms "
          f"(rules/retrieval p50 ratio {statistics.median(rules_ms) / statistics.median(retrieval_ms):.3f})")
    print(f"answer() end to end for rules-routed questions: p50 {statistics.median(full_ms):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
