"""Request files for the OpenAI Batch API: rows -> JSONL lines, split by the limits.

The Batch API takes a JSONL file of requests (``custom_id``, ``method``, ``url``, ``body``)
of at most 50,000 requests and 200 MB; a task's rows are split into as many files as
those limits need, in order, each line whole (``distilabel.llms.split_ranges``).
``custom_id`` is the caller's, so answers read back from the output file find their rows
whatever order they come in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from distilabel.llms import split_ranges

__all__ = ["MAX_FILE_BYTES", "MAX_REQUESTS_PER_FILE", "request_line", "split_request_files"]

MAX_REQUESTS_PER_FILE = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024


def request_line(custom_id: str, body: dict[str, Any],
                 url: str = "/v1/chat/completions") -> bytes:
    """One request of a batch input file, newline-terminated."""
    return (json.dumps({"custom_id": custom_id, "method": "POST", "url": url, "body": body},
                       ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def split_request_files(
    lines: Iterable[bytes],
    *,
    max_requests: int = MAX_REQUESTS_PER_FILE,
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[bytes]:
    """Group request lines into file contents within both limits, keeping their order.

    Raises:
        ValueError: a single request is larger than ``max_bytes`` (no file can hold it).
    """
    found = list(lines)
    ranges = split_ranges(found, max_requests, max_bytes,
                          label=lambda i: str(json.loads(found[i]).get("custom_id")))
    for start, end in ranges:
        yield b"".join(found[start:end])
