"""The HTTP API and the embeddable widget: FastAPI around the one `answer()`. It wires; it does not decide.

`python -m helpdesk serve --host 127.0.0.1 --port 8000`, or `create_app(settings)` for any ASGI server.

The limits live here because they are about HTTP clients, not answers: a CORS allowlist
(HELPDESK_ALLOWED_ORIGINS), a token bucket per client address (HELPDESK_RATE_LIMIT, kept in this process: with
several replicas it is per replica, and the proxy routes a client to one replica or keeps the global limit;
X-Forwarded-For only from HELPDESK_TRUSTED_PROXIES), a request body cap and read deadline
(HELPDESK_MAX_BODY_BYTES, HELPDESK_BODY_TIMEOUT), the question length cap the chat UI uses too
(HELPDESK_MAX_QUESTION_CHARS), and a cap on answers in progress (HELPDESK_ANSWER_QUEUE: beyond it, 503 with
Retry-After). Answers run in their own threads, never in the threadpool health, readiness and feedback use.
Feedback is taken only with the token issued with the answer (HELPDESK_SECRET). The API key never leaves the
process: no response carries it, and every message built from an error is scrubbed of it before it is sent; a
visitor reads public wording, the operator's detail is logged.

What FastAPI and Starlette ship is used as shipped: CORS (`CORSMiddleware`), server-sent events
(`EventSourceResponse` and its framing), pydantic request and response models on every JSON route,
`HTTPException` and exception handlers for every problem response, and dependencies for what the routes share
(the settings, the answer threads) and check first (the rate limit, the question). What nothing installed ships
the same way (the rate limiter, the body cap and its read deadline, request ids, security headers) is in helpdesk/middleware.py, with why.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, AsyncIterator, Callable, Iterator, Literal, Mapping, Sequence

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from helpdesk.convlog import record
from helpdesk.core import Helpdesk
from helpdesk.public import PUBLIC_AI_UNAVAILABLE, public_answer
from helpdesk.feedback import MAX_COMMENT, DuplicateFeedback, Feedback, FeedbackError, FeedbackStore
from helpdesk.middleware import (BodySizeLimitMiddleware, JsonLines, RateLimiter, RequestContext,  # noqa: F401
                                 RequestIdMiddleware, SecurityHeadersMiddleware, TrustedProxies, log_config,
                                 problem)  # JsonLines, RequestContext: for callers that set up logging themselves
from helpdesk.schema import Answer
from helpdesk.settings import Rate, Settings  # noqa: F401  (Rate: what HELPDESK_RATE_LIMIT parses to)
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
SESSION_ID = r"^[A-Za-z0-9._:-]{1,64}$"


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


class ServiceIndex(BaseModel):
    service: str = "GLM Coding Plan support assistant"
    openapi: str = "/openapi.json"
    docs: str = "/docs"
    demo: str = "/demo"
    widget: str = "/widget.js"


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


def _sse(kind: str, payload: dict) -> bytes:
    # Framed here, in the answer's thread, so that the event loop only passes bytes on.
    return format_sse_event(event=kind, data_str=json.dumps(jsonable_encoder(payload), ensure_ascii=False))


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

    def events(self, helpdesk: Helpdesk, question: str, history: list[dict], session_id: str = "") -> Iterator[bytes]:
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
               ) -> AsyncIterator[bytes]:
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

        async def relay() -> AsyncIterator[bytes]:
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


# --- what the routes share, and what they check first: FastAPI dependencies -------------------------------------

async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _answering(request: Request) -> Answering:
    return request.app.state.answering


Config = Annotated[Settings, Depends(_settings)]
Answers = Annotated[Answering, Depends(_answering)]


def get_helpdesk(request: Request) -> Helpdesk:
    """The app's Helpdesk, for routes (`Depends(get_helpdesk)`); a test swaps it with `app.dependency_overrides`."""
    helpdesk = request.app.state.helpdesk
    if helpdesk is None:
        raise RuntimeError("the app's lifespan has not run, so it has no Helpdesk: drive it with `with TestClient(app)`"
                           " (or an ASGI server), or pass one: create_app(settings, helpdesk=...)")
    return helpdesk


Desk = Annotated[Helpdesk, Depends(get_helpdesk)]


async def within_rate_limit(request: Request) -> None:
    """429 with Retry-After for a client (by address: see TrustedProxies) that has spent its bucket.

    A dependency that each guarded route (the POST routes) declares, rather than a middleware matching paths: it
    runs before the question is checked or an answer admitted, after the body (at most HELPDESK_MAX_BODY_BYTES)
    is read, so a body over the cap or not JSON at all is a 413 or 422 even from a client over its limit."""
    limiter: RateLimiter | None = request.app.state.limiter
    if limiter is None:
        return
    wait = limiter.take(request.app.state.proxies.client(request.scope))
    if wait > 0:
        retry = max(1, math.ceil(wait))
        raise HTTPException(429, detail=f"Too many requests from your address; please wait {retry} s and try again.",
                            headers={"Retry-After": str(retry)})


