"""Seeds the model-graph e2e test (modelgraph.e2e.ts) with the real SDK and PyTorch: project
``modelgraph``, one run that watches a small nested model with ``log_graph=True`` and trains it
for a few steps, so its summary holds ``graph_0`` as wandb's ``graph-file``.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/modelgraph_seed.py`` against a running local server.
"""

from __future__ import annotations

import torch
from torch import nn

import trackwell as wandb


def main() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.Tanh()), nn.Linear(8, 2)
    )
    run = wandb.init(project="modelgraph", name="watched-mlp")
    run.watch(model, log="all", log_freq=1, log_graph=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        loss = model(torch.randn(16, 4)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log({"loss": loss.item()})
    run.finish()


if __name__ == "__main__":
    main()
