"""A table of predictions: the UI sorts, filters and groups it; `trackwell.Api` reads it back."""

from __future__ import annotations

import trackwell as wandb

run = wandb.init(project="table-demo")
try:
    prediction_table = wandb.Table(columns=["text", "actual_label", "predicted_label", "confidence"])
    rows = [
        ("refund still not received after 10 days", "billing", "billing", 0.97),
        ("the app crashes on launch on ios", "bug", "bug", 0.93),
        ("can you add dark mode to the dashboard", "feature", "billing", 0.41),
    ]
    for text, actual_label, predicted_label, confidence in rows:
        prediction_table.add_data(text, actual_label, predicted_label, confidence)
    wandb.log({"validation/prediction_table": prediction_table})
finally:
    wandb.finish()
