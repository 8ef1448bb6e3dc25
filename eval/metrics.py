"""The golden format (../shared/eval/FORMAT.md) and the scores computed from it: pure functions, no I/O but loading.

Every figure the evaluation prints comes from here, so each one is tested on small hand-checked cases
(tests/test_eval.py).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from helpdesk.errors import HelpdeskError

ANSWER_WINDOW = 1000  # FORMAT.md: only the start of an answer is matched, so a dump of passages cannot pass
ROUTES = ("rules", "retrieval", "abstain")
HELD_OUT_DIGITS = "05"  # ids ending in 0 or 5: a fifth of the numbered golden set, scored but never tuned on


class GoldenError(HelpdeskError, ValueError):
    """The golden file breaks the format; the message names the line and the field."""


@dataclass(frozen=True)
class GoldenItem:
    id: str
    question: str
    category: str = "uncategorised"
    history: tuple[dict, ...] = ()
    expect: dict | None = None  # None: no `expect` at all, so the result line carries no `passed`

    @property
    def held_out(self) -> bool:
        return is_held_out(self.id)

    @property
    def expected_sources(self) -> tuple[str, ...]:
        return tuple((self.expect or {}).get("sources") or ())

    @property
    def expected_route(self) -> str | None:
        return (self.expect or {}).get("route")

    @property
    def has_text_checks(self) -> bool:
        return any((self.expect or {}).get(key) for key in ("all", "any", "none"))


def is_held_out(item_id: str) -> bool:
    """Held out when the id ends in 0 or 5; ids that do not end in a digit are all in the tuning (dev) split."""
    return bool(item_id) and item_id[-1] in HELD_OUT_DIGITS


def _fail(path: Path, line: int, problem: str) -> GoldenError:
    return GoldenError(f"{path}:{line}: {problem} (format: ../shared/eval/FORMAT.md)")


def load_golden(path: Path) -> list[GoldenItem]:
    """Every line of a golden file, validated; regexes are compiled here so a typo fails before any question runs."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldenError(f"cannot read the golden file {path}: {exc.strerror}") from None
    items, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, number, f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise _fail(path, number, "each line must be a JSON object")
        item_id, question = row.get("id"), row.get("question")
        if not isinstance(item_id, str) or not item_id:
            raise _fail(path, number, "`id` must be a non-empty string")
        if item_id in seen:
            raise _fail(path, number, f"duplicate id {item_id!r}")
        if not isinstance(question, str) or not question.strip():
            raise _fail(path, number, "`question` must be a non-empty string")
        history = row.get("history") or []
        if not isinstance(history, list) or not all(
                isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
                for t in history):
            raise _fail(path, number, "`history` must be a list of {role: user|assistant, content: text}")
        expect = row.get("expect")
        if expect is not None:
            _check_expect(path, number, expect)
        seen.add(item_id)
        items.append(GoldenItem(id=item_id, question=question, category=str(row.get("category") or "uncategorised"),
                                history=tuple(history), expect=expect))
    if not items:
        raise GoldenError(f"the golden file {path} holds no questions")
    return items


