"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions and embeddings protocol.

Scripted per test: queue replies with :meth:`FakeOpenAIServer.enqueue` (chat) and
:meth:`FakeOpenAIServer.enqueue_embeddings`; every request body is recorded in ``requests``.

    server.enqueue(tool_call({"in_scope": True, ...}), http_error(500))

Reply helpers: :func:`tool_call` (structured answer; ``arguments`` may be a raw malformed string),
:func:`text_reply` (plain text; streamed as SSE when the request asks for a stream), :func:`stream_reply`
(explicit chunks), :func:`http_error` / :func:`rate_limited` / :func:`unauthorized`, :func:`slow`
(answer after a delay longer than the client's time-out). With an empty chat queue the server answers
500 "no scripted reply"; with an empty embeddings queue it returns deterministic hashed vectors.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# ---------------------------------------------------------------------------------------------------
# scripted replies


@dataclass
class Reply:
    """One scripted answer. Build with the helper functions below."""

    kind: str  # tool_call | text | error | embeddings
    arguments: dict[str, Any] | str | None = None
    tool_name: str | None = None
    content: str = ""
    chunks: list[str] | None = None
    status: int = 200
    error_body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage: tuple[int, int] = (30, 12)
    vectors: list[list[float]] | None = None


def tool_call(
    arguments: dict[str, Any] | str, *, name: str | None = None, usage: tuple[int, int] = (30, 12)
) -> Reply:
    """A tool call; ``name`` defaults to the first tool offered in the request. A str is sent verbatim."""
    return Reply("tool_call", arguments=arguments, tool_name=name, usage=usage)


def text_reply(content: str, *, usage: tuple[int, int] = (30, 12)) -> Reply:
    """Plain assistant text (no tool call); streamed in small chunks if the request streams."""
    return Reply("text", content=content, usage=usage)


def stream_reply(chunks: list[str], *, usage: tuple[int, int] = (30, 12)) -> Reply:
    """Text delivered exactly in these SSE chunks."""
    return Reply("text", content="".join(chunks), chunks=list(chunks), usage=usage)


def http_error(
    status: int,
    message: str = "scripted failure",
    *,
    headers: dict[str, str] | None = None,
    raw: str | None = None,
) -> Reply:
    """An HTTP error with an OpenAI-style error body (or ``raw`` text as the body)."""
    body: dict[str, Any] | str = (
        raw
        if raw is not None
        else {
            "error": {
                "message": message,
                "type": "server_error" if status >= 500 else "invalid_request_error",
                "code": status,
            }
        }
    )
    return Reply("error", status=status, error_body=body, headers=dict(headers or {}))


def unauthorized() -> Reply:
    """401 Incorrect API key."""
    return http_error(401, "Incorrect API key provided")


def rate_limited(retry_after: float = 0) -> Reply:
    """429 with a Retry-After header."""
    return http_error(429, "Rate limit reached", headers={"retry-after": f"{retry_after:g}"})


def slow(delay_s: float, then: Reply | None = None) -> Reply:
    """Wait ``delay_s`` before answering with ``then`` (default: a short text) — longer than the time-out."""
    reply = then or text_reply("too late")
    reply.delay_s = delay_s
    return reply


def embeddings_reply(vectors: list[list[float]], *, usage: int = 8) -> Reply:
    """Explicit embedding vectors for the next embeddings request."""
    return Reply("embeddings", vectors=vectors, usage=(usage, 0))


def hashed_vector(text: str, dims: int) -> list[float]:
    """A deterministic unit vector for ``text`` (character-bigram hashing), so similar texts are close."""
    vec = [0.0] * dims
    grams = [text[i : i + 2] for i in range(max(1, len(text) - 1))]
    for gram in grams:
        h = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")
        vec[h % dims] += 1.0 if (h >> 63) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


# ---------------------------------------------------------------------------------------------------
# the server


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The parsed body (None if not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        """The body as text, with JSON \\u escapes decoded too (so a PII search cannot be fooled)."""
        raw = self.body.decode("utf-8", errors="replace")
        data = self.json
        return raw if data is None else raw + "\n" + json.dumps(data, ensure_ascii=False)


class FakeOpenAIServer:
    """A scriptable OpenAI-compatible server bound to a free port on 127.0.0.1."""

    def __init__(
        self, *, model: str = "fake-model", embedding_dims: int = 16, api_key: str | None = None
    ) -> None:
        self.model = model
        self.embedding_dims = embedding_dims
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._chat: deque[Reply] = deque()
        self._embeddings: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in slow()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """What to put in ``llm.base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # scripting ---------------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> FakeOpenAIServer:
        """Queue chat-completion replies (consumed in order)."""
        with self._lock:
            self._chat.extend(replies)
        return self

    def enqueue_embeddings(self, *replies: Reply) -> FakeOpenAIServer:
        """Queue embeddings replies (errors or explicit vectors); default is hashed vectors."""
        with self._lock:
            self._embeddings.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Chat replies not yet consumed."""
        return len(self._chat)

    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded POST /v1/chat/completions requests."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def all_bodies(self) -> str:
        """Every request body received, as searchable text."""
        return "\n".join(r.text for r in self.requests)

    def _next(self, queue: deque[Reply]) -> Reply | None:
        with self._lock:
            return queue.popleft() if queue else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.0"  # one request per connection; streams end when the socket closes

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    # plumbing ----------------------------------------------------------------------------------
    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload.encode("utf-8") if isinstance(payload, str) else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _sleep(self, reply: Reply) -> bool:
        """Wait out a scripted delay; False if the server is shutting down."""
        return not (reply.delay_s and self.fake._stop.wait(reply.delay_s))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.fake._record(
            RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        try:
            if self.fake.api_key and self.headers.get("Authorization") != f"Bearer {self.fake.api_key}":
                self._send_json(401, {"error": {"message": "Incorrect API key provided", "code": 401}})
            elif self.path.rstrip("/").endswith("/chat/completions"):
                self._chat(json.loads(body or b"{}"))
            elif self.path.rstrip("/").endswith("/embeddings"):
                self._embeddings(json.loads(body or b"{}"))
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (time-out test)
            pass

    # chat --------------------------------------------------------------------------------------
    def _chat(self, request: dict[str, Any]) -> None:
        reply = self.fake._next(self.fake._chat)
        if reply is None:
            self._send_json(500, {"error": {"message": "fake server: no scripted reply", "code": 500}})
            return
        if not self._sleep(reply):
            return
        if reply.kind == "error":
            self._send_json(reply.status, reply.error_body, reply.headers)
            return
        model = request.get("model", self.fake.model)
        if request.get("stream"):
            include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
            self._stream(reply, model, include_usage)
            return
        message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
        finish = "stop"
        if reply.kind == "tool_call":
            tools = request.get("tools") or [{}]
            name = reply.tool_name or tools[0].get("function", {}).get("name", "tool")
            args = (
                reply.arguments
                if isinstance(reply.arguments, str)
                else json.dumps(reply.arguments, ensure_ascii=False)
            )
            message["tool_calls"] = [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}
            ]
            finish = "tool_calls"
        prompt, completion = reply.usage
        self._send_json(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        )

    def _stream(self, reply: Reply, model: str, include_usage: bool) -> None:
        chunks = reply.chunks
        if chunks is None:
            text = reply.content or (
                json.dumps(reply.arguments, ensure_ascii=False) if reply.arguments else ""
            )
            chunks = [text[i : i + 4] for i in range(0, len(text), 4)]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

        def event(choices: list[dict[str, Any]], **extra: Any) -> None:
            payload = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": choices,
                **extra,
            }
            self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

        event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        for piece in chunks:
            event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if include_usage:
            prompt, completion = reply.usage
            event(
                [],
                usage={
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            )
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    # embeddings --------------------------------------------------------------------------------
    def _embeddings(self, request: dict[str, Any]) -> None:
        reply = self.fake._next(self.fake._embeddings)
        if reply is not None and not self._sleep(reply):
            return
        if reply is not None and reply.kind == "error":
            self._send_json(reply.status, reply.error_body, reply.headers)
            return
        inputs = request.get("input", [])
        if isinstance(inputs, str) or (inputs and isinstance(inputs[0], int)):
            inputs = [inputs]
        texts = [x if isinstance(x, str) else " ".join(map(str, x)) for x in inputs]
        dims = int(request.get("dimensions") or self.fake.embedding_dims)
        vectors = (
            reply.vectors if reply is not None and reply.vectors else [hashed_vector(t, dims) for t in texts]
        )
        as_base64 = request.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode() if as_base64 else v,
            }
            for i, v in enumerate(vectors)
        ]
        tokens = sum(len(t) for t in texts)
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": request.get("model", "fake-embed"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for connection-refused tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
