"""Seeds the artifacts e2e test (artifacts.e2e.ts) with the real SDK, as a W&B user would log them:

- ``prepare-v0`` logs the dataset ``mnist-mini`` v0 (a CSV, a README, a PNG, a logged table, a file
  whose name is HTML), ``prepare-v1`` logs v1 (the CSV changed, ``data/val.csv`` added, metadata
  changed); names, cells, metadata and the description carry script payloads that must stay text;
- ``train`` uses ``mnist-mini:v1`` and logs the model ``mnist-cnn`` v0 with the alias ``production``
  (two files and two references: an https and an s3 URI);
- ``evaluate`` uses ``mnist-cnn:production``.

It also makes a second, non-admin user and writes its API key to ``<data dir>/e2e-viewer-key``, so the
test can see the server refuse that user's move of the protected alias ``production``.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/artifacts_seed.py`` against a running local server.
"""

from __future__ import annotations

import os
import struct
import tempfile
import zlib
from pathlib import Path

import trackwell as wandb

PROJECT = "artifacts-e2e"
# Script payloads: in names, cells, metadata and descriptions they must show as text, never run.
PAYLOAD = "<img src=x onerror=\"window.__pwned='img'\">"
SCRIPT = "<script>window.__pwned='script'</script>"
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"> & "quotes".txt'


def png(width: int, height: int) -> bytes:
    """A small RGB PNG (a diagonal gradient), written without any imaging library."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in ((x * 255) // width, (y * 255) // height, 128))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def dataset_version(workdir: Path, version: int) -> wandb.Artifact:
    root = workdir / f"dataset-v{version}"
    quoted = PAYLOAD.replace('"', '""')  # a CSV cell holding quotes, as csv.writer writes it
    rows = ["id,label,pixels", "0,7,0.1", f'1,2,"{quoted}"', "2,1,0.3"]
    if version == 1:
        rows.append("3,0,0.4")
    files: dict[str, str | bytes] = {
        "data/train.csv": "\n".join(rows) + "\n",
        "README.md": f"# mnist-mini\n\nA tiny MNIST subset. {SCRIPT}\n",
        "images/digit-0.png": png(28, 28),
        HOSTILE_NAME: "a file whose name is HTML\n",
    }
    if version == 1:
        files["data/val.csv"] = "id,label\n10,3\n11,4\n"
    write(root, files)
    art = wandb.Artifact(
        "mnist-mini",
        type="dataset",
        description=f"MNIST subset for the e2e test {SCRIPT}",
        metadata={
            "rows": len(rows) - 1,
            "source": PAYLOAD,
            "split": {"train": 0.8} | ({"val": 0.2} if version else {}),
        },
    )
    art.add_dir(str(root))
    art.add(wandb.Table(columns=["id", "prediction", "note"], data=[[0, 7, PAYLOAD], [1, 2, "ok"]]), "preds")
    return art


def main() -> None:
    workdir = Path(tempfile.mkdtemp())
    for version in (0, 1):
        run = wandb.init(project=PROJECT, name=f"prepare-v{version}", job_type="upload")
        run.log_artifact(dataset_version(workdir, version))
        run.finish()

    run = wandb.init(project=PROJECT, name="train", job_type="train")
    dataset = run.use_artifact("mnist-mini:v1", type="dataset")
    assert dataset.version == "v1", dataset.version
    model_dir = workdir / "model"
    write(
        model_dir,
        {"model.pt": bytes(range(256)) * 64, "config.json": '{"layers": [32, 64], "dropout": 0.25}'},
    )
    model = wandb.Artifact(
        "mnist-cnn",
        type="model",
        metadata={"accuracy": 0.97, "epochs": 3, "optimizer": {"name": "adam", "lr": 0.001}},
    )
    model.add_dir(str(model_dir))
    # Tracked by reference, not stored: no request is made with checksum=False.
    model.add_reference("https://example.com/models/model-card.md", checksum=False)
    model.add_reference("s3://mnist-bucket/checkpoints/epoch-3.pt", checksum=False)
    run.log_artifact(model, aliases=["production"])
    run.log({"loss": 0.1})
    run.finish()

    run = wandb.init(project=PROJECT, name="evaluate", job_type="eval")
    used = run.use_artifact("mnist-cnn:production")
    assert used.version == "v0", used.version
    run.log({"accuracy": 0.97})
    run.finish()

    make_viewer(Path(os.environ["TRACKWELL_DATA_DIR"]))


def make_viewer(data_dir: Path) -> None:
    """A second user, not an admin, with an API key (there is no user-management route yet)."""
    from trackwell.server.settings import ServerSettings
    from trackwell.service.auth import AuthService, hash_api_key
    from trackwell.store.sql.database import open_database

    db = open_database(ServerSettings(data_dir=data_dir).resolved_database_url)
    try:
        with db.begin() as conn:
            user = db.users.get_user(conn, "e2e-viewer") or db.users.create_user(
                conn, "e2e-viewer", is_admin=False, now=0.0
            )
            # A member of the entity the seed logs to (the local user's), so the artifacts are
            # theirs to read and edit; only the protected alias is refused (docs/adr/0003).
            local_key = (data_dir / "local-api-key").read_text(encoding="utf-8").strip()
            local = db.users.user_for_key_hash(conn, hash_api_key(local_key), 0.0)
            assert local is not None, "the server's local key is not valid"
            db.users.set_role(conn, local.entity, user.id, "member", now=0.0)
        key = AuthService(db).create_key(user, "e2e")
    finally:
        db.close()
    (data_dir / "e2e-viewer-key").write_text(key + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
