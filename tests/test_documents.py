"""Corpus loading: every bad file fails with its own name and a specific reason; the real corpus loads clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.documents import CorpusDocument, CorpusError, load_corpus, load_document
from tests.conftest import CORPUS

GOOD_HEADER = {"title": "Plan limits", "source": "https://docs.z.ai/devpack/limits", "as_of": "2026-01-24"}
BODY = "The Lite plan allows about 80 prompts every 5 hours.\n"


def markdown(body: str = BODY, **fields: str | None) -> str:
    """A document with the good header, where `field=None` drops the field and `field="x"` overrides it."""
    header = {**GOOD_HEADER, **fields}
    lines = [f"{key}: {value}" for key, value in header.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


INVALID = [
    pytest.param(markdown(title=None), "missing title", id="missing-title"),
    pytest.param(markdown(source=None), "missing source", id="missing-source"),
    pytest.param(markdown(as_of=None), "missing as_of", id="missing-as_of"),
    pytest.param(markdown(title='""'), "missing title", id="empty-title"),
    pytest.param(markdown(title=None, source=None, as_of=None), "missing title, source, as_of", id="missing-all"),
    pytest.param("Just a body, no front matter at all.\n", "missing title, source, as_of", id="no-front-matter"),
    pytest.param(markdown(as_of="2026-13-45"), "not a date in YYYY-MM-DD form", id="impossible-date"),
    pytest.param(markdown(as_of="2026-02-30"), "not a date in YYYY-MM-DD form", id="february-30"),
    pytest.param(markdown(as_of='"2026-13-45"'), "as_of '2026-13-45' is not a date", id="impossible-date-quoted"),
    pytest.param(markdown(as_of="yesterday"), "as_of 'yesterday' is not a date in YYYY-MM-DD form", id="word-date"),
    pytest.param(markdown(as_of="24/01/2026"), "not a date in YYYY-MM-DD form", id="slashed-date"),
    pytest.param(markdown(body=""), "empty body", id="empty-body"),
    pytest.param(markdown(body="   \n\n\t  \n"), "empty body", id="whitespace-body"),
    pytest.param(markdown(source="docs.z.ai/devpack/faq"), "is not a URL", id="source-no-scheme"),
    pytest.param(markdown(source="ftp://docs.z.ai/faq"), "is not a URL", id="source-ftp"),
    pytest.param(markdown(source="see the FAQ page"), "is not a URL", id="source-words"),
    pytest.param(markdown(title="[unclosed"), "not valid YAML", id="yaml-unclosed-list"),
    pytest.param(markdown(title="a: b: c"), "not valid YAML", id="yaml-nested-colon"),
    pytest.param(markdown(body="Caf\xe9 prices.\n").encode("latin-1"), "not valid UTF-8", id="latin-1-body"),
    pytest.param(markdown(title="caf\xe9").encode("latin-1"), "not valid UTF-8", id="latin-1-title"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file", id="png-bytes"),
    pytest.param(markdown().encode() + b"\x00\x00", "NUL bytes", id="nul-after-text"),
]


@pytest.mark.parametrize(("content", "phrase"), INVALID)
def test_invalid_file_names_the_file_and_the_problem(tmp_path, content, phrase):
    path = write(tmp_path, "broken-doc.md", content)
    with pytest.raises(CorpusError) as info:
        load_document(path)
    message = str(info.value)
    assert "broken-doc.md" in message
    assert phrase in message
    assert "python -m ingest" in message  # the message also says what to do next


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-01-24", "2026-01-24"),
        ('"2026-01-24"', "2026-01-24"),
        ("'2026-02-12'", "2026-02-12"),
        ("2026-02-12 09:30:00", "2026-02-12"),
        ("2024-02-29", "2024-02-29"),
    ],
)
def test_as_of_is_normalised_to_iso(tmp_path, as_of, expected):
    doc = load_document(write(tmp_path, "limits.md", markdown(as_of=as_of)))
    assert doc.as_of == expected
    assert dt.date.fromisoformat(doc.as_of).isoformat() == doc.as_of


def test_valid_document_fields(tmp_path):
    body = "\n\n# Limits\n\nThe Lite plan allows about 80 prompts.   \n\n"
    path = write(tmp_path, "plan-limits.md", markdown(body=body, title="  Plan limits  ", source="http://x.ai/p"))
    assert load_document(path) == CorpusDocument.of(
        doc_id="plan-limits", title="Plan limits", source="http://x.ai/p", as_of="2026-01-24",
        body="# Limits\n\nThe Lite plan allows about 80 prompts.", path=path,
    )


@pytest.mark.parametrize(
    ("bad_files", "phrases"),
    [
        pytest.param({"a-no-title.md": markdown(title=None), "b-bad-url.md": markdown(source="nope")},
                     ["missing title", "is not a URL"], id="title-and-url"),
        pytest.param({"a-empty.md": markdown(body=""), "b-latin.md": markdown(body="caf\xe9").encode("latin-1")},
                     ["empty body", "not valid UTF-8"], id="empty-and-latin1"),
        pytest.param({"a-binary.md": b"\x00\x01\x02", "b-word-date.md": markdown(as_of="yesterday")},
                     ["NUL bytes", "'yesterday' is not a date"], id="binary-and-word-date"),
        pytest.param({"a-month-13.md": markdown(as_of="2026-13-45"), "b-no-source.md": markdown(source=None)},
                     ["not a date", "missing source"], id="impossible-date-and-no-source"),
    ],
)
def test_load_corpus_reports_every_bad_file_together(tmp_path, bad_files, phrases):
    write(tmp_path, "good.md", markdown())
    for name, content in bad_files.items():
        write(tmp_path, name, content)
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    lines = str(info.value).splitlines()
    assert len(lines) == len(bad_files)
    for line, name, phrase in zip(lines, sorted(bad_files), phrases):
        assert name in line and phrase in line
    assert "good.md" not in str(info.value)


@pytest.mark.parametrize(
    ("make_folder", "phrase"),
    [
        pytest.param(lambda tmp: tmp / "does-not-exist", "does not exist", id="missing-folder"),
        pytest.param(lambda tmp: tmp, "has no .md documents", id="empty-folder"),
        pytest.param(lambda tmp: write(tmp, "notes.txt", markdown()).parent, "has no .md documents", id="only-txt"),
        pytest.param(lambda tmp: write(tmp, "doc.md", markdown()), "does not exist", id="file-not-folder"),
    ],
)
def test_load_corpus_folder_errors(tmp_path, make_folder, phrase):
    folder = make_folder(tmp_path)
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert str(folder) in str(info.value)
    assert phrase in str(info.value)


def test_load_corpus_ignores_other_files_and_sorts(tmp_path):
    write(tmp_path, "b.md", markdown(title="B"))
    write(tmp_path, "a.md", markdown(title="A"))
    write(tmp_path, "readme.txt", b"\x00 not markdown")
    assert [(d.doc_id, d.title) for d in load_corpus(tmp_path)] == [("a", "A"), ("b", "B")]


@pytest.fixture(scope="module")
def corpus() -> dict[str, CorpusDocument]:
    return {doc.doc_id: doc for doc in load_corpus(CORPUS)}


def test_real_corpus_loads_every_document(corpus):
    assert len(corpus) == 37
    assert set(corpus) == {p.stem for p in CORPUS.glob("*.md")}


@pytest.mark.parametrize("name", sorted(p.stem for p in CORPUS.glob("*.md")))
def test_real_document_is_complete(corpus, name):
    doc = corpus[name]
    assert dt.date.fromisoformat(doc.as_of).isoformat() == doc.as_of
    assert doc.title and doc.body and doc.body == doc.body.strip()
    assert doc.source.startswith("https://")
    assert doc.path == CORPUS / f"{name}.md"


@pytest.mark.parametrize(
    ("name", "title", "source", "as_of"),
    [
        ("devpack-faq", "FAQs", "https://docs.z.ai/devpack/faq", "2026-02-12"),
        ("help-center-faq", "FAQ", "https://docs.z.ai/help/faq", "2026-01-24"),
        ("api-reference-errors", "Errors", "https://docs.z.ai/api-reference/api-code", "2026-01-24"),
    ],
)
def test_real_document_headers(corpus, name, title, source, as_of):
    doc = corpus[name]
    assert (doc.title, doc.source, doc.as_of) == (title, source, as_of)


def test_a_folder_named_like_a_document_is_a_clear_error_not_a_traceback(tmp_path, capsys, monkeypatch):
    from ingest.__main__ import main

    write(tmp_path, "good.md", markdown())
    (tmp_path / "x.md").mkdir()
    with pytest.raises(CorpusError, match=r"x\.md: is a folder .*not a Markdown document"):
        load_corpus(tmp_path)
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(tmp_path / "index"))
    assert main(["--quiet", "--corpus", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "x.md: is a folder" in err and "Traceback" not in err
