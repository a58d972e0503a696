"""A loopback stand-in for the Hugging Face Hub endpoints an upload uses.

``huggingface_hub``'s ``create_repo`` + ``upload_folder`` talk to:

- ``POST /api/repos/create``;
- ``POST /api/validate-yaml``: the card's front matter; we check it parses and that each
  of its ``configs`` names a config and its data files;
- ``POST /api/datasets/<repo>/preupload/<rev>``: we answer "regular" for every file, so
  contents come inline;
- ``POST /api/datasets/<repo>/commit/<rev>``: an NDJSON body, a header line, then one
  line per file with its base64 content.

The server writes each commit's files under ``root/<repo_id>/`` and records every
request; anything else is answered 404 and recorded in ``unexpected``.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _card_errors(card: str) -> list[str]:
    """What the Hub would refuse in a dataset card's YAML front matter."""
    import yaml

    if not card.startswith("---\n"):
        return ["no YAML front matter"]
    try:
        meta = yaml.safe_load(card.split("---\n")[1]) or {}
    except yaml.YAMLError as exc:
        return [f"invalid YAML: {exc}"]
    errors = []
    for config in meta.get("configs", []):
        if not config.get("config_name") or not config.get("data_files"):
            errors.append(f"config without config_name or data_files: {config}")
    return errors


class HubServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.repos: dict[str, dict[str, Any]] = {}
        self.commits: list[dict[str, Any]] = []
        self.unexpected: list[str] = []
        self.authorizations: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                return data

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                server.authorizations.append(self.headers.get("Authorization", ""))
                path = self.path.split("?")[0]
                body = self._body()
                if path == "/api/repos/create":
                    info = json.loads(body)
                    repo_id = f"{info['organization']}/{info['name']}" if info.get(
                        "organization") else info["name"]
                    server.repos[repo_id] = info
                    return self._reply(200, {"url": f"{server.url}/datasets/{repo_id}"})
                if path == "/api/validate-yaml":
                    errors = _card_errors(json.loads(body)["content"])
                    return self._reply(400 if errors else 200, {
                        "errors": [{"message": e} for e in errors], "warnings": []})
                parts = path.strip("/").split("/")
                if len(parts) == 6 and parts[:2] == ["api", "datasets"]:
                    repo_id, action = f"{parts[2]}/{parts[3]}", parts[4]
                    if action == "preupload":
                        files = json.loads(body)["files"]
                        return self._reply(200, {"files": [
                            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                            for f in files]})
                    if action == "commit":
                        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
                        files = {}
                        for line in lines:
                            if line["key"] == "file":
                                value = line["value"]
                                files[value["path"]] = base64.b64decode(value["content"])
                            elif line["key"] != "header":
                                server.unexpected.append(f"commit line {line['key']}")
                        for name, data in files.items():
                            target = server.root / repo_id / name
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_bytes(data)
                        server.commits.append({"repo_id": repo_id, "header": lines[0]["value"],
                                               "files": sorted(files)})
                        return self._reply(200, {
                            "commitUrl": f"{server.url}/datasets/{repo_id}/commit/1",
                            "commitOid": "0" * 40})
                server.unexpected.append(f"POST {self.path}")
                self._reply(404, {"error": "not here"})

            def do_GET(self) -> None:
                if self.path.startswith("/api/agent-harnesses"):
                    # huggingface_hub asks this for its user agent, not for the upload
                    return self._reply(200, {"standardEnvVars": [], "harnesses": []})
                server.unexpected.append(f"GET {self.path}")
                self._reply(404, {"error": "not here"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
