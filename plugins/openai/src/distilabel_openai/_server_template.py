"""Reading a server's chat template, for Magpie prompts sent as raw text.

The OpenAI API does not publish the model's chat template; llama.cpp's ``llama-server``
does (``GET /props`` returns ``chat_template``). Other servers answer 404, and the user
gives the template (or a preset) instead.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

from distilabel.logging import get_logger

__all__ = ["server_chat_template"]

_logger = get_logger(__name__)


def server_chat_template(base_url: str, api_key: str, timeout: float = 5.0) -> Optional[str]:
    """The chat template the server at ``base_url`` publishes, or ``None``."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https"):
        return None
    root = parts.path.rstrip("/").removesuffix("/v1")
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{root}/props", "", ""))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, ValueError) as exc:
        _logger.debug("No chat template at %s: %s", url, type(exc).__name__)
        return None
    template = data.get("chat_template") if isinstance(data, dict) else None
    return template if isinstance(template, str) and template else None
