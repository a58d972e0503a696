"""Test helpers for OpenAI-compatible backends: a fault-injecting fake server on loopback.

>>> from distilabel_openai.testing import FakeOpenAIServer
>>> server = FakeOpenAIServer(latency=0.1).start_in_thread()
>>> server.base_url        # 'http://127.0.0.1:<port>/v1'
>>> server.stop_thread()

Requires ``aiohttp`` (installed with ``distilabel-openai``).
"""

from distilabel_openai.testing._fake_server import FakeOpenAIServer, ServerStats

__all__ = ["FakeOpenAIServer", "ServerStats"]
