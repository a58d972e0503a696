"""``ObjectRunLock``: a best-effort lease on a URL run directory.

Object stores have no OS lock that dies with its process. The lease is an object,
``<run_dir>/lock``, naming its owner (host, process, a random token) and a heartbeat
that a background thread renews every ``TTL / 3`` seconds. Another run refuses to start
while the lease is live: its heartbeat is younger than ``TTL`` and, on the same host, its
process still exists. So a run killed with ``kill -9`` can be resumed at once on the same
machine, and after ``TTL`` seconds (90) from any other.

Two runs starting within the same instant may both take the lease (there is no atomic
create-if-absent across fsspec filesystems); the second write wins and the loser is told
when it checks the lease again. Do not start the same pipeline twice against one URL.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from typing import Any, Optional

from distilabel.errors import DistilabelUserError
from distilabel.pipeline.storage._object_folder import ObjectFolder, redact

__all__ = ["ObjectRunLock", "lease_live", "pid_alive"]

_logger = logging.getLogger("distilabel.pipeline")
TTL_SECONDS = 90.0


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine, on every platform.

    Not ``kill(pid, 0)``: on Windows ``os.kill`` does not test a process, it ends it
    (signal 0 is ``CTRL_C_EVENT`` there). psutil asks each platform its own way.
    """
    import psutil

    try:
        return bool(psutil.pid_exists(pid))
    except (OSError, ValueError):
        return True  # cannot tell: treat the lease as held, it expires on its own


def lease_live(info: dict[str, Any], ttl: float = TTL_SECONDS) -> bool:
    """Whether the lease record ``info`` (``host``, ``pid``, ``heartbeat``) is live: its
    heartbeat is younger than ``ttl`` and, on this host, its process exists."""
    try:
        age = time.time() - float(info["heartbeat"])
        if age > ttl:
            return False
        if info.get("host") == socket.gethostname():
            return pid_alive(int(info["pid"]))
    except (KeyError, TypeError, ValueError):
        return False
    return True


class ObjectRunLock:
    """A lease on the run directory ``url`` (see the module docstring)."""

    def __init__(self, url: str, ttl: float = TTL_SECONDS) -> None:
        self.folder = ObjectFolder(url)
        self.ttl = ttl
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def _record(self) -> bytes:
        return json.dumps({
            "token": self.token, "host": socket.gethostname(), "pid": os.getpid(),
            "heartbeat": time.time(),
        }).encode()

    def _read(self) -> Optional[dict[str, Any]]:
        data = self.folder.get("lock")
        if data is None:
            return None
        try:
            info = json.loads(data)
        except ValueError:
            return None
        return info if isinstance(info, dict) else None

    def _refuse(self, info: dict[str, Any]) -> DistilabelUserError:
        return DistilabelUserError(
            f"Another process (pid {info.get('pid')} on {info.get('host')}) is running this"
            f" pipeline with run directory '{redact(self.folder.url)}' (its lease was renewed"
            f" {max(0.0, time.time() - float(info.get('heartbeat', 0))):.0f} s ago). Wait for"
            f" it to finish; if it died on another machine, its lease expires {self.ttl:.0f} s"
            " after its last renewal (or delete the 'lock' object). Or use another cache_dir."
        )

    def acquire(self) -> None:
        """Take the lease and start renewing it.

        Raises:
            DistilabelUserError: another live process holds the lease.
        """
        current = self._read()
        if (
            current is not None and current.get("token") != self.token
            and lease_live(current, self.ttl)
        ):
            raise self._refuse(current)
        self.folder.put("lock", self._record())
        current = self._read()
        if current is None or current.get("token") != self.token:
            raise self._refuse(current or {})
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._renew, name="distilabel-run-lease", daemon=True
        )
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.folder.put("lock", self._record())
            except Exception as exc:  # a missed renewal only shortens the lease
                _logger.warning(
                    "Could not renew the lease on %s: %s", redact(self.folder.url), exc
                )

    def release(self) -> None:
        """Stop renewing and delete the lease (when it is still ours)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        try:
            current = self._read()
            if current is not None and current.get("token") == self.token:
                self.folder.remove("lock")
        except Exception as exc:  # the lease expires on its own
            _logger.warning("Could not release the lease on %s: %s", redact(self.folder.url), exc)
