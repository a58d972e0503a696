"""A local OpenAI Files + Batches API for tests: deterministic, with job states.

No local server speaks the batch API, so this one does, kept honest by the official
``openai`` SDK talking to it (``test_batch_api_server.py``). Each batch advances one state
per retrieval: ``validating`` -> ``in_progress`` (``polls_in_progress`` retrievals) ->
``completed``. Answers are the last user message reversed, with token counts. Faults:

- ``fail_custom_ids``: those requests land in the error file with a 500;
- ``expire_after``: the batch ends ``expired`` with only that many requests answered, the
  rest in the error file as ``batch_expired``;
- ``POST /v1/batches/{id}/cancel``: ``cancelling`` then ``cancelled``, requests answered so
  far (none) kept;
- ``hold``: while set, batches stay ``in_progress`` however often they are polled (a run
  can be killed "while its jobs run").

``GET /v1/batches`` lists batches newest first with their metadata (``limit``, ``after``),
as the SDK's auto-paging iterator reads it. ``created`` counts the batches created and
``requests`` the requests they held, for "never submitted twice" checks.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional


@dataclass
class BatchAPIState:
    polls_in_progress: int = 1
    fail_custom_ids: set[str] = field(default_factory=set)
    expire_after: Optional[int] = None
    hold: bool = False
    azure_requests: list[tuple[str, Optional[str]]] = field(default_factory=list)
    """Requests that came by Azure's paths: (path, api-key header)."""
    requests: list[int] = field(default_factory=list)
    """Requests per created batch, in creation order."""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    created: int = 0
    ids: Any = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self.ids):06d}"


