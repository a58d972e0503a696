"""The lean HTTP path: one pooled aiohttp session per LLM, bound to the loop that uses it.

The OpenAI SDK resolves *where* and *how* to send (base URL, Azure deployment path and
``api-version``, auth and client headers: see ``endpoint_from_client``); requests then go
straight through aiohttp, the transport the SDK's ``DefaultAioHttpClient`` wraps, without
the SDK's per-request option copying, header and URL rebuilding and response models.
On a local server ``chat.completions.create`` over the SDK's aiohttp transport costs about
2 ms of client CPU per request; this whole path about 0.5 ms, near a bare aiohttp loop
(``benchmarks/bench_openai.py``).
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import urllib.parse
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

if TYPE_CHECKING:
    import aiohttp

__all__ = ["ChatEndpoint", "ChatTransport", "RawAnswer", "endpoint_from_client", "env_proxy"]


@dataclass(frozen=True)
class ChatEndpoint:
    """Where chat completion requests go and the headers they carry.

    ``secrets`` are values (API keys) that must never appear in a message or log;
    ``display_url`` is the URL without its query string, for messages.
    """

    url: str
    headers: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def display_url(self) -> str:
        """The URL without its query string."""
        return self.url.split("?", 1)[0]

    @property
    def completions_url(self) -> str:
        """The URL of text completions (``.../completions``) beside the chat one."""
        path, sep, query = self.url.partition("?")
        return path.removesuffix("/chat/completions") + "/completions" + sep + query


def endpoint_from_client(client: Any, secrets: tuple[str, ...]) -> ChatEndpoint:
    """Read the chat completions URL and headers an ``openai`` async client would use."""
    base = str(client.base_url).rstrip("/")
    url = f"{base}/chat/completions"
    query = {k: v for k, v in dict(client.default_query).items() if isinstance(v, str)}
    if query:
        url = f"{url}?{urllib.parse.urlencode(query)}"
    headers = {k: v for k, v in dict(client.default_headers).items() if isinstance(v, str)}
    headers.update(client.auth_headers)
    headers["Content-Type"] = "application/json"
    return ChatEndpoint(url=url, headers=headers, secrets=secrets)


def env_proxy(url: str) -> Optional[str]:
    """The proxy ``HTTP(S)_PROXY`` / ``NO_PROXY`` choose for ``url``, or ``None``.

    Resolved once per LLM, as the SDK's httpx client honours these variables: aiohttp's own
    ``trust_env`` re-reads them (and ``.netrc``) in a worker thread for every request,
    which costs more CPU than the rest of the request.
    """
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.netloc):
        return None
    return proxy


class RawAnswer(NamedTuple):
    """An HTTP answer: status, headers and the whole body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class ChatTransport:
    """POST JSON bodies to one endpoint over a keep-alive connection pool.

    The aiohttp session is created on first use inside the running event loop (the LLM's
    own loop, or an engine's attached with ``use_event_loop``) and recreated if a different
    loop uses the transport later.

    Args:
        endpoint: where to send.
        timeout: seconds one request may take in total, connection included.
    """

    def __init__(self, endpoint: ChatEndpoint, timeout: float) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.proxy = env_proxy(endpoint.url)
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        # Close the pool at interpreter exit if nobody called ``unload`` (else aiohttp
        # prints "Unclosed client session" with every pooled connection).
        self._atexit = functools.partial(_close_if_alive, weakref.ref(self))
        atexit.register(self._atexit)

    def _session_for(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        session = self._session
        if session is not None and self._loop is loop and not session.closed:
            return session
        import aiohttp

        from distilabel.tls import ssl_context

        self._close_detached(session, self._loop)
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=0, keepalive_timeout=30, ttl_dns_cache=300, ssl=ssl_context()
            ),
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers=dict(self.endpoint.headers),
        )
        self._session, self._loop = session, loop
        return session

    async def post(self, body: bytes, url: Optional[str] = None) -> RawAnswer:
        """Send ``body`` (to ``url``, by default the chat endpoint) and return the answer
        (any status).

        Raises:
            TimeoutError: no complete answer within ``timeout``.
            aiohttp.ClientError: the connection failed or dropped.
        """
        session = self._session_for(asyncio.get_running_loop())
        target = url or self.endpoint.url
        async with session.post(target, data=body, proxy=self.proxy) as response:
            data = await response.read()
            return RawAnswer(response.status, response.headers, data)

    def close(self) -> None:
        """Close the session from any thread (or schedule it when called on its own loop)."""
        atexit.unregister(self._atexit)
        session, loop = self._session, self._loop
        self._session = self._loop = None
        self._close_detached(session, loop, wait=True)

    @staticmethod
    def _close_detached(
        session: Optional[aiohttp.ClientSession],
        loop: Optional[asyncio.AbstractEventLoop],
        wait: bool = False,
    ) -> None:
        if session is None or session.closed or loop is None or loop.is_closed():
            return
        try:
            running: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(session.close())
        elif loop.is_running():
            future = asyncio.run_coroutine_threadsafe(session.close(), loop)
            if wait:
                future.result(timeout=10)
        else:
            loop.run_until_complete(session.close())


def _close_if_alive(ref: weakref.ref[ChatTransport]) -> None:
    transport = ref()
    if transport is not None:
        transport.close()
