"""``Distiset``: what a pipeline run returns, one dataset of rows per leaf step.

Rows are read lazily from disk (or, for a run directory on an fsspec URL, from that
storage), so a distiset of a million rows costs no memory until it is iterated.
``save_to_disk`` writes JSONL (and Parquet when pyarrow is installed) next to the
pipeline's YAML and a dataset card; ``to_datasets`` and ``push_to_hub`` use
Hugging Face ``datasets`` when it is installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Iterable,
    Iterator,
    Mapping,
    Optional,
    Sequence,
    Union,
    overload,
)

from distilabel.errors import DistilabelUserError

if TYPE_CHECKING:
    from distilabel.pipeline._summary import RunSummary

__all__ = ["Distiset", "StepRows"]

Row = dict[str, Any]
_MANIFEST = "distiset.json"
_LOG = "pipeline.log"
_SPLIT = "train"


class StepRows(Sequence[Row]):
    """The rows of one step, read lazily from a file or held in memory.

    A sequence of dicts: ``len()``, iteration (streamed), indexing and slicing,
    ``to_list()``, ``column_names``. ``path`` is a local file, or an fsspec URL (a
    string such as ``s3://bucket/...``) read through fsspec.
    """

    def __init__(
        self,
        path: Optional[Union[Path, str]] = None,
        num_rows: Optional[int] = None,
        layout: str = "jsonl",
        rows: Optional[list[Row]] = None,
    ) -> None:
        if (path is None) == (rows is None):
            raise ValueError("StepRows needs exactly one of `path` or `rows`.")
        self.path = path
        self.layout = layout
        self._rows = rows
        self._num_rows = num_rows
        self._index: Optional[list[tuple[int, int]]] = None

    @classmethod
    def from_list(cls, rows: Iterable[Row]) -> StepRows:
        """Rows held in memory."""
        return cls(rows=list(rows))

    def _open(self) -> IO[bytes]:
        assert self.path is not None
        from distilabel.pipeline.storage._location import is_url

        if is_url(self.path):
            from distilabel.pipeline.storage._object_folder import open_url

            return open_url(str(self.path), "rb")
        return open(self.path, "rb")

    def _iter_chunks(self) -> Iterator[tuple[int, list[Row]]]:
        """Yield ``(file_offset, rows)`` per stored line (batch or single row)."""
        assert self.path is not None
        from distilabel.pipeline.storage._store import iter_batch_stream

        with self._open() as fh:
            offset = 0
            if self.layout == "batches":
                for _record, body, size in iter_batch_stream(fh):
                    yield offset, json.loads(body)
                    offset += size
                return
            for line in fh:
                if line.strip():
                    yield offset, [json.loads(line)]
                offset += len(line)

    def __iter__(self) -> Iterator[Row]:
        if self._rows is not None:
            yield from self._rows
            return
        remaining = len(self)
        for _offset, rows in self._iter_chunks():
            for row in rows:
                if remaining <= 0:
                    return
                remaining -= 1
                yield row

    def __len__(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        if self._num_rows is None:
            self._num_rows = sum(n for _o, n in self._build_index())
        return self._num_rows

    def _build_index(self) -> list[tuple[int, int]]:
        if self._index is None:
            self._index = [(offset, len(rows)) for offset, rows in self._iter_chunks()]
        return self._index

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    @overload
    def __getitem__(self, index: str) -> StepRows: ...

    def __getitem__(
        self, index: Union[int, slice, str]
    ) -> Union[Row, list[Row], StepRows]:
        if isinstance(index, str):
            if index == _SPLIT:  # ``distiset["default"]["train"]`` as in distilabel 1.x
                return self
            raise KeyError(f"StepRows has one split, '{_SPLIT}'; got {index!r}.")
        if self._rows is not None:
            return self._rows[index]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"row {index} out of range for {size} rows")
        start = 0
        assert self.path is not None
        for offset, count in self._build_index():
            if index < start + count:
                with self._open() as fh:
                    fh.seek(offset)
                    line = fh.readline()
                if self.layout == "batches":
                    body = line.partition(b"\t")[2].rstrip(b"\n")
                    return json.loads(body)[index - start]  # type: ignore[no-any-return]
                return json.loads(line)  # type: ignore[no-any-return]
            start += count
        raise IndexError(index)

    def to_list(self) -> list[Row]:
        """All rows in a list (reads them into memory)."""
        return list(self)

    @property
    def column_names(self) -> list[str]:
        """Column names of the first row (rows of one step share them)."""
        for row in self:
            return list(row)
        return []

    def __repr__(self) -> str:
        return f"StepRows(num_rows={len(self)}, columns={self.column_names})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (StepRows, list)):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Distiset(dict):  # type: ignore[type-arg]
    """A mapping from leaf step name to its rows (``StepRows``).

    ``distiset["default"]`` is the only dataset when there is exactly one leaf.
    ``complete`` is false when the run was interrupted (Ctrl-C) before finishing;
    ``summary`` says what the run did (``print(distiset.summary)``).
    """

    def __init__(
        self,
        data: Optional[Mapping[str, Union[StepRows, Sequence[Row]]]] = None,
        pipeline_yaml: Optional[str] = None,
        complete: bool = True,
        log: Optional[Union[Path, str]] = None,
        summary: Optional[RunSummary] = None,
    ) -> None:
        super().__init__()
        for name, rows in (data or {}).items():
            self[name] = rows if isinstance(rows, StepRows) else StepRows.from_list(rows)
        self.pipeline_yaml = pipeline_yaml
        self.complete = complete
        self.log = log
        self.summary = summary
        """What the run that made this distiset did, per step (``RunSummary``: rows done,
        failed, retried, errors, tokens, time); ``None`` when not made by a run."""

    def log_text(self) -> Optional[str]:
        """The log of the run that made this distiset (``pipeline.log``), if kept."""
        if self.log is None:
            return None
        from distilabel.pipeline.storage._location import is_url

        if is_url(self.log):
            from distilabel.pipeline.storage._object_folder import ObjectFolder

            parent, _, name = str(self.log).rpartition("/")
            data = ObjectFolder(parent).get(name)
            return data.decode("utf-8", "replace") if data is not None else None
        path = Path(self.log)
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None

    def __missing__(self, key: str) -> StepRows:
        if key == "default" and len(self) == 1:
            return next(iter(self.values()))  # type: ignore[no-any-return]
        raise KeyError(f"No dataset '{key}' in this distiset; available: {', '.join(self)}.")

    def __repr__(self) -> str:
        inner = ", ".join(f"{k!r}: {v!r}" for k, v in self.items())
        return f"Distiset({{{inner}}})"

    # -- disk ---------------------------------------------------------------------------

    def save_to_disk(
        self, path: Union[str, os.PathLike[str]], formats: Optional[Sequence[str]] = None
    ) -> Path:
        """Write every dataset, the pipeline YAML and a dataset card under ``path``.

        Layout: ``<name>/train.jsonl`` (and ``<name>/train.parquet``), ``pipeline.yaml``,
        ``pipeline.log`` (the run's log), ``README.md`` and ``distiset.json``.

        Args:
            path: the directory (created if needed).
            formats: any of ``"jsonl"``, ``"parquet"``; default JSONL, plus Parquet when
                pyarrow is installed.

        Raises:
            ImportError: Parquet was asked for and pyarrow is not installed.
        """
        from distilabel.pipeline.storage._store import dumps_rows

        root = Path(path)
        chosen = list(formats) if formats is not None else ["jsonl", *(
            ["parquet"] if _has_pyarrow() else []
        )]
        unknown = [f for f in chosen if f not in ("jsonl", "parquet")]
        if unknown or not chosen:
            raise DistilabelUserError(
                f"Unknown distiset format(s) {unknown or chosen}; use 'jsonl' and/or 'parquet'."
            )
        root.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = {"datasets": {}, "formats": chosen, "complete": self.complete}
        for name, rows in self.items():
            folder = root / name
            folder.mkdir(exist_ok=True)
            if "jsonl" in chosen:
                tmp = folder / f"{_SPLIT}.jsonl.tmp"
                with open(tmp, "wb") as fh:
                    for row in rows:
                        fh.write(dumps_rows(row) + b"\n")
                os.replace(tmp, folder / f"{_SPLIT}.jsonl")
            if "parquet" in chosen:
                _write_parquet(rows, folder / f"{_SPLIT}.parquet")
            manifest["datasets"][name] = {"num_rows": len(rows), "columns": rows.column_names}
        if self.pipeline_yaml:
            (root / "pipeline.yaml").write_text(self.pipeline_yaml, encoding="utf-8")
        log = self.log_text()
        if log is not None:
            (root / _LOG).write_text(log, encoding="utf-8")
        (root / "README.md").write_text(self.dataset_card(), encoding="utf-8")
        (root / _MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        return root

    @classmethod
    def load_from_disk(cls, path: Union[str, os.PathLike[str]]) -> Distiset:
        """Read a distiset written by ``save_to_disk`` (JSONL lazily, else Parquet).

        Raises:
            DistilabelUserError: ``path`` is not a saved distiset.
        """
        root = Path(path)
        manifest_path = root / _MANIFEST
        if not manifest_path.is_file():
            raise DistilabelUserError(
                f"'{root}' is not a saved distiset (no {_MANIFEST}); write one with"
                " `distiset.save_to_disk(path)`."
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        data: dict[str, StepRows] = {}
        for name, info in manifest["datasets"].items():
            jsonl = root / name / f"{_SPLIT}.jsonl"
            if jsonl.is_file():
                data[name] = StepRows(jsonl, info.get("num_rows"), layout="jsonl")
            else:
                data[name] = StepRows.from_list(_read_parquet(root / name / f"{_SPLIT}.parquet"))
        yaml_path = root / "pipeline.yaml"
        return cls(
            data,
            pipeline_yaml=yaml_path.read_text(encoding="utf-8") if yaml_path.is_file() else None,
            complete=manifest.get("complete", True),
            log=root / _LOG if (root / _LOG).is_file() else None,
        )

    # -- Hugging Face datasets ----------------------------------------------------------

    def to_datasets(self) -> dict[str, Any]:
        """Return ``{name: datasets.Dataset}``.

        Raises:
            ImportError: ``datasets`` is not installed (says what to install).
        """
        from distilabel.steps._load_hub import import_datasets

        datasets = import_datasets("Distiset.to_datasets()")
        return {name: datasets.Dataset.from_list(rows.to_list()) for name, rows in self.items()}

    def push_to_hub(
        self, repo_id: str, private: bool = False, token: Optional[str] = None
    ) -> None:
        """Upload each dataset as a configuration of ``repo_id`` (split ``train``), with
        the dataset card and ``pipeline.yaml``.

        Raises:
            ImportError: ``datasets`` is not installed (says what to install).
        """
        from distilabel.steps._load_hub import import_datasets

        import_datasets("Distiset.push_to_hub()")
        from huggingface_hub import HfApi

        for name, dataset in self.to_datasets().items():
            dataset.push_to_hub(
                repo_id, config_name=name, split=_SPLIT, private=private, token=token
            )
        api = HfApi(token=token)
        api.upload_file(
            path_or_fileobj=self.dataset_card().encode("utf-8"), path_in_repo="README.md",
            repo_id=repo_id, repo_type="dataset",
        )
        if self.pipeline_yaml:
            api.upload_file(
                path_or_fileobj=self.pipeline_yaml.encode("utf-8"), path_in_repo="pipeline.yaml",
                repo_id=repo_id, repo_type="dataset",
            )

    # -- card ---------------------------------------------------------------------------

    def dataset_card(self) -> str:
        """A README.md for the saved or pushed dataset."""
        lines = ["---", "configs:"]
        for name in self:
            lines += [f"- config_name: {name}", "  data_files:",
                      f"  - split: {_SPLIT}", f"    path: {name}/{_SPLIT}.jsonl"]
        lines += ["tags:", "- synthetic", "- distilabel", "---", "",
                  "# Dataset built with distilabel", ""]
        if not self.complete:
            lines += ["**This run was interrupted; the datasets are partial.**", ""]
        for name, rows in self.items():
            lines += [f"## `{name}`", "", f"{len(rows)} rows; columns:"
                      f" {', '.join(f'`{c}`' for c in rows.column_names) or 'none'}.", ""]
            if len(rows):
                example = json.dumps(rows[0], ensure_ascii=False, indent=2, default=str)
                if len(example) > 2000:
                    example = example[:2000] + "\n..."
                lines += ["```json", example, "```", ""]
        if self.pipeline_yaml:
            lines += ["## Reproduce", "", "The pipeline is in `pipeline.yaml`:", "", "```bash",
                      "distilabel pipeline run --config pipeline.yaml", "```", ""]
        return "\n".join(lines)


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _import_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ImportError(
            "Parquet needs pyarrow: pip install 'distilabel-core[parquet]' (or pip install"
            " pyarrow)."
        ) from None
    return pyarrow


_JSON_COLUMNS_KEY = b"distilabel_json_columns"


def _write_parquet(rows: StepRows, path: Path) -> None:
    """Write ``rows`` as Parquet; columns Arrow cannot type become JSON text.

    Rows from LLMs are not always uniform (a list in one row and a string in the next,
    an empty metadata dict): rather than fail the save, such columns are stored as JSON
    strings and named in the file's metadata so ``_read_parquet`` decodes them.
    """
    pa = _import_pyarrow()
    records = rows.to_list()
    tmp = path.with_name(path.name + ".tmp")
    try:
        table = pa.Table.from_pylist(records) if records else pa.table({})
        pa.parquet.write_table(table, tmp)
    except (pa.ArrowException, ValueError, TypeError):
        columns = list(dict.fromkeys(k for r in records for k in r))
        nested = [c for c in columns if any(isinstance(r.get(c), (dict, list)) for r in records)]
        converted = [
            {c: json.dumps(r[c]) if c in nested and c in r else r.get(c) for c in columns}
            for r in records
        ]
        table = pa.Table.from_pylist(converted)
        table = table.replace_schema_metadata({_JSON_COLUMNS_KEY: json.dumps(nested).encode()})
        pa.parquet.write_table(table, tmp)
    os.replace(tmp, path)


def _read_parquet(path: Path) -> list[Row]:
    pa = _import_pyarrow()
    table = pa.parquet.read_table(path)
    rows: list[Row] = table.to_pylist()
    metadata = table.schema.metadata or {}
    if _JSON_COLUMNS_KEY in metadata:
        for column in json.loads(metadata[_JSON_COLUMNS_KEY]):
            for row in rows:
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
    return rows
