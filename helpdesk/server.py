"""The HTTP API and the embeddable widget: FastAPI around the one `answer()`. It wires; it does not decide.

`python -m helpdesk serve --host 127.0.0.1 --port 8000`, or `create_app(settings)` for any ASGI server.

The limits live here because they are about HTTP clients, not answers: a CORS allowlist
(HELPDESK_ALLOWED_ORIGINS), a token bucket per client address (HELPDESK_RATE_LIMIT), a request body cap
(HELPDESK_MAX_BODY_BYTES) and the question length cap the chat UI uses too (HELPDESK_MAX_QUESTION_CHARS).
The API key never leaves the process: no response carries it, and every message built from an error is
scrubbed of it before it is sent.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Literal, Mapping, Sequence

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.answer import answer, answer_stream
from helpdesk.convlog import record
from helpdesk.feedback import MAX_COMMENT, Feedback, FeedbackError, FeedbackStore
from helpdesk.schema import Answer
from helpdesk.settings import Settings, SettingsError
from helpdesk.store import IndexUnavailable
from helpdesk.ui import check_question

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_RATE_LIMIT = "30/minute"
DEFAULT_MAX_BODY_BYTES = 64 * 1024  # a 2,000-character question plus a long conversation fits many times over
HISTORY_TURNS = 20  # the answer needs the last few turns; a client may send more, the rest is ignored
READY_CACHE_SECONDS = 15.0  # a load balancer probing every second must not become a probe of the AI service
LLM_PROBE_TIMEOUT = 5.0
LLM_ANSWER_WORKERS = 32  # answers waiting on the AI service mostly wait on the network, not on our CPU
MAX_TRACKED_CLIENTS = 10_000  # buckets kept; beyond this the longest-idle client is forgotten (it starts full)
SESSION_ID = r"^[A-Za-z0-9._:-]{1,64}$"


# --- configuration read at app creation -------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: float

    PERIODS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
               "h": 3600.0, "hour": 3600.0, "d": 86400.0, "day": 86400.0}

    @classmethod
    def parse(cls, text: str, name: str = "HELPDESK_RATE_LIMIT") -> "Rate | None":
        """"30/minute" -> 30 requests a minute (bursts of up to 30); "off" or "0" -> no limit."""
        value = (text or "").strip().lower()
        if value in {"", "0", "off", "none", "unlimited"}:
            return None
        match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?", value)
        if not match or match[3] not in cls.PERIODS or int(match[1]) < 1:
            raise SettingsError(f"{name}={text!r} is not a rate; use e.g. {name}=30/minute (per second, minute, "
                                f"hour or day), or {name}=off for no limit")
        return cls(int(match[1]), cls.PERIODS[match[3]] * int(match[2] or 1))


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in (text or "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise SettingsError(f"HELPDESK_ALLOWED_ORIGINS has {origin!r}, which is not an origin; list origins "
                                "like https://support.example.com (scheme and host, no path), comma-separated")
    return origins


@dataclass(frozen=True)
class ServerConfig:
    allowed_origins: tuple[str, ...] = ()  # none: only pages served by this app (same origin) may call it
    rate: Rate | None = Rate(30, 60.0)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    answer_workers: int | None = None  # None: one per CPU core offline, LLM_ANSWER_WORKERS with the AI service

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ServerConfig":
        env = os.environ if env is None else env
        body = env.get("HELPDESK_MAX_BODY_BYTES") or str(DEFAULT_MAX_BODY_BYTES)
        if not body.isdigit() or int(body) < 1024:
            raise SettingsError(f"HELPDESK_MAX_BODY_BYTES={body!r} must be a whole number of bytes, at least 1024")
        workers = env.get("HELPDESK_ANSWER_WORKERS") or ""
        if workers and not (workers.isdigit() and 1 <= int(workers) <= 256):
            raise SettingsError(f"HELPDESK_ANSWER_WORKERS={workers!r} must be a whole number from 1 to 256; unset it "
                                "for one per CPU core (offline) or 32 (with the AI service)")
        return cls(allowed_origins=_origins(env.get("HELPDESK_ALLOWED_ORIGINS", "")),
                   rate=Rate.parse(env.get("HELPDESK_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
                   max_body_bytes=int(body), answer_workers=int(workers) if workers else None)


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


class RateLimitMiddleware:
    """429 with Retry-After for a client (by address) that spends its bucket on POST /v1/...

    The address is the socket peer, or the X-Forwarded-For that uvicorn accepted from a trusted proxy
    (its --forwarded-allow-ips); a header from anyone else is not believed.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter | None):
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.limiter is not None and scope["type"] == "http" and scope["method"] == "POST"
                and scope["path"].startswith("/v1/")):
            client = scope.get("client")
            wait = self.limiter.take(client[0] if client else "unknown")
            if wait > 0:
                retry = max(1, math.ceil(wait))
                response = _json(429, f"Too many requests from your address; please wait {retry} s and try again.",
                                 {"Retry-After": str(retry)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimitMiddleware:
    """413 for a request body over the cap, whether it declares its length or streams it chunked."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

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
        while more:  # bodies here are small JSON, so reading them whole first costs nothing
            message = await receive()
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
                                description=f"Earlier turns, oldest first; the last {HISTORY_TURNS} are used")
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

    @classmethod
    def of(cls, result: Answer) -> "AnswerOut":
        return cls(**result.to_dict())


class FeedbackIn(BaseModel):
    rating: Literal[1, -1] = Field(description="1: thumbs up, -1: thumbs down")
    question: str = Field(max_length=20_000)
    answer: str = Field(max_length=20_000)
    route: Literal["rules", "retrieval", "llm", "abstain"]
    sources: list[str] = Field(default_factory=list, max_length=20, description="URLs of the sources shown")
    comment: str = Field(default="", max_length=MAX_COMMENT)
    session_id: str | None = Field(default=None, pattern=SESSION_ID)
    surface: Literal["widget", "api"] = "api"


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
    status: Literal["ready", "unavailable"]
    index: str
    llm: str
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
    """None when the AI service answers at the configured URL and accepts the key; otherwise why not."""
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
    history = [turn.model_dump() for turn in body.history[-HISTORY_TURNS:]]
    return checked.question, history


def _sse(kind: str, payload: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(payload), ensure_ascii=False)}\n\n"


def _failed(settings: Settings) -> Answer:
    return Answer(text=("Sorry, something went wrong on our side while answering. Please try again, or contact "
                        f"Z.ai support at {settings.support_url}."), route="abstain", offer_human=True)


def stream_events(question: str, history: list[dict], settings: Settings, session_id: str = "") -> Iterator[str]:
    """`answer_stream` as SSE text. Whatever fails, the stream ends with an error event and a final answer."""
    finished = False
    started = time.perf_counter()
    try:
        for event in answer_stream(question, history, settings):
            if event.kind == "sources":
                yield _sse("sources", {"sources": [SourceOut(**vars(s)) for s in event.sources]})
            elif event.kind == "token":
                yield _sse("token", {"text": event.text})
            elif event.kind == "error":
                yield _sse("error", {"message": _redact(event.text, settings)})
            elif event.kind == "answer" and event.answer is not None:
                record(question, history, event.answer, settings, surface="api-stream", session_id=session_id,
                       latency_ms=(time.perf_counter() - started) * 1000)
                yield _sse("answer", AnswerOut.of(_scrubbed(event.answer, settings)).model_dump())
                finished = True
                break
    except Exception as exc:  # the connection stays up: the client gets a reason and an answer to show
        log.error("streamed answer failed (%s)", type(exc).__name__, exc_info=True)
        message = ("The documentation index is not available right now; please try again shortly."
                   if isinstance(exc, IndexUnavailable) else "The answer failed on the server; please try again.")
        yield _sse("error", {"message": message})
    if not finished:
        yield _sse("answer", AnswerOut.of(_failed(settings)).model_dump())


def limited(events: Iterator[str], slots: threading.BoundedSemaphore) -> Iterator[str]:
    """The stream's first step (retrieval and the offline answer: the CPU-bound part, before the sources event
    can be sent) taken while holding an answer slot; the rest (text from the AI service, or events already
    computed) is waiting, not work, and takes no slot. No slot is held across a yield, so a client that goes
    away mid-stream cannot keep one."""
    with slots:
        first = next(events, None)
    if first is None:
        return
    yield first
    yield from events


def _scrubbed(result: Answer, settings: Settings) -> Answer:
    if not settings.llm_api_key:
        return result
    return replace(result, text=_redact(result.text, settings), notes=tuple(_redact(n, settings) for n in result.notes))


def create_app(settings: Settings | None = None, *, allowed_origins: Sequence[str] | None = None,
               rate_limit: str | None = None, max_body_bytes: int | None = None,
               answer_workers: int | None = None, env: Mapping[str, str] | None = None,
               clock: Callable[[], float] = time.monotonic, warm_up: bool = True) -> FastAPI:
    """The app. Arguments override the environment (HELPDESK_ALLOWED_ORIGINS, HELPDESK_RATE_LIMIT,
    HELPDESK_MAX_BODY_BYTES, HELPDESK_ANSWER_WORKERS), which is read here, once, and never at import."""
    settings = settings or Settings.from_env(None if env is None else dict(env))
    config = ServerConfig.from_env(env)
    origins = _origins(",".join(allowed_origins)) if allowed_origins is not None else config.allowed_origins
    rate = Rate.parse(rate_limit, "rate_limit") if rate_limit is not None else config.rate
    body_cap = max_body_bytes if max_body_bytes is not None else config.max_body_bytes
    # Offline answers are CPU-bound Python: more of them at once than there are cores only makes every one
    # slower (measured with eval/load_test.py: a cap of 2 on 2 cores gave ~1.5x the throughput and half the
    # p99 of the threadpool's 40). Requests beyond the cap wait their turn in a worker thread.
    workers = answer_workers or config.answer_workers or (LLM_ANSWER_WORKERS if settings.llm_enabled
                                                          else max(1, os.cpu_count() or 1))
    answer_slots = threading.BoundedSemaphore(workers)
    widget_js = (STATIC / "widget.js").read_bytes()
    demo_html = (STATIC / "demo.html").read_text(encoding="utf-8")
    feedback_lock = threading.Lock()
    feedback_store: list[FeedbackStore] = []  # made on first use: an app that gets no feedback writes no file
    readiness: dict[str, tuple[float, str | None]] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:  # load the index and the embedding model now, not on the first visitor's question
            threading.Thread(target=_warm, args=(settings,), name="helpdesk-warm-up", daemon=True).start()
        yield

    app = FastAPI(title="GLM Coding Plan support assistant", version="1",
                  description="Answers from the Z.ai GLM Coding Plan documentation, with sources and their dates. "
                              "The widget: `<script src=\"/widget.js\" data-api=\"https://...\" async></script>`.",
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.limiter = RateLimiter(rate, clock) if rate else None
    app.state.answer_workers = workers

    # Outermost last: CORS answers preflights and decorates every response (a 429 or 413 too, so that a
    # page on an allowed origin can read it); then the rate limit; then the body cap; then the routes.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=body_cap)
    app.add_middleware(RateLimitMiddleware, limiter=app.state.limiter)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], expose_headers=["Retry-After"], allow_credentials=False,
                       max_age=600)

    @app.exception_handler(IndexUnavailable)
    async def index_unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
        log.error("index unavailable: %s", exc)
        return _json(503, "The documentation index is not available right now; please try again shortly.",
                     {"Retry-After": "30"})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's list of problems, but without echoing the input back (it may be a 60 kB question)
        problems = [{k: v for k, v in error.items() if k in ("loc", "msg", "type")} for error in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> JSONResponse:
        log.error("request failed: %s %s (%s)", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return _json(500, "The server failed to answer; please try again.")

    errors = {413: {"model": Problem, "description": "Request body over HELPDESK_MAX_BODY_BYTES"},
              422: {"description": "Question empty or over HELPDESK_MAX_QUESTION_CHARS, or a malformed body"},
              429: {"model": Problem, "description": "Rate limit; the Retry-After header says when to retry"}}

    # Cheap routes are `async`: they never wait behind answers for a worker thread, so probes stay quick.
    @app.get("/", include_in_schema=False)
    async def index() -> dict:
        return {"service": "GLM Coding Plan support assistant", "openapi": "/openapi.json", "docs": "/docs",
                "demo": "/demo", "widget": "/widget.js"}

    @app.post("/v1/answer", response_model=AnswerOut, responses=errors, tags=["answers"])
    def post_answer(body: AnswerRequest) -> AnswerOut:
        """The answer to one question, with its sources and the date the docs are current to."""
        question, history = _questions(body, settings)
        started = time.perf_counter()
        with answer_slots:  # a `def` route: FastAPI runs it in its threadpool, never on the event loop
            result = answer(question, history, settings)
        log.info("answer route=%s session=%s %.0f ms", result.route, body.session_id or "-",
                 (time.perf_counter() - started) * 1000)
        record(question, history, result, settings, surface="api", session_id=body.session_id or "",
               latency_ms=(time.perf_counter() - started) * 1000)
        return AnswerOut.of(_scrubbed(result, settings))

    @app.post("/v1/answer/stream", response_class=EventStream, tags=["answers"],
              responses={**errors, 200: {"description": STREAM_DOC, "content": {"text/event-stream": {}}}})
    def post_answer_stream(body: AnswerRequest) -> EventStream:
        """The same answer, streamed as server-sent events (see the 200 response for the events)."""
        question, history = _questions(body, settings)  # a 422 here, before the stream starts
        # A sync iterator: Starlette pulls each event in its threadpool, so the event loop is never blocked.
        return EventStream(limited(stream_events(question, history, settings, body.session_id or ""), answer_slots),
                           headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/feedback", response_model=FeedbackOut, status_code=201, responses=errors, tags=["feedback"])
    def post_feedback(body: FeedbackIn) -> FeedbackOut:
        """Thumbs up or down on an answer, into the same SQLite store as the chat UI."""
        if len(body.question) > settings.max_question_chars:
            raise HTTPException(422, detail=f"The question is {len(body.question):,} characters; the limit is "
                                            f"{settings.max_question_chars:,}.")
        with feedback_lock:
            if not feedback_store:
                feedback_store.append(FeedbackStore(settings.feedback_db))
        try:
            row = feedback_store[0].add(Feedback(
                rating=body.rating, question=body.question, answer=body.answer, route=body.route,
                sources=tuple(dict.fromkeys(s for s in body.sources if s)), comment=body.comment,
                session_id=body.session_id or "", surface=body.surface))
        except FeedbackError as exc:
            raise HTTPException(422, detail=str(exc)) from None
        return FeedbackOut(id=row)

    @app.get("/v1/config", response_model=PublicConfig, tags=["widget"])
    async def public_config() -> PublicConfig:
        """What the widget shows before the first answer: the human support link and the question limit."""
        return PublicConfig(support_url=settings.support_url, max_question_chars=settings.max_question_chars,
                            mode="llm" if settings.llm_enabled else "offline")

    @app.get("/healthz", response_model=Health, tags=["operations"])
    async def healthz() -> Health:
        """The process is up (it says nothing about the index or the AI service: see /readyz)."""
        return Health()

    @app.get("/readyz", response_model=Readiness, tags=["operations"],
             responses={503: {"model": Readiness, "description": "Not ready; `reason` says why"}})
    async def readyz() -> JSONResponse:
        """Ready when the index is loaded and the AI service is reachable (or no key is set: offline mode)."""
        index, problem = await run_in_threadpool(_index_state, settings)
        llm = "offline (no API key set)"
        if problem is None and settings.llm_enabled:
            checked, llm_reason = readiness.get("llm", (-math.inf, None))
            if clock() - checked > READY_CACHE_SECONDS:
                llm_reason = await run_in_threadpool(llm_problem, settings)
                readiness["llm"] = (clock(), llm_reason)
            llm = f"unreachable: {llm_reason}" if llm_reason else f"reachable ({settings.llm_model})"
            problem = llm_reason
        state = Readiness(status="unavailable" if problem else "ready", index=index, llm=llm,
                          reason=_redact(problem, settings) if problem else None)
        return JSONResponse(json.loads(_redact(state.model_dump_json(), settings)),
                            status_code=503 if problem else 200)

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        return Response(widget_js, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})

    @app.get("/demo", include_in_schema=False)
    async def demo() -> HTMLResponse:
        return HTMLResponse(demo_html)

    return app


def _index_state(settings: Settings) -> tuple[str, str | None]:
    from helpdesk.retrieval import get_retriever

    try:
        retriever = get_retriever(settings)
    except IndexUnavailable as exc:
        return "missing", str(exc)
    except Exception as exc:
        log.error("index check failed", exc_info=True)
        return "failed", f"the index could not be loaded ({type(exc).__name__}); see the server log"
    return f"loaded ({len(retriever.chunks)} passages)", None


def _warm(settings: Settings) -> None:
    state, problem = _index_state(settings)
    if problem:
        log.warning("not ready yet: %s", problem)
    else:
        log.info("index %s", state)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> int:
    """Run the app under uvicorn until interrupted. One process: the index and model are loaded once."""
    import uvicorn

    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
    return 0
