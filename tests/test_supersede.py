"""Supersession as a llama-index transformation: the newest page wins where two pages disagree on a figure."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.core.ingestion import IngestionPipeline

from ingest.chunker import FAQNodeParser, chunk_document, node_chunk
from ingest.documents import CorpusDocument, load_corpus
from ingest.supersede import Supersede, supersessions
from tests.conftest import CORPUS


def page(doc_id: str, as_of: str, body: str) -> CorpusDocument:
    return CorpusDocument.of(doc_id=doc_id, title=doc_id.title(), source=f"https://docs.z.ai/{doc_id}", as_of=as_of,
                             body=body, path=Path(f"{doc_id}.md"))


def superseded(*documents: CorpusDocument) -> dict[str, str]:
    """doc id -> superseded_by of its one chunk, after the parser and the transformation in a pipeline."""
    pipeline = IngestionPipeline(transformations=[FAQNodeParser(), Supersede()], disable_cache=True)
    nodes = pipeline.run(documents=list(documents))
    assert len(nodes) == len(documents)
    return {n.metadata["doc_id"]: n.metadata["superseded_by"] for n in nodes}


OLD = "The Lite plan gives up to 120 prompts every 5 hours."


@pytest.mark.parametrize(
    ("newer", "overruled"),
    [
        pytest.param("The Lite plan gives up to 80 prompts every 5 hours.", True, id="newer-figure-wins"),
        pytest.param("The Lite plan gives up to 120 prompts every 5 hours.", False, id="newer-page-confirms"),
        pytest.param("Refunds are issued within 14 days of the purchase date.", False, id="other-statement"),
        pytest.param("Our support desk replies in plain words to every message.", False, id="no-figure"),
    ],
)
def test_an_older_figure_is_overruled_only_by_a_newer_different_one(newer, overruled):
    marks = superseded(page("overview", "2026-01-24", OLD), page("faq", "2026-02-12", newer))
    new_id = chunk_document(page("faq", "2026-02-12", newer))[0].id
    assert marks == {"overview": new_id if overruled else "", "faq": ""}


def test_the_same_date_or_the_same_page_overrules_nothing():
    newer = "The Lite plan gives up to 80 prompts every 5 hours."
    assert superseded(page("overview", "2026-02-12", OLD), page("faq", "2026-02-12", newer)) == {
        "overview": "", "faq": ""}
    assert superseded(page("overview", "2026-01-24", f"{OLD}\n\n{newer}")) == {"overview": ""}


def test_on_the_corpus_the_overviews_old_quota_is_overruled_by_the_faq():
    nodes = IngestionPipeline(transformations=[FAQNodeParser(), Supersede()], disable_cache=True).run(
        documents=load_corpus(CORPUS))
    by_id = {n.node_id: n for n in nodes}
    old = [n for n in nodes if "~120 prompts" in n.get_content() and n.metadata["doc_id"] == "devpack-overview"]
    assert old and all(n.metadata["superseded_by"] for n in old)
    pairs = [(n, by_id[i]) for n in old for i in n.metadata["superseded_by"].split(",")]
    assert "devpack-faq" in {new.metadata["doc_id"] for _, new in pairs}
    assert all(new.metadata["as_of"] > n.metadata["as_of"] for n, new in pairs)
    # the transformation marks exactly what the chunk-level function finds
    found = supersessions([node_chunk(n) for n in nodes])
    assert {n.node_id: n.metadata["superseded_by"] for n in nodes} == {
        n.node_id: ",".join(found.get(n.node_id, [])) for n in nodes}
    assert sum(bool(n.metadata["superseded_by"]) for n in nodes) < len(nodes) / 10  # marks few, not everything
