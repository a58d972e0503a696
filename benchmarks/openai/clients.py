"""One benchmark client per run, in its own interpreter: ``python clients.py MODE ...``.

Prints one JSON line: ``{"seconds": wall time of the work, "rows": N, "ok": rows that got a
text, "cpu": client CPU seconds of the work}`` (imports and ``load()`` excluded). Modes:

- ``bare``: a hand-written aiohttp POST loop (``asyncio.gather`` + a semaphore).
- ``sdk`` / ``sdk-aiohttp``: a hand-written loop over ``openai.AsyncOpenAI`` (default httpx
  transport, or ``DefaultAioHttpClient``), ``chat.completions.create`` per row.
- ``plugin``: ``OpenAILLM(...).generate(all inputs)``.
- ``pipeline``: ``LoadDataFromDicts >> TextGeneration(OpenAILLM)`` through the local engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from typing import Any, Callable

MAX_TOKENS = 16


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"Question number {i}: what is {i} + {i}?"}]


async def _gather(rows: int, concurrency: int, one: Callable[[int], Any]) -> int:
    semaphore = asyncio.Semaphore(concurrency)

    async def task(i: int) -> bool:
        async with semaphore:
            return bool(await one(i))

    return sum(await asyncio.gather(*(task(i) for i in range(rows))))


async def bare(url: str, key: str, rows: int, concurrency: int) -> int:
    import aiohttp

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:

        async def one(i: int) -> Any:
            body = json.dumps({"model": "bench", "messages": _messages(i),
                               "max_tokens": MAX_TOKENS, "temperature": 1.0}).encode()
            async with s.post(f"{url}/chat/completions", data=body, headers=headers) as r:
                return json.loads(await r.read())["choices"][0]["message"]["content"]

        return await _gather(rows, concurrency, one)


async def sdk(url: str, key: str, rows: int, concurrency: int, aio: bool) -> int:
    import openai

    http_client = openai.DefaultAioHttpClient() if aio else None
    client = openai.AsyncOpenAI(base_url=url, api_key=key, http_client=http_client)

    async def one(i: int) -> Any:
        completion = await client.chat.completions.create(
            model="bench", messages=_messages(i),  # type: ignore[arg-type]
            max_tokens=MAX_TOKENS, temperature=1.0,
        )
        return completion.choices[0].message.content

    try:
        return await _gather(rows, concurrency, one)
    finally:
        await client.close()


def plugin(url: str, key: str, rows: int, concurrency: int) -> tuple[float, float, int]:
    from distilabel.llms import OpenAILLM

    llm = OpenAILLM(model="bench", base_url=url, api_key=key, max_concurrency=concurrency)
    llm.load()
    inputs: Any = [_messages(i) for i in range(rows)]
    cpu, start = time.process_time(), time.perf_counter()
    outputs = llm.generate_outputs_isolated(inputs, max_new_tokens=MAX_TOKENS)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    llm.unload()
    ok = sum(1 for o in outputs if isinstance(o, dict) and o["generations"][0])
    return seconds, cpu, ok


def pipeline(url: str, key: str, rows: int, concurrency: int) -> tuple[float, float, int]:
    from distilabel.llms import OpenAILLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration

    data = [{"instruction": _messages(i)[0]["content"]} for i in range(rows)]
    with tempfile.TemporaryDirectory() as cache:
        with Pipeline(name="bench-openai", cache_dir=cache) as pipe:
            load = LoadDataFromDicts(data=data)
            generate = TextGeneration(llm=OpenAILLM(
                model="bench", base_url=url, api_key=key, max_concurrency=concurrency,
                generation_kwargs={"max_new_tokens": MAX_TOKENS},
            ))
            load >> generate
        cpu, start = time.process_time(), time.perf_counter()
        distiset = pipe.run(use_cache=False, show_progress=False)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        ok = sum(1 for row in distiset["default"] if row.get("generation"))
        if os.environ.get("BENCH_SECRET_CHECK"):
            _check_no_secret(cache, key, pipe)
    return seconds, cpu, ok


def _check_no_secret(cache: str, key: str, pipe: Any) -> None:
    """Fail loudly if the key is in any cache file or in the pipeline's dump."""
    from pathlib import Path

    leaks = [str(p) for p in Path(cache).rglob("*") if p.is_file() and key.encode() in
             p.read_bytes()]
    if leaks or key in json.dumps(pipe.dump(), default=str):
        raise SystemExit(f"API key leaked into: {leaks or 'the pipeline dump'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["bare", "sdk", "sdk-aiohttp", "plugin", "pipeline"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default="sk-bench")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--log", default=None, help="write all logs (DEBUG) to this file")
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(filename=args.log, level=logging.DEBUG)
    else:
        logging.basicConfig(level=logging.WARNING)
    if args.mode in ("plugin", "pipeline"):
        runner = plugin if args.mode == "plugin" else pipeline
        seconds, cpu, ok = runner(args.url, args.key, args.rows, args.concurrency)
    else:
        import aiohttp  # noqa: F401  (imports outside the timed region, as for the others)
        import openai  # noqa: F401

        if args.mode == "bare":
            work = bare(args.url, args.key, args.rows, args.concurrency)
        else:
            work = sdk(args.url, args.key, args.rows, args.concurrency, args.mode == "sdk-aiohttp")
        cpu, start = time.process_time(), time.perf_counter()
        ok = asyncio.run(work)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = {"seconds": seconds, "rows": args.rows, "ok": ok, "cpu": cpu}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
