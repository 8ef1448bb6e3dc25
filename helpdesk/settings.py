"""One frozen settings object, read from the environment at run time (never at import)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The exported ONNX embedding model is cached inside the environment that holds the model package (the venv).
MODEL_CACHE = Path(sys.prefix) / "share" / "helpdesk-models"
ZAI_GENERAL_API = "https://api.z.ai/api/paas/v4/"


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable and a fix."""


def _path(env: dict, name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).expanduser() if value else default


def _int(env: dict, name: str, default: int | None) -> int | None:
    value = env.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number; unset it or give e.g. {name}=8000") from None


def _float(env: dict, name: str, default: float) -> float:
    value = env.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number; unset it to use {default}") from None


def _bool(env: dict, name: str, default: bool) -> bool:
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={value!r} is not a yes/no value; use 1 or 0")


def _positive(env: dict, name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise SettingsError(f"{name}={value!r} must be at least 1; unset it to use {default}")
    return value


def _choice(env: dict, name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name) or "").strip().lower() or default
    if value not in allowed:
        raise SettingsError(f"{name}={value!r} is not one of {', '.join(allowed)}; unset it to use {default}")
    return value


def _addresses(env: dict, name: str) -> tuple[str, ...]:
    """"10.0.0.5, 10.0.0.6" or "10.0.0.0/8": the proxies in front of this server; "*" trusts any peer."""
    import ipaddress

    found = tuple(a.strip() for a in (env.get(name) or "").split(",") if a.strip())
    for address in found:
        if address == "*":
            continue
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise SettingsError(f"{name} has {address!r}, which is not an IP address or network; list the "
                                "addresses of your reverse proxies, comma-separated (e.g. 10.0.0.5,10.0.1.0/24)") from None
    return found


