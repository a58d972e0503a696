"""``LoadDataFromHub``: feed a pipeline from a Hugging Face dataset (Hub or local directory),
memory-mapped or streamed.

Needs the ``datasets`` extra (``pip install 'distilabel-core[datasets]'``); it is imported
in ``load()``, never when distilabel is imported.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, Optional

from pydantic import Field, PositiveInt, PrivateAttr

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import GeneratorStepOutput, StepColumns

__all__ = ["DatasetRows", "LoadDataFromHub", "import_datasets", "saved_split"]


def import_datasets(purpose: str) -> Any:
    """Import ``datasets`` or raise an ImportError saying what needs it and how to install it."""
    try:
        import datasets
    except ImportError:
        raise ImportError(
            f"{purpose} needs the Hugging Face `datasets` package: pip install datasets"
            " (or pip install 'distilabel-core[datasets]')."
        ) from None
    return datasets


def _local_features(path: Path, split: str) -> Optional[list[str]]:
    """Column names of a ``save_to_disk`` directory, read from its metadata files."""
    for info in (path / split / "dataset_info.json", path / "dataset_info.json"):
        if info.is_file():
            features = json.loads(info.read_text(encoding="utf-8")).get("features")
            if isinstance(features, dict):
                return list(features)
    return None


class DatasetRows(GeneratorStep):
    """What the dataset loaders share: ``load()`` sets ``_dataset`` (a ``datasets.Dataset``,
    an ``IterableDataset`` when streaming, or a sequence of row dicts) and ``process``
    yields its rows from ``offset`` on."""

    num_examples: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None, description="Read at most this many rows."
    )

    _dataset: Any = PrivateAttr(default=None)

    def _columns(self) -> Optional[list[str]]:
        """The dataset's columns, when known before or after ``load()``."""
        names = getattr(self._dataset, "column_names", None)
        return list(names) if names is not None else None

    @property
    def outputs(self) -> StepColumns:
        return self._columns() or []

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        columns = self._columns()
        if columns is None:
            return None
        return {self.output_mappings.get(c, c) for c in columns}

    def unload(self) -> None:
        """Release the dataset."""
        self._dataset = None
        super().unload()

    def total_rows(self) -> Optional[int]:
        if self._dataset is not None and hasattr(self._dataset, "__len__"):
            return len(self._dataset)
        return self.num_examples

    def process(self, offset: int = 0) -> GeneratorStepOutput:
        """Yield the rows from ``offset`` on, ``batch_size`` at a time."""
        if self._dataset is None:
            raise DistilabelUserError(f"Step '{self.name}' must be loaded before `process`.")
        size = self.batch_size or 50
        if not hasattr(self._dataset, "__len__"):  # streamed: read as it comes
            rows = iter(self._dataset)
            if self.num_examples is not None:
                rows = itertools.islice(rows, self.num_examples)
            rows = itertools.islice(rows, offset, None)
            batch = [dict(row) for row in itertools.islice(rows, size)]
            while True:
                following = [dict(row) for row in itertools.islice(rows, size)]
                yield batch, not following
                if not following:
                    return
                batch = following
        dataset = self._dataset
        total = len(dataset)
        if offset >= total:
            yield [], True
            return
        for start in range(offset, total, size):
            chunk = dataset[start:start + size]
            if isinstance(chunk, dict):  # a datasets.Dataset slice: columns of values
                names = list(chunk)
                chunk = [dict(zip(names, values, strict=True))
                         for values in zip(*chunk.values(), strict=True)]
            yield [dict(row) for row in chunk], start + size >= total


class LoadDataFromHub(DatasetRows):
    """Produce the rows of a Hugging Face dataset split.

    ``repo_id`` is a Hub id (``"org/name"``) or a local directory: one written by
    ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk``, or a folder of data files
    that ``datasets.load_dataset`` understands. Local directories work offline. With
    ``streaming=True`` rows are read as the pipeline asks for them (nothing is
    downloaded or converted first), for datasets too big to hold on disk.

    Example::

        LoadDataFromHub(name="load", repo_id="./my_dataset", split="train")
    """

    repo_id: RuntimeParameter[str] = Field(
        default=None, description="The Hub dataset id, or a local dataset directory."
    )
    split: RuntimeParameter[str] = Field(default="train", description="The split to read.")
    config: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The dataset configuration (subset), if it has several."
    )
    revision: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The Hub revision (branch, tag or commit) to read."
    )
    streaming: RuntimeParameter[bool] = Field(
        default=False,
        description="Read rows as they are needed instead of preparing the whole split.",
    )

    def _local_path(self) -> Optional[Path]:
        if self.repo_id is None:
            return None
        path = Path(self.repo_id).expanduser()
        return path if path.is_dir() else None

    def _columns(self) -> Optional[list[str]]:
        loaded = super()._columns()
        if loaded is not None or self._dataset is not None:
            return loaded
        local = self._local_path()
        if local is not None:
            return _local_features(local, self.split or "train")
        return None

    def load(self) -> None:
        """Open the dataset split (memory-mapped, or streamed with ``streaming=True``)."""
        datasets = import_datasets(f"Step '{self.name}' (LoadDataFromHub)")
        if self.repo_id is None:
            raise DistilabelUserError(
                f"Step '{self.name}' has no `repo_id`: pass a Hub id or a local directory."
            )
        local = self._local_path()
        split = self.split or "train"
        if local is not None and (
            (local / "dataset_dict.json").is_file() or (local / "state.json").is_file()
        ):
            loaded = saved_split(self.name, datasets.load_from_disk(str(local)), split,
                                 self.repo_id)
            if self.streaming:
                loaded = loaded.to_iterable_dataset()
        else:
            loaded = datasets.load_dataset(
                str(local) if local is not None else self.repo_id,
                self.config, split=split, revision=self.revision,
                streaming=bool(self.streaming),
            )
        if self.num_examples is not None and hasattr(loaded, "__len__"):
            loaded = loaded.select(range(min(self.num_examples, len(loaded))))
        self._dataset = loaded
        super().load()


def saved_split(step: str, loaded: Any, split: str, where: Any) -> Any:
    """The ``split`` of what ``load_from_disk`` returned (a Dataset is its own split).

    Raises:
        DistilabelUserError: a DatasetDict without that split (the message lists them).
    """
    import datasets

    if isinstance(loaded, datasets.DatasetDict):
        if split not in loaded:
            raise DistilabelUserError(
                f"Step '{step}': dataset '{where}' has no split '{split}'; available:"
                f" {', '.join(loaded)}."
            )
        return loaded[split]
    return loaded
