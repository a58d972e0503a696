"""``LoadDataFromDisk``: feed a pipeline from a dataset or a distiset saved to disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from pydantic import Field

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._load_hub import DatasetRows, import_datasets, saved_split

__all__ = ["LoadDataFromDisk"]


class LoadDataFromDisk(DatasetRows):
    """Produce the rows of a dataset written by ``Dataset.save_to_disk`` /
    ``DatasetDict.save_to_disk`` (local, or remote through fsspec with
    ``storage_options``), or, with ``is_distiset=True``, of one dataset of a distiset
    written by ``Distiset.save_to_disk``.

    ``split`` picks the split of a ``DatasetDict`` (default ``train``); ``config`` picks
    the dataset of a distiset (its leaf step's name; default: its only one).

    Example::

        LoadDataFromDisk(dataset_path="./my_dataset", split="train")
    """

    dataset_path: RuntimeParameter[str] = Field(
        default=None, description="The directory `save_to_disk` wrote (a path or fsspec URL)."
    )
    split: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The split of a DatasetDict to read (default 'train')."
    )
    config: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="With is_distiset: which dataset of the distiset (default: its only one).",
    )
    is_distiset: RuntimeParameter[bool] = Field(
        default=False, description="Whether `dataset_path` holds a saved distiset."
    )
    keep_in_memory: Optional[RuntimeParameter[bool]] = Field(
        default=None, description="Copy the dataset into memory instead of memory-mapping it."
    )
    storage_options: Optional[dict[str, Any]] = Field(
        default=None, description="fsspec options for a remote `dataset_path` (credentials...)."
    )

    def _path(self) -> str:
        if self.dataset_path is None:
            raise DistilabelUserError(
                f"Step '{self.name}' has no `dataset_path`: pass the directory that"
                " `save_to_disk` wrote."
            )
        return str(self.dataset_path)

    def signature_data(self) -> Any:
        """The saved files' sizes and modification times (local paths only)."""
        try:
            root = Path(self._path()).expanduser()
        except DistilabelUserError:
            return None
        if not root.is_dir():
            return None
        return sorted((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
                      for p in root.rglob("*") if p.is_file())

    def load(self) -> None:
        """Open the saved dataset (memory-mapped unless ``keep_in_memory``)."""
        path = self._path()
        if self.is_distiset:
            self._dataset = self._distiset_rows(path)
        else:
            datasets = import_datasets(f"Step '{self.name}' (LoadDataFromDisk)")
            try:
                loaded = datasets.load_from_disk(
                    path, keep_in_memory=self.keep_in_memory,
                    storage_options=self.storage_options,
                )
            except FileNotFoundError as exc:
                raise DistilabelUserError(
                    f"Step '{self.name}': '{path}' is not a dataset saved with save_to_disk"
                    f" ({exc}). For a distiset pass is_distiset=True."
                ) from None
            self._dataset = saved_split(self.name, loaded, self.split or "train", path)
        if self.num_examples is not None:
            limit = min(self.num_examples, len(self._dataset))
            self._dataset = (self._dataset.select(range(limit)) if hasattr(
                self._dataset, "select") else list(self._dataset[:limit]))
        super().load()

    def _distiset_rows(self, path: str) -> Any:
        from distilabel.distiset import Distiset

        distiset = Distiset.load_from_disk(path)
        names = list(distiset)
        name = self.config or (names[0] if len(names) == 1 else None)
        if name not in distiset:
            raise DistilabelUserError(
                f"Step '{self.name}': the distiset at '{path}' has datasets"
                f" {', '.join(names)}; set `config` to one of them."
            )
        return distiset[name]
