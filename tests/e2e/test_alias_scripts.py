"""``TRACKWELL_ALIAS_WANDB=1`` for code written against ``wandb`` that nobody edits: a plain wandb
script, an Ultralytics-style trainer (``import wandb as wb`` guarded by ``hasattr(wb, "__version__")``),
Keras callbacks imported from ``wandb.integration.keras``; and the other side of the switch: without
it nothing is aliased (``import wandb`` fails as it does without wandb installed, and importing
trackwell changes nothing), a bad value only warns, and a broken install never stops Python from
starting. Each case is a fresh interpreter, so the ``trackwell_alias_wandb.pth`` start-up hook is what
is tested (it must be in site-packages: ``pip install -e .`` or the wheel put it there).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

HOOK = Path(sysconfig.get_paths()["purelib"]) / "trackwell_alias_wandb.pth"
REAL_WANDB = importlib.util.find_spec("wandb") is not None


def _python(
    code: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def _api(server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


def test_the_start_up_hook_is_installed() -> None:
    assert HOOK.is_file(), f"{HOOK} missing: reinstall trackwell (pip install -e .) to ship the .pth hook"
    source = Path(__file__).resolve().parents[2] / "src" / "trackwell_alias_wandb.pth"
    assert HOOK.read_text() == source.read_text(), "the installed hook is stale: pip install -e . again"
    lines = [line for line in HOOK.read_text().splitlines() if line and not line.startswith("#")]
    assert len(lines) == 1 and lines[0].startswith(
        "import os, sys; "
    )  # one line: os and sys are loaded already


PLAIN_AND_ULTRALYTICS = """
import wandb

# a plain wandb script
wandb.init(project="plain-wandb", config={"lr": 0.01, "epochs": 3})
for epoch in range(3):
    wandb.log({"epoch": epoch, "loss": 1.0 / (epoch + 1)})
wandb.summary["best_loss"] = 1.0 / 3
wandb.finish()

# an Ultralytics-style trainer: the integration module probes for wandb, then drives wb.run
try:
    import wandb as wb
    assert hasattr(wb, "__version__")  # verify package is not directory
except (ImportError, AssertionError):
    wb = None
assert wb is not None, "the trainer would have silently skipped wandb"

class Args:
    project, name, imgsz, epochs = "yolo-style", "train7", 64, 2

wb.run or wb.init(project=Args.project, name=Args.name, config=dict(vars(Args)))
for epoch in range(Args.epochs):
    wb.run.log({"metrics/mAP50(B)": 0.1 * (epoch + 1), "train/box_loss": 2.0 - epoch}, step=epoch + 1)
open("best.pt", "wb").write(b"weights")
art = wb.Artifact(type="model", name=f"run_{wb.run.id}_model")
art.add_file("best.pt")
wb.run.log_artifact(art, aliases=["best", f"epoch_{Args.epochs}", "last"])
wb.run.finish()
"""


def test_a_plain_wandb_script_and_an_ultralytics_style_trainer_log_into_trackwell(
    live_server: LiveServer, tmp_path: Path
) -> None:
    proc = _python(PLAIN_AND_ULTRALYTICS, _env(live_server, tmp_path, TRACKWELL_ALIAS_WANDB="1"), tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    api = _api(live_server)

    (plain,) = list(api.runs("plain-wandb"))
    assert plain.state == "finished" and plain.config == {"lr": 0.01, "epochs": 3}
    rows = list(plain.scan_history())
    assert [(r["epoch"], r["loss"]) for r in rows] == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert plain.summary_metrics["best_loss"] == pytest.approx(1 / 3)

    (yolo,) = list(api.runs("yolo-style"))
    assert (yolo.name, yolo.state, yolo.config["imgsz"]) == ("train7", "finished", 64)
    rows = list(yolo.scan_history())
    assert [(r["_step"], r["metrics/mAP50(B)"]) for r in rows] == [(1, 0.1), (2, 0.2)]
    (model,) = list(yolo.logged_artifacts())
    assert (model.name, model.type) == (f"run_{yolo.id}_model:v0", "model")
    assert {"best", "epoch_2", "last"} <= set(model.aliases)


KERAS = """
import numpy as np
import keras
import wandb
from wandb.integration.keras import WandbMetricsLogger, WandbModelCheckpoint

