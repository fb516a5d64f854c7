"""Seeds a server for the browser tests with the real SDK: the examples (`examples/`) as they are
(training loop, grouping, media, a table), and a project of four runs in two groups whose values
the tests can check exactly (one of them raised alerts).

Run as ``TRACKWELL_DATA_DIR=<dir> python tests/e2e/ui_seed.py`` against a running local server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import trackwell as wandb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# name, group, learning rate, loss scale: loss at step s is scale / (s + 1).
RUNS = [
    ("run-a", "lr-high", 0.1, 1.0),
    ("run-b", "lr-high", 0.1, 2.0),
    ("run-c", "lr-low", 0.001, 3.0),
    ("run-d", "lr-low", 0.001, 4.0),
]
STEPS = 200


def seed_groups() -> None:
    for name, group, lr, scale in RUNS:
        run = wandb.init(
            project="e2e", name=name, group=group, job_type="train", config={"lr": lr, "scale": scale}
        )
        for step in range(STEPS):
            run.log(
                {"train/loss": scale / (step + 1), "val/acc": step / STEPS, "epoch": step // 50}, step=step
            )
        if name == "run-c":  # the run page's alerts (web/e2e/alerts.e2e.ts)
            run.alert("Learning rate low", "lr=0.001: the loss falls slowly", level=wandb.AlertLevel.INFO)
            run.alert("Loss plateau", "train/loss stopped improving after step 150", level="WARN")
            run.alert("Loss plateau", "still flat", level="WARN")  # within a minute: held back
            run.alert("Diverged", "val/acc fell to 0.0 at step 199", level=wandb.AlertLevel.ERROR)
        run.finish()


def seed_media_kinds() -> None:
    """One run with the media kinds the handbook examples do not log: a gallery, a histogram, HTML
    (with a script that must not run) and a table whose cells are images and audio."""
    import numpy as np

    rng = np.random.default_rng(0)
    run = wandb.init(project="media-kinds", name="kinds")
    for step in range(2):
        table = wandb.Table(columns=["id", "image", "audio", "score", "label"])
        for i in range(30):
            pixels = rng.integers(0, 255, size=(16, 16, 3), dtype=np.uint8)
            sound = (
                wandb.Audio(rng.uniform(-0.1, 0.1, 800).astype(np.float32), sample_rate=8000)
                if i < 2
                else None
            )
            table.add_data(
                i, wandb.Image(pixels, caption=f"cell {i}"), sound, i / 30, ["cat", "dog", "bird"][i % 3]
            )
        run.log(
            {
                "gallery": [
                    wandb.Image(rng.integers(0, 255, size=(8, 8, 3), dtype=np.uint8), caption=f"digit {i}")
                    for i in range(6)
                ],
                "weights": wandb.Histogram(np_histogram=([1, 4, 2], [0.0, 1.0, 2.0, 3.0])),
                "report": wandb.Html(
                    f"<h1>Report {step}</h1><script>document.body.innerHTML = 'script ran'</script>"
                ),
                "samples": table,
                # A plotly figure in its dict form (no plotly package needed to log one).
                "curve": wandb.Plotly(
                    {
                        "data": [
                            {"type": "scatter", "x": [0, 1, 2], "y": [1, 3, 2], "name": "train"},
                            {"type": "bar", "x": [0, 1, 2], "y": [2, 1, 2 + step], "name": "val"},
                        ],
                        "layout": {"title": {"text": f"curve at step {step}"}},
                    }
                ),
            },
            step=step,
        )
    run.finish()


def seed_sparse_media() -> None:
    """Images at two of 2,500 steps: history pages in between hold none of them."""
    import numpy as np

    run = wandb.init(project="sparse-media", name="sparse")
    for step in range(2500):
        row: dict[str, object] = {"loss": 1 / (step + 1)}
        if step in (1500, 2400):
            row["sample"] = wandb.Image(np.full((8, 8, 3), step % 256, dtype=np.uint8), caption=f"at {step}")
        run.log(row, step=step)
    run.finish()


MANY_RUNS = 2_150  # more than two pages of the UI's run list (1,000 per request)


def seed_many_runs() -> None:
    """A project of more runs than one page of the run list, written straight into the store in one
    transaction: through HTTP each new run is its own commit, and the browser test only needs them
    listed, not logged."""
    import time

    from trackwell.schema.runs import RunUpsert
    from trackwell.store.base import RunKey
    from trackwell.store.sql.database import open_database

    entity = wandb.Api().default_entity
    db = open_database(f"sqlite:///{os.environ['TRACKWELL_DATA_DIR']}/trackwell.db", migrate=False)
    now = time.time()
    try:
        with db.begin() as conn:
            for i in range(MANY_RUNS):
                run_id = f"m{i:05d}"
                fields = RunUpsert(session_id=f"s-{run_id}", display_name=run_id, config={"index": i})
                db.runs.create_run(conn, RunKey(entity, "many", run_id), fields, now + i / 1000)
    finally:
        db.close()


def main() -> None:
    # 04 twice: the workspace shows two runs' media side by side.
    for example in (
        "03_training_loop.py",
        "13_grouping_define_metric.py",
        "04_media.py",
        "04_media.py",
        "05_table.py",
    ):
        subprocess.run([sys.executable, str(EXAMPLES / example)], check=True, timeout=120)
    seed_groups()
    seed_media_kinds()
    seed_sparse_media()
    seed_many_runs()


if __name__ == "__main__":
    main()
