"""Chunking follows the documents' own structure: FAQ pairs whole, code never cut, tables keep headers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import TextNode

from helpdesk.schema import Chunk
from ingest.chunker import MAX_CHARS, FAQNodeParser, chunk_document, node_chunk
from ingest.documents import CorpusDocument, load_corpus, load_document
from tests.conftest import CORPUS

FENCE = re.compile(r"^\s*(```|~~~)")
SLACK = 150  # a sentence of overlap may push a piece a little over MAX_CHARS
CORPUS_NAMES = sorted(p.stem for p in CORPUS.glob("*.md"))


def synthetic(body: str, title: str = "Synthetic") -> CorpusDocument:
    return CorpusDocument.of(doc_id="synthetic", title=title, source="https://docs.z.ai/x", as_of="2026-01-24",
                              body=body.strip(), path=Path("synthetic.md"))


def sentences(count: int, word: str = "Sentence") -> list[str]:
    return [f"{word} number {i} explains one detail of the quota rules in plain words." for i in range(count)]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus_chunks() -> dict[str, list[Chunk]]:
    return {doc.doc_id: chunk_document(doc) for doc in load_corpus(CORPUS)}


@pytest.fixture(scope="module")
def faq(corpus_chunks) -> list[Chunk]:
    return corpus_chunks["devpack-faq"]


def test_inline_faq_chunks_start_with_their_question(faq):
    asked = [c for c in faq if c.question]
    assert len(asked) >= 25
    for chunk in asked:
        assert chunk.text.startswith("Q")
        assert "A:" in chunk.text
        assert squash(chunk.question) in squash(chunk.text.split("A:", 1)[0])


@pytest.mark.parametrize(
    ("question", "answer_phrase", "section"),
    [
        ("How much usage quota does the plan provide?", "~80 prompts", "FAQs > GLM Coding Plan Details"),
        ("How much usage quota does the plan provide?", "~1600 prompts", "FAQs > GLM Coding Plan Details"),
        ("How can I cancel my subscription?", "at least 24 hours", "FAQs > Subscription Management"),
        ("Can I get a refund?", "non-refundable", "FAQs > Subscription Management"),
        ("How are subscription fees deducted?", "cash balance will be used", "FAQs > Subscription Management"),
        ("How can I upgrade my coding plan?", "13 months of service", "FAQs > Upgrade your Plan"),
        ("What is the quota of Vision Understanding, Web Search and Web Reader MCP in the plan?",
         "4,000 web searches", "FAQs > MCP Call"),
        ("Why didn’t I receive credits after referring a friend?", "The order was refunded",
         "FAQs > ‘Invite Friends, Get Credits’"),
        ("What happens when my plan quota runs out? Will the system consume my account balance?",
         "will not deduct from your account balance", "FAQs > GLM Coding Plan Details"),
    ],
)
def test_inline_faq_question_stays_with_its_answer(faq, question, answer_phrase, section):
    holding = [c for c in faq if question in c.text]
    assert len(holding) == 1
    chunk = holding[0]
    assert answer_phrase in chunk.text
    assert chunk.question == question
    assert chunk.section == section
    assert [c for c in faq if answer_phrase in c.text] == [chunk]


def test_faq_json_config_stays_with_its_question(faq):
    holding = [c for c in faq if '"ANTHROPIC_DEFAULT_OPUS_MODEL": "glm-5"' in c.text]
    assert len(holding) == 1
    chunk = holding[0]
    assert chunk.question.startswith("Why is the quota consumed faster when using GLM-5?")
    lines = chunk.text.splitlines()
    config = "\n".join(lines[lines.index("{"): len(lines) - lines[::-1].index("}")])
    assert json.loads(config)["env"]["ANTHROPIC_BASE_URL"] == "https://api.z.ai/api/anthropic"


@pytest.mark.parametrize(
    ("question", "answer_phrase"),
    [
        ("How does cache works in GLM-4.5?", "1/5 of the original price"),
        ("How can I check the rate limits?", "manage-apikey/rate-limits"),
        ("Why can't I recharge when using credit card?", "3DS verification"),
    ],
)
def test_heading_question_becomes_its_own_chunk(corpus_chunks, question, answer_phrase):
    holding = [c for c in corpus_chunks["help-center-faq"] if c.question == question]
    assert len(holding) == 1
    assert holding[0].section == f"FAQ > {question}"
    assert answer_phrase in holding[0].text


def fenced_blocks(body: str) -> list[str]:
    blocks, current = [], None
    for line in body.splitlines():
        if FENCE.match(line):
            if current is None:
                current = [line]
            else:
                blocks.append("\n".join([*current, line]))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_real_document_chunks_are_well_formed(corpus_chunks, name):
    chunks = corpus_chunks[name]
    doc = load_document(CORPUS / f"{name}.md")
    assert chunks
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert sum(1 for line in chunk.text.splitlines() if FENCE.match(line)) % 2 == 0, chunk.text
        assert (chunk.doc_id, chunk.title, chunk.source, chunk.as_of) == (name, doc.title, doc.source, doc.as_of)
        parts = chunk.section.split(" > ")
        assert parts[0] == doc.title and all(p.strip() for p in parts)
        assert chunk.id.startswith(f"{name}:") and chunk.text.strip()
    for block in fenced_blocks(doc.body):
        assert any(block in c.text for c in chunks), block
    assert chunk_document(doc) == chunks  # same file, loaded again: same chunks, same ids


def test_corpus_has_code_and_unique_ids(corpus_chunks):
    everything = [c for chunks in corpus_chunks.values() for c in chunks]
    assert sum(len(fenced_blocks(c.text)) for c in everything) > 50  # the fence test above is not vacuous
    assert len({c.id for c in everything}) == len(everything)


CODE_LINES = [f"value_{i} = compute_something({i})  # step {i} of the long setup" for i in range(60)]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("```python\n" + "\n".join(CODE_LINES) + "\n```", id="backticks"),
        pytest.param("~~~\n" + "\n".join(CODE_LINES) + "\n~~~", id="tildes"),
        pytest.param("```bash\n# Install\n\n## not a heading\n\nQ: not a question\n\n" + "\n\n".join(CODE_LINES)
                     + "\n```", id="blank-lines-and-headings-inside"),
    ],
)
def test_code_block_longer_than_max_stays_whole(code):
    assert len(code) > MAX_CHARS
    body = f"## Setup\n\n{' '.join(sentences(5))}\n\n{code}\n\nRun it and check the output."
    chunks = chunk_document(synthetic(body))
    holding = [c for c in chunks if "value_0 =" in c.text]
    assert len(holding) == 1 and code in holding[0].text
    assert all(c.section == "Synthetic > Setup" for c in chunks)


@pytest.mark.parametrize("count", [30, 60, 120])
def test_long_prose_splits_at_sentences_with_one_sentence_overlap(count):
    said = sentences(count)
    chunks = chunk_document(synthetic("## Limits\n\n" + " ".join(said)))
    assert len(chunks) >= 2
    pieces = [[s for s in said if s in c.text] for c in chunks]
    for chunk, inside in zip(chunks, pieces):
        assert len(chunk.text) <= MAX_CHARS + SLACK
        assert squash(chunk.text) == " ".join(inside)  # whole sentences only, in order
    for before, after in zip(pieces, pieces[1:]):
        assert after[0] == before[-1]
        assert set(before) & set(after) == {before[-1]}
    assert [s for piece in pieces for s in piece[1:]] == said[1:] and pieces[0][0] == said[0]


@pytest.mark.parametrize(
    "blocks",
    [
        pytest.param([" ".join(sentences(30))], id="one-long-paragraph"),
        pytest.param([" ".join(sentences(30)), " ".join(sentences(12, "Other"))], id="long-then-medium"),
        pytest.param([" ".join(sentences(30)), "A short note.", " ".join(sentences(12, "Other"))],
                     id="long-short-medium"),
    ],
)
def test_every_prose_chunk_is_a_contiguous_excerpt(blocks):
    body = "\n\n".join(blocks)
    for chunk in chunk_document(synthetic("## Notes\n\n" + body)):
        assert squash(chunk.text) in squash(body), chunk.text[:200]


@pytest.mark.parametrize(("rows", "intro"), [(80, ""), (200, ""), (80, "Prices per million tokens.\n\n")])
def test_long_table_is_split_by_rows_with_the_header_repeated(rows, intro):
    header = "| Model | Context | Price |"
    lines = [f"| glm-{i} | {i * 1000} tokens | ${i}.00 per million |" for i in range(rows)]
    body = f"## Prices\n\n{intro}{header}\n|-------|---------|-------|\n" + "\n".join(lines)
    chunks = chunk_document(synthetic(body))
    pieces = [c for c in chunks if "| glm-" in c.text]
    assert len(pieces) >= 2
    for piece in pieces:
        assert piece.text.startswith(header + "\n|---|---|---|\n")  # padding is tidied, the header kept
        assert len(piece.text) <= MAX_CHARS
    if intro:
        assert chunks[0].text == intro.strip()
    assert [line for c in chunks for line in c.text.splitlines() if line.startswith("| glm-")] == lines


FILLER = " ".join(sentences(5))


@pytest.mark.parametrize(
    ("title", "body", "sections"),
    [
        ("Guide", f"## Install\n\n{FILLER}\n\n## Use\n\n{FILLER}", ["Guide > Install", "Guide > Use"]),
        ("Guide", f"# Guide\n\n{FILLER}\n\n## Use\n\n{FILLER}", ["Guide", "Guide > Use"]),
        ("Guide", f"## A\n\n{FILLER}\n\n### B\n\n{FILLER}\n\n## C\n\n{FILLER}",
         ["Guide > A", "Guide > A > B", "Guide > C"]),
        ("Guide", f"{FILLER}\n\n## A\n\n{FILLER}\n\n#### Why?\n\nBecause.", ["Guide", "Guide > A", "Guide > A > Why?"]),
        ("Help", "# FAQ\n\n#### Is it free?\n\nNo.\n\n#### Can I pay?\n\nYes.",
         ["Help > FAQ > Is it free?", "Help > FAQ > Can I pay?"]),
    ],
)
def test_section_paths_and_positions(title, body, sections):
    chunks = chunk_document(synthetic(body, title=title))
    assert [c.section for c in chunks] == sections
    assert [c.position for c in chunks] == list(range(len(sections)))
    assert [bool(c.question) for c in chunks] == [s.endswith("?") for s in sections]


@pytest.mark.parametrize(
    ("old", "new"),
    [("non-refundable", "refundable within 14 days"), ("~80 prompts", "~120 prompts"),
     ("at least 24 hours", "at least 48 hours"), ('"glm-5"', '"glm-5-air"')],
)
def test_editing_one_answer_changes_only_its_chunk_id(tmp_path, old, new):
    text = (CORPUS / "devpack-faq.md").read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = tmp_path / "devpack-faq.md"
    edited.write_text(text.replace(old, new), encoding="utf-8")
    before, after = chunk_document(load_document(CORPUS / "devpack-faq.md")), chunk_document(load_document(edited))
    assert len(before) == len(after)
    changed = [i for i, (b, a) in enumerate(zip(before, after)) if b.id != a.id]
    assert len(changed) == 1
    assert old in before[changed[0]].text and new in after[changed[0]].text


def test_new_as_of_changes_every_id(tmp_path):
    text = (CORPUS / "devpack-faq.md").read_text(encoding="utf-8")
    edited = tmp_path / "devpack-faq.md"
    edited.write_text(text.replace("as_of: 2026-02-12", "as_of: 2026-03-01"), encoding="utf-8")
    before, after = chunk_document(load_document(CORPUS / "devpack-faq.md")), chunk_document(load_document(edited))
    assert [c.text for c in before] == [c.text for c in after]
    assert not {c.id for c in before} & {c.id for c in after}


# The chunker as llama-index's NodeParser: the same chunks, as TextNodes, through llama-index's own entry points.


def test_the_node_parser_gives_the_chunkers_chunks_as_nodes(corpus_chunks):
    documents = load_corpus(CORPUS)
    nodes = FAQNodeParser().get_nodes_from_documents(documents)
    chunks = [c for doc in documents for c in corpus_chunks[doc.doc_id]]
    assert [n.node_id for n in nodes] == [c.id for c in chunks]  # same boundaries, same ids: metrics cannot move
    assert [n.get_content() for n in nodes] == [c.text for c in chunks]
    assert [n.metadata for n in nodes] == [c.metadata() for c in chunks]  # what the index stores, nothing more
    assert [node_chunk(n) for n in nodes] == chunks
    bodies = {doc.doc_id: doc.text for doc in documents}
    for node in nodes:
        assert isinstance(node, TextNode) and node.ref_doc_id == node.metadata["doc_id"]
        if node.start_char_idx is not None:  # llama-index locates a chunk that is a verbatim span of its document
            assert bodies[node.ref_doc_id][node.start_char_idx:node.end_char_idx] == node.get_content()
    assert sum(n.start_char_idx is not None for n in nodes) > len(nodes) / 2


def test_the_node_parser_runs_as_an_ingestion_pipeline_step():
    doc = load_document(CORPUS / "devpack-faq.md")
    nodes = IngestionPipeline(transformations=[FAQNodeParser()], disable_cache=True).run(documents=[doc])
    assert [n.node_id for n in nodes] == [c.id for c in chunk_document(doc)]
    questions = [n for n in nodes if n.metadata["question"]]
    assert len(questions) >= 20 and all(n.metadata["question"].endswith(("?", "？")) for n in questions)
    # one document's nodes are linked in reading order, as llama-index's own parsers link theirs
    assert all(a.next_node.node_id == b.node_id and b.prev_node.node_id == a.node_id for a, b in zip(nodes, nodes[1:]))


def test_the_node_parser_takes_corpus_documents_only():
    with pytest.raises(TypeError, match=r"load_document"):
        FAQNodeParser()([Document(text="# Title\n\nBody.", metadata={"title": "T"})])
