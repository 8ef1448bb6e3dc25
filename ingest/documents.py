"""Load corpus files into validated documents; every problem names the file and the fix.

Each file becomes one llama-index `Document`: the body is its text, the front matter (title, source, as_of) its
metadata, the file's stem its id (so the chunks' `ref_doc_id` is the `doc_id` the index has always stored).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import frontmatter
import yaml
from llama_index.core.schema import Document

from helpdesk.errors import HelpdeskError

REQUIRED = ("title", "source", "as_of")


class CorpusError(HelpdeskError, ValueError):
    """A corpus file cannot be indexed. The message names the file and what to change."""


class CorpusDocument(Document):
    """llama-index's `Document` for one corpus file, with its front matter readable by name."""

    @classmethod
    def of(cls, doc_id: str, title: str, source: str, as_of: str, body: str, path: Path) -> CorpusDocument:
        # The file's path is for the people reading errors, not for retrieval: kept out of what gets embedded.
        return cls(id_=doc_id, text=body, metadata={"title": title, "source": source, "as_of": as_of,
                                                     "file_path": str(path)},
                   excluded_embed_metadata_keys=["file_path"], excluded_llm_metadata_keys=["file_path"])

    @property
    def title(self) -> str:
        return self.metadata["title"]

    @property
    def source(self) -> str:
        return self.metadata["source"]

    @property
    def as_of(self) -> str:  # ISO date, so string order is date order
        return self.metadata["as_of"]

    @property
    def body(self) -> str:
        return self.text

    @property
    def path(self) -> Path:
        return Path(self.metadata["file_path"])


def _fail(path: Path, problem: str) -> CorpusError:
    return CorpusError(f"{path}: {problem}. Fix the file (or move it out of the corpus) and run `python -m ingest` again; "
                       "the existing index is untouched.")


def _parse_date(path: Path, value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise _fail(path, f"as_of {value!r} is not a date in YYYY-MM-DD form") from None


def load_document(path: Path) -> CorpusDocument:
    if not path.is_file():
        raise _fail(path, "is a folder (or not a regular file), not a Markdown document; rename it or move it out "
                          "of the corpus")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if b"\x00" in raw:
        raise _fail(path, "looks like a binary file (it contains NUL bytes), not Markdown text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8") from None
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise _fail(path, f"has front matter that is not valid YAML ({str(exc).splitlines()[0]})") from None
    except ValueError as exc:  # YAML reads an unquoted impossible date (2026-13-45) and fails on it
        raise _fail(path, f"has a date that is not a date in YYYY-MM-DD form ({exc})") from None
    missing = [key for key in REQUIRED if not str(post.metadata.get(key) or "").strip()]
    if missing:
        raise _fail(path, f"front matter is missing {', '.join(missing)} (every document needs title, source and as_of)")
    source = str(post.metadata["source"]).strip()
    if not source.startswith(("http://", "https://")):
        raise _fail(path, f"source {source!r} is not a URL; give the page's public address")
    body = post.content.strip()
    if not body:
        raise _fail(path, "has front matter but an empty body")
    return CorpusDocument.of(
        doc_id=path.stem,
        title=str(post.metadata["title"]).strip(),
        source=source,
        as_of=_parse_date(path, post.metadata["as_of"]),
        body=body,
        path=path,
    )


def load_corpus(corpus_dir: Path) -> list[CorpusDocument]:
    """Every `*.md` in the folder, validated; all bad files are reported together."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; set HELPDESK_CORPUS_DIR or restore corpus/docs/")
    paths = sorted(corpus_dir.glob("*.md"))
    if not paths:
        raise CorpusError(f"corpus folder {corpus_dir} has no .md documents; nothing to index")
    documents, problems = [], []
    for path in paths:
        try:
            documents.append(load_document(path))
        except CorpusError as exc:
            problems.append(str(exc))
    if problems:
        raise CorpusError("\n".join(problems))
    return documents
