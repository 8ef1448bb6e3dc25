"""What the insights page shows, computed from the conversation log: rates over time, the refused and
low-confidence questions grouped by topic, the answers voted down, and golden lines for the evaluation.

Pure functions over log entries (dicts from `ConversationLog.entries`), so they are tested without a browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from helpdesk.curated import Curated, best_match, figures
from helpdesk.embedding import Embedder
from helpdesk.settings import Settings

LOW_CONFIDENCE = 0.5  # a docs answer below this is worth a look, though it cleared the abstention threshold
TOPIC_DISTANCE = 0.6  # cosine distance (1 - cosine) under which questions share a topic (average linkage)
PLACEHOLDER = "TODO-write-a-figure-or-keyword-the-right-answer-must-contain"
RATES = ("answered", "refused", "handed over")


def parse_time(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def refused(entry: dict) -> bool:
    return entry["route"] == "abstain"


def low_confidence(entry: dict, below: float = LOW_CONFIDENCE) -> bool:
    return entry["route"] in ("retrieval", "llm") and entry["confidence"] < below


def why_flagged(entry: dict, below: float = LOW_CONFIDENCE) -> str | None:
    """Why an entry belongs on the failures list: refused, low confidence, or voted down (None: it does not)."""
    if entry.get("rating") == -1:
        return "thumbs down"
    if refused(entry):
        return "refused"
    if low_confidence(entry, below):
        return "low confidence"
    return None


def select(entries: Iterable[dict], start: dt.date | None = None, end: dt.date | None = None,
           routes: Sequence[str] | None = None) -> list[dict]:
    """Entries asked on or between two dates (UTC, inclusive) and answered by one of the routes."""
    chosen = []
    for entry in entries:
        day = parse_time(entry["created_at"]).date()
        if (start and day < start) or (end and day > end) or (routes and entry["route"] not in routes):
            continue
        chosen.append(entry)
    return chosen


def rates_by_day(entries: Sequence[dict]) -> pd.DataFrame:
    """Per day: questions asked, and the share answered, refused (route abstain) and handed over (a person
    offered), in percent. A question can be both refused and handed over, so the shares need not add to 100."""
    if not entries:
        return pd.DataFrame(columns=["questions", *RATES])
    frame = pd.DataFrame({
        "day": [parse_time(e["created_at"]).date() for e in entries],
        "answered": [e["route"] != "abstain" for e in entries],
        "refused": [refused(e) for e in entries],
        "handed over": [bool(e["offer_human"]) for e in entries],
    })
    daily = frame.groupby("day").agg(questions=("answered", "size"), **{name: (name, "mean") for name in RATES})
    daily[list(RATES)] = (daily[list(RATES)] * 100).round(1)
    daily.index = pd.to_datetime(daily.index)
    return daily


def summary(entries: Sequence[dict]) -> dict:
    total = len(entries)

    def share(test) -> float:
        return round(100 * sum(map(test, entries)) / total, 1) if total else 0.0

    return {"questions": total, "answered": share(lambda e: e["route"] != "abstain"), "refused": share(refused),
            "handed over": share(lambda e: bool(e["offer_human"])),
            "thumbs down": sum(e.get("rating") == -1 for e in entries),
            "median latency ms": float(np.median([e["latency_ms"] for e in entries if e["latency_ms"] is not None]))
            if any(e["latency_ms"] is not None for e in entries) else None}


@dataclass(frozen=True)
class Topic:
    label: str  # the question nearest the topic's centre: a real question reads better than a keyword list
    entries: tuple[dict, ...]

    @property
    def questions(self) -> list[str]:
        return list(dict.fromkeys(e["question"] for e in self.entries))


def topics(entries: Sequence[dict], embedder: Embedder, distance: float = TOPIC_DISTANCE) -> list[Topic]:
    """Entries grouped by what they ask: agglomerative clustering (average linkage, cosine) of the question
    embeddings the retriever already uses (`embedder`: a Helpdesk's), biggest topic first."""
    if not entries:
        return []
    vectors = np.stack([embedder.query(e["question"]) for e in entries])
    if len(entries) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine",
                                         linkage="average").fit_predict(vectors)
    found = []
    for label in set(labels.tolist()):
        members = np.flatnonzero(labels == label)
        centre = vectors[members].mean(axis=0)
        closeness = vectors[members] @ centre  # ties (a pair is equally close to its middle) go to the fuller question
        _, _, nearest = max((round(float(c), 3), len(entries[i]["question"]), i) for c, i in zip(closeness, members))
        found.append(Topic(label=entries[nearest]["question"], entries=tuple(entries[i] for i in members)))
    return sorted(found, key=lambda t: (-len(t.entries), t.label))


# --- export to the evaluation (../shared/eval/FORMAT.md) --------------------------------------------------------

def figure_pattern(value: str) -> str:
    """A regex for a figure as the golden file writes one: 1600 also matches 1,600; never part of a longer number."""
    whole, _, fraction = value.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    number = ",?".join([whole, *groups]) + (rf"\.{fraction}" if fraction else r"(?:\.0+)?")
    return rf"(?<![\d.,/-]){number}(?![\d]|[,./-]\d)"


def expectation(text: str) -> list[str]:
    """Regexes the right answer must match: its figures, or (an answer without figures) its opening words."""
    found = [figure_pattern(value) for value, _ in figures(text)]
    if found:
        return found
    opening = " ".join(re.findall(r"\S+", text)[:6])
    return [literal(opening)] if opening else [PLACEHOLDER]


def literal(text: str) -> str:
    """A regex matching the text as written (spaces left readable in the golden file)."""
    return re.escape(text).replace("\\ ", " ")


def golden_line(entry: dict, curated: Sequence[Curated] = (), settings: Settings | None = None,
                keywords: Sequence[str] = (), category: str | None = None, embedder: Embedder | None = None) -> dict:
    """One log entry as a golden line. The expectation comes from, in order: keywords the agent typed, the
    curated answer that now answers the question (matched with `embedder`, a Helpdesk's), or a placeholder that
    fails until someone writes it."""
    line = {"id": f"log-{entry['answer_id'][:12]}", "category": category or why_flagged(entry) or "log",
            "question": entry["question"]}
    if entry.get("history"):
        line["history"] = [{"role": t["role"], "content": t["content"]} for t in entry["history"]]
    line["origin"] = f"conversation log, {entry['created_at']} ({entry['surface'] or 'unknown surface'})"
    line["logged"] = {"route": entry["route"], "confidence": entry["confidence"], "answer": entry["answer"][:300],
                      "rating": entry.get("rating"), "comment": entry.get("comment", "")}
    expect: dict = {}
    keywords = [k.strip() for k in keywords if k.strip()]
    match = None
    if curated and settings is not None and embedder is not None:
        match = best_match(entry["question"], curated, embedder)
        if match and match[2] < settings.curated_threshold:
            match = None
    if keywords:
        expect["all"] = [figure_pattern(k.replace(",", "").lstrip("$")) if re.fullmatch(r"\$?[\d,]+(?:\.\d+)?", k)
                         else literal(k) for k in keywords]
    elif match:
        expect["all"] = expectation(match[0].answer)
    else:
        expect["all"] = [PLACEHOLDER]
        line["todo"] = ("Replace expect.all with figures or keywords the right answer must contain (and set "
                        "expect.sources and expect.route), or write a curated answer and export again.")
    if match:
        expect["sources"] = [match[0].doc]
        expect["route"] = "rules"
        line["curated_id"] = match[0].id
    return {**line, "expect": expect}


def golden_jsonl(lines: Sequence[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
