"""Keep a run's distiset snapshot while a ``Distiset`` (in any process) still reads it.

Every run snapshots its leaves' rows into ``<run_dir>/distisets/<stamp>/`` and prunes
all but the last few snapshots. A ``StepRows`` reading a snapshot *holds* its folder: the
first holder in a process writes a marker there, the last one to be garbage collected
removes it. Pruning skips a folder held by a live process, so a ``Distiset`` returned by
``run()`` stays valid while it is referenced, whatever later runs do.

- A local folder gets ``.held-by-<pid>``; the marker of a process that died no longer
  protects anything.
- A folder on an fsspec URL (``s3://``, ``file://``, ``memory://``) gets the object
  ``.held-by-<pid>-<token>``, naming its host, process and a heartbeat that one
  background thread per process renews every ``TTL / 3`` seconds while it holds any.
  Like the run directory's lease (``ObjectRunLock``), a marker is live while its
  heartbeat is younger than ``TTL`` and, on this host, its process exists; so the hold
  of a process that died ends at once on its host and ``TTL`` seconds later elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Optional, Union

__all__ = ["hold", "is_held", "release"]

Folder = Union[Path, str]
"""A local snapshot folder (``Path``) or its fsspec URL (``str``)."""

_logger = logging.getLogger("distilabel.pipeline")
_COUNTS: dict[Folder, int] = {}
_LOCK = threading.Lock()
_PREFIX = ".held-by-"
_TOKEN = uuid.uuid4().hex
_renewer: Optional[threading.Thread] = None


def _marker(folder: Path) -> Path:
    return folder / f"{_PREFIX}{os.getpid()}"


def _url_marker() -> str:
    return f"{_PREFIX}{os.getpid()}-{_TOKEN}"


def _put_url_marker(url: str) -> None:
    from distilabel.pipeline.storage._object_folder import ObjectFolder

    record = {"host": socket.gethostname(), "pid": os.getpid(), "heartbeat": time.time()}
    ObjectFolder(url).put(_url_marker(), json.dumps(record).encode())


def _remove_url_marker(url: str) -> None:
    from distilabel.pipeline.storage._object_folder import ObjectFolder

    ObjectFolder(url).remove(_url_marker())


def hold(folder: Folder) -> None:
    """Mark ``folder`` as read by this process (counted; pair with ``release``)."""
    global _renewer
    with _LOCK:
        count = _COUNTS.get(folder, 0)
        if count == 0:
            try:
                if isinstance(folder, Path):
                    _marker(folder).touch()
                else:
                    _put_url_marker(folder)
            except Exception:
                return  # a read-only or vanished folder: nothing to protect
        _COUNTS[folder] = count + 1
        if isinstance(folder, str) and _renewer is None:
            _renewer = threading.Thread(
                target=_renew, name="distilabel-snapshot-holds", daemon=True
            )
            _renewer.start()


def release(folder: Folder) -> None:
    """Undo one ``hold``; the last one removes this process's marker."""
    with _LOCK:
        count = _COUNTS.get(folder, 0) - 1
        if count > 0:
            _COUNTS[folder] = count
            return
        _COUNTS.pop(folder, None)
        try:
            if isinstance(folder, Path):
                _marker(folder).unlink()
            else:
                _remove_url_marker(folder)
        except Exception:
            pass  # gone already; a URL marker left behind expires on its own


def _renew() -> None:
    """Renew the heartbeat of every URL this process holds until it holds none."""
    global _renewer
    from distilabel.pipeline.storage._object_lock import TTL_SECONDS

    while True:
        time.sleep(TTL_SECONDS / 3)
        with _LOCK:
            urls = [f for f in _COUNTS if isinstance(f, str)]
            if not urls:
                _renewer = None
                return
        for url in urls:
            try:
                _put_url_marker(url)
            except Exception as exc:  # a missed renewal only shortens the hold
                from distilabel.pipeline.storage._object_folder import redact

                _logger.warning("Could not renew the hold on %s: %s", redact(url), exc)


def _held_here(folder: Folder) -> bool:
    with _LOCK:
        return bool(_COUNTS.get(folder))


def is_held(folder: Folder) -> bool:
    """Whether a live process (this one included) holds ``folder``."""
    from distilabel.pipeline.storage._object_lock import lease_live, pid_alive

    if isinstance(folder, str):
        from distilabel.pipeline.storage._object_folder import ObjectFolder

        objects = ObjectFolder(folder)
        for name in objects.names():
            if not name.startswith(_PREFIX):
                continue
            if name == _url_marker():
                if _held_here(folder):
                    return True
                continue
            try:
                info = json.loads(objects.get(name) or b"")
            except ValueError:
                continue
            if isinstance(info, dict) and lease_live(info):
                return True
        return False
    for marker in folder.glob(f"{_PREFIX}*"):
        pid = marker.name[len(_PREFIX):]
        if not pid.isdigit():
            continue
        if int(pid) == os.getpid():
            if _held_here(folder):
                return True
            continue
        if pid_alive(int(pid)):
            return True
    return False
