"""Batch request files are split by the provider's count and size limits."""

from __future__ import annotations

import json

import pytest

from distilabel_openai._batch_files import (
    MAX_FILE_BYTES,
    MAX_REQUESTS_PER_FILE,
    request_line,
    split_request_files,
)


def lines(n: int, text: str = "hi") -> list[bytes]:
    return [request_line(f"row-{i}", {"model": "m", "messages": [
        {"role": "user", "content": text}]}) for i in range(n)]


def test_a_request_line_is_what_the_batch_api_reads() -> None:
    line = request_line("row-0", {"model": "m", "messages": []})
    assert line.endswith(b"\n")
    assert json.loads(line) == {"custom_id": "row-0", "method": "POST",
                                "url": "/v1/chat/completions",
                                "body": {"model": "m", "messages": []}}


def test_the_provider_limits_are_openais() -> None:
    assert (MAX_REQUESTS_PER_FILE, MAX_FILE_BYTES) == (50_000, 200 * 1024 * 1024)


def test_files_split_by_request_count_in_order() -> None:
    files = list(split_request_files(lines(7), max_requests=3))
    assert [len(f.splitlines()) for f in files] == [3, 3, 1]
    ids = [json.loads(x)["custom_id"] for f in files for x in f.splitlines()]
    assert ids == [f"row-{i}" for i in range(7)]


def test_files_split_by_size_and_no_line_is_cut() -> None:
    requests = lines(10)
    size = len(requests[0])
    files = list(split_request_files(requests, max_bytes=size * 4 + size // 2))
    assert [len(f) // size for f in files] == [4, 4, 2]
    assert all(f.endswith(b"\n") for f in files)


def test_a_request_larger_than_a_file_is_named() -> None:
    with pytest.raises(ValueError, match=r"'row-0' is .* bytes, more than a batch file"):
        list(split_request_files(lines(1, "x" * 100), max_bytes=50))


def test_no_rows_no_files() -> None:
    assert list(split_request_files([])) == []
