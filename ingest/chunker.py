"""Documents -> chunks that follow the document's own structure.

Sections follow Markdown headings; an FAQ question stays with its answer (both `#### Question?` headings
and the inline `Q: ... A: ...` style of devpack-faq.md); a code block or table is never cut; a long section is
packed from whole blocks and, where a paragraph alone is too long, from whole sentences with one sentence of
overlap. Chunk ids derive from content, so an unchanged chunk keeps its id (and its embedding) across runs.

`FAQNodeParser` is this chunker as a llama-index `NodeParser`: Documents in, one `TextNode` per chunk out, with
the chunk's id as node id and its stored fields (`Chunk.metadata()`) as node metadata.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from llama_index.core.node_parser import NodeParser
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from llama_index.core.schema import BaseNode, NodeRelationship, TextNode
from llama_index.core.utils import get_tqdm_iterable

from helpdesk.schema import Chunk
from ingest.documents import CorpusDocument

MAX_CHARS = 1200
SMALL_SECTION = 320

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_Q = re.compile(r"^\s*Q\s*[:：]\s*(.*)$")
_INLINE_A = re.compile(r"\s+A\s*[:：]\s+")
_sentences = split_by_sentence_tokenizer()


@dataclass
class _Section:
    path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    question: str = ""

    @property
    def text(self) -> str:
        lines, in_fence = [], False
        for line in self.lines:
            if _FENCE.match(line):
                in_fence = not in_fence
            lines.append(_tidy_table(line) if not in_fence and line.lstrip().startswith("|") else line)
        return "\n".join(lines).strip()


def _is_plain_title(line: str, prev_blank: bool, next_line: str | None) -> bool:
    """A bare section title in a plain-text FAQ: short, alone on its line, no sentence punctuation."""
    s = line.strip()
    if not prev_blank or not 0 < len(s) <= 60:
        return False
    if s.startswith(("•", "-", "*", "{", "}", '"', "Q:", "Q：")) or s[-1] in ".:;,?!)}]\"":
        return False
    return next_line is None or not next_line.strip() or _INLINE_Q.match(next_line) is not None


def _sections(doc: CorpusDocument) -> list[_Section]:
    lines = doc.body.splitlines()
    inline_faq = sum(1 for line in lines if _INLINE_Q.match(line)) >= 2
    path: list[str] = []
    sections = [_Section(path=(doc.title,))]
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            sections[-1].lines.append(line)
            continue
        if in_fence:
            sections[-1].lines.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading.group(1)), heading.group(2).strip()
            path = path[: level - 1] + [""] * max(0, level - 1 - len(path)) + [title]
            clean = tuple(p for p in path if p)
            sections.append(_Section(path=(doc.title, *clean) if clean[:1] != (doc.title,) else clean,
                                     question=title if title.endswith(("?", "？")) else ""))
            continue
        if inline_faq:
            q = _INLINE_Q.match(line)
            if q:
                question = _INLINE_A.split(q.group(1), maxsplit=1)[0].strip()
                sections.append(_Section(path=(doc.title, *path), question=question))
                sections[-1].lines.append(line.strip())
                continue
            prev_blank = i == 0 or not lines[i - 1].strip()
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if _is_plain_title(line, prev_blank, nxt):
                path = [line.strip()]
                sections.append(_Section(path=(doc.title, *path)))
                continue
        sections[-1].lines.append(line)
    return [s for s in sections if s.text]


def _blocks(text: str) -> list[str]:
    """Paragraphs, with each fenced code block and each table kept as one block."""
    blocks, current, in_fence = [], [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            if not in_fence and current:
                blocks.append("\n".join(current))
                current = []
            current.append(line)
            in_fence = not in_fence
            if not in_fence:
                blocks.append("\n".join(current))
                current = []
            continue
        if in_fence:
            current.append(line)
        elif not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return [b for b in blocks if b.strip()]


def _is_atomic(block: str) -> bool:
    return block.lstrip().startswith(("```", "~~~"))


def _is_table(block: str) -> bool:
    return block.lstrip().startswith("|")


def _tidy_table(block: str) -> str:
    """Markdown tables are padded for eyes, not for tokenizers: drop the padding."""
    return "\n".join(re.sub(r"-{4,}", "---", re.sub(r"[ \t]{2,}", " ", line)).strip() for line in block.splitlines())


def _table_pieces(block: str, limit: int) -> list[str]:
    """Rows packed under `limit`, each piece repeating the header so every row keeps its column names."""
    lines = block.splitlines()
    header, rows = lines[:2], lines[2:]
    pieces, current = [], list(header)
    for row in rows:
        if len(current) > 2 and sum(len(x) + 1 for x in current) + len(row) > limit:
            pieces.append("\n".join(current))
            current = list(header)
        current.append(row)
    pieces.append("\n".join(current))
    return pieces


def _pack(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Pack whole blocks into pieces under `limit`; split only prose, only at sentences, with overlap."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    overlap = ""

    def flush():
        nonlocal current
        if current:
            pieces.append("\n\n".join(current))
            current = []

    blocks: list[str] = []
    for block in _blocks(text):
        if _is_table(block):
            blocks.extend(_table_pieces(block, limit))
        else:
            blocks.append(block)
    for block in blocks:
        size = sum(len(c) + 2 for c in current)
        if size + len(block) <= limit:
            current.append(block)
            overlap = ""  # the overlap only ever leads the block that directly follows it
            continue
        flush()
        if len(block) <= limit or _is_atomic(block) or _is_table(block):
            if overlap and not _is_atomic(block) and not _is_table(block) and len(overlap) + len(block) <= limit:
                block = overlap.strip() + "\n\n" + block
            current.append(block)
            overlap = ""
            continue
        sentences = [s for s in _sentences(block) if s.strip()]
        piece, prev = overlap, ""
        for sentence in sentences:
            if piece and len(piece) + len(sentence) > limit:
                pieces.append(piece.strip())
                piece = prev if len(prev) < limit // 3 else ""
            piece += sentence
            prev = sentence
        overlap = prev if len(prev) < limit // 3 else ""
        if piece.strip():
            current.append(piece.strip())
    flush()
    return pieces


def _merge_small(sections: list[_Section]) -> list[_Section]:
    """Fold runs of tiny sibling sections (a heading and a line each) into one readable chunk."""
    merged: list[_Section] = []
    for section in sections:
        prev = merged[-1] if merged else None
        if (prev is not None and not prev.question and not section.question
                and min(len(prev.text), len(section.text)) < SMALL_SECTION
                and prev.path[:2] == section.path[:2] and len(prev.text) + len(section.text) < MAX_CHARS):
            common = tuple(a for a, b in zip(prev.path, section.path) if a == b)
            heading = section.path[-1] if len(section.path) > len(common) else ""
            prev.lines = prev.lines + ([""] + [heading] if heading else [""]) + section.lines
            if prev.path != common and len(prev.path) > len(common) and prev.path[-1] not in prev.lines[:1]:
                prev.lines = [prev.path[-1]] + prev.lines
            prev.path = common
            continue
        merged.append(_Section(path=section.path, lines=list(section.lines), question=section.question))
    return merged


def chunk_id(doc: CorpusDocument, section: str, text: str, occurrence: int) -> str:
    """Same content and same document header -> same id, so an unchanged chunk is never embedded twice."""
    key = "\x1f".join((doc.doc_id, doc.title, doc.source, doc.as_of, section, text, str(occurrence)))
    return f"{doc.doc_id}:{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def chunk_document(doc: CorpusDocument) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[tuple[str, str], int] = {}
    for section in _merge_small(_sections(doc)):
        # A question keeps its whole answer, however long: splitting it is what makes bots answer half a rule.
        pieces = [section.text] if section.question else _pack(section.text)
        name = " > ".join(section.path)
        for piece in pieces:
            key = (name, piece)
            seen[key] = seen.get(key, 0) + 1
            chunks.append(Chunk(
                id=chunk_id(doc, name, piece, seen[key]),
                doc_id=doc.doc_id, title=doc.title, source=doc.source, as_of=doc.as_of,
                section=name, position=len(chunks), text=piece, question=section.question,
            ))
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: where the chunk sits, the question it answers, then the text."""
    head = chunk.section if not chunk.question else f"{chunk.section}\n{chunk.question}"
    return f"{head}\n{chunk.text}"


