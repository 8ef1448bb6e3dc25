"""`python -m eval`: ask every golden question through `answer()`, score it, compare, report, and gate regressions.

    python -m eval                                   # offline run of eval/golden.jsonl, checked against eval/floors.json
    python -m eval --baseline --report eval/REPORT.md --out /tmp/results.jsonl
    python -m eval --golden eval/real_users.jsonl   # real subscribers' messages, gated by eval/floors_real_users.json
    python -m eval --golden theirs.jsonl --out results.jsonl   # any file in ../shared/eval/FORMAT.md
    python -m eval --judge                           # + LLM-graded correctness and faithfulness (needs a key)

Exit status: 0 done (and at or above the floors), 1 below a floor, 2 unusable input (golden file, index, settings).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from eval.metrics import GoldenError, GoldenItem, Outcome, by_category, by_split, floor2, load_golden, summarize
from eval.report import chart, console, markdown
from helpdesk.errors import HelpdeskError, report_error
from helpdesk.settings import PROJECT_ROOT, Settings

EVAL_DIR = PROJECT_ROOT / "eval"
DEFAULT_GOLDEN = EVAL_DIR / "golden.jsonl"
DEFAULT_FLOORS = EVAL_DIR / "floors.json"
GATED = ("pass_rate", "hit@3")
TOP_K = 5


def run_ours(items: list[GoldenItem], settings: Settings, want_passages: bool) -> tuple[list[Outcome], str, str]:
    from helpdesk.core import Helpdesk

    helpdesk = Helpdesk.from_settings(settings)
    retriever = helpdesk.retriever()
    helpdesk.answer(items[0].question, list(items[0].history))  # warm: model, index and caches loaded, not timed
    outcomes = []
    for item in items:
        history = list(item.history)
        started = time.perf_counter()
        result = helpdesk.answer(item.question, history)
        latency = (time.perf_counter() - started) * 1000
        # Ranking is scored on the passages the answer itself retrieved (its trace); a rules answer retrieved none,
        # so its ranking is the search for the query its trace records.
        passages = []
        if item.expected_sources or want_passages:
            ids = [i for i in result.trace.get("passages", ()) if i in retriever.positions]
            passages = ([retriever.chunks[retriever.positions[i]] for i in ids] if ids else
                        [p.chunk for p in retriever.search(result.trace.get("query") or item.question, k=TOP_K)])
        outcomes.append(Outcome(
            item=item, text=result.text, route=result.route, cited=tuple(s.doc for s in result.sources),
            latency_ms=latency, ranked=tuple(c.doc_id for c in passages) if item.expected_sources else None,
            passages=tuple(c.text for c in passages),
            sources=tuple({"doc": s.doc, "title": s.title, "url": s.url, "as_of": s.as_of} for s in result.sources),
            layer=result.trace.get("layer", result.route)))
    return outcomes, retriever.build, ("the passages each answer's trace records (for a rules answer, the search for "
                                       "the query its trace records: the ask, not pasted material)")


def run_baseline(items: list[GoldenItem], settings: Settings) -> tuple[list[Outcome], float]:
    from eval.baseline import LlamaIndexDefaults

    baseline = LlamaIndexDefaults(settings, top_k=TOP_K)
    baseline.answer(items[0].question)  # warm
    outcomes = []
    for item in items:
        started = time.perf_counter()
        result = baseline.answer(item.question)  # the tutorial pipeline has no notion of conversation history
        latency = (time.perf_counter() - started) * 1000
        outcomes.append(Outcome(item=item, text=result.text, route=result.route,
                                cited=tuple(s["doc"] for s in result.sources), latency_ms=latency,
                                ranked=result.docs, sources=result.sources))
    return outcomes, baseline.build_s


# --- LLM judge ------------------------------------------------------------------------------------------------------

JUDGE_INSTRUCTIONS = """You grade one answer of a customer-support assistant for the Z.ai GLM Coding Plan.
You get documentation passages, the user's question and the assistant's answer.
Reply with one JSON object and nothing else: {"correct": true or false, "faithful": true or false}
- correct: the answer responds to the question and is right according to the passages. An answer saying the
  documentation does not cover the question is correct only when the passages really do not answer it.
