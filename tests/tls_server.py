"""A loopback HTTPS server whose certificate is signed by a CA of our own, for the tests
that HTTPS clients trust ``distilabel.tls`` (``SSL_CERT_FILE``) and nothing else. Every
POST gets ``status`` with a small JSON body (a 401 reads as a bad key to every SDK)."""

from __future__ import annotations

import http.server
import json
import shutil
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Optional

__all__ = ["TLSServer"]


class TLSServer:
    """Start with ``start(folder)``; ``base_url`` is ``https://127.0.0.1:PORT``, ``ca`` the
    CA certificate that signed the server's, ``posts`` the paths POSTed so far."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.posts: list[str] = []
        self.base_url = ""
        self.ca = Path()
        self._server: Optional[http.server.ThreadingHTTPServer] = None

    @staticmethod
    def available() -> bool:
        return shutil.which("openssl") is not None

    def start(self, folder: Path) -> TLSServer:
        def openssl(*args: str) -> None:
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=test CA", "-keyout", "ca.key", "-out", "ca.pem")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", "server.key", "-out", "server.csr")
        (folder / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.posts.append(self.path)
                ok = owner.status < 400
                body = json.dumps({"ok": True} if ok else {"error": {
                    "message": "invalid api key", "type": "authentication_error"}}).encode()
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "server.pem", folder / "server.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        self.base_url = f"https://127.0.0.1:{server.server_address[1]}"
        self.ca = folder / "ca.pem"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
