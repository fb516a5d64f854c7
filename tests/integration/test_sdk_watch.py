"""``run.watch`` end to end: a real PyTorch MLP trains on CPU against a real server, and the public
``trackwell.Api`` reads back what wandb's ``wandb.watch`` records for the same code: histogram keys
``gradients/<name>`` and ``parameters/<name>`` on every ``log_freq``-th step, joined to the user's
own rows (no rows of their own), 64 bins that match numpy on the same tensor, and hooks gone after
``unwatch``/``finish``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.apis import Api
from trackwell.sdk.errors import Error
from trackwell.sdk.settings import Settings

GRAD_KEYS = {"gradients/0.weight", "gradients/0.bias", "gradients/2.weight", "gradients/2.bias"}
PARAM_KEYS = {k.replace("gradients/", "parameters/") for k in GRAD_KEYS}


@pytest.fixture
def env(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield
    trackwell.finish()


@pytest.fixture
def api(server: LiveServer, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as a:
        yield a


def mlp(seed: int = 0) -> torch.nn.Sequential:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))


def train(
    run: Any, models: list[torch.nn.Module], steps: int, snapshots: dict[int, dict[str, Any]] | None = None
) -> None:
    """A plain training loop; ``snapshots[step]`` keeps model 0's parameters as the forward pass saw
    them and its gradients of that backward pass, to compare with what watch logged."""
    params = [p for m in models for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=0.1)
    gen = torch.Generator().manual_seed(1)
    for step in range(steps):
        x = torch.randn(32, 4, generator=gen)
        if snapshots is not None:
            snapshots[step] = {f"parameters/{n}": p.detach().clone() for n, p in models[0].named_parameters()}
        loss = sum(((m(x) - x.sum(1, keepdim=True)) ** 2).mean() for m in models)
        opt.zero_grad()
        loss.backward()
        if snapshots is not None:
            snapshots[step].update(
                {f"gradients/{n}": p.grad.clone() for n, p in models[0].named_parameters()}
            )
        opt.step()
        run.log({"loss": loss.item()})


def rows_of(api: Api, run: Any) -> list[dict[str, Any]]:
    """Whole rows, with the dotted keys the public Api re-nests (``gradients/0.weight`` reads back
    as ``row["gradients/0"]["weight"]``) flattened back to the names logged."""
    return [flat(row) for row in api.run(f"{run.entity}/{run.project}/{run.id}").scan_history()]


def flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict) and "_type" not in value:
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def steps_with(rows: list[dict[str, Any]], key: str) -> list[int]:
    return [r["_step"] for r in rows if r.get(key) is not None]


def watched_keys(rows: list[dict[str, Any]]) -> set[str]:
    return {
        k for r in rows for k, v in r.items() if k.startswith(("gradients/", "parameters/")) and v is not None
    }


def hook_count(model: torch.nn.Module) -> int:
    tensor_hooks = sum(len(p._backward_hooks or {}) for p in model.parameters())
    return len(model._forward_hooks) + tensor_hooks


def test_gradients_every_log_freq_backward_join_the_users_rows_and_match_numpy(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    run.watch(model, log_freq=3)  # wandb's default log="gradients"
    snapshots: dict[int, dict[str, Any]] = {}
    train(run, [model], 10, snapshots)
    run.finish()
    rows = rows_of(api, run)
    assert [r["_step"] for r in rows] == list(range(10))  # no rows of its own: commit=False
    assert watched_keys(rows) == GRAD_KEYS
    for key in GRAD_KEYS:
        assert steps_with(rows, key) == [2, 5, 8]  # the 3rd, 6th and 9th backward pass
    for step in (2, 5, 8):
        for key in GRAD_KEYS:
            logged = rows[step][key]
            expected = snapshots[step][key].numpy().astype(np.float64)
            counts, edges = np.histogram(expected, bins=64)
            assert logged["_type"] == "histogram"
            assert logged["values"] == counts.tolist()
            assert np.allclose(logged["bins"], edges, rtol=0, atol=1e-12)
        assert rows[step]["loss"] is not None  # the same row as the user's metric


def test_parameters_count_training_forward_passes_only(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    trackwell.watch(model, log="parameters", log_freq=2)  # the module-level function
    snapshots: dict[int, dict[str, Any]] = {}
    train(run, [model], 3, snapshots)
    model.eval()
    with torch.no_grad():
        for _ in range(5):  # evaluation passes are not counted
            model(torch.randn(8, 4))
    model.train()
    train(run, [model], 3, None)
    run.finish()
    rows = rows_of(api, run)
    assert [r["_step"] for r in rows] == list(range(6))
    assert watched_keys(rows) == PARAM_KEYS
    assert steps_with(rows, "parameters/0.weight") == [1, 3, 5]
    logged = rows[1]["parameters/0.weight"]
    counts, edges = np.histogram(snapshots[1]["parameters/0.weight"].numpy().astype(np.float64), bins=64)
    assert logged["values"] == counts.tolist() and np.allclose(logged["bins"], edges, rtol=0, atol=1e-12)
    assert len(logged["values"]) == 64 and sum(logged["values"]) == 4 * 16


def test_parameters_of_a_model_trained_through_its_layers_and_of_a_frozen_model(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()  # trained through its layers, never model(x): as a LightningModule's training_step
    teacher = mlp(1).requires_grad_(False).eval()  # frozen: no backward pass, counted per call
    run.watch([model, teacher], log="parameters", log_freq=2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(4):
        x = torch.randn(8, 4)
        with torch.no_grad():
            target = teacher(x)
        loss = ((model[2](model[1](model[0](x))) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log({"loss": loss.item()})
    run.finish()
    rows = rows_of(api, run)
    assert steps_with(rows, "parameters/0.weight") == [1, 3]
    assert steps_with(rows, "parameters/graph_10.weight") == [1, 3]


def test_all_and_two_models_use_wandbs_prefixes(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    first, second, third, fourth = mlp(0), mlp(1), mlp(2), mlp(3)
    run.watch([first, second], log="all", log_freq=1)  # second gets wandb's graph_1 prefix
    run.watch(third, log="gradients", log_freq=1)  # the next index: graph_2
    run.watch(fourth, log="parameters", log_freq=1, idx=7)
    train(run, [first, second, third, fourth], 2)
    run.finish()
    rows = rows_of(api, run)
    assert len(rows) == 2
    expected = (
        GRAD_KEYS
        | PARAM_KEYS
        | {k.replace("/", "/graph_1") for k in GRAD_KEYS | PARAM_KEYS}
        | {k.replace("/", "/graph_2") for k in GRAD_KEYS}
        | {k.replace("/", "/graph_7") for k in PARAM_KEYS}
    )
    assert watched_keys(rows) == expected
    assert "gradients/graph_10.weight" in rows[0] and "parameters/graph_72.bias" in rows[1]


def test_unwatch_rewatch_and_finish_remove_every_hook(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    run.watch(model, log="all", log_freq=3)
    run.watch(model, log="all", log_freq=1)  # replaces the first watch: one set of hooks
    assert hook_count(model) == 1 + 4  # the pass-counting hook, and the 4 armed for the next pass
    train(run, [model], 2)
    run.unwatch(model)
    assert hook_count(model) == 0
    train(run, [model], 2)
    run.watch(model, log="gradients", log_freq=1)
    train(run, [model], 1)
    trackwell.unwatch()  # no argument: every model
    assert hook_count(model) == 0
    run.watch(model, log="all", log_freq=1)
    run.finish()
    assert hook_count(model) == 0  # finish() removed them: training on after the run is safe
    model(torch.randn(2, 4)).sum().backward()
    rows = rows_of(api, run)
    assert [r["_step"] for r in rows] == list(range(5))
    assert steps_with(rows, "parameters/0.weight") == [0, 1]
    assert steps_with(rows, "gradients/0.weight") == [0, 1, 4]


def test_log_none_logs_nothing_and_log_graph_records_the_module_tree(
    env: None, api: Api, tmp_path: Path
) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    run.watch(model, log=None, log_graph=True)
    train(run, [model], 3)
    assert hook_count(model) == 0  # the graph hooks removed themselves after the first pass
    run.finish()
    rows = rows_of(api, run)
    assert len(rows) == 3 and watched_keys(rows) == set()
    public = api.run(f"{run.entity}/{run.project}/{run.id}")
    ref = public.summary["graph_0"]
    assert ref["_type"] == "graph-file" and ref["path"].endswith(".graph.json")
    graph = json.loads(public.file(ref["path"]).download(root=str(tmp_path / "dl")).read_text())
    assert graph["format"] == "torch"
    by_name = {n["name"]: n for n in graph["nodes"]}
    assert list(by_name) == ["", "0", "1", "2"]
    assert by_name["0"]["class_name"] == "Linear(in_features=4, out_features=16, bias=True)"
    assert by_name["0"]["output_shape"] == [32, 16] and by_name["2"]["output_shape"] == [32, 1]
    assert by_name["0"]["parameters"] == [["weight", [16, 4]], ["bias", [16]]]
    assert by_name["0"]["num_parameters"] == [64, 16]
    assert graph["edges"] == [[0, 1], [0, 2], [0, 3]]


def test_nan_gradients_are_left_out_and_training_goes_on(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    run.watch(model, log="gradients", log_freq=1)
    out = model(torch.randn(8, 4))
    loss = out.mean() + model[2].bias.sum() * float("nan")  # NaN only in 2.bias's gradient
    loss.backward()
    run.log({"loss": 1.0})
    run.finish()
    row = rows_of(api, run)[0]
    assert "gradients/2.bias" not in row or row["gradients/2.bias"] is None  # no finite value: skipped
    assert sum(row["gradients/0.weight"]["values"]) == 64


def test_bad_arguments_name_the_argument(env: None) -> None:
    with pytest.raises(Error, match=r"trackwell.init\(\) before trackwell.watch"):
        trackwell.watch(mlp())
    run = trackwell.init(project="watch")
    with pytest.raises(ValueError, match=r"log='grads'.*'gradients', 'parameters', 'all' or None"):
        run.watch(mlp(), log="grads")
    with pytest.raises(TypeError, match=r"models=.*torch.nn.Module.*builtins.str"):
        run.watch("model")
    with pytest.raises(TypeError, match=r"torch.nn.Module.*collections.OrderedDict"):
        run.watch([mlp(), mlp().state_dict()])
    with pytest.raises(ValueError, match=r"log_freq=-1"):
        run.watch(mlp(), log_freq=-1)
    with pytest.raises(ValueError, match=r"idx='a'"):
        run.watch(mlp(), idx="a")  # type: ignore[arg-type]
    run.unwatch(mlp())  # never watched: a warning, as in wandb, not an error
    run.finish()
    with pytest.raises(Error, match="finished"):
        run.watch(mlp())


def test_gradient_accumulation_logs_the_pass_gradient_not_the_sum(env: None, api: Api) -> None:
    run = trackwell.init(project="watch")
    model = mlp()
    run.watch(model, log="gradients", log_freq=2)
    grads: list[torch.Tensor] = []
    model[0].weight.register_hook(lambda grad: grads.append(grad.clone()))  # each pass's own gradient
    for i in range(2):  # two micro-batches, no zero_grad between: .grad holds their sum
        (model(torch.randn(8, 4)) * (i + 1)).mean().backward()
    assert model[0].weight.grad is not None and not torch.equal(model[0].weight.grad, grads[1])
    run.log({"loss": 0.0})
    run.finish()
    logged = rows_of(api, run)[0]["gradients/0.weight"]
    counts, _ = np.histogram(grads[1].numpy().astype(np.float64), bins=64)
    assert logged["values"] == counts.tolist()  # the second pass's gradient, as wandb's hook sees