@dataclass(frozen=True)
class Asked:
    question: str
    history: list[dict]
    session_id: str


async def checked_question(body: AnswerRequest, settings: Config) -> Asked:
    """The question checked like the chat UI checks it (a 422 with the same message) and the history to use."""
    question, history = _questions(body, settings)
    return Asked(question, history, body.session_id or "")


Question = Annotated[Asked, Depends(checked_question)]


class LazyFeedbackStore:
    """The feedback store, made on first use: an app that gets no feedback writes no file."""

    def __init__(self, database: Path | str):
        self.database = database
        self._store: FeedbackStore | None = None
        self._lock = threading.Lock()

    def get(self) -> FeedbackStore:
        with self._lock:
            if self._store is None:
                self._store = FeedbackStore(self.database)
            return self._store


@functools.cache
def _static(name: str) -> bytes:
    return (STATIC / name).read_bytes()


# --- problem responses: every one is `{"detail": "..."}` (Problem) -----------------------------------------------

async def index_unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
    log.error("index unavailable: %s", exc)
    return problem(503, "The documentation index is not available right now; please try again shortly.",
                   {"Retry-After": "30"})


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's list of problems, but without echoing the input back (it may be a 60 kB question)
    problems = [{k: v for k, v in error.items() if k in ("loc", "msg", "type")} for error in exc.errors()]
    return JSONResponse(jsonable_encoder({"detail": problems}), status_code=422)


async def failed(request: Request, exc: Exception) -> JSONResponse:
    log.error("request failed: %s %s (%s)", request.method, request.url.path, type(exc).__name__, exc_info=exc)
    return problem(500, "The server failed to answer; please try again.")


EXCEPTION_HANDLERS = {IndexUnavailable: index_unavailable, RequestValidationError: invalid_request,
                      Exception: failed}  # HTTPException: FastAPI's own handler, which writes the same body

ERRORS = {413: {"model": Problem, "description": "Request body over HELPDESK_MAX_BODY_BYTES"},
          422: {"description": "Question empty or over HELPDESK_MAX_QUESTION_CHARS, or a malformed body"},
          429: {"model": Problem, "description": "Rate limit; the Retry-After header says when to retry"},
          503: {"model": Problem, "description": "Busy (HELPDESK_ANSWER_QUEUE answers in progress) or no index; "
                                                 "the Retry-After header says when to retry"}}
RATE_LIMITED = [Depends(within_rate_limit)]


# --- the routes ---------------------------------------------------------------------------------------------------
# Cheap routes are `async`: they never wait for a worker thread, so probes stay quick.

router = APIRouter()


@router.get("/", include_in_schema=False)
async def index() -> ServiceIndex:
    return ServiceIndex()


@router.post("/v1/answer", response_model=AnswerOut, responses=ERRORS, tags=["answers"], dependencies=RATE_LIMITED)
async def post_answer(asked: Question, answering: Answers, helpdesk: Desk) -> AnswerOut:
    """The answer to one question, with its sources and the date the docs are current to."""
    answering.admit()
    try:
        return await answering.submit(answering.one, helpdesk, asked.question, asked.history, asked.session_id)
    finally:
        answering.admitted.release()


# FastAPI's EventSourceResponse and its SSE framing, but returned by the route rather than driven by FastAPI from a
# generator route (`yield`): that path runs a task group, two memory streams and a keep-alive timer per answer,
# measured at ~2.5 ms more event-loop time a request and 15-25% fewer streamed answers/s under load
# (eval/load_test.py --stream, 16 clients on 2 cores). Returning the response also answers a bad question (422)
# and a full queue (503) before the stream opens. (`response_class` names StreamingResponse, for the docs only:
# FastAPI takes any route declared with EventSourceResponse for a generator route.)
@router.post("/v1/answer/stream", response_class=StreamingResponse, tags=["answers"], dependencies=RATE_LIMITED,
             responses={**ERRORS, 200: {"description": STREAM_DOC, "content": {"text/event-stream": {}}}})
async def post_answer_stream(asked: Question, answering: Answers, helpdesk: Desk) -> EventSourceResponse:
    """The same answer, streamed as server-sent events (see the 200 response for the events)."""
    answering.admit()  # a 503 here, before the stream starts; released when the answer's thread ends
    return EventSourceResponse(answering.stream(helpdesk, asked.question, asked.history, asked.session_id),
                               headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/v1/feedback", response_model=FeedbackOut, status_code=201, tags=["feedback"], dependencies=RATE_LIMITED,
             responses={**ERRORS, 403: {"model": Problem, "description": "Not an answer this service gave"},
                        409: {"model": Problem, "description": "This answer was already rated"}})