def _check_expect(path: Path, number: int, expect) -> None:
    if not isinstance(expect, dict):
        raise _fail(path, number, "`expect` must be an object")
    for key in ("all", "any", "none"):
        patterns = expect.get(key, [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise _fail(path, number, f"`expect.{key}` must be a list of regex strings")
        for pattern in patterns:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise _fail(path, number, f"`expect.{key}` regex {pattern!r} does not compile ({exc})") from None
    sources = expect.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise _fail(path, number, "`expect.sources` must be a list of document ids")
    if expect.get("route") is not None and expect["route"] not in ROUTES:
        raise _fail(path, number, f"`expect.route` must be one of {', '.join(ROUTES)}")


# --- pass / fail -------------------------------------------------------------------------------------------------

def unmet(text: str, expect: dict | None) -> list[str]:
    """The conditions an answer breaks (empty list: it passes). Case-insensitive `re.search` on the first 1,000 chars."""
    window = (text or "")[:ANSWER_WINDOW]
    expect = expect or {}

    def found(pattern: str) -> bool:
        return re.search(pattern, window, re.IGNORECASE) is not None

    problems = [f"missing /{p}/" for p in expect.get("all", []) if not found(p)]
    if expect.get("any") and not any(found(p) for p in expect["any"]):
        problems.append("none of " + ", ".join(f"/{p}/" for p in expect["any"]))
    problems += [f"forbidden /{p}/" for p in expect.get("none", []) if found(p)]
    return problems


def passes(text: str, expect: dict | None) -> bool:
    return not unmet(text, expect)


def route_matches(actual: str, expected: str) -> bool:
    """GLM writing the answer is the generation step of the retrieval path, so route `llm` satisfies `retrieval`."""
    return actual == expected or (expected == "retrieval" and actual == "llm")


def cites(cited_docs: Iterable[str], expected: Sequence[str]) -> bool:
    return any(doc in expected for doc in cited_docs)


# --- ranking -----------------------------------------------------------------------------------------------------

def first_rank(ranked_docs: Sequence[str], expected: Sequence[str]) -> int | None:
    """0-based rank of the first passage from an expected document, None when none was retrieved."""
    return next((rank for rank, doc in enumerate(ranked_docs) if doc in expected), None)


def hit_at(ranks: Sequence[int | None], k: int) -> float | None:
    return mean([r is not None and r < k for r in ranks])


def mrr(ranks: Sequence[int | None]) -> float | None:
    return mean([0.0 if r is None else 1.0 / (r + 1) for r in ranks])


# --- abstention ---------------------------------------------------------------------------------------------------

def abstention(pairs: Iterable[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(precision, recall) of abstaining from (abstained, should_abstain) pairs; None when undefined (0/0)."""
    pairs = list(pairs)
    true_pos = sum(1 for did, should in pairs if did and should)
    predicted = sum(1 for did, _ in pairs if did)
    actual = sum(1 for _, should in pairs if should)
    return (true_pos / predicted if predicted else None, true_pos / actual if actual else None)


# --- small statistics -----------------------------------------------------------------------------------------------

def mean(values: Iterable[float | bool]) -> float | None:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default): p50 of [1, 2, 3, 4] is 2.5."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def floor2(value: float) -> float:
    """Round down to 2 decimals (a floor set from a measurement must not exceed it); tolerant of 0.29999999."""
    return math.floor(round(value * 100, 6)) / 100


# --- one scored answer and the summary of many -------------------------------------------------------------------

@dataclass
class Outcome:
    """One golden question as one pipeline answered it, with everything the summary needs."""

    item: GoldenItem
    text: str
    route: str
    cited: tuple[str, ...]  # document ids the answer cites, in order
    latency_ms: float
    ranked: tuple[str, ...] | None = None  # document ids of the top passages for the question, best first
    passages: tuple[str, ...] = ()  # their text, for the LLM judge
    sources: tuple[dict, ...] = ()  # as written to the results file
    judge: dict | None = None  # {"correct": bool, "faithful": bool} or {"error": "..."}
    layer: str = ""  # the answer's trace: rules, troubleshoot, retrieval, ...
    problems: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.problems = unmet(self.text, self.item.expect) if self.item.has_text_checks else []

    @property
    def passed(self) -> bool | None:
        return None if self.item.expect is None else not self.problems

    @property
    def rank(self) -> int | None:
        return first_rank(self.ranked or (), self.item.expected_sources)


def summarize(outcomes: Sequence[Outcome]) -> dict:
    """Every figure for a group of answers; a figure with nothing to measure is None (printed as a dash)."""
    scored = [o for o in outcomes if o.item.has_text_checks]
    routed = [o for o in outcomes if o.item.expected_route]
    sourced = [o for o in outcomes if o.item.expected_sources]
    ranked = [o.rank for o in sourced if o.ranked is not None]
    precision, recall = abstention((o.route == "abstain", o.item.expected_route == "abstain") for o in routed)
    latencies = [o.latency_ms for o in outcomes]
    judged = [o.judge for o in outcomes if o.judge and "error" not in o.judge]
    return {
        "n": len(outcomes),
        # A rules answer that fails its checks answered a question nobody asked (or answered it wrong): the worst
        # failure a support bot has, counted on its own.
        "rules_wrong": sum(1 for o in scored if o.route == "rules" and o.passed is False),
        "pass_rate": mean(o.passed for o in scored),
        "passed": sum(1 for o in scored if o.passed),
        "scored": len(scored),
        "sourced": len(ranked),
        "routing": mean(route_matches(o.route, o.item.expected_route) for o in routed),
        "citation": mean(cites(o.cited, o.item.expected_sources) for o in sourced),
        "hit@1": hit_at(ranked, 1), "hit@3": hit_at(ranked, 3), "hit@5": hit_at(ranked, 5), "mrr": mrr(ranked),
        "abstain_precision": precision, "abstain_recall": recall,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "per_second": len(latencies) / (sum(latencies) / 1000) if latencies and sum(latencies) > 0 else None,
        "judge_correct": mean(j["correct"] for j in judged), "judge_faithful": mean(j["faithful"] for j in judged),
        "judged": len(judged), "judge_errors": sum(1 for o in outcomes if o.judge and "error" in o.judge),
    }


def by_category(outcomes: Sequence[Outcome]) -> dict[str, dict]:
    """Summaries per category, in the order categories first appear in the golden file."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.item.category, []).append(outcome)
    return {category: summarize(group) for category, group in groups.items()}


def by_split(outcomes: Sequence[Outcome]) -> dict[str, dict]:
    return {"dev": summarize([o for o in outcomes if not o.item.held_out]),
            "held-out": summarize([o for o in outcomes if o.item.held_out])}
