"""A real OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the benchmark.

It speaks HTTP/1.1 like Z.ai's general API: JSON completions, server-sent-event streams in chunked transfer
encoding, and Z.ai's error bodies (`{"error": {"code": "1302", "message": "..."}}`). Each request is answered
by the next scripted `Reply` (or the default one) and recorded, so a test asserts what reached the prompt.

    with FakeLLM() as server:
        server.script(Reply(status=429, code="1302"), Reply(text="Lite has ~80 prompts [1]."))
        ...  # point the openai SDK at server.base_url
        server.requests[0].body["messages"]
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

API_PATH = "/api/paas/v4"


@dataclass
class Reply:
    """What the server does for one request."""

    text: str = "According to the documentation, this is covered [1]."
    chunks: list[str] | None = None  # the streamed pieces; default: `text` split after each space
    status: int = 200
    code: str | None = None  # a Z.ai business error code, sent as {"error": {"code": ..., "message": ...}}
    message: str = "error"
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str | None = "stop"
    delay: float = 0.0  # before the response headers: a slow server
    chunk_delay: float = 0.0  # between streamed pieces, after the first (which is sent at once)
    cut_after: int | None = None  # streamed pieces sent before the connection is dropped mid-body
    malformed_after: int | None = None  # streamed pieces sent before a data line that is not JSON
    error_after: int | None = None  # streamed pieces sent before an in-stream {"error": {code, message}} event
    reasoning: str = ""  # streamed as delta.reasoning_content before the answer, as GLM does in thinking mode
    drip: float = 0.0  # before every streamed piece, the first included: an upstream that sends a token every N s

    def pieces(self) -> list[str]:
        return self.chunks if self.chunks is not None else re.findall(r"\S+\s*|\s+", self.text)

    # The modes a test names: what a misbehaving upstream does.
    @classmethod
    def fixed(cls, text: str) -> "Reply":
        """This text, whatever was asked (a model that always says the same wrong thing)."""
        return cls(text=text)

    @classmethod
    def dripping(cls, text: str, every: float) -> "Reply":
        return cls(text=text, drip=every)

    @classmethod
    def cut(cls, text: str, after: int = 999) -> "Reply":
        """The connection dropped after `after` pieces (999: after all of them, before the finish)."""
        return cls(text=text, cut_after=after)

    @classmethod
    def sensitive(cls, text: str) -> "Reply":
        return cls(text=text, finish_reason="sensitive")

    @classmethod
    def length(cls, text: str) -> "Reply":
        return cls(text=text, finish_reason="length")

    @classmethod
    def no_finish(cls, text: str) -> "Reply":
        return cls(text=text, finish_reason=None)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict
    received: float  # time.perf_counter() when the request body was read
    first_byte: float = 0.0  # when the response status line was written
    done: float = 0.0  # when the last byte was written

    @property
    def prompt(self) -> str:
        """Every message's content, joined: what the model was shown."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout, cut stream) closes its socket; that is the test, not a server bug.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FakeLLM:
    def __init__(self, default: Reply | Callable[[dict], Reply] | None = None):
        self.default = default or Reply()
        self.requests: list[Recorded] = []
        self._script: deque[Reply | Callable[[dict], Reply]] = deque()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-llm", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """The general-API path, as in https://api.z.ai/api/paas/v4/."""
        return f"{self.url}{API_PATH}/"

    def script(self, *replies: Reply | Callable[[dict], Reply]) -> None:
        """Answer the next requests with these replies, in order; then the default again."""
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()

    def _next(self, body: dict) -> Reply:
        with self._lock:
            reply = self._script.popleft() if self._script else self.default
        return reply(body) if callable(reply) else reply

    def start(self) -> "FakeLLM":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeLLM":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streams, as a real API server
    disable_nagle_algorithm = True  # each SSE event leaves at once, as from a streaming API
    server_version = "FakeLLM/1"

    def log_message(self, format, *args):  # quiet: pytest output is for failures
        pass

    def do_POST(self):
        fake: FakeLLM = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        record = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.perf_counter())
        with fake._lock:
            fake.requests.append(record)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._json(404, {"error": {"code": "1222", "message": f"API {self.path} does not exist"}}, record)
        reply = fake._next(body)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status != 200 or (reply.code and reply.error_after is None):
            error = {"code": reply.code or str(reply.status), "message": reply.message}
            return self._json(reply.status, {"error": error}, record, reply.headers)
        if body.get("stream"):
            return self._stream(body, reply, record)
        message = {"role": "assistant", "content": reply.text}
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        return self._json(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", ""), "choices": [{"index": 0, "message": message,
                                                          "finish_reason": reply.finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}, record)

    def _json(self, status: int, payload: dict, record: Recorded, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        record.first_byte = time.perf_counter()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        record.done = time.perf_counter()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, body: dict, delta: dict, finish: str | None = None, usage: bool = False) -> None:
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                 "model": body.get("model", ""), "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage:
            chunk["usage"] = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        self._chunk(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

    def _stream(self, body: dict, reply: Reply, record: Recorded) -> None:
        record.first_byte = time.perf_counter()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if reply.reasoning:
            self._event(body, {"role": "assistant", "reasoning_content": reply.reasoning})
        for n, piece in enumerate(reply.pieces()):
            if n == reply.cut_after:
                return self._drop(record)
            if n == reply.malformed_after:
                self._chunk(b'data: {"choices": [{"delta": {"content": "oops"\n\n')
                break
            if n == reply.error_after:
                error = {"error": {"code": reply.code or "500", "message": reply.message}}
                self._chunk(f"data: {json.dumps(error)}\n\n".encode())
                break
            if n and reply.chunk_delay:
                time.sleep(reply.chunk_delay)
            if reply.drip:
                time.sleep(reply.drip)
            self._event(body, {"role": "assistant", "content": piece} if n == 0 else {"content": piece})
        else:
            if reply.cut_after is not None:  # cut after everything but the finish: no finish_reason, no [DONE]
                return self._drop(record)
            if reply.finish_reason is not None:  # None: a stream that ends without saying it is done
                self._event(body, {}, finish=reply.finish_reason, usage=True)
            self._chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        record.done = time.perf_counter()

    def _drop(self, record: Recorded) -> None:
        """Close the socket mid-body: the chunked stream never gets its terminating chunk."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        record.done = time.perf_counter()