def _database_url(env: dict, name: str) -> str | None:
    value = (env.get(name) or "").strip()
    if not value:
        return None
    if not re.match(r"^(postgresql(\+psycopg)?|sqlite)://", value):
        raise SettingsError(f"{name} must be a database URL such as postgresql+psycopg://USER:PASSWORD@HOST:5432/"
                            "DBNAME (or sqlite:////absolute/path.sqlite3); unset it to use the SQLite file at "
                            "HELPDESK_FEEDBACK_DB")  # the value itself is not repeated: it may hold a password
    return value


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus" / "docs"
    facts_path: Path = PROJECT_ROOT / "corpus" / "facts.toml"
    index_dir: Path = PROJECT_ROOT / ".index"
    collection: str = "glm_docs"
    chroma_host: str | None = None
    chroma_port: int | None = None
    top_k: int = 5
    # Calibrated on tests/data/abstention_labelled.jsonl by `python -m helpdesk.calibrate` (see helpdesk/abstain.py).
    abstain_threshold: float = 0.391
    abstain_vocabulary_weight: float = 0.7
    abstain_support_weight: float = 0.25
    # Which refusal wording: off-topic ("I can only help with...") when the ask's words are unknown to the corpus or
    # far from every passage; fitted by `python -m helpdesk.calibrate` on the labelled sets' off-topic rows.
    off_topic_vocabulary: float = 0.7  # fitted: balanced accuracy 0.987 on 17 off-topic against 76 answerable rows
    off_topic_closeness: float = 0.35
    support_url: str = "https://z.ai/contact"
    max_answer_chars: int = 600
    write_batch: int = 64  # chunks per Chroma write during ingestion
    feedback_db: Path = PROJECT_ROOT / ".data" / "feedback.sqlite3"
    # Feedback and the conversation log in a shared database (postgresql+psycopg://...) instead of feedback_db.
    database_url: str | None = field(default=None, repr=False)  # may hold a password: never printed
    max_question_chars: int = 2000
    # GLM through Z.ai's general API (or any OpenAI-compatible server). No key: offline answers only.
    llm_api_key: str | None = field(default=None, repr=False)  # never printed, logged or sent to a browser
    llm_base_url: str = ZAI_GENERAL_API
    llm_model: str = "glm-4.7-flashx"
    llm_thinking: bool = False
    llm_timeout: float = 20.0
    llm_max_retries: int = 2
    conversation_log: bool = True  # log every answer (masked) in the feedback SQLite file for the insights page
    conversation_log_days: int = 90  # log entries older than this are deleted on the next write; 0 keeps them
    # The support team's insights page in the chat app; no password set means the page does not exist.
    insights_password: str | None = field(default=None, repr=False)
    # Cosine to a curated question for its curated answer; measured by `python -m helpdesk.curated` (0 false matches).
    curated_threshold: float = 0.70
    llm_concurrency: int = 16  # model calls at once in this process; beyond it the offline answer comes at once
    llm_deadline: float = 30.0  # seconds a whole generated answer may take, waiting for every token included
    llm_condense_timeout: float = 3.0  # seconds the follow-up/translation rewrite may take before it is skipped
    # HTTP API (python -m helpdesk serve)
    secret: str | None = field(default=None, repr=False)  # signs feedback tokens; None: a new one per process
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed; none by default
    answer_queue: int = 64  # answers in progress at once per process; beyond it a 503 with Retry-After
    body_timeout: float = 10.0  # seconds a client may take to send its request body
    # How the embedding model runs: onnx (ONNX Runtime, no torch when answering), onnx-int8, or torch.
    embedding_runtime: str = "onnx"
    model_cache_dir: Path = MODEL_CACHE  # where the ONNX export of the packaged model is cached

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    @property
    def database(self) -> Path | str:
        """Where feedback and the conversation log live: HELPDESK_DATABASE_URL, else the SQLite file."""
        return self.database_url or self.feedback_db

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_api_key)

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        env = dict(os.environ if env is None else env)
        base = cls()
        settings = cls(
            corpus_dir=_path(env, "HELPDESK_CORPUS_DIR", base.corpus_dir),
            facts_path=_path(env, "HELPDESK_FACTS", base.facts_path),
            index_dir=_path(env, "HELPDESK_INDEX_DIR", base.index_dir),
            collection=env.get("HELPDESK_COLLECTION") or base.collection,
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=_int(env, "CHROMA_PORT", 8000 if env.get("CHROMA_HOST") else None),
            top_k=_int(env, "HELPDESK_TOP_K", base.top_k),
            abstain_threshold=_float(env, "HELPDESK_ABSTAIN_THRESHOLD", base.abstain_threshold),
            abstain_vocabulary_weight=_float(env, "HELPDESK_ABSTAIN_VOCABULARY_WEIGHT", base.abstain_vocabulary_weight),
            abstain_support_weight=_float(env, "HELPDESK_ABSTAIN_SUPPORT_WEIGHT", base.abstain_support_weight),
            off_topic_vocabulary=_float(env, "HELPDESK_OFF_TOPIC_VOCABULARY", base.off_topic_vocabulary),
            off_topic_closeness=_float(env, "HELPDESK_OFF_TOPIC_CLOSENESS", base.off_topic_closeness),
            support_url=env.get("HELPDESK_SUPPORT_URL") or base.support_url,
            max_answer_chars=_int(env, "HELPDESK_MAX_ANSWER_CHARS", base.max_answer_chars),
            write_batch=_int(env, "HELPDESK_WRITE_BATCH", base.write_batch),
            feedback_db=_path(env, "HELPDESK_FEEDBACK_DB", base.feedback_db),
            database_url=_database_url(env, "HELPDESK_DATABASE_URL"),
            max_question_chars=_int(env, "HELPDESK_MAX_QUESTION_CHARS", base.max_question_chars),
            llm_api_key=env.get("HELPDESK_LLM_API_KEY") or env.get("ZAI_API_KEY") or None,
            llm_base_url=env.get("HELPDESK_LLM_BASE_URL") or base.llm_base_url,
            llm_model=env.get("HELPDESK_LLM_MODEL") or base.llm_model,
            llm_thinking=_bool(env, "HELPDESK_LLM_THINKING", base.llm_thinking),
            llm_timeout=_float(env, "HELPDESK_LLM_TIMEOUT", base.llm_timeout),
            llm_max_retries=_int(env, "HELPDESK_LLM_MAX_RETRIES", base.llm_max_retries),
            conversation_log=_bool(env, "HELPDESK_CONVERSATION_LOG", base.conversation_log),
            conversation_log_days=_int(env, "HELPDESK_CONVERSATION_LOG_DAYS", base.conversation_log_days),
            insights_password=env.get("HELPDESK_INSIGHTS_PASSWORD") or None,
            curated_threshold=_float(env, "HELPDESK_CURATED_THRESHOLD", base.curated_threshold),
            llm_concurrency=_positive(env, "HELPDESK_LLM_CONCURRENCY", base.llm_concurrency),
            llm_deadline=_float(env, "HELPDESK_LLM_DEADLINE", base.llm_deadline),
            llm_condense_timeout=_float(env, "HELPDESK_LLM_CONDENSE_TIMEOUT", base.llm_condense_timeout),
            secret=env.get("HELPDESK_SECRET") or None,
            trusted_proxies=_addresses(env, "HELPDESK_TRUSTED_PROXIES"),
            answer_queue=_positive(env, "HELPDESK_ANSWER_QUEUE", base.answer_queue),
            body_timeout=_float(env, "HELPDESK_BODY_TIMEOUT", base.body_timeout),
            embedding_runtime=_choice(env, "HELPDESK_EMBEDDING_RUNTIME", base.embedding_runtime,
                                      ("onnx", "onnx-int8", "torch")),
            model_cache_dir=_path(env, "HELPDESK_MODEL_CACHE", base.model_cache_dir),
        )
        return replace(settings, **overrides) if overrides else settings