- faithful: every factual claim in the answer (numbers, prices, dates, URLs, rules) is stated in the passages;
  a refusal that claims nothing is faithful."""


def judge_one(client, model: str, thinking: bool, outcome: Outcome) -> dict:
    passages = "\n\n".join(f"[{n}] {text[:1500]}" for n, text in enumerate(outcome.passages, start=1)) or "(none)"
    history = "".join(f"{t['role']}: {t['content']}\n" for t in outcome.item.history)
    prompt = (f"Passages:\n{passages}\n\nConversation so far:\n{history or '(none)'}\nQuestion: "
              f"{outcome.item.question}\n\nAnswer:\n{outcome.text[:2000]}")
    try:
        response = client.chat.completions.create(
            model=model, temperature=0, max_tokens=200,
            messages=[{"role": "system", "content": JUDGE_INSTRUCTIONS}, {"role": "user", "content": prompt}],
            extra_body={"thinking": {"type": "enabled" if thinking else "disabled"}})
        content = response.choices[0].message.content or ""
        found = re.search(r"\{.*\}", content, re.S)
        verdict = json.loads(found.group(0)) if found else {}
        if not isinstance(verdict.get("correct"), bool) or not isinstance(verdict.get("faithful"), bool):
            return {"error": "unreadable verdict"}
        return {"correct": verdict["correct"], "faithful": verdict["faithful"]}
    except Exception as exc:  # one failed grading must not sink the run; the message never carries the key
        status = getattr(exc, "status_code", None)
        return {"error": type(exc).__name__ + (f" (HTTP {status})" if status else "")}


def judge(outcomes: list[Outcome], settings: Settings) -> None:
    from openai import OpenAI

    client = OpenAI(api_key=settings.llm_api_key, base_url=settings.llm_base_url, timeout=settings.llm_timeout,
                    max_retries=settings.llm_max_retries)
    with ThreadPoolExecutor(max_workers=4) as pool:
        verdicts = list(pool.map(lambda o: judge_one(client, settings.llm_model, settings.llm_thinking, o), outcomes))
    for outcome, verdict in zip(outcomes, verdicts):
        outcome.judge = verdict


# --- regression gate ------------------------------------------------------------------------------------------------

def shipped_floors(golden: Path) -> Path | None:
    """The floors shipped for one of the project's own golden files: eval/floors.json for golden.jsonl,
    eval/floors_<name>.json for eval/<name>.jsonl (the real-message set); none for anyone else's file."""
    golden = golden.resolve()
    if golden == DEFAULT_GOLDEN.resolve():
        return DEFAULT_FLOORS
    own = EVAL_DIR / f"floors_{golden.stem}.json"
    return own if golden.parent == EVAL_DIR.resolve() and own.is_file() else None


def load_floors(path: Path | None) -> dict | None:
    """The floors, read before the run so a broken file fails in a second, not after every question was asked."""
    if path is None:
        return None
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldenError(f"cannot read the floors file {path}: {exc}") from None
    if not isinstance(floors, dict) or not all(isinstance(floors.get(k, 0), (int, float)) for k in GATED):
        raise GoldenError(f"{path}: floors must be a JSON object with numbers for {', '.join(GATED)}")
    return floors


def gate(summary: dict, floors: dict | None, where: str, offline: bool) -> tuple[bool, str]:
    """(ok, message): the run fails when a gated figure is below its floor. A floor only ever rises."""
    if floors is None:
        return True, "Gate: no floors for this golden file (pass --floors FILE to check some)."
    below, lines = [], []
    for key in GATED:
        if key not in floors:
            continue
        if key == "pass_rate" and not offline:
            lines.append("pass_rate not checked: its floor is for offline answers and an LLM is configured "
                         "(run with --offline to check it)")
            continue
        value, floor = summary[key], float(floors[key])
        if value is None or value < floor:
            below.append(key)
            lines.append(f"REGRESSION: {key} {_show(value)} is below its floor {floor:.2f} ({where}); "
                         "fix the regression, never lower the floor to pass")
        else:
            rises = floor2(value) > floor
            lines.append(f"{key} {value:.4f} >= floor {floor:.2f}"
                         + (f" (the floor can rise to {floor2(value):.2f} in {where})" if rises else ""))
    return not below, ("Gate FAILED: " if below else "Gate passed: ") + "; ".join(lines)


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return f"{os.cpu_count()} CPUs" + (f", load average {load:.1f} at the start" if load is not None else "")


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- output files ---------------------------------------------------------------------------------------------------

