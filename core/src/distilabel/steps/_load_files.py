"""``LoadDataFromFileSystem``: feed a pipeline from JSONL, JSON, CSV or Parquet files, local
or remote (any fsspec URL: ``s3://``, ``gs://``, ``https://``, ``memory://``, ...)."""

from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterator, Literal, Optional, Union

from pydantic import Field, PositiveInt, field_validator

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import GeneratorStepOutput, Row, StepColumns

__all__ = ["LoadDataFromFileSystem", "RemoteFile", "iter_file_rows", "resolve_data_files"]

FileType = Literal["jsonl", "json", "csv", "parquet"]

_EXTENSIONS: dict[str, FileType] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_GLOB_CHARS = ("*", "?", "[")


@dataclass(frozen=True)
class RemoteFile:
    """A data file behind an fsspec URL: its file system and its path there."""

    url: str
    fs: Any
    path: str

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path.split("?", 1)[0]).suffix

    def open(self, mode: str = "rb") -> IO[Any]:
        return self.fs.open(self.path, mode)  # type: ignore[no-any-return]

    def stamp(self) -> tuple[str, Any, str]:
        """``(url, size, version)``: what says the file changed (mtime, ETag, ...)."""
        info = self.fs.info(self.path)
        version = next((str(info[k]) for k in ("mtime", "LastModified", "last_modified",
                                                "ETag", "etag", "updated") if k in info), "")
        return self.url, info.get("size"), version

    def __str__(self) -> str:
        return self.url


DataFile = Union[Path, RemoteFile]


def _is_url(pattern: str) -> bool:
    return "://" in pattern


def _remote_files(
    pattern: str, filetype: Optional[str], storage_options: Optional[dict[str, Any]]
) -> list[RemoteFile]:
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(pattern, **(storage_options or {}))
        if any(ch in root for ch in _GLOB_CHARS):
            found = sorted(p for p in fs.glob(root) if fs.isfile(p))
        elif fs.isfile(root):
            found = [root]
        elif fs.isdir(root):
            found = sorted(
                p for p in fs.find(root)
                if filetype or PurePosixPath(p).suffix.lower() in _EXTENSIONS
            )
        else:
            raise DistilabelUserError(
                f"Data file '{pattern}' does not exist. Pass an existing file, directory or"
                " glob pattern as `data_files`."
            )
    except ImportError as exc:
        raise ImportError(f"Reading '{pattern}': {exc}") from None
    except (OSError, ValueError) as exc:
        raise DistilabelUserError(
            f"Cannot list data files at '{pattern}': {type(exc).__name__}: {exc}. Check the"
            " URL and `storage_options` (credentials)."
        ) from None
    return [RemoteFile(fs.unstrip_protocol(p), fs, p) for p in found]


def _filetype(path: DataFile, explicit: Optional[str]) -> FileType:
    if explicit:
        return explicit  # type: ignore[return-value]
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise DistilabelUserError(
            f"Cannot tell the format of '{path}' from its extension; supported: "
            f"{', '.join(sorted(_EXTENSIONS))}. Set `filetype` to one of jsonl, json, csv,"
            " parquet."
        )
    return found


def resolve_data_files(
    spec: Union[str, list[str]], filetype: Optional[str] = None,
    storage_options: Optional[dict[str, Any]] = None,
) -> list[DataFile]:
    """Expand ``spec`` (a path, a directory, a glob, an fsspec URL of any of these, or a
    list of them) into sorted files.

    Raises:
        DistilabelUserError: a path does not exist or a pattern matches no file.
        ImportError: a URL's file system needs a package that is not installed (s3fs...).
    """
    patterns = [spec] if isinstance(spec, str) else list(spec)
    files: list[DataFile] = []
    for pattern in patterns:
        found: list[Any]
        path = Path(os.path.expanduser(str(pattern)))
        if _is_url(str(pattern)):
            found = _remote_files(str(pattern), filetype, storage_options)
        elif any(ch in str(pattern) for ch in _GLOB_CHARS):
            found = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
            found = [p for p in found if p.is_file()]
        elif path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and (filetype or p.suffix.lower() in _EXTENSIONS)
            )
        elif path.is_file():
            found = [path]
        else:
            raise DistilabelUserError(
                f"Data file '{pattern}' does not exist (working directory: {os.getcwd()})."
                " Pass an existing file, directory or glob pattern as `data_files`."
            )
        if not found:
            raise DistilabelUserError(
                f"`data_files` pattern '{pattern}' matches no data file. Supported extensions:"
                f" {', '.join(sorted(_EXTENSIONS))}."
            )
        files.extend(found)
    return files


@contextmanager
def _text(path: DataFile) -> Iterator[IO[str]]:
    if isinstance(path, Path):
        with path.open(encoding="utf-8", newline="") as fh:
            yield fh
    else:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
            yield fh


def _iter_jsonl(path: DataFile) -> Iterator[Row]:
    with _text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DistilabelUserError(f"Invalid JSON in {path}:{number}: {exc.msg}.") from None
            if not isinstance(row, dict):
                raise DistilabelUserError(
                    f"{path}:{number} holds a {type(row).__name__}; each line must be a JSON"
                    " object (one row)."
                )
            yield row


