"""distilabel: synthetic data and AI feedback pipelines with pluggable LLM backends.

The core package holds the LLM contracts (:mod:`distilabel.llms`), the plugin registry
(:mod:`distilabel.plugins`), runtime parameters (:mod:`distilabel.runtime_parameters`),
steps, tasks and the pipeline. Backends live in separately installed ``distilabel-*``
plugin distributions and are found through the ``distilabel.llms`` entry-point group.
"""

from distilabel.logging import install as _install_logging

__version__ = "0.1.0"

__all__ = ["__version__"]

_install_logging()
