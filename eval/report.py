"""What a run shows: the console summary, the Markdown report and its per-category chart (PNG, matplotlib Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from eval.metrics import Outcome

# (key, label, kind): kind picks the format and says whether a ratio ours/baseline means anything.
FIGURES = [
    ("pass_rate", "pass rate", "rate"),
    ("rules_wrong", "rules answers that failed (a different question answered)", "count"),
    ("routing", "routing accuracy", "rate"),
    ("citation", "citation hit rate", "rate"),
    ("hit@1", "retrieval hit@1", "rate"),
    ("hit@3", "retrieval hit@3", "rate"),
    ("hit@5", "retrieval hit@5", "rate"),
    ("mrr", "retrieval MRR", "rate"),
    ("abstain_precision", "abstention precision", "rate"),
    ("abstain_recall", "abstention recall", "rate"),
    ("p50_ms", "latency p50 (ms)", "ms"),
    ("p95_ms", "latency p95 (ms)", "ms"),
    ("per_second", "answers per second", "speed"),
]
JUDGE_FIGURES = [("judge_correct", "LLM-judged correctness", "rate"),
                 ("judge_faithful", "LLM-judged faithfulness", "rate")]
DASH = "–"


def fmt(value: float | None, kind: str = "rate") -> str:
    if value is None:
        return DASH
    if kind == "ms":
        return f"{value:.1f}"
    if kind == "speed":
        return f"{value:.1f}"
    if kind == "count":
        return str(int(value))
    return f"{value:.2f}"


def ratio(ours: float | None, base: float | None) -> str:
    if ours is None or base is None or base == 0 or isinstance(ours, int):
        return DASH
    return f"{ours / base:.2f}×"


def figure_rows(ours: dict, base: dict | None, judged: bool) -> list[list[str]]:
    rows = []
    for key, label, kind in FIGURES + (JUDGE_FIGURES if judged else []):
        row = [label, fmt(ours[key], kind)]
        if base is not None:
            row += [fmt(base[key], kind), ratio(ours[key], base[key])]
        rows.append(row)
    return rows


def split_rows(splits: dict, base_splits: dict | None) -> list[list[str]]:
    rows = []
    for name, s in splits.items():
        row = [f"{name} ({s['n']})", f"{fmt(s['pass_rate'])} ({s['passed']}/{s['scored']})", fmt(s["routing"]),
               fmt(s["citation"]), fmt(s["hit@3"]), fmt(s["mrr"])]
        if base_splits is not None:
            b = base_splits[name]
            row += [f"{fmt(b['pass_rate'])} ({b['passed']}/{b['scored']})", fmt(b["hit@3"])]
        rows.append(row)
    return rows


def answer_rows(categories: dict, base_categories: dict | None) -> list[list[str]]:
    rows = []
    for name, s in categories.items():
        row = [name, str(s["n"]), fmt(s["pass_rate"]), fmt(s["routing"]), fmt(s["citation"]),
               fmt(s["abstain_precision"]), fmt(s["abstain_recall"]), fmt(s["p50_ms"], "ms"), fmt(s["p95_ms"], "ms"),
               fmt(s["per_second"], "speed")]
        if base_categories is not None:
            row.append(fmt(base_categories[name]["pass_rate"]))
        rows.append(row)
    return rows


def retrieval_rows(categories: dict, base_categories: dict | None) -> list[list[str]]:
    rows = []
    for name, s in categories.items():
        if not s["sourced"]:
            continue
        row = [name, str(s["sourced"]), fmt(s["hit@1"]), fmt(s["hit@3"]), fmt(s["hit@5"]), fmt(s["mrr"])]
        if base_categories is not None:
            b = base_categories[name]
            row += [fmt(b["hit@3"]), fmt(b["mrr"])]
        rows.append(row)
    return rows


def headers(base: bool) -> dict[str, list[str]]:
    return {
        "figures": ["figure", "ours"] + (["baseline", "ours/baseline"] if base else []),
        "splits": ["split (questions)", "pass rate", "routing", "citation", "hit@3", "MRR"] + (
            ["baseline pass", "baseline hit@3"] if base else []),
        "answers": ["category", "n", "pass", "routing", "citation", "abstain P", "abstain R", "p50 ms", "p95 ms",
                    "answers/s"] + (["baseline pass"] if base else []),
        "retrieval": ["category", "with sources", "hit@1", "hit@3", "hit@5", "MRR"] + (
            ["baseline hit@3", "baseline MRR"] if base else []),
    }


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(head, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731 - a two-use formatter
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def markdown_table(head: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(head) - 1)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [head, align] + rows)


def console(run: dict) -> str:
    base = run.get("baseline")
    h = headers(base is not None)
    parts = [
        f"{run['n']} questions from {run['golden']} ({run['n_dev']} dev, {run['n_held_out']} held out); "
        f"answers: {run['mode']}",
        "",
        text_table(h["figures"], figure_rows(run["ours"]["all"], base and base["all"], run["judged"])),
        "",
        text_table(h["splits"], split_rows(run["ours"]["splits"], base and base["splits"])),
        "",
        text_table(h["answers"], answer_rows(run["ours"]["categories"], base and base["categories"])),
        "",
        text_table(h["retrieval"], retrieval_rows(run["ours"]["categories"], base and base["categories"])),
    ]
    return "\n".join(parts)


def chart(run: dict, path: Path) -> Path:
    """Horizontal grouped bars of the pass rate per category (and overall), ours against the baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ours, base = run["ours"], run.get("baseline")
    names = list(ours["categories"]) + ["ALL"]
    ours_values = [ours["categories"][c]["pass_rate"] for c in names[:-1]] + [ours["all"]["pass_rate"]]
    series = [("ours", ours_values, "#2563eb")]
    if base is not None:
        series.append(("LlamaIndex defaults", [base["categories"][c]["pass_rate"] for c in names[:-1]]
                       + [base["all"]["pass_rate"]], "#f59e0b"))
    height = 0.8 / len(series)
    figure, axes = plt.subplots(figsize=(9, 0.3 * len(names) * len(series) + 1.8), dpi=110)
    for offset, (label, values, colour) in enumerate(series):
        positions = [i + (offset - (len(series) - 1) / 2) * height for i in range(len(names))]
        bars = axes.barh(positions, [v or 0 for v in values], height=height * 0.92, label=label, color=colour)
        for bar, value in zip(bars, values):
            axes.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, fmt(value), va="center",
                      fontsize=8)
    axes.set_yticks(range(len(names)))
    axes.set_yticklabels([f"{n} ({ours['categories'][n]['n']})" if n in ours["categories"] else
                          f"ALL ({ours['all']['n']})" for n in names])
    axes.axhline(len(names) - 1.5, color="#444444", linewidth=0.8)  # the overall figure is not a category
    axes.set_ylim(len(names) - 0.5, -0.5)  # top to bottom, no empty band
    axes.set_xlim(0, 1.1)
    axes.set_xlabel("pass rate (expect all / any / none on the first 1,000 characters)")
    axes.set_title(f"Pass rate per category: {run['golden']}, {run['date']}", pad=24)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), fontsize=8, frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def markdown(run: dict, chart_name: str, dev_failures: Sequence[Outcome]) -> str:
    base = run.get("baseline")
    h = headers(base is not None)
    lines = [
        "# Batch evaluation",
        "",
        f"`python -m eval{run['argv']}` on {run['date']}: {run['n']} questions from `{run['golden']}` "
        f"({run['n_dev']} dev, {run['n_held_out']} held out), index build `{run['build']}`, answers: {run['mode']}.",
        "",
        "Every question goes through `Helpdesk.answer()`, the entry point the chat, the API and the CLI use. "
        "An answer passes when its first 1,000 characters meet every `expect.all` / `any` / `none` pattern; "
        "routing, citations and retrieval are scored separately "
        f"(retrieval: top-5 passages for {run['retrieval_query']}, hit when a passage comes from an expected "
        "document). Abstaining means route `abstain`."
        + (" The baseline is the LlamaIndex tutorial pipeline over the same corpus and embedder "
           "(`eval/baseline.py`: VectorStoreIndex, default splitter, dense top-5, no rules, no LLM; its answer is "
           "the top passage, it cites the documents of its passages, and it never abstains; its index took "
           f"{base['build_s']:.1f} s to build)." if base else ""),
        "",
        "## Overall",
        "",
        markdown_table(h["figures"], figure_rows(run["ours"]["all"], base and base["all"], run["judged"])),
        "",
        *([run["judge_note"], ""] if run.get("judge_note") else []),
        f"Latencies are wall-clock on the machine that ran this ({run['machine']}); compare them within one run.",
        "",
        "## Splits",
        "",
        "Ids ending in 0 or 5 are the held-out split: scored in every run, never used to tune the assistant "
        "(their failures are not listed below).",
        "",
        markdown_table(h["splits"], split_rows(run["ours"]["splits"], base and base["splits"])),
        "",
        "## Per category",
        "",
        "Answers (abstain P/R: precision and recall of route `abstain`; latency per answer):",
        "",
        markdown_table(h["answers"], answer_rows(run["ours"]["categories"], base and base["categories"])),
        "",
        "Retrieval, for the questions that name expected source documents:",
        "",
        markdown_table(h["retrieval"], retrieval_rows(run["ours"]["categories"], base and base["categories"])),
        "",
        f"![Pass rate per category, ours against the baseline]({chart_name})",
        "",
        "## Regression gate",
        "",
        run["gate"],
        "",
        f"## Failing dev questions ({len(dev_failures)})",
        "",
    ]
    if dev_failures:
        rows = [[o.item.id, o.item.category, _cell(o.item.question, 70),
                 f"{o.route}" + ("" if not o.item.expected_route or o.route == o.item.expected_route
                                 else f" (want {o.item.expected_route})"),
                 _cell("; ".join(o.problems), 90)] for o in dev_failures]
        lines.append(markdown_table(["id", "category", "question", "route", "unmet"], rows))
    else:
        lines.append("None.")
    return "\n".join(line for line in lines) + "\n"


def _cell(text: str, limit: int) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"