def post_feedback(body: FeedbackIn, request: Request, settings: Config) -> FeedbackOut:
    """Thumbs up or down on an answer this service gave (its id and feedback_token, as received), into the
    same store as the chat UI (the SQLite file, or HELPDESK_DATABASE_URL's database)."""
    if len(body.question) > settings.max_question_chars:
        raise HTTPException(422, detail=f"The question is {len(body.question):,} characters; the limit is "
                                        f"{settings.max_question_chars:,}.")
    expected = feedback_token(request.app.state.secret, body.answer_id, body.question, body.answer, body.route)
    if not hmac.compare_digest(expected, body.token):
        raise HTTPException(403, detail="This feedback does not match an answer this service gave: send the "
                                        "answer's id, feedback_token, question, text and route back exactly as "
                                        "received (tokens from before a restart may no longer be valid).")
    try:
        row = request.app.state.feedback.get().add(Feedback(
            rating=body.rating, question=body.question.strip(), answer=body.answer, route=body.route,
            sources=tuple(dict.fromkeys(s for s in body.sources if s)), comment=body.comment,
            session_id=body.session_id or "", surface=body.surface, answer_id=body.answer_id))
    except DuplicateFeedback as exc:
        raise HTTPException(409, detail=str(exc)) from None
    except FeedbackError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    return FeedbackOut(id=row)


@router.get("/v1/config", response_model=PublicConfig, tags=["widget"])
async def public_config(settings: Config) -> PublicConfig:
    """What the widget shows before the first answer: the human support link and the question limit."""
    return PublicConfig(support_url=settings.support_url, max_question_chars=settings.max_question_chars,
                        mode="llm" if settings.llm_enabled else "offline")


@router.head("/healthz", include_in_schema=False)
@router.get("/healthz", response_model=Health, tags=["operations"])
async def healthz() -> Health:
    """The process is up (it says nothing about the index or the AI service: see /readyz)."""
    return Health()


@router.head("/readyz", include_in_schema=False)
@router.get("/readyz", response_model=Readiness, tags=["operations"],
            responses={503: {"model": Readiness, "description": "Not ready; `reason` says why"}})
async def readyz(request: Request, response: Response, settings: Config, helpdesk: Desk) -> Readiness:
    """Ready when the index and the embedding model are loaded and the index is the current build. The AI
    service is reported apart (`llm`) and never makes the service unready: answers fall back to offline."""
    if request.app.state.warming.is_set():  # a load balancer keeps traffic away until both are loaded, at once
        index, build, why = "loading", None, "loading the documentation index and the embedding model"
    else:
        index, build, why = await run_in_threadpool(_index_state, helpdesk)
    llm = await request.app.state.ai_state.describe()
    response.status_code = 503 if why else 200
    shown = {"index": index, "build": build, "llm": llm, "reason": why}  # the key never leaves, even by mistake
    return Readiness(status="unavailable" if why else "ready",
                     **{name: _redact(value, settings) if value else value for name, value in shown.items()})


@router.head("/widget.js", include_in_schema=False)
@router.get("/widget.js", include_in_schema=False)
async def widget() -> Response:
    return Response(_static("widget.js"), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


@router.get("/demo", include_in_schema=False)
async def demo() -> HTMLResponse:
    return HTMLResponse(_static("demo.html"))


# --- the app: its settings, its parts, its middleware and the routes ---------------------------------------------

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
    given = {"allowed_origins": None if allowed_origins is None else tuple(allowed_origins),
             "rate_limit": rate_limit, "max_body_bytes": max_body_bytes, "answer_workers": answer_workers}
    settings = replace(settings, **{name: value for name, value in given.items() if value is not None})
    workers = _answer_workers(settings)
    if rate := settings.rate_limit:
        log.info("rate limit: %d requests per %g s per client address, in this replica only (not shared between "
                 "replicas: route each client to one replica, or limit in the proxy)", rate.requests, rate.seconds)
    if not settings.secret:
        log.info("HELPDESK_SECRET is not set: feedback tokens are signed with a key made for this process only")
    secret = (settings.secret or "").encode() or secrets.token_bytes(32)
    answering = Answering(settings, workers, secret)
    ai_state = AIServiceState(settings, clock)
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
                  lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS)
    app.state.settings = settings
    app.state.limiter = RateLimiter(rate, clock) if rate else None
    app.state.proxies = TrustedProxies(settings.trusted_proxies)
    app.state.answer_workers = workers
    app.state.answering = answering
    app.state.ai_state = ai_state
    app.state.warming = warming
    app.state.secret = secret
    app.state.feedback = LazyFeedbackStore(settings.database)
    app.state.helpdesk = helpdesk

    # Outermost last: the request id wraps everything (so every log line has one); CORS answers preflights and
    # decorates every response (a 429 or 413 too, so that a page on an allowed origin can read it); then the
    # security headers; then the body cap; then the routes (the rate limit is a dependency of the POST routes).
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins), allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], expose_headers=["Retry-After"], allow_credentials=False,
                       max_age=600)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(router)
    return app


def _answer_workers(settings: Settings) -> int:
    # Offline answers are CPU-bound Python: more of them at once than there are cores only makes every one
    # slower (measured with eval/load_test.py: a cap of 2 on 2 cores gave ~1.5x the throughput and half the
    # p99 of the threadpool's 40). An answer waiting on the AI service gives its slot up meanwhile.
    return settings.answer_workers or (LLM_ANSWER_WORKERS if settings.llm_enabled else max(1, os.cpu_count() or 1))



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
