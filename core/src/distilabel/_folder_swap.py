"""Replace a folder by a fully written one, so readers see the old or the new, never a mix.

``save_to_disk`` writes everything into a hidden staging folder beside the target
(``.<name>.saving-<pid>-<ns>``), then swaps it in. On Linux the swap is one
``renameat2(RENAME_EXCHANGE)`` call; elsewhere (or on a file system without it) the old
folder is first renamed to ``.<name>.old-<pid>-<ns>`` and the new one renamed into place.
A process killed between those two renames leaves the old folder beside the target:
``restore_interrupted`` puts it back, and leftover staging folders of dead processes are
removed by the next save.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import time
from pathlib import Path
from typing import Optional

__all__ = ["remove_stale", "restore_interrupted", "staging_folder", "swap_in"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_folder(target: Path) -> Path:
    """A new, empty hidden folder beside ``target`` to write the replacement into."""
    remove_stale(target)
    folder = target.parent / f".{target.name}.saving-{os.getpid()}-{time.time_ns()}"
    folder.mkdir(parents=True)
    return folder


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two existing paths (Linux ``renameat2``); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the folder at ``target`` in one step; the old one is deleted."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old contents
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}-{time.time_ns()}"
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def restore_interrupted(target: Path, marker: str) -> Optional[Path]:
    """Put back the old folder a save killed between its two renames left beside
    ``target`` (one holding ``marker``); returns it, or None when there is none."""
    if target.exists():
        return None
    olds = sorted(target.parent.glob(f".{target.name}.old-*"))
    for old in reversed(olds):
        if (old / marker).is_file():
            try:
                os.rename(old, target)
            except OSError:
                return None
            return target
    return None


def remove_stale(target: Path) -> None:
    """Delete staging and old folders beside ``target`` left by processes that died."""
    from distilabel.pipeline.storage._object_lock import pid_alive

    if not target.parent.is_dir():
        return
    for kind in ("saving", "old"):
        for folder in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = folder.name.rsplit("-", 2)[-2]
            if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
                if kind == "old" and not target.exists():
                    continue  # restore_interrupted may still need it
                shutil.rmtree(folder, ignore_errors=True)
