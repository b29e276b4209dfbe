"""A stub LLM server on 127.0.0.1 speaking the Anthropic Messages / Message Batches and OpenAI chat
completions wire formats, with scripted faults. Tests drive the real SDK clients against it.

Answers are written by simple rules from the rendered prompt (never from cliokit's payloads), so
the whole pipeline can run through a real client: facets summarise the first user turn, names come
from the most frequent words of the samples, hierarchy steps group by shared words, and the
auditor flags digits and ``@``.
"""

from __future__ import annotations

import collections
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cliokit.offline import detect_language

STOP = set(
    "a an and are as at be but by can do for from had has have how i in is it its me my of on or our "
    "please so that the their them this to was we what when which who why will with you your users user "
    "asked group groups help overall request requests assistant task shared theme covered".split()
)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in STOP]


def _top(texts: list[str], n: int = 2) -> list[str]:
    counts = collections.Counter(w for t in texts for w in set(_words(t)))
    return [w for w, _ in counts.most_common(n)] or ["general"]


def _items(text: str, tag: str) -> list[str]:
    block = re.search(rf"<{tag}>(.*?)</{tag}>", text, flags=re.S)
    return [html.unescape(i) for i in re.findall(r"<item>(.*?)</item>", block.group(1) if block else "")]


def realistic_answer(system: str, user: str) -> str:
    """The full answer (starting with the prefill tag) a model might give to one cliokit prompt."""
    if "<conversation>" in user:
        first = re.search(
            r"User: (.*?)(?:\n\n(?:Assistant|User|System):|\n</conversation>)", user, flags=re.S
        )
        text = " ".join((first.group(1) if first else "").split())
        gist = " ".join(text.split()[:18]).rstrip(".?!")
        lang = detect_language(text) or "en"
        concern = 3 if re.search(r"hack|steal|password|weapon", text, flags=re.I) else 1
        custom = "".join(
            f'<facet name="{name}">unknown</facet>' for name in re.findall(r'<facet name="(\w+)">', system)
        )
        return (
            f"<request>The user's overall request for the assistant is to help with: {html.escape(gist)}"
            f"</request><task>The task is to help with {' and '.join(_top([text]))}.</task>"
            f"<language>{lang}</language><concerning>{concern}</concerning>{custom}"
        )
    if "<in_group>" in user:
        words = _top(_items(user, "in_group"))
        return (
            f"<summary>The users asked for help with {' and '.join(words)}. Their requests shared this "
            f"theme.</summary><name>Help with {' and '.join(words)}</name>"
        )
    if "<candidates>" in user:  # dedupe
        n = int(re.search(r"about (\d+)", user).group(1))  # type: ignore[union-attr]
        names = list(dict.fromkeys(_items(user, "candidates")))[:n]
        cats = "".join(f"<category>{html.escape(c)}</category>" for c in names)
        return f"<scratchpad>merged duplicates</scratchpad><answer>{cats}</answer>"
    if "<groups>" in user and "Propose about" in user:
        n = int(re.search(r"Propose about (\d+)", user).group(1))  # type: ignore[union-attr]
        children = _items(user, "groups")
        size = max(1, -(-len(children) // n))
        cats = [
            f"Assist with {' and '.join(_top(children[i : i + size]))}" for i in range(0, len(children), size)
        ]
        body = "".join(f"<category>{html.escape(c)}</category>" for c in dict.fromkeys(cats))
        return f"<scratchpad>grouped by shared words</scratchpad><answer>{body}</answer>"
    if "<categories>" in user and "<group>" in user:  # assign
        cats = _items(user, "categories")
        group = re.search(r"<group>(.*?)</group>", user, flags=re.S)
        gw = set(_words(group.group(1) if group else ""))
        best = max(cats, key=lambda c: (len(gw & set(_words(c))), -cats.index(c)))
        return f"<scratchpad>closest by topic</scratchpad><answer>{html.escape(best)}</answer>"
    if "This category contains" in user:  # rename
        words = _top(_items(user, "groups"))
        return (
            f"<summary>The groups covered {' and '.join(words)}.</summary>"
            f"<name>Assist with {' and '.join(words)}</name>"
        )
    if "<cluster>" in user:  # audit
        body = re.search(r"<cluster>(.*?)</cluster>", user, flags=re.S)
        risky = bool(re.search(r"\d{3,}|@", body.group(1) if body else ""))
        return (
            f"<justification>{'contains specific identifiers' if risky else 'general'}</justification>"
            f"<rating>{2 if risky else 5}</rating>"
        )
    return "I am not sure what you want."


#: The paths of model calls (what ``down_after`` counts).
MODEL_PATHS = ("/v1/messages", "/v1/chat/completions")


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content or [])


class StubLLM:
    """The stub server. Use as a context manager; ``url`` is its base URL.

    Attributes
    ----------
    faults : list of str
        Consumed one per model call (Messages or chat completions): ``"429"``, ``"500"``, ``"529"``,
        ``"401"``, ``"slow"`` (sleeps ``slow_s``), ``"malformed"`` (no tags), ``"truncated"``
        (half an answer, ``max_tokens`` stop).
    responder : callable
        ``(system, user) -> full answer``.
    expire : callable
        ``custom_id -> bool``: batch requests that come back ``expired``.
    polls_before_end : int
        Status checks a batch stays ``in_progress``.
    down_after : int or None
        After this many model calls the server goes down: the next model call is dropped
        unanswered and the server stops listening, so later connections are refused.

    Parameters
    ----------
    responder : callable, default=realistic_answer
        The initial ``responder``.
    port : int, default=0
        Port to listen on (0: a free one); pass a stopped stub's port to bring "the same server" back.
    """

    def __init__(self, responder: Callable[[str, str], str] = realistic_answer, port: int = 0) -> None:
        self.responder = responder
        self.faults: list[str] = []
        self.slow_s = 1.5
        self.retry_after = "0"
        self.expire: Callable[[str], bool] = lambda cid: False
        self.polls_before_end = 1
        self.down_after: int | None = None
        self._model_posts = 0
        self._down = False
        self.no_prefill_models: set[str] = set()
        self.log: list[dict[str, Any]] = []
        self.batches: dict[str, dict[str, Any]] = {}
        self._seen_systems: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StubLLM:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving and close the listening socket (later connections are refused)."""
        self.server.shutdown()
        self.server.server_close()

    def _go_down(self) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        threading.Thread(target=self.stop, daemon=True).start()  # not from the handler's own thread

    # counts the tests assert on
    def count(self, path_prefix: str, method: str = "POST") -> int:
        with self._lock:
            return sum(1 for r in self.log if r["path"].startswith(path_prefix) and r["method"] == method)

    @property
    def model_calls(self) -> int:
        return (
            self.count("/v1/messages", "POST")
            - self.count("/v1/messages/batches", "POST")
            + self.count("/v1/chat/completions")
        )

    def settled_model_calls(self, expected: int, timeout_s: float = 10.0) -> int:
        """``model_calls`` once it reaches ``expected`` or ``timeout_s`` passes.

        A client that timed out has returned before the server thread may have logged its request
        (a loaded machine schedules that thread late), so counts right after a timeout can lag.
        """
        deadline = time.monotonic() + timeout_s
        while self.model_calls < expected and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.model_calls

    def _fault(self) -> str | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    # wire formats
    def _anthropic_message(self, body: dict[str, Any], fault: str | None) -> dict[str, Any]:
        system = _text_of(body.get("system"))
        messages = body["messages"]
        user = _text_of(next(m["content"] for m in messages if m["role"] == "user"))
        prefill = _text_of(messages[-1]["content"]) if messages[-1]["role"] == "assistant" else ""
        answer = self.responder(system, user)
        text = answer[len(prefill) :] if prefill and answer.startswith(prefill) else answer
        stop = "end_turn"
        if fault == "malformed":
            text = "Sure! Here is what I think about it, without any tags."
        elif fault == "truncated":
            text, stop = text[: len(text) // 2], "max_tokens"
        cached = isinstance(body.get("system"), list) and any("cache_control" in b for b in body["system"])
        sys_tokens = len(system) // 4
        with self._lock:
            hit = cached and system in self._seen_systems
            if cached:
                self._seen_systems.add(system)
        return {
            "id": f"msg_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": len(user) // 4 + (0 if cached else sys_tokens),
                "output_tokens": len(text) // 4 + 1,
                "cache_creation_input_tokens": sys_tokens if cached and not hit else 0,
                "cache_read_input_tokens": sys_tokens if hit else 0,
            },
        }

    def _openai_completion(self, body: dict[str, Any], fault: str | None) -> dict[str, Any]:
        messages = body["messages"]
        system = next((m["content"] for m in messages if m["role"] == "system"), "")
        user = next(m["content"] for m in messages if m["role"] == "user")
        text = self.responder(system, user)
        finish = "stop"
        if fault == "malformed":
            text = "Sure! Here is what I think about it, without any tags."
        elif fault == "truncated":
            text, finish = text[: len(text) // 2], "length"
        prompt = (len(system) + len(user)) // 4
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": len(text) // 4 + 1,
                "total_tokens": prompt + len(text) // 4 + 1,
            },
        }

    def _batch_object(self, batch_id: str) -> dict[str, Any]:
        b = self.batches[batch_id]
        ended = b["polls"] >= self.polls_before_end
        n = len(b["requests"])
        expired = sum(self.expire(r["custom_id"]) for r in b["requests"]) if ended else 0
        return {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": n - expired if ended else 0,
                "errored": 0,
                "canceled": 0,
                "expired": expired,
            },
            "created_at": "2026-11-23T00:00:00Z",
            "expires_at": "2026-11-24T00:00:00Z",
            "ended_at": "2026-11-23T00:05:00Z" if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.url}/v1/messages/batches/{batch_id}/results" if ended else None,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _record(self, body: Any) -> bool:
                """Log the request; False (nothing logged) for a model call once ``down_after`` is reached."""
                with stub._lock:
                    if self.path.split("?")[0] in MODEL_PATHS:
                        if stub.down_after is not None and stub._model_posts >= stub.down_after:
                            return False
                        stub._model_posts += 1
                    stub.log.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                        }
                    )
                return True

            def _error(
                self, status: int, kind: str, openai: bool, headers: dict[str, str] | None = None
            ) -> None:
                key = self.headers.get("x-api-key") or self.headers.get("authorization") or ""
                message = f"{kind} (request authorised with {key})"  # a careless server echoing the key
                payload = (
                    {"error": {"message": message, "type": kind, "code": None}}
                    if openai
                    else {"type": "error", "error": {"type": kind, "message": message}}
                )
                self._send(status, payload, headers)

            def do_GET(self) -> None:  # noqa: N802
                self._record(None)
                m = re.fullmatch(r"/v1/messages/batches/([^/]+)(/results)?", self.path.split("?")[0])
                if not m or m.group(1) not in stub.batches:
                    return self._send(
                        404, {"type": "error", "error": {"type": "not_found_error", "message": "no"}}
                    )
                batch_id = m.group(1)
                if m.group(2) is None:
                    with stub._lock:
                        stub.batches[batch_id]["polls"] += 1
                    return self._send(200, stub._batch_object(batch_id))
                lines = []
                for r in stub.batches[batch_id]["requests"]:
                    if stub.expire(r["custom_id"]):
                        result: dict[str, Any] = {"type": "expired"}
                    else:
                        result = {"type": "succeeded", "message": stub._anthropic_message(r["params"], None)}
                    lines.append(json.dumps({"custom_id": r["custom_id"], "result": result}))
                self._send(200, ("\n".join(lines) + "\n").encode())

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                if not self._record(body):
                    stub._go_down()
                    self.close_connection = True
                    return  # dropped unanswered: the server is going down
                path = self.path.split("?")[0]
                if path == "/v1/messages/batches":
                    batch_id = f"msgbatch_{next(stub._ids)}"
                    with stub._lock:
                        stub.batches[batch_id] = {"requests": body["requests"], "polls": 0}
                    return self._send(200, stub._batch_object(batch_id))
                openai = path == "/v1/chat/completions"
                if path not in ("/v1/messages", "/v1/chat/completions"):
                    return self._error(404, "not_found_error", openai)
                fault = stub._fault()
                if fault == "429":
                    return self._error(429, "rate_limit_error", openai, {"retry-after": stub.retry_after})
                if fault in ("500", "529"):
                    return self._error(
                        int(fault), "api_error" if fault == "500" else "overloaded_error", openai
                    )
                if fault == "401":
                    return self._error(401, "authentication_error", openai)
                if fault == "slow":
                    time.sleep(stub.slow_s)
                if openai:
                    return self._send(200, stub._openai_completion(body, fault))
                if body["model"] in stub.no_prefill_models and body["messages"][-1]["role"] == "assistant":
                    message = "This model does not support assistant message prefill."
                    return self._send(
                        400, {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
                    )
                self._send(200, stub._anthropic_message(body, fault))

        return Handler


def scripted_answer(request: Any) -> str:
    """:func:`realistic_answer` for a :class:`~cliokit.backends.base.ModelRequest`, without its prefill.

    For :class:`~cliokit.backends.scripted.ScriptedBackend` scripts that answer like the stub
    (from the rendered prompt only) and then change one answer.
    """
    text = realistic_answer(request.system, request.messages[-1]["content"])
    return text[len(request.prefill) :] if text.startswith(request.prefill) else text