class FAQNodeParser(NodeParser):
    """The chunker above as a llama-index NodeParser: same boundaries, same ids, one TextNode per chunk.

    The node's metadata is exactly what the index stores with a chunk (`Chunk.metadata()`: the document's front
    matter, section, position, FAQ question, superseded_by), so `include_metadata` is off: the base class would
    otherwise merge in the document's other metadata (its file path), which no reader of the index needs.
    """

    include_metadata: bool = False

    @classmethod
    def class_name(cls) -> str:
        return "FAQNodeParser"

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        parsed: list[BaseNode] = []
        for doc in get_tqdm_iterable(nodes, show_progress, "Chunking"):
            if not isinstance(doc, CorpusDocument):
                raise TypeError(f"FAQNodeParser chunks corpus documents (ingest.documents.load_document), "
                                f"not {type(doc).__name__}")
            source = doc.as_related_node_info()
            parsed.extend(TextNode(id_=chunk.id, text=chunk.text, metadata=chunk.metadata(),
                                   relationships={NodeRelationship.SOURCE: source})
                          for chunk in chunk_document(doc))
        return parsed


def node_chunk(node: BaseNode) -> Chunk:
    """The stored chunk a node parsed by FAQNodeParser stands for."""
    return Chunk.from_stored(node.node_id, node.get_content(), node.metadata)
