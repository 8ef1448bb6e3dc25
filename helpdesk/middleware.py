"""The HTTP machinery the installed FastAPI and Starlette do not ship in a form that behaves the same, kept
apart so that helpdesk/server.py is the routes and their wiring.

What each piece is, and why it is not a shipped one:

- `RateLimiter` and `TrustedProxies`: a token bucket per client address. Neither FastAPI nor Starlette ships
  a rate limiter; the server applies it as a FastAPI dependency on the POST routes (so a 429 is an
  `HTTPException` like every other problem response).
- `BodySizeLimitMiddleware`: FastAPI 0.165's own `max_body_size` (Starlette's `RequestBodyLimitMiddleware`)
  answers a body whose declared length is over the cap with a plain-text "Content Too Large", sent past every
  user middleware: no JSON `detail` naming the limit, no CORS headers (so the widget's page cannot read why),
  no request id. And nothing installed puts a deadline on reading the body (the 408 here).
- `RequestIdMiddleware`, `SecurityHeadersMiddleware`: nothing installed ships either. Both are pure ASGI, not
  `BaseHTTPMiddleware`: that one passes a streamed response through a memory stream chunk by chunk (every
  token of a server-sent answer) and runs the app in another task.
- `JsonLines`, `RequestContext`, `log_config`: one JSON object a log line, each with its request's id.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from typing import Callable, Sequence

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.settings import Rate

log = logging.getLogger("helpdesk.server")  # the server's logger: operators filter on one name

MAX_TRACKED_CLIENTS = 10_000  # buckets kept; beyond this the longest-idle client is forgotten (it starts full)


def problem(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    """The body every problem response has, `{"detail": "..."}`, for the middleware that answers before the
    app's exception handlers can (the routes raise `HTTPException`, which FastAPI renders the same way)."""
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


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


class TrustedProxies:
    """The proxies whose X-Forwarded-For is believed (HELPDESK_TRUSTED_PROXIES); none by default.

    `serve` turns uvicorn's own header handling off, so a header from anyone else is never believed, not even
    from 127.0.0.1."""

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


class BodySizeLimitMiddleware:
    """413 for a request body over the cap, whether it declares its length or streams it chunked; 408 for a
    body that does not arrive in time (a half-sent body must not hold a connection and its memory for long).
    Hand-written: see the module's docstring for what FastAPI's own `max_body_size` does differently."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    def _too_large(self, size: str) -> JSONResponse:
        return problem(413, f"The request body is {size} bytes; the limit is {self.max_bytes:,} bytes. Send a "
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
                await problem(408, f"The request body did not arrive within {self.timeout:g} s; please send it "
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


class _HttpMiddleware:
    """Pure ASGI middleware that acts on HTTP requests only (websockets and lifespan pass straight through)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestIdMiddleware(_HttpMiddleware):
    """An id per request (the client's X-Request-ID when it is a sane one), in every log line and echoed back;
    one access line per request, with its status and time."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
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


class SecurityHeadersMiddleware(_HttpMiddleware):
    """nosniff and a strict referrer policy on every response, the problem responses of the middleware too."""

    HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin")]

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