def result_line(outcome: Outcome) -> dict:
    """One line of the results file, exactly the fields of FORMAT.md (`passed` only when the golden had `expect`)."""
    line = {"id": outcome.item.id, "question": outcome.item.question, "answer": outcome.text,
            "route": outcome.route, "sources": list(outcome.sources)}
    if outcome.passed is not None:
        line["passed"] = outcome.passed
    line["latency_ms"] = round(outcome.latency_ms, 1)
    return line


def write_results(path: Path, outcomes: list[Outcome]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for outcome in outcomes:
            handle.write(json.dumps(result_line(outcome), ensure_ascii=False) + "\n")


# --- the command ----------------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN,
                        help="golden file in ../shared/eval/FORMAT.md (default: eval/golden.jsonl)")
    parser.add_argument("--out", type=Path, help="write the results file (JSON Lines, FORMAT.md) here")
    parser.add_argument("--report", type=Path, help="write a Markdown report here, its chart (PNG) beside it")
    parser.add_argument("--baseline", action="store_true", help="also run the LlamaIndex-defaults pipeline")
    parser.add_argument("--judge", action="store_true", help="LLM-graded correctness and faithfulness (needs a key)")
    parser.add_argument("--index", type=Path, help="index folder (default: HELPDESK_INDEX_DIR or .index)")
    parser.add_argument("--floors", type=Path,
                        help="floors to gate on (default: eval/floors.json, for the default golden file only)")
    parser.add_argument("--offline", action="store_true",
                        help="answer without the LLM even when a key is set (the floors are for offline answers)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    machine = _machine()  # before the run loads the machine itself
    try:
        settings = Settings.from_env(**({"index_dir": args.index} if args.index else {}))
        judge_settings = settings  # the judge may use the key even when the answers are kept offline
        if args.offline:
            settings = replace(settings, llm_api_key=None)
        items = load_golden(args.golden)
        floors_path = args.floors or shipped_floors(args.golden)
        floors = load_floors(floors_path)
        judging = args.judge and judge_settings.llm_enabled
        if args.judge and not judging:
            print("--judge: no LLM key set (ZAI_API_KEY or HELPDESK_LLM_API_KEY), so judging is skipped.")
        ours, build, described = run_ours(items, settings, want_passages=judging)
    except HelpdeskError as exc:  # the golden or floors file, a setting, the index, the model: unusable input
        report_error(exc, "python -m eval")
        return 2

    offline = not settings.llm_enabled
    run = {
        "golden": _rel(args.golden), "n": len(items), "n_held_out": sum(i.held_out for i in items),
        "n_dev": sum(not i.held_out for i in items), "build": build, "retrieval_query": described,
        "mode": "offline (no LLM)" if offline else f"GLM ({settings.llm_model} at {settings.llm_base_url})",
        "judged": judging, "date": datetime.date.today().isoformat(), "machine": machine,
        "argv": "".join(f" {a}" for a in argv),
    }
    if judging:
        print(f"Judging {len(ours)} answers with {judge_settings.llm_model} at {judge_settings.llm_base_url} ...",
              flush=True)
        judge(ours, judge_settings)
    run["ours"] = {"all": summarize(ours), "splits": by_split(ours), "categories": by_category(ours)}
    if judging:
        s = run["ours"]["all"]
        run["judge_note"] = (f"Judged by {judge_settings.llm_model}: {s['judged']} answers graded, "
                             f"{s['judge_errors']} could not be graded.")
    if args.baseline:
        base, build_s = run_baseline(items, settings)
        run["baseline"] = {"all": summarize(base), "splits": by_split(base), "categories": by_category(base),
                           "build_s": build_s}
    ok, run["gate"] = gate(run["ours"]["all"], floors, _rel(floors_path) if floors_path else "", offline)
    report(run, ours, args)
    return 0 if ok else 1


def report(run: dict, ours: list[Outcome], args: argparse.Namespace) -> None:
    print(console(run))
    failures = [o for o in ours if o.passed is False]
    print(f"\n{len(failures)} answers failed ({sum(not o.item.held_out for o in failures)} dev, "
          f"{sum(o.item.held_out for o in failures)} held out).")
    if run.get("judge_note"):
        print(run["judge_note"])
    if args.out:
        write_results(args.out, ours)
        print(f"Results: {args.out}")
    if args.report:
        png = args.report.with_name(args.report.stem.lower() + ".png")
        chart(run, png)
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(markdown(run, png.name, [o for o in failures if not o.item.held_out]),
                               encoding="utf-8")
        print(f"Report: {args.report} (chart: {png})")
    print(run["gate"])


if __name__ == "__main__":
    raise SystemExit(main())
