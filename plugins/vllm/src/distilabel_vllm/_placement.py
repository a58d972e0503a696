"""Which CUDA devices each in-process vLLM engine uses.

Several ``vLLM`` instances in one pipeline (steps run in threads of one process) must not
share a GPU by accident. A process-wide ledger hands out devices: ``"auto"`` takes the
first free ones, an explicit list is checked against what is visible and what others hold.
The engine is built with ``CUDA_VISIBLE_DEVICES`` set to its devices (vLLM's worker
processes inherit it when they start), under one lock, and the variable is restored after.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Literal, Union

from distilabel.errors import DistilabelUserError

__all__ = ["CudaDevicePlacementError", "DeviceLedger", "LEDGER", "visible_devices"]

CudaDevices = Union[Literal["auto"], list[int]]


class CudaDevicePlacementError(DistilabelUserError):
    """Raised when an engine cannot get the CUDA devices it needs."""


def visible_devices(count: int) -> list[int]:
    """The device ids this process may use: ``CUDA_VISIBLE_DEVICES`` (integer ids) when set,
    else ``0 .. count - 1``."""
    raw = os.environ.get("CUDA_VISIBLE_DEVICES")
    if raw is None:
        return list(range(count))
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() for part in ids):
        raise CudaDevicePlacementError(
            f"CUDA_VISIBLE_DEVICES={raw!r} holds device UUIDs; distilabel's placement needs"
            " integer ids. Set cuda_devices explicitly or disable_cuda_device_placement=True."
        )
    return [int(part) for part in ids]


class DeviceLedger:
    """The devices each engine of this process holds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, list[int]] = {}
        self.build_lock = threading.Lock()
        """Held while an engine starts, since ``CUDA_VISIBLE_DEVICES`` is process-wide."""

    def claim(
        self, owner: str, wanted: CudaDevices, needed: int, available: Sequence[int]
    ) -> list[int]:
        """Give ``owner`` ``needed`` devices: the first free ones of ``available`` for
        ``"auto"``, else the ``wanted`` list (all of them must be available and free).

        Raises:
            CudaDevicePlacementError: too few devices, unknown ids, or ids another holds.
        """
        with self._lock:
            taken = {d for who, devices in self._held.items() if who != owner for d in devices}
            if wanted == "auto":
                free = [d for d in available if d not in taken]
                if len(free) < needed:
                    raise CudaDevicePlacementError(
                        f"{owner} needs {needed} CUDA device(s) but only {len(free)} of"
                        f" {list(available)} are free (others hold {sorted(taken)}). Lower"
                        " tensor_parallel_size, free a device, or set cuda_devices."
                    )
                devices = free[:needed]
            else:
                devices = list(wanted)
                unknown = [d for d in devices if d not in available]
                busy = [d for d in devices if d in taken]
                if unknown or busy or len(devices) < needed:
                    problems = []
                    if unknown:
                        problems.append(f"{unknown} not visible (visible: {list(available)})")
                    if busy:
                        problems.append(f"{busy} held by another vLLM of this process")
                    if len(devices) < needed:
                        problems.append(f"{len(devices)} given, tensor_parallel_size={needed}")
                    raise CudaDevicePlacementError(
                        f"{owner}: cuda_devices={devices} cannot be used: "
                        + "; ".join(problems) + "."
                    )
            self._held[owner] = devices
            return devices

    def release(self, owner: str) -> None:
        """Give ``owner``'s devices back."""
        with self._lock:
            self._held.pop(owner, None)

    def held(self) -> dict[str, list[int]]:
        """A copy of who holds what."""
        with self._lock:
            return {k: list(v) for k, v in self._held.items()}

    @contextlib.contextmanager
    def visible(self, devices: Sequence[int]) -> Iterator[None]:
        """Build an engine with ``CUDA_VISIBLE_DEVICES`` set to ``devices``."""
        with self.build_lock:
            before = os.environ.get("CUDA_VISIBLE_DEVICES")
            os.environ["CUDA_VISIBLE_DEVICES"] = ",".join(str(d) for d in devices)
            try:
                yield
            finally:
                if before is None:
                    os.environ.pop("CUDA_VISIBLE_DEVICES", None)
                else:
                    os.environ["CUDA_VISIBLE_DEVICES"] = before


LEDGER = DeviceLedger()
"""The ledger of this process."""
