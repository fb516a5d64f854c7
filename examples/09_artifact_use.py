"""Using an artifact: the deploy run takes the latest model version, downloads it and checks its bytes
(run 08 first).
"""

from __future__ import annotations

from pathlib import Path

import trackwell as wandb

run = wandb.init(project="artifact-demo", job_type="deploy")
try:
    artifact = run.use_artifact("fraud-model:latest")
    artifact_dir: str = artifact.download()
    model_path = Path(artifact_dir) / "model.pt"
    print(f"Downloaded model artifact to {model_path}")
    assert model_path.read_bytes() == bytes(range(256)) * 4096
finally:
    wandb.finish()
