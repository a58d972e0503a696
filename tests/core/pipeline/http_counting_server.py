"""A tiny HTTP "LLM" server of our own that counts what it answers.

``POST /`` with ``{"prompt": "...", "client": ID}`` answers ``{"text": PROMPT_UPPER}``
and counts the prompt. After ``hold_after`` answers it stops answering: new requests wait
until ``release()`` and are then dropped unanswered (and uncounted), which lets a test
kill the client at a moment when every answered request has had time to be recorded.
``release(ban=ID)`` also drops, uncounted, whatever that (dead) client sent that the
server had not read yet: nobody is there to receive an answer.
"""

from __future__ import annotations

import collections
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, hold_after: Optional[int] = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.answered: collections.Counter[str] = collections.Counter()
        self.received = 0
        self.held = 0
        self.hold_after = hold_after
        self.released = threading.Event()
        self.banned: set[str] = set()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def answered_total(self) -> int:
        with self.lock:
            return sum(self.answered.values())

    def start(self) -> CountingServer:
        self.thread.start()
        return self

    def release(self, ban: Optional[str] = None) -> None:
        """Drop the held requests (and anything client ``ban`` sent) and answer the rest."""
        with self.lock:
            self.hold_after = None
            if ban is not None:
                self.banned.add(ban)
        self.released.set()

    def stop(self) -> None:
        self.release()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: CountingServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = json.loads(body)
        prompt = request["prompt"]
        server = self.server
        with server.lock:
            server.received += 1
            hold = str(request.get("client")) in server.banned or (
                server.hold_after is not None
                and sum(server.answered.values()) >= server.hold_after
            )
            if hold:
                server.held += 1
            else:
                server.answered[prompt] += 1
        if hold:
            server.released.wait(timeout=120)
            self.close_connection = True
            return
        payload = json.dumps({"text": prompt.upper()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
