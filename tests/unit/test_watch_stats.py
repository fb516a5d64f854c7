"""``run.watch``'s histogram of one tensor (``trackwell.sdk.watch_stats``): bins and counts equal
``numpy.histogram(values, bins=64)`` on the same values, NaN/Inf are left out and counted, sparse
gradients count their implicit zeros; binning many tensors together gives each one's histogram
exactly (torch.histc's counts, also for values on the bin edges); and importing the watch modules
never imports torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from trackwell.sdk.watch_stats import SMALL, HostBatch, batch_histograms, tensor_histogram


def numpy_histogram(values: torch.Tensor) -> tuple[list[int], list[float]]:
    array = values.to_dense().double().numpy().ravel()
    counts, edges = np.histogram(array[np.isfinite(array)], bins=64)
    return counts.tolist(), edges.tolist()


CASES = [
    torch.randn(37, 53, generator=torch.Generator().manual_seed(0)),
    torch.randn(1000, generator=torch.Generator().manual_seed(1)).double() * 1e-6,
    torch.randn(300, generator=torch.Generator().manual_seed(2)).half(),
    torch.arange(-5, 20),
    torch.tensor([0.3]),
    torch.zeros(16),
    torch.full((4,), 1e8),
]


@pytest.mark.parametrize(
    "tensor",
    [
        torch.randn(37, 53, generator=torch.Generator().manual_seed(0)),
        torch.randn(1000, generator=torch.Generator().manual_seed(1)).double() * 1e-6,
        torch.randn(300, generator=torch.Generator().manual_seed(2)).half(),  # histc needs float: converted
        torch.arange(-5, 20),  # integers
        torch.tensor([0.3]),  # one value: numpy's range (v - 0.5, v + 0.5)
        torch.zeros(16),  # a zero-initialised bias
        torch.full((4,), 1e8),
    ],
    ids=["float32", "float64-tiny", "float16", "int64", "single", "zeros", "large-constant"],
)
def test_bins_and_counts_equal_numpys(tensor: torch.Tensor) -> None:
    hist = tensor_histogram(tensor)
    assert hist is not None
    counts, edges = numpy_histogram(tensor)
    assert hist.counts == counts
    assert hist.edges == pytest.approx(edges, rel=1e-12, abs=0)
    assert len(hist.counts) == 64 and len(hist.edges) == 65 and hist.left_out == 0


def test_nan_and_inf_are_left_out_and_counted() -> None:
    values = torch.tensor([1.0, float("nan"), 2.0, float("inf"), -float("inf"), 3.0])
    hist = tensor_histogram(values)
    assert hist is not None and hist.left_out == 3
    assert sum(hist.counts) == 3 and hist.edges[0] == 1.0 and hist.edges[-1] == 3.0
    assert (hist.counts, hist.edges) == numpy_histogram(values)


@pytest.mark.parametrize("values", [torch.tensor([float("nan"), float("inf")]), torch.empty(0)])
def test_no_finite_value_gives_none(values: torch.Tensor) -> None:
    assert tensor_histogram(values) is None  # wandb logs nothing for such a tensor either


def test_a_sparse_gradient_counts_its_implicit_zeros() -> None:
    embedding = torch.nn.Embedding(10, 3, sparse=True)
    (embedding(torch.tensor([1, 4, 4])) * torch.tensor([1.0, -2.0, 0.5])).sum().backward()
    grad = embedding.weight.grad
    assert grad is not None and grad.is_sparse
    hist = tensor_histogram(grad)
    assert hist is not None and sum(hist.counts) == 30  # 6 stored values (rows 1 and 4), 24 zeros
    counts, edges = numpy_histogram(grad)
    assert hist.counts == counts and hist.edges == pytest.approx(edges, rel=1e-12, abs=0)


def test_a_gradient_that_requires_grad_is_read_without_tracking() -> None:
    weight = torch.nn.Parameter(torch.randn(8, 8))
    hist = tensor_histogram(weight * 2)  # part of a graph: detached, no autograd error
    assert hist is not None and sum(hist.counts) == 64


def test_importing_the_watch_modules_does_not_import_torch() -> None:
    script = (
        "import sys, trackwell, trackwell.sdk.watch, trackwell.sdk.watch_stats, trackwell.sdk.watch_graph\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def _on_the_edges(seed: int) -> torch.Tensor:
    """float32 values on histc's bin edges and one ulp either side: where a rounding slip shows."""
    g = torch.Generator().manual_seed(seed)
    lo, hi = float(-torch.rand(1, generator=g)) * 3, float(torch.rand(1, generator=g)) * 3 + 0.1
    edges = torch.tensor([lo + (hi - lo) * k / 64 for k in range(65)], dtype=torch.float32)
    values = torch.cat([edges, torch.nextafter(edges, edges + 1), torch.nextafter(edges, edges - 1)])
    return values.clamp(edges[0], edges[-1])


def test_binning_together_gives_each_tensors_own_histogram() -> None:
    tensors = [*CASES, *(_on_the_edges(seed) for seed in range(20)), torch.randn(64, 64) * 1e-30]
    together = batch_histograms(tensors)
    assert sorted(together) == list(range(len(tensors)))
    for position, tensor in enumerate(tensors):
        assert together[position] == tensor_histogram(tensor), position
    for position in range(len(CASES), len(tensors)):  # the counts are torch.histc's, bit for bit
        values, hist = tensors[position], together[position]
        histc = torch.histc(values.float(), bins=64, min=hist.lo, max=hist.hi)
        assert hist.counts == histc.to(torch.int64).tolist()


def test_tensors_not_binned_together_are_left_to_tensor_histogram() -> None:
    sparse = torch.tensor([1.0, 0.0, 2.0, 0.0, 0.0]).to_sparse()
    tensors = [
        torch.tensor([1.0, float("nan"), 2.0]),  # NaN: tensor_histogram leaves it out and says so
        torch.empty(0),
        sparse,
        torch.randn(SMALL + 1),  # large: binned on its device
        torch.randn(10),
    ]
    assert sorted(batch_histograms(tensors)) == [4]
    batch = HostBatch(tensors)
    assert batch.positions == {0, 4} and not batch.all_finite()


def test_the_host_copy_is_a_snapshot() -> None:
    weight = torch.randn(8, 8)
    expected = tensor_histogram(weight)
    batch = HostBatch([weight])
    weight.mul_(10)  # optimizer.step() after the logging pass, before the SDK's thread bins it
    assert batch.histograms()[0] == expected
