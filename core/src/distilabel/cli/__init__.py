"""The ``distilabel`` command line.

``distilabel llms list`` / ``distilabel llms info NAME`` describe installed LLM backends,
``distilabel embeddings list`` / ``info NAME`` the embedding-model backends;
``distilabel --version`` prints the core's version. Sub-commands import only what they
use, so start-up stays fast however many plugins are installed.
"""

from distilabel.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
