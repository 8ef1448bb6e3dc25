"""Which chunks a newer page overrules: the newest document wins where two pages disagree on a figure.

A figure-bearing statement (a line or sentence with a number) in an older document is *contradicted* when a
newer document has a statement of nearly the same wording with different numbers, and *confirmed* when a newer
statement of nearly the same wording has the same numbers. A chunk with a contradicted statement that no newer
page confirms is superseded: retrieval never shows it, and shows the newer chunk in its place.
(Overview 2026-01-24 "Lite Plan: Up to ~120 prompts every 5 hours" vs FAQ 2026-02-12 "... ~80 prompts ...".)

`Supersede` is this as a llama-index transformation: it runs after the chunker, on every chunk of the corpus at
once (whether a chunk is overruled depends on all the other documents), and sets each node's `superseded_by`.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from llama_index.core.schema import BaseNode, TransformComponent

from helpdesk.schema import Chunk
from ingest.chunker import node_chunk

SAME_STATEMENT = 0.75  # Jaccard overlap of words, numbers masked; measured on the corpus (tests/test_supersede.py)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z•*])")


def _statements(text: str):
    for line in text.splitlines():
        for part in _SPLIT.split(line):
            part = part.strip()
            if len(part) > 15 and _NUMBER.search(part):
                yield part


def _shape(statement: str) -> frozenset[str]:
    return frozenset("#" if w[0].isdigit() else w for w in _WORD.findall(statement.lower()))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def supersessions(chunks: Sequence[Chunk]) -> dict[str, list[str]]:
    """Old chunk id -> ids of the newer chunks that overrule it."""
    facts = [(c, _shape(s), tuple(_NUMBER.findall(s))) for c in chunks for s in _statements(c.text)]
    result: dict[str, set[str]] = {}
    for old, shape, numbers in facts:
        newer = [(new, new_numbers) for new, new_shape, new_numbers in facts
                 if new.as_of > old.as_of and new.doc_id != old.doc_id
                 and _similarity(shape, new_shape) >= SAME_STATEMENT]
        if newer and all(new_numbers != numbers for _, new_numbers in newer):
            result.setdefault(old.id, set()).update(new.id for new, _ in newer)
    return {old: sorted(new) for old, new in result.items()}


class Supersede(TransformComponent):
    """Marks each chunk node with the ids of the newer chunks that overrule it (`superseded_by`, "" for none)."""

    @classmethod
    def class_name(cls) -> str:
        return "Supersede"

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        overruled = supersessions([node_chunk(node) for node in nodes])
        for node in nodes:
            node.metadata["superseded_by"] = ",".join(overruled.get(node.node_id, []))
        return nodes