wandb.init(project="keras-alias")
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, validation_split=0.25, epochs=2, batch_size=16, verbose=0,
          callbacks=[WandbMetricsLogger(), WandbModelCheckpoint("model.keras")])
wandb.finish()
"""


def test_keras_callbacks_imported_from_wandb_integration_keras(
    live_server: LiveServer, tmp_path: Path
) -> None:
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed")
    env = _env(live_server, tmp_path, TRACKWELL_ALIAS_WANDB="1", KERAS_BACKEND="torch")
    proc = _python(KERAS, env, tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    (run,) = list(_api(live_server).runs("keras-alias"))
    rows = list(run.scan_history())
    assert [r["epoch/epoch"] for r in rows] == [0, 1]  # one row per epoch, wandb's epoch/ keys
    assert {"epoch/loss", "epoch/accuracy", "epoch/val_loss", "epoch/val_accuracy"} <= set(rows[0])
    assert [a.type for a in run.logged_artifacts()] == ["model", "model"]  # a checkpoint per epoch


def _bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(HOME=str(tmp_path), **extra)
    return env


PROBE = """
import importlib.metadata, importlib.util, sys
loaded = sorted(m for m in sys.modules if m.startswith("trackwell"))
print("loaded-at-start:", loaded)
print("find_spec:", importlib.util.find_spec("wandb"))
try:
    importlib.metadata.version("wandb")
    print("metadata: found")
except importlib.metadata.PackageNotFoundError:
    print("metadata: none")
import trackwell  # importing trackwell never aliases
try:
    import wandb
    print("import wandb:", wandb)
except ImportError as exc:
    print("import wandb: ImportError", exc)
"""


@pytest.mark.skipif(REAL_WANDB, reason="the real wandb is installed here: `import wandb` succeeds by itself")
@pytest.mark.parametrize("value", [None, "0", "false", ""], ids=["unset", "0", "false", "empty"])
def test_without_the_switch_nothing_is_aliased_and_nothing_is_loaded(
    tmp_path: Path, value: str | None
) -> None:
    env = _bare_env(tmp_path) if value is None else _bare_env(tmp_path, TRACKWELL_ALIAS_WANDB=value)
    proc = _python(PROBE, env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # unset or off, the hook imported nothing at start-up (it costs one environment lookup)
    assert "loaded-at-start: []" in out
    assert "find_spec: None" in out and "metadata: none" in out
    assert "import wandb: ImportError No module named 'wandb'" in out
    assert proc.stderr == ""


def test_with_the_switch_the_alias_is_in_place_before_the_script_runs(tmp_path: Path) -> None:
    proc = _python(PROBE, _bare_env(tmp_path, TRACKWELL_ALIAS_WANDB="1"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "'trackwell.compat'" in proc.stdout
    assert "metadata: found" in proc.stdout and "aliased to trackwell" in proc.stdout
    assert proc.stderr == ""


def test_a_bad_value_warns_once_and_aliases_nothing(tmp_path: Path) -> None:
    proc = _python(PROBE, _bare_env(tmp_path, TRACKWELL_ALIAS_WANDB="maybe"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stderr
        == "trackwell: WARNING TRACKWELL_ALIAS_WANDB must be 1 or 0, got 'maybe': wandb is not aliased\n"
    )
    assert "aliased to trackwell" not in proc.stdout


def test_a_broken_trackwell_never_stops_python_from_starting(tmp_path: Path) -> None:
    # a trackwell package that fails to import, found before the installed one
    broken = tmp_path / "broken" / "trackwell"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise RuntimeError('half-installed')\n")
    env = _bare_env(tmp_path, TRACKWELL_ALIAS_WANDB="1", PYTHONPATH=str(broken.parent))
    proc = _python("print('started')", env, tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "started\n")
    assert proc.stderr.count("\n") == 1, proc.stderr  # one warning line, no traceback
    assert proc.stderr.startswith(
        "trackwell: WARNING TRACKWELL_ALIAS_WANDB is set but the wandb alias could not"
    )
    assert "half-installed" in proc.stderr
