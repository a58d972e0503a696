"""URLs in messages and settings: credentials removed, malformed base URLs refused early."""

from __future__ import annotations

import re
import urllib.parse
from typing import Optional

from distilabel.errors import RuntimeParameterError

__all__ = ["check_base_url", "redact_url", "url_secrets"]

_MASK = "***"
_SENSITIVE_QUERY = re.compile(
    r"key|token|secret|password|passwd|signature|^sig$|^code$|auth|credential", re.IGNORECASE
)


def redact_url(url: str) -> str:
    """``url`` safe to print: ``user:password@`` removed and the values of query parameters
    that look like credentials (``key``, ``api-key``, ``token``, ``sig``...) masked.

    >>> redact_url("https://bob:hunter2@host/v1?api-version=2024&key=abc")
    'https://host/v1?api-version=2024&key=***'
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//", url)
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{urllib.parse.quote(k, safe='-_.')}="
            + (_MASK if _SENSITIVE_QUERY.search(k) else urllib.parse.quote(v, safe="-_.:/"))
            for k, v in pairs
        )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_secrets(url: str) -> tuple[str, ...]:
    """The credentials embedded in ``url`` (its password, and sensitive query values), for
    ``scrub``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ()
    found = [parts.password or ""]
    found += [
        v for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if _SENSITIVE_QUERY.search(k)
    ]
    return tuple(s for s in found if s)


def check_base_url(
    url: Optional[str], owner: str, name: str = "base_url", env_var: Optional[str] = None
) -> str:
    """``url`` when it is a usable ``http(s)://host[:port][/path]`` base URL.

    Called from ``load()``, so a typo is reported before any request instead of being
    retried as a connection error.

    Args:
        url: the value to check.
        owner: the LLM's class name, for the message.
        name: the parameter's name, for the message.
        env_var: the environment variable the parameter defaults to, for the message.

    Raises:
        RuntimeParameterError: the URL has no ``http``/``https`` scheme, no host, an
            invalid port or whitespace; the message says which and suggests a fix.
    """
    where = f"`{name}`" + (f" (or ${env_var})" if env_var else "")
    problem, suggestion = _url_problem(url or "")
    if problem is None:
        return str(url)
    hint = f" Did you mean {redact_url(suggestion)!r}?" if suggestion else ""
    shown = redact_url(url) if url and "@" in url else url
    raise RuntimeParameterError(
        f"{owner}: {name} {shown!r} is not a valid URL: {problem}.{hint} Set"
        f" {where} to the server's API root, e.g. 'http://127.0.0.1:8000/v1'."
    )


def _url_problem(url: str) -> tuple[Optional[str], Optional[str]]:
    if not url:
        return "it is empty", None
    if any(c.isspace() for c in url):
        return "it contains a space or another whitespace character", "".join(url.split())
    fixed = re.sub(r"^(https?)(:/?|//)(?!/)", r"\1://", url)
    if fixed != url and fixed.startswith(("http://", "https://")) and "://" not in url:
        return "it has no scheme separator (http:// or https://)", fixed
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        return f"it cannot be parsed ({exc})", None
    if parts.scheme.lower() not in ("http", "https"):
        if "://" not in url:
            return "it has no scheme (http:// or https://)", f"http://{url}"
        return f"its scheme {parts.scheme!r} is not http or https", None
    if not parts.hostname:
        return "it has no host", None
    try:
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError:
        return "its port is not a number from 1 to 65535", None
    return None, None