def _iter_json(path: DataFile) -> Iterator[Row]:
    with _text(path) as fh:
        head = fh.read(1024).lstrip()
    if not head.startswith("["):
        yield from _iter_jsonl(path)
        return
    try:
        with _text(path) as fh:
            data = json.loads(fh.read())
    except json.JSONDecodeError as exc:
        raise DistilabelUserError(
            f"Invalid JSON in {path}: {exc.msg} (line {exc.lineno})."
        ) from None
    for index, row in enumerate(data):
        if not isinstance(row, dict):
            raise DistilabelUserError(
                f"{path}: item {index} is a {type(row).__name__}; the array must hold objects."
            )
        yield row


def _iter_csv(path: DataFile) -> Iterator[Row]:
    with _text(path) as fh:
        yield from csv.DictReader(fh)


def _iter_parquet(path: DataFile) -> Iterator[Row]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(
            f"Reading Parquet file '{path}' needs pyarrow: pip install 'distilabel-core[parquet]'"
            " (or `pip install pyarrow`)."
        ) from None
    with path.open("rb") as fh:
        parquet = pq.ParquetFile(fh)
        for record_batch in parquet.iter_batches(batch_size=1024):
            yield from record_batch.to_pylist()


_READERS = {"jsonl": _iter_jsonl, "json": _iter_json, "csv": _iter_csv, "parquet": _iter_parquet}


def iter_file_rows(files: list[DataFile], filetype: Optional[str] = None) -> Iterator[Row]:
    """Yield the rows of ``files`` in order, each read with its format's reader."""
    for path in files:
        yield from _READERS[_filetype(path, filetype)](path)


class LoadDataFromFileSystem(GeneratorStep):
    """Produce the rows of local data files: JSONL, JSON (array or lines), CSV, Parquet.

    ``data_files`` is a path, a directory (every supported file in it, recursively), a
    glob (``data/*.jsonl``, ``data/**/*.csv``) or a list of these; each may be an fsspec
    URL (``s3://bucket/data/*.jsonl``, ``https://host/train.csv``), opened with
    ``storage_options`` (credentials, endpoint) and the file system's package installed
    (``s3fs``, ``gcsfs``, ...; HTTP needs ``aiohttp``). Files are read in
    sorted order and streamed, so large files do not need to fit in memory. CSV values
    are strings; Parquet needs the ``parquet`` extra (pyarrow).

    Example::

        LoadDataFromFileSystem(name="load", data_files="data/*.jsonl")
    """

    data_files: RuntimeParameter[Union[str, list[str]]] = Field(
        default=None, description="A file, directory or glob (or a list of them) to read."
    )
    filetype: Optional[RuntimeParameter[FileType]] = Field(
        default=None, description="The format of every file (default: from the extension)."
    )
    num_examples: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None, description="Read at most this many rows."
    )
    storage_options: Optional[dict[str, Any]] = Field(
        default=None,
        description="fsspec options for URLs in `data_files` (credentials, endpoint, ...).",
    )

    @field_validator("data_files", mode="before")
    @classmethod
    def _paths_to_str(cls, value: Any) -> Any:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, (list, tuple)):
            return [os.fspath(v) if isinstance(v, os.PathLike) else v for v in value]
        return value

    def _files(self) -> list[DataFile]:
        if self.data_files is None:
            raise DistilabelUserError(
                f"Step '{self.name}' has no `data_files`: pass data_files=... or set it with"
                f" run(parameters={{'{self.name}': {{'data_files': 'data/*.jsonl'}}}})."
            )
        return resolve_data_files(self.data_files, self.filetype, self.storage_options)

    def _peek_columns(self) -> Optional[list[str]]:
        try:
            first = next(iter_file_rows(self._files()[:1], self.filetype), None)
        except (DistilabelUserError, ImportError, OSError):
            return None
        return list(first) if first is not None else []

    @property
    def outputs(self) -> StepColumns:
        return self._peek_columns() or []

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        columns = self._peek_columns()
        if columns is None:
            return None
        return {self.output_mappings.get(c, c) for c in columns}

    def total_rows(self) -> Optional[int]:
        return self.num_examples

    def signature_data(self) -> Any:
        """Each file's path, size and modification time: edited files invalidate the cache."""
        try:
            return [
                p.stamp() if isinstance(p, RemoteFile) else (str(p), p.stat().st_size,
                                                            p.stat().st_mtime_ns)
                for p in self._files()
            ]
        except (DistilabelUserError, ImportError, OSError):
            return None

    def load(self) -> None:
        """Check that ``data_files`` resolves to readable files."""
        self._files()
        super().load()

    def process(self, offset: int = 0) -> GeneratorStepOutput:
        """Stream the rows from ``offset`` on, ``batch_size`` at a time."""
        rows: Iterator[Row] = iter_file_rows(self._files(), self.filetype)
        if self.num_examples is not None:
            rows = itertools.islice(rows, self.num_examples)
        rows = itertools.islice(rows, offset, None)
        size = self.batch_size or 50
        batch = list(itertools.islice(rows, size))
        while True:
            following = list(itertools.islice(rows, size))
            yield batch, not following
            if not following:
                return
            batch = following
