"""Seeds the media-plots e2e test (media-plots.e2e.ts) with the real SDK: trackwell.plot charts, a
histogram over 20 steps, an image with masks and boxes, and a numpy video.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/media_plots_seed.py`` against a running local server.
The values are fixed so the browser test can check what it sees.
"""

from __future__ import annotations

import numpy as np

import trackwell as wandb

CLASSES = ["cat", "dog", "bird"]
# Confusion at step 0: cat→cat 2, cat→dog 1, cat→bird 1; dog→cat 1, dog→dog 2; bird→dog 1, bird→bird 2.
Y_TRUE = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
PREDS = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1]
# Binary scores for ROC/PR: labels and the positive class's probability.
LABELS = [0, 0, 1, 1, 0, 1, 1, 0]
SCORES = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.7, 0.6]


def main() -> None:
    run = wandb.init(project="media-plots", name="plots")
    probas = np.stack([1 - np.asarray(SCORES), np.asarray(SCORES)], axis=1)
    xs = np.arange(11)
    line = wandb.Table(columns=["x", "y"], data=[[int(x), int(x * x)] for x in xs])
    bars = wandb.Table(columns=["label", "value"], data=[["cat", 3], ["dog", 5], ["bird", 1]])
    rng = np.random.default_rng(0)
    for step in range(20):
        row: dict[str, object] = {
            # Shared edges 0, 0.1, ..., 1.0; bin b holds step + b values.
            "weights": wandb.Histogram(np_histogram=([step + b for b in range(10)], np.linspace(0, 1, 11))),
            # Each step binned over its own range: the UI re-bins them.
            "activations": wandb.Histogram(rng.normal(step * 0.2, 1.0, 2000)),
        }
        if step == 0:
            row["confusion"] = wandb.plot.confusion_matrix(
                y_true=Y_TRUE, preds=PREDS, class_names=CLASSES, title="Confusions"
            )
            row["roc"] = wandb.plot.roc_curve(LABELS, probas, labels=["neg", "pos"])
            row["pr"] = wandb.plot.pr_curve(LABELS, probas, labels=["neg", "pos"])
            # Only positives: the SDK writes NaN false positive rates (bare NaN in the JSON).
            row["roc_one_class"] = wandb.plot.roc_curve([1, 1, 1], [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]])
            row["squares"] = wandb.plot.line(line, "x", "y", title="Squares")
            row["counts"] = wandb.plot.bar(bars, "label", "value", title="Counts")
            points = wandb.Table(columns=["a", "b"], data=[[1, 1], [2, 4], [3, 9]])
            row["points"] = wandb.plot.scatter(points, "a", "b", title="Points")
            spread = wandb.Table(columns=["v"], data=[[v] for v in [1, 2, 2, 3, 3, 3, 4, 4, 4, 4]])
            row["spread"] = wandb.plot.histogram(spread, "v", title="Spread")
            row["series"] = wandb.plot.line_series(
                xs=[0, 1, 2], ys=[[1, 2, 3], [3, 2, 1]], keys=["up", "down"], title="Two lines", xname="epoch"
            )
            row["segmented"] = segmented_image()
            row["rollout"] = wandb.Video(moving_square(), fps=4, caption="a square moving right")
        if step == 19:
            # The matrix again: all correct now. The card's slider steps between the two.
            row["confusion"] = wandb.plot.confusion_matrix(
                y_true=Y_TRUE, preds=Y_TRUE, class_names=CLASSES, title="Confusions"
            )
        run.log(row, step=step)
    run.finish()


def segmented_image() -> wandb.Image:
    """A 64x48 image: class 1 ("cat") in the right half's top, class 2 ("dog") in its bottom."""
    pixels = np.zeros((48, 64, 3), dtype=np.uint8)
    pixels[:, :, 2] = 120
    mask = np.zeros((48, 64), dtype=np.uint8)
    mask[:24, 32:] = 1
    mask[24:, 32:] = 2
    boxes = [
        {
            "position": {"minX": 0.5, "maxX": 1.0, "minY": 0.0, "maxY": 0.5},
            "class_id": 1,
            "scores": {"score": 0.93},
        },
        {
            "position": {"minX": 36, "maxX": 60, "minY": 28, "maxY": 44},
            "domain": "pixel",
            "class_id": 2,
            "box_caption": "a dog",
        },
    ]
    return wandb.Image(
        pixels,
        caption="segmented",
        masks={"prediction": {"mask_data": mask, "class_labels": {0: "background", 1: "cat", 2: "dog"}}},
        boxes={"detections": {"box_data": boxes, "class_labels": {1: "cat", 2: "dog"}}},
    )


def moving_square() -> np.ndarray:
    """8 frames (T, C, H, W) of a white 8x8 square moving right over 32x32 black."""
    frames = np.zeros((8, 3, 32, 32), dtype=np.uint8)
    for t in range(8):
        frames[t, :, 12:20, t * 3 : t * 3 + 8] = 255
    return frames


if __name__ == "__main__":
    main()
