"""The lean HTTP path: one pooled aiohttp session per LLM, bound to the loop that uses it.

The LLM classes build *where* and *how* to send (``ChatEndpoint``: the URL with Azure's
deployment path and ``api-version``, the auth header) themselves, as the OpenAI API
defines them, without importing the ``openai`` SDK (about 1 s); requests then go straight
through aiohttp, the transport the SDK's ``DefaultAioHttpClient`` wraps, without the SDK's
per-request option copying, header and URL rebuilding and response models. On a local
server ``chat.completions.create`` over the SDK's aiohttp transport costs about 2 ms of
client CPU per request; this whole path about 0.5 ms, near a bare aiohttp loop
(``benchmarks/bench_openai.py``). Answers are read up to a size cap.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import urllib.parse
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Optional

if TYPE_CHECKING:
    import aiohttp

from distilabel.http import ResponseTooLargeError, redact_url

__all__ = ["ChatEndpoint", "ChatTransport", "RawAnswer", "env_proxy"]


@dataclass(frozen=True)
class ChatEndpoint:
    """Where chat completion requests go and the headers they carry.

    ``secrets`` are values (API keys) that must never appear in a message or log;
    ``display_url`` is the URL safe to print.
    """

    url: str
    headers: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def display_url(self) -> str:
        """The URL without credentials (user info, secret query values)."""
        return redact_url(self.url)

    @classmethod
    def build(
        cls, base_url: str, auth: Mapping[str, str], secrets: tuple[str, ...],
        query: Optional[Mapping[str, str]] = None, headers: Optional[Mapping[str, str]] = None,
    ) -> ChatEndpoint:
        """``POST {base_url}/chat/completions[?query]`` with JSON and the ``auth`` headers."""
        url = f"{base_url.rstrip('/')}/chat/completions"
        if query:
            url = f"{url}?{urllib.parse.urlencode(dict(query))}"
        all_headers = {"Accept": "application/json", "Content-Type": "application/json",
                       "User-Agent": _USER_AGENT, **(headers or {}), **auth}
        return cls(url=url, headers=all_headers, secrets=secrets)

    @property
    def completions_url(self) -> str:
        """The URL of text completions (``.../completions``) beside the chat one."""
        path, sep, query = self.url.partition("?")
        return path.removesuffix("/chat/completions") + "/completions" + sep + query


_USER_AGENT = "distilabel-openai"


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
        max_response_bytes: the most bytes of an answer's body read; past it the
            connection is dropped and ``ResponseTooLargeError`` raised.
    """

    def __init__(
        self, endpoint: ChatEndpoint, timeout: float, max_response_bytes: int = 8 << 20
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
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
            ResponseTooLargeError: the body is longer than ``max_response_bytes``.
        """
        session = self._session_for(asyncio.get_running_loop())
        limit = self.max_response_bytes
        target = url or self.endpoint.url
        async with session.post(target, data=body, proxy=self.proxy) as response:
            length = response.content_length
            if length is not None and length <= limit:
                data = await response.read()  # the usual case, and the fast path
            elif length is not None:
                response.close()
                raise ResponseTooLargeError(limit)
            else:  # chunked: read up to the cap
                buffer = bytearray()
                async for chunk in response.content.iter_chunked(1 << 16):
                    buffer += chunk
                    if len(buffer) > limit:
                        response.close()
                        raise ResponseTooLargeError(limit)
                data = bytes(buffer)
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
