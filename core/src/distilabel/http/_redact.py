"""Keep secrets out of messages: texts without secret values."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["scrub"]

_MASK = "***"
_BEARER = re.compile(r"(\bBearer\s+)[^\s\"',;]+", re.IGNORECASE)
_WORD = r"[A-Za-z0-9_\-]"


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
