"""A folder on an fsspec filesystem (``s3://bucket/prefix``, ``gs://...``, ``file://...``):
whole-object reads, writes, listings and deletes.

fsspec is imported here, when a run directory is a URL, never by ``import distilabel``.
Credentials are the filesystem's own business (``AWS_*`` variables and ``~/.aws`` for
s3fs, ``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs, fsspec's ``FSSPEC_<PROTOCOL>_<OPTION>``
variables and config files): distilabel never takes, stores or prints them, and
``redact`` removes a ``user:password@`` part of a URL before it goes into a message.
"""

from __future__ import annotations

import re
from typing import IO, Any, Iterator, Optional

from distilabel.errors import DistilabelUserError, PluginNotAvailableError

__all__ = ["ObjectFolder", "filesystem", "open_url", "protocol_of", "redact", "scrub"]

_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/@]*@")
_PROTOCOL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)(://|::)")
_READ_CHUNK = 32


def redact(url: str) -> str:
    """``url`` without the ``user:password@`` part, for messages and logs."""
    return _USERINFO.sub(r"\1***@", url)


def scrub(text: str, url: str) -> str:
    """``text`` (an error message about ``url``) without ``url``'s user info."""
    match = _USERINFO.match(url)
    if match is None:
        return text
    userinfo = url[len(match.group(1)):match.end() - 1]
    for secret in {userinfo, *userinfo.split(":")[1:]}:
        if secret:
            text = text.replace(secret, "***")
    return text


def protocol_of(url: str) -> str:
    """The (outermost) protocol of ``url``: ``s3`` for ``s3://bucket/key``."""
    match = _PROTOCOL.match(url)
    return match.group(1).lower() if match else "file"


def _import_fsspec(url: str) -> Any:
    try:
        import fsspec.core
    except ImportError:
        raise PluginNotAvailableError(
            f"The run directory '{redact(url)}' is a URL, which needs fsspec: pip install"
            " fsspec (plus the filesystem's package, e.g. s3fs for s3://, gcsfs for gs://)."
        ) from None
    return fsspec


def filesystem(url: str) -> tuple[Any, str]:
    """``(fsspec filesystem, path on it)`` for ``url``.

    Raises:
        PluginNotAvailableError: fsspec, or the package implementing the protocol (s3fs,
            gcsfs, adlfs...), is not installed; the message names what to install.
        DistilabelUserError: fsspec does not know the protocol.
    """
    fsspec = _import_fsspec(url)
    protocol = protocol_of(url)
    try:
        return fsspec.core.url_to_fs(url)  # type: ignore[no-any-return]
    except ImportError as exc:
        from fsspec.registry import known_implementations

        known = known_implementations.get(protocol, {})
        package = str(known.get("class", "")).split(".")[0] or f"the {protocol} filesystem"
        raise PluginNotAvailableError(
            f"The run directory '{redact(url)}' is on '{protocol}://', whose fsspec"
            f" implementation is not installed ({exc}): pip install {package} on the driver"
            " and on every node that runs steps."
        ) from None
    except ValueError as exc:
        if "protocol" not in str(exc).lower():
            raise _cannot_open(url, exc) from None
        from fsspec.registry import known_implementations

        common = [p for p in ("s3", "gs", "gcs", "az", "abfs", "hdfs", "sftp", "file", "memory")
                  if p in known_implementations]
        raise DistilabelUserError(
            f"Unknown storage protocol '{protocol}' in the run directory '{redact(url)}'."
            f" Use a local path or a URL fsspec knows ({', '.join(common)}, ...; see"
            " fsspec.available_protocols())."
        ) from None
    except Exception as exc:  # connection refused, bad options...: say where, hide secrets
        raise _cannot_open(url, exc) from None


def _cannot_open(url: str, exc: Exception) -> DistilabelUserError:
    return DistilabelUserError(
        f"Cannot open the run directory '{redact(url)}': {type(exc).__name__}:"
        f" {scrub(str(exc), url)}. Check the URL and the storage's configuration, or use"
        " another cache_dir / DISTILABEL_CACHE_DIR."
    )


_HIERARCHICAL = {"file", "local", "sftp", "ssh", "ftp", "smb", "hdfs", "webhdfs", "arrow_hdfs"}


def _parent(path: str) -> str:
    return path.rstrip("/").rpartition("/")[0]


def _make_parent(fs: Any, path: str) -> bool:
    """Create ``path``'s folder on filesystems that need folders; ``False`` on object
    stores, where ``makedirs`` could create a bucket (a typo must stay an error)."""
    protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
    if not protocols & _HIERARCHICAL:
        return False
    fs.makedirs(_parent(path), exist_ok=True)
    return True


def open_url(url: str, mode: str = "rb") -> IO[bytes]:
    """Open the object at ``url`` (``"rb"`` or ``"wb"``; parent folders made as needed)."""
    fs, path = filesystem(url)
    return _open(fs, path, mode)


def _open(fs: Any, path: str, mode: str) -> IO[bytes]:
    try:
        return fs.open(path, mode)  # type: ignore[no-any-return]
    except FileNotFoundError:
        if "w" not in mode or not _make_parent(fs, path):
            raise
        return fs.open(path, mode)  # type: ignore[no-any-return]


class ObjectFolder:
    """The folder at ``url`` on its fsspec filesystem; names below it are relative
    (``"steps/load/signature"``)."""

    def __init__(self, url: str, fs: Optional[Any] = None, root: Optional[str] = None) -> None:
        self.url = url.rstrip("/")
        if fs is None or root is None:
            fs, root = filesystem(self.url)
        self.fs = fs
        self.root = root.rstrip("/")

    def __repr__(self) -> str:
        return f"ObjectFolder({redact(self.url)!r})"

    def child(self, name: str) -> ObjectFolder:
        """The folder ``name`` below this one (same filesystem)."""
        return ObjectFolder(f"{self.url}/{name}", self.fs, self.path(name))

    def path(self, name: str = "") -> str:
        """The filesystem path of ``name``."""
        return f"{self.root}/{name}" if name else self.root

    def url_of(self, name: str) -> str:
        """The URL of ``name``."""
        return f"{self.url}/{name}"

    def put(self, name: str, data: bytes) -> None:
        """Write the whole object ``name``."""
        path = self.path(name)
        try:
            self.fs.pipe_file(path, data)
        except FileNotFoundError:
            if not _make_parent(self.fs, path):
                raise
            self.fs.pipe_file(path, data)

    def get(self, name: str) -> Optional[bytes]:
        """The object ``name``, or ``None`` when there is none."""
        try:
            return self.fs.cat_file(self.path(name))  # type: ignore[no-any-return]
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            return None

    def iter_many(self, names: list[str]) -> Iterator[Optional[bytes]]:
        """The objects ``names`` in order (``None`` for a missing one), fetched a chunk
        at a time, concurrently on filesystems that can."""
        for start in range(0, len(names), _READ_CHUNK):
            chunk = [self.path(n) for n in names[start:start + _READ_CHUNK]]
            results = self.fs.cat_ranges(
                chunk, [None] * len(chunk), [None] * len(chunk), on_error="return"
            )
            for result in results:
                if isinstance(result, (FileNotFoundError, IsADirectoryError)):
                    yield None
                elif isinstance(result, BaseException):
                    raise result
                else:
                    yield result

    def names(self, name: str = "") -> list[str]:
        """Sorted names of the entries directly below ``name`` (none when it is missing)."""
        path = self.path(name)
        self.fs.invalidate_cache(path)
        try:
            entries = self.fs.ls(path, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        prefix = path.rstrip("/") + "/"
        found = set()
        for entry in entries:
            entry = str(entry).rstrip("/")
            tail = entry[len(prefix):] if entry.startswith(prefix) else entry.rpartition("/")[2]
            if tail and "/" not in tail:
                found.add(tail)
        return sorted(found)

    def exists(self, name: str = "") -> bool:
        """Whether ``name`` exists (an object or a folder with objects)."""
        return bool(self.fs.exists(self.path(name)))

    def remove(self, name: str = "") -> None:
        """Delete ``name`` and everything below it; nothing when it is missing."""
        path = self.path(name)
        try:
            if self.fs.exists(path):
                self.fs.rm(path, recursive=True)
        except FileNotFoundError:
            pass
        self.fs.invalidate_cache(path)

    def open(self, name: str, mode: str = "rb") -> IO[bytes]:
        """Open the object ``name`` for streaming (``"rb"`` or ``"wb"``)."""
        return _open(self.fs, self.path(name), mode)
