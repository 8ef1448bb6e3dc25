"""The same ingestion and retrieval code against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpdesk.core import Helpdesk
from helpdesk.cli import main as cli_main
from helpdesk.store import IndexUnavailable, connect
from ingest.indexer import run
from tests.conftest import settings_for

CHROMA = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    process = subprocess.Popen([CHROMA, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"chroma run exited with {process.returncode}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start listening within 60 s")
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_ingest_and_answer_through_a_chroma_server(tmp_path, small_corpus, chroma_server):
    settings = settings_for(tmp_path / "unused-local-index", small_corpus, chroma_host="127.0.0.1",
                            chroma_port=chroma_server)
    first = run(settings, log=lambda _: None, progress=False)
    second = run(settings, log=lambda _: None, progress=False)
    assert first.embedded == first.chunks > 0 and second.embedded == 0
    assert not (tmp_path / "unused-local-index").exists()  # nothing went to the embedded store
    result = Helpdesk.from_settings(settings).answer("Why can I not recharge using a credit card?")
    assert result.route == "retrieval" and "3DS" in result.text


def test_server_settings_come_from_the_environment(tmp_path, small_corpus, chroma_server, monkeypatch, capsys):
    run(settings_for(tmp_path / "x", small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server),
        log=lambda _: None, progress=False)
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    assert cli_main(["ask", "--json", "Why can I not recharge using a credit card?"]) == 0
    assert '"route": "retrieval"' in capsys.readouterr().out


def test_unreachable_server_is_a_clear_error(tmp_path):
    settings = settings_for(tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexUnavailable, match=r"cannot reach the Chroma server at 127\.0\.0\.1:\d+.*CHROMA_HOST"):
        connect(settings)


def test_two_ingests_into_one_chroma_server_do_not_run_at_once(tmp_path, small_corpus, chroma_server):
    from ingest.lock import IngestBusy, ingest_lock

    settings = settings_for(tmp_path / "unused", small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    with ingest_lock(settings):  # the marker collection of a run in progress
        with pytest.raises(IngestBusy, match=r"already building the index on the Chroma server at 127\.0\.0\.1"):
            run(settings, log=lambda _: None, progress=False)
    summary = run(settings, log=lambda _: None, progress=False)  # released: the next run goes ahead
    assert summary.chunks > 0
    names = [c if isinstance(c, str) else c.name for c in connect(settings).list_collections()]
    assert not any(name.endswith("__ingest_lock") for name in names)
