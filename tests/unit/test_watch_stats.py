"""``run.watch``'s histogram of one tensor (``trackwell.sdk.watch_stats``): bins and counts equal
``numpy.histogram(values, bins=64)`` on the same values, NaN/Inf are left out and counted, sparse
gradients count their implicit zeros; and importing the watch modules never imports torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from trackwell.sdk.watch_stats import tensor_histogram


def numpy_histogram(values: torch.Tensor) -> tuple[list[int], list[float]]:
    array = values.to_dense().double().numpy().ravel()
    counts, edges = np.histogram(array[np.isfinite(array)], bins=64)
    return counts.tolist(), edges.tolist()


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
