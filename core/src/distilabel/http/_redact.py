"""Keep secrets out of messages: URLs without credentials, texts without secret values."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

__all__ = ["redact_url", "scrub"]

_MASK = "***"
_BEARER = re.compile(r"(\bBearer\s+)[^\s\"',;]+", re.IGNORECASE)
_SENSITIVE_QUERY = re.compile(
    r"key|token|secret|password|passwd|signature|^sig$|^code$|auth|credential", re.IGNORECASE
)
_WORD = r"[A-Za-z0-9_\-]"


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


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every *whole* occurrence of each secret, and every bearer token,
    replaced by ``***``.

    A secret only matches where it is not part of a longer word, so a short placeholder key
    such as ``"x"`` or ``"EMPTY"`` masks that exact token and leaves ``max_tokens`` or
    ``"EMPTY_LIST"`` alone.
    """
    for secret in secrets:
        if secret and secret in text:
            text = re.sub(rf"(?<!{_WORD}){re.escape(secret)}(?!{_WORD})", _MASK, text)
    return _BEARER.sub(rf"\g<1>{_MASK}", text)
