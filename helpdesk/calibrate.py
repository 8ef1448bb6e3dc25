"""`python -m helpdesk.calibrate`: fit the abstention weights and threshold on a labelled question set.

Prints the best (vocabulary weight, support weight, threshold) by balanced accuracy, and how the current
settings score; copy the figures into Settings' defaults when they improve. tests/test_abstention.py keeps
the current defaults honest against the same set.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from helpdesk.abstain import Evidence
from helpdesk.core import Helpdesk
from helpdesk.errors import HelpdeskError, report_error
from helpdesk.message import analyse
from helpdesk.query import preferred_docs, retrieval_query
from helpdesk.settings import PROJECT_ROOT, Settings

LABELLED = PROJECT_ROOT / "tests" / "data" / "abstention_labelled.jsonl"
# Real subscribers' messages (pasted errors, configs, Chinese), labelled from the docs: the cut must hold on both.
REAL_LABELLED = PROJECT_ROOT / "tests" / "data" / "abstention_real_messages.jsonl"


@dataclass(frozen=True)
class Score:
    answer_recall: float  # answerable questions that were answered
    abstain_recall: float  # questions to refuse that were refused

    @property
    def balanced(self) -> float:
        return (self.answer_recall + self.abstain_recall) / 2


def load(path: Path = LABELLED) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def collect(helpdesk: Helpdesk, rows: list[dict]) -> list[tuple[Evidence, str]]:
    settings, retriever = helpdesk.settings, helpdesk.retriever()
    result = []
    for row in rows:
        msg = analyse(row["question"], settings.corpus_dir)
        query = retrieval_query(msg)  # the query answer() retrieves with: the ask, never the paste
        passages = retriever.search(query, k=settings.top_k, prefer=preferred_docs(msg))
        result.append((retriever.evidence(query, passages), row["label"]))
    return result


def score(samples: list[tuple[Evidence, str]], vocabulary: float, support: float, threshold: float) -> Score:
    answered = [e.confidence(vocabulary, support) >= threshold for e, _ in samples]
    labels = [label for _, label in samples]
    n_answer = labels.count("answer") or 1
    n_abstain = labels.count("abstain") or 1
    return Score(sum(a for a, l in zip(answered, labels) if l == "answer") / n_answer,
                 sum(not a for a, l in zip(answered, labels) if l == "abstain") / n_abstain)


def fit(samples: list[tuple[Evidence, str]]) -> tuple[float, float, float, Score]:
    best = None
    grid = [step / 20 for step in range(21)]
    for vocabulary in grid:
        for support in grid:
            values = sorted({round(e.confidence(vocabulary, support), 3) for e, _ in samples})
            for threshold in values:
                result = score(samples, vocabulary, support, threshold)
                if best is None or result.balanced > best[3].balanced:
                    best = (vocabulary, support, threshold, result)
    return best


REFUSAL_COST = 3.0  # a refused answerable question, against a hedged unanswerable one (which still says so, with a person)


def floor_score(samples: list[tuple[Evidence, str]], vocabulary: float, support: float, threshold: float, floor: float,
                off_topic: list[bool]) -> Score:
    """Answered and refused rates when an off-topic ask needs `threshold` and any other ask only `floor`."""
    answered = [not (e.confidence(vocabulary, support) < threshold and off or e.confidence(vocabulary, support) < floor)
                for (e, _), off in zip(samples, off_topic)]
    labels = [label for _, label in samples]
    return Score(sum(a for a, l in zip(answered, labels) if l == "answer") / (labels.count("answer") or 1),
                 sum(not a for a, l in zip(answered, labels) if l == "abstain") / (labels.count("abstain") or 1))


def fit_floor(samples: list[tuple[Evidence, str]], vocabulary: float, support: float, threshold: float,
              off_topic: list[bool], refusal_cost: float = REFUSAL_COST) -> tuple[float, Score]:
    """The floor below the threshold that best trades refusals of answerable asks (weighted) against hedged answers to
    unanswerable ones; ties keep the higher floor."""
    values = sorted({round(e.confidence(vocabulary, support), 3) for e, _ in samples if
                     e.confidence(vocabulary, support) <= threshold} | {threshold})
    best = None
    for floor in values:
        result = floor_score(samples, vocabulary, support, threshold, floor, off_topic)
        value = refusal_cost * result.answer_recall + result.abstain_recall
        if best is None or value >= best[0] - 1e-9:
            best = (value, floor, result)
    return best[1], best[2]


def off_topic_score(samples: list[tuple[Evidence, str]], kinds: list[str], vocabulary: float, closeness: float
                    ) -> float:
    """Balanced accuracy of the off-topic wording: off-topic rows called off-topic, answerable rows not."""
    called = [e.vocabulary < vocabulary or e.closeness < closeness for e, _ in samples]
    off = [c for c, k in zip(called, kinds) if k == "off-topic"]
    on = [not c for c, k in zip(called, kinds) if k == "answer"]
    return (sum(off) / (len(off) or 1) + sum(on) / (len(on) or 1)) / 2


def fit_off_topic(samples: list[tuple[Evidence, str]], kinds: list[str]) -> tuple[float, float, float]:
    """The (vocabulary, closeness) cut that best tells off-topic rows from answerable ones; ties keep the lower cut."""
    best = None
    for vocabulary in [step / 20 for step in range(10, 21)]:
        for closeness in [step / 20 for step in range(0, 11)]:
            value = off_topic_score(samples, kinds, vocabulary, closeness)
            if best is None or value > best[2] + 1e-9:
                best = (vocabulary, closeness, value)
    return best


def kind_of(row: dict) -> str:
    return "off-topic" if str(row.get("why", "")).lower().startswith("off-topic") else row["label"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpdesk.calibrate", description=__doc__)
    parser.add_argument("--labelled", type=Path, action="append",
                        help="labelled JSON Lines (question, label); repeatable (default: the clean and the real-message "
                             "sets in tests/data)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        rows = [row for path in (args.labelled or [LABELLED, REAL_LABELLED]) for row in load(path)]
        samples = collect(Helpdesk.from_settings(settings), rows)
    except HelpdeskError as exc:  # a bad setting, no index, no model: one line that says what to do
        report_error(exc, parser.prog)
        return 2
    current = score(samples, settings.abstain_vocabulary_weight, settings.abstain_support_weight,
                    settings.abstain_threshold)
    vocabulary, support, threshold, best = fit(samples)
    print(f"{len(samples)} labelled questions")
    print(f"current : vocabulary {settings.abstain_vocabulary_weight} support {settings.abstain_support_weight} "
          f"threshold {settings.abstain_threshold}: balanced accuracy {current.balanced:.3f} "
          f"(answered {current.answer_recall:.2f}, refused {current.abstain_recall:.2f})")
    print(f"best fit: vocabulary {vocabulary} support {support} threshold {threshold}: balanced accuracy "
          f"{best.balanced:.3f} (answered {best.answer_recall:.2f}, refused {best.abstain_recall:.2f})")
    off = [e.vocabulary < settings.off_topic_vocabulary or e.closeness < settings.off_topic_closeness for e, _ in samples]
    floor, fitted_floor = fit_floor(samples, settings.abstain_vocabulary_weight, settings.abstain_support_weight,
                                    settings.abstain_threshold, off)
    now_floor = floor_score(samples, settings.abstain_vocabulary_weight, settings.abstain_support_weight,
                            settings.abstain_threshold, settings.abstain_floor, off)
    print(f"floor for asks that are not off-topic (a refusal counted {REFUSAL_COST:g}x a hedged answer): current "
          f"{settings.abstain_floor} (answered {now_floor.answer_recall:.2f}, refused {now_floor.abstain_recall:.2f}); "
          f"best fit {floor} (answered {fitted_floor.answer_recall:.2f}, refused {fitted_floor.abstain_recall:.2f})")
    kinds = [kind_of(row) for row in rows]
    now = off_topic_score(samples, kinds, settings.off_topic_vocabulary, settings.off_topic_closeness)
    vocabulary_cut, closeness_cut, fitted = fit_off_topic(samples, kinds)
    print(f"off-topic wording ({kinds.count('off-topic')} off-topic rows against {kinds.count('answer')} answerable): "
          f"current vocabulary < {settings.off_topic_vocabulary} or closeness < {settings.off_topic_closeness}: "
          f"balanced accuracy {now:.3f}; best fit vocabulary < {vocabulary_cut} or closeness < {closeness_cut}: "
          f"{fitted:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
