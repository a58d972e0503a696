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

from distilabel._distiset_arrow import has_datasets
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
    string such as ``s3://bucket/...``) read through fsspec. ``owned`` says that
    ``path`` is in a folder distilabel owns (a run's snapshot), so files derived from
    it may be written beside it; a user's folder is never written to.
    """

    def __init__(
        self,
        path: Optional[Union[Path, str]] = None,
        num_rows: Optional[int] = None,
        layout: str = "jsonl",
        rows: Optional[list[Row]] = None,
        owned: bool = False,
    ) -> None:
        if (path is None) == (rows is None):
            raise ValueError("StepRows needs exactly one of `path` or `rows`.")
        self.path = path
        self.owned = owned
        self.layout = layout
        self._rows = rows
        self._num_rows = num_rows
        self._index: Optional[list[tuple[int, int]]] = None
        self._dataset: Any = None

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
                return self.to_dataset() if has_datasets() else self
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

    def to_dataset(self) -> Any:
        """The rows as a ``datasets.Dataset`` memory-mapped from an Arrow file on disk
        (made once: beside a run's snapshot, or in distilabel's cache for a folder
        ``load_from_disk`` read, never in it), so large outputs stay cheap.

        Raises:
            ImportError: ``datasets`` is not installed (says what to install).
        """
        if self._dataset is None:
            from distilabel._distiset_arrow import arrow_dataset
            from distilabel.steps._load_hub import import_datasets

            import_datasets("StepRows.to_dataset()")
            local = Path(self.path) if isinstance(self.path, Path) else None
            self._dataset = arrow_dataset(self, local, beside=self.owned)
        return self._dataset

    def hold(self, folder: Union[Path, str]) -> None:
        """Keep ``folder`` (a run's snapshot: a path or an fsspec URL) from being pruned
        while these rows live."""
        import weakref

        from distilabel.pipeline.storage._snapshot_hold import hold, release

        hold(folder)
        weakref.finalize(self, release, folder)

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
        self,
        path: Union[str, os.PathLike[str]],
        formats: Optional[Sequence[str]] = None,
        save_card: bool = True,
        save_pipeline_config: bool = True,
        save_pipeline_log: bool = True,
        script: Optional[Union[str, os.PathLike[str]]] = None,
    ) -> Path:
        """Write every dataset, the pipeline YAML, its log and a dataset card under ``path``.

        Layout: ``<name>/train.jsonl`` (and ``<name>/train.parquet``), ``pipeline.yaml``,
        ``pipeline.log`` (the run's log), ``README.md`` and ``distiset.json``. Everything
        is written into a staging folder first and swapped in at the end, so a save
        killed half way over an earlier one leaves the earlier one whole.

        Args:
            path: the directory (created if needed; an earlier save there is replaced).
            formats: any of ``"jsonl"``, ``"parquet"``; default JSONL, plus Parquet when
                pyarrow is installed.
            save_card: write ``README.md`` (the dataset card).
            save_pipeline_config: write ``pipeline.yaml``.
            save_pipeline_log: write ``pipeline.log``.
            script: a Python file to copy in (the script that built the pipeline); the
                card's "reproduce" section then runs it.

        Raises:
            DistilabelUserError: an unknown format, or ``path`` holds files that are not
                a saved distiset (they are never replaced).
            ImportError: Parquet was asked for and pyarrow is not installed.
        """
        from distilabel._folder_swap import staging_folder, swap_in

        root = Path(path)
        chosen = list(formats) if formats is not None else ["jsonl", *(
            ["parquet"] if _has_pyarrow() else []
        )]
        unknown = [f for f in chosen if f not in ("jsonl", "parquet")]
        if unknown or not chosen:
            raise DistilabelUserError(
                f"Unknown distiset format(s) {unknown or chosen}; use 'jsonl' and/or 'parquet'."
            )
        if "parquet" in chosen:
            _import_pyarrow()
        if root.is_dir() and any(root.iterdir()) and not (root / _MANIFEST).is_file():
            raise DistilabelUserError(
                f"'{root}' already holds files that are not a saved distiset; save to a new"
                " or empty folder (an earlier `save_to_disk` folder is replaced whole)."
            )
        if root.exists() and not root.is_dir():
            raise DistilabelUserError(f"'{root}' is a file; save the distiset to a folder.")
        staging = staging_folder(root)
        try:
            self._write_folder(staging, chosen, save_card, save_pipeline_config,
                               save_pipeline_log, Path(script) if script else None)
            swap_in(staging, root)
        except BaseException:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
            raise
        return root

    def _write_folder(
        self, root: Path, formats: list[str], save_card: bool, save_config: bool,
        save_log: bool, script: Optional[Path],
    ) -> None:
        from distilabel.pipeline.storage._store import dumps_rows

        manifest: dict[str, Any] = {"datasets": {}, "formats": formats, "complete": self.complete}
        for name, rows in self.items():
            folder = root / name
            folder.mkdir()
            if "jsonl" in formats:
                with open(folder / f"{_SPLIT}.jsonl", "wb") as fh:
                    for row in rows:
                        fh.write(dumps_rows(row) + b"\n")
            if "parquet" in formats:
                _write_parquet(rows, folder / f"{_SPLIT}.parquet")
            manifest["datasets"][name] = {"num_rows": len(rows), "columns": rows.column_names}
        if self.pipeline_yaml and save_config:
            (root / "pipeline.yaml").write_text(self.pipeline_yaml, encoding="utf-8")
        log = self.log_text() if save_log else None
        if log is not None:
            (root / _LOG).write_text(log, encoding="utf-8")
        if script is not None:
            (root / script.name).write_bytes(script.read_bytes())
        if save_card:
            card = self.dataset_card(formats[0], script.name if script else None,
                                     has_config=bool(self.pipeline_yaml and save_config))
            (root / "README.md").write_text(card, encoding="utf-8")
        (root / _MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    @classmethod
    def load_from_disk(cls, path: Union[str, os.PathLike[str]]) -> Distiset:
        """Read a distiset written by ``save_to_disk`` (JSONL lazily, else Parquet).

        Raises:
            DistilabelUserError: ``path`` is not a saved distiset.
        """
        from distilabel._folder_swap import restore_interrupted

        root = Path(path)
        restore_interrupted(root, _MANIFEST)
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
        self,
        repo_id: str,
        private: bool = False,
        token: Optional[str] = None,
        generate_card: bool = True,
        include_script: bool = False,
        commit_message: Optional[str] = None,
    ) -> None:
        """Upload the folder ``save_to_disk`` writes to the dataset repository ``repo_id``
        (created when missing) in one commit: each dataset a configuration (split
        ``train``), ``pipeline.yaml``, ``pipeline.log`` and the dataset card.

        Args:
            repo_id: ``"org/name"``.
            private: create the repository private.
            token: a Hub token (default: the logged-in one, ``HF_TOKEN``).
            generate_card: upload ``README.md`` with ``configs`` matching the files.
            include_script: upload the running script (``__main__``) too, and make the
                card's "reproduce" command run it (needed when the pipeline uses steps
                defined in that script).
            commit_message: the commit's message.

        Raises:
            ImportError: ``datasets`` is not installed (says what to install).
            DistilabelUserError: ``include_script`` without a script file to include.
        """
        import tempfile

        from distilabel.steps._load_hub import import_datasets

        import_datasets("Distiset.push_to_hub()")
        from huggingface_hub import HfApi

        script = _main_script() if include_script else None
        with tempfile.TemporaryDirectory(prefix="distilabel-push-") as tmp:
            folder = self.save_to_disk(
                Path(tmp) / "distiset", save_card=generate_card, script=script
            )
            api = HfApi(token=token)
            api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
            api.upload_folder(
                folder_path=str(folder), repo_id=repo_id, repo_type="dataset",
                commit_message=commit_message or "Upload a distiset made with distilabel",
            )

    # -- card ---------------------------------------------------------------------------

    def dataset_card(
        self, data_format: str = "jsonl", script: Optional[str] = None, has_config: bool = True
    ) -> str:
        """A README.md for the saved or pushed dataset; its ``configs`` name the
        ``<name>/train.<data_format>`` files ``save_to_disk`` writes."""
        lines = ["---", "configs:"]
        for name in self:
            lines += [f"- config_name: {name}", "  data_files:",
                      f"  - split: {_SPLIT}", f"    path: {name}/{_SPLIT}.{data_format}"]
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
        lines += self._tokens_section()
        if script is not None:
            lines += ["## Reproduce", "", f"The script that built it is `{script}`:", "",
                      "```bash", f"python {script}", "```", ""]
        elif self.pipeline_yaml and has_config:
            lines += ["## Reproduce", "", "The pipeline is in `pipeline.yaml`:", "", "```bash",
                      "distilabel pipeline run --config pipeline.yaml", "```", ""]
        return "\n".join(lines)

    def _tokens_section(self) -> list[str]:
        """The card's token table: per step and model, then the run's total."""
        summary = self.summary
        if summary is None or not (summary.input_tokens or summary.output_tokens):
            return []
        from distilabel.pricing import format_dollars

        priced = summary.cost() is not None
        cost = " cost |" if priced else ""
        lines = ["## Tokens", "", f"| step | model | input tokens | output tokens |{cost}",
                 "|---|---|---:|---:|" + ("---:|" if priced else "")]
        for name, step in summary.steps.items():
            if step.input_tokens or step.output_tokens:
                model = f"`{step.model}`" + (" (batch)" if step.batch else "") \
                    if step.model else ""
                dollars = step.cost(summary.pricing) if summary.pricing and priced else None
                cell = f" {format_dollars(dollars)} |" if dollars is not None else (
                    " |" if priced else "")
                lines.append(f"| `{name}` | {model} | {step.input_tokens} |"
                             f" {step.output_tokens} |{cell}")
        total = summary.cost()
        cell = f" {format_dollars(total)} |" if total is not None else ""
        lines += [f"| total | | {summary.input_tokens} | {summary.output_tokens} |{cell}", ""]
        return lines


def _main_script() -> Path:
    """The file ``__main__`` runs from (``python build.py``)."""
    import sys

    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if not main_file or not Path(main_file).is_file():
        raise DistilabelUserError(
            "push_to_hub(include_script=True) needs a script: run the pipeline with"
            " `python your_script.py` (not from a notebook or the REPL), or pass"
            " include_script=False."
        )
    return Path(main_file)


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
