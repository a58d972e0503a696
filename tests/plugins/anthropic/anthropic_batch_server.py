"""A local Anthropic Message Batches API for tests: deterministic, with job states.

Nothing local speaks Message Batches, so this does, kept honest by the official
``anthropic`` SDK talking to it. ``POST /v1/messages/batches`` takes the requests inline;
each retrieval advances a batch: ``in_progress`` (``polls_in_progress`` retrievals, or
for as long as ``hold`` is set) -> ``ended``, with ``results_url`` serving JSONL results.
Answers are the last user message reversed, with token counts. Faults:
``fail_custom_ids`` (``errored`` results), ``expire_after`` (the rest ``expired``),
``POST .../cancel`` (``canceling`` -> ``ended`` with the unanswered ``canceled``).
``created`` and ``requests`` count the batches created and their requests.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

_TIME = "2026-12-02T00:00:00Z"


@dataclass
class MessageBatchState:
    polls_in_progress: int = 1
    hold: bool = False
    fail_custom_ids: set[str] = field(default_factory=set)
    expire_after: Optional[int] = None
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    results: dict[str, bytes] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    created: int = 0
    requests: list[int] = field(default_factory=list)
    ids: Any = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _message(params: dict[str, Any], n: int) -> dict[str, Any]:
    text = next((m["content"] for m in reversed(params.get("messages", []))
                 if m.get("role") == "user"), "")
    if isinstance(text, list):
        text = "".join(part.get("text", "") for part in text)
    answer = str(text)[::-1]
    return {"id": f"msg_{n:06d}", "type": "message", "role": "assistant",
            "model": params.get("model", "local"),
            "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": len(str(text).split()),
                      "output_tokens": len(answer.split())}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, payload: Any = None, raw: Optional[bytes] = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/binary" if raw is not None
                         else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _missing(self) -> None:
        self._send(404, {"type": "error", "error": {"type": "not_found_error",
                                                    "message": "Not found"}})

    def do_POST(self) -> None:
        state = self.server.state
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if parts == ["v1", "messages", "batches"]:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            requests = body["requests"]
            with state.lock:
                batch_id = f"msgbatch_{next(state.ids):06d}"
                state.created += 1
                state.requests.append(len(requests))
                state.inputs[batch_id] = requests
                state.polls[batch_id] = 0
                state.batches[batch_id] = {
                    "id": batch_id, "type": "message_batch", "processing_status": "in_progress",
                    "request_counts": {"processing": len(requests), "succeeded": 0,
                                       "errored": 0, "canceled": 0, "expired": 0},
                    "ended_at": None, "created_at": _TIME, "expires_at": _TIME,
                    "archived_at": None, "cancel_initiated_at": None, "results_url": None}
            self._send(200, state.batches[batch_id])
        elif len(parts) == 5 and parts[:3] == ["v1", "messages", "batches"] \
                and parts[4] == "cancel" and parts[3] in state.batches:
            with state.lock:
                batch = state.batches[parts[3]]
                if batch["processing_status"] == "in_progress":
                    batch["processing_status"] = "canceling"
                    batch["cancel_initiated_at"] = _TIME
            self._send(200, batch)
        else:
            self._missing()

    def do_GET(self) -> None:
        state = self.server.state
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if parts == ["v1", "messages", "batches"]:
            with state.lock:
                data = [state.batches[b] for b in sorted(state.batches, reverse=True)]
            self._send(200, {"data": data, "has_more": False,
                             "first_id": data[0]["id"] if data else None,
                             "last_id": data[-1]["id"] if data else None})
        elif len(parts) == 4 and parts[:3] == ["v1", "messages", "batches"] \
                and parts[3] in state.batches:
            with state.lock:
                self._advance(parts[3])
            self._send(200, state.batches[parts[3]])
        elif len(parts) == 5 and parts[4] == "results" and parts[3] in state.results:
            self._send(200, raw=state.results[parts[3]])
        else:
            self._missing()

    def _advance(self, batch_id: str) -> None:
        state = self.server.state
        batch = state.batches[batch_id]
        state.polls[batch_id] += 1
        status = batch["processing_status"]
        if status == "canceling":
            self._end(batch_id, answered=0, rest="canceled")
        elif (status == "in_progress" and not state.hold
              and state.polls[batch_id] > state.polls_in_progress):
            total = len(state.inputs[batch_id])
            limit = state.expire_after
            self._end(batch_id, answered=total if limit is None else min(limit, total),
                      rest="expired")

    def _end(self, batch_id: str, answered: int, rest: str) -> None:
        state = self.server.state
        batch = state.batches[batch_id]
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        lines = []
        for index, request in enumerate(state.inputs[batch_id]):
            custom_id = request["custom_id"]
            if index >= answered:
                result: dict[str, Any] = {"type": rest}
            elif custom_id in state.fail_custom_ids:
                result = {"type": "errored", "error": {"type": "error", "error": {
                    "type": "api_error", "message": "Internal server error"}}}
            else:
                result = {"type": "succeeded", "message": _message(request["params"], index)}
            counts[result["type"]] += 1
            lines.append(json.dumps({"custom_id": custom_id, "result": result}) + "\n")
        state.results[batch_id] = "".join(lines).encode()
        host, port = self.server.server_address[:2]
        batch.update(processing_status="ended", ended_at=_TIME, request_counts=counts,
                     results_url=f"http://{host}:{port}/v1/messages/batches/{batch_id}/results")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: MessageBatchState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class MessageBatchServer:
    """``with MessageBatchServer() as server: Anthropic(base_url=server.base_url, ...)``."""

    def __init__(self, state: Optional[MessageBatchState] = None) -> None:
        self.state = state or MessageBatchState()
        self._server = _Server(self.state)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> MessageBatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
