"""LightGBM's wandb_callback and log_summary against a real server: a real booster on tiny generated
data, read back through ``trackwell.Api``: one row per round with wandb's keys, the params in the
config, best values in the summary, the feature-importance chart and the checkpoint artifact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lightgbm
import pytest
from sklearn import datasets

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.integration.lightgbm import log_summary, wandb_callback

PARAMS = {"objective": "binary", "metric": ["binary_logloss", "auc"], "num_leaves": 4, "verbosity": -1}


@pytest.fixture
def env(tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield server
    trackwell.finish()


def _read(run: Any) -> Any:
    return trackwell.Api().run(f"{run.entity}/{run.project}/{run.id}")


def _data() -> tuple[Any, Any]:
    X, y = datasets.make_classification(n_samples=200, n_features=4, random_state=0)
    return lightgbm.Dataset(X[:150], label=y[:150]), lightgbm.Dataset(X[150:], label=y[150:])


def test_rounds_config_summary_importance_and_checkpoint(env: LiveServer, tmp_path: Path) -> None:
    train, valid = _data()
    run = trackwell.init(project="lgbm")
    evals: dict[str, Any] = {}
    booster = lightgbm.train(
        PARAMS,
        train,
        num_boost_round=8,
        valid_sets=[train, valid],
        valid_names=["training", "valid_1"],
        callbacks=[
            wandb_callback(),
            lightgbm.record_evaluation(evals),
            lightgbm.early_stopping(3, verbose=False),
        ],
    )
    log_summary(booster, save_model_checkpoint=True)
    run.finish()

    stored = _read(run)
    rows = [r for r in stored.scan_history() if "iteration" in r]
    assert [r["iteration"] for r in rows] == list(range(len(evals["valid_1"]["auc"])))
    for r in rows:
        assert r["valid_1_auc"] == pytest.approx(evals["valid_1"]["auc"][r["iteration"]])
        assert r["training_binary_logloss"] == pytest.approx(
            evals["training"]["binary_logloss"][r["iteration"]]
        )
    assert stored.config["num_leaves"] == 4 and stored.config["objective"] == "binary"
    assert stored.summary["valid_1_binary_logloss"]["min"] == pytest.approx(
        min(evals["valid_1"]["binary_logloss"])
    )
    assert stored.summary["valid_1_auc"]["max"] == pytest.approx(max(evals["valid_1"]["auc"]))
    assert stored.summary["best_iteration"] == booster.best_iteration
    assert stored.summary["best_score"]["valid_1"]["auc"] == pytest.approx(
        booster.best_score["valid_1"]["auc"]
    )
    table = stored.table("Feature Importance_table")
    assert [list(r) for r in table.data] == [
        [n, int(v)] for n, v in zip(booster.feature_name(), booster.feature_importance(), strict=True)
    ]
    (artifact,) = stored.logged_artifacts()
    assert artifact.type == "model" and artifact.name.startswith(f"model_{run.id}")
    assert "best" in artifact.aliases
    path = Path(artifact.download(root=str(tmp_path / "model"))) / f"model_ckpt_{booster.best_iteration}.txt"
    assert lightgbm.Booster(model_file=str(path)).num_trees() == booster.best_iteration


def test_cv_logs_mean_and_stdv(env: LiveServer) -> None:
    train, _ = _data()
    run = trackwell.init(project="lgbm")
    result = lightgbm.cv(
        {**PARAMS, "metric": "auc"},
        train,
        num_boost_round=4,
        nfold=3,
        callbacks=[wandb_callback(log_params=False)],
    )
    run.finish()
    stored = _read(run)
    rows = [r for r in stored.scan_history() if "iteration" in r]
    assert len(rows) == 4
    assert [r["valid_auc-mean"] for r in rows] == pytest.approx(result["valid auc-mean"])
    assert [r["valid_auc-stdv"] for r in rows] == pytest.approx(result["valid auc-stdv"])
    assert "num_leaves" not in stored.config  # log_params=False


def test_log_summary_needs_a_run_and_a_booster(env: LiveServer) -> None:
    with pytest.raises(trackwell.Error, match="init"):
        log_summary(object())
    trackwell.init(project="lgbm")
    with pytest.raises(trackwell.Error, match="booster_"):
        log_summary(lightgbm.LGBMClassifier())
