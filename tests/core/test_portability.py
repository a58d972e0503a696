"""What must work on Linux, macOS and Windows alike: the run lock, the liveness check of
a lease's owner, and the CA bundle of every HTTPS request. CI runs on Linux; the code
has no platform branches of its own (filelock, psutil and certifi carry them), and the
tests check that too."""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import subprocess
import sys
from pathlib import Path

import certifi
import pytest
from tls_server import TLSServer

from distilabel.errors import DistilabelUserError
from distilabel.pipeline.storage._object_lock import pid_alive
from distilabel.pipeline.storage._store import RunLock
from distilabel.tls import ca_bundle, ssl_context

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*(ROOT / "core" / "src").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")]
)


def calls(pattern: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(pattern, line)
    ]


def test_a_second_run_of_the_same_pipeline_is_refused_and_the_first_may_run_again(
    tmp_path: Path,
) -> None:
    first, second = RunLock(tmp_path / "run" / "lock"), RunLock(tmp_path / "run" / "lock")
    first.acquire()
    with pytest.raises(DistilabelUserError, match="Another process is running this pipeline"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


def test_the_lock_holds_across_processes(tmp_path: Path) -> None:
    held = RunLock(tmp_path / "lock")
    held.acquire()
    code = ("import sys; from distilabel.pipeline.storage._store import RunLock\n"
            f"try: RunLock(__import__('pathlib').Path({str(tmp_path / 'lock')!r})).acquire()\n"
            "except Exception as e: print(type(e).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    held.release()
    assert out.strip() == "DistilabelUserError"


def test_no_code_locks_files_or_probes_processes_the_unix_way() -> None:
    """fcntl does not exist on Windows, and os.kill(pid, 0) ends the process there."""
    assert calls(r"^\s*import fcntl|from fcntl import|fcntl\.flock") == []
    assert calls(r"os\.kill\(") == []


def test_liveness_of_a_process() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not pid_alive(child.pid)


def test_the_liveness_check_asks_psutil_whatever_the_platform(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import psutil

    asked: list[int] = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(psutil, "pid_exists", lambda pid: asked.append(pid) or pid == 7)
    assert pid_alive(7) and not pid_alive(8)
    assert asked == [7, 8]


def test_https_trusts_certifi_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert ca_bundle() == certifi.where()
    context = ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) > 50  # certifi's roots, not an empty OS store


def test_a_missing_ca_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    with pytest.raises(FileNotFoundError, match=r"none\.pem' does not exist; fix or unset"):
        ssl_context()


def test_every_plugin_http_client_gets_the_shared_context() -> None:
    """aiohttp and httpx clients made by a plugin are given ``ssl_context()``."""
    for path in sorted((ROOT / "plugins").glob("*/src/**/*.py")):
        text = path.read_text()
        if "testing" in path.parts:
            continue  # loopback test servers
        if re.search(r"aiohttp\.TCPConnector\(|httpx\.(Async)?Client\(", text):
            assert "ssl_context()" in text, f"{path.relative_to(ROOT)} makes its own TLS setup"


def test_the_openai_transport_verifies_servers_against_the_ca_bundle(
    tls_server: TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport_module = pytest.importorskip("distilabel_openai._transport")
    import aiohttp

    url, ca = f"{tls_server.base_url}/v1/chat/completions", tls_server.ca

    async def post() -> int:
        transport = transport_module.ChatTransport(
            transport_module.ChatEndpoint(url=url, headers={}), timeout=10
        )
        try:
            return int((await transport.post(b"{}")).status)
        finally:
            if transport._session is not None:
                await transport._session.close()

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        asyncio.run(post())  # certifi does not know our CA: refused
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    assert asyncio.run(post()) == 200
