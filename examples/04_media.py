"""Images (numpy and matplotlib) and audio logged every ten epochs: the run page shows them with a
step slider.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import trackwell as wandb

run = wandb.init(project="media-demo", config={"epochs": 30})
try:
    sample_rate: int = 16000
    for epoch in range(wandb.config.epochs):
        if epoch % 10 == 0:
            # Example image payload.
            image_array = np.random.randint(0, 255, size=(128, 128, 3), dtype=np.uint8)
            # Example matplotlib figure payload.
            fig, ax = plt.subplots(figsize=(4, 3))
            ax.plot(np.linspace(0, 1, 50), np.random.rand(50))
            ax.set_title(f"Prediction confidence at epoch {epoch}")
            # Example audio payload.
            audio_waveform = np.random.uniform(-0.1, 0.1, size=(sample_rate,)).astype(np.float32)
            wandb.log(
                {
                    "examples/prediction_image": wandb.Image(image_array, caption=f"Epoch {epoch} sample"),
                    "charts/confidence_curve": wandb.Image(fig),
                    "audio/sample_output": wandb.Audio(
                        audio_waveform, sample_rate=sample_rate, caption=f"Epoch {epoch}"
                    ),
                    "epoch": epoch,
                }
            )
            plt.close(fig)
finally:
    wandb.finish()