def _answer(body: dict[str, Any], custom_id: str, request_id: str) -> dict[str, Any]:
    if "prompt" in body:  # a text completion (/v1/completions)
        text = str(body["prompt"])
    else:
        text = next((m["content"] for m in reversed(body.get("messages", []))
                     if m.get("role") == "user"), "")
    content = str(text)[::-1]
    n = int(body.get("n") or 1)
    choices: list[dict[str, Any]] = [
        {"index": i, "finish_reason": "stop", "logprobs": None, "text": content}
        if "prompt" in body else
        {"index": i, "finish_reason": "stop", "logprobs": None,
         "message": {"role": "assistant", "content": content}}
        for i in range(n)
    ]
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "text_completion" if "prompt" in body else "chat.completion", "created": 0,
        "model": body.get("model", "local"),
        "choices": choices,
        "usage": {"prompt_tokens": len(str(text).split()),
                  "completion_tokens": n * len(content.split()),
                  "total_tokens": len(str(text).split()) + n * len(content.split())},
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, payload: Any, raw: Optional[bytes] = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type",
                         "application/octet-stream" if raw is not None else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_found(self, what: str) -> None:
        self._send(404, {"error": {"message": f"No such {what}", "type": "invalid_request_error",
                                   "code": "not_found", "param": None}})

    def parse_request(self) -> bool:
        """Azure OpenAI's paths (``/openai/files``, ``/openai/batches``, with
        ``?api-version=``) are served as OpenAI's ``/v1/...``; the headers are kept."""
        ok = super().parse_request()
        if ok and self.path.startswith("/openai/"):
            self.server.state.azure_requests.append(
                (self.path, self.headers.get("api-key")))
            self.path = "/v1/" + self.path[len("/openai/"):]
        return ok

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        if path == "/v1/files":
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + self._body())
            parts = {part.get_param("name", header="content-disposition"): part
                     for part in message.iter_parts()}
            upload = parts["file"]
            content = upload.get_payload(decode=True)
            with state.lock:
                file_id = state.new_id("file")
                state.contents[file_id] = content
                state.files[file_id] = {
                    "id": file_id, "object": "file", "bytes": len(content), "created_at": 0,
                    "filename": upload.get_filename() or "upload.jsonl",
                    "purpose": str(parts["purpose"].get_content()).strip(),
                    "status": "processed"}
            self._send(200, state.files[file_id])
        elif path == "/v1/batches":
            request = json.loads(self._body())
            if request.get("input_file_id") not in state.contents:
                self._not_found("file")
                return
            lines = state.contents[request["input_file_id"]].splitlines()
            with state.lock:
                batch_id = state.new_id("batch")
                state.created += 1
                state.requests.append(len([x for x in lines if x.strip()]))
                state.batches[batch_id] = {
                    "id": batch_id, "object": "batch", "endpoint": request["endpoint"],
                    "errors": None, "input_file_id": request["input_file_id"],
                    "completion_window": request.get("completion_window", "24h"),
                    "status": "validating", "output_file_id": None, "error_file_id": None,
                    "created_at": int(time.time()), "in_progress_at": None,
                    "expires_at": int(time.time()) + 86400, "completed_at": None,
                    "failed_at": None, "expired_at": None, "cancelling_at": None,
                    "cancelled_at": None, "finalizing_at": None,
                    "request_counts": {"total": len([x for x in lines if x.strip()]),
                                       "completed": 0, "failed": 0},
                    "metadata": request.get("metadata")}
                state.polls[batch_id] = 0
            self._send(200, state.batches[batch_id])
        elif path.startswith("/v1/batches/") and path.endswith("/cancel"):
            batch_id = path.split("/")[3]
            batch = state.batches.get(batch_id)
            if batch is None:
                self._not_found("batch")
                return
            with state.lock:
                if batch["status"] in ("validating", "in_progress"):
                    batch["status"] = "cancelling"
                    batch["cancelling_at"] = int(time.time())
            self._send(200, batch)
        else:
            self._not_found("route")

    def do_GET(self) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v1", "files"] and parts[3] == "content":
            if parts[2] not in state.contents:
                self._not_found("file")
                return
            self._send(200, None, raw=state.contents[parts[2]])
        elif len(parts) == 3 and parts[:2] == ["v1", "files"] and parts[2] in state.files:
            self._send(200, state.files[parts[2]])
        elif parts == ["v1", "batches"]:
            self._send(200, self._list(urllib.parse.parse_qs(urllib.parse.urlsplit(
                self.path).query)))
        elif len(parts) == 3 and parts[:2] == ["v1", "batches"] and parts[2] in state.batches:
            with state.lock:
                self._advance(parts[2])
            self._send(200, state.batches[parts[2]])
        else:
            self._not_found("object")

    def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        state = self.server.state
        with state.lock:
            newest = sorted(state.batches, reverse=True)
        after = query.get("after", [None])[0]
        if after in newest:
            newest = newest[newest.index(after) + 1:]
        limit = int(query.get("limit", ["20"])[0])
        page = [state.batches[b] for b in newest[:limit]]
        return {"object": "list", "data": page, "has_more": len(newest) > limit,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None}

    def _advance(self, batch_id: str) -> None:
        state = self.server.state
        batch = state.batches[batch_id]
        state.polls[batch_id] += 1
        status = batch["status"]
        if status == "validating":
            batch["status"], batch["in_progress_at"] = "in_progress", int(time.time())
        elif status == "cancelling":
            self._finish(batch, "cancelled", answered=0)
        elif (status == "in_progress" and not state.hold
              and state.polls[batch_id] > state.polls_in_progress):
            total = batch["request_counts"]["total"]
            if state.expire_after is not None and state.expire_after < total:
                self._finish(batch, "expired", answered=state.expire_after)
            else:
                self._finish(batch, "completed", answered=total)

    def _finish(self, batch: dict[str, Any], status: str, answered: int) -> None:
        state = self.server.state
        requests = [json.loads(x) for x in state.contents[batch["input_file_id"]].splitlines()
                    if x.strip()]
        output, errors = [], []
        for index, request in enumerate(requests):
            custom_id, request_id = request["custom_id"], state.new_id("req")
            line: dict[str, Any] = {"id": f"batch_req_{request_id}", "custom_id": custom_id}
            if index >= answered:
                code = "batch_expired" if status == "expired" else "batch_cancelled"
                errors.append({**line, "response": None, "error": {
                    "code": code, "message": f"This request could not be executed ({code})."}})
            elif custom_id in state.fail_custom_ids:
                errors.append({**line, "error": None, "response": {
                    "status_code": 500, "request_id": request_id,
                    "body": {"error": {"message": "The server had an error.",
                                       "type": "server_error"}}}})
            else:
                output.append({**line, "error": None, "response": {
                    "status_code": 200, "request_id": request_id,
                    "body": _answer(request["body"], custom_id, request_id)}})
        for kind, lines in (("output_file_id", output), ("error_file_id", errors)):
            if lines:
                file_id = state.new_id("file")
                data = "".join(json.dumps(x) + "\n" for x in lines).encode()
                state.contents[file_id] = data
                state.files[file_id] = {"id": file_id, "object": "file", "bytes": len(data),
                                        "created_at": 0, "filename": f"{kind}.jsonl",
                                        "purpose": "batch_output", "status": "processed"}
                batch[kind] = file_id
        batch["status"] = status
        batch[f"{status}_at"] = int(time.time())
        batch["request_counts"]["completed"] = len(output)
        batch["request_counts"]["failed"] = len(errors)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: BatchAPIState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class BatchAPIServer:
    """``with BatchAPIServer() as server: OpenAI(base_url=server.base_url, ...)``."""

    def __init__(self, state: Optional[BatchAPIState] = None) -> None:
        self.state = state or BatchAPIState()
        self._server = _Server(self.state)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> BatchAPIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
