"""The HTTP API and the embeddable widget: FastAPI around the one `answer()`. It wires; it does not decide.

`python -m helpdesk serve --host 127.0.0.1 --port 8000`, or `create_app(settings)` for any ASGI server.

The limits live here because they are about HTTP clients, not answers: a CORS allowlist
(HELPDESK_ALLOWED_ORIGINS), a token bucket per client address (HELPDESK_RATE_LIMIT, kept in this process: with
several replicas it is per replica, and the proxy routes a client to one replica or keeps the global limit;
X-Forwarded-For only from HELPDESK_TRUSTED_PROXIES), a request body cap and read deadline
(HELPDESK_MAX_BODY_BYTES, HELPDESK_BODY_TIMEOUT), the question length cap the chat UI uses too (HELPDESK_MAX_QUESTION_CHARS), and a cap on answers in progress
(HELPDESK_ANSWER_QUEUE: beyond it, 503 with Retry-After). Answers run in their own threads, never in the
threadpool health, readiness and feedback use. Feedback is taken only with the token issued with the answer
(HELPDESK_SECRET). The API key never leaves the process: no response carries it, and every message built from
an error is scrubbed of it before it is sent; a visitor reads public wording, the operator's detail is logged.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import math
import os
import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator, Literal, Mapping, Sequence

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.convlog import record
from helpdesk.core import Helpdesk
from helpdesk.public import PUBLIC_AI_UNAVAILABLE, public_answer
from helpdesk.feedback import MAX_COMMENT, DuplicateFeedback, Feedback, FeedbackError, FeedbackStore
from helpdesk.schema import Answer
from helpdesk.settings import Rate, Settings
from helpdesk.store import IndexUnavailable
from helpdesk.ui import check_question

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
READY_CACHE_SECONDS = 15.0  # a load balancer probing every second must not become a probe of the AI service
LLM_PROBE_TIMEOUT = 5.0
READY_PROBE_WAIT = 1.0  # /readyz waits this long for a fresh AI service check, then reports what it knows
SHED_RETRY_AFTER = 5  # seconds a client turned away by load shedding is asked to wait
LLM_ANSWER_WORKERS = 32  # answers waiting on the AI service mostly wait on the network, not on our CPU
LOG_BACKLOG = 1_000  # conversation-log writes waiting for the log thread; beyond it an answer writes its own
MAX_TRACKED_CLIENTS = 10_000  # buckets kept; beyond this the longest-idle client is forgotten (it starts full)
SESSION_ID = r"^[A-Za-z0-9._:-]{1,64}$"


# --- limits -------------------------------------------------------------------------------------------------

class RateLimiter:
    """A token bucket per client: `rate.requests` in a burst, refilled evenly over `rate.seconds`."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = MAX_TRACKED_CLIENTS):
        self.capacity = float(rate.requests)
        self.per_second = rate.requests / rate.seconds
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the client may go ahead (one token spent); otherwise the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.per_second
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


def _json(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


class TrustedProxies:
    """The proxies whose X-Forwarded-For is believed (HELPDESK_TRUSTED_PROXIES); none by default."""

    def __init__(self, addresses: Sequence[str]):
        self.any = "*" in addresses
        self.networks = [ipaddress.ip_network(a, strict=False) for a in addresses if a != "*"]

    def __bool__(self) -> bool:
        return self.any or bool(self.networks)

    def trusts(self, address: str) -> bool:
        if self.any:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, scope: Scope) -> str:
        """The real client: the socket peer, or, when the peer is a trusted proxy, the nearest address in
        X-Forwarded-For that is not one of ours (a client can put anything at the start of that header)."""
        peer = scope.get("client")
        address = peer[0] if peer else "unknown"
        if not self or not self.trusts(address):
            return address
        forwarded = b",".join(v for k, v in scope.get("headers", ()) if k == b"x-forwarded-for").decode("latin-1")
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            if not self.trusts(hop):
                return hop
            address = hop
        return address


