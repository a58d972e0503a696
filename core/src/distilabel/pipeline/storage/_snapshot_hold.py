"""Keep a run's distiset snapshot while a ``Distiset`` (in any process) still reads it.

Every run snapshots its leaves' rows into ``<run_dir>/distisets/<stamp>/`` and prunes
all but the last few snapshots. A ``StepRows`` reading a snapshot *holds* its folder: the
first holder in a process writes ``.held-by-<pid>`` there, the last one to be garbage
collected removes it. Pruning skips a folder held by a live process, so a ``Distiset``
returned by ``run()`` stays valid while it is referenced, whatever later runs do; the
marker of a process that died no longer protects anything.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["hold", "is_held", "release"]

_COUNTS: dict[Path, int] = {}
_LOCK = threading.Lock()
_PREFIX = ".held-by-"


def _marker(folder: Path) -> Path:
    return folder / f"{_PREFIX}{os.getpid()}"


def hold(folder: Path) -> None:
    """Mark ``folder`` as read by this process (counted; pair with ``release``)."""
    with _LOCK:
        count = _COUNTS.get(folder, 0)
        if count == 0:
            try:
                _marker(folder).touch()
            except OSError:
                return  # a read-only or vanished folder: nothing to protect
        _COUNTS[folder] = count + 1


def release(folder: Path) -> None:
    """Undo one ``hold``; the last one removes this process's marker."""
    with _LOCK:
        count = _COUNTS.get(folder, 0) - 1
        if count > 0:
            _COUNTS[folder] = count
            return
        _COUNTS.pop(folder, None)
        try:
            _marker(folder).unlink()
        except OSError:
            pass


def is_held(folder: Path) -> bool:
    """Whether a live process (this one included) holds ``folder``."""
    from distilabel.pipeline.storage._object_lock import pid_alive

    for marker in folder.glob(f"{_PREFIX}*"):
        pid = marker.name[len(_PREFIX):]
        if not pid.isdigit():
            continue
        if int(pid) == os.getpid():
            with _LOCK:
                if _COUNTS.get(folder):
                    return True
            continue
        if pid_alive(int(pid)):
            return True
    return False
