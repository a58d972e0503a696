"""``python -m distilabel_openai.testing``: run the fake OpenAI server until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import sys

from distilabel_openai.testing._fake_server import FakeOpenAIServer


def main(argv: list[str] | None = None) -> None:
    """Parse the options, start the server and print ``READY <base_url>``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--capacity", type=int, default=256, help="requests served at once")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of 429/500s")
    parser.add_argument("--fault-status", default="429,500",
                        help="statuses random faults draw from, e.g. 429")
    parser.add_argument("--retry-after", type=float, default=0.05)
    parser.add_argument("--upstream", default=None, help="forward to this OpenAI base URL")
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(
        host=args.host, port=args.port, latency=args.latency, capacity=args.capacity,
        fault_rate=args.fault_rate,
        fault_status=tuple(int(c) for c in args.fault_status.split(",") if c),
        retry_after=args.retry_after, upstream=args.upstream,
    )

    async def serve() -> None:
        await server.start()
        print(f"READY {server.base_url}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
