"""The structured facts (corpus/facts.toml), each tied to a document and a verbatim quote of it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from helpdesk.errors import HelpdeskError
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

    def words(self, fact_id: str, pattern: str) -> str:
        """The part of a fact's quote an answer quotes (markdown emphasis dropped), so its words are the document's."""
        found = re.search(pattern, self.by_id[fact_id].quote.replace("**", ""))
        if found is None:
            raise FactsError(f"{fact_id}: its quote no longer contains {pattern!r}; update the handler that quotes it")
        return found.group(0)

    def source(self, fact_id: str) -> Source:
        fact = self.by_id[fact_id]
        base = self.sources[fact.doc]
        return Source(doc=base.doc, title=base.title, url=base.url, as_of=base.as_of, snippet=fact.quote)


class FactsError(HelpdeskError, ValueError):
    pass


def load_facts(path: Path, corpus_dir: Path | None = None) -> Facts:
    """The facts file, read now (a Helpdesk reads it once and keeps it: `Helpdesk.facts`)."""
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
    docs = data.get("docs", {})
    sources = {}
    for doc in sorted({f.doc for f in facts.values()}):
        if doc not in docs:
            raise FactsError(f"{path}: a fact cites {doc!r} but there is no [docs.{doc}] entry with its title, url, as_of")
        meta = docs[doc]
        sources[doc] = Source(doc=doc, title=str(meta["title"]), url=str(meta["url"]), as_of=str(meta["as_of"]))
    return Facts(version=int(data.get("version", 0)), topics=dict(data.get("topics", {})), by_id=facts,
                 sources=sources)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def verify(facts_path: Path, corpus_dir: Path) -> list[str]:
    """Problems that would make the rules layer drift from the docs; an empty list means every fact holds.

    Each quote must appear in its document (whitespace aside), and for each topic the cited document must be
    the newest document whose text matches the topic's pattern.
    """
    facts = load_facts(facts_path, corpus_dir)
    documents = {p.stem: frontmatter.load(p) for p in sorted(corpus_dir.glob("*.md"))}
    problems = []
    for doc, source in facts.sources.items():
        post = documents.get(doc)
        if post is None:
            problems.append(f"[docs.{doc}]: {doc}.md is not in {corpus_dir}")
            continue
        stated = (str(post.metadata.get("title")), str(post.metadata.get("source")), str(post.metadata.get("as_of")))
        if stated != (source.title, source.url, source.as_of):
            problems.append(f"[docs.{doc}]: says {(source.title, source.url, source.as_of)} but the document's front "
                            f"matter says {stated}")
    for fact in facts.by_id.values():
        if fact.doc not in documents:
            continue
        if fact.topic not in facts.topics:
            problems.append(f"{fact.id}: topic {fact.topic!r} has no pattern in [topics]")
        if _flat(fact.quote) not in _flat(documents[fact.doc].content):
            problems.append(f"{fact.id}: the quote is not in {fact.doc}.md: {fact.quote!r}")
    for topic, pattern in facts.topics.items():
        stating = {doc: str(post.metadata["as_of"]) for doc, post in documents.items() if pattern in post.content}
        newest = max(stating.values(), default=None)
        for fact in (f for f in facts.by_id.values() if f.topic == topic):
            if stating and stating.get(fact.doc) != newest:
                newer = sorted(doc for doc, as_of in stating.items() if as_of == newest)
                problems.append(f"{fact.id}: cites {fact.doc} but {', '.join(newer)} (as of {newest}) is newer on "
                                f"{topic!r}")
    return problems
