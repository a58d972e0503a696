"""The Ray engine: the same DAG with steps as Ray actors, replicas and resources.

``pipeline.ray(...).run(...)``, ``pipeline.run(engine="ray")`` and the CLI's
``--engine ray`` come here. Importing this package does not import Ray; running does.
"""

from __future__ import annotations

from distilabel.pipeline.ray._run import RayPipeline, run_on_ray

__all__ = ["RayPipeline", "run_on_ray"]
