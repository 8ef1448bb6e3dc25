"""The structured facts (corpus/facts.toml), each tied to a document and a verbatim quote of it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import frontmatter

from helpdesk.schema import Source


@dataclass(frozen=True)
class Fact:
    id: str
    topic: str
    value: object
    doc: str
    quote: str


@dataclass(frozen=True)
class Facts:
    version: int
    topics: dict[str, str]
    by_id: dict[str, Fact]
    sources: dict[str, Source]

    def __getitem__(self, fact_id: str) -> Fact:
        return self.by_id[fact_id]

    def value(self, fact_id: str):
        return self.by_id[fact_id].value

    def source(self, fact_id: str) -> Source:
        fact = self.by_id[fact_id]
        base = self.sources[fact.doc]
        return Source(doc=base.doc, title=base.title, url=base.url, as_of=base.as_of, snippet=fact.quote)


class FactsError(ValueError):
    pass


@lru_cache(maxsize=4)
def load_facts(path: Path, corpus_dir: Path) -> Facts:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FactsError(f"cannot read the facts file {path}: {exc}; restore corpus/facts.toml") from None
    facts = {}
    for row in data.get("fact", []):
        fact = Fact(id=row["id"], topic=row["topic"], value=row["value"], doc=row["doc"], quote=row["quote"])
        if fact.id in facts:
            raise FactsError(f"{path}: fact id {fact.id!r} appears twice")
        facts[fact.id] = fact
    sources = {}
    for doc in sorted({f.doc for f in facts.values()}):
        doc_path = corpus_dir / f"{doc}.md"
        if not doc_path.is_file():
            raise FactsError(f"{path}: a fact cites {doc!r} but {doc_path} does not exist")
        meta = frontmatter.load(doc_path).metadata
        sources[doc] = Source(doc=doc, title=str(meta["title"]), url=str(meta["source"]), as_of=str(meta["as_of"]))
    return Facts(version=int(data.get("version", 0)), topics=dict(data.get("topics", {})), by_id=facts,
                 sources=sources)
