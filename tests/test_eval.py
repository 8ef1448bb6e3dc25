"""The batch evaluation: metric functions on hand-checked cases, the golden set, and `python -m eval` in-process.

`test_offline_evaluation_meets_the_floors` is the regression gate CI runs: the whole golden set through
`answer()` on a fresh index of the real corpus, checked against eval/floors.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.__main__ import DEFAULT_FLOORS, DEFAULT_GOLDEN, main
from eval.metrics import (ANSWER_WINDOW, GoldenError, GoldenItem, Outcome, abstention, first_rank, floor2, hit_at,
                          is_held_out, load_golden, mrr, passes, percentile, route_matches, summarize, unmet)
from tests.conftest import CORPUS

RESULT_FIELDS = {"id", "question", "answer", "route", "sources", "passed", "latency_ms"}


# --- pass / fail ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expect, ok", [
    ("Lite: ~80 prompts every 5 hours", {"all": [r"\b80\b"]}, True),
    ("Lite: ~80 prompts every 5 hours", {"all": [r"\b80\b", r"weekly"]}, False),  # every `all` must match
    ("Pro costs $30", {"any": [r"USD", r"\$"]}, True),
    ("Pro costs 30", {"any": [r"USD", r"\$"]}, False),  # at least one `any`
    ("Lite: ~80 (was ~120)", {"all": [r"\b80\b"], "none": [r"\b120\b"]}, False),  # a forbidden figure fails it
    ("LITE: ~80 PROMPTS", {"all": [r"lite: ~80 prompts"]}, True),  # case-insensitive
    ("the answer is 26 USD", {"all": [r"\b26\b"], "none": [r"\b24\b"]}, True),
    ("anything at all", {}, True),  # no text conditions: nothing to break
    ("anything at all", {"sources": ["devpack-faq"], "route": "rules"}, True),  # scored elsewhere, not here
])
def test_pass_fail_matching(text, expect, ok):
    assert passes(text, expect) is ok
    assert (unmet(text, expect) == []) is ok


def test_only_the_first_1000_characters_are_matched():
    late = "x" * ANSWER_WINDOW + " 80 prompts"
    assert not passes(late, {"all": [r"\b80\b"]})
    assert passes(late, {"none": [r"\b80\b"]})  # a figure past the window is not "said" either
    assert not passes("x" * (ANSWER_WINDOW - 2) + " 80", {"all": [r"\b80\b"]})  # the cut falls inside "80"
    assert passes("x" * (ANSWER_WINDOW - 3) + " 80", {"all": [r"\b80\b"]})  # the last char is char 1,000


def test_unmet_names_what_failed():
    assert unmet("about 120 prompts", {"all": [r"\b80\b"], "any": ["USD", "tokens"], "none": [r"\b120\b"]}) == [
        r"missing /\b80\b/", "none of /USD/, /tokens/", r"forbidden /\b120\b/"]


@pytest.mark.parametrize("actual, expected, ok", [
    ("rules", "rules", True), ("retrieval", "rules", False), ("abstain", "abstain", True),
    ("llm", "retrieval", True),  # GLM writing the answer is the generation step of the retrieval path
    ("llm", "rules", False), ("retrieval", "abstain", False),
])
def test_route_matching(actual, expected, ok):
    assert route_matches(actual, expected) is ok


# --- ranking ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ranked, expected, rank", [
    (["a", "b", "c"], ["a"], 0),
    (["x", "b", "a"], ["a", "b"], 1),  # the first passage from ANY expected document
    (["x", "y", "z"], ["a"], None),
    ([], ["a"], None),
    (["x", "x", "x", "x", "a"], ["a"], 4),  # repeats of a document count as separate passages
])
def test_first_rank(ranked, expected, rank):
    assert first_rank(ranked, expected) == rank


@pytest.mark.parametrize("ranks, k, hit", [
    ([0, 1, 2, None], 1, 0.25),
    ([0, 1, 2, None], 3, 0.75),
    ([0, 1, 2, None], 5, 0.75),
    ([4, 5], 5, 0.5),
    ([], 3, None),  # nothing to measure
])
def test_hit_at_k(ranks, k, hit):
    assert hit_at(ranks, k) == (pytest.approx(hit) if hit is not None else None)


@pytest.mark.parametrize("ranks, value", [
    ([0], 1.0),
    ([1], 0.5),
    ([0, 1, 3, None], (1 + 1 / 2 + 1 / 4 + 0) / 4),  # = 0.4375
    ([None, None], 0.0),
    ([], None),
])
def test_mrr(ranks, value):
    assert mrr(ranks) == (pytest.approx(value) if value is not None else None)


# --- abstention ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pairs, precision, recall", [
    # (abstained, should have abstained)
    ([(True, True), (True, False), (False, True), (False, False)], 0.5, 0.5),
    ([(True, True), (True, True), (False, True)], 1.0, 2 / 3),
    ([(True, False), (False, False)], 0.0, None),  # nothing should have abstained: recall undefined
    ([(False, True), (False, False)], None, 0.0),  # never abstained: precision undefined, recall 0
    ([], None, None),
])
def test_abstention_precision_and_recall(pairs, precision, recall):
    got_precision, got_recall = abstention(pairs)
    assert got_precision == (pytest.approx(precision) if precision is not None else None)
    assert got_recall == (pytest.approx(recall) if recall is not None else None)


# --- small statistics ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, q, expected", [
    ([1, 2, 3, 4], 50, 2.5),
    ([1, 2, 3, 4, 5], 50, 3),
    ([10], 95, 10),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 95, 20),
    ([0, 100], 95, 95),
    ([5, 1, 3], 0, 1),  # order of the input does not matter
    ([5, 1, 3], 100, 5),
    ([], 50, None),
])
def test_percentile(values, q, expected):
    assert percentile(values, q) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("value, floored", [(0.5873, 0.58), (0.92640, 0.92), (57 / 190, 0.3), (0.2999, 0.29), (0.3, 0.3),
                                            (1.0, 1.0), (0.0, 0.0)])
def test_floor_rounds_down_to_two_decimals(value, floored):
    assert floor2(value) == floored


@pytest.mark.parametrize("item_id, held_out", [("q010", True), ("q015", True), ("q011", False), ("q019", False),
                                               ("abc", False), ("x-5", True)])
def test_held_out_split_is_by_id(item_id, held_out):
    assert is_held_out(item_id) is held_out


def test_summary_of_hand_made_outcomes():
    def outcome(text, route, cited, expect, ranked=None, latency=10.0, item_id="q1", category="c"):
        return Outcome(item=GoldenItem(id=item_id, question="?", category=category, expect=expect), text=text,
                       route=route, cited=cited, latency_ms=latency, ranked=ranked)

    outcomes = [
        outcome("Lite: ~80", "rules", ("devpack-faq",), {"all": ["80"], "sources": ["devpack-faq"],
                                                          "route": "rules"}, ranked=("devpack-faq",), latency=10),
        outcome("Lite: ~120", "retrieval", ("devpack-overview",), {"all": ["80"], "sources": ["devpack-faq"],
                                                                     "route": "rules"},
                ranked=("devpack-overview", "devpack-faq"), latency=20),
        outcome("I couldn't find this", "abstain", (), {"any": ["couldn't find"], "route": "abstain"}, latency=30),
        outcome("no expectations", "retrieval", (), None, latency=40),
    ]
    s = summarize(outcomes)
    assert (s["n"], s["scored"], s["passed"]) == (4, 3, 2)
    assert s["pass_rate"] == pytest.approx(2 / 3)
    assert s["routing"] == pytest.approx(2 / 3)
    assert s["citation"] == 0.5
    assert (s["hit@1"], s["hit@3"], s["mrr"]) == (0.5, 1.0, 0.75)
    assert (s["abstain_precision"], s["abstain_recall"]) == (1.0, 1.0)
    assert s["p50_ms"] == 25 and s["per_second"] == pytest.approx(4 / 0.1)
    assert outcomes[3].passed is None and outcomes[1].passed is False


# --- the golden file ----------------------------------------------------------------------------------------------

def _write(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("bad_line, problem", [
    ("{not json", "not valid JSON"),
    ({"question": "no id"}, "`id`"),
    ({"id": "q1", "question": "  "}, "`question`"),
    ({"id": "q1", "question": "?", "expect": {"all": ["(unclosed"]}}, "does not compile"),
    ({"id": "q1", "question": "?", "expect": {"route": "guess"}}, "`expect.route`"),
    ({"id": "q1", "question": "?", "expect": {"any": "not a list"}}, "`expect.any`"),
    ({"id": "q1", "question": "?", "history": [{"role": "system", "content": "x"}]}, "`history`"),
])
def test_a_broken_golden_line_is_named(tmp_path, bad_line, problem):
    path = _write(tmp_path / "g.jsonl", [{"id": "q0", "question": "fine"}, bad_line])
    with pytest.raises(GoldenError, match=re.escape(problem)) as caught:
        load_golden(path)
    assert ":2:" in str(caught.value)


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(GoldenError, match="duplicate id 'q1'"):
        load_golden(_write(tmp_path / "g.jsonl", [{"id": "q1", "question": "a"}, {"id": "q1", "question": "b"}]))


def test_the_shipped_golden_set_covers_the_brief():
    items = load_golden(DEFAULT_GOLDEN)
    categories = {i.category for i in items}
    assert len(items) >= 150
    assert categories >= {"quota", "mcp_quota", "models", "pricing", "subscription", "referral", "setup", "errors",
                          "conflicts", "not_in_docs", "out_of_scope", "multi_turn", "injection", "chinese"}
    held_out = [i for i in items if i.held_out]
    assert 0.15 <= len(held_out) / len(items) <= 0.25
    assert {i.category for i in held_out} == categories  # every category is represented in the held-out split
    docs = {p.stem for p in CORPUS.glob("*.md")}
    for item in items:
        assert set(item.expected_sources) <= docs, item.id
        assert item.expected_route in ("rules", "retrieval", "abstain"), item.id
        assert item.has_text_checks, item.id
    assert all(i.history for i in items if i.category == "multi_turn")
    # The superseded quotas are forbidden wherever the current ones are asked for.
    conflicts = [i for i in items if i.category == "conflicts"]
    assert conflicts and all(i.expect.get("none") for i in conflicts)


def test_the_floors_are_in_the_repository():
    floors = json.loads(DEFAULT_FLOORS.read_text(encoding="utf-8"))
    assert 0 < floors["pass_rate"] <= 1 and 0 < floors["hit@3"] <= 1


# --- python -m eval, in-process ---------------------------------------------------------------------------------

@pytest.fixture
def eval_env(real_settings, monkeypatch):
    """No developer variable (an LLM key, another index) leaks in; the index is the session's real one."""
    import os

    for name in list(os.environ):
        if name.startswith(("HELPDESK_", "CHROMA_", "ZAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(real_settings.index_dir))
    return real_settings


SMALL = [
    {"id": "t01", "category": "quota", "question": "How many prompts do I get every 5 hours on Lite?",
     "expect": {"all": [r"\b80\b"], "none": [r"\b120\b"], "sources": ["devpack-faq"], "route": "rules"}},
    {"id": "t02", "category": "multi_turn", "question": "and on Max?",
     "history": [{"role": "user", "content": "How many web searches per month does the Lite plan include?"},
                 {"role": "assistant", "content": "Lite: 100 web searches and web readers per month."}],
     "expect": {"all": [r"4,?000"], "sources": ["devpack-faq"]}},
    {"id": "t03", "category": "out_of_scope", "question": "What's the capital of Australia?",
     "expect": {"none": ["Canberra"], "route": "abstain"}},
    {"id": "t05", "question": "Where can I check my API rate limits?"},  # no expect: no `passed` in the results
]


def test_offline_evaluation_meets_the_floors(eval_env, tmp_path, capsys):
    """The regression gate: the whole golden set, offline, at or above eval/floors.json (exit status 0)."""
    out = tmp_path / "results.jsonl"
    status = main(["--offline", "--index", str(eval_env.index_dir), "--out", str(out)])
    printed = capsys.readouterr().out
    assert status == 0, printed[-3000:]
    assert "Gate passed" in printed
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [i.id for i in load_golden(DEFAULT_GOLDEN)]


@pytest.mark.parametrize("name", ["real_users.jsonl", "real_users_fresh.jsonl"])
def test_real_subscriber_messages_meet_their_floors(eval_env, tmp_path, capsys, name):
    """The same gate on real subscribers' messages (eval/real_users.jsonl, gated by eval/floors_real_users.json) and
    on the fresh held-out set no one tunes on (eval/real_users_fresh.jsonl, eval/floors_real_users_fresh.json)."""
    real = DEFAULT_GOLDEN.with_name(name)
    status = main(["--offline", "--golden", str(real), "--index", str(eval_env.index_dir)])
    printed = capsys.readouterr().out
    assert status == 0, printed[-3000:]
    assert "Gate passed" in printed and "rules answers that failed" in printed


@pytest.mark.parametrize("name", ["real_messages_dev2", "real_messages_dev3", "real_messages_dev4", "real_messages_dev5",
                                  "real_messages_dev6", "real_messages_dev7", "real_messages_dev8", "real_messages_dev9",
                                  "real_messages_dev10", "probe_messages",
                                  "probe_messages4",
                                  "probe_messages5", "probe_messages6", "probe_messages7", "probe_messages8",
                                  "probe_messages9", "probe_messages10", "probe_messages11", "probe_messages12",
                                  "probe_messages13", "probe_messages14", "probe_messages15", "probe_messages16",
                                  "probe_messages17", "probe_messages18", "probe_messages19", "probe_messages20",
                                  "probe_messages21", "probe_messages22", "probe_messages23", "probe_messages24"])
def test_development_sets_of_real_messages_meet_their_floors(eval_env, capsys, name):
    """The development sets (tests/data/real_messages_dev2.jsonl ... _dev10.jsonl, and the labelled probe messages
    written in their style, probe_messages.jsonl) are gated too, by the floors beside them: what one set's mechanism
    gains must not be another set's loss."""
    data = Path(__file__).parent / "data"
    status = main(["--offline", "--golden", str(data / f"{name}.jsonl"), "--floors", str(data / f"floors_{name}.json"),
                   "--index", str(eval_env.index_dir)])
    printed = capsys.readouterr().out
    assert status == 0, printed[-3000:]
    assert "Gate passed" in printed


def test_any_golden_file_runs_with_baseline_results_and_report(eval_env, tmp_path, capsys):
    golden = _write(tmp_path / "theirs.jsonl", SMALL)
    out, report = tmp_path / "out" / "results.jsonl", tmp_path / "out" / "REPORT.md"
    status = main(["--golden", str(golden), "--baseline", "--out", str(out), "--report", str(report)])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "ours/baseline" in printed and "no floors for this golden file" in printed

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["t01", "t02", "t03", "t05"]
    for line in lines:
        assert set(line) == RESULT_FIELDS - ({"passed"} if line["id"] == "t05" else set()), line
        assert isinstance(line["latency_ms"], float) and isinstance(line["answer"], str)
        assert all(set(s) == {"doc", "title", "url", "as_of"} for s in line["sources"])
    by_id = {line["id"]: line for line in lines}
    assert by_id["t01"]["passed"] is True and by_id["t03"]["route"] == "abstain"

    text = report.read_text(encoding="utf-8")
    assert "LlamaIndex" in text and "| quota |" in text and "![" in text
    chart = report.with_name("report.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "(report.png)" in text


def test_a_run_below_a_floor_fails_with_a_clear_message(eval_env, tmp_path, capsys):
    golden = _write(tmp_path / "g.jsonl", SMALL[:1] + [
        {"id": "t09", "question": "How many prompts every 5 hours on Lite?", "expect": {"all": ["unicorns"]}}])
    floors = _write(tmp_path / "floors.json", [{"pass_rate": 0.9, "hit@3": 0.1}])
    assert main(["--golden", str(golden), "--floors", str(floors)]) == 1
    printed = capsys.readouterr().out
    assert "Gate FAILED" in printed and "REGRESSION: pass_rate 0.5000 is below its floor 0.90" in printed


def test_a_broken_golden_file_is_a_usage_error(eval_env, tmp_path, capsys):
    golden = _write(tmp_path / "g.jsonl", ['{"id": "q1", "question": "ok", "expect": {"all": ["("]}}'])
    assert main(["--golden", str(golden)]) == 2
    assert "g.jsonl:1" in capsys.readouterr().err


def test_judge_without_a_key_says_it_is_skipped(eval_env, tmp_path, capsys):
    golden = _write(tmp_path / "g.jsonl", SMALL[:1])
    assert main(["--golden", str(golden), "--judge"]) == 0
    printed = capsys.readouterr().out
    assert "judging is skipped" in printed and "LLM-judged" not in printed


def test_judge_grades_through_an_openai_compatible_server(eval_env, tmp_path, monkeypatch, capsys):
    from tests.fake_llm_server import FakeLLM, Reply

    key = "sk-eval-test-not-a-real-key-123"
    golden = _write(tmp_path / "g.jsonl", SMALL[:3])
    with FakeLLM(Reply(text='{"correct": true, "faithful": false}')) as server:
        monkeypatch.setenv("HELPDESK_LLM_API_KEY", key)
        monkeypatch.setenv("HELPDESK_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("HELPDESK_LLM_MODEL", "judge-model")
        out = tmp_path / "results.jsonl"
        assert main(["--golden", str(golden), "--judge", "--offline", "--out", str(out)]) == 0
        requests = list(server.requests)
    captured = capsys.readouterr()
    assert key not in captured.out + captured.err + out.read_text(encoding="utf-8")
    assert len(requests) == 3
    assert all(r.body["model"] == "judge-model" and r.headers["authorization"] == f"Bearer {key}" for r in requests)
    assert any("capital of Australia" in r.prompt for r in requests)
    assert re.search(r"LLM-judged correctness\s+1\.00", captured.out)
    assert re.search(r"LLM-judged faithfulness\s+0\.00", captured.out)
    assert all(set(json.loads(line)) <= RESULT_FIELDS for line in out.read_text(encoding="utf-8").splitlines())