class RateLimitMiddleware:
    """429 with Retry-After for a client (by address) that spends its bucket on POST /v1/...

    The address is the socket peer; X-Forwarded-For counts only when the peer is a configured trusted proxy
    (HELPDESK_TRUSTED_PROXIES). `serve` turns uvicorn's own header handling off, so a header from anyone else
    is never believed, not even from 127.0.0.1.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter | None, proxies: TrustedProxies | None = None):
        self.app = app
        self.limiter = limiter
        self.proxies = proxies or TrustedProxies(())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.limiter is not None and scope["type"] == "http" and scope["method"] == "POST"
                and scope["path"].startswith("/v1/")):
            wait = self.limiter.take(self.proxies.client(scope))
            if wait > 0:
                retry = max(1, math.ceil(wait))
                response = _json(429, f"Too many requests from your address; please wait {retry} s and try again.",
                                 {"Retry-After": str(retry)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimitMiddleware:
    """413 for a request body over the cap, whether it declares its length or streams it chunked; 408 for a
    body that does not arrive in time (a half-sent body must not hold a connection and its memory for long)."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    def _too_large(self, size: str) -> JSONResponse:
        return _json(413, f"The request body is {size} bytes; the limit is {self.max_bytes:,} bytes. Send a "
                          "shorter question or less conversation history.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(f"{int(declared):,}")(scope, receive, send)
            return
        body, more = bytearray(), True
        deadline = time.monotonic() + self.timeout
        while more:  # bodies here are small JSON, so reading them whole first costs nothing
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                log.info("request body not received within %g s; closing", self.timeout)
                await _json(408, f"The request body did not arrive within {self.timeout:g} s; please send it "
                                 "again.", {"Connection": "close"})(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._too_large(f"more than {self.max_bytes:,}")(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()  # after the body: the disconnect a streaming response listens for

        await self.app(scope, replay, send)


# --- logs: one JSON object a line, with the request id -------------------------------------------------------

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("helpdesk_request_id", default="-")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestContext(logging.Filter):
    """Puts the current request's id on every log record (worker threads included: they run in its context)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "request_id": getattr(record, "request_id", request_id.get()), "message": record.getMessage()}
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "info") -> dict:
    """logging.config for `serve` (uvicorn's loggers too): JSON lines on stderr with time, level, request id."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"],
               "stream": "ext://sys.stderr", "level": level.upper()}  # a library's own DEBUG logger stays quiet
    return {"version": 1, "disable_existing_loggers": False,
            "filters": {"request": {"()": RequestContext}},
            "formatters": {"json": {"()": JsonLines}},
            "handlers": {"default": handler},
            "root": {"handlers": ["default"], "level": level.upper()},
            "loggers": {name: {"handlers": [], "propagate": True, "level": level.upper()}
                        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")}}


class RequestIdMiddleware:
    """An id per request (the client's X-Request-ID when it is a sane one), in every log line and echoed back;
    one access line per request, with its status and time."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        started, status = time.perf_counter(), 0

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            log.info("%s %s %s %.0f ms", scope["method"], scope["path"], status or "-",
                     (time.perf_counter() - started) * 1000)
            request_id.reset(token)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-content-type-options", b"nosniff"),
                                      (b"referrer-policy", b"strict-origin-when-cross-origin")]
            await send(message)

        await self.app(scope, receive, with_headers)


# --- request and response models ----------------------------------------------------------------------------

class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AnswerRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "How many prompts do I get every 5 hours on Lite?", "history": [], "session_id": "abc123"}]})

    question: str = Field(description="The subscriber's question (at most HELPDESK_MAX_QUESTION_CHARS characters)")
    history: list[Turn] = Field(default_factory=list, max_length=200,
                                description="Earlier turns, oldest first; the last HELPDESK_HISTORY_TURNS are used")
    session_id: str | None = Field(default=None, pattern=SESSION_ID,
                                   description="The client's conversation id, for logs and feedback")


class SourceOut(BaseModel):
    doc: str
    title: str
    url: str
    as_of: str
    snippet: str = ""


class AnswerOut(BaseModel):
    id: str = Field(description="This answer's id: send it back with feedback")
    text: str
    route: Literal["rules", "retrieval", "llm", "abstain"]
    sources: list[SourceOut]
    confidence: float
    offer_human: bool
    as_of: str | None = Field(description="The date the newest cited page is current to")
    notes: list[str] = Field(default_factory=list)
    feedback_token: str = Field(default="", description="Send it back with feedback on this answer, with its id, "
                                                        "question, text and route unchanged")

    @classmethod
    def of(cls, result: Answer, token: str = "") -> "AnswerOut":
        data = result.to_dict()
        data.pop("trace", None)
        return cls(**data, feedback_token=token)


def _no_surrogates(value: str) -> str:
    # A lone UTF-16 surrogate ("\ud800") is valid JSON but not text: it cannot be stored, logged or hashed.
    if isinstance(value, str) and re.search("[\ud800-\udfff]", value):
        raise ValueError("contains characters that are not valid text (a lone UTF-16 surrogate)")
    return value


class FeedbackIn(BaseModel):
    rating: Literal[1, -1] = Field(description="1: thumbs up, -1: thumbs down")
    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="The `id` of the answer rated")
    token: str = Field(pattern=r"^[0-9a-f]{64}$", description="The answer's `feedback_token`")
    question: str = Field(max_length=20_000)
    answer: str = Field(max_length=20_000)
    route: Literal["rules", "retrieval", "llm", "abstain"]
    sources: list[str] = Field(default_factory=list, max_length=20, description="URLs of the sources shown")
    comment: str = Field(default="", max_length=MAX_COMMENT)
    session_id: str | None = Field(default=None, pattern=SESSION_ID)
    surface: Literal["widget", "api"] = "api"

    _text = field_validator("question", "answer", "comment")(_no_surrogates)

    @field_validator("sources")
    @classmethod
    def _sources_are_text(cls, value: list[str]) -> list[str]:
        return [_no_surrogates(v) for v in value]


class FeedbackOut(BaseModel):
    id: int
    stored: bool = True


class PublicConfig(BaseModel):
    """What the widget needs to know before the first question; nothing secret."""

    support_url: str
    max_question_chars: int
    mode: Literal["llm", "offline"]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"] = Field(description="ready: the index and the embedding model are "
                                                                 "loaded and the index is the current build")
    index: str
    build: str | None = Field(default=None, description="The index build this process answers from")
    llm: str = Field(description="The optional AI service, reported apart: answers fall back to the offline "
                                 "ones when it is down, so it never makes the service unready")
    reason: str | None = None


class EventStream(StreamingResponse):
    # Not fastapi.sse.EventSourceResponse: FastAPI takes a route with that class for a generator of events,
    # and this route must return a response itself, so that a bad question is a 422 before the stream opens.
    media_type = "text/event-stream"


class Problem(BaseModel):
    detail: str


STREAM_DOC = """Server-sent events, in this order: `sources` (`{"sources": [Source...]}`, before any text), `token`
(`{"text": "..."}`, pieces of the answer as they are written), then exactly one `answer` (the whole Answer, as
from POST /v1/answer; it replaces the streamed text). An `error` event (`{"message": "..."}`) may come before the
`answer`; the stream still ends with an answer (the offline one, or a pointer to human support)."""


# --- the app ---------------------------------------------------------------------------------------------------

def _redact(text: str, settings: Settings) -> str:
    return text.replace(settings.llm_api_key, "[redacted]") if settings.llm_api_key else text


def llm_problem(settings: Settings) -> str | None:
    """None when the AI service answers at the configured URL and accepts the key; otherwise why not, for the
    operator's log (it names the URL and the settings to check, so it is never sent to a visitor)."""
    import openai

    from helpdesk.llm import LLMError, make_client, shown_url

    try:
        client = make_client(settings).with_options(timeout=LLM_PROBE_TIMEOUT, max_retries=0)
        client.models.list()
    except LLMError as exc:  # a Coding Plan endpoint, refused by policy
        return str(exc)
    except openai.APITimeoutError:
        return f"the AI service at {shown_url(settings.llm_base_url)} did not answer within {LLM_PROBE_TIMEOUT:g} s"
    except openai.APIConnectionError:
        return (f"cannot connect to the AI service at {shown_url(settings.llm_base_url)}; check the network and "
                "HELPDESK_LLM_BASE_URL, or unset the API key to answer offline")
    except (openai.AuthenticationError, openai.PermissionDeniedError):
        return ("the AI service rejected the API key; set a valid key in ZAI_API_KEY (or HELPDESK_LLM_API_KEY), "
                "or unset it to answer offline")
    except openai.APIStatusError:
        return None  # it answered (a server without /models says 404): reachable, and the key was not refused
    except Exception as exc:
        return f"the AI service check failed ({type(exc).__name__}); see the server log"
    return None


def _questions(body: AnswerRequest, settings: Settings) -> tuple[str, list[dict]]:
    """The question, checked like the chat UI checks it (422 with the same message), and the history to use."""
    checked = check_question(body.question, settings)
    if checked.problem:
        raise HTTPException(422, detail=checked.problem)
    if not checked.question:
        raise HTTPException(422, detail="The question is empty; please type a question about the GLM Coding Plan.")
    history = [{"role": turn.role, "content": _valid_text(turn.content)} for turn in body.history[-settings.history_turns:]] if settings.history_turns else []
    return checked.question, history


def _valid_text(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate in old turns becomes "?"


def _sse(kind: str, payload: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(payload), ensure_ascii=False)}\n\n"


def _failed(settings: Settings) -> Answer:
    return Answer(text=("Sorry, something went wrong on our side while answering. Please try again, or contact "
                        f"Z.ai support at {settings.support_url}."), route="abstain", offer_human=True)


def _scrubbed(result: Answer, settings: Settings) -> Answer:
    if not settings.llm_api_key:
        return result
    return replace(result, text=_redact(result.text, settings), notes=tuple(_redact(n, settings) for n in result.notes))


def feedback_token(secret: bytes, answer_id: str, question: str, text: str, route: str) -> str:
    """HMAC over the answer id and a hash of what was asked and answered: feedback must name an answer this
    service gave, as it was given (stateless, so any replica with the same HELPDESK_SECRET can check it)."""
    given = hashlib.sha256("\x00".join((question.strip(), text, route)).encode("utf-8", "surrogatepass")).hexdigest()
    return hmac.new(secret, f"{answer_id}:{given}".encode(), hashlib.sha256).hexdigest()


class Answering:
    """Where answers run, apart from everything else: a thread per admitted answer (at most HELPDESK_ANSWER_QUEUE
    at once; beyond that a 503 with Retry-After, at once), CPU slots for the computing part (HELPDESK_ANSWER_WORKERS),
    released while an answer waits on the AI service. Health, readiness and feedback use other threads, so they
    never wait behind answers; the model calls have their own slots and deadline (helpdesk/llm.py)."""

    def __init__(self, settings: Settings, workers: int, secret: bytes):
        self.settings = settings
        self.secret = secret
        self.cpu = threading.BoundedSemaphore(workers)
        self.admitted = threading.BoundedSemaphore(settings.answer_queue)
        self.pool = ThreadPoolExecutor(settings.answer_queue, thread_name_prefix="helpdesk-answer")
        # The conversation log is written by one thread of its own, after the answer is sent: written inline it
        # took each answer's CPU slot for its database write (measured: 60 answers/s, p99 1.6 s against 102 and
        # 450 ms with the log off). Beyond LOG_BACKLOG pending writes an answer writes its own (backpressure, no
        # unbounded queue); shutdown waits for the pending ones, so none is lost.
        self.logger = ThreadPoolExecutor(1, thread_name_prefix="helpdesk-convlog")
        self.log_pending = threading.BoundedSemaphore(LOG_BACKLOG)

    def log_answer(self, *args, **kwargs) -> None:
        if not self.settings.conversation_log:
            return
        if not self.log_pending.acquire(blocking=False):
            record(*args, **kwargs)
            return

        def write() -> None:
            try:
                record(*args, **kwargs)
            finally:
                self.log_pending.release()

        try:
            self.logger.submit(contextvars.copy_context().run, write)
        except RuntimeError:  # shutting down: write it here
            self.log_pending.release()
            record(*args, **kwargs)

    def admit(self) -> None:
        if not self.admitted.acquire(blocking=False):
            log.warning("answer queue full (%d in progress): shedding load", self.settings.answer_queue)
            raise HTTPException(503, detail="The assistant is busy answering other questions; please try again in a "
                                            "few seconds.", headers={"Retry-After": str(SHED_RETRY_AFTER)})

    @contextmanager
    def _released(self) -> Iterator[None]:
        self.cpu.release()
        try:
            yield
        finally:
            self.cpu.acquire()

    @contextmanager
    def running(self) -> Iterator[list]:
        """The context one answer runs in (in its worker thread): the CPU slot held, given up while waiting on
        the AI service, and the notes the AI layer records (a failed question rewrite)."""
        if self.settings.llm_enabled:
            from helpdesk.llm import collecting_notes, waiting_with
        else:
            collecting_notes, waiting_with = (lambda: nullcontext([])), (lambda hook: nullcontext())
        with collecting_notes() as notes, waiting_with(self._released), self.cpu:
            yield notes

    def published(self, result: Answer, question: str, notes: Sequence[tuple[str, str]]) -> AnswerOut:
        for operator, _ in notes:
            log.warning("%s", operator)
        result = public_answer(result, [public for _, public in notes])
        result = _scrubbed(result, self.settings)
        return AnswerOut.of(result, feedback_token(self.secret, result.id, question, result.text, result.route))

    def submit(self, fn: Callable, *args):
        context = contextvars.copy_context()  # the request id follows the answer into its thread
        return asyncio.wrap_future(self.pool.submit(context.run, fn, *args))

    def one(self, helpdesk: Helpdesk, question: str, history: list[dict], session_id: str = "") -> AnswerOut:
        started = time.perf_counter()
        with self.running() as notes:
            result = helpdesk.answer(question, history)
        latency = (time.perf_counter() - started) * 1000
        log.info("answer route=%s %.0f ms", result.route, latency)
        self.log_answer(question, history, result, self.settings, surface="api", session_id=session_id,
                        latency_ms=latency)
        return self.published(result, question, notes)

    def events(self, helpdesk: Helpdesk, question: str, history: list[dict], session_id: str = "") -> Iterator[str]:
        """`answer_stream` as SSE text. Whatever fails, the stream ends with an error event and a final answer.
        An error event is held until the final answer, so that it says what the visitor may read."""
        finished, error = False, None
        started = time.perf_counter()
        try:
            with self.running() as notes:
                events = helpdesk.answer_stream(question, history)
                try:
                    for event in events:
                        if event.kind == "sources":
                            yield _sse("sources", {"sources": [SourceOut(**vars(s)) for s in event.sources]})
                        elif event.kind == "token":
                            yield _sse("token", {"text": event.text})
                        elif event.kind == "error":
                            error = event.text
                        elif event.kind == "answer" and event.answer is not None:
                            self.log_answer(question, history, event.answer, self.settings, surface="api-stream",
                                   session_id=session_id, latency_ms=(time.perf_counter() - started) * 1000)
                            out = self.published(event.answer, question, notes)
                            if error is not None:
                                shown = [n for n in out.notes if n.startswith("AI answer unavailable")]
                                yield _sse("error", {"message": shown[-1] if shown else PUBLIC_AI_UNAVAILABLE})
                            yield _sse("answer", out.model_dump())
                            finished = True
                            break
                finally:
                    events.close()
        except Exception as exc:  # the connection stays up: the client gets a reason and an answer to show
            log.error("streamed answer failed (%s)", type(exc).__name__, exc_info=True)
            message = ("The documentation index is not available right now; please try again shortly."
                       if isinstance(exc, IndexUnavailable) else "The answer failed on the server; please try again.")
            yield _sse("error", {"message": message})
        if not finished:
            yield _sse("answer", self.published(_failed(self.settings), question, ()).model_dump())

    def stream(self, helpdesk: Helpdesk, question: str, history: list[dict], session_id: str = ""
               ) -> AsyncIterator[str]:
        """`events`, produced in an answer thread and handed to the event loop: no answer ever runs in the
        threadpool that health, readiness and feedback use. A visitor who leaves stops the answer."""
        loop = asyncio.get_running_loop()
        items: asyncio.Queue = asyncio.Queue()
        gone = threading.Event()

        def hand(item) -> None:
            try:
                loop.call_soon_threadsafe(items.put_nowait, item)
            except RuntimeError:  # the loop is closed: the server is shutting down
                gone.set()

        def produce() -> None:
            events = self.events(helpdesk, question, history, session_id)
            try:
                for item in events:
                    if gone.is_set():
                        break
                    hand(item)
            finally:
                events.close()
                hand(None)
                self.admitted.release()

        try:
            self.submit(produce)
        except RuntimeError:  # the pool is shut down
            self.admitted.release()
            raise

        async def relay() -> AsyncIterator[str]:
            try:
                while (item := await items.get()) is not None:
                    yield item
            finally:
                gone.set()

        return relay()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.logger.shutdown(wait=True)  # the answers already given are logged before the process ends


class AIServiceState:
    """The optional AI service's state for /readyz: checked in its own thread at most every READY_CACHE_SECONDS,
    so a load balancer probing every second never becomes a probe of the AI service, and never waits for one
    long. The reason for a failure goes to the log; /readyz says only whether it is reachable."""

    def __init__(self, settings: Settings, clock: Callable[[], float]):
        self.settings = settings
        self.clock = clock
        self.checked, self.problem = -math.inf, None
        self.pending = None
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="helpdesk-ai-probe")

    def _check(self) -> None:
        problem = llm_problem(self.settings)
        if problem and problem != self.problem:
            log.warning("AI service unavailable (answers fall back to offline ones): %s", _redact(problem, self.settings))
        elif not problem and self.problem:
            log.info("AI service reachable again")
        self.checked, self.problem = self.clock(), problem

    async def describe(self) -> str:
        if not self.settings.llm_enabled:
            return "offline (no API key set)"
        with self.lock:
            if self.clock() - self.checked > READY_CACHE_SECONDS and (self.pending is None or self.pending.done()):
                self.pending = asyncio.wrap_future(self.pool.submit(self._check))
            pending = self.pending
        if pending is not None and not pending.done():
            try:
                # The first check may wait for the whole probe (its own timeout); later ones report what is known.
                first = self.checked == -math.inf
                await asyncio.wait_for(asyncio.shield(pending), LLM_PROBE_TIMEOUT + 1 if first else READY_PROBE_WAIT)
            except asyncio.TimeoutError:
                pass
        if self.checked == -math.inf:
            return "checking"
        return "unavailable (answers are given offline meanwhile)" if self.problem else \
            f"reachable ({self.settings.llm_model})"

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def get_helpdesk(request: Request) -> Helpdesk:
    """The app's Helpdesk, for routes (`Depends(get_helpdesk)`); a test swaps it with `app.dependency_overrides`."""
    helpdesk = request.app.state.helpdesk
    if helpdesk is None:
        raise RuntimeError("the app's lifespan has not run, so it has no Helpdesk: drive it with `with TestClient(app)`"
                           " (or an ASGI server), or pass one: create_app(settings, helpdesk=...)")
    return helpdesk


def create_app(settings: Settings | None = None, *, helpdesk: Helpdesk | None = None,
               allowed_origins: Sequence[str] | None = None,
               rate_limit: str | None = None, max_body_bytes: int | None = None,
               answer_workers: int | None = None, env: Mapping[str, str] | None = None,
               clock: Callable[[], float] = time.monotonic, warm_up: bool = True) -> FastAPI:
    """The app, from `settings` (default: read from `env`, or from the environment and `.env`, here, once, and
    never at import). The keyword arguments override their settings (HELPDESK_ALLOWED_ORIGINS, HELPDESK_RATE_LIMIT,
    HELPDESK_MAX_BODY_BYTES, HELPDESK_ANSWER_WORKERS). `helpdesk`: the one to answer with (a test's); by default
    the lifespan builds one from the settings."""
    settings = settings or Settings.from_env(None if env is None else dict(env))
    origins = tuple(allowed_origins) if allowed_origins is not None else settings.allowed_origins
    given = {"allowed_origins": origins, "rate_limit": rate_limit, "answer_workers": answer_workers}
    settings = replace(settings, **{name: value for name, value in given.items() if value is not None})
    rate: Rate | None = settings.rate_limit
    # Below the settings' floor of 1 KiB only in tests that check the cap itself.
    body_cap = max_body_bytes if max_body_bytes is not None else settings.max_body_bytes
    # Offline answers are CPU-bound Python: more of them at once than there are cores only makes every one
    # slower (measured with eval/load_test.py: a cap of 2 on 2 cores gave ~1.5x the throughput and half the
    # p99 of the threadpool's 40). An answer waiting on the AI service gives its slot up meanwhile.
    workers = settings.answer_workers or (LLM_ANSWER_WORKERS if settings.llm_enabled
                                          else max(1, os.cpu_count() or 1))
    if rate:
        log.info("rate limit: %d requests per %g s per client address, in this replica only (not shared between "
                 "replicas: route each client to one replica, or limit in the proxy)", rate.requests, rate.seconds)
    if not settings.secret:
        log.info("HELPDESK_SECRET is not set: feedback tokens are signed with a key made for this process only")
    secret = (settings.secret or "").encode() or secrets.token_bytes(32)
    answering = Answering(settings, workers, secret)
    ai_state = AIServiceState(settings, clock)
    widget_js = (STATIC / "widget.js").read_bytes()
    demo_html = (STATIC / "demo.html").read_text(encoding="utf-8")
    feedback_lock = threading.Lock()
    feedback_store: list[FeedbackStore] = []  # made on first use: an app that gets no feedback writes no file

    warming = threading.Event()  # set while the warm-up loads the index and the model: /readyz says "loading"

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if app.state.helpdesk is None:  # cheap: the index and the model load on first use, or in the warm-up
            app.state.helpdesk = Helpdesk.from_settings(settings)
        if warm_up:  # load the index and the embedding model now, not on the first visitor's question
            warming.set()
            threading.Thread(target=_warm, args=(app.state.helpdesk, warming), name="helpdesk-warm-up",
                             daemon=True).start()
        try:
            yield
        finally:
            answering.close()
            ai_state.close()

    app = FastAPI(title="GLM Coding Plan support assistant", version="1",
                  description="Answers from the Z.ai GLM Coding Plan documentation, with sources and their dates. "
                              "The widget: `<script src=\"/widget.js\" data-api=\"https://...\" async></script>`.",
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.limiter = RateLimiter(rate, clock) if rate else None
    app.state.answer_workers = workers
    app.state.answering = answering
    app.state.helpdesk = helpdesk

    # Outermost last: the request id wraps everything (so every log line has one); CORS answers preflights and
    # decorates every response (a 429 or 413 too, so that a page on an allowed origin can read it); then the
    # rate limit; then the body cap; then the routes.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=body_cap, timeout=settings.body_timeout)
    app.add_middleware(RateLimitMiddleware, limiter=app.state.limiter, proxies=TrustedProxies(settings.trusted_proxies))
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], expose_headers=["Retry-After"], allow_credentials=False,
                       max_age=600)
    app.add_middleware(RequestIdMiddleware)

    @app.exception_handler(IndexUnavailable)
    async def index_unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
        log.error("index unavailable: %s", exc)
        return _json(503, "The documentation index is not available right now; please try again shortly.",
                     {"Retry-After": "30"})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's list of problems, but without echoing the input back (it may be a 60 kB question)
        problems = [{k: v for k, v in error.items() if k in ("loc", "msg", "type")} for error in exc.errors()]
        return JSONResponse(jsonable_encoder({"detail": problems}), status_code=422)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> JSONResponse:
        log.error("request failed: %s %s (%s)", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return _json(500, "The server failed to answer; please try again.")

    errors = {413: {"model": Problem, "description": "Request body over HELPDESK_MAX_BODY_BYTES"},
              422: {"description": "Question empty or over HELPDESK_MAX_QUESTION_CHARS, or a malformed body"},
              429: {"model": Problem, "description": "Rate limit; the Retry-After header says when to retry"},
              503: {"model": Problem, "description": "Busy (HELPDESK_ANSWER_QUEUE answers in progress) or no index; "
                                                     "the Retry-After header says when to retry"}}

    # Cheap routes are `async`: they never wait for a worker thread, so probes stay quick.
    @app.get("/", include_in_schema=False)
    async def index() -> dict:
        return {"service": "GLM Coding Plan support assistant", "openapi": "/openapi.json", "docs": "/docs",
                "demo": "/demo", "widget": "/widget.js"}

    @app.post("/v1/answer", response_model=AnswerOut, responses=errors, tags=["answers"])
    async def post_answer(body: AnswerRequest, helpdesk: Helpdesk = Depends(get_helpdesk)) -> AnswerOut:
        """The answer to one question, with its sources and the date the docs are current to."""
        question, history = _questions(body, settings)
        answering.admit()
        try:
            return await answering.submit(answering.one, helpdesk, question, history, body.session_id or "")
        finally:
            answering.admitted.release()

    @app.post("/v1/answer/stream", response_class=EventStream, tags=["answers"],
              responses={**errors, 200: {"description": STREAM_DOC, "content": {"text/event-stream": {}}}})
    async def post_answer_stream(body: AnswerRequest, helpdesk: Helpdesk = Depends(get_helpdesk)) -> EventStream:
        """The same answer, streamed as server-sent events (see the 200 response for the events)."""
        question, history = _questions(body, settings)  # a 422 here, before the stream starts
        answering.admit()  # a 503 here, before the stream starts; released when the answer is done
        return EventStream(answering.stream(helpdesk, question, history, body.session_id or ""),
                           headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/feedback", response_model=FeedbackOut, status_code=201, tags=["feedback"],
              responses={**errors, 403: {"model": Problem, "description": "Not an answer this service gave"},
                         409: {"model": Problem, "description": "This answer was already rated"}})
    def post_feedback(body: FeedbackIn) -> FeedbackOut:
        """Thumbs up or down on an answer this service gave (its id and feedback_token, as received), into the
        same store as the chat UI (the SQLite file, or HELPDESK_DATABASE_URL's database)."""
        if len(body.question) > settings.max_question_chars:
            raise HTTPException(422, detail=f"The question is {len(body.question):,} characters; the limit is "
                                            f"{settings.max_question_chars:,}.")
        expected = feedback_token(secret, body.answer_id, body.question, body.answer, body.route)
        if not hmac.compare_digest(expected, body.token):
            raise HTTPException(403, detail="This feedback does not match an answer this service gave: send the "
                                            "answer's id, feedback_token, question, text and route back exactly as "
                                            "received (tokens from before a restart may no longer be valid).")
        with feedback_lock:
            if not feedback_store:
                feedback_store.append(FeedbackStore(settings.database))
        try:
            row = feedback_store[0].add(Feedback(
                rating=body.rating, question=body.question.strip(), answer=body.answer, route=body.route,
                sources=tuple(dict.fromkeys(s for s in body.sources if s)), comment=body.comment,
                session_id=body.session_id or "", surface=body.surface, answer_id=body.answer_id))
        except DuplicateFeedback as exc:
            raise HTTPException(409, detail=str(exc)) from None
        except FeedbackError as exc:
            raise HTTPException(422, detail=str(exc)) from None
        return FeedbackOut(id=row)

    @app.get("/v1/config", response_model=PublicConfig, tags=["widget"])
    async def public_config() -> PublicConfig:
        """What the widget shows before the first answer: the human support link and the question limit."""
        return PublicConfig(support_url=settings.support_url, max_question_chars=settings.max_question_chars,
                            mode="llm" if settings.llm_enabled else "offline")

    @app.head("/healthz", include_in_schema=False)
    @app.get("/healthz", response_model=Health, tags=["operations"])
    async def healthz() -> Health:
        """The process is up (it says nothing about the index or the AI service: see /readyz)."""
        return Health()

    @app.head("/readyz", include_in_schema=False)
    @app.get("/readyz", response_model=Readiness, tags=["operations"],
             responses={503: {"model": Readiness, "description": "Not ready; `reason` says why"}})
    async def readyz(helpdesk: Helpdesk = Depends(get_helpdesk)) -> JSONResponse:
        """Ready when the index and the embedding model are loaded and the index is the current build. The AI
        service is reported apart (`llm`) and never makes the service unready: answers fall back to offline."""
        if warming.is_set():  # a load balancer keeps traffic away until both are loaded, without waiting here
            index, build, problem = "loading", None, "loading the documentation index and the embedding model"
        else:
            index, build, problem = await run_in_threadpool(_index_state, helpdesk)
        state = Readiness(status="unavailable" if problem else "ready", index=index, build=build,
                          llm=await ai_state.describe(), reason=problem)
        return JSONResponse(json.loads(_redact(state.model_dump_json(), settings)),
                            status_code=503 if problem else 200)

    @app.head("/widget.js", include_in_schema=False)
    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        return Response(widget_js, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})

    @app.get("/demo", include_in_schema=False)
    async def demo() -> HTMLResponse:
        return HTMLResponse(demo_html)

    return app


def _index_state(helpdesk: Helpdesk) -> tuple[str, str | None, str | None]:
    """(what the index is, the build served, why not ready or None). Loading it here also loads the embedding
    model (the only model an answer runs); the index reconnects when it was rebuilt, even deleted and made again."""
    try:
        retriever = helpdesk.warm()
    except IndexUnavailable as exc:
        log.warning("not ready: %s", exc)
        return "missing", None, ("no documentation index is loaded; an operator needs to build it with "
                                 "`python -m ingest`")
    except Exception:
        log.error("index check failed", exc_info=True)
        return "failed", None, "the documentation index could not be loaded; see the server log"
    return f"loaded ({len(retriever.chunks)} passages)", retriever.build, None


def _warm(helpdesk: Helpdesk, warming: threading.Event) -> None:
    try:
        state, build, problem = _index_state(helpdesk)
    finally:
        warming.clear()
    if not problem:
        log.info("index %s, build %s", state, build)


def uvicorn_config(settings: Settings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info",
                   app: ASGIApp | None = None):
    """uvicorn's configuration: JSON logs, no Server header, and proxy headers off. X-Forwarded-For is read by
    the app itself, and only from HELPDESK_TRUSTED_PROXIES (uvicorn would otherwise believe it from 127.0.0.1,
    so anyone on the machine, or a forgotten local proxy, could pick the address the rate limit sees)."""
    import uvicorn

    return uvicorn.Config(app or create_app(settings), host=host, port=port, log_level=log_level,
                          server_header=False, proxy_headers=False, forwarded_allow_ips="",
                          log_config=log_config(log_level), access_log=False)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> int:
    """Run the app under uvicorn until interrupted. One process: the index and model are loaded once."""
    import uvicorn

    uvicorn.Server(uvicorn_config(settings, host, port, log_level)).run()
    return 0
