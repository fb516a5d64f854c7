"""XGBoost's WandbCallback against a real server: a real booster on tiny generated data, read back
through ``trackwell.Api``: one row per boosting round with wandb's keys, the booster config, the
summary's best values, the feature-importance chart and the model artifact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xgboost as xgb
from sklearn import datasets

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.integration.xgboost import WandbCallback, wandb_callback


@pytest.fixture
def env(tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield server
    trackwell.finish()


def _read(run: Any) -> Any:
    return trackwell.Api().run(f"{run.entity}/{run.project}/{run.id}")


def test_sklearn_api_rounds_summary_importance_and_model(env: LiveServer, tmp_path: Path) -> None:
    X, y = datasets.make_classification(n_samples=120, n_features=4, random_state=0)
    run = trackwell.init(project="xgb")
    model = xgb.XGBClassifier(
        n_estimators=6,
        max_depth=2,
        eval_metric=["logloss", "auc"],
        callbacks=[WandbCallback(log_model=True)],
    )
    model.fit(X[:80], y[:80], eval_set=[(X[:80], y[:80]), (X[80:], y[80:])], verbose=False)
    run.finish()

    stored = _read(run)
    rows = [r for r in stored.scan_history() if "epoch" in r]
    assert [r["epoch"] for r in rows] == list(range(6))  # one row per boosting round
    evals = model.evals_result()
    for r in rows:
        for data in ("validation_0", "validation_1"):
            assert r[f"{data}-logloss"] == pytest.approx(evals[data]["logloss"][r["epoch"]])
            assert r[f"{data}-auc"] == pytest.approx(evals[data]["auc"][r["epoch"]])
    # define_metric: losses keep their min, auc its max.
    assert stored.summary["validation_1-logloss"]["min"] == pytest.approx(
        min(evals["validation_1"]["logloss"])
    )
    assert stored.summary["validation_1-auc"]["max"] == pytest.approx(max(evals["validation_1"]["auc"]))
    # The booster's configuration, as save_config() gives it.
    assert stored.config["learner"]["objective"]["name"] == "binary:logistic"
    # Feature importance (gain) as a bar chart.
    table = stored.table("Feature Importance_table")
    assert table.columns == ["Feature", "Importance"]
    gain = model.get_booster().get_score(importance_type="gain")
    assert dict(table.data) == pytest.approx(gain)
    assert stored.metadata["visualize"]["Feature Importance"]["panel_config"]["panelDefId"] == "wandb/bar/v0"
    assert "best_score" not in stored.summary  # no early stopping: XGBoost sets none
    # The model, as wandb names it: <run id>_model.json.
    (artifact,) = stored.logged_artifacts()
    assert artifact.type == "model" and artifact.name.startswith(f"{run.id}_model.json")
    path = artifact.download(root=str(tmp_path / "model"))
    loaded = xgb.Booster()
    loaded.load_model(str(Path(path) / f"{run.id}_model.json"))
    assert json.loads(loaded.save_config())["learner"]["objective"]["name"] == "binary:logistic"


def test_native_train_with_early_stopping_logs_best_score(env: LiveServer) -> None:
    X, y = datasets.make_regression(n_samples=100, n_features=3, noise=20.0, random_state=0)
    train, valid = xgb.DMatrix(X[:70], label=y[:70]), xgb.DMatrix(X[70:], label=y[70:])
    run = trackwell.init(project="xgb")
    booster = xgb.train(
        {"max_depth": 3, "eta": 0.9},
        train,
        num_boost_round=40,
        evals=[(train, "train"), (valid, "valid")],
        early_stopping_rounds=2,
        verbose_eval=False,
        callbacks=[WandbCallback(log_feature_importance=False)],
    )
    run.finish()

    stored = _read(run)
    rounds = [r for r in stored.scan_history() if "epoch" in r]
    assert len(rounds) == booster.num_boosted_rounds() < 40
    assert set(rounds[0]) >= {"train-rmse", "valid-rmse", "epoch"}
    assert stored.summary["best_iteration"] == booster.best_iteration
    assert stored.summary["best_score"] == pytest.approx(booster.best_score)
    assert stored.summary["valid-rmse"]["min"] == pytest.approx(booster.best_score)
    assert "Feature Importance_table" not in stored.summary


def test_callback_needs_a_run_and_old_callback_warns(env: LiveServer) -> None:
    with pytest.raises(trackwell.Error, match="init"):
        WandbCallback()
    with pytest.warns(UserWarning, match="WandbCallback"):
        callback = wandb_callback()
    assert callable(callback)
