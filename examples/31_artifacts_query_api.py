"""Query artifacts back with W&B's public-API recipes: every model version with its aliases, size,
the run that logged it and the runs that used it; download the production model; move an alias.

Logs what it reads first (a dataset, a model trained on it, an evaluation that used the model) into
the project "artifacts-demo", so it runs on its own. Running it again logs no new versions (equal
content is deduplicated). Uses only names of wandb's API: the same script works with `import wandb`.
"""

from __future__ import annotations

import os

import trackwell as wandb

PROJECT = "artifacts-demo"

# A data run makes the dataset; a training run uses it and makes the model; an evaluation uses it.
with wandb.init(project=PROJECT, job_type="data") as run:
    dataset = wandb.Artifact("mnist-sample", type="dataset", description="a tiny stand-in for MNIST")
    with dataset.new_file("train.csv") as f:
        f.write("label,pixels\n7,0 0 255 255\n2,255 0 0 255\n")
    run.log_artifact(dataset)

with wandb.init(project=PROJECT, job_type="train") as run:
    data_dir = run.use_artifact("mnist-sample:latest").download()
    model = wandb.Artifact("digit-classifier", type="model", metadata={"accuracy": 0.93})
    with model.new_file("weights.txt") as f:
        f.write(f"trained on {sorted(os.listdir(data_dir))}\n")
    run.log_artifact(model, aliases=["production"])

with wandb.init(project=PROJECT, job_type="eval") as run:
    run.use_artifact("digit-classifier:production")

api = wandb.Api()

# W&B's recipe: walk a project's model collections and their versions.
for collection in api.artifact_collections(PROJECT, "model"):
    print(f"{collection.name} ({collection.type}): aliases in use {sorted(collection.aliases)}")
    for art in collection.artifacts():
        print(f"  {art.name} aliases={art.aliases} size={art.size} bytes")
        print(f"    logged by: {art.logged_by().name}")
        print(f"    used by:   {[r.name for r in art.used_by()]}")

# Download the production model (into ./artifacts/<name>:<version>).
path = api.artifact(f"{PROJECT}/digit-classifier:production").download()
print(f"production model in {path}: {sorted(os.listdir(path))}")

# Move an alias: add "staging" to the latest version and save.
art = api.artifact(f"{PROJECT}/digit-classifier:latest")
if "staging" not in art.aliases:
    art.aliases.append("staging")
    art.save()
print(f"staging is {api.artifact(f'{PROJECT}/digit-classifier:staging').version}")

# What a run logged and used.
for past_run in api.runs(PROJECT):
    logged = [a.name for a in past_run.logged_artifacts()]
    used = [a.name for a in past_run.used_artifacts()]
    print(f"run {past_run.name} ({past_run.job_type}): logged {logged}, used {used}")
