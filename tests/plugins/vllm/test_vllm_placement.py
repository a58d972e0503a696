"""GPU placement of in-process vLLM engines: the process-wide ledger hands out devices so
two engines never share one by accident, and says clearly when it cannot."""

from __future__ import annotations

import os

import pytest

from distilabel_vllm import CudaDevicePlacementError
from distilabel_vllm._placement import DeviceLedger, visible_devices


def test_auto_gives_each_engine_the_first_free_devices() -> None:
    ledger = DeviceLedger()
    assert ledger.claim("a", "auto", 2, [0, 1, 2, 3]) == [0, 1]
    assert ledger.claim("b", "auto", 1, [0, 1, 2, 3]) == [2]
    ledger.release("a")
    assert ledger.claim("c", "auto", 2, [0, 1, 2, 3]) == [0, 1]
    assert ledger.held() == {"b": [2], "c": [0, 1]}


def test_auto_without_enough_free_devices_says_what_is_held() -> None:
    ledger = DeviceLedger()
    ledger.claim("a", "auto", 1, [0, 1])
    with pytest.raises(CudaDevicePlacementError, match=r"needs 2 CUDA device\(s\) but only 1"):
        ledger.claim("b", "auto", 2, [0, 1])


def test_explicit_devices_must_be_visible_free_and_enough() -> None:
    ledger = DeviceLedger()
    assert ledger.claim("a", [1], 1, [0, 1]) == [1]
    with pytest.raises(CudaDevicePlacementError, match=r"\[1\] held by another vLLM"):
        ledger.claim("b", [1], 1, [0, 1])
    with pytest.raises(CudaDevicePlacementError, match=r"\[7\] not visible"):
        ledger.claim("b", [7], 1, [0, 1])
    with pytest.raises(CudaDevicePlacementError, match="tensor_parallel_size=2"):
        ledger.claim("b", [0], 2, [0, 1])
    assert ledger.claim("a", [1], 1, [0, 1]) == [1]  # an owner may claim its own again


def test_visible_sets_and_restores_cuda_visible_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2")
    ledger = DeviceLedger()
    with ledger.visible([2, 0]):
        assert os.environ["CUDA_VISIBLE_DEVICES"] == "2,0"
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "0,1,2"
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    with ledger.visible([3]):
        assert os.environ["CUDA_VISIBLE_DEVICES"] == "3"
    assert "CUDA_VISIBLE_DEVICES" not in os.environ


def test_visible_devices_follow_cuda_visible_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert visible_devices(2) == [0, 1]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3, 5")
    assert visible_devices(8) == [3, 5]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-1234")
    with pytest.raises(CudaDevicePlacementError, match="UUIDs"):
        visible_devices(1)
